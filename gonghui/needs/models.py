"""The three lists (三张清单, R3.1): what workers need, what the union and its partners have, and
the projects that answer the one with the other.

A need is scoped like its union (`org`, the union whose area it lies in). It stays open until it
is answered by a project or declined with a reason: that is the closed loop the figures count.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gonghui.core.choices import EmploymentForm
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
    HEALTH = "health", _("Health")
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
    DECLINED = "declined", _("Declined")


class Need(models.Model):
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
    decline_reason = models.CharField(_("reason for declining"), max_length=300, blank=True)
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
