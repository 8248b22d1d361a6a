"""Reads for summer classes and nursing rooms. Cadres see their subtree; a worker sees their own enrolments;
open classes and the nursing rooms are public facts."""

from decimal import Decimal

from django.db.models import Count, Q
from django.shortcuts import get_object_or_404
from django.utils import timezone

from gonghui.core.scoping import VIEW, gate, restrict

from .models import MIN_ROOM_AREA, Attendance, Enrolment, EnrolmentStatus, NursingRoom, SummerClass


def _with_counts(qs):
    return qs.annotate(
        enrolled=Count("enrolments", filter=Q(enrolments__status=EnrolmentStatus.ENROLLED)),
        waiting=Count("enrolments", filter=Q(enrolments__status=EnrolmentStatus.WAITING)),
    )


def class_list(*, user, year: int | None = None, action: str = VIEW):
    qs = restrict(SummerClass.objects.all(), user, action).select_related("org")
    if year:
        qs = qs.filter(year=year)
    return _with_counts(qs).order_by("-starts_on", "name", "pk")


def class_get(*, user, pk, action: str = VIEW) -> SummerClass:
    return gate(SummerClass.objects.select_related("org"), user, action, pk=pk)


def classes_open():
    """Classes still taking enrolments (they have not started), for the portal."""
    qs = SummerClass.objects.filter(starts_on__gt=timezone.localdate()).select_related("org")
    return _with_counts(qs).order_by("starts_on", "name", "pk")


def class_open_get(pk) -> SummerClass:
    """An open class, or Http404."""
    return get_object_or_404(classes_open(), pk=pk)


def class_enrolments(summer_class: SummerClass):
    return summer_class.enrolments.select_related("child", "worker").order_by("created_at", "pk")


def my_enrolments(user):
    return restrict(Enrolment.objects.filter(worker__user=user), user, VIEW).select_related(
        "child", "summer_class", "summer_class__org").order_by("-year", "created_at", "pk")


def my_enrolment_get(user, pk) -> Enrolment:
    return gate(Enrolment.objects.filter(worker__user=user).select_related("summer_class", "worker"), user, VIEW,
                pk=pk)


def waiting_position(enrolment: Enrolment) -> int | None:
    """1 for the first in the queue; None unless the enrolment is waiting."""
    if enrolment.status != EnrolmentStatus.WAITING:
        return None
    ahead = enrolment.summer_class.enrolments.filter(status=EnrolmentStatus.WAITING).filter(
        Q(created_at__lt=enrolment.created_at) | Q(created_at=enrolment.created_at, pk__lt=enrolment.pk))
    return ahead.count() + 1


def waiting_positions(enrolments) -> dict[int, int]:
    """`waiting_position` for each waiting enrolment among `enrolments`, in one query (for lists)."""
    waiting = [e for e in enrolments if e.status == EnrolmentStatus.WAITING]
    if not waiting:
        return {}
    queue = Enrolment.objects.filter(summer_class_id__in={e.summer_class_id for e in waiting},
                                     status=EnrolmentStatus.WAITING).order_by("created_at", "pk")
    positions: dict[int, int] = {}
    seen: dict[int, int] = {}
    for pk, class_id in queue.values_list("pk", "summer_class_id"):
        seen[class_id] = seen.get(class_id, 0) + 1
        positions[pk] = seen[class_id]
    return {e.pk: positions[e.pk] for e in waiting if e.pk in positions}


def below_standard_q() -> Q:
    """Rooms missing any standard item or smaller than 10 m² (the same rule as NursingRoom.shortfalls)."""
    return Q(area_m2__lt=MIN_ROOM_AREA) | Q(lockable=False) | Q(changing_table=False) | Q(sink=False) | Q(fridge=False)


def room_list(*, user, below_standard: bool | None = None, action: str = VIEW):
    qs = restrict(NursingRoom.objects.all(), user, action).select_related("org")
    if below_standard is not None:
        qs = qs.filter(below_standard_q()) if below_standard else qs.exclude(below_standard_q())
    return qs.order_by("name", "pk")


def room_get(*, user, pk, action: str = VIEW) -> NursingRoom:
    return gate(NursingRoom.objects.select_related("org"), user, action, pk=pk)


def rooms_public():
    return NursingRoom.objects.select_related("org").order_by("name", "pk")


def attendance_rates(summer_class: SummerClass) -> dict[int, Decimal]:
    """Days present over days recorded, per enrolment of the class that has any day recorded (one query)."""
    rows = Attendance.objects.filter(enrolment__summer_class=summer_class).values("enrolment_id").annotate(
        days=Count("*"), present=Count("pk", filter=Q(present=True)))
    return {r["enrolment_id"]: Decimal(r["present"]) / Decimal(r["days"]) for r in rows}
