"""The weekly new-registrations file from partner departments (market regulation, human resources).

Same columns as the census (gonghui.enterprises.importers, whose row checks are reused). A new
credit code creates the enterprise; a known one is matched, never duplicated nor overwritten (the
census stays the reference). Every enterprise of the file without a union then gets its plan, so
importing the same file twice creates nothing the second time.

The import kinds of gonghui.imports are a choice list stored on ImportJob; adding one would need a
migration of that app, so this small file is run synchronously from the outreach upload page with
the shared parsing helpers instead of through the job engine.
"""

import os
import tempfile
from dataclasses import dataclass, field
from types import SimpleNamespace

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from gonghui.audit.services import audit_record
from gonghui.core.scoping import IMPORT, can
from gonghui.enterprises import importers as census
from gonghui.enterprises.models import Enterprise
from gonghui.imports import parsing
from gonghui.orgs.models import Org

from .services import plans_for_enterprises

COLUMNS = census.COLUMNS
MAX_ROWS = 20_000  # a week of new registrations in a district; a whole census goes through the census import


@dataclass
class RegistrationsResult:
    rows: int = 0
    created: int = 0
    matched: int = 0
    plans: int = 0
    errors: list[tuple[int, str, str]] = field(default_factory=list)  # (row, column header, reason)


class Batch(census.Batch):
    """The census row checks; writing creates new enterprises only and matches known ones."""

    def __init__(self, *, job, table):
        super().__init__(job=job, table=table)
        self.system = job.system

    def save_registrations(self, checked) -> tuple[list[int], int, int, list]:
        passed = checked.passed
        errors = list(checked.errors)
        existing = {e.credit_code: e for e in Enterprise.objects.select_related("street").filter(
            credit_code__in=[v["credit_code"] for _row, v in passed])}
        create, matched_ids = [], []
        for row, values in passed:
            enterprise = existing.get(values["credit_code"])
            if enterprise is None:
                create.append(Enterprise(**values))
            elif not self.system and not can(self.user, IMPORT, enterprise.street):
                errors.append((row, "credit_code", _(
                    "This enterprise is registered under a street outside your scope; ask that street's union "
                    "to follow it up.")))
            else:
                matched_ids.append(enterprise.pk)
        Enterprise.objects.bulk_create(create, batch_size=500)
        created_ids = list(Enterprise.objects.filter(
            credit_code__in=[e.credit_code for e in create]).values_list("pk", flat=True))
        return created_ids + matched_ids, len(create), len(matched_ids), errors


def _store(upload) -> str:
    if upload is None:
        raise ValidationError({"file": _("Please choose a file.")})
    if not upload.size:
        raise ValidationError({"file": _("The file is empty.")})
    if upload.size > settings.IMPORT_MAX_BYTES:
        raise ValidationError({"file": _("The file is larger than %(limit)d MB; please split it into smaller files.")
                               % {"limit": settings.IMPORT_MAX_BYTES // (1024 * 1024)}})
    fd, path = tempfile.mkstemp(suffix=".upload")
    with os.fdopen(fd, "wb") as fh:
        for chunk in upload.chunks():
            fh.write(chunk)
    return path


def registrations_import(*, actor, org: Org, upload, request=None) -> RegistrationsResult:
    """Import a new-registrations file into `org` (a street or the district): good rows are
    committed with their plans, bad rows are reported by row and column and change nothing."""
    if not can(actor, IMPORT, org):
        raise PermissionDenied
    census.check_target(org=org)
    path = _store(upload)
    try:
        return registrations_import_path(actor=actor, org=org, path=path, request=request)
    finally:
        os.unlink(path)


def registrations_import_path(*, actor, org: Org, path: str, system: bool = False,
                               request=None) -> RegistrationsResult:
    """The import itself, from a file on disk. `system` is the weekly scheduled import of the partner
    departments' file (gonghui.outreach.tasks): no user, every street under `org` in scope."""
    if system != (actor is None):
        raise PermissionDenied  # a user's import is never a system import, nor the other way round
    census.check_target(org=org)
    table = parsing.read_table(path, COLUMNS)
    rows = [(table.first_row + i, r) for i, r in enumerate(table.rows) if not parsing.is_blank(r)]
    if len(rows) > MAX_ROWS:
        raise ValidationError({"file": _("The file has more than %(limit)d rows; please use the census import "
                                         "for a whole census.") % {"limit": MAX_ROWS}})
    batch = Batch(job=SimpleNamespace(created_by=actor, org=org, system=system), table=table)
    checked = batch.check(rows)
    result = RegistrationsResult(rows=len(rows))
    with transaction.atomic():
        ids, result.created, result.matched, errors = batch.save_registrations(checked)
        result.plans = plans_for_enterprises(enterprise_ids=ids)
        result.errors = sorted((row, table.header_of(name), str(reason)) for row, name, reason in errors)
        audit_record(actor=actor, action="outreach.registrations_import", target=org, request=request, detail={
            "rows": result.rows, "created": result.created, "matched": result.matched, "plans": result.plans,
            "failed": len({row for row, _c, _r in result.errors}),
        })
    return result
