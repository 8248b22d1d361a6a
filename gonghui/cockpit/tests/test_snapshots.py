"""Month-end snapshots: the month just ended from the tallies, past months recounted from the records, the
growth and trend on the cockpit. Figures counted by hand on the coverage module's census (its conftest)."""

import datetime as dt

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from gonghui.cockpit.models import COVERED, ENTERPRISES, HEADCOUNT, MEMBERS, NEW_FORM_MEMBERS, MonthlySnapshot
from gonghui.cockpit.selectors import cockpit_figures
from gonghui.cockpit.snapshots import previous_month_end, snapshots_backfill, snapshots_take, trend
from gonghui.testing import snapshot

JAN, FEB = dt.date(2025, 1, 31), dt.date(2025, 2, 28)


def figure(org, metric, end) -> int:
    row = MonthlySnapshot.objects.filter(org=org, metric=metric, month_end=end).first()
    return row.value if row else 0


def test_backfill_counts_a_transfer_once_and_where_the_person_was(census):
    d = census
    snapshots_backfill([JAN, FEB])
    # 31 January: the mover is still in union A (the transfer on 14 February opened the joint union's row,
    # which keeps the join date of 2024 but counts from the transfer); the leaver left on 20 January.
    assert [figure(o, MEMBERS, JAN) for o in (d.union_a, d.joint1, d.union_b)] == [2, 1, 1]
    assert [figure(o, MEMBERS, JAN) for o in (d.street1, d.street2, d.root)] == [3, 1, 4]
    assert figure(d.joint1, NEW_FORM_MEMBERS, JAN) == 1 and figure(d.root, NEW_FORM_MEMBERS, JAN) == 1
    # 28 February: the mover is in the joint union; still one person in the street and the district.
    assert [figure(o, MEMBERS, FEB) for o in (d.union_a, d.joint1, d.street1, d.root)] == [1, 2, 3, 4]
    # Census: today's enterprises; covered from the union's founding date (union B has none: recorded today).
    assert [figure(d.street1, m, JAN) for m in (ENTERPRISES, COVERED, HEADCOUNT)] == [3, 2, 220]
    assert [figure(d.street2, m, JAN) for m in (ENTERPRISES, COVERED, HEADCOUNT)] == [2, 0, 110]
    # Re-running replaces, never doubles.
    snapshots_backfill([JAN])
    assert figure(d.root, MEMBERS, JAN) == 4
    assert [m["members"] for m in trend([d.street1, d.street2])] == [4, 4]


def test_the_month_just_ended_is_taken_from_the_tallies(census):
    d = census
    end = previous_month_end(timezone.localdate())
    snapshots_take(end)
    for org in (d.root, d.street1, d.street2, d.joint1):
        now = cockpit_figures(user=d.district, org=org)["total"]
        month = trend([org])[-1]
        assert month["month_end"] == end
        assert (month["members"], month["new_form_members"], month["covered"], month["headcount"]) == (
            now.members, now.new_form_members, now.covered, now.headcount)


def test_growth_and_trend_on_the_page_and_the_api(client, census):
    d = census
    snapshots_backfill([JAN, FEB])
    client.force_login(d.street1_user)
    response = client.get(reverse("cockpit:cockpit"))
    context = response.context
    assert [m["month_end"] for m in context["trend"]] == [JAN, FEB]
    assert context["last_month_end"] == FEB
    assert context["growth"] == context["total"].members - 3  # 3 members in street1 at the end of February
    assert 'id="cockpit-trend"' in response.content.decode()
    data = client.get("/api/v1/cockpit").json()
    assert [m["members"] for m in data["trend"]] == [3, 3] and data["growth"] == context["growth"]
    assert data["trend"][0]["establishment_rate"] == pytest.approx(2 / 3)


def test_the_command_backfills_once_and_refuses_a_bad_count(census):
    call_command("cockpit_snapshots", "--backfill", "3", "--if-empty")
    ends = sorted(set(MonthlySnapshot.objects.values_list("month_end", flat=True)))
    assert len(ends) == 3 and ends[-1] == previous_month_end(timezone.localdate())
    before = snapshot(MonthlySnapshot)
    call_command("cockpit_snapshots", "--backfill", "12", "--if-empty")  # snapshots exist: nothing to do
    assert snapshot(MonthlySnapshot) == before
    with pytest.raises(CommandError):
        call_command("cockpit_snapshots", "--backfill", "500")
    assert snapshot(MonthlySnapshot) == before
