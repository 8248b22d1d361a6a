"""Console pages for aid campaigns: list, create, application queue, decisions, lottery, payment
batches, the bank file and the publicity list (公示, names and IDs masked)."""

import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from gonghui.console.access import cadre_required
from gonghui.console.pages import add_service_errors, paginate
from gonghui.core.scoping import EXPORT, MANAGE, can
from gonghui.orgs.selectors import org_list

from . import selectors, services
from .exports import batch_export
from .forms import CampaignForm, CategoryFormSet, DecideForm
from .models import Lottery, Status


def _flash_errors(request, exc: ValidationError) -> None:
    """A refused action on a page without its own form: each of the service's messages at the top."""
    for text in exc.messages:
        messages.error(request, text)


@cadre_required
def campaign_list(request):
    return render(request, "campaigns/list.html", {
        "page_obj": paginate(request, selectors.campaigns_covering(request.user), 30),
        "may_create": bool(request.user.scope_paths(MANAGE)),
    })


@cadre_required
@require_http_methods(["GET", "POST"])
def campaign_new(request):
    orgs = org_list(user=request.user, action=MANAGE).order_by("path")
    form = CampaignForm(request.POST or None, orgs=orgs)
    formset = CategoryFormSet(request.POST or None, prefix="cat")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        categories = [f.cleaned_data for f in formset if f.cleaned_data]
        try:
            campaign = services.campaign_create(actor=request.user, categories=categories, request=request,
                                                **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The campaign was created."))
            return redirect("campaigns:detail", pk=campaign.pk)
    return render(request, "campaigns/new.html", {"form": form, "formset": formset})


@cadre_required
def campaign_detail(request, pk):
    campaign = selectors.campaign_get(user=request.user, pk=pk)
    status = request.GET.get("status", "")
    status = status if status in Status.values else ""
    manages = can(request.user, MANAGE, campaign.org)
    return render(request, "campaigns/detail.html", {
        "campaign": campaign, "status": status, "Status": Status, "manages": manages,
        "page_obj": paginate(request, selectors.application_queue(user=request.user, campaign=campaign, status=status),
                         50),
        "approved_total": selectors.approved_total(campaign),
        "batches": selectors.batches_of(campaign) if manages else [],
        "may_export": can(request.user, EXPORT, campaign.org),
        "decide_form": DecideForm(), "batch_key": uuid.uuid4().hex,
        "lottery": Lottery.objects.filter(campaign=campaign).first(),
    })


@cadre_required
def application_detail(request, pk):
    """Everything the reviewer weighs: child, income, documents, pre-check, history. Account masked."""
    application = selectors.application_get(user=request.user, pk=pk)
    return render(request, "campaigns/application.html", {
        "a": application, "Status": Status, "events": application.events.select_related("actor"),
        "paid": selectors.payment_of(application)})


@cadre_required
@require_POST
def decide(request, pk):
    application = selectors.application_get(user=request.user, pk=pk)
    form = DecideForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            if data["decision"] == "approve":
                services.application_approve(actor=request.user, application=application,
                                             hardship_confirmed=data["hardship_confirmed"], request=request)
                messages.success(request, _("The application was approved."))
            else:
                services.application_reject(actor=request.user, application=application, reason=data["reason"],
                                            request=request)
                messages.success(request, _("The application was rejected."))
        except ValidationError as exc:
            _flash_errors(request, exc)
    else:
        messages.error(request, _("Please choose approve or reject."))
    return redirect("campaigns:detail", pk=application.campaign_id)


@cadre_required
@require_POST
def lottery(request, pk):
    campaign = selectors.campaign_manage_get(user=request.user, pk=pk)
    try:
        drawn = services.lottery_draw(actor=request.user, campaign=campaign, request=request)
    except ValidationError as exc:
        _flash_errors(request, exc)
    else:
        messages.success(request, _("The lottery was drawn with seed %(seed)s.") % {"seed": drawn.seed})
    return redirect("campaigns:detail", pk=campaign.pk)


@cadre_required
@require_POST
def batch_new(request, pk):
    campaign = selectors.campaign_manage_get(user=request.user, pk=pk)
    try:
        batch = services.batch_create(actor=request.user, campaign=campaign,
                                      idempotency_key=request.POST.get("idempotency_key", ""), request=request)
    except ValidationError as exc:
        _flash_errors(request, exc)
    else:
        messages.success(request, _("Payment batch %(no)s holds %(n)d grants.") % {
            "no": batch.pk, "n": batch.payments.count()})
    return redirect("campaigns:detail", pk=campaign.pk)


@cadre_required
def batch_download(request, pk):
    batch = selectors.batch_export_get(user=request.user, pk=pk)
    content = batch_export(actor=request.user, batch=batch, request=request)
    response = HttpResponse(content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="payment-batch-{batch.pk}.xlsx"'
    response["Cache-Control"] = "no-store"
    return response


@cadre_required
def publicity(request, pk):
    campaign = selectors.campaign_get(user=request.user, pk=pk)
    return render(request, "campaigns/publicity.html", {
        "campaign": campaign, "rows": selectors.publicity_list(user=request.user, campaign=campaign)})
