"""Writes to aid campaigns: keyword-only, atomic, audited, and safe when cadres act at the same moment.

Money rules, enforced here and by the database:
- the approved total of a campaign never exceeds its budget: every approval locks the campaign row
  (SELECT ... FOR UPDATE on PostgreSQL; on SQLite the IMMEDIATE transaction already holds the one
  write lock) and sums the approved grants inside that transaction;
- a grant is paid at most once: Payment is UNIQUE on the application, and a retry with the same
  idempotency key returns the payment already made.
"""

import re
import secrets
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.audit.services import audit_record
from gonghui.core.money import parse_money
from gonghui.core.privacy import encrypt
from gonghui.core.scoping import APPROVE, MANAGE, can
from gonghui.members.models import Worker

from .lottery import draw
from .models import (
    Application,
    ApplicationEvent,
    Campaign,
    Category,
    Kind,
    Lottery,
    Payment,
    PaymentBatch,
    SchoolLevel,
    Status,
)
from .retry import retry_on_lock
from .selectors import active_membership_in, approved_total, hardship_file_exists, hardship_file_on_record

BANK_ACCOUNT = re.compile(r"^\d{12,30}$")
KEY = re.compile(r"^[A-Za-z0-9_.:-]{8,64}$")


def _parse_int(value, field: str, errors: dict, low: int, high: int):
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not (isinstance(value, int) or (isinstance(value, str) and value.strip().isdigit())):
        errors[field] = _("Please enter a whole number.")
        return None
    number = int(value)
    if not low <= number <= high:
        errors[field] = _("Please enter a number from %(low)d to %(high)d.") % {"low": low, "high": high}
        return None
    return number


def _text(value, field: str, errors: dict, max_length: int, *, required: bool = False) -> str:
    text = value.strip() if isinstance(value, str) else ""
    if value is not None and not isinstance(value, str):
        errors[field] = _("Please enter text.")
    elif required and not text:
        errors[field] = _("This field is required.")
    elif len(text) > max_length:
        errors[field] = _("This value may be at most %(n)d characters.") % {"n": max_length}
    return text


def mask_account(account: str) -> str:
    """6222021234567890123 -> 6222 **** **** 0123."""
    return f"{account[:4]} **** **** {account[-4:]}"


# --- campaigns ----------------------------------------------------------------------------------

def _check_category(index: int, raw: dict, errors: dict) -> Category | None:
    field = f"categories.{index}"
    mine: dict = {}
    name = _text(raw.get("name"), f"{field}.name", mine, 80, required=True)
    amount = parse_money(raw.get("amount"), f"{field}.amount", mine, positive=True)
    levels = list(dict.fromkeys(raw.get("school_levels") or []))
    if any(level not in SchoolLevel.values for level in levels):
        mine[f"{field}.school_levels"] = _("Please choose the school levels from the list.")
    low = _parse_int(raw.get("min_child_age"), f"{field}.min_child_age", mine, 0, 30)
    high = _parse_int(raw.get("max_child_age"), f"{field}.max_child_age", mine, 0, 30)
    if low is not None and high is not None and low > high:
        mine[f"{field}.max_child_age"] = _("The maximum age cannot be below the minimum age.")
    errors.update(mine)
    if mine:
        return None
    return Category(name=name, amount=amount, school_levels=levels, min_child_age=low, max_child_age=high,
                    requires_hardship_file=bool(raw.get("requires_hardship_file")))


@transaction.atomic
def campaign_create(*, actor, org, kind: str, title: str, opens_on, closes_on, budget, categories,
                    max_income_per_head=None, required_evidence=(), request=None) -> Campaign:
    """A campaign of `org` (covering its subtree) with its grant categories."""
    if org is None or not can(actor, MANAGE, org):
        raise PermissionDenied
    errors: dict = {}
    if kind not in Kind.values:
        errors["kind"] = _("Please choose one of the kinds in the list.")
    title = _text(title, "title", errors, 120, required=True)
    budget = parse_money(budget, "budget", errors, positive=True)
    cap = parse_money(max_income_per_head, "max_income_per_head", errors, required=False)
    if opens_on is None:
        errors["opens_on"] = _("Please enter a date such as 2025-06-30.")
    if closes_on is None:
        errors["closes_on"] = _("Please enter a date such as 2025-06-30.")
    elif opens_on is not None and closes_on < opens_on:
        errors["closes_on"] = _("The closing date cannot be before the opening date.")
    evidence = [e.strip() for e in required_evidence or [] if isinstance(e, str) and e.strip()]
    if any(len(e) > 60 for e in evidence):
        errors["required_evidence"] = _("Each document name may be at most 60 characters.")
    rows = [_check_category(i, raw, errors) for i, raw in enumerate(categories or [])]
    if not rows:
        errors["categories"] = _("Please add at least one grant category.")
    if errors:
        raise ValidationError(errors)
    campaign = Campaign.objects.create(kind=kind, title=title, org=org, opens_on=opens_on, closes_on=closes_on,
                                       budget=budget, max_income_per_head=cap,
                                       required_evidence=list(dict.fromkeys(evidence)), created_by=actor)
    for row in rows:
        row.campaign = campaign
    Category.objects.bulk_create(rows)
    audit_record(actor=actor, action="campaigns.create", target=campaign, request=request,
                 detail={"budget": str(budget), "categories": len(rows)})
    return campaign


# --- applications -------------------------------------------------------------------------------

def _check_child(category: Category, child_name, child_age, school_level, errors: dict):
    if not category.needs_child:
        return "", None, ""
    name = _text(child_name, "child_name", errors, 50, required=True)
    age = _parse_int(child_age, "child_age", errors, 0, 30)
    if age is None and "child_age" not in errors:
        errors["child_age"] = _("Please enter the child's age.")
    if age is not None:
        if category.min_child_age is not None and age < category.min_child_age:
            errors["child_age"] = _("The child is too young for this category (from %(n)d years).") % {
                "n": category.min_child_age}
        elif category.max_child_age is not None and age > category.max_child_age:
            errors["child_age"] = _("The child is too old for this category (up to %(n)d years).") % {
                "n": category.max_child_age}
    if school_level not in category.school_levels:
        errors["school_level"] = _("This category is for: %(levels)s.") % {
            "levels": "、".join(str(SchoolLevel(v).label) for v in category.school_levels)}
    return name, age, school_level


def precheck(campaign: Campaign, *, income, evidence: list[str]) -> list[dict]:
    """Findings the reviewing cadre weighs (recorded with the application, shown in the queue)."""
    reasons = []
    if campaign.max_income_per_head is not None and income > campaign.max_income_per_head:
        reasons.append({"code": "income_over_limit", "field": "income_per_head"})
    missing = [e for e in campaign.required_evidence if e not in evidence]
    if missing:
        reasons.append({"code": "evidence_missing", "field": "evidence", "missing": missing})
    return reasons


def _event(application: Application, actor, from_status: str, note: str = "") -> None:
    ApplicationEvent.objects.create(application=application, actor=actor, from_status=from_status,
                                    to_status=application.status, note=note[:300])


@retry_on_lock
@transaction.atomic
def application_submit(*, actor, campaign: Campaign, category, income_per_head, bank_name, bank_account,
                       child_name="", child_age=None, school_level="", hardship_file=False, evidence=(),
                       evidence_notes="", request=None) -> Application:
    """A worker's one application to a campaign; no edits afterwards."""
    worker = Worker.objects.filter(user=actor).first() if actor is not None and actor.is_authenticated else None
    membership = active_membership_in(worker, campaign) if worker else None
    if membership is None:
        raise ValidationError({"campaign": _("Only active members of a union this campaign covers may apply.")})
    if not campaign.is_open():
        raise ValidationError({"campaign": _("Applications for this campaign are open from %(start)s to %(end)s.")
                               % {"start": campaign.opens_on, "end": campaign.closes_on}})
    if Application.objects.filter(campaign=campaign, worker=worker).exists():
        raise ValidationError({"campaign": _("You have already applied to this campaign.")})
    errors: dict = {}
    if not isinstance(category, Category):
        category = campaign.categories.filter(pk=category).first() if str(category or "").isdigit() else None
    if category is None or category.campaign_id != campaign.pk:
        raise ValidationError({"category": _("Please choose one of the categories of this campaign.")})
    child = _check_child(category, child_name, child_age, school_level or "", errors)
    income = parse_money(income_per_head, "income_per_head", errors)
    bank_name = _text(bank_name, "bank_name", errors, 80, required=True)
    account = re.sub(r"\s", "", bank_account) if isinstance(bank_account, str) else ""
    if not BANK_ACCOUNT.match(account):
        errors["bank_account"] = _("Please enter the bank account number: 12 to 30 digits.")
    if category.requires_hardship_file and not hardship_file_exists(worker, declared=bool(hardship_file)):
        errors["hardship_file"] = _("This category is for families with a hardship file.")
    evidence = list(dict.fromkeys(evidence or []))
    if any(e not in campaign.required_evidence for e in evidence):
        errors["evidence"] = _("Please choose the documents from the list.")
    notes = _text(evidence_notes, "evidence_notes", errors, 1000)
    if errors:
        raise ValidationError(errors)
    reasons = precheck(campaign, income=income, evidence=evidence)
    try:
        with transaction.atomic():
            application = Application.objects.create(
                campaign=campaign, worker=worker, org=membership.org, category=category, child_name=child[0],
                child_age=child[1], school_level=child[2], income_per_head=income, account_holder=worker.name,
                bank_name=bank_name, bank_account_cipher=encrypt(account), bank_account_masked=mask_account(account),
                declared_hardship_file=bool(hardship_file), evidence=evidence, evidence_notes=notes,
                precheck_ok=not reasons, precheck_reasons=reasons)
    except IntegrityError:  # a double tap from a phone: the unique constraint kept the first one
        raise ValidationError({"campaign": _("You have already applied to this campaign.")}) from None
    _event(application, actor, "")
    audit_record(actor=actor, action="campaigns.apply", target=application, request=request,
                 detail={"campaign": campaign.pk, "precheck_ok": not reasons})
    return application


def _locked(application: Application) -> tuple[Campaign, Application]:
    """Lock the campaign first, then the application: one order everywhere, so no deadlock."""
    campaign = Campaign.objects.select_for_update().get(pk=application.campaign_id)
    return campaign, Application.objects.select_for_update().get(pk=application.pk)


def _approve(*, actor, campaign: Campaign, application: Application, note: str = "") -> None:
    category = application.category
    if approved_total(campaign) + category.amount > campaign.budget:
        raise ValidationError({"budget": _("Approving this grant would exceed the campaign's budget.")})
    from_status = application.status
    application.status, application.grant_amount = Status.APPROVED, category.amount
    application.decided_by, application.decided_at = actor, timezone.now()
    application.save(update_fields=["status", "grant_amount", "decided_by", "decided_at", "hardship_confirmed"])
    _event(application, actor, from_status, note)


@retry_on_lock
@transaction.atomic
def application_approve(*, actor, application: Application, hardship_confirmed: bool = False,
                        request=None) -> Application:
    """Approve: the category's amount becomes the grant, within the budget left."""
    campaign, application = _locked(application)
    if not can(actor, APPROVE, application.org):
        raise PermissionDenied
    application.check_move(Status.APPROVED)
    if application.category.requires_hardship_file:
        # A file filed in Gonghui's registry speaks for itself; a declared one needs the cadre's word.
        if not hardship_confirmed and not hardship_file_on_record(application.worker):
            raise ValidationError({"hardship_confirmed": _("Please confirm the family's hardship file.")})
        application.hardship_confirmed = True
    _approve(actor=actor, campaign=campaign, application=application)
    audit_record(actor=actor, action="campaigns.approve", target=application, request=request,
                 detail={"grant": str(application.grant_amount)})
    return application


def _reject(*, actor, application: Application, reason: str) -> None:
    from_status = application.status
    application.status, application.reject_reason = Status.REJECTED, reason.strip()[:300]
    application.decided_by, application.decided_at = actor, timezone.now()
    application.save(update_fields=["status", "reject_reason", "decided_by", "decided_at"])
    _event(application, actor, from_status, application.reject_reason)


@retry_on_lock
@transaction.atomic
def application_reject(*, actor, application: Application, reason: str, request=None) -> Application:
    _campaign, application = _locked(application)
    if not can(actor, APPROVE, application.org):
        raise PermissionDenied
    application.check_move(Status.REJECTED, reason=reason if isinstance(reason, str) else "")
    _reject(actor=actor, application=application, reason=reason)
    audit_record(actor=actor, action="campaigns.reject", target=application, request=request,
                 detail={"reason": application.reject_reason})
    return application


# --- lottery ------------------------------------------------------------------------------------

@retry_on_lock
@transaction.atomic
def lottery_draw(*, actor, campaign: Campaign, seed: str | None = None, request=None) -> Lottery:
    """Draw among the eligible (pre-check passed) undecided applications when they ask for more than
    the budget left; the drawn ones are approved, the others rejected with the reason."""
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if not can(actor, MANAGE, campaign.org):
        raise PermissionDenied
    if Lottery.objects.filter(campaign=campaign).exists():
        raise ValidationError({"campaign": _("The lottery of this campaign has already been drawn.")})
    if campaign.closes_on >= timezone.localdate():
        raise ValidationError({"campaign": _("The lottery can be drawn only after applications close.")})
    pending = list(Application.objects.filter(campaign=campaign, status=Status.SUBMITTED, precheck_ok=True)
                   .select_related("category").order_by("pk"))
    left = campaign.budget - approved_total(campaign)
    if sum((a.category.amount for a in pending), Decimal(0)) <= left:
        raise ValidationError({"campaign": _("The eligible applications fit within the budget left; "
                                             "approve them without a lottery.")})
    seed = seed or secrets.token_hex(16)
    candidates = [[a.pk, str(a.category.amount)] for a in pending]
    order, approved = draw(candidates, seed, left)
    by_pk = {a.pk: a for a in pending}
    note = _("Drawn in the lottery.")
    for pk in order:
        if pk in approved:
            _approve(actor=actor, campaign=campaign, application=by_pk[pk], note=note)
        else:
            _reject(actor=actor, application=by_pk[pk], reason=_("Not drawn in the lottery: the budget was used up."))
    lottery = Lottery.objects.create(campaign=campaign, seed=seed, candidates=candidates, drawn_order=order,
                                     approved=approved, budget_left=left, actor=actor)
    audit_record(actor=actor, action="campaigns.lottery", target=campaign, request=request,
                 detail={"seed": seed, "candidates": len(candidates), "approved": len(approved)})
    return lottery


# --- payments -----------------------------------------------------------------------------------

def _check_key(key, field: str = "idempotency_key") -> str:
    if not isinstance(key, str) or not KEY.match(key):
        raise ValidationError({field: _("The idempotency key must be 8 to 64 letters, digits or -_.:")})
    return key


def _pay(*, actor, application: Application, key: str) -> Payment:
    if application.status != Status.APPROVED:
        raise ValidationError({"application": _("Only an approved grant can be paid.")})
    if Payment.objects.filter(application=application).exists():
        raise ValidationError({"application": _("This grant has already been paid.")})
    return Payment.objects.create(application=application, amount=application.grant_amount, idempotency_key=key,
                                  created_by=actor)


@retry_on_lock
def payment_make(*, actor, application: Application, idempotency_key: str, request=None) -> Payment:
    """Pay one grant. A retry with the same key returns the same payment; a second payment of the
    grant under another key is refused (and impossible anyway: UNIQUE on the application)."""
    key = _check_key(idempotency_key)
    try:
        with transaction.atomic():
            _campaign, application = _locked(application)
            if not can(actor, APPROVE, application.org):
                raise PermissionDenied
            existing = Payment.objects.filter(idempotency_key=key).first()
            if existing is not None:
                if existing.application_id != application.pk:
                    raise ValidationError({"idempotency_key": _("This key was used for another payment.")})
                return existing
            payment = _pay(actor=actor, application=application, key=key)
            audit_record(actor=actor, action="campaigns.pay", target=application, request=request,
                         detail={"payment": payment.pk, "amount": str(payment.amount)})
            return payment
    except IntegrityError:
        # Only reachable if the row locks were bypassed; the constraints still decide, here is the answer.
        existing = Payment.objects.filter(idempotency_key=key, application=application).first()
        if existing is not None:
            return existing
        raise ValidationError({"application": _("This grant has already been paid.")}) from None


@retry_on_lock
@transaction.atomic
def batch_create(*, actor, campaign: Campaign, idempotency_key: str, request=None) -> PaymentBatch:
    """Gather every approved, unpaid grant of the campaign into one payment batch for the bank."""
    key = _check_key(idempotency_key)
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if not can(actor, MANAGE, campaign.org):
        raise PermissionDenied
    existing = PaymentBatch.objects.filter(idempotency_key=key).first()
    if existing is not None:
        if existing.campaign_id != campaign.pk:
            raise ValidationError({"idempotency_key": _("This key was used for another payment.")})
        return existing
    unpaid = list(Application.objects.select_for_update(of=("self",)).filter(
        campaign=campaign, status=Status.APPROVED, payment__isnull=True).order_by("pk"))
    if not unpaid:
        raise ValidationError({"campaign": _("No approved grant is waiting for payment.")})
    batch = PaymentBatch.objects.create(campaign=campaign, idempotency_key=key, created_by=actor)
    # One INSERT for the batch: the locked rows above are approved and unpaid, so `_pay`'s checks hold for each.
    Payment.objects.bulk_create([
        Payment(application=application, batch=batch, amount=application.grant_amount, created_by=actor,
                idempotency_key=f"batch/{batch.pk}/{application.pk}") for application in unpaid])
    audit_record(actor=actor, action="campaigns.batch_create", target=batch, request=request,
                 detail={"campaign": campaign.pk, "payments": len(unpaid)})
    return batch
