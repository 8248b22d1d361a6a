"""Reads of the three lists, scoped to the acting cadre; suggested matches; the closed-loop figures.

Lists and figures use `restrict_to_orgs` (a cadre's org subtrees, no "or my own"). A resource's area is its
union's subtree, so a cadre also sees the resources of the unions above their own: those serve their needs.
"""

import datetime as dt
import statistics
from dataclasses import dataclass, field

from django.db.models import Case, Count, IntegerField, Q, Sum, TextField, Value, When
from django.db.models.functions import Cast, Coalesce
from django.http import Http404
from django.utils import timezone

from gonghui.core.scoping import VIEW, gate, minimal_paths, restrict_to_orgs, scope_q
from gonghui.orgs.models import Org

from .models import (
    LIVE_PROJECT_STATUSES,
    Milestone,
    Need,
    NeedStatus,
    Project,
    ProjectResource,
    Resource,
    Urgency,
)

OLD_OPEN_DAYS = 30


# --- needs ---------------------------------------------------------------------------------------

def need_list(*, user, status: str = "", category: str = "", source: str = "", worker_group: str = "",
              org: Org | None = None, action: str = VIEW):
    qs = restrict_to_orgs(Need.objects.all(), user, action).select_related("org", "project")
    if status:
        qs = qs.filter(status=status)
    if category:
        qs = qs.filter(category=category)
    if source:
        qs = qs.filter(source=source)
    if worker_group:
        qs = qs.filter(worker_group=worker_group)
    if org is not None:
        qs = qs.filter(org__path__startswith=org.path)
    return qs.order_by("-created_at", "-pk")


def need_get(*, user, pk, action: str = VIEW) -> Need:
    return gate(Need.objects.select_related("org", "project", "created_by"), user, action, pk=pk)


def need_from_origin(*, user, source: str, source_ref: str) -> Need | None:
    """The need recorded from an origin (a request, a questionnaire's answer), if the user may see it."""
    return restrict_to_orgs(Need.objects.all(), user).filter(source=source, source_ref=source_ref).first()


def need_events(need: Need):
    return need.events.select_related("actor", "project")


# --- resources -----------------------------------------------------------------------------------

def _ancestor_ids(paths) -> set[int]:
    """Ids of the orgs above (and at) each path: their resources serve the subtree."""
    return {int(part) for path in paths for part in path.strip("/").split("/") if part}


def with_remaining(qs):
    """Annotate `committed` (to planned or running projects) and `remaining` capacity."""
    return qs.annotate(
        committed=Coalesce(Sum("commitments__quantity",
                               filter=Q(commitments__project__status__in=LIVE_PROJECT_STATUSES)), 0),
    ).annotate(remaining=Cast("capacity", IntegerField()) - Cast("committed", IntegerField()))


def _visible_resources(user, action: str = VIEW):
    """Resources in the user's subtrees, and (for viewing) those of the unions above, which serve them."""
    if user is None or not user.is_authenticated or not user.is_active:
        return Resource.objects.none()
    paths = user.scope_paths(action)
    q = scope_q(Resource, paths) or Q(pk__in=[])  # the user's subtrees, as `restrict` reads them
    if action == VIEW:
        q |= Q(org_id__in=_ancestor_ids(paths))
    return Resource.objects.filter(q)


def serves_category_q(category: str) -> Q:
    """`categories` (a JSON list) holds `category`. JSON containment is not available on SQLite; the list's
    text holds the quoted value on both databases ('["rest", "health"]'), and no value is part of another."""
    return Q(categories_text__contains=f'"{category}"')


def _with_text(qs):
    return qs.annotate(categories_text=Cast("categories", TextField()))


def resource_list(*, user, kind: str = "", category: str = "", org: Org | None = None,
                  available: bool | None = None, action: str = VIEW, today: dt.date | None = None):
    qs = with_remaining(_with_text(_visible_resources(user, action)).select_related("org"))
    if kind:
        qs = qs.filter(kind=kind)
    if category:
        qs = qs.filter(serves_category_q(category))
    if org is not None:
        qs = qs.filter(org__path__startswith=org.path)
    if available is not None:
        now_available = _available_q(today or timezone.localdate())
        qs = qs.filter(now_available) if available else qs.exclude(now_available)
    return qs.order_by("name", "pk")


def _available_q(today: dt.date) -> Q:
    return Q(available=True) & (Q(available_until__isnull=True) | Q(available_until__gte=today))


def resource_get(*, user, pk, action: str = VIEW) -> Resource:
    try:
        return with_remaining(_visible_resources(user, action).select_related("org")).get(pk=pk)
    except (Resource.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def resource_projects(resource: Resource):
    return ProjectResource.objects.filter(resource=resource).select_related("project", "project__org").order_by(
        "-project__created_at", "-pk")


# --- suggested matches ---------------------------------------------------------------------------

def suggested_resources(need: Need, *, today: dt.date | None = None, limit: int = 20) -> list[Resource]:
    """Available resources that could answer an open need, best first, in one query.

    They serve the need's category, their area covers the need's union (their union is the need's or one
    above it: a prefix of the need's materialized path) and capacity is left. Ranked: enough for the whole
    headcount first, then the nearest union (deepest), then the most capacity left."""
    if need.status != NeedStatus.OPEN:
        return []
    qs = _with_text(Resource.objects.filter(_available_q(today or timezone.localdate()),
                                            org_id__in=need.org.ancestor_ids()))
    qs = with_remaining(qs.filter(serves_category_q(need.category)).select_related("org")).filter(remaining__gte=1)
    qs = qs.annotate(enough=Case(When(remaining__gte=need.headcount, then=Value(1)), default=Value(0),
                                 output_field=IntegerField()))
    return list(qs.order_by("-enough", "-org__depth", "-remaining", "pk")[:limit])


URGENCY_RANK = Case(When(urgency=Urgency.HIGH, then=Value(0)), When(urgency=Urgency.NORMAL, then=Value(1)),
                    default=Value(2), output_field=IntegerField())


def suggested_needs(resource: Resource, *, user, today: dt.date | None = None, limit: int = 50) -> list[Need]:
    """Open needs in the user's scope that this resource could serve (the inverse match), in one query:
    within its area and categories; those it can serve whole first, then the most urgent, then the oldest."""
    remaining = getattr(resource, "remaining", None)
    if remaining is None:
        remaining = with_remaining(Resource.objects.filter(pk=resource.pk)).values_list("remaining", flat=True)[0]
    if remaining < 1 or not resource.is_available_on(today or timezone.localdate()) or not resource.categories:
        return []
    qs = restrict_to_orgs(Need.objects.all(), user, VIEW).filter(
        status=NeedStatus.OPEN, org__path__startswith=resource.org.path, category__in=resource.categories,
    ).select_related("org").annotate(
        fits=Case(When(headcount__lte=remaining, then=Value(0)), default=Value(1), output_field=IntegerField()),
        urgency_rank=URGENCY_RANK)
    return list(qs.order_by("fits", "urgency_rank", "created_at", "pk")[:limit])


# --- projects ------------------------------------------------------------------------------------

def project_list(*, user, status: str = "", org: Org | None = None, action: str = VIEW):
    qs = restrict_to_orgs(Project.objects.all(), user, action).select_related("org").annotate(
        need_count=Count("needs", distinct=True),
        milestones_total=Count("milestones", distinct=True),
        milestones_done=Count("milestones", filter=Q(milestones__done_on__isnull=False), distinct=True))
    if status:
        qs = qs.filter(status=status)
    if org is not None:
        qs = qs.filter(org__path__startswith=org.path)
    return qs.order_by("-created_at", "-pk")


def project_get(*, user, pk, action: str = VIEW) -> Project:
    return gate(Project.objects.select_related("org"), user, action, pk=pk)


def projects_for_need(*, user, need: Need, action: str):
    """Live projects the user may add this need to: of its union or one above it."""
    return restrict_to_orgs(Project.objects.all(), user, action).filter(
        status__in=LIVE_PROJECT_STATUSES, org_id__in=need.org.ancestor_ids()).select_related("org").order_by(
        "-created_at", "-pk")


def project_needs(project: Project):
    return project.needs.select_related("org").order_by("created_at", "pk")


def project_commitments(project: Project):
    return project.commitments.select_related("resource", "resource__org").order_by("pk")


def project_milestones(project: Project):
    return project.milestones.all()


def milestone_get(*, user, pk, action: str = VIEW) -> Milestone:
    return gate(Milestone.objects.select_related("project", "project__org"), user, action, pk=pk)


# --- the closed-loop report ----------------------------------------------------------------------

@dataclass
class LoopRow:
    org: Org
    total: int = 0
    open: int = 0
    in_project: int = 0
    answered: int = 0
    declined: int = 0
    old_open: int = 0
    days: list = field(default_factory=list)

    @property
    def share_answered(self):
        """Answered over all needs recorded (open and taken up ones count as not answered yet), in percent."""
        return round(100 * self.answered / self.total, 1) if self.total else None

    @property
    def median_days(self):
        return round(statistics.median(self.days), 1) if self.days else None

    @property
    def mean_days(self):
        return round(sum(self.days) / len(self.days), 1) if self.days else None


@dataclass
class LoopReport:
    org: Org
    total: LoopRow
    own: LoopRow  # needs recorded at the org itself, in none of its children
    children: list


def report_scope_org(user) -> Org | None:
    """The top org of the user's scope (the first if they hold several subtrees)."""
    paths = minimal_paths(user.scope_paths(VIEW)) if user.is_authenticated else []
    if not paths:
        return None
    return Org.objects.filter(path=paths[0]).first()


def _day_bounds(day: dt.date):
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


_STATUS_ATTR = {NeedStatus.OPEN: "open", NeedStatus.IN_PROJECT: "in_project", NeedStatus.ANSWERED: "answered",
                NeedStatus.DECLINED: "declined"}


def _tally(needs, rows_for, now) -> None:
    """Add `needs` up into LoopRows, in two queries: the counts per union and status, and the answered times.
    `rows_for(org path)` names the rows a need of that union counts in (the total and its child's, say)."""
    old = now - dt.timedelta(days=OLD_OPEN_DAYS)
    counts = needs.values("org__path", "status").annotate(
        n=Count("*"), old=Count("pk", filter=Q(status=NeedStatus.OPEN, created_at__lt=old))).order_by()
    for item in counts:
        for row in rows_for(item["org__path"]):
            row.total += item["n"]
            row.old_open += item["old"]
            name = _STATUS_ATTR[item["status"]]
            setattr(row, name, getattr(row, name) + item["n"])
    answered = needs.filter(status=NeedStatus.ANSWERED, closed_at__isnull=False).values_list(
        "org__path", "created_at", "closed_at")
    for path, created, closed in answered:
        days = (closed - created).total_seconds() / 86400
        for row in rows_for(path):
            row.days.append(days)


def closed_loop_report(*, user, org: Org | None = None, created_from: dt.date | None = None,
                       created_to: dt.date | None = None, category: str = "", worker_group: str = "",
                       now=None) -> LoopReport | None:
    """Needs of `org`'s subtree (the user's scope by default) and of each child's: how many are open, taken up,
    answered, declined; the share answered; days from recording to answer (median, mean); open ones older than
    30 days. Three queries whatever the number of needs: the orgs, the counts per union, the answered times."""
    now = now or timezone.now()
    if org is None:
        org = report_scope_org(user)
        if org is None:
            return None
    org = gate(Org, user, VIEW, pk=org.pk)
    needs = Need.objects.filter(org__path__startswith=org.path)
    if created_from:
        needs = needs.filter(created_at__gte=_day_bounds(created_from))
    if created_to:
        needs = needs.filter(created_at__lt=_day_bounds(created_to + dt.timedelta(days=1)))
    if category:
        needs = needs.filter(category=category)
    if worker_group:
        needs = needs.filter(worker_group=worker_group)
    children = list(org.children.order_by("name", "pk"))
    rows = {child.pk: LoopRow(org=child) for child in children}
    total, own = LoopRow(org=org), LoopRow(org=org)
    depth_parts = len(org.path.strip("/").split("/"))

    def rows_for(path: str):
        parts = path.strip("/").split("/")
        child = rows.get(int(parts[depth_parts])) if len(parts) > depth_parts else own
        return (total, child)

    _tally(needs, rows_for, now)
    return LoopReport(org=org, total=total, own=own, children=[rows[c.pk] for c in children])


# --- "you said, we did" (你说我办): the worker's side of the closed loop ----------------------------------
#
# A member sees what the unions around them heard and did: the needs of their street's subtree (or of the
# district-level org above their union when it lies in no street), recorded in the last 12 months. Only fields
# without personal data are read: never `detail` (it can quote a request), `source_ref` or `created_by`.

HEARD_PER_PAGE = 20
HEARD_FIELDS = ("title", "category", "worker_group", "headcount", "place", "status", "decline_reason",
                "created_at", "closed_at", "org__name", "project__title", "project__beneficiaries")


def heard_area(union: Org) -> Org:
    """The org whose subtree a member of `union` sees: its street or town; for a union in no street, the
    district-level org above it (the district federation's child on its path, or the union itself)."""
    if union.street_id:
        return union if union.street_id == union.pk else Org.objects.get(pk=union.street_id)
    ids = union.ancestor_ids()
    return Org.objects.get(pk=ids[1]) if len(ids) > 2 else union


def heard_since(now=None) -> dt.datetime:
    """The start of the local day one year before today: "the last 12 months"."""
    today = timezone.localdate(now or timezone.now())
    try:
        start = today.replace(year=today.year - 1)
    except ValueError:  # 29 February
        start = today.replace(year=today.year - 1, day=28)
    return _day_bounds(start)


def _heard(org: Org, now=None):
    return Need.objects.filter(org__path__startswith=org.path, created_at__gte=heard_since(now))


def heard_needs(*, org: Org, category: str = "", done_only: bool = False, now=None):
    """The needs heard in `org`'s subtree in the last 12 months, newest first, in one query per page (the
    union's name and the answering project come joined). `done_only`: the answered ones."""
    qs = _heard(org, now).select_related("org", "project").only(*HEARD_FIELDS)
    if category:
        qs = qs.filter(category=category)
    if done_only:
        qs = qs.filter(status=NeedStatus.ANSWERED)
    return qs.order_by("-created_at", "-pk")


def heard_summary(*, org: Org, now=None) -> LoopRow:
    """The closed-loop figures of `org`'s subtree over the last 12 months, counted as `closed_loop_report`
    counts them (the same as its total row for `created_from` a year ago), without a cadre's scope: two
    queries whatever the number of needs."""
    now = now or timezone.now()
    row = LoopRow(org=org)
    _tally(_heard(org, now), lambda _path: (row,), now)
    return row
