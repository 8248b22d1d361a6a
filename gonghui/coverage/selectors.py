"""Union coverage figures (R2.5): establishment rate, membership rate, their trend and the blind spots.

Every figure is computed over the acting user's VIEW scope (the org subtrees their roles grant,
through `gonghui.core.scoping.scope_q`), optionally narrowed to one org they may see (drill-down).
The owner clause of `restrict` is left out on purpose: these are figures about unions, and a cadre
who is also a member somewhere else must not add their own membership to their figures.

Definitions (also written on the page):
- establishment rate (建会率) = census enterprises with a covering union (own, joint or industry:
  `Enterprise.union` set) / census enterprises;
- membership rate (入会率) = members (people with an active membership) / census headcount (the sum
  of `Enterprise.headcount`);
- a member is placed by their employer (its street, industry, ownership); a member without a census
  employer counts in the street of their union and under "no census employer" by industry/ownership.
  The denominator stays the census headcount;
- trend: members at a month end (today, for the month not over yet) are the people (distinct
  workers) with a membership joined on or before that day and not ended by it (status active,
  transferred or left), so a transfer, which copies the join date, counts once;
- establishment at a month end: no history is kept, so an enterprise counts as covered from its
  covering union's founding date (or the day that union was recorded, when no founding date is
  known), against today's census.

The number of queries is fixed: everything is grouped in the database and folded here in Python.
"""

import calendar
import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Exists, F, IntegerField, OuterRef, Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from gonghui.core.choices import NEW_FORMS, EmploymentForm, Industry
from gonghui.core.scoping import VIEW, gate, restrict_to_orgs, scope_q
from gonghui.enterprises.models import PUBLIC_OWNERSHIP, Enterprise, Ownership
from gonghui.members.models import Membership, MembershipStatus, Worker
from gonghui.orgs.models import Org

TREND_MONTHS = 12
COUNTED_IN_TREND = (MembershipStatus.ACTIVE, MembershipStatus.TRANSFERRED, MembershipStatus.LEFT)


def _scoped(qs, user, org: Org | None = None):
    """`qs` within the user's VIEW subtrees (and within `org`'s subtree for a drill-down)."""
    qs = restrict_to_orgs(qs, user, VIEW)
    if org is not None:
        qs = qs.filter(scope_q(qs.model, [org.path]))
    return qs


def coverage_org(*, user, pk) -> Org:
    """The org a drill-down asks for; Http404 when missing or outside the user's scope."""
    return gate(Org, user, VIEW, pk=pk)


def rate(part, whole) -> float | None:
    return None if not whole else part / whole


@dataclass
class Row:
    """One line of a breakdown: census figures and members for one street, industry, ownership or form."""

    key: object
    label: str = ""
    enterprises: int = 0
    covered: int = 0
    headcount: int = 0
    uncovered_headcount: int = 0
    members: int = 0
    workers: int = 0  # employment forms only: workers on record in scope
    extra: dict = field(default_factory=dict)

    @property
    def uncovered(self) -> int:
        return self.enterprises - self.covered

    @property
    def establishment_rate(self):
        return rate(self.covered, self.enterprises)

    @property
    def membership_rate(self):
        return rate(self.members, self.headcount)

    @property
    def non_members(self) -> int:
        return max(self.workers - self.members, 0)

    def add_census(self, r: dict):
        self.enterprises += r["n"]
        self.covered += r["covered"]
        self.headcount += r["people"]
        self.uncovered_headcount += r["people_uncovered"]


def month_ends(today: dt.date, months: int = TREND_MONTHS) -> list[dt.date]:
    """The last day of each of the `months` months up to and including today's month, oldest first."""
    ends = []
    year, month = today.year, today.month
    for _ in range(months):
        ends.append(dt.date(year, month, calendar.monthrange(year, month)[1]))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return ends[::-1]


def _start_of_next_day(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min))


def _census_rows(enterprises):
    return (
        enterprises.order_by()
        .values("street_id", "industry", "ownership")
        .annotate(
            n=Count("*"),
            covered=Count("pk", filter=Q(union__isnull=False)),
            people=Coalesce(Sum("headcount"), 0),
            people_uncovered=Coalesce(Sum("headcount", filter=Q(union__isnull=True)), 0),
        )
    )


def _member_rows(memberships):
    """Active members grouped by where they count. A person has at most one active membership (a database
    constraint), so counting rows counts people: no DISTINCT, which cost SQLite 4.5 s of 1M rows."""
    return (
        memberships.filter(status=MembershipStatus.ACTIVE)
        .annotate(place=Coalesce(F("worker__employer__street_id"), F("org__street_id"), output_field=IntegerField()))
        .order_by()
        .values("place", "worker__employer__industry", "worker__employer__ownership", "worker__employment_form")
        .annotate(n=Count("*"))
    )


def _worker_rows(workers):
    """Workers on record in scope by employment form (the non-members are these minus the members by form)."""
    return workers.order_by().values("employment_form").annotate(n=Count("*"))


def _repeat_memberships(counted, cutoffs: list[dt.date]) -> list[int]:
    """At each cutoff, how many counted memberships belong to a person already counted through another one.

    A person is counted once at a month end however many memberships cover it (a transfer copies the
    join date, so the old and the new membership overlap). COUNT(DISTINCT person) over every row made
    SQLite build twelve b-trees of a million entries (56 s at city scale); instead the rows are counted
    plainly, and the overlaps are taken off here, from the few people with more than one membership.
    """
    # "Another counted row of the same person" is one lookup in the worker index per row in scope: cheaper
    # than grouping the whole table by person, which SQLite did through the worker index for any scope.
    another = counted.filter(worker=OuterRef("worker")).exclude(pk=OuterRef("pk"))
    rows = list(counted.filter(Exists(another)).order_by().values_list("worker", "joined_on", "ended_on"))
    extra = []
    for end in cutoffs:
        covering = [w for w, joined, ended in rows if joined <= end and (ended is None or ended > end)]
        extra.append(len(covering) - len(set(covering)))
    return extra


def _trend(enterprises, memberships, ends: list[dt.date], today: dt.date) -> list[dict]:
    """Members and covered enterprises at each month end (today for the month not over yet): two queries."""
    cutoffs = [min(end, today) for end in ends]
    counted = memberships.filter(status__in=COUNTED_IN_TREND, joined_on__isnull=False)
    member_aggs = {
        f"m{i}": Count("pk", filter=Q(joined_on__lte=end) & (Q(ended_on__isnull=True) | Q(ended_on__gt=end)))
        for i, end in enumerate(cutoffs)
    }
    members = counted.aggregate(**member_aggs)
    for i, extra in enumerate(_repeat_memberships(counted, cutoffs)):
        members[f"m{i}"] = (members[f"m{i}"] or 0) - extra
    # The union's dates are annotated once: a filter naming `union__…` in each of the twelve aggregates
    # made Django set up the same join twelve times (most of the page's Python time on a small street).
    covered_aggs = {
        f"c{i}": Count("pk", filter=Q(founded__lte=end) | Q(founded__isnull=True, recorded__lt=_start_of_next_day(end)))
        for i, end in enumerate(cutoffs)
    }
    covered = (enterprises.filter(union__isnull=False)
               .annotate(founded=F("union__founded_on"), recorded=F("union__created_at"))
               .aggregate(**covered_aggs))
    return [
        {"month_end": end, "as_of": cutoffs[i], "members": members[f"m{i}"] or 0, "covered": covered[f"c{i}"] or 0}
        for i, end in enumerate(ends)
    ]


NO_STREET = "none"
NO_EMPLOYER = "none"


def coverage_report(*, user, org: Org | None = None, today: dt.date | None = None) -> dict:
    """All figures of the coverage page for `user` (within `org` when drilling down), in a fixed number of queries."""
    today = today or timezone.localdate()
    enterprises = _scoped(Enterprise.objects.all(), user, org)
    memberships = _scoped(Membership.objects.all(), user, org)
    workers = _scoped(Worker.objects.all(), user, org)

    total = Row(key="total")
    by_street: dict = {}
    by_industry: dict = {}
    by_ownership: dict = {}
    non_public = Row(key="non_public")

    def row(table, key) -> Row:
        if key not in table:
            table[key] = Row(key=key)
        return table[key]

    for r in _census_rows(enterprises):
        total.add_census(r)
        row(by_street, r["street_id"]).add_census(r)
        row(by_industry, r["industry"]).add_census(r)
        row(by_ownership, r["ownership"]).add_census(r)
        if r["ownership"] not in PUBLIC_OWNERSHIP:
            non_public.add_census(r)

    by_form: dict = {}
    for r in _member_rows(memberships):
        n = r["n"]
        total.members += n
        row(by_street, r["place"] or NO_STREET).members += n
        row(by_industry, r["worker__employer__industry"] or NO_EMPLOYER).members += n
        ownership = r["worker__employer__ownership"]
        row(by_ownership, ownership or NO_EMPLOYER).members += n
        if ownership and ownership not in PUBLIC_OWNERSHIP:
            non_public.members += n
        row(by_form, r["worker__employment_form"]).members += n

    for r in _worker_rows(workers):
        row(by_form, r["employment_form"]).workers += r["n"]

    street_ids = [k for k in by_street if k != NO_STREET]
    streets = {s.pk: s for s in Org.objects.filter(pk__in=street_ids).only("pk", "name", "path")}
    for key, r in by_street.items():
        r.extra["org"] = streets.get(key)
        r.label = streets[key].name if key in streets else ""
    industry_labels = dict(Industry.choices)
    for key, r in by_industry.items():
        r.label = str(industry_labels.get(key, "")) if key != NO_EMPLOYER else ""
    ownership_labels = dict(Ownership.choices)
    for key, r in by_ownership.items():
        r.label = str(ownership_labels.get(key, "")) if key != NO_EMPLOYER else ""
        r.extra["non_public"] = key != NO_EMPLOYER and key not in PUBLIC_OWNERSHIP
    form_labels = dict(EmploymentForm.choices)
    new_forms = Row(key="new_forms")
    for key, r in by_form.items():
        r.label = str(form_labels.get(key, key))
        r.extra["new_form"] = key in NEW_FORMS
        if key in NEW_FORMS:
            new_forms.members += r.members
            new_forms.workers += r.workers

    def ordered(table, labels_order):
        order = {k: i for i, k in enumerate(labels_order)}
        return sorted(table.values(), key=lambda r: (order.get(r.key, len(order)), r.label))

    trend = _trend(enterprises, memberships, month_ends(today), today)
    for point in trend:
        point["establishment_rate"] = rate(point["covered"], total.enterprises)
        point["membership_rate"] = rate(point["members"], total.headcount)
    peak = max([p["members"] for p in trend] + [1])
    for point in trend:
        point["bar"] = round(100 * point["members"] / peak)

    def blind(rows, measure):
        return sorted((r for r in rows if measure(r) > 0), key=lambda r: (-measure(r), r.label))

    street_rows = sorted(by_street.values(), key=lambda r: (r.key == NO_STREET, r.label))
    form_rows = ordered(by_form, list(EmploymentForm.values))
    return {
        "org": org,
        "total": total,
        "streets": street_rows,
        "industries": ordered(by_industry, [*Industry.values, NO_EMPLOYER]),
        "ownerships": ordered(by_ownership, [*Ownership.values, NO_EMPLOYER]),
        "non_public": non_public,
        "forms": form_rows,
        "new_forms": new_forms,
        "trend": trend,
        "blind_streets": blind([r for r in street_rows if r.key != NO_STREET], lambda r: r.uncovered_headcount),
        "blind_industries": blind([r for r in by_industry.values() if r.key != NO_EMPLOYER],
                                  lambda r: r.uncovered_headcount),
        "blind_forms": blind(form_rows, lambda r: r.non_members),
    }


def uncovered_enterprises(*, user, org: Org | None = None, street=None, industry: str = "", ownership: str = "",
                          non_public: bool = False):
    """Census enterprises without a covering union, within the scope of the coverage page, with their plans."""
    qs = _scoped(Enterprise.objects.filter(union__isnull=True), user, org)
    if street is not None:
        qs = qs.filter(street_id=getattr(street, "pk", street))
    if industry:
        qs = qs.filter(industry=industry)
    if ownership:
        qs = qs.filter(ownership=ownership)
    if non_public:
        qs = qs.exclude(ownership__in=PUBLIC_OWNERSHIP)
    return qs.select_related("street", "establishment_plan").order_by("-headcount", "name", "pk")
