"""The structured wage-arrears claim (欠薪) attached to a request of that category: who owes whom how much,
where the case was referred, and how much has been recovered. Money is Decimal throughout."""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from gonghui.audit.services import audit_record
from gonghui.core.validators import check_credit_code
from gonghui.enterprises.models import Enterprise

from .models import Action, Appeal, Category, Referral, WageClaim
from .services import _event, _locked, _require_handler, _text

MAX_AMOUNT = Decimal("999999999999.99")
FIELDS = ("employer_credit_code", "employer_name", "project_site", "workers_count", "amount", "months_owed",
          "referral", "amount_recovered")


def _money(value, field: str, errors: dict) -> Decimal | None:
    try:
        amount = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        errors[field] = _("Please enter an amount in yuan, such as 12000.50.")
        return None
    if not amount.is_finite() or amount < 0:
        errors[field] = _("The amount must be zero or more.")
    elif amount > MAX_AMOUNT or amount.as_tuple().exponent < -2:
        errors[field] = _("Please enter an amount in yuan with at most two decimals.")
    else:
        return amount
    return None


def _count(value, field: str, errors: dict, *, low: int, high: int) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        errors[field] = _("Please enter a whole number from %(low)d to %(high)d.") % {"low": low, "high": high}
        return None
    return value


@transaction.atomic
def wage_claim_save(*, actor, appeal: Appeal, employer_credit_code: str = "", employer_name: str = "",
                    project_site: str = "", workers_count: int = 1, amount=Decimal(0), months_owed: int = 1,
                    referral: str = Referral.NONE, amount_recovered=Decimal(0), request=None) -> WageClaim:
    """Create or update the claim of a wage-arrears request."""
    appeal = _locked(appeal)
    _require_handler(actor, appeal)
    errors: dict[str, str] = {}
    if appeal.category != Category.WAGE_ARREARS:
        errors["category"] = _("Only a wage-arrears request has a wage claim.")
    code = (employer_credit_code or "").strip().upper()
    if code:
        try:
            code = check_credit_code(code)
        except ValidationError as exc:
            errors["employer_credit_code"] = exc.messages[0]
    employer_name = _text(employer_name, "employer_name", errors, required=not code, limit=200,
                          message=_("Please give the employer's credit code or name."))
    project_site = _text(project_site, "project_site", errors, required=False, limit=200, message="")
    workers_count = _count(workers_count, "workers_count", errors, low=1, high=100000)
    months_owed = _count(months_owed, "months_owed", errors, low=1, high=120)
    amount = _money(amount, "amount", errors)
    amount_recovered = _money(amount_recovered, "amount_recovered", errors)
    if amount is not None and amount_recovered is not None and amount_recovered > amount:
        errors["amount_recovered"] = _("The amount recovered cannot be more than the amount owed.")
    if referral not in Referral.values:
        errors["referral"] = _("Please choose a referral from the list.")
    if errors:
        raise ValidationError(errors)
    employer = Enterprise.objects.filter(credit_code=code).first() if code else None
    claim, created = WageClaim.objects.update_or_create(appeal=appeal, defaults={
        "employer": employer, "employer_credit_code": code, "employer_name": employer_name or (
            employer.name if employer else ""), "project_site": project_site, "workers_count": workers_count,
        "amount": amount, "months_owed": months_owed, "referral": referral, "amount_recovered": amount_recovered,
        "updated_by": actor})
    _event(appeal, actor=actor, action=Action.WAGE_CLAIM, note=_("Owed %(amount)s yuan, recovered %(recovered)s yuan.")
           % {"amount": amount, "recovered": amount_recovered})
    audit_record(actor=actor, action="appeals.wage_claim", target=appeal, request=request,
                 detail={"created": created, "amount": str(amount), "recovered": str(amount_recovered),
                         "referral": referral})
    return claim
