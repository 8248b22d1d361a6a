"""Amounts in yuan, as every service reads them: a Decimal with at most two places, never negative."""

from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

MAX_MONEY = Decimal("9999999999.99")
CENT = Decimal("0.01")


def parse_money(value, field: str, errors: dict, *, required: bool = True, positive: bool = False):
    """A Decimal with at most 2 places, or an error on `field` (text, NaN, negative are refused)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            errors[field] = _("Please enter an amount in yuan.")
        return None
    try:
        amount = None if isinstance(value, bool) else Decimal(str(value).strip())
    except InvalidOperation:
        amount = None
    if (amount is None or not amount.is_finite() or amount < 0 or amount > MAX_MONEY
            or amount != amount.quantize(CENT)):
        errors[field] = _("Please enter an amount in yuan as a number, such as 1200.50.")
        return None
    if positive and amount == 0:
        errors[field] = _("The amount must be more than zero.")
        return None
    return amount
