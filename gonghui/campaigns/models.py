"""Aid campaigns (R3.6): winter warmth (送温暖) and autumn student aid (金秋助学).

A campaign belongs to an org and covers its subtree. A worker applies once per campaign (the
database refuses a second row); a cadre approves (the category's amount becomes the grant) or
rejects; every grant is paid at most once, because the payment row is UNIQUE on the application.
Application status changes only through `Application.check_move`, called by the services, and
each change leaves an ApplicationEvent behind.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from gonghui.core.privacy import mask_name
from gonghui.core.scoping import ScopedQuerySet

MONEY = {"max_digits": 12, "decimal_places": 2}


class Kind(models.TextChoices):
    WINTER_WARMTH = "winter_warmth", _("Winter warmth")
    STUDENT_AID = "student_aid", _("Autumn student aid")


class SchoolLevel(models.TextChoices):
    PRIMARY = "primary", _("Primary school")
    JUNIOR = "junior_high", _("Junior high school")
    HIGH = "high_school", _("High school")
    VOCATIONAL = "vocational", _("Vocational school")
    UNIVERSITY = "university", _("University")


class Campaign(models.Model):
    SCOPE_ORG_FIELDS = ("org",)

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=120)
    org = models.ForeignKey("orgs.Org", verbose_name=_("organised by"), related_name="campaigns",
                            on_delete=models.PROTECT)
    # Calendar dates in Asia/Shanghai, both days included.
    opens_on = models.DateField(_("applications open on"))
    closes_on = models.DateField(_("applications close on"))
    budget = models.DecimalField(_("budget (yuan)"), **MONEY)
    max_income_per_head = models.DecimalField(_("income limit per household member (yuan/month)"), null=True,
                                              blank=True, **MONEY)
    required_evidence = models.JSONField(_("required documents"), default=list, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True,
                                   related_name="+", on_delete=models.SET_NULL)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("aid campaign")
        verbose_name_plural = _("aid campaigns")
        ordering = ["-opens_on", "-pk"]

    def __str__(self):
        return self.title

    def is_open(self, today=None) -> bool:
        today = today or timezone.localdate()
        return self.opens_on <= today <= self.closes_on

    @property
    def phase_label(self) -> str:
        """The campaign's status, which follows from its application window (Asia/Shanghai days)."""
        today = timezone.localdate()
        if today < self.opens_on:
            return gettext("Not open yet")
        return gettext("Open for applications") if today <= self.closes_on else gettext("Applications closed")


class Category(models.Model):
    """One kind of grant within a campaign, with its amount and simple declarative rules."""

    campaign = models.ForeignKey(Campaign, verbose_name=_("campaign"), related_name="categories",
                                 on_delete=models.CASCADE)
    name = models.CharField(_("name"), max_length=80)
    amount = models.DecimalField(_("amount (yuan)"), **MONEY)
    school_levels = models.JSONField(_("school levels"), default=list, blank=True)  # empty: no child needed
    min_child_age = models.PositiveSmallIntegerField(_("child's minimum age"), null=True, blank=True)
    max_child_age = models.PositiveSmallIntegerField(_("child's maximum age"), null=True, blank=True)
    requires_hardship_file = models.BooleanField(_("requires a hardship file"), default=False)

    class Meta:
        verbose_name = _("grant category")
        verbose_name_plural = _("grant categories")
        ordering = ["pk"]

    def __str__(self):
        return f"{self.name} ¥{self.amount}"

    @property
    def needs_child(self) -> bool:
        return bool(self.school_levels)


class Status(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


# Decisions are final: a rejected worker is told why, an approved grant is paid, nothing moves back.
TRANSITIONS = {
    Status.SUBMITTED: frozenset({Status.APPROVED, Status.REJECTED}),
    Status.APPROVED: frozenset(),
    Status.REJECTED: frozenset(),
}


class Application(models.Model):
    SCOPE_ORG_FIELDS = ("org",)
    SCOPE_OWNER_FIELD = "worker__user"

    campaign = models.ForeignKey(Campaign, verbose_name=_("campaign"), related_name="applications",
                                 on_delete=models.PROTECT)
    worker = models.ForeignKey("members.Worker", verbose_name=_("worker"), related_name="aid_applications",
                               on_delete=models.PROTECT)
    # The applicant's union when applying: cadres of that union's subtree review the application.
    org = models.ForeignKey("orgs.Org", verbose_name=_("union"), related_name="+", on_delete=models.PROTECT)
    category = models.ForeignKey(Category, verbose_name=_("category"), related_name="applications",
                                 on_delete=models.PROTECT)
    child_name = models.CharField(_("child's name"), max_length=50, blank=True)
    child_age = models.PositiveSmallIntegerField(_("child's age"), null=True, blank=True)
    school_level = models.CharField(_("school level"), max_length=16, choices=SchoolLevel.choices, blank=True)
    income_per_head = models.DecimalField(_("household income per member (yuan/month)"), **MONEY)
    account_holder = models.CharField(_("account holder"), max_length=50)
    bank_name = models.CharField(_("bank"), max_length=80)
    bank_account_cipher = models.TextField(_("bank account (encrypted)"), editable=False)
    bank_account_masked = models.CharField(_("bank account"), max_length=40, editable=False)
    declared_hardship_file = models.BooleanField(_("has a hardship file (declared)"), default=False)
    hardship_confirmed = models.BooleanField(_("hardship file confirmed by the reviewer"), default=False)
    evidence = models.JSONField(_("documents provided"), default=list, blank=True)
    evidence_notes = models.TextField(_("notes on the documents"), blank=True)
    precheck_ok = models.BooleanField(_("pre-check passed"), default=False)
    precheck_reasons = models.JSONField(_("pre-check findings"), default=list, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.SUBMITTED,
                              db_index=True)
    grant_amount = models.DecimalField(_("grant (yuan)"), null=True, blank=True, **MONEY)
    reject_reason = models.CharField(_("reason for rejection"), max_length=300, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("decided by"), null=True, blank=True,
                                   related_name="+", on_delete=models.SET_NULL)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("aid application")
        verbose_name_plural = _("aid applications")
        ordering = ["submitted_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "worker"], name="one_aid_application_per_campaign"),
        ]
        indexes = [models.Index(fields=["campaign", "status"], name="aid_app_campaign_status")]

    def __str__(self):
        return gettext("Application %(no)s of %(name)s") % {"no": self.pk, "name": mask_name(self.worker.name)}

    @property
    def paid(self) -> bool:
        return hasattr(self, "payment")  # the reverse one-to-one raises (an AttributeError) when unpaid

    def precheck_messages(self) -> list[str]:
        """The recorded pre-check findings in the reader's language."""
        texts = []
        for reason in self.precheck_reasons or []:
            if reason.get("code") == "income_over_limit":
                texts.append(gettext("Household income per member is above the campaign's limit."))
            elif reason.get("code") == "evidence_missing":
                texts.append(gettext("Documents not provided: %(names)s") % {
                    "names": "、".join(reason.get("missing", []))})
            elif reason.get("code") == "not_active_member":  # found by a later re-check (campaigns.recheck)
                texts.append(gettext("No longer an active member of a union this campaign covers."))
            elif reason.get("code") == "hardship_file_missing":
                texts.append(gettext("This category requires a hardship file, but none is filed on record "
                                     "and none was declared."))
        return texts

    def check_move(self, to_status: str, *, reason: str = "") -> None:
        if to_status not in TRANSITIONS.get(self.status, ()):
            raise ValidationError({"status": gettext("This application has already been decided (%(status)s).")
                                   % {"status": self.get_status_display()}})
        if to_status == Status.REJECTED and not (reason or "").strip():
            raise ValidationError({"reason": gettext("Please give the reason for the rejection.")})


class ApplicationEvent(models.Model):
    application = models.ForeignKey(Application, related_name="events", on_delete=models.CASCADE)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, related_name="+",
                              on_delete=models.SET_NULL)
    at = models.DateTimeField(_("time"), auto_now_add=True)
    from_status = models.CharField(_("from"), max_length=12, blank=True)
    to_status = models.CharField(_("to"), max_length=12, choices=Status.choices)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("application event")
        verbose_name_plural = _("application events")
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.application_id}: {self.from_status} → {self.to_status}"


class Lottery(models.Model):
    """A draw among eligible applications when they ask for more than the budget left.

    The seed and the candidates in their recorded order are kept, so anyone can redo the draw."""

    campaign = models.OneToOneField(Campaign, verbose_name=_("campaign"), related_name="lottery",
                                    on_delete=models.PROTECT)
    seed = models.CharField(_("seed"), max_length=40)
    candidates = models.JSONField(_("candidates"), default=list)
    drawn_order = models.JSONField(_("drawn order"), default=list)
    approved = models.JSONField(_("approved applications"), default=list)
    budget_left = models.DecimalField(_("budget left before the draw"), **MONEY)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("drawn by"), null=True, related_name="+",
                              on_delete=models.SET_NULL)
    drawn_at = models.DateTimeField(_("drawn at"), auto_now_add=True)

    class Meta:
        verbose_name = _("lottery")
        verbose_name_plural = _("lotteries")

    def __str__(self):
        return f"{self.campaign_id} #{self.seed}"


class PaymentBatch(models.Model):
    campaign = models.ForeignKey(Campaign, verbose_name=_("campaign"), related_name="batches",
                                 on_delete=models.PROTECT)
    idempotency_key = models.CharField(_("idempotency key"), max_length=64, unique=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True,
                                   related_name="+", on_delete=models.SET_NULL)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    exported_at = models.DateTimeField(_("last exported at"), null=True, blank=True)

    class Meta:
        verbose_name = _("payment batch")
        verbose_name_plural = _("payment batches")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return gettext("Payment batch %(no)s") % {"no": self.pk}


class Payment(models.Model):
    """One payment of one grant. UNIQUE on the application: a second payment of a grant cannot exist."""

    application = models.OneToOneField(Application, verbose_name=_("application"), related_name="payment",
                                       on_delete=models.PROTECT)
    batch = models.ForeignKey(PaymentBatch, verbose_name=_("batch"), null=True, blank=True,
                              related_name="payments", on_delete=models.PROTECT)
    amount = models.DecimalField(_("amount (yuan)"), **MONEY)
    idempotency_key = models.CharField(_("idempotency key"), max_length=64, unique=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True,
                                   related_name="+", on_delete=models.SET_NULL)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["pk"]
        constraints = [models.CheckConstraint(condition=models.Q(amount__gt=0), name="aid_payment_positive")]

    def __str__(self):
        return f"{self.application_id} ¥{self.amount}"
