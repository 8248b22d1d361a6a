"""Writes to the three lists: keyword-only, atomic, audited; bad input changes nothing."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from gonghui.audit.services import audit_record
from gonghui.core.choices import EmploymentForm
from gonghui.core.scoping import MANAGE, can

from .models import Need, NeedCategory, NeedSource, Urgency


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
    if isinstance(headcount, bool) or not isinstance(headcount, int) or headcount < 1:
        errors["headcount"] = _("Enter how many workers, a whole number of at least 1.")
    return errors


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
    audit_record(actor=actor, action="need.create", target=need, request=request,
                 detail={"source": source, "source_ref": source_ref})
    return need
