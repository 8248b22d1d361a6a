"""Month-end snapshots of the cockpit's figures: growth since last month and the 12-month trend (R5.2).

The tallies hold the figures now; a snapshot keeps each org's SUBTREE figure at a month end, so the
cockpit reads a trend as twelve rows per figure for one org, not a recount of a million memberships.

- `snapshots_take` (Celery beat, 00:05 on the 1st, Asia/Shanghai): the month just ended, from the
  tallies as they stand (five minutes of the new month may be in it: an import started at midnight).
- `snapshots_backfill`: months before the first snapshot, recounted from the records:
  members at a month end are the memberships started by then and not ended; a membership that a
  transfer opened counts from the transfer (the old one's end), not from the join date it keeps, so a
  person counts once and in the union they were in at the time. Enterprises and headcount are today's
  census (no census history is kept); an enterprise counts as covered from its union's founding date
  (or the day the union was recorded), as on the coverage page.
A month end already snapshotted is replaced, so both can be re-run.
"""

import datetime as dt
from collections import defaultdict

from django.db import transaction
from django.db.models import Count, F, Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from gonghui.core.choices import NEW_FORMS
from gonghui.enterprises.models import Enterprise
from gonghui.members.models import Membership, MembershipStatus
from gonghui.orgs.models import Org

from .models import COVERED, ENTERPRISES, HEADCOUNT, MEMBERS, NEW_FORM_MEMBERS, MonthlySnapshot, OrgTally
from .selectors import rate

METRICS = (MEMBERS, NEW_FORM_MEMBERS, ENTERPRISES, COVERED, HEADCOUNT)
COUNTED = (MembershipStatus.ACTIVE, MembershipStatus.TRANSFERRED, MembershipStatus.LEFT)


def previous_month_end(day: dt.date) -> dt.date:
    return day.replace(day=1) - dt.timedelta(days=1)


def _roll_up(own: dict[tuple[int, str], int]) -> dict[tuple[int, str], int]:
    """Per-org figures -> subtree figures: each org's value is added to itself and every ancestor."""
    paths = dict(Org.objects.values_list("pk", "path"))
    out: dict[tuple[int, str], int] = defaultdict(int)
    for (org_id, metric), value in own.items():
        for ancestor in paths.get(org_id, "").strip("/").split("/"):
            if ancestor:
                out[(int(ancestor), metric)] += value
    return out


@transaction.atomic
def _store(end: dt.date, subtree: dict[tuple[int, str], int]) -> int:
    MonthlySnapshot.objects.filter(month_end=end).delete()
    rows = [MonthlySnapshot(org_id=org, metric=metric, month_end=end, value=value)
            for (org, metric), value in subtree.items() if value]
    MonthlySnapshot.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def snapshots_take(end: dt.date | None = None) -> int:
    """Snapshot the tallies as the figures of month end `end` (default: the month just ended)."""
    end = end or previous_month_end(timezone.localdate())
    own = {(org, metric): value for org, metric, value in
           OrgTally.objects.filter(metric__in=METRICS).values_list("org_id", "metric", "value")}
    return _store(end, _roll_up(own))


def _members_at(end: dt.date) -> dict[tuple[int, str], int]:
    started = Coalesce(F("transfer_from__ended_on"), F("joined_on"))
    rows = (Membership.objects.filter(status__in=COUNTED).annotate(started=started)
            .filter(started__lte=end).filter(Q(ended_on__isnull=True) | Q(ended_on__gt=end))
            .order_by().values("org_id")
            .annotate(n=Count("*"), new_form=Count("pk", filter=Q(worker__employment_form__in=NEW_FORMS))))
    own: dict[tuple[int, str], int] = defaultdict(int)
    for row in rows:
        own[(row["org_id"], MEMBERS)] += row["n"]
        own[(row["org_id"], NEW_FORM_MEMBERS)] += row["new_form"]
    return own


def _census_at(end: dt.date, own: dict[tuple[int, str], int]) -> None:
    next_day = timezone.make_aware(dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min))
    covered_by = Q(union__isnull=False) & (
        Q(union__founded_on__lte=end) | Q(union__founded_on__isnull=True, union__created_at__lt=next_day))
    rows = (Enterprise.objects.order_by().values("street_id")
            .annotate(n=Count("*"), people=Sum("headcount"), covered=Count("pk", filter=covered_by)))
    for row in rows:
        own[(row["street_id"], ENTERPRISES)] += row["n"]
        own[(row["street_id"], HEADCOUNT)] += row["people"] or 0
        own[(row["street_id"], COVERED)] += row["covered"]


def snapshots_backfill(month_ends: list[dt.date]) -> int:
    """Recount the figures of past month ends from the records (see the module docstring)."""
    written = 0
    for end in month_ends:
        own = _members_at(end)
        _census_at(end, own)
        written += _store(end, _roll_up(own))
    return written


def trend(orgs: list[Org], months: int = 12) -> list[dict]:
    """The last `months` snapshotted month ends over the subtrees of `orgs`, oldest first: one query."""
    rows = (MonthlySnapshot.objects.filter(org__in=orgs, metric__in=METRICS)
            .values_list("month_end", "metric", "value"))
    by_month: dict[dt.date, dict[str, int]] = defaultdict(lambda: dict.fromkeys(METRICS, 0))
    for end, metric, value in rows:
        by_month[end][metric] += value
    ends = sorted(by_month)[-months:]
    return [{"month_end": end, **by_month[end]} for end in ends]


def growth_and_trend(total, subtrees) -> dict:
    """Members now against the last month end, and the month-end figures with both rates, oldest first."""
    months = trend(subtrees)
    for month in months:
        month["establishment_rate"] = rate(month["covered"], month["enterprises"])
        month["membership_rate"] = rate(month["members"], month["headcount"])
    peak = max([m["members"] for m in months] + [1])
    for month in months:
        month["bar"] = round(100 * month["members"] / peak)
    last = months[-1] if months else None
    return {"trend": months, "last_month_end": last["month_end"] if last else None,
            "growth": total.members - last["members"] if last else None}
