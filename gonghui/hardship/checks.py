"""Input checks shared by the hardship services: each adds a message under the field's name to `errors`.

The services collect every problem first and raise one ValidationError, so a form or an API
client sees all its mistakes at once and nothing is written.
"""

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from gonghui.core import privacy
from gonghui.core.validators import check_resident_id, resident_id_birth_date

from .models import Cause, Health, Relation

MAX_AMOUNT = Decimal("99999999.99")


def today() -> dt.date:
    return dt.date.today()  # noqa: DTZ011 - a calendar date in the server's zone (Asia/Shanghai)


def money(value, field: str, errors: dict, *, required: bool = True, positive: bool = False) -> Decimal | None:
    """A yuan amount with at most two decimals, never negative (and above zero when `positive`)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            errors[field] = _("Please enter an amount in yuan.")
        return None
    if isinstance(value, float | bool):  # floats lose cents; booleans are not amounts
        errors[field] = _("Please enter the amount as a number such as 1234.50.")
        return None
    try:
        amount = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        errors[field] = _("Please enter the amount as a number such as 1234.50.")
        return None
    if not amount.is_finite():
        errors[field] = _("Please enter the amount as a number such as 1234.50.")
    elif amount < 0:
        errors[field] = _("The amount cannot be negative.")
    elif positive and amount == 0:
        errors[field] = _("The amount must be above zero.")
    elif amount > MAX_AMOUNT:
        errors[field] = _("The amount is too large.")
    elif amount != amount.quantize(Decimal("0.01")):
        errors[field] = _("The amount may have at most two decimals (fen).")
    else:
        return amount.quantize(Decimal("0.01"))
    return None


def date(value, field: str, errors: dict, *, required: bool = True, not_future: bool = True) -> dt.date | None:
    if value is None or value == "":
        if required:
            errors[field] = _("Please enter a date such as 2025-06-30.")
        return None
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value.strip())
        except ValueError:
            errors[field] = _("Please enter a date such as 2025-06-30.")
            return None
    if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
        errors[field] = _("Please enter a date such as 2025-06-30.")
        return None
    if not_future and value > today():
        errors[field] = _("The date cannot be in the future.")
        return None
    return value


def text(value, field: str, errors: dict, *, max_length: int, required: bool = False) -> str:
    value = (value or "").strip() if isinstance(value, str | type(None)) else str(value).strip()
    if required and not value:
        errors[field] = _("This field is required.")
    elif len(value) > max_length:
        errors[field] = _("This text may be at most %(n)d characters.") % {"n": max_length}
    return value


def choice(value, choices, field: str, errors: dict) -> str:
    if value not in choices.values:
        errors[field] = _("Please choose one of the values in the list.")
    return value


def causes(main_cause, secondary, errors: dict) -> list[str]:
    choice(main_cause, Cause, "main_cause", errors)
    secondary = list(dict.fromkeys(secondary or []))
    if any(c not in Cause.values for c in secondary):
        errors["secondary_causes"] = _("Please choose the secondary causes from the list.")
    return [c for c in secondary if c != main_cause]


def family_member(index: int, data: dict, errors: dict) -> dict:
    """One family member's row, errors named `family-<index>-<field>` (a formset's field names)."""
    key = f"family-{index}-"
    found: dict = {}
    name = text(data.get("name"), key + "name", found, max_length=50, required=True)
    relation = choice(data.get("relation"), Relation, key + "relation", found)
    health = choice(data.get("health"), Health, key + "health", found)
    work = text(data.get("work_or_school"), key + "work_or_school", found, max_length=100)
    number = (data.get("resident_id") or "").strip()
    identity = {"id_cipher": "", "id_hash": "", "id_masked": ""}
    if number:
        try:
            number = check_resident_id(number)
        except ValidationError as exc:
            found[key + "resident_id"] = exc.messages[0]
        else:
            identity = {"id_cipher": privacy.encrypt(number), "id_hash": privacy.blind_index(number),
                        "id_masked": privacy.mask_resident_id(number)}
    birth = data.get("birth_date")
    if (birth is None or birth == "") and number and key + "resident_id" not in found:
        birth = resident_id_birth_date(number)
    # A wrong ID is reported once, not again as a missing birth date.
    birth = date(birth, key + "birth_date", found, required=key + "resident_id" not in found)
    errors.update(found)
    return {"name": name, "relation": relation, "health": health, "work_or_school": work, "birth_date": birth,
            **identity}
