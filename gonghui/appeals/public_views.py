"""Portal pages open without signing in: file with a verified mobile, follow a request by its signed link (and
rate its answer there, when it was filed without an account), and a station's filing page (reached from its QR
code)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from gonghui.accounts.services import otp_send
from gonghui.console.pages import add_service_errors
from gonghui.orgs.models import Org, OrgKind, OrgStatus

from . import intake, portal_views, selectors, services
from .forms import RateForm, VerifiedRequestForm
from .models import Channel, Status

PAGE = "appeals/anonymous_new.html"


def _streets():
    return Org.objects.filter(kind=OrgKind.STREET, status=OrgStatus.ACTIVE).order_by("path")


def _verified_form(request, station):
    """POST with action=send_code only checks the mobile and sends a code; the rest keeps what was typed."""
    if request.POST.get("action") != "send_code":
        return VerifiedRequestForm(request.POST or None, streets=_streets(), station=station), False
    form = VerifiedRequestForm(initial=request.POST.dict(), streets=_streets(), station=station)
    form.cleaned_data = {}  # an unbound form: no errors of its own, only the mobile's below
    try:
        otp_send(mobile=request.POST.get("mobile", ""))
    except ValidationError as exc:
        add_service_errors(form, exc)
    else:
        messages.info(request, _("A verification code has been sent to your mobile."))
    return form, True


@require_http_methods(["GET", "POST"])
def anonymous_new(request, station=None):
    form, code_step = _verified_form(request, station)
    if request.method == "POST" and not code_step and form.is_valid():
        try:
            appeal = intake.appeal_file_verified(station=station, request=request, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Your request %(ref)s was sent to %(org)s. Keep this page's address "
                                        "to follow it.") % {"ref": appeal.reference, "org": appeal.org.name})
            return redirect("appeals_portal:track", token=intake.track_token(appeal))
    return render(request, PAGE, {"form": form, "station": station}, status=400 if form.errors else 200)


def _tracked(token: str):
    appeal = intake.track_get(token)
    if appeal is None:
        raise Http404
    return appeal


def _track_page(request, token: str, appeal, rate_form=None, status=200):
    answered = appeal.status in (Status.ANSWERED, Status.RATED, Status.CLOSED) and appeal.answer
    rateable = appeal.status == Status.ANSWERED
    return render(request, "appeals/track.html", {
        "appeal": appeal, "events": selectors.timeline(appeal), "answered": answered,
        "track_url": request.build_absolute_uri(reverse("appeals_portal:track", args=[token])),
        # The comment is not shown: like the description, it may say who asked.
        "rated": appeal.status in (Status.RATED, Status.CLOSED) and appeal.rating,
        "may_rate": rateable and appeal.user_id is None, "sign_in_to_rate": rateable and appeal.user_id is not None,
        "rate_form": rate_form or RateForm(), "rate_url": reverse("appeals_portal:track_rate", args=[token]),
    }, status=status)


def track(request, token: str):
    """Status, progress and answer of a request for whoever holds the signed link; no personal data."""
    return _track_page(request, token, _tracked(token))


@require_POST
def track_rate(request, token: str):
    """The holder of the link rates the answer of a request filed without an account (one with an account is
    rated in the portal: 403 here)."""
    appeal = _tracked(token)
    if appeal.user_id is not None:
        raise PermissionDenied
    form = RateForm(request.POST)
    if form.is_valid():
        try:
            services.appeal_rate_by_link(token=token, request=request, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Thank you for your rating."))
            return redirect("appeals_portal:track", token=token)
    return _track_page(request, token, appeal, rate_form=form, status=400)


@require_http_methods(["GET", "POST"])
def station_new(request, token: str):
    """A station's filing page (its QR code): a signed-in worker files as themselves at the station,
    anyone else files anonymously with a verified mobile, the station preset either way."""
    station = intake.station_get(token)
    if station is None:
        raise Http404
    if not request.user.is_authenticated:
        return anonymous_new(request, station=station)
    return portal_views.file_own(request, channel=Channel.STATION, station=station)
