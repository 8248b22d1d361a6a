"""Console pages of the three lists: needs, resources, projects; suggested matches; the closed-loop report."""

import datetime as dt
from functools import partial
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from gonghui.appeals.selectors import appeal_get
from gonghui.console.access import cadre_required
from gonghui.console.pages import add_service_errors, paginate, save_changes, save_form
from gonghui.core.scoping import EXPORT, MANAGE, can
from gonghui.orgs.models import OrgKind
from gonghui.orgs.selectors import org_list, unions_managed

from . import selectors, services
from .forms import (
    CancelForm,
    CommitForm,
    CompleteForm,
    DeclineForm,
    FromAppealForm,
    MilestoneForm,
    NeedFilterForm,
    NeedForm,
    ProjectFilterForm,
    ProjectForm,
    ReportForm,
    ResourceFilterForm,
    ResourceForm,
    TakeUpForm,
)
from .models import LIVE_PROJECT_STATUSES, NeedStatus
from .reports import report_xlsx

PAGE_SIZE = 50
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Unions a cadre picks from in filters and forms: not the union groups inside grassroots unions.
FILTER_KINDS = (OrgKind.DISTRICT, OrgKind.STREET, OrgKind.INDUSTRY, OrgKind.JOINT)



def _filter_orgs(user):
    return org_list(user=user).filter(kind__in=FILTER_KINDS).order_by("path")


def _may_manage(user) -> bool:
    return bool(user.scope_paths(MANAGE))


# --- needs ---------------------------------------------------------------------------------------

@cadre_required
def need_list(request):
    form = NeedFilterForm(request.GET or None, orgs=_filter_orgs(request.user))
    qs = selectors.need_list(user=request.user, **form.filters())
    return render(request, "needs/need_list.html", {
        "form": form, "page_obj": paginate(request, qs, PAGE_SIZE), "may_manage": _may_manage(request.user),
        "tab": "needs"})


@cadre_required
@require_http_methods(["GET", "POST"])
def need_create(request):
    orgs = unions_managed(user=request.user)
    if not orgs.exists():
        raise PermissionDenied
    from_appeal = request.method == "POST" and "appeal-number" in request.POST
    form = NeedForm(None if from_appeal else (request.POST or None), orgs=orgs)
    # The request's page links here with ?appeal=<its number>: the form comes filled in with it.
    appeal_form = FromAppealForm(request.POST if from_appeal else None,
                                 initial={"number": request.GET.get("appeal", "")[:30]})
    if not from_appeal and (need := save_form(
            request, form, lambda data: services.need_create(actor=request.user, request=request, **data),
            _("The need was recorded."))) is not None:
        return redirect("needs:need", pk=need.pk)
    if from_appeal and appeal_form.is_valid():
        need = _need_from_appeal(request, appeal_form)
        if need is not None:
            messages.success(request, _("The need was recorded from the request."))
            return redirect("needs:need", pk=need.pk)
    return render(request, "needs/need_create.html", {"form": form, "appeal_form": appeal_form, "tab": "needs"})


def _need_from_appeal(request, form):
    pk = services.appeal_pk_from_number(form.cleaned_data["number"])
    try:
        if pk is None:
            raise Http404
        appeal = appeal_get(user=request.user, pk=pk, action=MANAGE)
        number = form.cleaned_data["number"].strip().upper()
        if not number.isdigit() and appeal.reference != number:  # the date part must match too
            raise Http404
    except Http404:
        form.add_error("number", _("No request with this number in your unions."))
        return None
    try:
        return services.need_from_appeal(actor=request.user, appeal=appeal, request=request,
                                         category=form.cleaned_data["category"],
                                         headcount=form.cleaned_data["headcount"])
    except PermissionDenied:
        form.add_error("number", _("No request with this number in your unions."))
    except ValidationError as exc:
        add_service_errors(form, ValidationError(
            {{"source_ref": "number"}.get(k, k): v for k, v in exc.error_dict.items()}))
    return None


@cadre_required
@require_http_methods(["GET", "POST"])
def need_edit(request, pk):
    need = selectors.need_get(user=request.user, pk=pk, action=MANAGE)
    form = NeedForm(request.POST or None, need=need, initial=NeedForm.initial_for(need))
    update = partial(services.need_update, actor=request.user, need=need, request=request)
    if save_changes(request, form, update, need, _("The need was saved.")) is not None:
        return redirect("needs:need", pk=need.pk)
    return render(request, "needs/form.html", {"form": form, "title": _("Edit the need"), "subject": need,
                                               "back": "needs:needs", "tab": "needs"})


def origin_url(need) -> str:
    """The page the need came from (the questionnaire's results, the worker's request), or "" when none.
    The target page checks its own scope."""
    kind, _sep, rest = need.source_ref.partition(":")
    ref = rest.split(":", 1)[0]
    if not ref.isdigit():
        return ""
    if kind == "questionnaire":
        return reverse("surveys:results", args=[int(ref)])
    if kind == "appeal":
        return reverse("appeals:detail", args=[int(ref)])
    return ""


def _need_page(request, need, *, decline_form=None, take_up_form=None, status=200):
    user = request.user
    may_manage = can(user, MANAGE, need.org) and need.status in (NeedStatus.OPEN, NeedStatus.IN_PROJECT)
    projects = selectors.projects_for_need(user=user, need=need, action=MANAGE)
    return render(request, "needs/need_detail.html", {
        "need": need, "origin_url": origin_url(need), "events": selectors.need_events(need), "may_manage": may_manage,
        "suggestions": selectors.suggested_resources(need) if may_manage else [],
        "projects": list(projects) if may_manage and need.status == NeedStatus.OPEN else [],
        "decline_form": decline_form or DeclineForm(),
        "take_up_form": take_up_form or TakeUpForm(projects=projects),
        "tab": "needs"}, status=status)


@cadre_required
def need_detail(request, pk):
    return _need_page(request, selectors.need_get(user=request.user, pk=pk))


@cadre_required
@require_POST
def need_decline(request, pk):
    need = selectors.need_get(user=request.user, pk=pk, action=MANAGE)
    form = DeclineForm(request.POST)
    decline = partial(services.need_decline, actor=request.user, need=need, request=request)
    if save_form(request, form, lambda data: decline(reason=data["reason"]), _("The need was declined.")) is not None:
        return redirect("needs:need", pk=need.pk)
    return _need_page(request, need, decline_form=form, status=400)


@cadre_required
@require_POST
def need_take_up(request, pk):
    need = selectors.need_get(user=request.user, pk=pk, action=MANAGE)
    form = TakeUpForm(request.POST, projects=selectors.projects_for_need(user=request.user, need=need,
                                                                           action=MANAGE))
    take_up = partial(services.need_take_up, actor=request.user, need=need, request=request)
    if save_form(request, form, lambda data: take_up(project=data["project"]),
                 _("The need was taken up by the project.")) is not None:
        return redirect("needs:need", pk=need.pk)
    return _need_page(request, need, take_up_form=form, status=400)


def _suggested(request, need, resource_pk):
    """The resource among the need's suggestions (what the page offered), or 404."""
    for resource in selectors.suggested_resources(need):
        if resource.pk == resource_pk:
            return resource
    raise Http404


@cadre_required
@require_POST
def match_start(request, pk, resource_pk):
    need = selectors.need_get(user=request.user, pk=pk, action=MANAGE)
    resource = _suggested(request, need, resource_pk)
    try:
        project = services.project_from_match(actor=request.user, need=need, resource=resource, request=request)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("needs:need", pk=need.pk)
    messages.success(request, _("The project was started and the need taken up."))
    return redirect("needs:project", pk=project.pk)


@cadre_required
@require_POST
def match_join(request, pk, resource_pk):
    need = selectors.need_get(user=request.user, pk=pk, action=MANAGE)
    resource = _suggested(request, need, resource_pk)
    form = TakeUpForm(request.POST, projects=selectors.projects_for_need(user=request.user, need=need,
                                                                           action=MANAGE))
    join = partial(services.project_join_match, actor=request.user, need=need, resource=resource, request=request)
    if (project := save_form(request, form, lambda data: join(project=data["project"]),
                             _("The need and the resource were added to the project."))) is not None:
        return redirect("needs:project", pk=project.pk)
    return _need_page(request, need, take_up_form=form, status=400)


# --- resources -----------------------------------------------------------------------------------

@cadre_required
def resource_list(request):
    form = ResourceFilterForm(request.GET or None, orgs=_filter_orgs(request.user))
    qs = selectors.resource_list(user=request.user, **form.filters())
    return render(request, "needs/resource_list.html", {
        "form": form, "page_obj": paginate(request, qs, PAGE_SIZE), "may_manage": _may_manage(request.user),
        "tab": "resources"})


@cadre_required
@require_http_methods(["GET", "POST"])
def resource_create(request):
    orgs = unions_managed(user=request.user)
    if not orgs.exists():
        raise PermissionDenied
    form = ResourceForm(request.POST or None, orgs=orgs)
    if (resource := save_form(
            request, form, lambda data: services.resource_create(actor=request.user, request=request, **data),
            _("The resource was listed."))) is not None:
        return redirect("needs:resource", pk=resource.pk)
    return render(request, "needs/form.html", {"form": form, "title": _("List a resource"),
                                               "back": "needs:resources", "tab": "resources"})


@cadre_required
@require_http_methods(["GET", "POST"])
def resource_edit(request, pk):
    resource = selectors.resource_get(user=request.user, pk=pk, action=MANAGE)
    form = ResourceForm(request.POST or None, resource=resource, initial=ResourceForm.initial_for(resource))
    update = partial(services.resource_update, actor=request.user, resource=resource, request=request)
    if save_changes(request, form, update, resource, _("The resource was saved.")) is not None:
        return redirect("needs:resource", pk=resource.pk)
    return render(request, "needs/form.html", {"form": form, "title": _("Edit the resource"), "subject": resource,
                                               "back": "needs:resources", "tab": "resources"})


@cadre_required
def resource_detail(request, pk):
    resource = selectors.resource_get(user=request.user, pk=pk)
    may_manage = can(request.user, MANAGE, resource.org)
    return render(request, "needs/resource_detail.html", {
        "resource": resource, "may_manage": may_manage,
        # The full number for those who hold the resource; masked for the unions it serves.
        "phone": resource.contact_phone if may_manage else resource.phone_masked,
        "commitments": selectors.resource_projects(resource),
        "needs": selectors.suggested_needs(resource, user=request.user), "tab": "resources"})


# --- projects ------------------------------------------------------------------------------------

@cadre_required
def project_list(request):
    form = ProjectFilterForm(request.GET or None, orgs=_filter_orgs(request.user))
    qs = selectors.project_list(user=request.user, **form.filters())
    return render(request, "needs/project_list.html", {
        "form": form, "page_obj": paginate(request, qs, PAGE_SIZE), "may_manage": _may_manage(request.user),
        "tab": "projects"})


@cadre_required
@require_http_methods(["GET", "POST"])
def project_create(request):
    orgs = unions_managed(user=request.user)
    if not orgs.exists():
        raise PermissionDenied
    form = ProjectForm(request.POST or None, orgs=orgs)
    if (project := save_form(
            request, form, lambda data: services.project_create(actor=request.user, request=request, **data),
            _("The project was created."))) is not None:
        return redirect("needs:project", pk=project.pk)
    return render(request, "needs/form.html", {"form": form, "title": _("New project"),
                                               "back": "needs:projects", "tab": "projects"})


@cadre_required
@require_http_methods(["GET", "POST"])
def project_edit(request, pk):
    project = selectors.project_get(user=request.user, pk=pk, action=MANAGE)
    form = ProjectForm(request.POST or None, project=project, initial=ProjectForm.initial_for(project))
    update = partial(services.project_update, actor=request.user, project=project, request=request)
    if save_changes(request, form, update, project, _("The project was saved.")) is not None:
        return redirect("needs:project", pk=project.pk)
    return render(request, "needs/form.html", {"form": form, "title": _("Edit the project"), "subject": project,
                                               "back": "needs:projects", "tab": "projects"})


def _commit_resources(user, project):
    """Resources whose area covers the project's union, available to commit."""
    ancestors = project.org.ancestor_ids()
    return selectors.resource_list(user=user, available=True).filter(Q(org_id__in=ancestors))


def _project_page(request, project, *, status=200, **forms):
    user = request.user
    may_manage = can(user, MANAGE, project.org) and project.status in LIVE_PROJECT_STATUSES
    context = {
        "project": project, "may_manage": may_manage, "needs": selectors.project_needs(project),
        "commitments": selectors.project_commitments(project), "milestones": selectors.project_milestones(project),
        "milestone_form": MilestoneForm(), "complete_form": CompleteForm(), "cancel_form": CancelForm(),
        "commit_form": CommitForm(resources=_commit_resources(user, project)) if may_manage else None,
        "today": timezone.localdate(), "tab": "projects"}
    context.update(forms)
    return render(request, "needs/project_detail.html", context, status=status)


@cadre_required
def project_detail(request, pk):
    return _project_page(request, selectors.project_get(user=request.user, pk=pk))


def _project_action(request, pk, form_class, act, success, form_name, **form_kwargs):
    project = selectors.project_get(user=request.user, pk=pk, action=MANAGE)
    form = form_class(request.POST, **{k: v(project) for k, v in form_kwargs.items()})
    if save_form(request, form, lambda data: act(project, data), success) is not None:
        return redirect("needs:project", pk=project.pk)
    return _project_page(request, project, status=400, **{form_name: form})


@cadre_required
@require_POST
def project_start(request, pk):
    project = selectors.project_get(user=request.user, pk=pk, action=MANAGE)
    try:
        services.project_start(actor=request.user, project=project, request=request)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The project is running."))
    return redirect("needs:project", pk=project.pk)


@cadre_required
@require_POST
def project_complete(request, pk):
    return _project_action(
        request, pk, CompleteForm,
        lambda project, data: services.project_complete(actor=request.user, project=project, request=request,
                                                        **data),
        _("The project is done; its needs are answered."), "complete_form")


@cadre_required
@require_POST
def project_cancel(request, pk):
    return _project_action(
        request, pk, CancelForm,
        lambda project, data: services.project_cancel(actor=request.user, project=project, request=request,
                                                      **data),
        _("The project was cancelled; its needs are open again."), "cancel_form")


@cadre_required
@require_POST
def milestone_add(request, pk):
    return _project_action(
        request, pk, MilestoneForm,
        lambda project, data: services.milestone_add(actor=request.user, project=project, request=request, **data),
        _("The milestone was added."), "milestone_form")


@cadre_required
@require_POST
def resource_commit(request, pk):
    return _project_action(
        request, pk, CommitForm,
        lambda project, data: services.resource_commit(actor=request.user, project=project, request=request,
                                                       **data),
        _("The resource was committed to the project."), "commit_form",
        resources=lambda project: _commit_resources(request.user, project))


@cadre_required
@require_POST
def milestone_done(request, pk):
    milestone = selectors.milestone_get(user=request.user, pk=pk, action=MANAGE)
    try:
        services.milestone_done(actor=request.user, milestone=milestone, request=request)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The milestone is done."))
    return redirect("needs:project", pk=milestone.project_id)


# --- report --------------------------------------------------------------------------------------

def report_link(*, org, start: dt.date, end: dt.date) -> str:
    """The closed-loop report of `org`'s subtree (the user's whole scope for None) for needs recorded from
    `start` to `end`; "" for an org the report cannot be drawn for (it drills down to streets and joint
    unions, not to single workplace unions)."""
    if org is not None and org.kind not in FILTER_KINDS:
        return ""
    query = {"created_from": start.isoformat(), "created_to": end.isoformat()}
    if org is not None:
        query["org"] = org.pk
    return f"{reverse('needs:report')}?{urlencode(query)}"


@cadre_required
def report(request):
    form = ReportForm(request.GET or None, orgs=_filter_orgs(request.user))
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    result = None
    if not form.errors:
        filters = {"created_from": data.get("created_from"), "created_to": data.get("created_to"),
                   "category": data.get("category", ""), "worker_group": data.get("worker_group", "")}
        result = selectors.closed_loop_report(user=request.user, org=data.get("org"), **filters)
        if result is not None and request.GET.get("format") == "xlsx":
            if not request.user.scope_paths(EXPORT):
                raise PermissionDenied
            body = report_xlsx(user=request.user, report=result, filters=filters, request=request)
            response = HttpResponse(body, content_type=XLSX)
            response["Content-Disposition"] = 'attachment; filename="needs-closed-loop.xlsx"'
            return response
    return render(request, "needs/report.html", {"form": form, "report": result, "tab": "report",
                                                 "drill_kinds": FILTER_KINDS,
                                                 "may_export": bool(request.user.scope_paths(EXPORT))},
                  status=400 if form.errors else 200)

