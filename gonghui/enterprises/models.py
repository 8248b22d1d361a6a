from django.db import models
from django.utils.translation import gettext_lazy as _

from gonghui.core.choices import Industry
from gonghui.core.scoping import ScopedQuerySet
from gonghui.core.validators import validate_credit_code


class Ownership(models.TextChoices):
    STATE = "state", _("State-owned")
    COLLECTIVE = "collective", _("Collective")
    PRIVATE = "private", _("Private")
    FOREIGN = "foreign", _("Foreign-invested")
    HMT = "hmt", _("Hong Kong, Macao or Taiwan invested")
    JOINT_STOCK = "joint_stock", _("Joint-stock")
    SOCIAL_ORG = "social_org", _("Social organisation")
    INDIVIDUAL = "individual", _("Individual business")
    OTHER = "other", _("Other")


# Non-public (非公) enterprises: everything but state and collective ownership.
PUBLIC_OWNERSHIP = frozenset({Ownership.STATE, Ownership.COLLECTIVE})


class Enterprise(models.Model):
    """A census enterprise. Visible to the cadres of its street and of the union that covers it."""

    SCOPE_ORG_FIELDS = ("street", "union")

    credit_code = models.CharField(
        _("unified social credit code"), max_length=18, unique=True, validators=[validate_credit_code]
    )
    name = models.CharField(_("name"), max_length=200, db_index=True)
    industry = models.CharField(_("industry"), max_length=1, choices=Industry.choices)
    ownership = models.CharField(_("ownership"), max_length=16, choices=Ownership.choices)
    headcount = models.PositiveIntegerField(_("headcount"), default=0)
    street = models.ForeignKey(
        "orgs.Org", verbose_name=_("street/town"), related_name="street_enterprises", on_delete=models.PROTECT
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    union = models.ForeignKey(
        "orgs.Org", verbose_name=_("covering union"), null=True, blank=True, related_name="enterprises",
        on_delete=models.SET_NULL,
        help_text=_("The enterprise's own grassroots union, or the joint or industry union that covers it."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("enterprise")
        verbose_name_plural = _("enterprises")
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def is_non_public(self) -> bool:
        return self.ownership not in PUBLIC_OWNERSHIP

    @property
    def has_union(self) -> bool:
        return self.union_id is not None
