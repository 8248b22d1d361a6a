"""/api/v1/mediation: the cases the caller may see (cadre scope, or assigned to the mediator)."""

from ninja import Query, Router
from ninja.pagination import LimitOffsetPagination, paginate

from .schemas import CaseDetailOut, CaseFilters, CaseOut
from .selectors import case_get, case_reachable

MAX_PAGE = 200

router = Router(tags=["mediation"])


@router.get("/cases", response=list[CaseOut])
@paginate(LimitOffsetPagination, max_limit=MAX_PAGE)
def case_list_api(request, filters: Query[CaseFilters]):
    """Cases in the caller's scope, newest first; a mediator gets only the cases assigned to them."""
    return case_reachable(user=request.auth, status=str(filters.status or "")).order_by("-opened_at", "-pk")


@router.get("/cases/{int:case_id}", response=CaseDetailOut)
def case_get_api(request, case_id: int):
    return case_get(user=request.auth, pk=case_id)
