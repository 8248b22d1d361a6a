"""The weekly new-registrations file from partner departments, imported without anyone clicking.

Market regulation and human resources deliver their weekly file of newly registered enterprises
into a drop folder (settings.REGISTRATIONS_INBOX: on a shared volume, an SFTP drop or whatever the
data-sharing platform writes to). Every Monday morning (CELERY_BEAT_SCHEDULE) each file waiting
there is imported for the whole district: new enterprises are created in their street and get a
plan, known ones (by credit code) are matched, so a file delivered twice creates nothing twice.
A file is then moved, with a JSON summary of what happened (and the failed rows, by row and
column), to `done/` or, when the whole file was refused, to `failed/`; nothing is imported twice
by the folder either. The same import is on the outreach page for a file received by hand.
"""

import json
import logging
from pathlib import Path

from celery import shared_task
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)
SUFFIXES = {".xlsx", ".csv"}


def _move_with_summary(path: Path, folder: str, summary: dict) -> Path:
    target_dir = path.parent / folder
    target_dir.mkdir(exist_ok=True)
    stamp = timezone.now().strftime("%Y%m%dT%H%M%SZ")
    target = target_dir / f"{stamp}-{path.name}"
    path.rename(target)
    target.with_name(target.name + ".json").write_text(json.dumps(summary, ensure_ascii=False, indent=1))
    return target


def registrations_inbox_import(inbox: Path | None = None) -> list[dict]:
    """Import every file waiting in the inbox, oldest name first; returns one summary per file."""
    from gonghui.orgs.models import Org

    from .importers import registrations_import_path

    inbox = Path(inbox or settings.REGISTRATIONS_INBOX)
    if not inbox.is_dir():
        return []
    district = Org.objects.filter(parent__isnull=True).first()
    summaries = []
    for path in sorted(p for p in inbox.iterdir() if p.is_file() and p.suffix.lower() in SUFFIXES):
        summary: dict = {"file": path.name}
        try:
            if district is None:
                raise ValidationError({"file": _("There is no district federation in the database yet.")})
            result = registrations_import_path(actor=None, org=district, path=str(path), system=True)
        except ValidationError as exc:
            summary["refused"] = [str(m) for m in exc.messages]
            _move_with_summary(path, "failed", summary)
        else:
            summary.update(rows=result.rows, created=result.created, matched=result.matched, plans=result.plans,
                           errors=[{"row": r, "column": c, "reason": why} for r, c, why in result.errors])
            _move_with_summary(path, "done", summary)
        logger.info("registrations inbox: %s", summary)
        summaries.append(summary)
    return summaries


@shared_task(name="outreach.registrations_inbox", ignore_result=True)
def registrations_inbox_task() -> None:
    registrations_inbox_import()
