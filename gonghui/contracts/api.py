"""/api/v1/contracts: collective contracts, scoped through the union party; bargaining steps and coverage."""

from ninja import Query, Router, Status
from ninja.pagination import LimitOffsetPagination, paginate

from gonghui.core.scoping import MANAGE
from gonghui.orgs.selectors import org_get

from .models import Contract
from .schemas import ContractDetailOut, ContractFilters, ContractOut, CoverageOut, StepIn
from .selectors import contract_get, contract_list, contracts_expiring, coverage
from .services import contract_advance

MAX_PAGE = 200

router = Router(tags=["collective contracts"])


def _org(user, org_id):
    return org_get(user=user, pk=org_id) if org_id is not None else None


@router.get("", response=list[ContractOut])
@paginate(LimitOffsetPagination, max_limit=MAX_PAGE)
def contract_list_api(request, filters: Query[ContractFilters]):
    """Contracts in the caller's scope, newest first."""
    user = request.auth
    qs = contract_list(user=user, kind=str(filters.kind or ""), stage=str(filters.stage or ""),
                       org=_org(user, filters.org_id), q=filters.q)
    if filters.expiring_within:
        qs = contracts_expiring(user=user, within_days=filters.expiring_within).filter(pk__in=qs.values("pk"))
    return qs


@router.get("/coverage", response=CoverageOut)
def coverage_api(request, org_id: int):
    """Enterprises and workers covered by contracts in force in the subtree of a union the caller may see."""
    return coverage(user=request.auth, org=_org(request.auth, org_id))


@router.get("/{int:contract_id}", response=ContractDetailOut)
def contract_get_api(request, contract_id: int):
    return contract_get(user=request.auth, pk=contract_id)


@router.post("/{int:contract_id}/steps", response={201: ContractDetailOut})
def contract_step_api(request, contract_id: int, payload: StepIn):
    """Take the next bargaining step; a refused step answers 422 naming the field and changes nothing."""
    contract: Contract = contract_get(user=request.auth, pk=contract_id, action=MANAGE)
    contract = contract_advance(actor=request.auth, contract=contract, request=request, **{
        **payload.dict(), "to_stage": str(payload.to_stage)})
    return Status(201, contract)
