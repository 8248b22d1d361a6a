"""Sending notifications and marking them read.

`notify` is what other apps call; it runs the configured backends after the surrounding
transaction commits, so a rolled-back action sends nothing.
"""

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from .backends import Message
from .models import Notification

DEFAULT_BACKENDS = ("gonghui.notifications.backends.InboxBackend", "gonghui.notifications.backends.SmsBackend")


def backends():
    return [import_string(path)() for path in getattr(settings, "NOTIFIER_BACKENDS", DEFAULT_BACKENDS)]


def notify(*, recipients=(), title: str, body: str = "", url: str = "", mobiles=(), sms: bool = False) -> None:
    recipients = tuple(dict.fromkeys(u for u in recipients if u is not None and u.is_active))
    mobiles = tuple(m for m in mobiles if m)
    if not recipients and not mobiles:
        return
    message = Message(title=str(title), body=str(body), url=url, recipients=recipients, mobiles=mobiles, sms=sms)

    def deliver():
        for backend in backends():
            backend.send(message)

    transaction.on_commit(deliver)


def notification_mark_read(*, user, pk: int | None = None) -> int:
    """Mark one of the user's notifications (or all of them, when `pk` is None) read; returns how many."""
    qs = Notification.objects.filter(user=user, read_at__isnull=True)
    if pk is not None:
        qs = qs.filter(pk=pk)
    return qs.update(read_at=timezone.now())
