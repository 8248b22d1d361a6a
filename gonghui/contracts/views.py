"""Console pages for collective contracts: list with filters, detail with clocks and timeline, registry forms,
and one form per bargaining step."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from gonghui.console.access import cadre_required
from gonghui.console.pages import add_service_errors, paginate, render_list
from gonghui.core.scoping import MANAGE, VIEW
from gonghui.enterprises.selectors import enterprise_list
from gonghui.orgs.models import OrgKind
from gonghui.orgs.selectors import org_list

from . import selectors, services
from .forms import ContractForm, FilterForm, StepForm
from .models import Stage

PAGE_SIZE = 50
SOON_DAYS = 90  # the list flags contracts expiring this soon: time to open the next round of bargaining
STEP_TITLES = {
    Stage.OFFERED: gettext_lazy("Record the offer (要约)"),
    Stage.NEGOTIATING: gettext_lazy("Record the written reply"),
    Stage.APPROVED: gettext_lazy("Record the workers' congress vote"),
    Stage.SIGNED: gettext_lazy("Record the signing"),
    Stage.FILED: gettext_lazy("Record the filing"),
    Stage.EFFECTIVE: gettext_lazy("Put in force"),
}
OBJECTION_TITLE = gettext_lazy("Record an objection of the labour department")


def step_title(contract, to_stage) -> str:
    if to_stage == Stage.NEGOTIATING and contract.stage == Stage.FILED:
        return OBJECTION_TITLE
    return STEP_TITLES[to_stage]


def _unions(user, action=VIEW):
    return org_list(user=user, action=action).exclude(kind=OrgKind.GROUP).order_by("path")


@cadre_required
def contract_list(request):
    user = request.user
    form = FilterForm(request.GET or None, orgs=_unions(user))
    filters = form.filters()
    expiring = filters.pop("expiring")
    if expiring:
        qs = selectors.contracts_expiring(user=user, within_days=expiring)
        qs = qs.filter(pk__in=selectors.contract_list(user=user, **filters).values("pk"))
    else:
        qs = selectors.contract_list(user=user, **filters)
    coverage = selectors.coverage(user=user, org=filters["org"]) if filters["org"] else None
    context = {"form": form, "page_obj": paginate(request, qs, PAGE_SIZE), "coverage": coverage,
               "may_create": _unions(user, MANAGE).exists(), "soon_days": SOON_DAYS,
               "expiring_soon": selectors.contracts_expiring(user=user, within_days=SOON_DAYS).count()}
    return render_list(request, "contracts/list.html", "contracts/_table.html", context)


@cadre_required
def detail(request, pk):
    contract = selectors.contract_get(user=request.user, pk=pk)
    may_manage = services.may_manage(request.user, contract)
    steps = [(stage, step_title(contract, stage)) for stage in contract.allowed_stages()] if may_manage else []
    return render(request, "contracts/detail.html", {
        "contract": contract, "clocks": contract.clocks(), "events": contract.events.select_related("actor"),
        "covered": contract.covered_enterprises.order_by("name"), "may_manage": may_manage, "steps": steps,
        "reminders": contract.reminders.all()[:10],
    })


@cadre_required
@require_http_methods(["GET", "POST"])
def create(request):
    user = request.user
    orgs = _unions(user, MANAGE)
    if not orgs.exists():
        raise PermissionDenied
    form = ContractForm(request.POST or None, orgs=orgs, enterprises=enterprise_list(user=user))
    if request.method == "POST" and form.is_valid():
        try:
            contract = services.contract_create(actor=user, request=request, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The contract was registered."))
            return redirect("contracts:detail", pk=contract.pk)
    return render(request, "contracts/form.html", {"form": form, "title": _("Register a collective contract")})


def _to_manage(request, pk):
    contract = selectors.contract_get(user=request.user, pk=pk, action=MANAGE)
    if not services.may_manage(request.user, contract):
        raise PermissionDenied
    return contract


@cadre_required
@require_http_methods(["GET", "POST"])
def edit(request, pk):
    contract = _to_manage(request, pk)
    form = ContractForm(request.POST or None, initial=ContractForm.initial_for(contract), contract=contract,
                        orgs=_unions(request.user, MANAGE), enterprises=enterprise_list(user=request.user))
    if request.method == "POST" and form.is_valid():
        changes = {name: form.cleaned_data[name] for name in form.changed_data}
        if not changes:
            messages.info(request, _("Nothing was changed."))
            return redirect("contracts:detail", pk=contract.pk)
        try:
            services.contract_update(actor=request.user, contract=contract, request=request, **changes)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The contract was saved."))
            return redirect("contracts:detail", pk=contract.pk)
    return render(request, "contracts/form.html", {"form": form, "contract": contract, "title": _("Edit")})


@cadre_required
@require_http_methods(["GET", "POST"])
def step(request, pk, to_stage):
    if to_stage not in Stage.values or to_stage == Stage.DRAFT:
        raise Http404
    contract = _to_manage(request, pk)
    form = StepForm(request.POST or None, contract=contract, to_stage=to_stage)
    if request.method == "POST" and form.is_valid():
        try:
            services.contract_advance(actor=request.user, contract=contract, to_stage=to_stage, request=request,
                                      **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The contract moved to “%(stage)s”.") % {"stage": Stage(to_stage).label})
            return redirect("contracts:detail", pk=contract.pk)
    return render(request, "contracts/form.html", {"form": form, "contract": contract,
                                                   "title": step_title(contract, to_stage)})
