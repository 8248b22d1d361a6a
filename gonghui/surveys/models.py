"""Online questionnaires (线上问卷, R3.2): a union asks the workers of its subtree (optionally only some
worker groups) a few questions between two dates, anonymously or by name, one answer per person.

One answer per person is the database's job: a response carries `respondent_key`, a keyed hash of the
questionnaire and the worker (the resident-ID blind index HMAC, keyed on PII_HASH_KEY), unique per
questionnaire. For an anonymous questionnaire the worker is not stored, and the key cannot be turned back
into one without the server's secret; a second answer is still refused by the UNIQUE constraint.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gonghui.core.scoping import ScopedQuerySet

MIN_SCALE, MAX_SCALE, DEFAULT_SCALE = 3, 10, 5
MAX_TEXT = 2000


class Status(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("questionnaire", "Draft")
    PUBLISHED = "published", _("Published")
    CLOSED = "closed", _("Closed to answers")


class Kind(models.TextChoices):
    SINGLE = "single", _("Single choice")
    MULTIPLE = "multiple", _("Multiple choice")
    TEXT = "text", _("Written answer")
    RATING = "rating", _("Rating scale")
    NUMBER = "number", _("Number answer")


CHOICE_KINDS = frozenset({Kind.SINGLE, Kind.MULTIPLE})


class Questionnaire(models.Model):
    """A questionnaire owned by a union (`org`), asked of the active members under `target_org`."""

    SCOPE_ORG_FIELDS = ("org",)

    org = models.ForeignKey("orgs.Org", verbose_name=_("union"), related_name="questionnaires",
                            on_delete=models.PROTECT)
    title = models.CharField(_("title"), max_length=120)
    intro = models.TextField(_("introduction"), blank=True)
    target_org = models.ForeignKey("orgs.Org", verbose_name=_("asked of the members under"), related_name="+",
                                   on_delete=models.PROTECT)
    # EmploymentForm values; empty means every group.
    worker_groups = models.JSONField(_("worker groups"), default=list, blank=True)
    anonymous = models.BooleanField(_("anonymous"), default=True)
    opens_at = models.DateTimeField(_("opens at"))
    closes_at = models.DateTimeField(_("closes at"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT,
                              db_index=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, related_name="+",
                                   on_delete=models.SET_NULL)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("questionnaire")
        verbose_name_plural = _("questionnaires")
        ordering = ["-opens_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(closes_at__gt=F("opens_at")), name="questionnaire_closes_after_opens"),
        ]

    def __str__(self) -> str:
        return self.title

    def is_open(self, now=None) -> bool:
        """Taking answers now: published and between its dates."""
        now = now or timezone.now()
        return self.status == Status.PUBLISHED and self.opens_at <= now < self.closes_at

    def phase(self, now=None) -> str:
        """draft / scheduled / open / ended: the status as a worker or a cadre experiences it."""
        now = now or timezone.now()
        if self.status == Status.DRAFT:
            return "draft"
        if self.status == Status.CLOSED or now >= self.closes_at:
            return "ended"
        return "open" if now >= self.opens_at else "scheduled"

    def phase_label(self, now=None) -> str:
        return {"draft": pgettext_lazy("questionnaire", "Draft"), "scheduled": _("Not open yet"),
                "open": _("Taking answers"), "ended": _("Closed to answers")}[self.phase(now)]

    def group_labels(self) -> list[str]:
        from gonghui.core.choices import EmploymentForm

        labels = dict(EmploymentForm.choices)
        return [str(labels.get(g, g)) for g in self.worker_groups]


class Question(models.Model):
    """One question; `position` orders them (1, 2, 3 … as the worker sees them)."""

    questionnaire = models.ForeignKey(Questionnaire, related_name="questions", on_delete=models.CASCADE)
    position = models.PositiveSmallIntegerField(_("position"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    text = models.CharField(_("question"), max_length=300)
    required = models.BooleanField(_("required"), default=True)
    scale = models.PositiveSmallIntegerField(_("rating scale"), default=DEFAULT_SCALE,
                                             help_text=_("Ratings go from 1 to this number (3 to 10)."))
    min_value = models.DecimalField(_("smallest number"), max_digits=16, decimal_places=4, null=True, blank=True)
    max_value = models.DecimalField(_("largest number"), max_digits=16, decimal_places=4, null=True, blank=True)
    max_choices = models.PositiveSmallIntegerField(_("most choices"), null=True, blank=True)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.text

    @property
    def is_choice(self) -> bool:
        return self.kind in CHOICE_KINDS


class Option(models.Model):
    """One answer to choose from in a single- or multiple-choice question."""

    question = models.ForeignKey(Question, related_name="options", on_delete=models.CASCADE)
    position = models.PositiveSmallIntegerField(_("position"))
    label = models.CharField(_("option"), max_length=120)

    class Meta:
        verbose_name = _("option")
        verbose_name_plural = _("options")
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.label


class Response(models.Model):
    """One person's answers. `worker` is set only for a named questionnaire."""

    questionnaire = models.ForeignKey(Questionnaire, related_name="responses", on_delete=models.PROTECT)
    respondent_key = models.CharField(_("respondent key"), max_length=64, editable=False)
    worker = models.ForeignKey("members.Worker", verbose_name=_("worker"), null=True, blank=True,
                               related_name="+", on_delete=models.PROTECT)
    submitted_at = models.DateTimeField(_("submitted at"), default=timezone.now)

    class Meta:
        verbose_name = _("response")
        verbose_name_plural = _("responses")
        ordering = ["submitted_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["questionnaire", "respondent_key"], name="response_once_per_person"),
        ]

    def __str__(self) -> str:
        return f"{self.questionnaire_id}#{self.pk}"


class Answer(models.Model):
    """One answer to one question; a multiple choice has one row per option chosen. A rating is a `number`."""

    response = models.ForeignKey(Response, related_name="answers", on_delete=models.CASCADE)
    question = models.ForeignKey(Question, related_name="answers", on_delete=models.PROTECT)
    option = models.ForeignKey(Option, null=True, blank=True, related_name="answers", on_delete=models.PROTECT)
    text = models.TextField(_("text"), blank=True)
    number = models.DecimalField(_("number"), max_digits=16, decimal_places=4, null=True, blank=True)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        indexes = [models.Index(fields=["question", "option"])]
        constraints = [
            models.UniqueConstraint(fields=["response", "option"], condition=Q(option__isnull=False),
                                    name="answer_option_once"),
        ]

    def __str__(self) -> str:
        return f"{self.response_id}:{self.question_id}"
