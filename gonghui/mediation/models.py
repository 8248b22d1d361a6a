"""Labour-dispute mediation (劳动纠纷化解, R3.9): committees, mediators, cases, sessions.

A case moves between statuses only through `MediationCase.check_move` (called by the one
`gonghui.mediation.services._move`), and every move leaves a CaseEvent behind. Everything is
scoped through the committee's org; a mediator additionally sees the cases assigned to them.
"""

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from gonghui.appeals.models import Category
from gonghui.core.scoping import ScopedQuerySet

# The Labour Dispute Mediation and Arbitration Law (art. 14): without agreement within 15 days
# of accepting the application, the parties may go to arbitration.
MEDIATION_DAYS = 15


class CommitteeKind(models.TextChoices):
    ENTERPRISE = "enterprise", _("Enterprise")
    PARK = "park", _("Industrial park")
    STREET = "street", _("Street/town")


class MediatorKind(models.TextChoices):
    LAWYER = "lawyer", _("Lawyer")
    RETIRED_JUDGE = "retired_judge", _("Retired judge")
    CADRE = "cadre", _("Union cadre")
    OTHER = "other", _("Other")


class Status(models.TextChoices):
    OPENED = "opened", _("Opened")
    IN_SESSION = "in_session", _("In session")
    AGREED = "agreed", _("Agreement reached")
    FAILED = "failed", _("Failed, referred to arbitration")
    WITHDRAWN = "withdrawn", _("Withdrawn")


OPEN_STATUSES = (Status.OPENED, Status.IN_SESSION)
TRANSITIONS: dict[str, frozenset[str]] = {
    Status.OPENED: frozenset({Status.IN_SESSION, Status.AGREED, Status.FAILED, Status.WITHDRAWN}),
    Status.IN_SESSION: frozenset({Status.AGREED, Status.FAILED, Status.WITHDRAWN}),
    Status.AGREED: frozenset(),
    Status.FAILED: frozenset(),
    Status.WITHDRAWN: frozenset(),
}


class MediationCommittee(models.Model):
    SCOPE_ORG_FIELDS = ("org",)

    org = models.ForeignKey("orgs.Org", verbose_name=_("union"), related_name="mediation_committees",
                            on_delete=models.PROTECT)
    kind = models.CharField(_("kind"), max_length=12, choices=CommitteeKind.choices)
    name = models.CharField(_("name"), max_length=100)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("mediation committee")
        verbose_name_plural = _("mediation committees")
        ordering = ["name", "pk"]
        constraints = [models.UniqueConstraint(fields=["org", "name"], name="mediation_committee_unique_name")]

    def __str__(self):
        return self.name


class Mediator(models.Model):
    SCOPE_ORG_FIELDS = ("committee__org",)

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("account"), related_name="mediator_roles",
                             on_delete=models.PROTECT)
    committee = models.ForeignKey(MediationCommittee, verbose_name=_("committee"), related_name="mediators",
                                  on_delete=models.PROTECT)
    name = models.CharField(_("name"), max_length=50)
    kind = models.CharField(_("kind"), max_length=14, choices=MediatorKind.choices)
    specialities = models.JSONField(_("specialities"), default=list, blank=True)
    active = models.BooleanField(_("active"), default=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("mediator")
        verbose_name_plural = _("mediators")
        ordering = ["name", "pk"]
        constraints = [models.UniqueConstraint(fields=["user", "committee"], name="mediator_unique_per_committee")]

    def __str__(self):
        return self.name

    def speciality_labels(self) -> list[str]:
        labels = dict(Category.choices)
        return [str(labels.get(s, s)) for s in self.specialities or []]


class MediationCase(models.Model):
    SCOPE_ORG_FIELDS = ("committee__org",)

    committee = models.ForeignKey(MediationCommittee, verbose_name=_("committee"), related_name="cases",
                                  on_delete=models.PROTECT)
    mediator = models.ForeignKey(Mediator, verbose_name=_("mediator"), null=True, blank=True, related_name="cases",
                                 on_delete=models.PROTECT)
    appeal = models.OneToOneField("appeals.Appeal", verbose_name=_("from request"), null=True, blank=True,
                                  related_name="mediation_case", on_delete=models.PROTECT)
    worker = models.ForeignKey("members.Worker", verbose_name=_("worker"), null=True, blank=True,
                               related_name="+", on_delete=models.SET_NULL)
    worker_name = models.CharField(_("worker side"), max_length=100)
    employer_name = models.CharField(_("employer side"), max_length=200)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    claim_summary = models.TextField(_("claim"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.OPENED,
                              db_index=True)
    opened_at = models.DateTimeField(_("opened at"), db_index=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    agreement_terms = models.TextField(_("terms of the agreement"), blank=True)
    agreement_amount = models.DecimalField(_("amount agreed"), max_digits=12, decimal_places=2, null=True,
                                           blank=True)
    agreement_file = models.FileField(_("agreement document"), upload_to="mediation/agreements/", blank=True)
    arbitration_advice = models.TextField(_("arbitration advice"), blank=True)
    failed_automatically = models.BooleanField(_("failed after the time limit"), default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("opened by"), null=True, blank=True,
                                   related_name="+", on_delete=models.SET_NULL)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("mediation case")
        verbose_name_plural = _("mediation cases")
        ordering = ["-opened_at", "-pk"]

    def __str__(self):
        return gettext("Mediation case %(no)s") % {"no": self.number}

    @property
    def number(self) -> str:
        return f"TJ{self.opened_at:%Y}-{self.pk:06d}"

    @property
    def mediation_deadline(self):
        """After this moment without agreement the case fails with arbitration advice (the periodic job)."""
        return self.opened_at + dt.timedelta(days=MEDIATION_DAYS)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def check_move(self, to_status: str) -> None:
        """Raise ValidationError unless the case may move from its status to `to_status`."""
        if to_status not in Status.values or to_status not in TRANSITIONS[self.status]:
            raise ValidationError({"status": gettext("A case that is “%(from)s” cannot become “%(to)s”.") % {
                "from": self.get_status_display(), "to": Status(to_status).label if to_status in Status.values
                else to_status}})


class CaseEvent(models.Model):
    case = models.ForeignKey(MediationCase, verbose_name=_("case"), related_name="events", on_delete=models.CASCADE)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, blank=True,
                              related_name="+", on_delete=models.SET_NULL)
    at = models.DateTimeField(_("at"), auto_now_add=True)
    from_status = models.CharField(_("from"), max_length=12, choices=Status.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=12, choices=Status.choices)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("case event")
        verbose_name_plural = _("case events")
        ordering = ["-at", "-pk"]

    def __str__(self):
        return f"{self.case_id}: {self.from_status} → {self.to_status}"


class Session(models.Model):
    case = models.ForeignKey(MediationCase, verbose_name=_("case"), related_name="sessions",
                             on_delete=models.CASCADE)
    held_on = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=200)
    attendees = models.TextField(_("attendees"))
    notes = models.TextField(_("notes"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True,
                                    related_name="+", on_delete=models.SET_NULL)
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("mediation session")
        verbose_name_plural = _("mediation sessions")
        ordering = ["-held_on", "-pk"]

    def __str__(self):
        return f"{self.case_id} @ {self.held_on}"
