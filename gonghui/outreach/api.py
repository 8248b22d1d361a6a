"""/api/v1/plans: the establishment plans (一企一策) in the caller's scope, visits and stage moves.

Reads go through the outreach selectors and writes through its services, exactly as the console's
plan pages do: a plan outside the caller's scope answers 404, a refused write 403 or 422 and changes
nothing. A worker or a user without a role sees an empty list.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.pagination import LimitOffsetPagination, paginate

from gonghui.accounts.models import User
from gonghui.core.api import api_field_names
from gonghui.core.scoping import MANAGE, VIEW

from . import selectors, services
from .models import EstablishmentPlan
from .schemas import PlanDetailOut, PlanFilters, PlanOut, PlanStageIn, PlanVisitIn

MAX_PAGE = 200

router = Router(tags=["establishment plans"])


def _detail(user, pk, action: str = VIEW) -> EstablishmentPlan:
    plan = selectors.plan_get(user=user, pk=pk, action=action)
    plan.may_manage = services.may_manage(user, plan)
    return plan


def _plan_to_manage(user, pk) -> EstablishmentPlan:
    """As the console's visit and stage pages: 404 outside the managed scope, 403 without the right."""
    plan = _detail(user, pk, action=MANAGE)
    if not plan.may_manage:
        raise PermissionDenied
    return plan


@router.get("", response=list[PlanOut])
@paginate(LimitOffsetPagination, max_limit=MAX_PAGE)
def plan_list_api(request, filters: Query[PlanFilters]):
    """Plans in the caller's scope, by target date then enterprise name."""
    user = request.auth
    if filters.mine and filters.commissioner_id not in (None, user.pk):
        return EstablishmentPlan.objects.none()
    commissioner = user if filters.mine else filters.commissioner_id
    plans = selectors.plan_list(user=user, street=filters.street_id, demonstration=filters.demonstration,
                                stage=str(filters.stage or ""), commissioner=commissioner)
    return selectors.with_last_visit(plans)


@router.get("/{int:plan_id}", response=PlanDetailOut)
def plan_get_api(request, plan_id: int):
    """One plan with its visits and its stage history."""
    return _detail(request.auth, plan_id)


def _commissioner(pk: int | None) -> User | None:
    if pk is None:
        return None
    user = User.objects.filter(pk=pk).first()
    if user is None:  # the same answer as for a user who is not one of the street's cadres
        raise ValidationError({"commissioner_id": _(
            "The commissioner must be a cadre of this enterprise's street or of a union in it.")})
    return user


@router.post("/{int:plan_id}/visits", response={201: PlanDetailOut})
def plan_visit_api(request, plan_id: int, payload: PlanVisitIn):
    """Record a visit; a plan not yet started moves to "visited". The commissioner defaults to the plan's."""
    user = request.auth
    plan = _plan_to_manage(user, plan_id)
    commissioner = plan.commissioner
    if "commissioner_id" in payload.model_fields_set:
        commissioner = _commissioner(payload.commissioner_id)
    with api_field_names(commissioner="commissioner_id"):
        services.plan_visit_record(
            actor=user, plan=plan, request=request, visited_on=payload.visited_on, answer=str(payload.answer),
            concerns=[str(c) for c in payload.concerns], notes=payload.notes, commissioner=commissioner)
    return Status(201, _detail(user, plan.pk))


@router.post("/{int:plan_id}/stage", response=PlanDetailOut)
def plan_move_api(request, plan_id: int, payload: PlanStageIn):
    """Move the plan to another stage (declining needs a reason; "established" founds the union)."""
    user = request.auth
    plan = _plan_to_manage(user, plan_id)
    services.plan_move(actor=user, plan=plan, request=request, to_stage=str(payload.to_stage), note=payload.note,
                       reason=payload.reason, union_name=payload.union_name, chair_name=payload.chair_name,
                       founded_on=payload.founded_on)
    return _detail(user, plan.pk)
