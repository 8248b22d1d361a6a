"""Expiry reminders (once per contract and window), the daily task, and coverage by org subtree."""

import datetime as dt

import pytest
from django.utils import timezone

from gonghui.audit.models import AuditEvent
from gonghui.contracts.models import Contract, ContractEvent, ExpiryReminder, Kind, Stage
from gonghui.contracts.selectors import contracts_expiring, coverage, reminder_list
from gonghui.contracts.services import contracts_bring_into_force, reminders_create
from gonghui.contracts.tasks import contracts_daily

from .conftest import days_ago, make_contract, walk

TODAY = timezone.localdate()


def _in_force(district, expires_in: int, **kwargs) -> Contract:
    contract = walk(make_contract(district, **kwargs), district.district, to=Stage.EFFECTIVE)
    Contract.objects.filter(pk=contract.pk).update(expires_on=TODAY + dt.timedelta(days=expires_in))
    return Contract.objects.get(pk=contract.pk)


def test_expiring_selector_is_scoped_and_bounded(district):
    soon = _in_force(district, 20)
    later = _in_force(district, 60)
    _in_force(district, 100)
    _in_force(district, -1)  # already expired
    west = _in_force(district, 10, org=district.union_b, employer=district.enterprise_b)
    walk(make_contract(district), district.district, to=Stage.SIGNED)  # not in force: no reminder
    assert list(contracts_expiring(user=district.district, within_days=30)) == [west, soon]
    assert list(contracts_expiring(user=district.street1_user, within_days=90)) == [soon, later]
    assert list(contracts_expiring(user=district.street2_user, within_days=30)) == [west]
    assert list(contracts_expiring(user=district.nobody, within_days=365)) == []


def test_reminders_are_made_once_per_contract_and_window(district):
    soon = _in_force(district, 20)
    later = _in_force(district, 60)
    far = _in_force(district, 100)
    walk(make_contract(district), district.district, to=Stage.SIGNED)
    made = reminders_create()
    assert sorted((r.contract_id, r.window_days) for r in made) == sorted(
        [(soon.pk, 90), (soon.pk, 30), (later.pk, 90)])
    assert reminders_create() == [] and reminders_create() == []
    assert ExpiryReminder.objects.count() == 3
    assert AuditEvent.objects.filter(action="contracts.expiry_reminder").count() == 3
    # Thirty days on, the later contract enters the 30-day window and the far one the 90-day window, once.
    assert sorted((r.contract_id, r.window_days) for r in reminders_create(today=TODAY + dt.timedelta(days=30))) == [
        (later.pk, 30), (far.pk, 90)]
    assert reminders_create(today=TODAY + dt.timedelta(days=30)) == []
    assert set(reminder_list(user=district.street2_user)) == set()
    assert reminder_list(user=district.street1_user).count() == 5


def test_filed_contracts_come_into_force_after_the_review_period(district):
    due = walk(make_contract(district), district.district, to=Stage.FILED, start=56)  # filed 16 days ago
    waiting = walk(make_contract(district), district.district, to=Stage.FILED, start=50)  # filed 10 days ago
    assert contracts_bring_into_force() == 1
    due.refresh_from_db()
    waiting.refresh_from_db()
    assert due.stage == Stage.EFFECTIVE and due.effective_on == days_ago(1)
    assert waiting.stage == Stage.FILED
    event = ContractEvent.objects.filter(contract=due).last()
    assert event.actor is None and event.to_stage == Stage.EFFECTIVE
    assert contracts_bring_into_force() == 0


def test_daily_task_runs_both_jobs(district):
    walk(make_contract(district), district.district, to=Stage.FILED, start=56)
    _in_force(district, 5)
    assert contracts_daily() == {"in_force": 1, "reminders": 2}
    assert contracts_daily() == {"in_force": 0, "reminders": 0}


@pytest.fixture
def covered(district):
    """Hand-counted: street1 has C1 (union_a, 东方机械厂, 100 workers) and the regional C2 (东方机械厂 and
    东街快送站, 150 workers) in force; street2 has C3 (西城商贸, 80 workers). Not counted: C4 only signed,
    C5 in force once but expired."""
    walk(make_contract(district, covered_workers=100), district.district, to=Stage.EFFECTIVE)
    walk(make_contract(district, kind=Kind.REGIONAL, org=district.street1, covered_workers=150,
                       covered_enterprises=[district.enterprise_a, district.enterprise_none]),
         district.district, to=Stage.EFFECTIVE)
    walk(make_contract(district, kind=Kind.WAGE, org=district.union_b, employer=district.enterprise_b,
                       covered_workers=80), district.district, to=Stage.EFFECTIVE)
    walk(make_contract(district, kind=Kind.FEMALE, covered_workers=60), district.district, to=Stage.SIGNED)
    expired = walk(make_contract(district, kind=Kind.WAGE, covered_workers=70, term_years=1), district.district,
                   to=Stage.EFFECTIVE, start=500)
    assert expired.is_expired
    return district


@pytest.mark.parametrize(("org", "expected"), [
    # Census headcounts: 东方机械厂 120, 东街快送站 40, 西城商贸 80 (gonghui.testing.District).
    ("root", {"contracts": 3, "enterprises": 3, "workers": 240, "declared_workers": 330}),
    ("street1", {"contracts": 2, "enterprises": 2, "workers": 160, "declared_workers": 250}),
    ("union_a", {"contracts": 1, "enterprises": 1, "workers": 120, "declared_workers": 100}),
    ("street2", {"contracts": 1, "enterprises": 1, "workers": 80, "declared_workers": 80}),
    ("joint1", {"contracts": 0, "enterprises": 0, "workers": 0, "declared_workers": 0}),
])
def test_coverage_by_subtree(covered, org, expected):
    assert coverage(user=covered.district, org=getattr(covered, org)) == expected


def test_coverage_counts_only_what_the_user_may_see(covered):
    assert coverage(user=covered.street2_user, org=covered.root) == {
        "contracts": 1, "enterprises": 1, "workers": 80, "declared_workers": 80}
    assert coverage(user=covered.nobody, org=covered.root) == {
        "contracts": 0, "enterprises": 0, "workers": 0, "declared_workers": 0}


def test_daily_task_is_scheduled():
    from django.conf import settings

    from gonghui.celery import app

    entry = settings.CELERY_BEAT_SCHEDULE["contracts-daily"]
    app.loader.import_default_modules()
    assert entry["task"] in app.tasks
