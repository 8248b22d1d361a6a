"""/api/v1/needs: the three lists in the caller's scope, recording a need, the closed-loop figures."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.pagination import LimitOffsetPagination, paginate

from gonghui.core.scoping import MANAGE, VIEW, restrict
from gonghui.orgs.models import Org

from . import selectors, services
from .models import Need
from .schemas import (
    LoopRowOut,
    NeedFilters,
    NeedIn,
    NeedOut,
    ProjectFilters,
    ProjectOut,
    ReportFilters,
    ReportOut,
    ResourceFilters,
    ResourceOut,
)

MAX_PAGE = 200
router = Router(tags=["needs"])


def _scoped_org(user, pk):
    """The org behind an id, within the caller's scope; None when missing or outside (the list is then empty)."""
    return restrict(Org.objects.filter(pk=pk), user, VIEW).first()


@router.get("", response=list[NeedOut])
@paginate(LimitOffsetPagination, max_limit=MAX_PAGE)
def need_list_api(request, filters: Query[NeedFilters]):
    """Needs in the caller's scope, newest first."""
    org = None
    if filters.org_id is not None:
        org = _scoped_org(request.auth, filters.org_id)
        if org is None:
            return Need.objects.none()
    return selectors.need_list(user=request.auth, status=str(filters.status or ""),
                               category=str(filters.category or ""), source=str(filters.source or ""),
                               worker_group=str(filters.worker_group or ""), org=org)


@router.post("", response={201: NeedOut})
def need_create_api(request, payload: NeedIn):
    """Record a need in a union the caller manages (a request from a worker is recorded from the console)."""
    user = request.auth
    if not user.scope_paths(MANAGE):
        raise PermissionDenied
    org = restrict(Org.objects.filter(pk=payload.org_id), user, MANAGE).first()
    if org is None:
        raise ValidationError({"org_id": _("Choose a union you manage.")})
    if payload.source == "appeal":
        raise ValidationError({"source": _(
            "A need from a worker's request is recorded from the request's number in the console.")})
    need = services.need_create(
        actor=user, org=org, title=payload.title, source=str(payload.source), category=str(payload.category),
        headcount=payload.headcount, urgency=str(payload.urgency), worker_group=str(payload.worker_group or ""),
        place=payload.place, detail=payload.detail, request=request)
    return Status(201, selectors.need_get(user=user, pk=need.pk))


@router.get("/{int:need_id}", response=NeedOut)
def need_get_api(request, need_id: int):
    return selectors.need_get(user=request.auth, pk=need_id)


@router.get("/resources", response=list[ResourceOut])
@paginate(LimitOffsetPagination, max_limit=MAX_PAGE)
def resource_list_api(request, filters: Query[ResourceFilters]):
    """Resources of the caller's unions and of the unions above them (which serve them), by name."""
    return selectors.resource_list(user=request.auth, kind=str(filters.kind or ""),
                                   category=str(filters.category or ""), available=filters.available)


@router.get("/projects", response=list[ProjectOut])
@paginate(LimitOffsetPagination, max_limit=MAX_PAGE)
def project_list_api(request, filters: Query[ProjectFilters]):
    org = None
    if filters.org_id is not None:
        org = _scoped_org(request.auth, filters.org_id)
        if org is None:
            return selectors.project_list(user=request.auth).none()
    return selectors.project_list(user=request.auth, status=str(filters.status or ""), org=org).prefetch_related(
        Prefetch("needs", queryset=Need.objects.only("pk", "project_id")), "milestones")


def _row(row) -> LoopRowOut:
    return LoopRowOut(org_id=row.org.pk, org_name=row.org.name, total=row.total, open=row.open,
                      in_project=row.in_project, answered=row.answered, declined=row.declined,
                      share_answered_percent=row.share_answered, median_days_to_answer=row.median_days,
                      mean_days_to_answer=row.mean_days, open_over_30_days=row.old_open)


@router.get("/report", response=ReportOut)
def report_api(request, filters: Query[ReportFilters]):
    """Per subtree: needs open, taken up, answered, declined; share answered; days to answer; open > 30 days."""
    user = request.auth
    if filters.created_from and filters.created_to and filters.created_to < filters.created_from:
        raise ValidationError({"created_to": _("The end cannot be before the start.")})
    org = None
    if filters.org_id is not None:
        org = Org.objects.filter(pk=filters.org_id).first()
        if org is None:
            raise Http404
    report = selectors.closed_loop_report(
        user=user, org=org, created_from=filters.created_from, created_to=filters.created_to,
        category=str(filters.category or ""), worker_group=str(filters.worker_group or ""))
    if report is None:
        raise PermissionDenied
    return ReportOut(org_id=report.org.pk, org_name=report.org.name, total=_row(report.total),
                     children=[_row(r) for r in report.children])

