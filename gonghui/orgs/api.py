"""/api/v1/orgs and /api/v1/unions: the org tree (scoped) and where a worker can join (public facts)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.pagination import LimitOffsetPagination, paginate

from gonghui.core.api import api_field_names
from gonghui.core.scoping import MANAGE, restrict
from gonghui.enterprises.selectors import employer_for_suggestion

from .models import Org, OrgKind, OrgStatus
from .schemas import OrgFilters, OrgIn, OrgOut, OrgPatch, UnionOut, UnionSuggestQuery
from .selectors import org_get, org_list, unions_for_worker
from .services import org_create, org_update

MAX_PAGE = 200

router = Router(tags=["orgs"])
unions_router = Router(tags=["unions"])


def _plain(data: dict) -> dict:
    """Enum members from the schema as the plain strings the model stores."""
    if "serves_forms" in data:
        data["serves_forms"] = [str(f) for f in data["serves_forms"]]
    for name in ("kind", "status"):
        if data.get(name) is not None:
            data[name] = str(data[name])
    return data


@router.get("", response=list[OrgOut])
@paginate(LimitOffsetPagination, max_limit=MAX_PAGE)
def org_list_api(request, filters: Query[OrgFilters]):
    """Organisations in the caller's scope, in tree order."""
    return org_list(user=request.auth, kind=str(filters.kind or ""), q=filters.q.strip())


@router.get("/{int:org_id}", response=OrgOut)
def org_get_api(request, org_id: int):
    return org_get(user=request.auth, pk=org_id)


@router.post("", response={201: OrgOut})
def org_create_api(request, payload: OrgIn):
    """Create an organisation under a parent the caller manages."""
    user = request.auth
    if not user.scope_paths(MANAGE):
        raise PermissionDenied
    # Missing and out-of-scope parents get the same answer: nothing to learn by probing ids.
    parent = restrict(Org.objects.filter(pk=payload.parent_id), user, MANAGE).first()
    if parent is None:
        raise ValidationError({"parent_id": _("Please choose a parent organisation that you manage.")})
    data = _plain(payload.dict(exclude={"parent_id", "name", "kind"}))
    with api_field_names(parent="parent_id"):
        org = org_create(actor=user, parent=parent, name=payload.name.strip(), kind=str(payload.kind),
                         request=request, **data)
    return Status(201, org)


@router.patch("/{int:org_id}", response=OrgOut)
def org_update_api(request, org_id: int, payload: OrgPatch):
    """Change some fields of an organisation the caller manages; send only what changes."""
    org = org_get(user=request.auth, pk=org_id, action=MANAGE)
    changes = _plain(payload.dict(exclude_unset=True))
    if not changes:
        return org
    return org_update(actor=request.auth, org=org, request=request, **changes)


@unions_router.get("/suggest", response=list[UnionOut])
def unions_suggest_api(request, query: Query[UnionSuggestQuery]):
    """Unions a worker can join ("有处可依"), best first: the employer's union, then joint and industry
    unions of the street that take in this employment form, then district-wide ones."""
    street = None
    if query.street_id is not None:
        street = Org.objects.filter(pk=query.street_id, kind=OrgKind.STREET, status=OrgStatus.ACTIVE).first()
        if street is None:
            raise ValidationError({"street_id": _("Please choose a street or town from the list.")})
    employer = employer_for_suggestion(query.employer_credit_code) if query.employer_credit_code else None
    return unions_for_worker(street=street, form=str(query.employment_form), employer=employer)
