"""Idle session timeout: a session lives 30 minutes after the last request, and each request extends it."""

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

from gonghui.testing import PASSWORD

pytestmark = pytest.mark.django_db


def test_each_request_extends_the_session_by_the_idle_limit(client, district):
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    client.login(username="street1", password=PASSWORD)
    Session.objects.update(expire_date=timezone.now() + timezone.timedelta(minutes=1))
    assert client.get(reverse("console:home")).status_code == 200
    expires = Session.objects.get().expire_date
    assert expires > timezone.now() + timezone.timedelta(minutes=29)


def test_an_idle_session_signs_the_user_out(client, district):
    client.login(username="street1", password=PASSWORD)
    Session.objects.update(expire_date=timezone.now() - timezone.timedelta(seconds=1))
    response = client.get(reverse("console:home"))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]
