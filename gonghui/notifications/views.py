"""The signed-in user's inbox (workers and cadres alike)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from gonghui.console.pages import paginate

from . import selectors, services


@login_required
def inbox(request):
    page = paginate(request, selectors.inbox(user=request.user), 20)
    return render(request, "notifications/inbox.html", {
        "page": page, "unread": selectors.unread_count(user=request.user)})


@login_required
@require_POST
def mark_read(request, pk=None):
    services.notification_mark_read(user=request.user, pk=pk)
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("notifications:inbox")
