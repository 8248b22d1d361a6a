"""Writes to the establishment plans: keyword-only, atomic, audited.

`plan_move` is the one place a plan changes stage; it checks the move on the model and leaves a
PlanEvent. Moving to "established" creates the grassroots union under the enterprise's street and
links the enterprise to it, in the same transaction.
"""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from gonghui.accounts.models import User
from gonghui.accounts.roles import CADRE_ROLES, Role
from gonghui.audit.services import audit_record
from gonghui.core.scoping import MANAGE, can, restrict
from gonghui.enterprises.models import Enterprise
from gonghui.enterprises.services import enterprise_update
from gonghui.orgs.models import Org, OrgKind
from gonghui.orgs.services import org_create

from .models import Answer, Concern, EstablishmentPlan, PlanEvent, PlanVisit, Stage

PLAN_EDITABLE = ("commissioner", "next_step", "target_date", "demonstration")


def may_manage(user, plan: EstablishmentPlan) -> bool:
    enterprise = plan.enterprise
    return can(user, MANAGE, enterprise.street) or bool(enterprise.union_id and can(user, MANAGE, enterprise.union))


def _require(user, plan: EstablishmentPlan) -> None:
    if not may_manage(user, plan):
        raise PermissionDenied


def commissioner_candidates(street: Org):
    """Active users holding a cadre role on the street or on an org below it (工会专员)."""
    return User.objects.filter(
        is_active=True, grants__role__in=CADRE_ROLES, grants__org__path__startswith=street.path,
    ).distinct().order_by("username")


def default_commissioner(street: Org) -> User | None:
    """The street's first cadre (by the date of their grant), or nobody."""
    user = User.objects.filter(is_active=True, grants__role=Role.STREET_CADRE, grants__org=street).order_by(
        "grants__pk").first()
    return user


def _check_commissioner(user, street: Org, errors: dict) -> None:
    if user is not None and not commissioner_candidates(street).filter(pk=user.pk).exists():
        errors["commissioner"] = _("The commissioner must be a cadre of this enterprise's street or of a union "
                                   "in it.")


def _check_date(value, field: str, errors: dict) -> None:
    if value is not None and (not isinstance(value, dt.date) or isinstance(value, dt.datetime)):
        errors[field] = _("Please enter a date such as 2025-06-30.")


def _create_plans(enterprises) -> list[EstablishmentPlan]:
    """Plans for those of `enterprises` without a union and without a plan; safe to run twice."""
    missing = list(enterprises.filter(union__isnull=True, establishment_plan__isnull=True).select_related("street"))
    defaults: dict[int, User | None] = {}
    plans = []
    for enterprise in missing:
        if enterprise.street_id not in defaults:
            defaults[enterprise.street_id] = default_commissioner(enterprise.street)
        plans.append(EstablishmentPlan(enterprise=enterprise, commissioner=defaults[enterprise.street_id]))
    # The unique enterprise column settles a race with a concurrent run: the second insert is skipped.
    EstablishmentPlan.objects.bulk_create(plans, batch_size=500, ignore_conflicts=True)
    return plans


@transaction.atomic
def plans_ensure(*, actor, street: Org | None = None, request=None) -> int:
    """Create the missing plans for the enterprises without a union that the actor manages
    (in one street, or in their whole scope); returns how many were created."""
    enterprises = restrict(Enterprise.objects.all(), actor, MANAGE)
    if street is not None:
        if not can(actor, MANAGE, street):
            raise PermissionDenied
        enterprises = enterprises.filter(street=street)
    created = len(_create_plans(enterprises))
    audit_record(actor=actor, action="outreach.plans_ensure", target=street,
                 detail={"created": created}, request=request)
    return created


def plans_for_enterprises(*, enterprise_ids) -> int:
    """Plans for newly registered enterprises (called by the registrations import, inside its transaction)."""
    return len(_create_plans(Enterprise.objects.filter(pk__in=list(enterprise_ids))))


def _locked(plan: EstablishmentPlan) -> EstablishmentPlan:
    # Only the plan row is locked: PostgreSQL cannot lock the nullable side of the join to the union.
    return EstablishmentPlan.objects.select_for_update(of=("self",)).select_related(
        "enterprise", "enterprise__street", "enterprise__union").get(pk=plan.pk)


def _transition(*, actor, plan: EstablishmentPlan, to_stage: str, note: str = "", reason: str = "") -> PlanEvent:
    plan.check_move(to_stage, reason=reason)
    event = PlanEvent.objects.create(plan=plan, actor=actor, from_stage=plan.stage, to_stage=to_stage,
                                     note=(reason if to_stage == Stage.DECLINED else note).strip())
    plan.stage = to_stage
    plan.declined_reason = reason.strip() if to_stage == Stage.DECLINED else ""
    plan.save(update_fields=["stage", "declined_reason", "updated_at"])
    return event


@transaction.atomic
def plan_move(*, actor, plan: EstablishmentPlan, to_stage: str, note: str = "", reason: str = "",
              union_name: str = "", chair_name: str = "", founded_on: dt.date | None = None,
              request=None) -> EstablishmentPlan:
    """Move a plan to another stage; "established" also founds the union and links the enterprise."""
    plan = _locked(plan)
    _require(actor, plan)
    plan.check_move(to_stage, reason=reason)
    union = None
    if to_stage == Stage.ESTABLISHED:
        enterprise = plan.enterprise
        errors: dict[str, str] = {}
        union_name = (union_name or "").strip() or f"{enterprise.name}工会"
        if len(union_name) > 120:
            errors["union_name"] = _("The union name may be at most 120 characters.")
        chair_name = (chair_name or "").strip()
        if not chair_name:
            errors["chair_name"] = _("Please enter the name of the union chair.")
        elif len(chair_name) > 50:
            errors["chair_name"] = _("The chair's name may be at most 50 characters.")
        if founded_on is None:
            errors["founded_on"] = _("Please enter the founding date.")
        else:
            _check_date(founded_on, "founded_on", errors)
            if "founded_on" not in errors and founded_on > dt.date.today():  # noqa: DTZ011 - a calendar date
                errors["founded_on"] = _("The founding date cannot be in the future.")
        if enterprise.union_id:
            errors["to_stage"] = _("This enterprise is already covered by a union.")
        if errors:
            raise ValidationError(errors)
        union = org_create(actor=actor, parent=enterprise.street, name=union_name, kind=OrgKind.GRASSROOTS,
                           chair_name=chair_name, founded_on=founded_on, address=enterprise.address,
                           industry=enterprise.industry, request=request)
        enterprise_update(actor=actor, enterprise=enterprise, union=union, request=request)
    from_stage = plan.stage
    _transition(actor=actor, plan=plan, to_stage=to_stage, note=note, reason=reason)
    audit_record(actor=actor, action="outreach.plan_move", target=plan, request=request,
                 detail={"from": from_stage, "to": to_stage, **({"union": union.pk} if union else {})})
    return plan


@transaction.atomic
def plan_visit_record(*, actor, plan: EstablishmentPlan, visited_on: dt.date, answer: str,
                      commissioner: User | None = None, concerns=(), notes: str = "", request=None) -> PlanVisit:
    """Record a visit; a plan not yet started moves to "visited"."""
    plan = _locked(plan)
    _require(actor, plan)
    errors: dict[str, str] = {}
    _check_date(visited_on, "visited_on", errors)
    if visited_on is None:
        errors["visited_on"] = _("Please enter the date of the visit.")
    elif "visited_on" not in errors and visited_on > dt.date.today():  # noqa: DTZ011 - a calendar date
        errors["visited_on"] = _("The date of the visit cannot be in the future.")
    if answer not in Answer.values:
        errors["answer"] = _("Please choose one of the answers in the list.")
    concerns = list(dict.fromkeys(concerns or []))
    if any(c not in Concern.values for c in concerns):
        errors["concerns"] = _("Please choose the concerns from the list.")
    _check_commissioner(commissioner, plan.enterprise.street, errors)
    if errors:
        raise ValidationError(errors)
    visit = PlanVisit.objects.create(plan=plan, visited_on=visited_on, commissioner=commissioner,
                                     concerns=concerns, answer=answer, notes=(notes or "").strip(),
                                     recorded_by=actor)
    if plan.stage == Stage.NOT_STARTED:
        _transition(actor=actor, plan=plan, to_stage=Stage.VISITED, note=_("First visit recorded."))
    audit_record(actor=actor, action="outreach.visit_record", target=plan, request=request,
                 detail={"visit": visit.pk})
    return visit


@transaction.atomic
def plan_update(*, actor, plan: EstablishmentPlan, request=None, **changes) -> EstablishmentPlan:
    """Change the commissioner, next step, target date or demonstration flag."""
    plan = _locked(plan)
    _require(actor, plan)
    unknown = set(changes) - set(PLAN_EDITABLE)
    if unknown:
        raise ValidationError({name: _("This field cannot be changed.") for name in sorted(unknown)})
    errors: dict[str, str] = {}
    if "commissioner" in changes:
        _check_commissioner(changes["commissioner"], plan.enterprise.street, errors)
    if "target_date" in changes:
        _check_date(changes["target_date"], "target_date", errors)
    if "next_step" in changes:
        changes["next_step"] = (changes["next_step"] or "").strip()
        if len(changes["next_step"]) > 200:
            errors["next_step"] = _("The next step may be at most 200 characters.")
    if "demonstration" in changes:
        changes["demonstration"] = bool(changes["demonstration"])
    if errors:
        raise ValidationError(errors)
    for name, value in changes.items():
        setattr(plan, name, value)
    plan.save()
    audit_record(actor=actor, action="outreach.plan_update", target=plan, request=request,
                 detail={"fields": sorted(changes)})
    return plan
