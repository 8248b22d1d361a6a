"""The pluggable notifier: inbox rows, SMS through the configured backend, nothing on rollback."""

import pytest
from django.db import transaction
from django.test import Client, override_settings
from django.urls import reverse

from gonghui.accounts.sms import MemorySmsBackend
from gonghui.notifications.models import Notification
from gonghui.notifications.selectors import unread_count
from gonghui.notifications.services import notification_mark_read, notify
from gonghui.testing import snapshot


def test_notify_reaches_the_inbox_and_sms(district, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[district.worker1_user, district.street1_user], mobiles=["13511112222"], title="标题",
               body="内容", sms=True)
    assert unread_count(user=district.worker1_user) == 1 and unread_count(user=district.street1_user) == 1
    assert sorted(m for m, _t in MemorySmsBackend.outbox) == ["13511112222", "13800001111"]


def test_only_the_configured_backends_run(district, django_capture_on_commit_callbacks):
    with override_settings(NOTIFIER_BACKENDS=["gonghui.notifications.backends.InboxBackend"]), \
            django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[district.worker1_user], title="标题", sms=True)
    assert Notification.objects.count() == 1 and MemorySmsBackend.outbox == []


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_action_sends_nothing(district):
    with pytest.raises(RuntimeError), transaction.atomic():
        notify(recipients=[district.worker1_user], title="标题", sms=True)
        raise RuntimeError
    assert Notification.objects.count() == 0 and MemorySmsBackend.outbox == []


def test_mark_read_touches_only_the_users_own(district, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[district.worker1_user, district.street1_user], title="标题")
    mine = district.worker1_user.notifications.get()
    assert notification_mark_read(user=district.street1_user, pk=mine.pk) == 0
    assert notification_mark_read(user=district.worker1_user) == 1
    assert unread_count(user=district.street1_user) == 1


def test_the_portal_home_shows_the_unread_count(district, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[district.worker1_user], title="标题")
    client = Client()
    client.force_login(district.worker1_user)
    body = client.get(reverse("portal:home")).content.decode()
    assert reverse("notifications:inbox") in body


def test_marking_read_through_http_touches_nobody_elses(district, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[district.worker1_user, district.street1_user], title="标题")
    mine = district.worker1_user.notifications.get()
    before = snapshot(Notification)
    anonymous, nobody = Client(), Client()
    nobody.force_login(district.nobody)
    assert anonymous.post(reverse("notifications:read_all")).status_code == 302
    assert anonymous.post(reverse("notifications:read", args=[mine.pk])).status_code == 302
    assert nobody.post(reverse("notifications:read", args=[mine.pk])).status_code == 302
    assert nobody.post(reverse("notifications:read_all")).status_code == 302
    assert snapshot(Notification) == before
