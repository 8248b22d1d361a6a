"""/api/v1/enterprises: the enterprise census, scoped through the street and the covering union."""

from contextlib import contextmanager

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from ninja import Query, Router, Status
from ninja.pagination import LimitOffsetPagination, paginate

from gonghui.core.api import api_field_names
from gonghui.core.scoping import MANAGE, VIEW, restrict
from gonghui.orgs.models import Org

from .schemas import EnterpriseFilters, EnterpriseIn, EnterpriseOut, EnterprisePatch
from .selectors import enterprise_get, enterprise_list
from .services import STREET_MESSAGE, UNION_MESSAGE, enterprise_create, enterprise_update

MAX_PAGE = 200
FIELD_NAMES = {"street": "street_id", "union": "union_id"}

router = Router(tags=["enterprises"])


def _org(user, pk, action, field, message, errors):
    """The org behind an id in the request body, or a field error worded the same for missing and forbidden."""
    org = restrict(Org.objects.filter(pk=pk), user, action).first()
    if org is None:
        errors[field] = str(message)
    return org


@contextmanager
def _all_errors(errors: dict[str, str]):
    """Run a service inside the caller's transaction; report its field errors and `errors` together.

    Raising here rolls the transaction back, so a write never survives a 422.
    """
    try:
        with api_field_names(**FIELD_NAMES):
            yield
    except ValidationError as exc:
        raise ValidationError({**exc.message_dict, **{f: [m] for f, m in errors.items()}}) from None
    if errors:
        raise ValidationError(errors)


@router.get("", response=list[EnterpriseOut])
@paginate(LimitOffsetPagination, max_limit=MAX_PAGE)
def enterprise_list_api(request, filters: Query[EnterpriseFilters]):
    """Enterprises in the caller's scope, by name."""
    return enterprise_list(user=request.auth, q=filters.q, street=filters.street_id, has_union=filters.has_union)


@router.get("/{int:enterprise_id}", response=EnterpriseOut)
def enterprise_get_api(request, enterprise_id: int):
    return enterprise_get(user=request.auth, pk=enterprise_id)


@router.post("", response={201: EnterpriseOut})
def enterprise_create_api(request, payload: EnterpriseIn):
    """Register an enterprise in a street the caller manages. A duplicate credit code is refused."""
    user = request.auth
    if not user.scope_paths(MANAGE):
        raise PermissionDenied
    errors: dict[str, str] = {}
    street = _org(user, payload.street_id, MANAGE, "street_id", STREET_MESSAGE, errors)
    union = None
    if payload.union_id is not None:
        union = _org(user, payload.union_id, VIEW, "union_id", UNION_MESSAGE, errors)
    with transaction.atomic(), _all_errors(errors):
        enterprise = enterprise_create(
            actor=user, credit_code=payload.credit_code, name=payload.name, industry=str(payload.industry),
            ownership=str(payload.ownership), headcount=payload.headcount, street=street,
            address=payload.address, union=union, request=request,
        )
    return Status(201, enterprise)


@router.patch("/{int:enterprise_id}", response=EnterpriseOut)
def enterprise_update_api(request, enterprise_id: int, payload: EnterprisePatch):
    """Change some fields of an enterprise the caller manages; send only what changes."""
    user = request.auth
    enterprise = enterprise_get(user=user, pk=enterprise_id, action=MANAGE)
    data = payload.dict(exclude_unset=True)
    if not data:
        return enterprise
    errors: dict[str, str] = {}
    changes = {k: v for k, v in data.items() if k not in ("street_id", "union_id")}
    for name in ("industry", "ownership"):
        if changes.get(name) is not None:
            changes[name] = str(changes[name])
    if "street_id" in data:
        street = _org(user, data["street_id"], MANAGE, "street_id", STREET_MESSAGE, errors)
        changes["street"] = street if street is not None else enterprise.street
    if "union_id" in data:
        if data["union_id"] is None:
            changes["union"] = None
        elif data["union_id"] == enterprise.union_id:
            changes["union"] = enterprise.union  # unchanged: no scope check needed
        else:
            union = _org(user, data["union_id"], VIEW, "union_id", UNION_MESSAGE, errors)
            changes["union"] = union if union is not None else enterprise.union
    with transaction.atomic(), _all_errors(errors):
        enterprise = enterprise_update(actor=user, enterprise=enterprise, request=request, **changes)
    return enterprise
