from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gonghui.core.scoping import ScopedQuerySet


class ImportKind(models.TextChoices):
    ROSTER = "roster", _("Member roster")
    CENSUS = "census", _("Enterprise census")


class ImportStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting to start")
    RUNNING = "running", _("Running")
    DONE = "done", _("Finished")
    FAILED = "failed", _("Stopped by an error")


class ImportJob(models.Model):
    """One uploaded roster or census file and its progress.

    Visible to its creator and to cadres whose import scope covers `org` (the target union of
    a roster, the street or district of a census). The uploaded file holds plain resident IDs,
    so it is deleted as soon as the job ends; the error report keeps masked values only.
    """

    SCOPE_ORG_FIELDS = ("org",)

    kind = models.CharField(_("kind"), max_length=10, choices=ImportKind.choices)
    org = models.ForeignKey(
        "orgs.Org", verbose_name=_("target organisation"), related_name="import_jobs", on_delete=models.PROTECT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), null=True, related_name="import_jobs",
        on_delete=models.SET_NULL,
    )
    status = models.CharField(
        _("status"), max_length=10, choices=ImportStatus.choices, default=ImportStatus.QUEUED, db_index=True
    )
    language = models.CharField(_("language"), max_length=10, default=settings.LANGUAGE_CODE)
    file_name = models.CharField(_("file name"), max_length=200)
    upload = models.FileField(_("uploaded file"), upload_to="imports/uploads/", max_length=255, blank=True)
    report = models.FileField(_("error report"), upload_to="imports/reports/", max_length=255, blank=True)
    total_rows = models.PositiveIntegerField(_("rows in the file"), default=0)
    processed_rows = models.PositiveIntegerField(_("rows processed"), default=0)
    created_count = models.PositiveIntegerField(_("created"), default=0)
    updated_count = models.PositiveIntegerField(_("updated"), default=0)
    unchanged_count = models.PositiveIntegerField(_("unchanged"), default=0)
    failed_count = models.PositiveIntegerField(_("rows with errors"), default=0)
    # The first errors (row, column, reason: never a value), shown on the job page.
    errors_preview = models.JSONField(_("first errors"), default=list, blank=True)
    message = models.TextField(_("message"), blank=True)
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("import job")
        verbose_name_plural = _("import jobs")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.get_kind_display()} #{self.pk}"

    @property
    def is_active(self) -> bool:
        return self.status in (ImportStatus.QUEUED, ImportStatus.RUNNING)

    @property
    def percent(self) -> int:
        if self.status == ImportStatus.DONE:
            return 100
        return min(100, self.processed_rows * 100 // self.total_rows) if self.total_rows else 0
