"""Hardship worker files (困难职工档案, R3.5), on the national assistance system's model.

A file belongs to one household and is scoped like its union (`org`); the householder's own
account sees it too. It moves through its life cycle only by `HardshipFile.check_move` (called
by `gonghui.hardship.services.file_transition`), and every move leaves a FileEvent behind.
A worker is householder of at most one live file: the database refuses a second one.
"""

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from gonghui.core.privacy import mask_name
from gonghui.core.scoping import ScopedQuerySet

RETENTION_YEARS = 10  # a file is kept at least this long after it was closed
PUBLICITY_WORKING_DAYS = 5


class FileStatus(models.TextChoices):
    APPLIED = "applied", _("Applied")
    CHECKED = "checked", _("Checked by the grassroots union")
    VISITED = "visited", _("Home visit done")
    REVIEWED = "reviewed", _("Reviewed by the higher union")
    PUBLICITY = "publicity", _("In publicity")
    FILED = "filed", _("Filed")
    EXITED = "exited", _("Exited")
    CANCELLED = "cancelled", _("Cancelled")


CLOSED = frozenset({FileStatus.EXITED, FileStatus.CANCELLED})
LIVE_Q = ~Q(status__in=[FileStatus.EXITED, FileStatus.CANCELLED])

# Which status may follow which. A file can be cancelled at any stage; only a filed household exits.
TRANSITIONS: dict[str, frozenset[str]] = {
    FileStatus.APPLIED: frozenset({FileStatus.CHECKED, FileStatus.CANCELLED}),
    FileStatus.CHECKED: frozenset({FileStatus.VISITED, FileStatus.CANCELLED}),
    FileStatus.VISITED: frozenset({FileStatus.REVIEWED, FileStatus.CANCELLED}),
    FileStatus.REVIEWED: frozenset({FileStatus.PUBLICITY, FileStatus.CANCELLED}),
    FileStatus.PUBLICITY: frozenset({FileStatus.FILED, FileStatus.CANCELLED}),
    FileStatus.FILED: frozenset({FileStatus.EXITED, FileStatus.CANCELLED}),
    FileStatus.EXITED: frozenset(),
    FileStatus.CANCELLED: frozenset(),
}


class Cause(models.TextChoices):
    ILLNESS = "illness", _("Illness")
    DISABILITY = "disability", _("Disability")
    ACCIDENT = "accident", _("Accident")
    DISASTER = "disaster", _("Natural disaster")
    UNEMPLOYMENT = "unemployment", _("Unemployment")
    EDUCATION = "education", _("Education burden")
    LOW_INCOME = "low_income", _("Low income")
    OTHER = "other", _("Other")


class Source(models.TextChoices):
    ONLINE = "online", _("Applied online by the worker")
    VISIT = "visit", _("Registered by a cadre after a visit")


class Relation(models.TextChoices):
    SPOUSE = "spouse", _("Spouse")
    CHILD = "child", _("Child")
    PARENT = "parent", _("Parent")
    SIBLING = "sibling", _("Sibling")
    GRANDCHILD = "grandchild", _("Grandchild")
    OTHER = "other", _("Other relative")


class Health(models.TextChoices):
    HEALTHY = "healthy", _("Healthy")
    CHRONIC = "chronic", _("Chronic illness")
    SERIOUS = "serious", _("Serious illness")
    DISABLED = "disabled", _("Disabled")


class Employment(models.TextChoices):
    EMPLOYED = "employed", _("Employed")
    FLEXIBLE = "flexible", _("Flexible employment")
    UNEMPLOYED = "unemployed", _("Unemployed")
    RETIRED = "retired", _("Retired")
    UNABLE = "unable", _("Unable to work")


class AidKind(models.TextChoices):
    LIVING = "living", _("Living assistance")
    MEDICAL = "medical", _("Medical assistance")
    EDUCATION = "education", _("Education assistance")
    EMPLOYMENT = "employment", _("Employment assistance")


def add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a year that has none: keep the file one day longer
        return day.replace(year=day.year + years, month=3, day=1)


class LivingStandard(models.Model):
    """The local minimum living standard (低保标准) per head and month, set by an org for its subtree.

    A file uses the standard of its nearest org (or ancestor) in force on the day asked about.
    """

    SCOPE_ORG_FIELDS = ("org",)

    org = models.ForeignKey("orgs.Org", verbose_name=_("area"), related_name="+", on_delete=models.PROTECT)
    monthly_amount = models.DecimalField(_("monthly amount per head"), max_digits=10, decimal_places=2)
    effective_from = models.DateField(_("effective from"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, related_name="+", on_delete=models.SET_NULL)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("minimum living standard")
        verbose_name_plural = _("minimum living standards")
        ordering = ["org", "-effective_from"]
        constraints = [models.UniqueConstraint(fields=["org", "effective_from"], name="one_standard_per_org_and_day")]

    def __str__(self):
        return f"{self.org} {self.effective_from}: {self.monthly_amount}"


class HardshipFile(models.Model):
    SCOPE_ORG_FIELDS = ("org",)
    SCOPE_OWNER_FIELD = "householder__user"

    householder = models.ForeignKey("members.Worker", verbose_name=_("householder"), related_name="hardship_files",
                                    on_delete=models.PROTECT)
    org = models.ForeignKey("orgs.Org", verbose_name=_("responsible union"), related_name="hardship_files",
                            on_delete=models.PROTECT)
    status = models.CharField(_("status"), max_length=12, choices=FileStatus.choices, default=FileStatus.APPLIED)
    source = models.CharField(_("source"), max_length=8, choices=Source.choices)
    main_cause = models.CharField(_("main cause"), max_length=16, choices=Cause.choices)
    secondary_causes = models.JSONField(_("secondary causes"), default=list, blank=True)
    income_per_head = models.DecimalField(_("monthly household income per head"), max_digits=10, decimal_places=2)
    employment = models.CharField(_("householder's employment"), max_length=12, choices=Employment.choices)
    # As first recorded, never changed: with the reviews they show how far income and work have recovered.
    initial_income_per_head = models.DecimalField(_("income per head when applying"), max_digits=10,
                                                  decimal_places=2)
    initial_employment = models.CharField(_("employment when applying"), max_length=12, choices=Employment.choices)
    evidence = models.TextField(_("evidence (file names and notes)"), blank=True)
    publicity_start = models.DateField(_("publicity start"), null=True, blank=True)
    publicity_ends_at = models.DateTimeField(_("publicity ends"), null=True, blank=True)
    filed_on = models.DateField(_("filed on"), null=True, blank=True)
    # The later of the filing date and the last annual review, kept by the services so that the
    # "not reviewed for a year" list is one indexed range scan per union (see Meta.indexes).
    last_reviewed_on = models.DateField(_("last reviewed on"), null=True, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    retain_until = models.DateField(_("keep until"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, related_name="+", on_delete=models.SET_NULL)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("hardship file")
        verbose_name_plural = _("hardship files")
        ordering = ["-pk"]
        constraints = [
            models.UniqueConstraint(fields=["householder"], condition=LIVE_Q, name="one_live_hardship_file_per_worker"),
        ]
        indexes = [models.Index(fields=["org", "status", "last_reviewed_on"], name="hardship_org_status_review")]

    def __str__(self):
        return gettext("Hardship file of %(name)s") % {"name": mask_name(self.householder.name)}

    @property
    def is_live(self) -> bool:
        return self.status not in CLOSED

    def secondary_cause_labels(self) -> list[str]:
        labels = dict(Cause.choices)
        return [str(labels.get(c, c)) for c in self.secondary_causes or []]

    def allowed_statuses(self) -> list[str]:
        return [s for s in FileStatus.values if s in TRANSITIONS[self.status]]

    def check_move(self, to_status: str) -> None:
        """Raise ValidationError on `to_status` unless this move is allowed from the current status."""
        if to_status not in FileStatus.values:
            raise ValidationError({"to_status": gettext("Please choose one of the statuses in the list.")})
        if to_status not in TRANSITIONS[self.status]:
            raise ValidationError({"to_status": gettext(
                "A file with status “%(from)s” cannot move to “%(to)s”.")
                % {"from": self.get_status_display(), "to": FileStatus(to_status).label}})

    def check_purge(self, today: dt.date) -> None:
        """A file may be destroyed only once closed and past its retention date."""
        if self.status not in CLOSED or self.retain_until is None:
            raise ValidationError({"retain_until": gettext("Only a closed file can ever be destroyed.")})
        if today < self.retain_until:
            raise ValidationError({"retain_until": gettext(
                "This file must be kept until %(date)s.") % {"date": self.retain_until.isoformat()}})

    def delete(self, *args, today: dt.date | None = None, **kwargs):
        # The guard holds for every caller, not only the purge service.
        self.check_purge(today or dt.date.today())  # noqa: DTZ011 - a calendar date
        return super().delete(*args, **kwargs)


class FamilyMember(models.Model):
    """A member of the household other than the householder. The resident ID is stored encrypted."""

    file = models.ForeignKey(HardshipFile, related_name="family", on_delete=models.CASCADE)
    name = models.CharField(_("name"), max_length=50)
    relation = models.CharField(_("relation"), max_length=12, choices=Relation.choices)
    birth_date = models.DateField(_("birth date"))
    id_cipher = models.TextField(_("resident ID (encrypted)"), blank=True, editable=False)
    id_hash = models.CharField(_("resident ID blind index"), max_length=64, blank=True, db_index=True, editable=False)
    id_masked = models.CharField(_("resident ID"), max_length=18, blank=True, editable=False)
    health = models.CharField(_("health"), max_length=10, choices=Health.choices)
    work_or_school = models.CharField(_("work or school"), max_length=100, blank=True)
    # Someone who left the household stays on file (the file is kept whole for ten years), marked as gone.
    left_on = models.DateField(_("left the household on"), null=True, blank=True)
    left_reason = models.CharField(_("reason for leaving"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("family member")
        verbose_name_plural = _("family members")
        ordering = ["pk"]

    def __str__(self):
        return mask_name(self.name)

    @property
    def name_masked(self) -> str:
        return mask_name(self.name)


class FileEvent(models.Model):
    """One status move: who, when, from, to, and a note."""

    file = models.ForeignKey(HardshipFile, related_name="events", on_delete=models.CASCADE)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, related_name="+",
                              on_delete=models.SET_NULL)
    at = models.DateTimeField(_("at"), auto_now_add=True)
    from_status = models.CharField(_("from"), max_length=12, choices=FileStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=12, choices=FileStatus.choices)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("file event")
        verbose_name_plural = _("file events")
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.file_id}: {self.from_status} → {self.to_status}"


class HomeVisit(models.Model):
    file = models.ForeignKey(HardshipFile, related_name="visits", on_delete=models.CASCADE)
    visited_on = models.DateField(_("date of the visit"))
    visitors = models.CharField(_("visitors"), max_length=200)
    findings = models.TextField(_("findings"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, related_name="+", on_delete=models.SET_NULL)
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("home visit")
        verbose_name_plural = _("home visits")
        ordering = ["-visited_on", "-pk"]

    def __str__(self):
        return f"{self.file_id} @ {self.visited_on}"


class FileReview(models.Model):
    """The annual review: the household's income and the householder's work now (recovery is tracked here)."""

    file = models.ForeignKey(HardshipFile, related_name="reviews", on_delete=models.CASCADE)
    reviewed_on = models.DateField(_("review date"))
    income_per_head = models.DecimalField(_("monthly household income per head"), max_digits=10, decimal_places=2)
    employment = models.CharField(_("householder's employment"), max_length=12, choices=Employment.choices)
    still_in_hardship = models.BooleanField(_("still in hardship"))
    findings = models.TextField(_("findings"), blank=True)
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, related_name="+", on_delete=models.SET_NULL)
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("annual review")
        verbose_name_plural = _("annual reviews")
        ordering = ["-reviewed_on", "-pk"]

    def __str__(self):
        return f"{self.file_id} @ {self.reviewed_on}"


class ArchiveRecord(models.Model):
    """Why, when and by whom a file was closed (exit from hardship or cancellation)."""

    file = models.OneToOneField(HardshipFile, related_name="archive", on_delete=models.CASCADE)
    kind = models.CharField(_("kind"), max_length=12, choices=[(FileStatus.EXITED, FileStatus.EXITED.label),
                                                               (FileStatus.CANCELLED, FileStatus.CANCELLED.label)])
    reason = models.TextField(_("reason"))
    closed_on = models.DateField(_("date"))
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, related_name="+", on_delete=models.SET_NULL)
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("archive record")
        verbose_name_plural = _("archive records")

    def __str__(self):
        return f"{self.file_id}: {self.kind} {self.closed_on}"


class AssistancePlan(models.Model):
    """What the union plans to do for the household, one plan per kind of assistance."""

    file = models.ForeignKey(HardshipFile, related_name="plans", on_delete=models.CASCADE)
    kind = models.CharField(_("kind"), max_length=12, choices=AidKind.choices)
    measures = models.TextField(_("measures"))
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, related_name="+", on_delete=models.SET_NULL)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("assistance plan")
        verbose_name_plural = _("assistance plans")
        ordering = ["kind"]
        constraints = [models.UniqueConstraint(fields=["file", "kind"], name="one_assistance_plan_per_kind")]

    def __str__(self):
        return f"{self.file_id}: {self.kind}"


class Assistance(models.Model):
    """Help actually given to the household."""

    file = models.ForeignKey(HardshipFile, related_name="assistance", on_delete=models.CASCADE)
    given_on = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=12, choices=AidKind.choices)
    amount = models.DecimalField(_("amount (yuan)"), max_digits=12, decimal_places=2)
    giver_org = models.ForeignKey("orgs.Org", verbose_name=_("given by"), related_name="+", on_delete=models.PROTECT)
    note = models.CharField(_("note"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, related_name="+", on_delete=models.SET_NULL)
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("assistance")
        verbose_name_plural = _("assistance")
        ordering = ["-given_on", "-pk"]
        constraints = [models.CheckConstraint(condition=Q(amount__gte=0), name="assistance_amount_not_negative")]

    def __str__(self):
        return f"{self.file_id}: {self.kind} {self.amount}"


class SpotCheck(models.Model):
    """The annual random spot check of the filed files under an org (抽查 ≥ 30%).

    The draw is reproducible: the population (file ids, sorted) and the seed are stored, so anyone
    can re-draw and compare. One draw per org and year, so a draw cannot be repeated until it suits.
    """

    SCOPE_ORG_FIELDS = ("org",)

    org = models.ForeignKey("orgs.Org", verbose_name=_("area"), related_name="+", on_delete=models.PROTECT)
    year = models.PositiveSmallIntegerField(_("year"))
    seed = models.BigIntegerField(_("random seed"))
    population_count = models.PositiveIntegerField(_("filed files"))
    population_ids = models.JSONField(_("filed file ids"), default=list)
    drawn_ids = models.JSONField(_("drawn file ids"), default=list)
    drawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, related_name="+", on_delete=models.SET_NULL)
    drawn_at = models.DateTimeField(_("drawn at"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("spot check")
        verbose_name_plural = _("spot checks")
        ordering = ["-year", "-pk"]
        constraints = [models.UniqueConstraint(fields=["org", "year"], name="one_spot_check_per_org_and_year")]

    def __str__(self):
        return f"{self.org} {self.year}"
