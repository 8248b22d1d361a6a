"""The command: demo accounts, --if-empty, and refusals that change nothing."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils.translation import gettext

from gonghui.accounts.models import RoleGrant, User
from gonghui.accounts.roles import Role
from gonghui.audit.models import AuditEvent
from gonghui.enterprises.models import Enterprise
from gonghui.members.models import Membership, MembershipStatus, Worker
from gonghui.orgs.models import Org, OrgKind
from gonghui.testing import make_user, snapshot

PASSWORD = "Demo@12351"
TABLES = (Org, Enterprise, Worker, Membership, User, RoleGrant, AuditEvent)


def run(*args) -> str:
    out = StringIO()
    call_command("demo_district", "--scale", "tiny", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_prints_a_summary_and_the_demo_accounts():
    output = run()
    assert "Demo@12351" in output
    for username in ("district", "street1", "street2", "grassroots1", "worker1", "sysadmin", "secadmin", "auditor"):
        assert username in output
    assert "1,000" in output  # workers


@pytest.mark.django_db
def test_demo_accounts_sign_in_and_hold_the_right_grants(client):
    run()
    streets = list(Org.objects.filter(kind=OrgKind.STREET).order_by("pk"))
    root = Org.objects.get(kind=OrgKind.DISTRICT)
    expected = {
        "district": [(Role.DISTRICT_STAFF, root.pk)],
        "street1": [(Role.STREET_CADRE, streets[0].pk)],
        "street2": [(Role.STREET_CADRE, streets[1].pk)],
        "sysadmin": [(Role.SYSTEM_ADMIN, None)],
        "secadmin": [(Role.SECURITY_ADMIN, None)],
        "auditor": [(Role.AUDITOR, None)],
        "worker1": [],
    }
    for username, grants in expected.items():
        user = User.objects.get(username=username)
        assert list(user.grants.values_list("role", "org_id")) == grants
        assert client.login(username=username, password=PASSWORD), username
        client.logout()
    sysadmin = User.objects.get(username="sysadmin")
    assert sysadmin.is_staff and sysadmin.is_superuser
    assert not User.objects.exclude(username="sysadmin").filter(is_superuser=True).exists()
    # grassroots1 runs a grassroots union of street1 that has members; worker1 is one of them.
    grant = RoleGrant.objects.get(user__username="grassroots1")
    assert grant.role == Role.GRASSROOTS_CADRE and grant.org.kind == OrgKind.GRASSROOTS
    assert grant.org.street_id == streets[0].pk
    worker = Worker.objects.get(user__username="worker1")
    assert worker.org_id == grant.org_id
    assert worker.memberships.get(status=MembershipStatus.ACTIVE).org_id == grant.org_id
    worker1 = User.objects.get(username="worker1")
    assert worker1.mobile == worker.mobile and worker1.first_name == worker.name
    assert client.login(username=worker.mobile, password=PASSWORD)  # sign-in by mobile as well


@pytest.mark.django_db
def test_if_empty_generates_into_an_empty_database():
    run("--if-empty")
    assert Worker.objects.count() == 1000


def test_if_empty_does_nothing_on_a_populated_database(district):
    before = snapshot(*TABLES)
    output = run("--if-empty")
    assert snapshot(*TABLES) == before
    assert gettext("The database already holds data; the demo district was not generated.") in output


def test_refuses_a_non_empty_database_and_changes_nothing(district):
    before = snapshot(*TABLES)
    with pytest.raises(CommandError, match="--if-empty"):
        run()
    assert snapshot(*TABLES) == before


@pytest.mark.django_db
def test_refuses_when_a_demo_username_is_taken_and_changes_nothing():
    make_user("sysadmin")
    before = snapshot(*TABLES)
    with pytest.raises(CommandError, match="sysadmin"):
        run()
    assert snapshot(*TABLES) == before
