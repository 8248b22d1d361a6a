"""Running one import job: read the file, validate and commit it chunk by chunk, report the rest.

Each importer (gonghui.members.importers for rosters, gonghui.enterprises.importers for the
census) knows its columns and rows; this module owns what they share: chunking, one
transaction and one progress update per chunk, the error report and the single audit row.
Good rows are committed, bad rows are reported; a chunk that fails midway is rolled back whole.
"""

import gc
import logging
import time
from dataclasses import dataclass, field
from importlib import import_module

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from gonghui.audit.services import audit_record
from gonghui.core.scoping import IMPORT, can

from . import parsing, report
from .models import ImportJob, ImportKind, ImportStatus

logger = logging.getLogger(__name__)

IMPORTERS = {ImportKind.ROSTER: "gonghui.members.importers", ImportKind.CENSUS: "gonghui.enterprises.importers"}
PREVIEW_ERRORS = 100


def importer_for(kind: str):
    return import_module(IMPORTERS[kind])


@dataclass
class Checked:
    """One chunk after the checks that need no database: run outside the transaction, so the
    write lock (SQLite) is held only while looking up and writing."""

    passed: list  # in the importer's own form
    errors: list[tuple[int, str, str]]  # (row number, field, reason)
    state: dict = field(default_factory=dict)  # merged into the importer's memory once committed


@dataclass
class ChunkResult:
    """What an importer wrote for one chunk; `errors` adds the look-up failures to the checks'."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[tuple[int, str, str]] = field(default_factory=list)


def _is_integrity_error(exc: Exception) -> bool:
    if isinstance(exc, IntegrityError):
        return True
    try:  # COPY runs on the raw psycopg cursor, whose errors Django does not wrap
        import psycopg
    except ImportError:  # pragma: no cover - psycopg is a dependency
        return False
    return isinstance(exc, psycopg.IntegrityError)


def _stop(job: ImportJob, message: str) -> None:
    job.status, job.message = ImportStatus.FAILED, message


def run_job(job_id: int) -> None:
    """Run a queued job once (a redelivered task finds it claimed and does nothing)."""
    claimed = ImportJob.objects.filter(pk=job_id, status=ImportStatus.QUEUED).update(
        status=ImportStatus.RUNNING, started_at=timezone.now()
    )
    if not claimed:
        return
    job = ImportJob.objects.select_related("org", "created_by").get(pk=job_id)
    with translation.override(job.language):
        try:
            _run(job)
        except Exception:
            logger.exception("import job %s stopped", job.pk)
            _stop(job, _("The import stopped because of an internal error after %(done)d rows; those rows are "
                         "saved. Importing the same file again is safe: nothing is created twice.")
                  % {"done": job.processed_rows})
        finally:
            _finish(job)


def _run(job: ImportJob) -> None:
    started = time.perf_counter()
    importer = importer_for(job.kind)
    user = job.created_by
    # Rights and the target may have changed since the upload.
    if user is None or not user.is_active or not can(user, IMPORT, job.org):
        return _stop(job, _("You no longer have the right to import into this organisation."))
    try:
        importer.check_target(org=job.org)
        table = parsing.read_table(job.upload.path, importer.COLUMNS)
    except ValidationError as exc:
        return _stop(job, " ".join(exc.messages))
    rows = [(table.first_row + i, r) for i, r in enumerate(table.rows) if not parsing.is_blank(r)]
    table.rows = []  # the numbered list above is the only copy we keep
    job.total_rows = len(rows)
    job.save(update_fields=["total_rows"])
    batch = importer.Batch(job=job, table=table)
    failures: list[tuple[int, str, str, list[str]]] = []
    size = settings.IMPORT_CHUNK_ROWS
    # The parsed sheet is hundreds of thousands of long-lived objects; without this every full
    # garbage collection during the run would walk all of them again (about 10% of the run).
    gc.freeze()
    try:
        for chunk in (rows[i:i + size] for i in range(0, len(rows), size)):
            result = _commit_chunk(job, batch, chunk)
            if result.errors:
                cells = dict(chunk)
                failures.extend(
                    (row, table.header_of(name), reason, importer.masked_row(table, cells[row]))
                    for row, name, reason in result.errors
                )
    finally:
        gc.unfreeze()
    if failures:
        order = {name: i for i, name in enumerate(table.headers)}
        failures.sort(key=lambda f: (f[0], order.get(f[1], 0)))
        job.report.save(f"import-{job.pk}-errors.xlsx", report.error_report(table.headers, failures), save=False)
        job.errors_preview = [{"row": r, "column": c, "reason": m} for r, c, m, _v in failures[:PREVIEW_ERRORS]]
    job.status = ImportStatus.DONE
    logger.info("import job %s: %s rows in %.2fs", job.pk, job.total_rows, time.perf_counter() - started)


def _commit_chunk(job: ImportJob, batch, chunk) -> ChunkResult:
    """Check the chunk, then look up and write it in one transaction with its progress update;
    the transaction is retried once if a concurrent writer created the same person or enterprise
    between our look-up and our insert."""
    checked = batch.check(chunk)
    counters = ["processed_rows", "created_count", "updated_count", "unchanged_count", "failed_count"]
    for attempt in (1, 2):
        try:
            with transaction.atomic():
                result = batch.save(checked)
                job.processed_rows += len(chunk)
                job.created_count += result.created
                job.updated_count += result.updated
                job.unchanged_count += result.unchanged
                job.failed_count += len({row for row, _name, _reason in result.errors})
                job.save(update_fields=counters)
            batch.remember(checked.state)
            return result
        except Exception as exc:
            job.refresh_from_db(fields=counters)
            if attempt == 2 or not _is_integrity_error(exc):
                raise
            logger.warning("import job %s: chunk at row %s met a concurrent write; retrying", job.pk, chunk[0][0])
    raise AssertionError("unreachable")


def _finish(job: ImportJob) -> None:
    if job.upload:
        job.upload.delete(save=False)  # plain resident IDs do not stay on disk
    job.finished_at = timezone.now()
    job.save()
    audit_record(
        actor=job.created_by, action=f"import.{job.kind}", target=job,
        detail={
            "status": job.status, "org": job.org_id, "rows": job.total_rows, "created": job.created_count,
            "updated": job.updated_count, "unchanged": job.unchanged_count, "failed": job.failed_count,
        },
    )
