"""Writes to the three lists: keyword-only, atomic, audited; bad input changes nothing.

A need's status changes only here, and every change appends a NeedEvent: recorded → taken up by a
project → answered when the project is done; or declined with a reason; a cancelled project returns
its needs to the open list. `closed_at` is set once, when the need is answered or declined.
"""

import datetime as dt
import re
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.audit.services import audit_record
from gonghui.core.choices import EmploymentForm
from gonghui.core.money import parse_money
from gonghui.core.scoping import MANAGE, can

from .models import (
    LIVE_PROJECT_STATUSES,
    Milestone,
    Need,
    NeedAction,
    NeedCategory,
    NeedEvent,
    NeedSource,
    NeedStatus,
    Project,
    ProjectResource,
    ProjectStatus,
    Resource,
    ResourceKind,
    Urgency,
)

MOBILE_OR_PHONE = re.compile(r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$")


def _need_errors(*, title, source, category, urgency, headcount, worker_group) -> dict:
    errors = {}
    if not (title or "").strip():
        errors["title"] = _("Say what the workers need.")
    elif len(title.strip()) > 120:
        errors["title"] = _("At most 120 characters.")
    if source not in NeedSource.values:
        errors["source"] = _("Choose where the need came from.")
    if category not in NeedCategory.values:
        errors["category"] = _("Choose a category.")
    if urgency not in Urgency.values:
        errors["urgency"] = _("Choose an urgency.")
    if worker_group and worker_group not in EmploymentForm.values:
        errors["worker_group"] = _("Choose a worker group from the list.")
    if not _whole(headcount, minimum=1):
        errors["headcount"] = _("Enter how many workers, a whole number of at least 1.")
    return errors


def _whole(value, *, minimum: int) -> bool:
    return not isinstance(value, bool) and isinstance(value, int) and value >= minimum


def _event(need: Need, *, action: str, from_status: str, actor, project=None, note: str = "", at=None) -> None:
    NeedEvent.objects.create(need=need, action=action, from_status=from_status, to_status=need.status,
                             project=project, actor=actor, at=at or timezone.now(), note=note[:300])


def _covers(org, inner) -> bool:
    """Whether `org` is `inner` or one of its ancestors (its subtree holds `inner`)."""
    return inner.path.startswith(org.path)


def _lock_need(need: Need) -> Need:
    return Need.objects.select_for_update(of=("self",)).select_related("org").get(pk=need.pk)


def _lock_project(project: Project) -> Project:
    return Project.objects.select_for_update(of=("self",)).select_related("org").get(pk=project.pk)


# --- needs ---------------------------------------------------------------------------------------

@transaction.atomic
def need_create(*, actor, org, title: str, source: str, category: str, headcount: int,
                urgency: str = Urgency.NORMAL, worker_group: str = "", place: str = "",
                detail: str = "", source_ref: str = "", request=None) -> Need:
    """Record one need in `org`'s list. `source_ref` names its origin; the same origin twice is refused."""
    if not can(actor, MANAGE, org):
        raise PermissionDenied
    errors = _need_errors(title=title, source=source, category=category, urgency=urgency,
                          headcount=headcount, worker_group=worker_group)
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            need = Need.objects.create(
                org=org, title=title.strip(), detail=detail.strip(), source=source, source_ref=source_ref,
                category=category, urgency=urgency, headcount=headcount, worker_group=worker_group,
                place=place.strip()[:120], created_by=actor,
            )
    except IntegrityError:
        raise ValidationError({"source_ref": _("A need from this origin is already on the list.")}) from None
    _event(need, action=NeedAction.RECORD, from_status="", actor=actor, at=need.created_at)
    audit_record(actor=actor, action="need.create", target=need, request=request,
                 detail={"source": source, "source_ref": source_ref})
    return need


NEED_EDITABLE = ("title", "detail", "category", "urgency", "headcount", "worker_group", "place")


@transaction.atomic
def need_update(*, actor, need: Need, request=None, **changes) -> Need:
    """Correct what a need says while it is not closed (its source and union stay as recorded)."""
    need = _lock_need(need)
    if not can(actor, MANAGE, need.org):
        raise PermissionDenied
    unknown = set(changes) - set(NEED_EDITABLE)
    if unknown:
        raise ValidationError({name: _("This field cannot be changed.") for name in sorted(unknown)})
    if need.is_closed:
        raise ValidationError({"status": _("A closed need can no longer be changed.")})
    values = {name: getattr(need, name) for name in NEED_EDITABLE} | changes
    errors = _need_errors(title=values["title"], source=need.source, category=values["category"],
                          urgency=values["urgency"], headcount=values["headcount"],
                          worker_group=values["worker_group"])
    if errors:
        raise ValidationError(errors)
    values["title"] = values["title"].strip()
    values["detail"] = (values["detail"] or "").strip()
    values["place"] = (values["place"] or "").strip()[:120]
    for name, value in values.items():
        setattr(need, name, value)
    need.save(update_fields=list(NEED_EDITABLE))
    audit_record(actor=actor, action="need.update", target=need, request=request, detail={"fields": sorted(changes)})
    return need


APPEAL_REF = re.compile(r"^SQ(\d{8})(\d{6,})$")


def appeal_pk_from_number(number: str) -> int | None:
    """A request's number as shown to cadres ("SQ20251124000123"), or its bare id, as the id; None if neither."""
    text = (number or "").strip().upper()
    if text.isdigit():
        return int(text)
    match = APPEAL_REF.match(text)
    return int(match.group(2)) if match else None


@transaction.atomic
def need_from_appeal(*, actor, appeal, category: str, headcount: int = 1, title: str = "",
                     urgency: str = Urgency.NORMAL, worker_group: str | None = None, place: str = "",
                     request=None) -> Need:
    """A need on the list of the union responsible for a worker's request, recorded once per request."""
    if not can(actor, MANAGE, appeal.org):
        raise PermissionDenied
    if worker_group is None:
        worker_group = appeal.worker.employment_form if appeal.worker_id else ""
    title = (title or "").strip()
    if not title and appeal.description.strip():
        title = appeal.description.strip().splitlines()[0][:120]
    detail = _("From request %(ref)s.") % {"ref": appeal.reference}
    return need_create(actor=actor, org=appeal.org, title=title, source=NeedSource.APPEAL,
                       category=category, headcount=headcount, urgency=urgency, worker_group=worker_group,
                       place=place, detail=detail, source_ref=f"appeal:{appeal.pk}", request=request)


@transaction.atomic
def need_decline(*, actor, need: Need, reason: str, request=None, now=None) -> Need:
    """Close an open or taken-up need without a project; the reason is required and shown in the figures."""
    need = _lock_need(need)
    if not can(actor, MANAGE, need.org):
        raise PermissionDenied
    reason = (reason or "").strip()
    errors = {}
    if need.status not in (NeedStatus.OPEN, NeedStatus.IN_PROJECT):
        errors["status"] = _("Only an open or taken-up need can be declined.")
    if not reason:
        errors["reason"] = _("Say why the need is declined.")
    elif len(reason) > 300:
        errors["reason"] = _("At most 300 characters.")
    if errors:
        raise ValidationError(errors)
    from_status, project = need.status, need.project
    need.status, need.decline_reason, need.project = NeedStatus.DECLINED, reason, None
    need.closed_at = now or timezone.now()
    need.save(update_fields=["status", "decline_reason", "project", "closed_at"])
    _event(need, action=NeedAction.DECLINE, from_status=from_status, actor=actor, project=project, note=reason,
           at=need.closed_at)
    audit_record(actor=actor, action="need.decline", target=need, request=request, reason=reason)
    return need


def _take_up(*, actor, need: Need, project: Project, request=None) -> Need:
    """need and project already locked."""
    errors = {}
    if need.status != NeedStatus.OPEN:
        errors["status"] = _("Only an open need can be taken up by a project.")
    if project.status not in LIVE_PROJECT_STATUSES:
        errors["project"] = _("Choose a project that is planned or running.")
    elif not _covers(project.org, need.org):
        errors["project"] = _("The project's union must be the need's union or one above it.")
    if errors:
        raise ValidationError(errors)
    need.status, need.project = NeedStatus.IN_PROJECT, project
    need.save(update_fields=["status", "project"])
    _event(need, action=NeedAction.TAKE_UP, from_status=NeedStatus.OPEN, actor=actor, project=project)
    audit_record(actor=actor, action="need.take_up", target=need, request=request, detail={"project": project.pk})
    return need


@transaction.atomic
def need_take_up(*, actor, need: Need, project: Project, request=None) -> Need:
    """An open need joins a planned or running project of its union or of a union above it."""
    project, need = _lock_project(project), _lock_need(need)  # projects first, as project_complete does
    if not (can(actor, MANAGE, need.org) and can(actor, MANAGE, project.org)):
        raise PermissionDenied
    return _take_up(actor=actor, need=need, project=project, request=request)


# --- resources -----------------------------------------------------------------------------------

RESOURCE_FIELDS = ("kind", "name", "detail", "categories", "capacity", "amount", "available", "available_until",
                   "contact_name", "contact_phone")


def _resource_values(values: dict) -> dict:
    errors: dict = {}
    clean = dict(values)
    if values["kind"] not in ResourceKind.values:
        errors["kind"] = _("Choose a kind of resource.")
    name = (values["name"] or "").strip()
    if not name:
        errors["name"] = _("Give the resource a name.")
    elif len(name) > 120:
        errors["name"] = _("At most 120 characters.")
    clean["name"] = name
    categories = values["categories"]
    if (not isinstance(categories, list | tuple) or not categories
            or any(c not in NeedCategory.values for c in categories)):
        errors["categories"] = _("Choose at least one category from the list.")
    else:
        clean["categories"] = [c for c in NeedCategory.values if c in categories]  # list order, no repeats
    if not _whole(values["capacity"], minimum=1):
        errors["capacity"] = _("Enter how many workers it can serve, a whole number of at least 1.")
    clean["amount"] = parse_money(values["amount"], "amount", errors, required=False)
    if clean["amount"] is not None and values["kind"] != ResourceKind.FUND:
        errors["amount"] = _("Only a fund has an amount.")
    phone = (values["contact_phone"] or "").strip().replace(" ", "")
    if phone and not MOBILE_OR_PHONE.match(phone):
        errors["contact_phone"] = _("Enter a mobile number (11 digits) or a landline such as 010-12345678.")
    clean["contact_phone"] = phone
    clean["contact_name"] = (values["contact_name"] or "").strip()[:50]
    clean["detail"] = (values["detail"] or "").strip()
    if values["available_until"] is not None and not isinstance(values["available_until"], dt.date):
        errors["available_until"] = _("Enter a date.")
    clean["available"] = bool(values["available"])
    if errors:
        raise ValidationError(errors)
    return clean


@transaction.atomic
def resource_create(*, actor, org, kind: str, name: str, categories: list, capacity: int, amount=None,
                    available: bool = True, available_until: dt.date | None = None, contact_name: str = "",
                    contact_phone: str = "", detail: str = "", request=None) -> Resource:
    """List a resource held by `org`; it serves needs in `org`'s subtree."""
    if not can(actor, MANAGE, org):
        raise PermissionDenied
    values = _resource_values({"kind": kind, "name": name, "detail": detail, "categories": categories,
                               "capacity": capacity, "amount": amount, "available": available,
                               "available_until": available_until, "contact_name": contact_name,
                               "contact_phone": contact_phone})
    resource = Resource.objects.create(org=org, created_by=actor, **values)
    audit_record(actor=actor, action="need_resource.create", target=resource, request=request,
                 detail={"kind": kind, "capacity": capacity})
    return resource


def committed(resource: Resource) -> int:
    """Capacity of `resource` committed to planned or running projects."""
    return ProjectResource.objects.filter(resource=resource, project__status__in=LIVE_PROJECT_STATUSES).aggregate(
        n=Sum("quantity"))["n"] or 0


@transaction.atomic
def resource_update(*, actor, resource: Resource, request=None, **changes) -> Resource:
    resource = Resource.objects.select_for_update(of=("self",)).select_related("org").get(pk=resource.pk)
    if not can(actor, MANAGE, resource.org):
        raise PermissionDenied
    unknown = set(changes) - set(RESOURCE_FIELDS)
    if unknown:
        raise ValidationError({name: _("This field cannot be changed.") for name in sorted(unknown)})
    values = _resource_values({name: getattr(resource, name) for name in RESOURCE_FIELDS} | changes)
    if "capacity" in changes and values["capacity"] < committed(resource):
        raise ValidationError({"capacity": _("Projects already use %(n)s of it; the capacity cannot be lower.")
                               % {"n": committed(resource)}})
    for name, value in values.items():
        setattr(resource, name, value)
    resource.save(update_fields=list(RESOURCE_FIELDS))
    audit_record(actor=actor, action="need_resource.update", target=resource, request=request,
                 detail={"fields": sorted(changes)})
    return resource


# --- projects ------------------------------------------------------------------------------------

PROJECT_EDITABLE = ("title", "detail", "budget", "starts_on", "ends_on")


def _project_values(values: dict) -> dict:
    errors: dict = {}
    clean = dict(values)
    title = (values["title"] or "").strip()
    if not title:
        errors["title"] = _("Give the project a title.")
    elif len(title) > 120:
        errors["title"] = _("At most 120 characters.")
    clean["title"] = title
    clean["detail"] = (values["detail"] or "").strip()
    clean["budget"] = parse_money(values["budget"], "budget", errors)
    starts, ends = values["starts_on"], values["ends_on"]
    if starts and ends and ends < starts:
        errors["ends_on"] = _("The end date cannot be before the start date.")
    if errors:
        raise ValidationError(errors)
    return clean


@transaction.atomic
def project_create(*, actor, org, title: str, budget=Decimal(0), detail: str = "",
                   starts_on: dt.date | None = None, ends_on: dt.date | None = None,
                   milestones: list[tuple[str, dt.date]] = (), request=None) -> Project:
    """A planned project of `org`. Milestones are (title, due date) pairs."""
    if not can(actor, MANAGE, org):
        raise PermissionDenied
    values = _project_values({"title": title, "detail": detail, "budget": budget, "starts_on": starts_on,
                              "ends_on": ends_on})
    for n, (milestone_title, due_on) in enumerate(milestones, start=1):
        _milestone_errors(milestone_title, due_on, prefix=f"milestones.{n}.")
    project = Project.objects.create(org=org, created_by=actor, **values)
    Milestone.objects.bulk_create([Milestone(project=project, title=t.strip(), due_on=d) for t, d in milestones])
    audit_record(actor=actor, action="need_project.create", target=project, request=request,
                 detail={"budget": str(values["budget"])})
    return project


@transaction.atomic
def project_update(*, actor, project: Project, request=None, **changes) -> Project:
    project = _lock_project(project)
    if not can(actor, MANAGE, project.org):
        raise PermissionDenied
    unknown = set(changes) - set(PROJECT_EDITABLE)
    if unknown:
        raise ValidationError({name: _("This field cannot be changed.") for name in sorted(unknown)})
    if not project.is_live:
        raise ValidationError({"status": _("A finished or cancelled project can no longer be changed.")})
    values = _project_values({name: getattr(project, name) for name in PROJECT_EDITABLE} | changes)
    for name, value in values.items():
        setattr(project, name, value)
    project.save(update_fields=list(PROJECT_EDITABLE))
    audit_record(actor=actor, action="need_project.update", target=project, request=request,
                 detail={"fields": sorted(changes)})
    return project


@transaction.atomic
def project_start(*, actor, project: Project, request=None) -> Project:
    project = _lock_project(project)
    if not can(actor, MANAGE, project.org):
        raise PermissionDenied
    if project.status != ProjectStatus.PLANNED:
        raise ValidationError({"status": _("Only a planned project can start.")})
    project.status = ProjectStatus.RUNNING
    if project.starts_on is None:
        project.starts_on = timezone.localdate()
    project.save(update_fields=["status", "starts_on"])
    audit_record(actor=actor, action="need_project.start", target=project, request=request)
    return project


@transaction.atomic
def project_complete(*, actor, project: Project, beneficiaries: int, outcome: str = "", ends_on=None,
                     request=None, now=None) -> Project:
    """The project is done: every need it took up is answered now (closed_at), with the project named."""
    project = _lock_project(project)
    if not can(actor, MANAGE, project.org):
        raise PermissionDenied
    errors = {}
    if not project.is_live:
        errors["status"] = _("Only a planned or running project can be completed.")
    if not _whole(beneficiaries, minimum=0):
        errors["beneficiaries"] = _("Enter how many workers the project served, a whole number.")
    if errors:
        raise ValidationError(errors)
    now = now or timezone.now()
    project.status, project.beneficiaries, project.closed_at = ProjectStatus.DONE, beneficiaries, now
    project.outcome = (outcome or "").strip()
    project.ends_on = ends_on or project.ends_on or timezone.localdate(now)
    project.save(update_fields=["status", "beneficiaries", "closed_at", "outcome", "ends_on"])
    needs = list(Need.objects.select_for_update().filter(project=project, status=NeedStatus.IN_PROJECT))
    for need in needs:
        need.status, need.closed_at = NeedStatus.ANSWERED, now
    Need.objects.bulk_update(needs, ["status", "closed_at"])
    NeedEvent.objects.bulk_create([
        NeedEvent(need=need, action=NeedAction.ANSWER, from_status=NeedStatus.IN_PROJECT,
                  to_status=NeedStatus.ANSWERED, project=project, actor=actor, at=now) for need in needs])
    audit_record(actor=actor, action="need_project.complete", target=project, request=request,
                 detail={"beneficiaries": beneficiaries, "needs_answered": [n.pk for n in needs]})
    return project


@transaction.atomic
def project_cancel(*, actor, project: Project, reason: str, request=None, now=None) -> Project:
    """Cancel a live project: its needs go back to the open list, its resources are free again."""
    project = _lock_project(project)
    if not can(actor, MANAGE, project.org):
        raise PermissionDenied
    reason = (reason or "").strip()
    errors = {}
    if not project.is_live:
        errors["status"] = _("Only a planned or running project can be cancelled.")
    if not reason:
        errors["reason"] = _("Say why the project is cancelled.")
    elif len(reason) > 300:
        errors["reason"] = _("At most 300 characters.")
    if errors:
        raise ValidationError(errors)
    now = now or timezone.now()
    project.status, project.cancel_reason, project.closed_at = ProjectStatus.CANCELLED, reason, now
    project.save(update_fields=["status", "cancel_reason", "closed_at"])
    needs = list(Need.objects.select_for_update().filter(project=project, status=NeedStatus.IN_PROJECT))
    for need in needs:
        need.status, need.project = NeedStatus.OPEN, None
    Need.objects.bulk_update(needs, ["status", "project"])
    NeedEvent.objects.bulk_create([
        NeedEvent(need=need, action=NeedAction.RELEASE, from_status=NeedStatus.IN_PROJECT, to_status=NeedStatus.OPEN,
                  project=project, actor=actor, at=now, note=reason[:300]) for need in needs])
    audit_record(actor=actor, action="need_project.cancel", target=project, request=request, reason=reason,
                 detail={"needs_reopened": [n.pk for n in needs]})
    return project


def _commit(*, project: Project, resource: Resource, quantity: int, field: str = "quantity") -> ProjectResource:
    """Commit capacity of a locked resource to a locked live project (adds to an earlier commitment)."""
    today = timezone.localdate()
    if not resource.is_available_on(today):
        raise ValidationError({"resource": _("This resource is not available.")})
    if not _covers(resource.org, project.org):
        raise ValidationError({"resource": _("This resource does not serve the project's area.")})
    remaining = resource.capacity - committed(resource)
    if not _whole(quantity, minimum=1):
        raise ValidationError({field: _("Enter a whole number of at least 1.")})
    if quantity > remaining:
        raise ValidationError({field: _("Only %(n)s of this resource's capacity is left.") % {"n": remaining}})
    row, created = ProjectResource.objects.get_or_create(project=project, resource=resource,
                                                         defaults={"quantity": quantity})
    if not created:
        row.quantity += quantity
        row.save(update_fields=["quantity"])
    return row


def _lock_resource(resource: Resource) -> Resource:
    return Resource.objects.select_for_update(of=("self",)).select_related("org").get(pk=resource.pk)


@transaction.atomic
def resource_commit(*, actor, project: Project, resource: Resource, quantity: int, request=None) -> ProjectResource:
    """Commit `quantity` of a resource's capacity to a live project; never more than is left."""
    project, resource = _lock_project(project), _lock_resource(resource)
    if not can(actor, MANAGE, project.org):
        raise PermissionDenied
    if not project.is_live:
        raise ValidationError({"project": _("Choose a project that is planned or running.")})
    row = _commit(project=project, resource=resource, quantity=quantity)
    audit_record(actor=actor, action="need_project.commit", target=project, request=request,
                 detail={"resource": resource.pk, "quantity": quantity})
    return row


@transaction.atomic
def project_from_match(*, actor, need: Need, resource: Resource, request=None) -> Project:
    """One step from a suggested match: a planned project of the need's union, titled after the need, with
    as much of the resource as the need's headcount asks (or what is left), and the need taken up."""
    need, resource = _lock_need(need), _lock_resource(resource)
    if not can(actor, MANAGE, need.org):
        raise PermissionDenied
    if need.status != NeedStatus.OPEN:
        raise ValidationError({"status": _("Only an open need can be taken up by a project.")})
    if not _covers(resource.org, need.org):
        raise ValidationError({"resource": _("This resource does not serve the need's area.")})
    remaining = resource.capacity - committed(resource)
    if remaining < 1:
        raise ValidationError({"resource": _("This resource has no capacity left.")})
    project = Project.objects.create(org=need.org, title=need.title, created_by=actor,
                                     detail=_("Started from the need “%(need)s” with “%(resource)s”.")
                                     % {"need": need.title, "resource": resource.name})
    _commit(project=project, resource=resource, quantity=min(need.headcount, remaining))
    audit_record(actor=actor, action="need_project.create", target=project, request=request,
                 detail={"from_need": need.pk, "resource": resource.pk})
    _take_up(actor=actor, need=need, project=project, request=request)
    return project


@transaction.atomic
def project_join_match(*, actor, need: Need, resource: Resource, project: Project, request=None) -> Project:
    """Add a need to an existing project with a suggested resource: the need is taken up and, if the project
    does not use the resource yet, as much of it as the headcount asks (or what is left) is committed."""
    project, need, resource = _lock_project(project), _lock_need(need), _lock_resource(resource)
    if not (can(actor, MANAGE, need.org) and can(actor, MANAGE, project.org)):
        raise PermissionDenied
    _take_up(actor=actor, need=need, project=project, request=request)
    if not ProjectResource.objects.filter(project=project, resource=resource).exists():
        remaining = resource.capacity - committed(resource)
        if remaining < 1:
            raise ValidationError({"resource": _("This resource has no capacity left.")})
        _commit(project=project, resource=resource, quantity=min(need.headcount, remaining))
    return project


# --- milestones ----------------------------------------------------------------------------------

def _milestone_errors(title, due_on, *, prefix: str = "") -> None:
    errors = {}
    if not (title or "").strip():
        errors[f"{prefix}title"] = _("Name the milestone.")
    elif len(title.strip()) > 120:
        errors[f"{prefix}title"] = _("At most 120 characters.")
    if not isinstance(due_on, dt.date):
        errors[f"{prefix}due_on"] = _("Enter the due date.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def milestone_add(*, actor, project: Project, title: str, due_on: dt.date, request=None) -> Milestone:
    project = _lock_project(project)
    if not can(actor, MANAGE, project.org):
        raise PermissionDenied
    if not project.is_live:
        raise ValidationError({"status": _("A finished or cancelled project can no longer be changed.")})
    _milestone_errors(title, due_on)
    milestone = Milestone.objects.create(project=project, title=title.strip(), due_on=due_on)
    audit_record(actor=actor, action="need_project.milestone", target=project, request=request,
                 detail={"milestone": milestone.pk})
    return milestone


@transaction.atomic
def milestone_done(*, actor, milestone: Milestone, done_on: dt.date | None = None, request=None) -> Milestone:
    milestone = Milestone.objects.select_for_update(of=("self",)).select_related("project__org").get(pk=milestone.pk)
    if not can(actor, MANAGE, milestone.project.org):
        raise PermissionDenied
    if milestone.done_on is not None:
        raise ValidationError({"done_on": _("This milestone is already done.")})
    done_on = done_on or timezone.localdate()
    if done_on > timezone.localdate():
        raise ValidationError({"done_on": _("The date cannot be in the future.")})
    milestone.done_on = done_on
    milestone.save(update_fields=["done_on"])
    audit_record(actor=actor, action="need_project.milestone_done", target=milestone.project, request=request,
                 detail={"milestone": milestone.pk})
    return milestone
