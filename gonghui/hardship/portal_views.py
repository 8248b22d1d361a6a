"""The worker's side: apply online for my household, and see my own file's status."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from gonghui.members.selectors import my_worker

from . import selectors, services
from .forms import FamilyFormSet, HouseholdForm
from .views import household_submit


@login_required
def mine(request):
    files = list(selectors.my_files(request.user))
    live = next((f for f in files if f.is_live), None)
    return render(request, "hardship/portal_mine.html", {
        "live": live, "closed": [f for f in files if not f.is_live], "worker": my_worker(request.user),
        "events": live.events.all() if live else [],
        "family": live.family.filter(left_on__isnull=True) if live else [],
        "assistance": live.assistance.select_related("giver_org") if live else [],
    })


@login_required
@require_http_methods(["GET", "POST"])
def apply(request):
    if any(f.is_live for f in selectors.my_files(request.user)):
        messages.info(request, _("Your household already has a hardship file."))
        return redirect("hardship_portal:mine")
    worker = my_worker(request.user)
    form = HouseholdForm(request.POST or None)
    formset = FamilyFormSet(request.POST or None, prefix="family")

    def submit(data, family):
        return services.file_apply(user=request.user, family=family, request=request, **data)

    if request.method == "POST" and household_submit(request, form, formset, submit) is not None:
        messages.success(request, _("Your application was sent to your union."))
        return redirect("hardship_portal:mine")
    return render(request, "hardship/portal_apply.html", {"form": form, "formset": formset, "worker": worker})
