"""The worker's side of requests in the portal: file one, follow it, read the answer, rate it, reopen it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from gonghui.console.pages import add_service_errors, paginate

from . import attachments, selectors, services
from .forms import AttachmentForm, RateForm, ReopenForm, RequestForm
from .models import Channel, Rating, Status


@login_required
def my_list(request):
    page = paginate(request, selectors.my_appeals(user=request.user), 20)
    return render(request, "appeals/portal_list.html", {"page_obj": page})


@login_required
@require_http_methods(["GET", "POST"])
def new(request):
    return file_own(request, channel=Channel.PORTAL)


def file_own(request, *, channel: str, station=None):
    """A signed-in worker files a request as themselves (from the portal, or at a station's QR code)."""
    form = RequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            appeal = services.appeal_file(actor=request.user, user=request.user, channel=channel, station=station,
                                          request=request, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Your request %(ref)s was sent to %(org)s.") % {
                "ref": appeal.reference, "org": appeal.org.name})
            return redirect("appeals_portal:detail", pk=appeal.pk)
    return render(request, "appeals/portal_new.html", {"form": form, "station": station},
                  status=400 if form.errors else 200)


def _page(request, appeal, rate_form=None, reopen_form=None, upload_form=None, status=200):
    return render(request, "appeals/portal_detail.html", {
        "appeal": appeal, "events": selectors.timeline(appeal), "Status": Status,
        "files": appeal.attachments.all(), "upload_form": upload_form or AttachmentForm(),
        "rate_form": rate_form or RateForm(), "reopen_form": reopen_form or ReopenForm(),
        "may_reopen": appeal.status == Status.RATED and appeal.rating == Rating.DISSATISFIED}, status=status)


@login_required
def detail(request, pk):
    return _page(request, selectors.my_appeal_get(user=request.user, pk=pk))


def _worker_step(request, pk, form_class, service, done: str, form_name: str):
    """Rate or reopen: the same form-then-service step on the worker's own request."""
    appeal = selectors.my_appeal_get(user=request.user, pk=pk)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            service(user=request.user, appeal=appeal, request=request, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, done)
            return redirect("appeals_portal:detail", pk=appeal.pk)
    return _page(request, appeal, status=400, **{form_name: form})


@login_required
@require_POST
def rate(request, pk):
    return _worker_step(request, pk, RateForm, services.appeal_rate, _("Thank you for your rating."), "rate_form")


@login_required
@require_POST
def reopen(request, pk):
    return _worker_step(request, pk, ReopenForm, services.appeal_reopen, _("Your request was reopened."),
                        "reopen_form")


@login_required
@require_POST
def upload(request, pk):
    appeal = selectors.my_appeal_get(user=request.user, pk=pk)
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            attachments.attachment_add(actor=request.user, appeal=appeal, upload=form.cleaned_data["file"],
                                       request=request)
        except ValidationError as exc:
            add_service_errors(form, exc)
    if form.errors:
        return _page(request, appeal, upload_form=form, status=400)
    messages.success(request, _("The file was attached."))
    return redirect("appeals_portal:detail", pk=appeal.pk)
