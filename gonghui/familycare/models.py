"""Care for working families (R3.7): workers' children's summer classes (职工子女暑托班) and nursing rooms
(爱心妈咪小屋).

A summer class takes members' children first come, first served; when it is full an enrolment waits,
and a cancellation moves the first in the queue up. An enrolment changes status only through
`Enrolment.check_move` (called by `gonghui.familycare.services`), and every change leaves an EnrolmentEvent.
A round is a calendar year: one class per child per round, and a family whose attendance fell below
70% in one round may not enrol in the next.
"""

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from gonghui.core.scoping import ScopedQuerySet

MIN_ATTENDANCE = Decimal("0.7")
MIN_ROOM_AREA = Decimal("10")


class SummerClass(models.Model):
    SCOPE_ORG_FIELDS = ("org",)

    org = models.ForeignKey("orgs.Org", verbose_name=_("organised by"), related_name="summer_classes",
                            on_delete=models.PROTECT)
    name = models.CharField(_("name"), max_length=100)
    year = models.PositiveSmallIntegerField(_("round (year)"), db_index=True, editable=False)
    capacity = models.PositiveIntegerField(_("places"))
    min_age = models.PositiveSmallIntegerField(_("youngest age"))
    max_age = models.PositiveSmallIntegerField(_("oldest age"))
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))
    sessions = models.CharField(_("sessions"), max_length=200, blank=True,
                                help_text=_("When the class meets, such as “Mon–Fri 8:30–16:30”."))
    address = models.CharField(_("address"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("summer class")
        verbose_name_plural = _("summer classes")
        ordering = ["-starts_on", "name", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(min_age__lte=models.F("max_age")), name="summer_class_age_range"),
            models.CheckConstraint(condition=Q(starts_on__lte=models.F("ends_on")), name="summer_class_dates"),
        ]

    def __str__(self):
        return self.name


class Child(models.Model):
    """A worker's child, as the parent entered them when enrolling."""

    SCOPE_ORG_FIELDS = ("worker__org",)
    SCOPE_OWNER_FIELD = "worker__user"

    worker = models.ForeignKey("members.Worker", verbose_name=_("parent"), related_name="children",
                               on_delete=models.CASCADE)
    name = models.CharField(_("child's name"), max_length=50)
    birth_date = models.DateField(_("child's birth date"))

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("child")
        verbose_name_plural = _("children")
        constraints = [models.UniqueConstraint(fields=["worker", "name", "birth_date"], name="one_child_row")]

    def __str__(self):
        return self.name

    def age_on(self, day: dt.date) -> int:
        return day.year - self.birth_date.year - ((day.month, day.day) < (self.birth_date.month, self.birth_date.day))


class EnrolmentStatus(models.TextChoices):
    ENROLLED = "enrolled", _("Place confirmed")
    WAITING = "waiting", _("On the waiting list")
    CANCELLED = "cancelled", _("Cancelled")


ACTIVE_STATUSES = (EnrolmentStatus.ENROLLED, EnrolmentStatus.WAITING)
ENROLMENT_MOVES: dict[str, frozenset[str]] = {
    EnrolmentStatus.WAITING: frozenset({EnrolmentStatus.ENROLLED, EnrolmentStatus.CANCELLED}),
    EnrolmentStatus.ENROLLED: frozenset({EnrolmentStatus.CANCELLED}),
    EnrolmentStatus.CANCELLED: frozenset(),
}


class Enrolment(models.Model):
    SCOPE_ORG_FIELDS = ("summer_class__org",)
    SCOPE_OWNER_FIELD = "worker__user"

    summer_class = models.ForeignKey(SummerClass, verbose_name=_("summer class"), related_name="enrolments",
                                     on_delete=models.PROTECT)
    child = models.ForeignKey(Child, verbose_name=_("child"), related_name="enrolments", on_delete=models.PROTECT)
    worker = models.ForeignKey("members.Worker", verbose_name=_("parent"), related_name="summer_enrolments",
                               on_delete=models.PROTECT)
    year = models.PositiveSmallIntegerField(_("round (year)"))
    status = models.CharField(_("status"), max_length=12, choices=EnrolmentStatus.choices, db_index=True)
    created_at = models.DateTimeField(_("applied at"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        ordering = ["created_at", "pk"]  # first come, first served
        constraints = [
            models.UniqueConstraint(fields=["child", "year"], condition=Q(status__in=["enrolled", "waiting"]),
                                    name="one_class_per_child_per_round"),
        ]

    def __str__(self):
        return f"{self.child} · {self.summer_class}"

    def check_move(self, to_status: str) -> None:
        if to_status not in ENROLMENT_MOVES[self.status]:
            raise ValidationError(gettext("An enrolment that is “%(from)s” cannot become “%(to)s”.") % {
                "from": self.get_status_display(), "to": EnrolmentStatus(to_status).label})


class EnrolmentEvent(models.Model):
    enrolment = models.ForeignKey(Enrolment, related_name="events", on_delete=models.CASCADE)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, related_name="+",
                              on_delete=models.SET_NULL)
    at = models.DateTimeField(_("at"), auto_now_add=True)
    from_status = models.CharField(_("from"), max_length=12, choices=EnrolmentStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=12, choices=EnrolmentStatus.choices)

    class Meta:
        verbose_name = _("enrolment event")
        verbose_name_plural = _("enrolment events")
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.enrolment_id}: {self.from_status} → {self.to_status}"


class Attendance(models.Model):
    enrolment = models.ForeignKey(Enrolment, related_name="attendance", on_delete=models.CASCADE)
    day = models.DateField(_("day"))
    present = models.BooleanField(_("present"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, related_name="+",
                                    on_delete=models.SET_NULL)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [models.UniqueConstraint(fields=["enrolment", "day"], name="one_attendance_per_day")]

    def __str__(self):
        return f"{self.enrolment_id} {self.day}"


class NursingRoom(models.Model):
    """A nursing room (爱心妈咪小屋). It meets the standard with 10 m² or more and every item."""

    SCOPE_ORG_FIELDS = ("org",)
    ITEMS = ("lockable", "changing_table", "sink", "fridge")

    org = models.ForeignKey("orgs.Org", verbose_name=_("union"), related_name="nursing_rooms",
                            on_delete=models.PROTECT)
    name = models.CharField(_("name"), max_length=100)
    address = models.CharField(_("place and address"), max_length=200)
    area_m2 = models.DecimalField(_("area (m²)"), max_digits=6, decimal_places=1)
    lockable = models.BooleanField(_("door can be locked"), default=False)
    changing_table = models.BooleanField(_("changing table"), default=False)
    sink = models.BooleanField(_("sink"), default=False)
    fridge = models.BooleanField(_("fridge"), default=False)
    opening_hours = models.CharField(_("opening hours"), max_length=200, blank=True)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("nursing room")
        verbose_name_plural = _("nursing rooms")
        ordering = ["name", "pk"]

    def __str__(self):
        return self.name

    @property
    def shortfalls(self) -> list[str]:
        """What keeps the room below the standard (empty when it meets it)."""
        missing = [str(_("area under 10 m²"))] if self.area_m2 is not None and self.area_m2 < MIN_ROOM_AREA else []
        return missing + [str(self._meta.get_field(item).verbose_name) for item in self.ITEMS
                          if not getattr(self, item)]

    @property
    def below_standard(self) -> bool:
        return bool(self.shortfalls)
