"""The org tree pages of the cadre console: tree, detail, create a child, edit."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Min
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from gonghui.console.access import cadre_required
from gonghui.console.pages import add_service_errors, paginate
from gonghui.core.scoping import MANAGE, VIEW, can
from gonghui.members.models import MembershipStatus
from gonghui.members.selectors import worker_list

from . import selectors, services
from .forms import OrgCreateForm, OrgUpdateForm
from .models import ALLOWED_CHILDREN, OrgKind

TREE_PAGE_SIZE = 100


@cadre_required
def tree(request):
    user = request.user
    q = request.GET.get("q", "").strip()
    kind = request.GET.get("kind", "")
    if kind not in OrgKind.values:
        kind = ""
    orgs = selectors.org_tree(user=user)
    if q:
        orgs = orgs.filter(name__contains=q)
    if kind:
        orgs = orgs.filter(kind=kind)
    # Indent relative to the top of the user's own scope, so a street cadre's street sits at the left.
    base_depth = selectors.org_list(user=user).aggregate(d=Min("depth"))["d"] or 0
    return render(request, "orgs/tree.html", {
        "page_obj": paginate(request, orgs, TREE_PAGE_SIZE), "base_depth": base_depth,
        "q": q, "kind": kind, "kinds": OrgKind.choices,
    })


@cadre_required
def detail(request, pk):
    user = request.user
    org = selectors.org_get(user=user, pk=pk, action=VIEW)
    children = selectors.org_list(user=user).filter(parent=org).order_by("path")
    cadres = org.grants.select_related("user").order_by("role", "user__username")
    may_manage = can(user, MANAGE, org)
    return render(request, "orgs/detail.html", {
        "org": org,
        "parent": org.parent if org.parent_id and can(user, VIEW, org.parent) else None,
        "children": children,
        "cadres": cadres,
        "members_direct": worker_list(user=user, status=MembershipStatus.ACTIVE).filter(org=org).count(),
        "members_subtree": worker_list(user=user, org=org, status=MembershipStatus.ACTIVE).count(),
        "may_manage": may_manage,
        "may_add_child": may_manage and bool(ALLOWED_CHILDREN[OrgKind(org.kind)]),
    })


@cadre_required
@require_http_methods(["GET", "POST"])
def create(request, parent_pk):
    parent = selectors.org_get(user=request.user, pk=parent_pk, action=MANAGE)
    if not ALLOWED_CHILDREN[OrgKind(parent.kind)]:
        raise Http404
    form = OrgCreateForm(request.POST or None, parent=parent)
    if request.method == "POST" and form.is_valid():
        try:
            org = services.org_create(actor=request.user, parent=parent, request=request, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The organisation was created."))
            return redirect("orgs:detail", pk=org.pk)
    return render(request, "orgs/form.html", {"form": form, "parent": parent, "org": None})


@cadre_required
@require_http_methods(["GET", "POST"])
def edit(request, pk):
    org = selectors.org_get(user=request.user, pk=pk, action=MANAGE)
    form = OrgUpdateForm(request.POST or None, initial=OrgUpdateForm.initial_for(org))
    if request.method == "POST" and form.is_valid():
        changes = {name: form.cleaned_data[name] for name in form.changed_data}
        if not changes:
            messages.info(request, _("Nothing was changed."))
            return redirect("orgs:detail", pk=org.pk)
        try:
            services.org_update(actor=request.user, org=org, request=request, **changes)
        except ValidationError as exc:
            add_service_errors(form, exc)
            org = selectors.org_get(user=request.user, pk=pk, action=MANAGE)  # the service touched our copy
        else:
            messages.success(request, _("The organisation was saved."))
            return redirect("orgs:detail", pk=org.pk)
    return render(request, "orgs/form.html", {"form": form, "parent": org.parent, "org": org})
