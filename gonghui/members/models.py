from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gonghui.core.choices import NEW_FORMS, EmploymentForm
from gonghui.core.privacy import mask_mobile, mask_name
from gonghui.core.scoping import ScopedQuerySet


class Gender(models.TextChoices):
    MALE = "M", _("Male")
    FEMALE = "F", _("Female")


class Worker(models.Model):
    """A real-name worker, one row per person (the resident ID's blind index is unique).

    The resident ID is stored only encrypted (`id_cipher`) plus its keyed hash and its masked
    form; gender and birth date are derived from it. `org` is the union the worker belongs to
    or has applied to, kept by the membership services, so scoping is one prefix match.
    """

    SCOPE_ORG_FIELDS = ("org",)
    SCOPE_OWNER_FIELD = "user"

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("account"), null=True, blank=True,
        related_name="worker", on_delete=models.SET_NULL,
    )
    name = models.CharField(_("name"), max_length=50, db_index=True)
    id_cipher = models.TextField(_("resident ID (encrypted)"), editable=False)
    id_hash = models.CharField(_("resident ID blind index"), max_length=64, unique=True, editable=False)
    id_masked = models.CharField(_("resident ID"), max_length=18, editable=False)
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices)
    birth_date = models.DateField(_("birth date"))
    mobile = models.CharField(_("mobile number"), max_length=11, blank=True, db_index=True)
    employment_form = models.CharField(_("employment form"), max_length=20, choices=EmploymentForm.choices)
    employer = models.ForeignKey(
        "enterprises.Enterprise", verbose_name=_("employer"), null=True, blank=True, related_name="workers",
        on_delete=models.SET_NULL,
    )
    street = models.ForeignKey(
        "orgs.Org", verbose_name=_("street/town where they work"), null=True, blank=True, related_name="+",
        on_delete=models.SET_NULL,
    )
    org = models.ForeignKey(
        "orgs.Org", verbose_name=_("union"), null=True, blank=True, related_name="workers",
        on_delete=models.SET_NULL, editable=False,
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("worker")
        verbose_name_plural = _("workers")
        ordering = ["-id"]

    def __str__(self):
        return mask_name(self.name)

    @property
    def mobile_masked(self) -> str:
        return mask_mobile(self.mobile)

    @property
    def is_new_form(self) -> bool:
        return self.employment_form in NEW_FORMS


class MembershipStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting approval")
    ACTIVE = "active", _("Active")
    REJECTED = "rejected", _("Rejected")
    TRANSFERRED = "transferred", _("Transferred out")
    LEFT = "left", _("Left")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Membership(models.Model):
    """A worker's membership of one union, from application to its end.

    One person, one membership: the database refuses a second active (or a second pending) row
    for the same worker. A transfer is a new row pointing at the one it replaces.
    """

    SCOPE_ORG_FIELDS = ("org",)
    SCOPE_OWNER_FIELD = "worker__user"

    worker = models.ForeignKey(Worker, verbose_name=_("worker"), related_name="memberships", on_delete=models.PROTECT)
    org = models.ForeignKey(
        "orgs.Org", verbose_name=_("union"), related_name="memberships", on_delete=models.PROTECT
    )
    status = models.CharField(_("status"), max_length=12, choices=MembershipStatus.choices, db_index=True)
    card_no = models.CharField(_("card number"), max_length=20, blank=True, db_index=True)
    joined_on = models.DateField(_("join date"), null=True, blank=True)
    applied_at = models.DateTimeField(_("applied at"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("decided by"), null=True, blank=True, related_name="+",
        on_delete=models.SET_NULL,
    )
    ended_on = models.DateField(_("end date"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    # A ForeignKey, not one-to-one: a transfer request that is rejected or withdrawn still points at the
    # active membership, and the member must be able to ask again (one pending row per worker at a time).
    transfer_from = models.ForeignKey(
        "self", verbose_name=_("transferred from"), null=True, blank=True, related_name="transfer_requests",
        on_delete=models.PROTECT,
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["-applied_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["worker"], condition=Q(status="active"), name="one_active_membership_per_worker"
            ),
            models.UniqueConstraint(
                fields=["worker"], condition=Q(status="pending"), name="one_pending_application_per_worker"
            ),
        ]
        indexes = [models.Index(fields=["org", "status"], name="membership_org_status")]

    def __str__(self):
        return f"{self.worker} · {self.org} · {self.get_status_display()}"

    @property
    def is_transfer(self) -> bool:
        return self.transfer_from_id is not None


class MembershipEvent(models.Model):
    """The history of a membership: who did what, when, with which note."""

    membership = models.ForeignKey(Membership, related_name="events", on_delete=models.CASCADE)
    action = models.CharField(_("action"), max_length=20)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    at = models.DateTimeField(_("time"), auto_now_add=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("membership event")
        verbose_name_plural = _("membership events")
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.action}"
