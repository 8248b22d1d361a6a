from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gonghui.core.choices import EmploymentForm, Industry
from gonghui.core.scoping import ScopedQuerySet
from gonghui.core.validators import validate_credit_code


class OrgKind(models.TextChoices):
    DISTRICT = "district", _("District federation")
    STREET = "street", _("Street/town union")
    INDUSTRY = "industry", _("Industry union federation")
    JOINT = "joint", _("Joint union")
    GRASSROOTS = "grassroots", _("Grassroots union")
    GROUP = "group", _("Union group")


class JointArea(models.TextChoices):
    BUSINESS_DISTRICT = "business_district", _("Business district")
    PARK = "park", _("Park")
    BUILDING = "building", _("Building")
    COMMUNITY = "community", _("Community")


class OrgStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    DORMANT = "dormant", _("Dormant")
    DISSOLVED = "dissolved", _("Dissolved")


# Which kinds may sit under which: the tree of R2.1.
ALLOWED_CHILDREN = {
    OrgKind.DISTRICT: {OrgKind.STREET, OrgKind.INDUSTRY, OrgKind.JOINT, OrgKind.GRASSROOTS},
    OrgKind.STREET: {OrgKind.INDUSTRY, OrgKind.JOINT, OrgKind.GRASSROOTS},
    OrgKind.INDUSTRY: {OrgKind.GRASSROOTS, OrgKind.GROUP},
    OrgKind.JOINT: {OrgKind.GRASSROOTS, OrgKind.GROUP},
    OrgKind.GRASSROOTS: {OrgKind.GROUP},
    OrgKind.GROUP: set(),
}
# Unions a worker can join directly (a group is part of a grassroots union, not a joinable body).
JOINABLE_KINDS = (OrgKind.GRASSROOTS, OrgKind.JOINT, OrgKind.INDUSTRY)


class Org(models.Model):
    """A union organisation in the district tree.

    `path` is the materialized path of primary keys ("/1/4/27/"): "everything under this street"
    is one indexed prefix match, and a role granted here covers every org whose path starts so.
    """

    SCOPE_ORG_FIELDS = ("self",)

    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=16, choices=OrgKind.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent"), null=True, blank=True, related_name="children", on_delete=models.PROTECT
    )
    path = models.CharField(_("path"), max_length=255, db_index=True, editable=False, default="")
    depth = models.PositiveSmallIntegerField(_("depth"), default=0, editable=False)
    street = models.ForeignKey(
        "self", verbose_name=_("street/town"), null=True, blank=True, related_name="+", on_delete=models.PROTECT,
        help_text=_("The street or town this org lies in; derived from the tree."), editable=False,
    )
    status = models.CharField(_("status"), max_length=12, choices=OrgStatus.choices, default=OrgStatus.ACTIVE)
    chair_name = models.CharField(_("chair"), max_length=50, blank=True)
    founded_on = models.DateField(_("founding date"), null=True, blank=True)
    credit_code = models.CharField(
        _("union credit code"), max_length=18, blank=True, null=True, unique=True, validators=[validate_credit_code]
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    joint_area = models.CharField(_("joint union area"), max_length=20, choices=JointArea.choices, blank=True)
    industry = models.CharField(_("industry"), max_length=1, choices=Industry.choices, blank=True)
    # Employment forms this industry federation or joint union takes in directly ("有处可依").
    serves_forms = models.JSONField(_("employment forms served"), default=list, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["path"]
        indexes = [models.Index(fields=["kind", "street"], name="org_kind_street")]

    def __str__(self):
        return self.name

    @property
    def is_joinable(self) -> bool:
        return self.kind in JOINABLE_KINDS and self.status == OrgStatus.ACTIVE

    def serves(self, form: str) -> bool:
        return form in (self.serves_forms or [])

    def serves_form_labels(self) -> list[str]:
        labels = dict(EmploymentForm.choices)
        return [str(labels.get(f, f)) for f in self.serves_forms or []]

    def ancestor_ids(self) -> list[int]:
        return [int(part) for part in self.path.strip("/").split("/") if part]


def org_root():
    return Org.objects.filter(parent__isnull=True).order_by("pk").first()


def district_name() -> str:
    root = org_root()
    return root.name if root else str(getattr(settings, "PRODUCT_NAME", "Gonghui"))
