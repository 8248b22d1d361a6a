"""One establishment plan per census enterprise without a union ("一企一策", R2.3, R2.9).

A plan moves through its stages only by `EstablishmentPlan.check_move` (called by
`gonghui.outreach.services.plan_move`), and every move leaves a PlanEvent behind.
Plans are scoped like their enterprise: through its street and, once it has one, its union.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from gonghui.core.scoping import ScopedQuerySet


class Stage(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    VISITED = "visited", _("Visited")
    PREPARING = "preparing", _("Preparing")
    ESTABLISHED = "established", _("Union established")
    DECLINED = "declined", _("Declined")


# Which stage may follow which. "Established" is final; a declined plan can be taken up again.
TRANSITIONS: dict[str, frozenset[str]] = {
    Stage.NOT_STARTED: frozenset({Stage.VISITED, Stage.DECLINED}),
    Stage.VISITED: frozenset({Stage.PREPARING, Stage.DECLINED}),
    Stage.PREPARING: frozenset({Stage.ESTABLISHED, Stage.VISITED, Stage.DECLINED}),
    Stage.DECLINED: frozenset({Stage.NOT_STARTED, Stage.VISITED}),
    Stage.ESTABLISHED: frozenset(),
}
BOARD_STAGES = (Stage.NOT_STARTED, Stage.VISITED, Stage.PREPARING, Stage.ESTABLISHED, Stage.DECLINED)


class Concern(models.TextChoices):
    COST = "cost", _("Cost")
    MANAGEMENT = "management_resistance", _("Management resistance")
    NO_BENEFIT = "no_visible_benefit", _("No visible benefit")
    TOO_FEW = "too_few_workers", _("Too few workers")
    OTHER = "other", _("Other")


class Answer(models.TextChoices):
    AGREED = "agreed", _("Agreed to set up a union")
    CONSIDERING = "considering", _("Will consider it")
    UNDECIDED = "undecided", _("No answer yet")
    REFUSED = "refused", _("Refused for now")


class EstablishmentPlan(models.Model):
    SCOPE_ORG_FIELDS = ("enterprise__street", "enterprise__union")

    enterprise = models.OneToOneField(
        "enterprises.Enterprise", verbose_name=_("enterprise"), related_name="establishment_plan",
        on_delete=models.CASCADE,
    )
    commissioner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("union commissioner"), null=True, blank=True,
        related_name="establishment_plans", on_delete=models.SET_NULL,
    )
    stage = models.CharField(_("stage"), max_length=16, choices=Stage.choices, default=Stage.NOT_STARTED,
                             db_index=True)
    declined_reason = models.TextField(_("reason for declining"), blank=True)
    next_step = models.CharField(_("next step"), max_length=200, blank=True)
    target_date = models.DateField(_("target date"), null=True, blank=True)
    demonstration = models.BooleanField(_("demonstration enterprise"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("establishment plan")
        verbose_name_plural = _("establishment plans")
        ordering = ["pk"]

    def __str__(self):
        return gettext("Establishment plan of %(name)s") % {"name": self.enterprise.name}

    def allowed_stages(self) -> list[str]:
        return [s for s in BOARD_STAGES if s in TRANSITIONS[self.stage]]

    def check_move(self, to_stage: str, *, reason: str = "") -> None:
        """Raise ValidationError (on `to_stage` or `reason`) unless this move is allowed."""
        if to_stage not in Stage.values:
            raise ValidationError({"to_stage": gettext("Please choose one of the stages in the list.")})
        if to_stage not in TRANSITIONS[self.stage]:
            raise ValidationError({"to_stage": gettext(
                "A plan at stage “%(from)s” cannot move to “%(to)s”.")
                % {"from": self.get_stage_display(), "to": Stage(to_stage).label}})
        if to_stage == Stage.DECLINED and not (reason or "").strip():
            raise ValidationError({"reason": gettext("Please give the reason the enterprise declined.")})


class PlanVisit(models.Model):
    plan = models.ForeignKey(EstablishmentPlan, verbose_name=_("plan"), related_name="visits",
                             on_delete=models.CASCADE)
    visited_on = models.DateField(_("date of the visit"))
    commissioner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("union commissioner"), null=True, blank=True, related_name="+",
        on_delete=models.SET_NULL,
    )
    concerns = models.JSONField(_("concerns heard"), default=list, blank=True)
    answer = models.CharField(_("answer given"), max_length=16, choices=Answer.choices)
    notes = models.TextField(_("notes"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, related_name="+",
        on_delete=models.SET_NULL,
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        ordering = ["-visited_on", "-pk"]

    def __str__(self):
        return f"{self.plan_id} @ {self.visited_on}"

    def concern_labels(self) -> list[str]:
        labels = dict(Concern.choices)
        return [str(labels.get(c, c)) for c in self.concerns or []]


class PlanEvent(models.Model):
    """One stage move: who, when, from, to, and a note (or the reason for declining)."""

    plan = models.ForeignKey(EstablishmentPlan, verbose_name=_("plan"), related_name="events",
                             on_delete=models.CASCADE)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, related_name="+",
                              on_delete=models.SET_NULL)
    at = models.DateTimeField(_("at"), auto_now_add=True)
    from_stage = models.CharField(_("from"), max_length=16, choices=Stage.choices)
    to_stage = models.CharField(_("to"), max_length=16, choices=Stage.choices)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("plan event")
        verbose_name_plural = _("plan events")
        ordering = ["-at", "-pk"]

    def __str__(self):
        return f"{self.plan_id}: {self.from_stage} → {self.to_stage}"
