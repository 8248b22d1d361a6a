"""Writes to the enterprise census: keyword-only, atomic, audited.

Errors name the model's fields (`credit_code`, `street`, `union`, ...); the API reports `street`
and `union` as `street_id` and `union_id`.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gonghui.audit.services import audit_record
from gonghui.core.scoping import MANAGE, VIEW, can
from gonghui.core.validators import check_credit_code
from gonghui.orgs.models import JOINABLE_KINDS, Org, OrgKind

from .models import Enterprise

# Shared with the API, which answers a missing street or union with the same words as a forbidden one.
STREET_MESSAGE = gettext_lazy("Please choose a street or town that you manage.")
UNION_MESSAGE = gettext_lazy("Please choose a union within your area.")

EDITABLE_FIELDS = ("credit_code", "name", "industry", "ownership", "headcount", "street", "address", "union")


def _check_street(actor, street: Org | None, errors: dict) -> None:
    if street is None or street.kind != OrgKind.STREET or not can(actor, MANAGE, street):
        errors["street"] = str(STREET_MESSAGE)


def _check_union(actor, union: Org | None, errors: dict) -> None:
    if union is not None and (union.kind not in JOINABLE_KINDS or not can(actor, VIEW, union)):
        errors["union"] = str(UNION_MESSAGE)


def _check_credit_code(value: str, errors: dict, *, exclude_pk=None) -> str:
    try:
        code = check_credit_code(value)
    except ValidationError as exc:
        errors["credit_code"] = str(exc.messages[0])
        return (value or "").strip().upper()
    if Enterprise.objects.filter(credit_code=code).exclude(pk=exclude_pk).exists():
        errors["credit_code"] = _("An enterprise with this unified social credit code is already registered.")
    return code


def _save(enterprise: Enterprise, errors: dict) -> None:
    """Model validation for everything not checked above, then save; a racing duplicate is still a 422."""
    try:
        enterprise.full_clean(exclude=[*errors, "credit_code"] if errors else ["credit_code"])
    except ValidationError as exc:
        errors.update({f: " ".join(str(m) for m in msgs) for f, msgs in exc.message_dict.items()})
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            enterprise.save()
    except IntegrityError:
        raise ValidationError({"credit_code": _(
            "An enterprise with this unified social credit code is already registered.")}) from None


@transaction.atomic
def enterprise_create(*, actor, credit_code: str, name: str, industry: str, ownership: str, street: Org,
                      headcount: int = 0, address: str = "", union: Org | None = None, request=None) -> Enterprise:
    """Register an enterprise in a street the actor manages, optionally covered by a union in their scope."""
    errors: dict[str, str] = {}
    code = _check_credit_code(credit_code, errors)
    _check_street(actor, street, errors)
    _check_union(actor, union, errors)
    enterprise = Enterprise(
        credit_code=code, name=(name or "").strip(), industry=industry, ownership=ownership,
        headcount=headcount, street=street, address=(address or "").strip(), union=union,
    )
    _save(enterprise, errors)
    audit_record(actor=actor, action="enterprise.create", target=enterprise, request=request)
    return enterprise


@transaction.atomic
def enterprise_update(*, actor, enterprise: Enterprise, request=None, **changes) -> Enterprise:
    """Change some fields; the actor must manage the enterprise (through its street or its union)."""
    if not (can(actor, MANAGE, enterprise.street) or (enterprise.union_id and can(actor, MANAGE, enterprise.union))):
        raise PermissionDenied
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError({name: _("This field cannot be changed.") for name in sorted(unknown)})
    errors: dict[str, str] = {}
    if "credit_code" in changes:
        changes["credit_code"] = _check_credit_code(changes["credit_code"], errors, exclude_pk=enterprise.pk)
    if "street" in changes and changes["street"] != enterprise.street:
        _check_street(actor, changes["street"], errors)
    if "union" in changes and changes["union"] != enterprise.union:
        _check_union(actor, changes["union"], errors)
    for field in ("name", "address"):
        if field in changes:
            changes[field] = (changes[field] or "").strip()
    for field, value in changes.items():
        setattr(enterprise, field, value)
    _save(enterprise, errors)
    audit_record(actor=actor, action="enterprise.update", target=enterprise,
                 detail={"fields": sorted(changes)}, request=request)
    return enterprise
