"""Console pages: summer classes (list, create, enrolments with the waiting list, attendance sheet) and
nursing rooms (list, create, edit, delete)."""

from functools import partial

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from gonghui.console.access import cadre_required
from gonghui.console.pages import paginate, save_changes, save_form
from gonghui.core.scoping import MANAGE, gate
from gonghui.orgs.selectors import unions_managed

from . import selectors, services
from .forms import AttendanceForm, ClassForm, RoomForm
from .models import Attendance, Enrolment, EnrolmentStatus

PAGE_SIZE = 50



@cadre_required
def class_list(request):
    user = request.user
    return render(request, "familycare/class_list.html", {
        "page_obj": paginate(request, selectors.class_list(user=user), PAGE_SIZE),
        "may_create": unions_managed(user=user).exists()})


@cadre_required
@require_http_methods(["GET", "POST"])
def class_create(request):
    orgs = unions_managed(user=request.user)
    if not orgs.exists():
        raise PermissionDenied
    form = ClassForm(request.POST or None, orgs=orgs)
    create = partial(services.class_create, actor=request.user, request=request)
    if (summer_class := save_form(request, form, lambda data: create(**data), _("The class was created."))) is not None:
        return redirect("familycare:class", pk=summer_class.pk)
    return render(request, "familycare/form.html", {"form": form, "title": _("New summer class"),
                                                    "back": "familycare:classes"})


@cadre_required
@require_http_methods(["GET", "POST"])
def class_edit(request, pk):
    summer_class = selectors.class_get(user=request.user, pk=pk, action=MANAGE)
    form = ClassForm(request.POST or None, orgs=None, summer_class=summer_class,
                     initial=ClassForm.initial_for(summer_class))
    update = partial(services.class_update, actor=request.user, summer_class=summer_class, request=request)
    if save_changes(request, form, update, summer_class, _("The class was saved.")) is not None:
        return redirect("familycare:class", pk=summer_class.pk)
    return render(request, "familycare/form.html", {"form": form, "title": _("Edit"), "subject": summer_class,
                                                    "back": "familycare:classes"})


@cadre_required
def class_detail(request, pk):
    summer_class = selectors.class_get(user=request.user, pk=pk)
    enrolments = list(selectors.class_enrolments(summer_class))
    waiting = [e for e in enrolments if e.status == EnrolmentStatus.WAITING]
    rates = selectors.attendance_rates(summer_class)
    return render(request, "familycare/class_detail.html", {
        "summer_class": summer_class, "may_manage": services.may_manage_class(request.user, summer_class),
        "enrolled": [(e, rates.get(e.pk)) for e in enrolments if e.status == EnrolmentStatus.ENROLLED],
        "waiting": waiting, "cancelled": [e for e in enrolments if e.status == EnrolmentStatus.CANCELLED]})


@cadre_required
@require_POST
def enrolment_cancel(request, pk):
    enrolment = gate(Enrolment.objects.select_related("summer_class"), request.user, MANAGE, pk=pk)
    try:
        promoted = services.enrolment_cancel(actor=request.user, enrolment=enrolment, request=request)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The enrolment was cancelled."))
        if promoted is not None:
            messages.info(request, _("%(name)s moved up from the waiting list.") % {"name": promoted.child.name})
    return redirect("familycare:class", pk=enrolment.summer_class_id)


def _sheet_day(request, summer_class):
    try:
        return forms.DateField().clean(request.GET.get("day"))
    except ValidationError:
        return min(timezone.localdate(), summer_class.ends_on)


@cadre_required
@require_http_methods(["GET", "POST"])
def attendance(request, pk):
    summer_class = selectors.class_get(user=request.user, pk=pk, action=MANAGE)
    enrolments = list(summer_class.enrolments.filter(status=EnrolmentStatus.ENROLLED).select_related("child"))
    day = _sheet_day(request, summer_class)
    recorded = Attendance.objects.filter(enrolment__summer_class=summer_class, day=day)
    # A day already recorded shows its sheet; a new day starts with everyone ticked present.
    present = ([str(pk) for pk in recorded.filter(present=True).values_list("enrolment_id", flat=True)]
               if recorded.exists() else [str(e.pk) for e in enrolments])
    initial = {"day": day, "present": present}
    form = AttendanceForm(request.POST or None, enrolments=enrolments, initial=initial)
    record = partial(services.attendance_record, actor=request.user, summer_class=summer_class, request=request)
    if save_form(request, form, lambda data: record(day=data["day"], present_ids=data["present"]),
                 _("The attendance was saved.")) is not None:
        return redirect("familycare:class", pk=summer_class.pk)
    return render(request, "familycare/form.html", {"form": form, "title": _("Attendance sheet"),
                                                    "subject": summer_class, "back": "familycare:classes"})


# --- nursing rooms -------------------------------------------------------------------------------

@cadre_required
def room_list(request):
    below = {"yes": True, "no": False}.get(request.GET.get("below_standard", ""))
    return render(request, "familycare/room_list.html", {
        "page_obj": paginate(request, selectors.room_list(user=request.user, below_standard=below), PAGE_SIZE),
        "below": below, "may_create": unions_managed(user=request.user).exists()})


@cadre_required
@require_http_methods(["GET", "POST"])
def room_create(request):
    orgs = unions_managed(user=request.user)
    if not orgs.exists():
        raise PermissionDenied
    form = RoomForm(request.POST or None, orgs=orgs)
    create = partial(services.room_create, actor=request.user, request=request)
    if save_form(request, form, lambda data: create(**data), _("The nursing room was registered.")) is not None:
        return redirect("familycare:rooms")
    return render(request, "familycare/form.html", {"form": form, "title": _("Register a nursing room"),
                                                    "back": "familycare:rooms"})


@cadre_required
@require_http_methods(["GET", "POST"])
def room_edit(request, pk):
    room = selectors.room_get(user=request.user, pk=pk, action=MANAGE)
    form = RoomForm(request.POST or None, orgs=None, room=room, initial=RoomForm.initial_for(room))
    update = partial(services.room_update, actor=request.user, room=room, request=request)
    if save_changes(request, form, update, room, _("The nursing room was saved.")) is not None:
        return redirect("familycare:rooms")
    return render(request, "familycare/form.html", {"form": form, "title": _("Edit"), "subject": room,
                                                    "back": "familycare:rooms", "delete_room": room})


@cadre_required
@require_POST
def room_delete(request, pk):
    room = selectors.room_get(user=request.user, pk=pk, action=MANAGE)
    services.room_delete(actor=request.user, room=room, request=request)
    messages.success(request, _("The nursing room was removed."))
    return redirect("familycare:rooms")
