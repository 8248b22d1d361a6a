"""Console pages for the establishment plans: board by stage, plan, visit, stage move, edit, registrations import."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from gonghui.console.access import cadre_required
from gonghui.console.pages import add_service_errors
from gonghui.core.scoping import IMPORT, MANAGE, VIEW, gate, restrict
from gonghui.orgs.models import Org, OrgKind
from gonghui.orgs.selectors import org_list

from . import selectors, services
from .forms import BoardFilterForm, MoveForm, PlanForm, RegistrationsForm, VisitForm
from .importers import registrations_import
from .models import Stage


@cadre_required
def board(request):
    user = request.user
    streets = org_list(user=user, kind=OrgKind.STREET).order_by("name")
    form = BoardFilterForm(request.GET or None, streets=streets)
    columns = selectors.plan_board(user=user, **form.filters())
    return render(request, "outreach/board.html", {
        "form": form, "columns": columns, "total": sum(c["count"] for c in columns),
        "may_manage_streets": org_list(user=user, action=MANAGE, kind=OrgKind.STREET).exists(),
        "may_import": bool(user.scope_paths(IMPORT)),
    })


@cadre_required
@require_POST
def ensure(request):
    """Create the missing plans for the enterprises without a union in the user's streets."""
    user = request.user
    if not org_list(user=user, action=MANAGE, kind=OrgKind.STREET).exists():
        raise PermissionDenied
    created = services.plans_ensure(actor=user, request=request)
    messages.success(request, _("%(n)d new plans were created.") % {"n": created})
    return redirect("outreach:board")


@cadre_required
def detail(request, pk):
    plan = selectors.plan_get(user=request.user, pk=pk, action=VIEW)
    return render(request, "outreach/detail.html", {
        "plan": plan, "visits": plan.visits.select_related("commissioner", "recorded_by"),
        "events": plan.events.select_related("actor"),
        "may_manage": services.may_manage(request.user, plan), "Stage": Stage,
    })


def _plan_to_manage(request, pk):
    plan = selectors.plan_get(user=request.user, pk=pk, action=MANAGE)
    if not services.may_manage(request.user, plan):
        raise PermissionDenied
    return plan


@cadre_required
@require_http_methods(["GET", "POST"])
def visit_new(request, pk):
    plan = _plan_to_manage(request, pk)
    commissioners = services.commissioner_candidates(plan.enterprise.street)
    form = VisitForm(request.POST or None, commissioners=commissioners,
                     initial={"commissioner": plan.commissioner})
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_visit_record(actor=request.user, plan=plan, request=request, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The visit was recorded."))
            return redirect("outreach:detail", pk=plan.pk)
    return render(request, "outreach/form.html", {"form": form, "plan": plan, "title": _("Record a visit")})


@cadre_required
@require_http_methods(["GET", "POST"])
def move(request, pk):
    plan = _plan_to_manage(request, pk)
    form = MoveForm(request.POST or None, plan=plan)
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_move(actor=request.user, plan=plan, request=request, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The plan moved to “%(stage)s”.") % {
                "stage": Stage(form.cleaned_data["to_stage"]).label})
            return redirect("outreach:detail", pk=plan.pk)
    return render(request, "outreach/form.html", {"form": form, "plan": plan, "title": _("Change the stage")})


@cadre_required
@require_http_methods(["GET", "POST"])
def edit(request, pk):
    plan = _plan_to_manage(request, pk)
    form = PlanForm(request.POST or None, initial=PlanForm.initial_for(plan),
                    commissioners=services.commissioner_candidates(plan.enterprise.street))
    if request.method == "POST" and form.is_valid():
        changes = {name: form.cleaned_data[name] for name in form.changed_data}
        if not changes:
            messages.info(request, _("Nothing was changed."))
            return redirect("outreach:detail", pk=plan.pk)
        try:
            services.plan_update(actor=request.user, plan=plan, request=request, **changes)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The plan was saved."))
            return redirect("outreach:detail", pk=plan.pk)
    return render(request, "outreach/form.html", {"form": form, "plan": plan, "title": _("Edit the plan")})


@cadre_required
@require_http_methods(["GET", "POST"])
def registrations(request):
    """Upload the weekly new-registrations file; the result (and any bad rows) is shown at once."""
    user = request.user
    if not user.scope_paths(IMPORT):
        raise PermissionDenied
    orgs = restrict(Org.objects.filter(kind__in=[OrgKind.DISTRICT, OrgKind.STREET]), user, IMPORT).order_by("path")
    form = RegistrationsForm(request.POST or None, request.FILES or None, orgs=orgs)
    result = None
    if request.method == "POST" and form.is_valid():
        org = gate(orgs, user, IMPORT, pk=form.cleaned_data["org_id"])
        try:
            result = registrations_import(actor=user, org=org, upload=form.cleaned_data["file"], request=request)
        except ValidationError as exc:
            add_service_errors(form, exc)
    return render(request, "outreach/registrations.html", {"form": form, "result": result})
