"""The enterprise census pages of the cadre console: list with filters, detail, create, edit."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from gonghui.console.access import cadre_required
from gonghui.console.pages import add_service_errors, paginate, render_list
from gonghui.core.scoping import MANAGE, VIEW, can
from gonghui.members.selectors import worker_list
from gonghui.orgs.models import JOINABLE_KINDS, Org, OrgKind
from gonghui.orgs.selectors import org_list

from . import selectors, services
from .forms import EnterpriseFilterForm, EnterpriseForm
from .models import PUBLIC_OWNERSHIP

PAGE_SIZE = 50


def _streets_managed(user, *, also: Org | None = None):
    qs = org_list(user=user, action=MANAGE, kind=OrgKind.STREET)
    if also is not None:
        qs = Org.objects.filter(Q(pk__in=qs.values("pk")) | Q(pk=also.pk))
    return qs.order_by("name")


def _unions_visible(user, *, also: Org | None = None):
    qs = org_list(user=user).filter(kind__in=JOINABLE_KINDS)
    if also is not None:
        qs = Org.objects.filter(Q(pk__in=qs.values("pk")) | Q(pk=also.pk))
    return qs.order_by("path")


def _may_manage(user, enterprise) -> bool:
    return can(user, MANAGE, enterprise.street) or bool(enterprise.union_id and can(user, MANAGE, enterprise.union))


@cadre_required
def enterprise_list(request):
    user = request.user
    streets = org_list(user=user, kind=OrgKind.STREET).order_by("name")
    form = EnterpriseFilterForm(request.GET or None, streets=streets)
    filters = form.filters()
    non_public = filters.pop("non_public", False)
    qs = selectors.enterprise_list(user=user, **filters)
    if non_public:
        qs = qs.exclude(ownership__in=PUBLIC_OWNERSHIP)
    context = {
        "form": form, "page_obj": paginate(request, qs, PAGE_SIZE),
        "may_create": _streets_managed(user).exists(),
    }
    return render_list(request, "enterprises/list.html", "enterprises/_table.html", context)


@cadre_required
def detail(request, pk):
    user = request.user
    enterprise = selectors.enterprise_get(user=user, pk=pk, action=VIEW)
    return render(request, "enterprises/detail.html", {
        "enterprise": enterprise,
        "union_visible": bool(enterprise.union_id and can(user, VIEW, enterprise.union)),
        "workers": worker_list(user=user).filter(employer=enterprise).count(),
        "may_manage": _may_manage(user, enterprise),
    })


@cadre_required
@require_http_methods(["GET", "POST"])
def create(request):
    user = request.user
    streets = _streets_managed(user)
    if not streets.exists():
        raise PermissionDenied  # enterprises are registered by the cadres of a street (or above)
    form = EnterpriseForm(request.POST or None, streets=streets, unions=_unions_visible(user))
    if request.method == "POST" and form.is_valid():
        try:
            enterprise = services.enterprise_create(actor=user, request=request, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The enterprise was registered."))
            return redirect("enterprises:detail", pk=enterprise.pk)
    return render(request, "enterprises/form.html", {"form": form, "enterprise": None})


@cadre_required
@require_http_methods(["GET", "POST"])
def edit(request, pk):
    user = request.user
    enterprise = selectors.enterprise_get(user=user, pk=pk, action=MANAGE)
    form = EnterpriseForm(
        request.POST or None, initial=EnterpriseForm.initial_for(enterprise),
        streets=_streets_managed(user, also=enterprise.street),
        unions=_unions_visible(user, also=enterprise.union),
    )
    if request.method == "POST" and form.is_valid():
        changes = {name: form.cleaned_data[name] for name in form.changed_data}
        if not changes:
            messages.info(request, _("Nothing was changed."))
            return redirect("enterprises:detail", pk=enterprise.pk)
        try:
            services.enterprise_update(actor=user, enterprise=enterprise, request=request, **changes)
        except ValidationError as exc:
            add_service_errors(form, exc)
            enterprise = selectors.enterprise_get(user=user, pk=pk, action=MANAGE)
        else:
            messages.success(request, _("The enterprise was saved."))
            return redirect("enterprises:detail", pk=enterprise.pk)
    return render(request, "enterprises/form.html", {"form": form, "enterprise": enterprise})
