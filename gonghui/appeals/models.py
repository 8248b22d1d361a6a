"""Workers' requests (诉求, R3.10): one work-order system for the 12351 hotline, the portal, stations and the API.

An appeal changes status only through `Appeal.check_action` (called by the one transition
function in `services`), and every change leaves an AppealEvent. Appeals are scoped through the
responsible union (`org`); the reporting worker sees their own through `user`.
An anonymous reporter's mobile is stored encrypted (plus a blind index for the hotline look-up)
and is never shown to cadres, not even masked.
"""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from gonghui.core.privacy import mask_name
from gonghui.core.scoping import ScopedQuerySet


class Channel(models.TextChoices):
    HOTLINE = "hotline", _("12351 hotline")
    PORTAL = "portal", _("Online portal")
    STATION = "station", _("Service station")
    API = "api", _("National platform (API)")


class AppealType(models.TextChoices):
    CONSULTATION = "consultation", _("Consultation")
    HELP = "help", _("Service or help")
    COMPLAINT = "complaint", _("Complaint")
    LEGAL_AID = "legal_aid", _("Legal aid")
    SUGGESTION = "suggestion", _("Suggestion")


class Category(models.TextChoices):
    WAGE_ARREARS = "wage_arrears", _("Wage arrears")
    LABOUR_CONTRACT = "labour_contract", _("Labour contract")
    SOCIAL_INSURANCE = "social_insurance", _("Social insurance")
    OCCUPATIONAL_INJURY = "occupational_injury", _("Occupational injury")
    WORKING_HOURS = "working_hours", _("Working hours and rest")
    PLATFORM_RULES = "platform_rules", _("Platform pay and algorithm rules")
    DISCRIMINATION = "discrimination", _("Discrimination")
    OTHER = "other", _("Other")


class Difficulty(models.TextChoices):
    GENERAL = "general", _("General")
    DIFFICULT = "difficult", _("Difficult")
    COMPLEX = "complex", _("Complex")
    URGENT = "urgent", _("Urgent")


class Status(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    ACCEPTED = "accepted", _("Accepted")
    IN_PROGRESS = "in_progress", _("In progress")
    WAITING = "waiting_for_worker", _("Waiting for the worker")
    ANSWERED = "answered", _("Answered")
    RATED = "rated", _("Rated")
    CLOSED = "closed", _("Closed")


OPEN_STATUSES = frozenset({Status.SUBMITTED, Status.ACCEPTED, Status.IN_PROGRESS, Status.WAITING})


class Rating(models.TextChoices):
    SATISFIED = "satisfied", _("Satisfied")
    BASIC = "basic", _("Basically satisfied")
    DISSATISFIED = "dissatisfied", _("Dissatisfied")


class Action(models.TextChoices):
    FILE = "file", _("Filed")
    ACCEPT = "accept", _("Accepted")
    START = "start", _("Started work")
    WAIT = "wait", _("Waiting for the worker")
    RESUME = "resume", _("Resumed")
    ANSWER = "answer", _("Answered")
    RATE = "rate", _("Rated")
    REOPEN = "reopen", _("Reopened")
    CLOSE = "close", _("Closed")
    TRANSFER = "transfer", _("Transferred")
    MERGE = "merge", _("Merged into another request")
    SUPERVISE = "supervise", _("Supervision order")
    RETURN_VISIT = "return_visit", _("Return visit")
    WAGE_CLAIM = "wage_claim", _("Wage claim recorded")
    ATTACHMENT = "attachment", _("Attachment added")
    ASSIGN = "assign", _("Assigned to a handler")


# action -> (statuses it may start from, status it leads to; None keeps the status).
TRANSITIONS: dict[str, tuple[frozenset[str], str | None]] = {
    Action.ACCEPT: (frozenset({Status.SUBMITTED}), Status.ACCEPTED),
    Action.START: (frozenset({Status.ACCEPTED}), Status.IN_PROGRESS),
    Action.WAIT: (frozenset({Status.IN_PROGRESS}), Status.WAITING),
    Action.RESUME: (frozenset({Status.WAITING}), Status.IN_PROGRESS),
    Action.ANSWER: (frozenset({Status.ACCEPTED, Status.IN_PROGRESS}), Status.ANSWERED),
    Action.RATE: (frozenset({Status.ANSWERED}), Status.RATED),
    Action.REOPEN: (frozenset({Status.RATED}), Status.IN_PROGRESS),
    Action.CLOSE: (frozenset({Status.ANSWERED, Status.RATED}), Status.CLOSED),
    Action.TRANSFER: (frozenset({Status.SUBMITTED, Status.ACCEPTED, Status.IN_PROGRESS}), None),
    Action.MERGE: (OPEN_STATUSES, Status.CLOSED),
}
CADRE_ACTIONS = (Action.ACCEPT, Action.START, Action.WAIT, Action.RESUME, Action.ANSWER, Action.CLOSE)


class Appeal(models.Model):
    SCOPE_ORG_FIELDS = ("org",)
    SCOPE_OWNER_FIELD = "user"

    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    appeal_type = models.CharField(_("type"), max_length=14, choices=AppealType.choices)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    difficulty = models.CharField(_("difficulty"), max_length=10, choices=Difficulty.choices,
                                  default=Difficulty.GENERAL)
    description = models.TextField(_("description"))
    # The reporter: an account (the portal, or a hotline caller who has one) and/or a worker record.
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("reporter's account"), null=True, blank=True,
                             related_name="appeals", on_delete=models.SET_NULL)
    worker = models.ForeignKey("members.Worker", verbose_name=_("worker"), null=True, blank=True,
                               related_name="appeals", on_delete=models.SET_NULL)
    anonymous = models.BooleanField(_("anonymous"), default=False)
    contact_name = models.CharField(_("caller's name"), max_length=50, blank=True)
    mobile_cipher = models.TextField(_("mobile (encrypted)"), blank=True, editable=False)
    mobile_hash = models.CharField(_("mobile blind index"), max_length=64, blank=True, db_index=True, editable=False)
    mobile_masked = models.CharField(_("mobile number"), max_length=11, blank=True, editable=False)
    org = models.ForeignKey("orgs.Org", verbose_name=_("responsible union"), related_name="appeals",
                            on_delete=models.PROTECT)
    station = models.ForeignKey("orgs.Org", verbose_name=_("filed at"), null=True, blank=True, related_name="+",
                                on_delete=models.SET_NULL)
    do_not_share = models.BooleanField(_("do not share with my workplace union"), default=False)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.SUBMITTED,
                              db_index=True)
    submitted_at = models.DateTimeField(_("submitted at"), db_index=True)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    rated_at = models.DateTimeField(_("rated at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    # Deadlines in UTC, computed on the working calendar (see policy.py). The answer clock runs from
    # `answer_clock_from` (the filing, or the last reopening) and stops while waiting for the worker.
    accept_due = models.DateTimeField(_("acceptance deadline"))
    accept_warn_at = models.DateTimeField(_("acceptance at risk from"))
    answer_clock_from = models.DateTimeField(_("answer clock started"))
    answer_due = models.DateTimeField(_("answer deadline"), db_index=True)
    answer_warn_at = models.DateTimeField(_("answer at risk from"))
    paused_since = models.DateTimeField(_("paused since"), null=True, blank=True)
    handler = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("handled by"), null=True, blank=True,
                                related_name="+", on_delete=models.SET_NULL)
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("answered by"), null=True, blank=True,
                                    related_name="+", on_delete=models.SET_NULL)
    rating = models.CharField(_("rating"), max_length=12, choices=Rating.choices, blank=True)
    rating_comment = models.TextField(_("comment on the answer"), blank=True)
    reopen_count = models.PositiveSmallIntegerField(_("times reopened"), default=0)
    merged_into = models.ForeignKey("self", verbose_name=_("merged into"), null=True, blank=True,
                                    related_name="duplicates", on_delete=models.PROTECT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, blank=True,
                                   related_name="+", on_delete=models.SET_NULL)
    # A phone or a platform retrying the same submission sends the same key and gets the same request.
    client_key = models.CharField(_("idempotency key"), max_length=64, null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("request")
        verbose_name_plural = _("requests")
        ordering = ["-submitted_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["created_by", "channel", "client_key"],
                                    condition=Q(client_key__isnull=False), name="appeal_one_per_client_key"),
        ]
        indexes = [models.Index(fields=["org", "status"], name="appeal_org_status")]

    def __str__(self):
        return self.reference

    @property
    def reference(self) -> str:
        return f"SQ{self.submitted_at:%Y%m%d}{self.pk or 0:06d}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def reporter_for_cadre(self) -> str:
        """The reporter as a cadre may see them: masked name, or "anonymous"."""
        if self.anonymous:
            return gettext("Anonymous")
        name = self.worker.name if self.worker_id else self.contact_name
        return mask_name(name) if name else gettext("Not given")

    def mobile_for_cadre(self) -> str:
        return "" if self.anonymous else self.mobile_masked

    def allowed_actions(self) -> list[str]:
        return [a for a in CADRE_ACTIONS if self.status in TRANSITIONS[a][0]]

    def check_action(self, action: str) -> str:
        """The status `action` leads to; ValidationError (on "action") when it is not allowed now."""
        if action not in TRANSITIONS:
            raise ValidationError({"action": gettext("Unknown action.")})
        sources, target = TRANSITIONS[action]
        if self.status not in sources:
            raise ValidationError({"action": gettext(
                "A request that is “%(status)s” cannot be “%(action)s”.")
                % {"status": self.get_status_display(), "action": Action(action).label}})
        if action == Action.REOPEN and self.rating != Rating.DISSATISFIED:
            raise ValidationError({"action": gettext("Only a request rated dissatisfied can be reopened.")})
        return target or self.status


class AppealEvent(models.Model):
    """One step in a request's history: who, when, what, and a note."""

    appeal = models.ForeignKey(Appeal, verbose_name=_("request"), related_name="events", on_delete=models.CASCADE)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, blank=True,
                              related_name="+", on_delete=models.SET_NULL)
    at = models.DateTimeField(_("at"))
    action = models.CharField(_("action"), max_length=14, choices=Action.choices)
    from_status = models.CharField(_("from"), max_length=20, choices=Status.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=20, choices=Status.choices, blank=True)
    org = models.ForeignKey("orgs.Org", verbose_name=_("union"), null=True, blank=True, related_name="+",
                            on_delete=models.SET_NULL)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("request event")
        verbose_name_plural = _("request events")
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.appeal_id}: {self.action}"


class Pause(models.Model):
    """A stretch while the union waited for the worker; the answer clock does not run."""

    appeal = models.ForeignKey(Appeal, related_name="pauses", on_delete=models.CASCADE)
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["started_at", "pk"]

    def __str__(self):
        return f"{self.appeal_id}: {self.started_at} – {self.ended_at}"


class Breach(models.TextChoices):
    ACCEPT = "accept", _("Acceptance deadline missed")
    ANSWER = "answer", _("Answer deadline missed")


class SupervisionOrder(models.Model):
    """督办: a higher level orders the responsible union to act by a deadline.

    The periodic escalation opens one per missed deadline (`breach`) and round (times reopened);
    the database refuses a second, so running the job twice opens nothing new.
    """

    SCOPE_ORG_FIELDS = ("issued_by_org", "appeal__org")

    appeal = models.ForeignKey(Appeal, verbose_name=_("request"), related_name="supervision_orders",
                               on_delete=models.CASCADE)
    issued_by_org = models.ForeignKey("orgs.Org", verbose_name=_("issued by"), related_name="+",
                                      on_delete=models.PROTECT)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("issued by (person)"), null=True,
                                  blank=True, related_name="+", on_delete=models.SET_NULL)
    breach = models.CharField(_("missed deadline"), max_length=8, choices=Breach.choices, blank=True)
    round = models.PositiveSmallIntegerField(_("round"), default=0)
    instruction = models.TextField(_("instruction"))
    due_at = models.DateTimeField(_("due"))
    created_at = models.DateTimeField(_("issued at"))
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("supervision order")
        verbose_name_plural = _("supervision orders")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["appeal", "breach", "round"], condition=~Q(breach=""),
                                    name="one_escalation_per_breach"),
        ]

    def __str__(self):
        return gettext("Supervision of %(ref)s") % {"ref": self.appeal.reference}


class ReturnVisit(models.Model):
    """回访: a call back to a worker who was dissatisfied with the answer."""

    appeal = models.ForeignKey(Appeal, verbose_name=_("request"), related_name="return_visits",
                               on_delete=models.CASCADE)
    created_at = models.DateTimeField(_("opened at"))
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, blank=True,
                                related_name="+", on_delete=models.SET_NULL)
    outcome = models.TextField(_("outcome"), blank=True)

    class Meta:
        verbose_name = _("return visit")
        verbose_name_plural = _("return visits")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.appeal_id} @ {self.created_at:%Y-%m-%d}"


class Referral(models.TextChoices):
    NONE = "", _("Not referred")
    LABOUR_INSPECTION = "labour_inspection", _("Labour inspection")
    ARBITRATION = "arbitration", _("Labour dispute arbitration")
    COURT = "court", _("Court")


class WageClaim(models.Model):
    """A wage-arrears request's facts (欠薪): employer, site, workers, amount and months owed, referral, recovery."""

    appeal = models.OneToOneField(Appeal, verbose_name=_("request"), related_name="wage_claim",
                                  on_delete=models.CASCADE)
    employer = models.ForeignKey("enterprises.Enterprise", verbose_name=_("employer"), null=True, blank=True,
                                 related_name="+", on_delete=models.SET_NULL)
    employer_credit_code = models.CharField(_("employer's credit code"), max_length=18, blank=True)
    employer_name = models.CharField(_("employer's name"), max_length=200, blank=True)
    project_site = models.CharField(_("project or site"), max_length=200, blank=True)
    workers_count = models.PositiveIntegerField(_("number of workers"), default=1)
    amount = models.DecimalField(_("amount owed (yuan)"), max_digits=14, decimal_places=2)
    months_owed = models.PositiveSmallIntegerField(_("months owed"), default=1)
    referral = models.CharField(_("referred to"), max_length=20, choices=Referral.choices, blank=True)
    amount_recovered = models.DecimalField(_("amount recovered (yuan)"), max_digits=14, decimal_places=2,
                                           default=0)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, blank=True,
                                   related_name="+", on_delete=models.SET_NULL)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("wage claim")
        verbose_name_plural = _("wage claims")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0) & Q(amount_recovered__gte=0)
                                   & Q(amount_recovered__lte=models.F("amount")), name="wage_claim_amounts_valid"),
        ]

    def __str__(self):
        return f"{self.appeal_id}: {self.amount}"


def attachment_path(instance, filename: str) -> str:
    # A random name: the uploader's file name is kept only as data, never as a path.
    return f"appeals/{instance.appeal_id}/{uuid.uuid4().hex}"


class Attachment(models.Model):
    """A file for a request, stored under MEDIA_ROOT (outside the web root) and served only through a
    permission-checked view. Its type is decided from the content, not the name."""

    appeal = models.ForeignKey(Appeal, verbose_name=_("request"), related_name="attachments",
                               on_delete=models.CASCADE)
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("file type"), max_length=50)
    size = models.PositiveIntegerField(_("size (bytes)"))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), null=True,
                                    blank=True, related_name="+", on_delete=models.SET_NULL)
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["uploaded_at", "pk"]

    def __str__(self):
        return self.original_name
