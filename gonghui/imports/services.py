"""Starting an import: every check that can refuse the file runs here, before anything is saved.

A refused upload (wrong type, too large, missing column, target out of scope or not suitable)
raises and leaves no job, no file and no row behind. An accepted one becomes a queued job that
the Celery task runs once the job row is committed.
"""

import uuid
from functools import partial
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from gonghui.core.scoping import IMPORT, can
from gonghui.orgs.models import Org

from . import parsing
from .engine import importer_for
from .models import ImportJob, ImportKind
from .tasks import import_run


def import_start(*, user, kind: str, org: Org, upload, request=None) -> ImportJob:
    """Check and store an uploaded roster or census file, and queue its import."""
    if kind not in ImportKind.values:
        raise ValidationError({"kind": _("Please choose what the file holds: a member roster or an enterprise "
                                         "census.")})
    if not can(user, IMPORT, org):
        raise PermissionDenied
    importer = importer_for(kind)
    importer.check_target(org=org)
    if upload is None:
        raise ValidationError({"file": _("Please choose a file.")})
    if upload.size > settings.IMPORT_MAX_BYTES:
        raise ValidationError({"file": _("The file is larger than %(limit)d MB; please split it into smaller files.")
                               % {"limit": settings.IMPORT_MAX_BYTES // (1024 * 1024)}})
    if not upload.size:
        raise ValidationError({"file": _("The file is empty.")})
    job = ImportJob(
        kind=kind, org=org, created_by=user, file_name=PurePath(upload.name or "").name[:200],
        language=translation.get_language() or settings.LANGUAGE_CODE,
    )
    # Stored under a random name: the cadre's file name never becomes a path on our disk.
    job.upload.save(f"{uuid.uuid4().hex}.upload", upload, save=False)
    try:
        parsing.check_file(job.upload.path, importer.COLUMNS)  # a missing column refuses the file now
        with transaction.atomic():
            job.save()
            transaction.on_commit(partial(import_run.delay, job.pk))
    except BaseException:
        job.upload.delete(save=False)
        raise
    return job
