"""Collective contracts (集体合同, R3.8) and the bargaining steps that lead to them.

A contract moves through its stages only by `Contract.check_advance` (called by
`gonghui.contracts.services.contract_advance`), and every move leaves a ContractEvent behind.
The statutory clocks follow the 集体合同规定: a written reply to an offer within 20 days (art. 32),
filing with the labour department within 10 days of signing (art. 42), in force when the department
raises no objection within 15 days of receiving it (art. 47). All are calendar days.
"""

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from gonghui.core.scoping import ScopedQuerySet

REPLY_DAYS = 20
FILING_DAYS = 10
REVIEW_DAYS = 15
MIN_TERM_YEARS, MAX_TERM_YEARS = 1, 3


class Kind(models.TextChoices):
    COMPREHENSIVE = "comprehensive", _("Comprehensive collective contract")
    WAGE = "wage", _("Wage-specific collective contract")
    FEMALE = "female", _("Special contract on female workers' rights")
    INDUSTRY = "industry", _("Industry collective contract")
    REGIONAL = "regional", _("Regional collective contract")


# Industry and regional contracts are signed with a representative of the employers, not one enterprise.
SECTOR_KINDS = frozenset({Kind.INDUSTRY, Kind.REGIONAL})


class Stage(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OFFERED = "offered", _("Offer made (要约)")
    NEGOTIATING = "negotiating", _("Negotiating")
    APPROVED = "approved", _("Approved by the workers' congress")
    SIGNED = "signed", _("Signed")
    FILED = "filed", _("Filed for review")
    EFFECTIVE = "effective", _("In force")


# FILED → NEGOTIATING is the labour department's objection: the parties negotiate again.
TRANSITIONS: dict[str, frozenset[str]] = {
    Stage.DRAFT: frozenset({Stage.OFFERED}),
    Stage.OFFERED: frozenset({Stage.NEGOTIATING}),
    Stage.NEGOTIATING: frozenset({Stage.APPROVED}),
    Stage.APPROVED: frozenset({Stage.SIGNED}),
    Stage.SIGNED: frozenset({Stage.FILED}),
    Stage.FILED: frozenset({Stage.EFFECTIVE, Stage.NEGOTIATING}),
    Stage.EFFECTIVE: frozenset(),
}
STAGE_ORDER = tuple(Stage.values)


def add_years(day: dt.date, years: int) -> dt.date:
    """The same calendar day `years` later; 29 February becomes 28 February in a common year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


class Contract(models.Model):
    SCOPE_ORG_FIELDS = ("org",)

    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, db_index=True)
    org = models.ForeignKey("orgs.Org", verbose_name=_("union party"), related_name="collective_contracts",
                            on_delete=models.PROTECT)
    employer = models.ForeignKey(
        "enterprises.Enterprise", verbose_name=_("employer party"), null=True, blank=True,
        related_name="collective_contracts", on_delete=models.PROTECT,
    )
    employer_representative = models.CharField(
        _("employers' representative"), max_length=200, blank=True,
        help_text=_("For industry and regional contracts: the employers' organisation or representative."),
    )
    covered_enterprises = models.ManyToManyField("enterprises.Enterprise", verbose_name=_("covered enterprises"),
                                                 related_name="covering_contracts", blank=True)
    covered_workers = models.PositiveIntegerField(_("workers covered"), default=0)
    term_years = models.PositiveSmallIntegerField(_("term (years)"), default=3)
    topic_pay = models.BooleanField(_("platform workers: pay"), default=False)
    topic_rest = models.BooleanField(_("platform workers: rest"), default=False)
    topic_social_insurance = models.BooleanField(_("platform workers: social insurance"), default=False)
    topic_algorithm = models.BooleanField(_("platform workers: algorithm rules (算法公平)"), default=False)
    stage = models.CharField(_("stage"), max_length=16, choices=Stage.choices, default=Stage.DRAFT, db_index=True)
    offered_on = models.DateField(_("offer date"), null=True, blank=True)
    replied_on = models.DateField(_("written reply received"), null=True, blank=True)
    congress_on = models.DateField(_("workers' congress date"), null=True, blank=True)
    congress_total = models.PositiveIntegerField(_("congress members in total"), null=True, blank=True)
    congress_present = models.PositiveIntegerField(_("congress members present"), null=True, blank=True)
    congress_for = models.PositiveIntegerField(_("votes for"), null=True, blank=True)
    signed_on = models.DateField(_("signing date"), null=True, blank=True)
    expires_on = models.DateField(_("expiry date"), null=True, blank=True, db_index=True)
    filed_on = models.DateField(_("filing date"), null=True, blank=True)
    effective_on = models.DateField(_("in force from"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("collective contract")
        verbose_name_plural = _("collective contracts")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(term_years__gte=MIN_TERM_YEARS, term_years__lte=MAX_TERM_YEARS),
                                   name="contract_term_1_to_3_years"),
        ]

    def __str__(self):
        return self.title

    # --- clocks -----------------------------------------------------------------------------------

    @property
    def reply_due(self) -> dt.date | None:
        return self.offered_on + dt.timedelta(days=REPLY_DAYS) if self.offered_on else None

    @property
    def filing_due(self) -> dt.date | None:
        return self.signed_on + dt.timedelta(days=FILING_DAYS) if self.signed_on else None

    @property
    def review_ends(self) -> dt.date | None:
        return self.filed_on + dt.timedelta(days=REVIEW_DAYS) if self.filed_on else None

    def clocks(self, today: dt.date | None = None) -> list[dict]:
        """Each statutory clock that has started: its due date, when it was met, and whether it is overdue."""
        today = today or timezone.localdate()
        rows = []
        # The review clock is the department's, not the parties': it cannot be "overdue" for them.
        for label, due, done, parties in (
            (_("Written reply to the offer"), self.reply_due, self.replied_on, True),
            (_("Filing with the labour department"), self.filing_due, self.filed_on, True),
            (_("Review by the labour department (in force without objection)"), self.review_ends,
             self.effective_on, False),
        ):
            if due is None:
                continue
            overdue = parties and (done > due if done else today > due)
            rows.append({"label": label, "due": due, "done": done, "overdue": overdue,
                         "days_left": None if done else (due - today).days})
        return rows

    @property
    def is_expired(self) -> bool:
        return bool(self.expires_on and self.expires_on < timezone.localdate())

    @property
    def topics(self) -> list[tuple[str, bool]]:
        return [(self._meta.get_field(name).verbose_name, getattr(self, name)) for name in
                ("topic_pay", "topic_rest", "topic_social_insurance", "topic_algorithm")]

    def allowed_stages(self) -> list[str]:
        return [s for s in STAGE_ORDER if s in TRANSITIONS[self.stage]]

    # --- the one transition check -----------------------------------------------------------------

    def _previous_step_date(self) -> dt.date | None:
        """The date of the last step recorded (a step cannot be dated before it); None for a draft."""
        last = self.events.order_by("-on", "-pk").first() if self.pk else None
        return last.on if last else None

    def check_advance(self, to_stage: str, *, on, note: str = "", total=None, present=None,
                      votes_for=None) -> None:
        """Raise ValidationError naming the field unless moving to `to_stage` on day `on` is allowed."""
        if to_stage not in Stage.values:
            raise ValidationError({"to_stage": gettext("Please choose one of the stages in the list.")})
        if to_stage not in TRANSITIONS[self.stage]:
            raise ValidationError({"to_stage": gettext(
                "A contract at stage “%(from)s” cannot move to “%(to)s”.")
                % {"from": self.get_stage_display(), "to": Stage(to_stage).label}})
        errors: dict[str, str] = {}
        if not isinstance(on, dt.date) or isinstance(on, dt.datetime):
            raise ValidationError({"on": gettext("Please enter a date such as 2025-06-30.")})
        if on > timezone.localdate():
            errors["on"] = gettext("The date cannot be in the future.")
        previous = self._previous_step_date()
        if previous and on < previous:
            errors["on"] = gettext("The date cannot be before the previous step (%(date)s).") % {
                "date": previous.isoformat()}
        if to_stage == Stage.EFFECTIVE and self.review_ends and on < self.review_ends:
            errors["on"] = gettext(
                "The contract comes into force only when the labour department has raised no objection for "
                "%(days)d days after filing, that is on %(date)s or later.") % {
                "days": REVIEW_DAYS, "date": self.review_ends.isoformat()}
        if to_stage == Stage.NEGOTIATING and self.stage == Stage.FILED:
            if not (note or "").strip():
                errors["note"] = gettext("Please record the labour department's objection.")
            elif self.review_ends and on > self.review_ends:
                errors["on"] = gettext("An objection must come within %(days)d days of filing (by %(date)s).") % {
                    "days": REVIEW_DAYS, "date": self.review_ends.isoformat()}
        if to_stage == Stage.APPROVED:
            errors.update(check_vote(total=total, present=present, votes_for=votes_for))
        if errors:
            raise ValidationError(errors)


def check_vote(*, total, present, votes_for) -> dict[str, str]:
    """The workers' congress rule: at least two thirds of the members present, more than half of them for."""
    errors: dict[str, str] = {}
    for name, value in (("total", total), ("present", present), ("votes_for", votes_for)):
        if value is None or isinstance(value, bool) or not isinstance(value, int):
            errors[name] = gettext("Please enter a whole number.")
        elif value < 0:
            errors[name] = gettext("This number cannot be negative.")
    if errors:
        return errors
    if total == 0:
        errors["total"] = gettext("The congress must have at least one member.")
    elif present > total:
        errors["present"] = gettext("More members present (%(present)d) than the congress has (%(total)d).") % {
            "present": present, "total": total}
    elif 3 * present < 2 * total:
        errors["present"] = gettext(
            "The vote is not valid: %(present)d of %(total)d members present is less than two thirds.") % {
            "present": present, "total": total}
    elif votes_for > present:
        errors["votes_for"] = gettext("More votes for (%(votes)d) than members present (%(present)d).") % {
            "votes": votes_for, "present": present}
    elif 2 * votes_for <= present:
        errors["votes_for"] = gettext(
            "The contract was not approved: %(votes)d votes for is not more than half of the %(present)d "
            "members present.") % {"votes": votes_for, "present": present}
    return errors


class ContractEvent(models.Model):
    """One step of the bargaining: who recorded it, the date it happened, from and to which stage."""

    contract = models.ForeignKey(Contract, verbose_name=_("contract"), related_name="events",
                                 on_delete=models.CASCADE)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, blank=True,
                              related_name="+", on_delete=models.SET_NULL)
    at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    on = models.DateField(_("date"))
    from_stage = models.CharField(_("from"), max_length=16, choices=Stage.choices)
    to_stage = models.CharField(_("to"), max_length=16, choices=Stage.choices)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("contract event")
        verbose_name_plural = _("contract events")
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.contract_id}: {self.from_stage} → {self.to_stage}"


class ExpiryReminder(models.Model):
    """An expiry reminder, made once per contract, window and expiry date by the periodic task."""

    SCOPE_ORG_FIELDS = ("contract__org",)

    contract = models.ForeignKey(Contract, verbose_name=_("contract"), related_name="reminders",
                                 on_delete=models.CASCADE)
    window_days = models.PositiveSmallIntegerField(_("days before expiry"))
    expires_on = models.DateField(_("expiry date"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("expiry reminder")
        verbose_name_plural = _("expiry reminders")
        ordering = ["-created_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["contract", "window_days", "expires_on"],
                                               name="one_reminder_per_contract_window")]

    def __str__(self):
        return f"{self.contract_id} -{self.window_days}d"
