import pytest
from django.urls import reverse
from django.utils import timezone

from gonghui.accounts.models import User
from gonghui.audit.models import AuditEvent
from gonghui.testing import PASSWORD, snapshot

pytestmark = pytest.mark.django_db


def lock(username):
    User.objects.filter(username=username).update(locked_until=timezone.now() + timezone.timedelta(minutes=30))


def test_five_wrong_passwords_write_one_lockout_audit_row(client, district):
    for _ in range(5):
        client.post(reverse("accounts:login"), {"username": "street1", "password": "wrong-Pass1"})
    rows = AuditEvent.objects.filter(action="account.locked", target_id=str(district.street1_user.pk))
    assert rows.count() == 1


def test_security_admin_lands_on_locked_accounts_and_unlocks(client, district):
    lock("street1")
    response = client.post(reverse("accounts:login"), {"username": "secadmin", "password": PASSWORD})
    assert response["Location"] == reverse("security:locked")
    page = client.get(reverse("security:locked")).content.decode()
    assert f"locked-{district.street1_user.pk}" in page
    response = client.post(reverse("security:unlock", args=[district.street1_user.pk]))
    assert response.status_code == 302
    district.street1_user.refresh_from_db()
    assert district.street1_user.locked_until is None
    assert AuditEvent.objects.filter(action="account.unlock", actor=district.secadmin).count() == 1
    assert client.login(username="street1", password=PASSWORD)


@pytest.mark.parametrize("who", [None, "auditor", "sysadmin", "district", "worker1"])
def test_only_the_security_admin_may_unlock(client, district, who):
    lock("street1")
    if who:
        client.login(username=who, password=PASSWORD)
    before = snapshot(User, AuditEvent)
    response = client.post(reverse("security:unlock", args=[district.street1_user.pk]))
    assert response.status_code == (302 if who is None else 403)
    assert client.get(reverse("security:locked")).status_code == (302 if who is None else 403)
    assert snapshot(User, AuditEvent) == before


def test_unlocking_an_unlocked_account_changes_nothing(client, district):
    client.login(username="secadmin", password=PASSWORD)
    before = snapshot(User, AuditEvent)
    client.post(reverse("security:unlock", args=[district.street1_user.pk]))
    assert snapshot(User, AuditEvent) == before
