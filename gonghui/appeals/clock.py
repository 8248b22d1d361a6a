"""The one source of "now" for appeals, so tests can stand at a given moment (monkeypatch `now`)."""

from django.utils import timezone


def now():
    return timezone.now()
