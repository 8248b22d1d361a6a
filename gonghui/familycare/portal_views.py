"""Worker portal pages: summer classes (enrol a child, see the waiting-list position, cancel) and the public
list of nursing rooms."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from gonghui.console.pages import add_service_errors

from . import selectors, services
from .forms import EnrolForm
from .models import EnrolmentStatus


@login_required
def classes(request):
    enrolments = list(selectors.my_enrolments(request.user))
    positions = selectors.waiting_positions(enrolments)
    mine = [(e, positions.get(e.pk)) for e in enrolments]
    return render(request, "familycare/portal_classes.html", {
        "classes": selectors.classes_open(), "mine": mine, "Status": EnrolmentStatus})


@login_required
@require_http_methods(["GET", "POST"])
def enrol(request, pk):
    summer_class = selectors.class_open_get(pk)
    form = EnrolForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            enrolment = services.enrol(actor=request.user, summer_class=summer_class, request=request,
                                       **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            if enrolment.status == EnrolmentStatus.ENROLLED:
                messages.success(request, _("A place is confirmed for %(name)s.") % {"name": enrolment.child.name})
            else:
                messages.info(request, _("The class is full: %(name)s is number %(n)d on the waiting list.") % {
                    "name": enrolment.child.name, "n": selectors.waiting_position(enrolment)})
            return redirect("familycare_portal:classes")
    return render(request, "familycare/portal_enrol.html", {"form": form, "summer_class": summer_class})


@login_required
@require_POST
def cancel(request, pk):
    enrolment = selectors.my_enrolment_get(request.user, pk)
    try:
        services.enrolment_cancel(actor=request.user, enrolment=enrolment, request=request)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The enrolment was cancelled."))
    return redirect("familycare_portal:classes")


def rooms(request):
    """Public: no sign-in needed."""
    return render(request, "familycare/portal_rooms.html", {"rooms": selectors.rooms_public()})
