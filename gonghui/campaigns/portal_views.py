"""Worker portal pages: open campaigns I can apply to, applying once, my applications."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from gonghui.console.pages import add_service_errors

from . import selectors, services
from .forms import ApplyForm


@login_required
def aid_home(request):
    mine = list(selectors.my_applications(request.user))
    applied = {a.campaign_id for a in mine}
    return render(request, "campaigns/portal/home.html", {
        "campaigns": [c for c in selectors.open_campaigns_for(request.user) if c.pk not in applied],
        "applications": mine,
    })


@login_required
@require_http_methods(["GET", "POST"])
def aid_apply(request, pk):
    campaign = selectors.open_campaigns_for(request.user).filter(pk=pk).first()
    if campaign is None:
        raise Http404
    form = ApplyForm(request.POST or None, campaign=campaign)
    if request.method == "POST" and form.is_valid():
        try:
            services.application_submit(actor=request.user, campaign=campaign, request=request, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Your application was submitted."))
            return redirect("aid:home")
    return render(request, "campaigns/portal/apply.html", {"campaign": campaign, "form": form})
