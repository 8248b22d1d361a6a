"""Writes for summer classes and nursing rooms: keyword-only, atomic, audited.

Enrolments lock the class row (select_for_update on PostgreSQL; SQLite runs writers one at a time
through IMMEDIATE transactions), so two parents asking for the last place cannot both get it.
`_move` is the one place an enrolment changes status; it checks the move and leaves an event.
"""

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.audit.services import audit_record
from gonghui.core.scoping import MANAGE, can
from gonghui.members.models import Worker
from gonghui.members.selectors import my_active_membership

from .models import (
    ACTIVE_STATUSES,
    MIN_ATTENDANCE,
    Attendance,
    Child,
    Enrolment,
    EnrolmentEvent,
    EnrolmentStatus,
    NursingRoom,
    SummerClass,
)

MAX_CAPACITY = 10_000
MAX_AGE = 17


def _is_date(value) -> bool:
    return isinstance(value, dt.date) and not isinstance(value, dt.datetime)


def _whole(value, field, errors, *, low=0, high=None, message=None):
    if value is None or isinstance(value, bool) or not isinstance(value, int):
        errors[field] = _("Please enter a whole number.")
    elif value < low or (high is not None and value > high):
        errors[field] = message


# --- classes -------------------------------------------------------------------------------------

@transaction.atomic
def class_create(*, actor, org, name: str, capacity: int, min_age: int, max_age: int, starts_on: dt.date,
                 ends_on: dt.date, sessions: str = "", address: str = "", request=None) -> SummerClass:
    errors: dict[str, str] = {}
    if org is None or not can(actor, MANAGE, org):
        errors["org"] = _("Please choose a union you manage.")
    name = (name or "").strip()
    if not name:
        errors["name"] = _("Please enter the name of the class.")
    elif len(name) > 100:
        errors["name"] = _("The name may be at most 100 characters.")
    _whole(capacity, "capacity", errors, low=1, high=MAX_CAPACITY,
           message=_("The number of places must be between 1 and %(max)d.") % {"max": MAX_CAPACITY})
    for field, value in (("min_age", min_age), ("max_age", max_age)):
        _whole(value, field, errors, high=MAX_AGE,
               message=_("Ages must be between 0 and %(max)d.") % {"max": MAX_AGE})
    if not errors.get("min_age") and not errors.get("max_age") and min_age > max_age:
        errors["max_age"] = _("The oldest age cannot be below the youngest age.")
    for field, value in (("starts_on", starts_on), ("ends_on", ends_on)):
        if not _is_date(value):
            errors[field] = _("Please enter a date such as 2025-06-30.")
    if not errors.get("starts_on") and not errors.get("ends_on"):
        if ends_on < starts_on:
            errors["ends_on"] = _("The last day cannot be before the first day.")
        elif ends_on.year != starts_on.year:
            errors["ends_on"] = _("A class runs within one year (one round).")
    sessions, address = (sessions or "").strip(), (address or "").strip()
    if len(sessions) > 200:
        errors["sessions"] = _("The sessions may be at most 200 characters.")
    if len(address) > 200:
        errors["address"] = _("The address may be at most 200 characters.")
    if errors:
        raise ValidationError(errors)
    summer_class = SummerClass.objects.create(
        org=org, name=name, year=starts_on.year, capacity=capacity, min_age=min_age, max_age=max_age,
        starts_on=starts_on, ends_on=ends_on, sessions=sessions, address=address)
    audit_record(actor=actor, action="familycare.class_create", target=summer_class, request=request)
    return summer_class


CLASS_EDITABLE = ("name", "capacity", "sessions", "address")


@transaction.atomic
def class_update(*, actor, summer_class: SummerClass, request=None, **changes) -> SummerClass:
    """Change the name, places, sessions or address. More places move the waiting list up (first come first);
    fewer places than children already confirmed is refused. Ages and dates are fixed once created."""
    summer_class = _locked_class(summer_class)
    if not may_manage_class(actor, summer_class):
        raise PermissionDenied
    unknown = set(changes) - set(CLASS_EDITABLE)
    if unknown:
        raise ValidationError({name: _("This field cannot be changed.") for name in sorted(unknown)})
    errors: dict[str, str] = {}
    for field, limit in (("name", 100), ("sessions", 200), ("address", 200)):
        if field in changes:
            changes[field] = (changes[field] or "").strip()
            if len(changes[field]) > limit:
                errors[field] = _("At most %(n)d characters.") % {"n": limit}
    if "name" in changes and not changes["name"]:
        errors["name"] = _("Please enter the name of the class.")
    enrolled = summer_class.enrolments.filter(status=EnrolmentStatus.ENROLLED).count()
    if "capacity" in changes:
        _whole(changes["capacity"], "capacity", errors, low=1, high=MAX_CAPACITY,
               message=_("The number of places must be between 1 and %(max)d.") % {"max": MAX_CAPACITY})
        if "capacity" not in errors and changes["capacity"] < enrolled:
            errors["capacity"] = _("%(n)d children already have a place: the class cannot have fewer places.") % {
                "n": enrolled}
    if errors:
        raise ValidationError(errors)
    for name, value in changes.items():
        setattr(summer_class, name, value)
    summer_class.save()
    free = summer_class.capacity - enrolled
    promoted = list(summer_class.enrolments.filter(status=EnrolmentStatus.WAITING).order_by("created_at", "pk")[
        :max(free, 0)])
    for enrolment in promoted:
        _move(enrolment, EnrolmentStatus.ENROLLED, actor=actor)
    audit_record(actor=actor, action="familycare.class_update", target=summer_class, request=request,
                 detail={"fields": sorted(changes), "promoted": [e.pk for e in promoted]})
    return summer_class


# --- enrolment -----------------------------------------------------------------------------------

def barred_by(worker: Worker, year: int) -> Enrolment | None:
    """The family's enrolment of the previous round whose attendance fell below 70%, if any.

    Enrolments cancelled after attendance was taken count too: leaving at the end does not lift the bar.
    """
    previous = Enrolment.objects.filter(worker=worker, year=year - 1).select_related("summer_class").annotate(
        days=Count("attendance"), present=Count("attendance", filter=Q(attendance__present=True)))
    for enrolment in previous:  # one query, not one per enrolment
        if enrolment.days and Decimal(enrolment.present) / Decimal(enrolment.days) < MIN_ATTENDANCE:
            return enrolment
    return None


def _move(enrolment: Enrolment, to_status: str, *, actor) -> None:
    enrolment.check_move(to_status)
    EnrolmentEvent.objects.create(enrolment=enrolment, actor=actor, from_status=enrolment.status,
                                  to_status=to_status)
    enrolment.status = to_status
    enrolment.save(update_fields=["status"])


def _locked_class(summer_class: SummerClass) -> SummerClass:
    return SummerClass.objects.select_for_update().get(pk=summer_class.pk)


def _check_child(name, birth_date, summer_class: SummerClass, errors: dict) -> str:
    name = (name or "").strip()
    if not name:
        errors["child_name"] = _("Please enter the child's name.")
    elif len(name) > 50:
        errors["child_name"] = _("The child's name may be at most 50 characters.")
    if not _is_date(birth_date):
        errors["child_birth_date"] = _("Please enter a date such as 2015-06-30.")
    elif birth_date > timezone.localdate():
        errors["child_birth_date"] = _("The birth date cannot be in the future.")
    else:
        age = Child(birth_date=birth_date).age_on(summer_class.starts_on)
        if not summer_class.min_age <= age <= summer_class.max_age:
            errors["child_birth_date"] = _(
                "On the first day of the class (%(day)s) the child will be %(age)d; this class takes children "
                "aged %(min)d to %(max)d.") % {"day": summer_class.starts_on.isoformat(), "age": age,
                                               "min": summer_class.min_age, "max": summer_class.max_age}
    return name


@transaction.atomic
def enrol(*, actor, summer_class: SummerClass, child_name: str, child_birth_date: dt.date,
          request=None) -> Enrolment:
    """A member enrols a child: a place while there is one, else the waiting list."""
    summer_class = _locked_class(summer_class)
    membership = my_active_membership(actor) if actor is not None else None
    if membership is None:
        raise ValidationError(_("Summer classes are for union members: you need an active membership to enrol."))
    worker = membership.worker
    if summer_class.starts_on <= timezone.localdate():
        raise ValidationError(_("Enrolment for this class has closed: it starts on %(day)s.") % {
            "day": summer_class.starts_on.isoformat()})
    errors: dict[str, str] = {}
    name = _check_child(child_name, child_birth_date, summer_class, errors)
    if errors:
        raise ValidationError(errors)
    barred = barred_by(worker, summer_class.year)
    if barred is not None:
        raise ValidationError(_(
            "Your family attended less than 70%% of the days of %(class)s in %(year)d, so it cannot enrol in the "
            "next round.") % {"class": barred.summer_class.name, "year": barred.year})
    child, _created = Child.objects.get_or_create(worker=worker, name=name, birth_date=child_birth_date)
    taken = Enrolment.objects.filter(child=child, year=summer_class.year, status__in=ACTIVE_STATUSES).first()
    if taken is not None:
        raise ValidationError({"child_name": _(
            "%(name)s already has a place or a waiting-list entry in %(class)s this round; one class per child "
            "per round.") % {"name": name, "class": taken.summer_class.name}})
    enrolled = summer_class.enrolments.filter(status=EnrolmentStatus.ENROLLED).count()
    status = EnrolmentStatus.ENROLLED if enrolled < summer_class.capacity else EnrolmentStatus.WAITING
    try:
        with transaction.atomic():
            enrolment = Enrolment.objects.create(summer_class=summer_class, child=child, worker=worker,
                                                 year=summer_class.year, status=status)
    except IntegrityError:  # a concurrent enrolment of the same child won the race
        raise ValidationError({"child_name": _("This child is already enrolled this round.")}) from None
    EnrolmentEvent.objects.create(enrolment=enrolment, actor=actor, from_status="", to_status=status)
    audit_record(actor=actor, action="familycare.enrol", target=enrolment, request=request,
                 detail={"class": summer_class.pk, "status": status})
    return enrolment


def may_manage_class(user, summer_class: SummerClass) -> bool:
    return can(user, MANAGE, summer_class.org)


@transaction.atomic
def enrolment_cancel(*, actor, enrolment: Enrolment, request=None) -> Enrolment | None:
    """Cancel (by the parent or a cadre of the class); a freed place goes to the first on the waiting list.
    Returns the enrolment that moved up, if any."""
    summer_class = _locked_class(enrolment.summer_class)
    enrolment = Enrolment.objects.select_related("worker").get(pk=enrolment.pk)
    if enrolment.worker.user_id != getattr(actor, "pk", None) and not may_manage_class(actor, summer_class):
        raise PermissionDenied
    freed = enrolment.status == EnrolmentStatus.ENROLLED
    _move(enrolment, EnrolmentStatus.CANCELLED, actor=actor)
    promoted = None
    if freed:
        promoted = summer_class.enrolments.filter(status=EnrolmentStatus.WAITING).order_by("created_at", "pk").first()
        if promoted is not None:
            _move(promoted, EnrolmentStatus.ENROLLED, actor=actor)
    audit_record(actor=actor, action="familycare.cancel", target=enrolment, request=request,
                 detail={"promoted": promoted.pk if promoted else None})
    return promoted


@transaction.atomic
def attendance_record(*, actor, summer_class: SummerClass, day: dt.date, present_ids, request=None) -> int:
    """The attendance sheet of one day: every child with a place is marked present or absent; safe to resend."""
    summer_class = _locked_class(summer_class)
    if not may_manage_class(actor, summer_class):
        raise PermissionDenied
    if not _is_date(day):
        raise ValidationError({"day": _("Please enter a date such as 2025-06-30.")})
    if not summer_class.starts_on <= day <= summer_class.ends_on:
        raise ValidationError({"day": _("The day must fall within the class (%(start)s to %(end)s).") % {
            "start": summer_class.starts_on.isoformat(), "end": summer_class.ends_on.isoformat()}})
    if day > timezone.localdate():
        raise ValidationError({"day": _("Attendance cannot be recorded for a day still to come.")})
    enrolled = list(summer_class.enrolments.filter(status=EnrolmentStatus.ENROLLED).values_list("pk", flat=True))
    present_ids = {int(pk) for pk in present_ids}
    if present_ids - set(enrolled):
        raise ValidationError({"present": _("Please mark only children with a place in this class.")})
    for pk in enrolled:
        Attendance.objects.update_or_create(enrolment_id=pk, day=day,
                                            defaults={"present": pk in present_ids, "recorded_by": actor})
    audit_record(actor=actor, action="familycare.attendance", target=summer_class, request=request,
                 detail={"day": day.isoformat(), "present": len(present_ids), "of": len(enrolled)})
    return len(enrolled)


# --- nursing rooms -------------------------------------------------------------------------------

ROOM_FIELDS = ("name", "address", "area_m2", "lockable", "changing_table", "sink", "fridge", "opening_hours",
               "latitude", "longitude")


def _check_room(data: dict, errors: dict) -> None:
    for field, limit in (("name", 100), ("address", 200), ("opening_hours", 200)):
        if field in data:
            data[field] = (data[field] or "").strip()
            if len(data[field]) > limit:
                errors[field] = _("At most %(n)d characters.") % {"n": limit}
    for field in ("name", "address"):
        if field in data and not data[field]:
            errors[field] = _("This field is required.")
    if "area_m2" in data:
        try:
            data["area_m2"] = Decimal(str(data["area_m2"])).quantize(Decimal("0.1"))
            if not Decimal(0) < data["area_m2"] < Decimal(10000):
                errors["area_m2"] = _("Please enter the area in square metres, more than 0.")
        except (InvalidOperation, TypeError):
            errors["area_m2"] = _("Please enter the area in square metres, more than 0.")
    for field, bound in (("latitude", 90), ("longitude", 180)):
        if data.get(field) is not None:
            try:
                data[field] = Decimal(str(data[field])).quantize(Decimal("0.000001"))
                if abs(data[field]) > bound:
                    raise InvalidOperation
            except (InvalidOperation, TypeError):
                errors[field] = _("Please enter a coordinate between -%(n)d and %(n)d.") % {"n": bound}
    if "latitude" not in errors and "longitude" not in errors and \
            (data.get("latitude") is None) != (data.get("longitude") is None):
        errors["longitude"] = _("Please enter both coordinates or neither.")
    for field in NursingRoom.ITEMS:
        if field in data:
            data[field] = bool(data[field])


@transaction.atomic
def room_create(*, actor, org, request=None, **data) -> NursingRoom:
    errors: dict[str, str] = {}
    unknown = set(data) - set(ROOM_FIELDS)
    if unknown:
        raise ValidationError({name: _("This field cannot be changed.") for name in sorted(unknown)})
    if org is None or not can(actor, MANAGE, org):
        errors["org"] = _("Please choose a union you manage.")
    data = {"opening_hours": "", "latitude": None, "longitude": None, **data}
    _check_room(data, errors)
    if errors:
        raise ValidationError(errors)
    room = NursingRoom.objects.create(org=org, **data)
    audit_record(actor=actor, action="familycare.room_create", target=room, request=request)
    return room


@transaction.atomic
def room_update(*, actor, room: NursingRoom, request=None, **changes) -> NursingRoom:
    room = NursingRoom.objects.select_for_update().get(pk=room.pk)
    if not can(actor, MANAGE, room.org):
        raise PermissionDenied
    unknown = set(changes) - set(ROOM_FIELDS)
    if unknown:
        raise ValidationError({name: _("This field cannot be changed.") for name in sorted(unknown)})
    errors: dict[str, str] = {}
    merged = {"latitude": room.latitude, "longitude": room.longitude, **changes}
    _check_room(merged, errors)
    if errors:
        raise ValidationError(errors)
    for name in changes:
        setattr(room, name, merged[name])
    room.save()
    audit_record(actor=actor, action="familycare.room_update", target=room, request=request,
                 detail={"fields": sorted(changes)})
    return room


@transaction.atomic
def room_delete(*, actor, room: NursingRoom, request=None) -> None:
    room = NursingRoom.objects.select_for_update().get(pk=room.pk)
    if not can(actor, MANAGE, room.org):
        raise PermissionDenied
    audit_record(actor=actor, action="familycare.room_delete", target=room, request=request)
    room.delete()
