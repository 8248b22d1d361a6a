"""Writes to mediation: keyword-only, atomic, audited.

`_move` is the one place a case changes status; it checks the move on the model and leaves a
CaseEvent. Cadres managing the committee's org open and assign cases; the assigned mediator (or
such a cadre) records sessions, the agreement (which generates the DOCX) or the failure.
"""

import datetime as dt
import uuid
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.accounts.models import User
from gonghui.appeals.models import Appeal, Category
from gonghui.appeals.selectors import appeal_get
from gonghui.audit.services import audit_record
from gonghui.core.scoping import MANAGE, can

from .documents import agreement_docx
from .models import CaseEvent, CommitteeKind, MediationCase, MediationCommittee, Mediator, MediatorKind, Session, Status
from .selectors import may_manage_case, may_mediate, overdue_cases

MAX_AMOUNT = Decimal("9999999999.99")


def standard_advice() -> str:
    return _("No agreement was reached within 15 days of accepting the application. Under Article 14 of the "
             "Labour Dispute Mediation and Arbitration Law the parties may apply to the labour dispute arbitration "
             "committee for arbitration, within one year of the day they knew or should have known their rights "
             "were infringed. The union's legal aid service can help prepare the application.")


def _text(value, field: str, errors: dict, message: str, max_length: int | None = None) -> str:
    value = (value or "").strip()
    if not value:
        errors[field] = message
    elif max_length and len(value) > max_length:
        errors[field] = _("Please keep this to %(n)d characters.") % {"n": max_length}
    return value


def _raise(errors: dict) -> None:
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def committee_create(*, actor, org, kind: str, name: str, request=None) -> MediationCommittee:
    if not can(actor, MANAGE, org):
        raise PermissionDenied
    errors: dict = {}
    name = _text(name, "name", errors, _("Please enter the committee's name."), 100)
    if kind not in CommitteeKind.values:
        errors["kind"] = _("Please choose a committee kind from the list.")
    if name and MediationCommittee.objects.filter(org=org, name=name).exists():
        errors["name"] = _("This union already has a committee of that name.")
    _raise(errors)
    committee = MediationCommittee.objects.create(org=org, kind=kind, name=name)
    audit_record(actor=actor, action="mediation.committee_create", target=committee, request=request)
    return committee


@transaction.atomic
def mediator_add(*, actor, committee: MediationCommittee, username: str, name: str, kind: str,
                 specialities=(), request=None) -> Mediator:
    if not can(actor, MANAGE, committee.org):
        raise PermissionDenied
    errors: dict = {}
    name = _text(name, "name", errors, _("Please enter the mediator's name."), 50)
    user = User.objects.filter(username=(username or "").strip(), is_active=True).first()
    if user is None:
        errors["username"] = _("There is no active account with this user name.")
    elif Mediator.objects.filter(user=user, committee=committee).exists():
        errors["username"] = _("This account is already a mediator of this committee.")
    if kind not in MediatorKind.values:
        errors["kind"] = _("Please choose a mediator kind from the list.")
    specialities = list(dict.fromkeys(specialities or ()))
    if any(s not in Category.values for s in specialities):
        errors["specialities"] = _("Please choose specialities from the list.")
    _raise(errors)
    mediator = Mediator.objects.create(user=user, committee=committee, name=name, kind=kind,
                                       specialities=specialities)
    audit_record(actor=actor, action="mediation.mediator_add", target=mediator, request=request)
    return mediator


@transaction.atomic
def mediator_set_active(*, actor, mediator: Mediator, active: bool, request=None) -> Mediator:
    """Stand a mediator down (they lose their cases' pages at once) or take them back."""
    mediator = Mediator.objects.select_for_update().select_related("committee__org").get(pk=mediator.pk)
    if not can(actor, MANAGE, mediator.committee.org):
        raise PermissionDenied
    if mediator.active != active:
        mediator.active = active
        mediator.save(update_fields=["active"])
        audit_record(actor=actor, action="mediation.mediator_set_active", target=mediator, request=request,
                     detail={"active": active})
    return mediator


def _check_mediator(mediator, committee, errors: dict) -> None:
    if mediator is not None and (mediator.committee_id != committee.pk or not mediator.active):
        errors["mediator"] = _("Please choose an active mediator of this committee.")


def _event(case, *, actor, from_status: str, to_status: str, note: str = "") -> CaseEvent:
    return CaseEvent.objects.create(case=case, actor=actor if getattr(actor, "pk", None) else None,
                                    from_status=from_status, to_status=to_status, note=note)


@transaction.atomic
def case_open(*, actor, committee: MediationCommittee, mediator: Mediator | None, worker_name: str,
              employer_name: str, category: str, claim_summary: str, appeal: Appeal | None = None,
              worker=None, request=None) -> MediationCase:
    if not can(actor, MANAGE, committee.org):
        raise PermissionDenied
    errors: dict = {}
    worker_name = _text(worker_name, "worker_name", errors, _("Please enter the worker side."), 100)
    employer_name = _text(employer_name, "employer_name", errors, _("Please enter the employer side."), 200)
    claim_summary = _text(claim_summary, "claim_summary", errors, _("Please summarise the claim."))
    if category not in Category.values:
        errors["category"] = _("Please choose one of the categories in the list.")
    _check_mediator(mediator, committee, errors)
    if appeal is not None and MediationCase.objects.filter(appeal=appeal).exists():
        errors["appeal"] = _("This request has already become a mediation case.")
    _raise(errors)
    case = MediationCase.objects.create(
        committee=committee, mediator=mediator, appeal=appeal, worker=worker, worker_name=worker_name,
        employer_name=employer_name, category=category, claim_summary=claim_summary, opened_at=timezone.now(),
        created_by=actor)
    _event(case, actor=actor, from_status="", to_status=Status.OPENED)
    audit_record(actor=actor, action="mediation.case_open", target=case, request=request,
                 detail={"appeal": appeal.pk if appeal else None})
    return case


def case_open_from_appeal(*, actor, appeal: Appeal, committee: MediationCommittee, mediator: Mediator | None,
                          employer_name: str = "", request=None) -> MediationCase:
    """A worker's request becomes a case: its description, category and worker carry over."""
    appeal = appeal_get(user=actor, pk=appeal.pk)  # 404 unless the actor may see the request
    worker = appeal.worker
    employer = employer_name or (worker.employer.name if worker and worker.employer_id else "")
    return case_open(actor=actor, committee=committee, mediator=mediator,
                     worker_name=worker.name if worker else appeal.contact_name, employer_name=employer,
                     category=appeal.category, claim_summary=appeal.description, appeal=appeal, worker=worker,
                     request=request)


def _locked(case: MediationCase) -> MediationCase:
    return MediationCase.objects.select_for_update(of=("self",)).select_related(
        "committee", "committee__org", "mediator").get(pk=case.pk)


def _move(case: MediationCase, *, actor, to_status: str, note: str = "") -> CaseEvent:
    """The one status change: checks the move, stamps closing, leaves a CaseEvent."""
    case.check_move(to_status)
    event = _event(case, actor=actor, from_status=case.status, to_status=to_status, note=note)
    case.status = to_status
    if to_status not in (Status.OPENED, Status.IN_SESSION):
        case.closed_at = timezone.now()
    return event


def _require_open(case, errors: dict) -> None:
    if not case.is_open:
        errors["status"] = _("This case is closed.")


@transaction.atomic
def case_assign(*, actor, case: MediationCase, mediator: Mediator | None, request=None) -> MediationCase:
    case = _locked(case)
    if not may_manage_case(actor, case):
        raise PermissionDenied
    errors: dict = {}
    _require_open(case, errors)
    if mediator is None:
        errors["mediator"] = _("Please choose a mediator.")
    _check_mediator(mediator, case.committee, errors)
    _raise(errors)
    case.mediator = mediator
    case.save(update_fields=["mediator"])
    audit_record(actor=actor, action="mediation.case_assign", target=case, request=request,
                 detail={"mediator": mediator.pk})
    return case


@transaction.atomic
def session_record(*, actor, case: MediationCase, held_on, place: str, attendees: str, notes: str = "",
                   request=None) -> Session:
    case = _locked(case)
    if not may_mediate(actor, case):
        raise PermissionDenied
    errors: dict = {}
    _require_open(case, errors)
    if not isinstance(held_on, dt.date) or isinstance(held_on, dt.datetime):
        errors["held_on"] = _("Please enter a date such as 2025-06-30.")
    elif held_on > timezone.localdate():
        errors["held_on"] = _("The date of a session cannot be in the future.")
    elif held_on < timezone.localtime(case.opened_at).date():
        errors["held_on"] = _("The session cannot be before the case was opened.")
    place = _text(place, "place", errors, _("Please enter where the session was held."), 200)
    attendees = _text(attendees, "attendees", errors, _("Please list who attended."))
    _raise(errors)
    session = Session.objects.create(case=case, held_on=held_on, place=place, attendees=attendees,
                                     notes=(notes or "").strip(), recorded_by=actor)
    if case.status == Status.OPENED:
        _move(case, actor=actor, to_status=Status.IN_SESSION)
        case.save(update_fields=["status", "closed_at"])
    audit_record(actor=actor, action="mediation.session_record", target=case, request=request,
                 detail={"session": session.pk})
    return session


def _amount(value, errors: dict) -> Decimal | None:
    try:
        amount = Decimal(str(value).strip()) if value is not None and str(value).strip() else None
    except (InvalidOperation, ValueError):
        amount = None
    if amount is None or not amount.is_finite():
        errors["amount"] = _("Please enter the amount in yuan, such as 3500.00 (0 if nothing is paid).")
    elif amount < 0:
        errors["amount"] = _("The amount cannot be negative.")
    elif amount > MAX_AMOUNT or amount != amount.quantize(Decimal("0.01")):
        errors["amount"] = _("Please enter the amount in yuan with at most two decimals.")
    else:
        return amount
    return None


@transaction.atomic
def agreement_record(*, actor, case: MediationCase, terms: str, amount, request=None) -> MediationCase:
    """Close the case with an agreement and generate the agreement document (DOCX)."""
    case = _locked(case)
    if not may_mediate(actor, case):
        raise PermissionDenied
    errors: dict = {}
    _require_open(case, errors)
    terms = _text(terms, "terms", errors, _("Please write the terms the parties agreed."))
    amount = _amount(amount, errors)
    _raise(errors)
    _move(case, actor=actor, to_status=Status.AGREED)
    case.agreement_terms, case.agreement_amount = terms, amount
    case.agreement_file.save(f"{uuid.uuid4().hex}.docx", ContentFile(agreement_docx(case)), save=False)
    name = case.agreement_file.name
    # The file is written before the row: if saving the row fails, remove the file again.
    try:
        case.save(update_fields=["status", "closed_at", "agreement_terms", "agreement_amount", "agreement_file"])
        audit_record(actor=actor, action="mediation.agreement_record", target=case, request=request,
                     detail={"amount": str(amount)})
    except Exception:
        case.agreement_file.storage.delete(name)
        raise
    return case


def _fail(case: MediationCase, *, actor, advice: str, automatic: bool) -> None:
    _move(case, actor=actor, to_status=Status.FAILED, note=advice)
    case.arbitration_advice, case.failed_automatically = advice, automatic
    case.save(update_fields=["status", "closed_at", "arbitration_advice", "failed_automatically"])


@transaction.atomic
def failure_record(*, actor, case: MediationCase, advice: str, request=None) -> MediationCase:
    case = _locked(case)
    if not may_mediate(actor, case):
        raise PermissionDenied
    errors: dict = {}
    _require_open(case, errors)
    advice = _text(advice, "advice", errors, _("Please give the parties advice on arbitration."))
    _raise(errors)
    _fail(case, actor=actor, advice=advice, automatic=False)
    audit_record(actor=actor, action="mediation.failure_record", target=case, request=request)
    return case


@transaction.atomic
def case_withdraw(*, actor, case: MediationCase, reason: str, request=None) -> MediationCase:
    case = _locked(case)
    if not may_mediate(actor, case):
        raise PermissionDenied
    errors: dict = {}
    _require_open(case, errors)
    reason = _text(reason, "reason", errors, _("Please give the reason the application was withdrawn."))
    _raise(errors)
    _move(case, actor=actor, to_status=Status.WITHDRAWN, note=reason)
    case.save(update_fields=["status", "closed_at"])
    audit_record(actor=actor, action="mediation.case_withdraw", target=case, request=request)
    return case


def cases_fail_overdue(now: dt.datetime | None = None) -> int:
    """Record failure, with the standard arbitration advice, for every case open past 15 days.

    Each case is locked and re-checked in its own transaction, so two overlapping runs (or a
    retried task) fail each case exactly once."""
    failed = 0
    for pk in list(overdue_cases(now).values_list("pk", flat=True)):
        with transaction.atomic():
            case = _locked(MediationCase(pk=pk))
            if not case.is_open:
                continue
            _fail(case, actor=None, advice=standard_advice(), automatic=True)
            audit_record(actor=None, action="mediation.failure_automatic", target=case)
            failed += 1
    return failed
