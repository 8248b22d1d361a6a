"""Writes to the org tree. The path and street are derived here, never typed."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from gonghui.audit.services import audit_record
from gonghui.core.scoping import MANAGE, can

from .models import ALLOWED_CHILDREN, Org, OrgKind


def _derive(org: Org) -> None:
    parent = org.parent
    org.path = f"{parent.path if parent else '/'}{org.pk}/"
    org.depth = parent.depth + 1 if parent else 0
    if org.kind == OrgKind.STREET:
        org.street_id = org.pk
    else:
        org.street_id = parent.street_id if parent else None


@transaction.atomic
def org_create(*, actor, parent: Org | None, name: str, kind: str, request=None, **fields) -> Org:
    if parent is None:
        if Org.objects.exists():
            raise ValidationError({"parent": _("Only the district federation has no parent.")})
        if kind != OrgKind.DISTRICT:
            raise ValidationError({"kind": _("Only the district federation has no parent.")})
    else:
        if actor is not None and not can(actor, MANAGE, parent):
            raise PermissionDenied
        if kind not in ALLOWED_CHILDREN[parent.kind]:
            raise ValidationError({"kind": _("This kind of organisation cannot be placed under the chosen parent.")})
    org = Org(parent=parent, name=name, kind=kind, **fields)
    org.full_clean(exclude=["path", "street"])
    org.save()
    _derive(org)
    org.save(update_fields=["path", "depth", "street"])
    audit_record(actor=actor, action="org.create", target=org, request=request)
    return org


EDITABLE_FIELDS = ("name", "status", "chair_name", "founded_on", "credit_code", "address", "joint_area",
                   "industry", "serves_forms")


@transaction.atomic
def org_update(*, actor, org: Org, request=None, **changes) -> Org:
    if not can(actor, MANAGE, org):
        raise PermissionDenied
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError({name: _("This field cannot be changed.") for name in unknown})
    for name, value in changes.items():
        setattr(org, name, value)
    org.full_clean(exclude=["path", "street", "parent"])
    org.save()
    audit_record(actor=actor, action="org.update", target=org, detail={"fields": sorted(changes)}, request=request)
    return org
