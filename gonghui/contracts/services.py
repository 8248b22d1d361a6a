"""Writes to the collective contracts: keyword-only, atomic, audited.

`contract_advance` is the one place a contract changes stage: it checks the move on the model
(`Contract.check_advance`), records the step's facts and leaves a ContractEvent.
"""

import datetime as dt
import logging

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.audit.services import audit_record
from gonghui.core.scoping import MANAGE, VIEW, can, restrict
from gonghui.enterprises.models import Enterprise

from .models import (
    MAX_TERM_YEARS,
    MIN_TERM_YEARS,
    REVIEW_DAYS,
    SECTOR_KINDS,
    Contract,
    ContractEvent,
    ExpiryReminder,
    Kind,
    Stage,
    add_years,
)

TOPICS = ("topic_pay", "topic_rest", "topic_social_insurance", "topic_algorithm")
EDITABLE = ("title", "employer_representative", "covered_enterprises", "covered_workers", "term_years", *TOPICS)
logger = logging.getLogger(__name__)
EXPIRY_WINDOWS = (90, 30)  # days before expiry at which a reminder is made: time to open the next round


def may_manage(user, contract: Contract) -> bool:
    return can(user, MANAGE, contract.org)


def _whole(value, field: str, errors: dict, *, low=0, high=None, message=None) -> None:
    if value is None or isinstance(value, bool) or not isinstance(value, int):
        errors[field] = _("Please enter a whole number.")
    elif value < low:
        errors[field] = message or _("This number cannot be negative.")
    elif high is not None and value > high:
        errors[field] = message


def _check_registry(*, actor, data: dict, kind: str, errors: dict) -> list[Enterprise]:
    """Check the registry fields present in `data`; return the covered enterprises (visible to the actor)."""
    if "title" in data:
        data["title"] = (data["title"] or "").strip()
        if not data["title"]:
            errors["title"] = _("Please enter the title of the contract.")
        elif len(data["title"]) > 200:
            errors["title"] = _("The title may be at most 200 characters.")
    if "employer_representative" in data:
        data["employer_representative"] = (data["employer_representative"] or "").strip()
        if len(data["employer_representative"]) > 200:
            errors["employer_representative"] = _("The representative may be at most 200 characters.")
    if "covered_workers" in data:
        _whole(data["covered_workers"], "covered_workers", errors)
    if "term_years" in data:
        _whole(data["term_years"], "term_years", errors, low=MIN_TERM_YEARS, high=MAX_TERM_YEARS,
               message=_("The term of a collective contract is 1 to 3 years."))
    for name in TOPICS:
        if name in data:
            data[name] = bool(data[name])
    covered = list(data.get("covered_enterprises") or [])
    if covered:
        visible = set(restrict(Enterprise.objects.filter(pk__in=[e.pk for e in covered]), actor, VIEW)
                      .values_list("pk", flat=True))
        if any(e.pk not in visible for e in covered):
            errors["covered_enterprises"] = _("Please choose the covered enterprises from the list.")
    return covered


@transaction.atomic
def contract_create(*, actor, title: str, kind: str, org, employer: Enterprise | None = None,
                    employer_representative: str = "", covered_enterprises=(), covered_workers: int = 0,
                    term_years: int = 3, topic_pay: bool = False, topic_rest: bool = False,
                    topic_social_insurance: bool = False, topic_algorithm: bool = False,
                    request=None) -> Contract:
    """Register a contract (stage "draft") for a union the actor manages."""
    errors: dict[str, str] = {}
    if org is None or not can(actor, MANAGE, org):
        errors["org"] = _("Please choose a union you manage.")
    if kind not in Kind.values:
        errors["kind"] = _("Please choose one of the kinds in the list.")
    data = {"title": title, "employer_representative": employer_representative,
            "covered_enterprises": covered_enterprises, "covered_workers": covered_workers,
            "term_years": term_years, "topic_pay": topic_pay, "topic_rest": topic_rest,
            "topic_social_insurance": topic_social_insurance, "topic_algorithm": topic_algorithm}
    covered = _check_registry(actor=actor, data=data, kind=kind, errors=errors)
    if kind in SECTOR_KINDS:
        if employer is not None:
            errors["employer"] = _("Industry and regional contracts are signed with the employers' "
                                   "representative, not with one enterprise.")
        if not data["employer_representative"]:
            errors["employer_representative"] = _("Please enter the employers' representative.")
    elif kind in Kind.values:
        if employer is None:
            errors["employer"] = _("Please choose the employer.")
        elif not restrict(Enterprise.objects.filter(pk=employer.pk), actor, VIEW).exists():
            errors["employer"] = _("Please choose the employer from the list.")
    if errors:
        raise ValidationError(errors)
    del data["covered_enterprises"]
    contract = Contract.objects.create(kind=kind, org=org, employer=employer, **data)
    # An enterprise's own contract always covers that enterprise.
    contract.covered_enterprises.set({*covered, *([employer] if employer else [])})
    audit_record(actor=actor, action="contracts.create", target=contract, request=request,
                 detail={"kind": kind, "org": org.pk})
    return contract


def _locked(contract: Contract) -> Contract:
    return Contract.objects.select_for_update(of=("self",)).select_related("org", "employer").get(pk=contract.pk)


@transaction.atomic
def contract_update(*, actor, contract: Contract, request=None, **changes) -> Contract:
    """Change registry fields. The term cannot change once the contract is signed (its expiry follows from it)."""
    contract = _locked(contract)
    if not may_manage(actor, contract):
        raise PermissionDenied
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise ValidationError({name: _("This field cannot be changed.") for name in sorted(unknown)})
    errors: dict[str, str] = {}
    covered = _check_registry(actor=actor, data=changes, kind=contract.kind, errors=errors)
    if "term_years" in changes and contract.signed_on and changes["term_years"] != contract.term_years:
        errors["term_years"] = _("The term cannot change after signing.")
    if contract.kind in SECTOR_KINDS and "employer_representative" in changes \
            and not changes["employer_representative"]:
        errors["employer_representative"] = _("Please enter the employers' representative.")
    if errors:
        raise ValidationError(errors)
    if "covered_enterprises" in changes:
        changes.pop("covered_enterprises")
        contract.covered_enterprises.set({*covered, *([contract.employer] if contract.employer else [])})
    for name, value in changes.items():
        setattr(contract, name, value)
    contract.save()
    audit_record(actor=actor, action="contracts.update", target=contract, request=request,
                 detail={"fields": sorted(changes)})
    return contract


def _record_step(contract: Contract, to_stage: str, on: dt.date, votes: dict) -> None:
    if to_stage == Stage.OFFERED:
        contract.offered_on = on
    elif to_stage == Stage.NEGOTIATING and contract.stage == Stage.OFFERED:
        contract.replied_on = on
    elif to_stage == Stage.NEGOTIATING:  # the labour department objected: vote, sign and file again
        contract.congress_on = contract.congress_total = contract.congress_present = contract.congress_for = None
        contract.signed_on = contract.expires_on = contract.filed_on = None
    elif to_stage == Stage.APPROVED:
        contract.congress_on = on
        contract.congress_total, contract.congress_present = votes["total"], votes["present"]
        contract.congress_for = votes["votes_for"]
    elif to_stage == Stage.SIGNED:
        contract.signed_on, contract.expires_on = on, add_years(on, contract.term_years)
    elif to_stage == Stage.FILED:
        contract.filed_on = on
    elif to_stage == Stage.EFFECTIVE:
        contract.effective_on = on


@transaction.atomic
def contract_advance(*, actor, contract: Contract, to_stage: str, on: dt.date, note: str = "",
                     total: int | None = None, present: int | None = None, votes_for: int | None = None,
                     request=None) -> Contract:
    """Take the next bargaining step; refused (ValidationError naming the field, nothing saved) when not allowed.

    `actor` None is the periodic task putting a filed contract in force after the review period.
    """
    contract = _locked(contract)
    if actor is not None and not may_manage(actor, contract):
        raise PermissionDenied
    contract.check_advance(to_stage, on=on, note=note, total=total, present=present, votes_for=votes_for)
    from_stage = contract.stage
    _record_step(contract, to_stage, on, {"total": total, "present": present, "votes_for": votes_for})
    contract.stage = to_stage
    contract.save()
    ContractEvent.objects.create(contract=contract, actor=actor, on=on, from_stage=from_stage, to_stage=to_stage,
                                 note=(note or "").strip())
    audit_record(actor=actor, action="contracts.advance", target=contract, request=request,
                 detail={"from": from_stage, "to": to_stage, "on": on.isoformat()})
    return contract


def contracts_bring_into_force(*, today: dt.date | None = None) -> int:
    """Put in force every filed contract whose review period ended without objection; returns how many."""
    today = today or timezone.localdate()
    last_filing = today - dt.timedelta(days=REVIEW_DAYS)
    count = 0
    for contract in Contract.objects.filter(stage=Stage.FILED, filed_on__lte=last_filing):
        try:
            contract_advance(actor=None, contract=contract, to_stage=Stage.EFFECTIVE, on=contract.review_ends,
                             note=_("No objection from the labour department within the review period."))
        except ValidationError:  # moved on (an objection) since the query: leave it to the cadres
            logger.warning("contract %s not brought into force", contract.pk, exc_info=True)
            continue
        count += 1
    return count


def reminders_create(*, today: dt.date | None = None) -> list[ExpiryReminder]:
    """One reminder per contract in force and window it has entered; safe to run any number of times."""
    today = today or timezone.localdate()
    made = []
    for window in EXPIRY_WINDOWS:
        due = Contract.objects.filter(stage=Stage.EFFECTIVE, expires_on__gte=today,
                                      expires_on__lte=today + dt.timedelta(days=window))
        for contract in due:
            with transaction.atomic():
                reminder, created = ExpiryReminder.objects.get_or_create(
                    contract=contract, window_days=window, expires_on=contract.expires_on)
                if created:
                    audit_record(actor=None, action="contracts.expiry_reminder", target=contract,
                                 detail={"window_days": window, "expires_on": contract.expires_on.isoformat()})
                    made.append(reminder)
    return made
