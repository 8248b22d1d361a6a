"""The three lists (三张清单, R3.1): what workers need, what the union and its partners have, and
the projects that answer the one with the other.

A need is scoped like its union (`org`, the union whose area it lies in). It stays open until it
is answered by a project or declined with a reason: that is the closed loop the figures count.
"""

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gonghui.core.choices import EmploymentForm
from gonghui.core.privacy import mask_mobile
from gonghui.core.scoping import ScopedQuerySet


class NeedSource(models.TextChoices):
    VISIT = "visit", _("Visit")
    QUESTIONNAIRE = "questionnaire", _("Questionnaire")
    FORUM = "forum", _("Station forum")
    APPEAL = "appeal", _("Request from a worker")


class NeedCategory(models.TextChoices):
    RIGHTS = "rights", _("Rights and legal help")
    EMPLOYMENT = "employment", _("Jobs and skills")
    HARDSHIP = "hardship", _("Hardship help")
    HEALTH = "health", pgettext_lazy("need", "Health")
    CHILDCARE = "childcare", _("Children and childcare")
    REST = "rest", _("Rest stops and stations")
    CULTURE = "culture", _("Culture and sport")
    HOUSING = "housing", _("Housing and commuting")
    OTHER = "other", _("Other")


class Urgency(models.TextChoices):
    LOW = "low", _("Low")
    NORMAL = "normal", _("Normal")
    HIGH = "high", _("High")


class NeedStatus(models.TextChoices):
    OPEN = "open", _("Open")
    IN_PROJECT = "in_project", _("Taken up by a project")
    ANSWERED = "answered", _("Answered")
    DECLINED = "declined", pgettext_lazy("need", "Declined")


CLOSED_STATUSES = (NeedStatus.ANSWERED, NeedStatus.DECLINED)


class Need(models.Model):
    """One need on a union's list; its status changes only through the services, each change an event."""

    SCOPE_ORG_FIELDS = ("org",)

    org = models.ForeignKey("orgs.Org", verbose_name=_("union"), related_name="needs", on_delete=models.PROTECT)
    title = models.CharField(_("need"), max_length=120)
    detail = models.TextField(_("details"), blank=True)
    source = models.CharField(_("source"), max_length=16, choices=NeedSource.choices)
    # Where the need came from, e.g. "questionnaire:12" or "appeal:GH2025…"; one need per origin.
    source_ref = models.CharField(_("source reference"), max_length=64, blank=True)
    worker_group = models.CharField(
        _("worker group"), max_length=20, choices=EmploymentForm.choices, blank=True,
        help_text=_("Leave empty when the need is not particular to one group."),
    )
    category = models.CharField(_("category"), max_length=16, choices=NeedCategory.choices)
    urgency = models.CharField(_("urgency"), max_length=8, choices=Urgency.choices, default=Urgency.NORMAL)
    headcount = models.PositiveIntegerField(_("workers concerned"))
    place = models.CharField(_("where"), max_length=120, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=NeedStatus.choices, default=NeedStatus.OPEN,
                              db_index=True)
    decline_reason = models.CharField(pgettext_lazy("need", "reason for declining"), max_length=300, blank=True)
    # The project that took the need up (and, once answered, answered it).
    project = models.ForeignKey("needs.Project", verbose_name=_("project"), null=True, blank=True,
                                related_name="needs", on_delete=models.PROTECT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, related_name="+",
                                   on_delete=models.SET_NULL)
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("need")
        verbose_name_plural = _("needs")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["org", "status"])]
        constraints = [
            models.UniqueConstraint(fields=["source", "source_ref"], condition=~Q(source_ref=""),
                                    name="need_once_per_origin"),
            models.CheckConstraint(condition=Q(headcount__gte=1), name="need_headcount_positive"),
            models.CheckConstraint(condition=~Q(status="declined") | ~Q(decline_reason=""),
                                   name="need_declined_has_reason"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_closed(self) -> bool:
        return self.status in CLOSED_STATUSES

    @property
    def days_to_close(self) -> float | None:
        if self.closed_at is None or self.created_at is None:
            return None
        return round((self.closed_at - self.created_at).total_seconds() / 86400, 1)


class NeedAction(models.TextChoices):
    RECORD = "record", _("Recorded")
    TAKE_UP = "take_up", _("Taken up by a project")
    RELEASE = "release", _("Returned to the open list")
    ANSWER = "answer", _("Answered")
    DECLINE = "decline", pgettext_lazy("need", "Declined")


class NeedEvent(models.Model):
    """The trail of a need's status: who moved it, when, and why (the figures' "time to answer" rests on it)."""

    need = models.ForeignKey(Need, related_name="events", on_delete=models.CASCADE)
    action = models.CharField(_("action"), max_length=10, choices=NeedAction.choices)
    from_status = models.CharField(_("from"), max_length=12, choices=NeedStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=12, choices=NeedStatus.choices)
    project = models.ForeignKey("needs.Project", verbose_name=_("project"), null=True, blank=True,
                                related_name="+", on_delete=models.SET_NULL)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, related_name="+",
                              on_delete=models.SET_NULL)
    at = models.DateTimeField(_("at"))
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("need event")
        verbose_name_plural = _("need events")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.need_id}: {self.action}"


class ResourceKind(models.TextChoices):
    PARTNER = "partner", _("Partner organisation")
    VENUE = "venue", _("Venue")
    FUND = "fund", _("Fund")
    VOLUNTEERS = "volunteers", _("Volunteers")
    PROFESSIONALS = "professionals", _("Professionals")


class Resource(models.Model):
    """What a union (or a partner through it) can offer. Its area is its union's subtree: a street's resource
    serves needs in that street, the district's serves every need. `capacity` counts workers it can serve."""

    SCOPE_ORG_FIELDS = ("org",)

    org = models.ForeignKey("orgs.Org", verbose_name=_("union"), related_name="need_resources",
                            on_delete=models.PROTECT)
    kind = models.CharField(_("kind"), max_length=14, choices=ResourceKind.choices)
    name = models.CharField(_("name"), max_length=120)
    detail = models.TextField(_("details"), blank=True)
    # NeedCategory values, validated by the services.
    categories = models.JSONField(_("categories served"), default=list)
    capacity = models.PositiveIntegerField(_("capacity (workers)"))
    amount = models.DecimalField(_("amount (yuan)"), max_digits=12, decimal_places=2, null=True, blank=True)
    available = models.BooleanField(_("available"), default=True)
    available_until = models.DateField(_("available until"), null=True, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=50, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=20, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, related_name="+",
                                   on_delete=models.SET_NULL)
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("resource")
        verbose_name_plural = _("resources")
        ordering = ["name", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(capacity__gte=1), name="resource_capacity_positive"),
            models.CheckConstraint(condition=Q(amount__isnull=True) | Q(amount__gte=0),
                                   name="resource_amount_not_negative"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def phone_masked(self) -> str:
        return mask_mobile(self.contact_phone)

    def category_labels(self) -> list[str]:
        labels = dict(NeedCategory.choices)
        return [str(labels.get(c, c)) for c in self.categories or []]

    def is_available_on(self, day: dt.date) -> bool:
        return self.available and (self.available_until is None or self.available_until >= day)


class ProjectStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


LIVE_PROJECT_STATUSES = (ProjectStatus.PLANNED, ProjectStatus.RUNNING)


class Project(models.Model):
    """A project of a union that answers needs with resources; done, it answers every need it took up."""

    SCOPE_ORG_FIELDS = ("org",)

    org = models.ForeignKey("orgs.Org", verbose_name=_("owner union"), related_name="need_projects",
                            on_delete=models.PROTECT)
    title = models.CharField(_("title"), max_length=120)
    detail = models.TextField(_("details"), blank=True)
    budget = models.DecimalField(_("budget (yuan)"), max_digits=12, decimal_places=2, default=0)
    status = models.CharField(_("status"), max_length=10, choices=ProjectStatus.choices,
                              default=ProjectStatus.PLANNED, db_index=True)
    starts_on = models.DateField(_("start date"), null=True, blank=True)
    ends_on = models.DateField(pgettext_lazy("need", "end date"), null=True, blank=True)
    beneficiaries = models.PositiveIntegerField(_("workers served"), null=True, blank=True)
    outcome = models.TextField(pgettext_lazy("need", "outcome"), blank=True)
    cancel_reason = models.CharField(_("reason for cancelling"), max_length=300, blank=True)
    resources = models.ManyToManyField(Resource, through="ProjectResource", related_name="projects",
                                       verbose_name=_("resources"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, related_name="+",
                                   on_delete=models.SET_NULL)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(budget__gte=0), name="project_budget_not_negative"),
            models.CheckConstraint(condition=~Q(status="done") | Q(beneficiaries__isnull=False),
                                   name="project_done_has_beneficiaries"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_live(self) -> bool:
        return self.status in LIVE_PROJECT_STATUSES


class ProjectResource(models.Model):
    """Capacity of a resource committed to a project; it counts against the resource while the project lives."""

    project = models.ForeignKey(Project, related_name="commitments", on_delete=models.CASCADE)
    resource = models.ForeignKey(Resource, related_name="commitments", on_delete=models.PROTECT)
    quantity = models.PositiveIntegerField(_("capacity committed"))

    class Meta:
        verbose_name = _("resource committed")
        verbose_name_plural = _("resources committed")
        constraints = [
            models.UniqueConstraint(fields=["project", "resource"], name="project_resource_once"),
            models.CheckConstraint(condition=Q(quantity__gte=1), name="project_resource_quantity_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.resource_id} × {self.quantity}"


class Milestone(models.Model):
    SCOPE_ORG_FIELDS = ("project__org",)

    project = models.ForeignKey(Project, related_name="milestones", on_delete=models.CASCADE)
    title = models.CharField(_("milestone"), max_length=120)
    due_on = models.DateField(_("due date"))
    done_on = models.DateField(_("done on"), null=True, blank=True)

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["due_on", "pk"]

    def __str__(self) -> str:
        return self.title
