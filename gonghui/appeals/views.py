"""Console pages for workers' requests: queues, the request page with its actions, and the hotline screen."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods, require_POST

from gonghui.console.access import cadre_required
from gonghui.console.pages import add_service_errors, paginate, render_list
from gonghui.core.scoping import EXPORT, MANAGE, VIEW, can, restrict
from gonghui.needs.models import NeedSource
from gonghui.needs.selectors import need_from_origin
from gonghui.orgs.models import Org, OrgStatus

from . import attachments, claims, reports, selectors, services, supervision
from .forms import (
    ActForm,
    AssignForm,
    AttachmentForm,
    HotlineForm,
    LookupForm,
    MergeForm,
    QueueFilterForm,
    ReportForm,
    ReturnVisitForm,
    SuperviseForm,
    TransferForm,
    WageClaimForm,
)
from .models import Action, Category, Channel, ReturnVisit
from .selectors import Queue

PER_PAGE = 25
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
QUEUE_LABELS = {
    Queue.MINE: gettext_lazy("Mine"), Queue.UNION: gettext_lazy("My union"),
    Queue.SUBTREE: gettext_lazy("All in my area"), Queue.AT_RISK: gettext_lazy("At risk"),
    Queue.BREACHED: gettext_lazy("Breached"), Queue.SUPERVISED: gettext_lazy("Supervised"),
}


def _cadre_appeal(request, pk):
    """A request in the cadre's scope (not the cadre's own request as a worker)."""
    appeal = selectors.appeal_get(user=request.user, pk=pk)
    if not can(request.user, VIEW, appeal.org):
        raise Http404
    return appeal


def _managed(request, pk):
    appeal = _cadre_appeal(request, pk)
    if not services.may_handle(request.user, appeal):
        raise PermissionDenied
    return appeal


@cadre_required
def queue(request, name=Queue.SUBTREE):
    if name not in Queue.ALL:
        raise Http404
    form = QueueFilterForm(request.GET or None)
    qs = selectors.appeal_list(user=request.user, queue=name, **form.filters())
    page = paginate(request, qs, PER_PAGE)
    now = selectors.clock.now()
    rows = [(a, selectors.states(a, now)) for a in page]
    may_assign = bool(request.user.scope_paths(MANAGE))
    return render_list(request, "appeals/queue.html", "appeals/_rows.html", {
        "form": form, "page_obj": page, "rows": rows, "queue": name, "may_assign": may_assign,
        "assign_form": _assign_form(request) if may_assign else None,
        "queues": [(q, QUEUE_LABELS[q]) for q in Queue.ALL]})


def _assign_form(request, data=None):
    return AssignForm(data, appeals=selectors.appeal_list(user=request.user),
                      handlers=services.handler_candidates(request.user))


@cadre_required
@require_POST
def assign(request):
    """Bulk assignment from a queue page; all or nothing, then back to the same queue."""
    name = request.POST.get("queue")
    target = redirect("appeals:queue_named", name) if name in Queue.ALL else redirect("appeals:queue")
    if not request.user.scope_paths(MANAGE):
        raise PermissionDenied
    form = _assign_form(request, request.POST)
    if form.is_valid():
        try:
            done = services.appeals_assign(actor=request.user, request=request, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, ngettext("%(n)d request assigned to %(name)s.",
                                               "%(n)d requests assigned to %(name)s.", len(done)) % {
                "n": len(done), "name": services.user_label(form.cleaned_data["handler"])})
            return target
    _flash_errors(request, form, labelled=True)
    return target


def _flash_errors(request, form, labelled=False) -> None:
    """A form posted from another page: its errors go back there as messages (optionally naming the field)."""
    for field, errors in form.errors.items():
        label = form.fields[field].label if labelled and field in form.fields else ""
        for e in errors:
            messages.error(request, f"{label}: {e}" if label else e)


@cadre_required
def detail(request, pk):
    appeal = _cadre_appeal(request, pk)
    return _detail_page(request, appeal, ActForm(), services.may_handle(request.user, appeal))


def _detail_page(request, appeal, act_form, may_handle, status=200):
    # What workers ask for again and again belongs on the needs list (R3.1): the page offers it in one step.
    need = need_from_origin(user=request.user, source=NeedSource.APPEAL, source_ref=f"appeal:{appeal.pk}")
    return render(request, "appeals/detail.html", {
        "need": need, "may_record_need": may_handle and need is None,
        "appeal": appeal, "states": selectors.states(appeal), "events": selectors.timeline(appeal),
        "orders": selectors.supervision_orders(appeal), "visits": selectors.return_visits(appeal),
        "may_handle": may_handle, "may_supervise": supervision.may_supervise(request.user, appeal),
        "act_form": act_form, "visit_form": ReturnVisitForm(), "Action": Action, **_extras(appeal)}, status=status)


@cadre_required
@require_POST
def act(request, pk):
    appeal = _managed(request, pk)
    form = ActForm(request.POST)
    if form.is_valid():
        try:
            services.appeal_act(actor=request.user, appeal=appeal, request=request, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Done: %(action)s.") % {"action": Action(form.cleaned_data["action"]).label})
            return redirect("appeals:detail", pk=appeal.pk)
    return _detail_page(request, appeal, form, may_handle=True, status=400)


ACTION_VERBS = {
    Action.ACCEPT: gettext_lazy("Accept"), Action.START: gettext_lazy("Start work"),
    Action.WAIT: gettext_lazy("Wait for the worker (pause the clock)"), Action.RESUME: gettext_lazy("Resume work"),
    Action.ANSWER: gettext_lazy("Answer the worker"), Action.CLOSE: gettext_lazy("Close"),
}


def _extras(appeal):
    return {"action_choices": [(a, ACTION_VERBS[a]) for a in appeal.allowed_actions()],
            "claim": getattr(appeal, "wage_claim", None), "files": appeal.attachments.all(),
            "upload_form": AttachmentForm(), "is_wage": appeal.category == Category.WAGE_ARREARS}


def _form_page(request, appeal, form, title, status=200):
    return render(request, "appeals/form.html", {"form": form, "appeal": appeal, "title": title}, status=status)


def _form_step(request, appeal, form, title, call, done, target=None):
    """A one-form action page: on a valid POST run `call(cleaned_data)`, then go on; else show the form."""
    if request.method == "POST" and form.is_valid():
        try:
            call(form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, done)
            return target or redirect("appeals:detail", pk=appeal.pk)
    return _form_page(request, appeal, form, title, 400 if form.errors else 200)


@cadre_required
@require_http_methods(["GET", "POST"])
def transfer(request, pk):
    appeal = _managed(request, pk)
    form = TransferForm(request.POST or None, orgs=Org.objects.filter(status=OrgStatus.ACTIVE).exclude(
        pk=appeal.org_id).order_by("path"))
    return _form_step(request, appeal, form, _("Transfer"), lambda data: services.appeal_transfer(
        actor=request.user, appeal=appeal, request=request, **data), _("The request was transferred."),
        target=redirect("appeals:queue"))


@cadre_required
@require_http_methods(["GET", "POST"])
def merge(request, pk):
    appeal = _managed(request, pk)
    form = MergeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        keep = restrict(services.Appeal.objects.all(), request.user, MANAGE).filter(
            pk=form.cleaned_data["keep"]).first()
        if keep is None:
            form.add_error("keep", _("No open request with this number in your area."))
        else:
            try:
                services.appeal_merge(actor=request.user, duplicate=appeal, keep=keep,
                                      note=form.cleaned_data["note"], request=request)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("The duplicate was merged."))
                return redirect("appeals:detail", pk=keep.pk)
    return _form_page(request, appeal, form, _("Merge a duplicate"), 400 if form.errors else 200)


@cadre_required
@require_http_methods(["GET", "POST"])
def supervise(request, pk):
    appeal = _cadre_appeal(request, pk)
    if not supervision.may_supervise(request.user, appeal):
        raise PermissionDenied
    form = SuperviseForm(request.POST or None)
    return _form_step(request, appeal, form, _("Issue a supervision order"), lambda data: supervision.supervision_issue(
        actor=request.user, appeal=appeal, request=request, **data), _("The supervision order was issued."))


@cadre_required
@require_POST
def return_visit(request, pk, visit_pk):
    appeal = _managed(request, pk)
    visit = ReturnVisit.objects.filter(appeal=appeal, pk=visit_pk).first()
    if visit is None:
        raise Http404
    form = ReturnVisitForm(request.POST)
    if form.is_valid():
        try:
            services.return_visit_record(actor=request.user, visit=visit, request=request, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
    if form.errors:
        _flash_errors(request, form)
    else:
        messages.success(request, _("The return visit was recorded."))
    return redirect("appeals:detail", pk=appeal.pk)


@cadre_required
@require_http_methods(["GET", "POST"])
def hotline(request):
    """12351: look the caller up by mobile, see their earlier requests, file the new one in one form."""
    if not request.user.scope_paths(MANAGE):
        raise PermissionDenied
    lookup = LookupForm(request.GET or None)
    workers, earlier, initial = [], [], {}
    if lookup.is_bound and lookup.is_valid():
        initial["mobile"] = lookup.cleaned_data["mobile"]
        workers, earlier = selectors.hotline_lookup(user=request.user, mobile=initial["mobile"])
    if len(workers) == 1:
        initial["contact_name"] = workers[0].name
    form = HotlineForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        callers, _earlier = selectors.hotline_lookup(user=request.user, mobile=data["mobile"])
        try:
            appeal = services.appeal_file(actor=request.user, channel=Channel.HOTLINE,
                                          worker=callers[0] if len(callers) == 1 else None, request=request, **data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Request %(ref)s was filed.") % {"ref": appeal.reference})
            if selectors.appeal_list(user=request.user).filter(pk=appeal.pk).exists():
                return redirect("appeals:detail", pk=appeal.pk)
            return redirect("appeals:hotline")
    return render(request, "appeals/hotline.html", {"lookup": lookup, "form": form, "workers": workers,
                                                    "earlier": earlier}, status=400 if form.errors else 200)


@cadre_required
def report(request):
    """Figures for a subtree and a period; `?format=xlsx` downloads them."""
    orgs = restrict(Org.objects.all(), request.user, VIEW).order_by("path")
    today = selectors.clock.now().astimezone(reports.SH).date()
    form = ReportForm(request.GET or None, orgs=orgs, initial={
        "org": orgs.first(), "start": today.replace(day=1), "end": today})
    result = None
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        result = reports.appeal_report(user=request.user, org_id=data["org"].pk, start=data["start"],
                                       end=data["end"])
        if request.GET.get("format") == "xlsx":
            if not request.user.scope_paths(EXPORT):
                raise PermissionDenied
            body = reports.report_xlsx(user=request.user, report=result, request=request)
            response = HttpResponse(body, content_type=XLSX)
            response["Content-Disposition"] = f'attachment; filename="requests-{data["start"]:%Y%m%d}.xlsx"'
            return response
    return render(request, "appeals/report.html", {
        "form": form, "report": result, "rows": reports.report_rows(result) if result else []},
        status=400 if form.errors else 200)


@cadre_required
@require_http_methods(["GET", "POST"])
def wage_claim(request, pk):
    appeal = _managed(request, pk)
    claim = getattr(appeal, "wage_claim", None)
    initial = {f: getattr(claim, f) for f in claims.FIELDS} if claim else {}
    form = WageClaimForm(request.POST or None, initial=initial)
    return _form_step(request, appeal, form, _("Wage claim"), lambda data: claims.wage_claim_save(
        actor=request.user, appeal=appeal, request=request, **{**data, "referral": data["referral"] or ""}),
        _("The wage claim was saved."))


@cadre_required
@require_POST
def upload(request, pk):
    appeal = _managed(request, pk)
    _upload(request, appeal)
    return redirect("appeals:detail", pk=appeal.pk)


def _upload(request, appeal):
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            attachments.attachment_add(actor=request.user, appeal=appeal, upload=form.cleaned_data["file"],
                                       request=request)
        except ValidationError as exc:
            add_service_errors(form, exc)
    if form.errors:
        _flash_errors(request, form)
    else:
        messages.success(request, _("The file was attached."))


@login_required
def download(request, pk, file_pk):
    """A request's file, for its reporter or a cadre over it; served from outside the web root."""
    attachment = attachments.attachment_get(user=request.user, appeal_pk=pk, pk=file_pk)
    response = FileResponse(attachment.file.open("rb"), as_attachment=True, filename=attachment.original_name,
                            content_type=attachment.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    return response
