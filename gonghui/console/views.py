from django.shortcuts import redirect, render

from gonghui.enterprises.selectors import enterprise_list
from gonghui.members.models import MembershipStatus
from gonghui.members.selectors import application_queue, worker_list
from gonghui.orgs.selectors import org_list

from .access import cadre_required


def home(request):
    """The auditor has no union scope: their console is the audit log."""
    user = request.user
    if user.is_authenticated and user.is_auditor and not user.is_cadre:
        return redirect("console:audit")
    return _cadre_home(request)


@cadre_required
def _cadre_home(request):
    user = request.user
    counts = {
        "orgs": org_list(user=user).count(),
        "enterprises": enterprise_list(user=user).count(),
        "blind_spots": enterprise_list(user=user, has_union=False).count(),
        "members": worker_list(user=user, status=MembershipStatus.ACTIVE).count(),
        "pending": application_queue(user=user).count(),
    }
    return render(request, "console/home.html", {"counts": counts})
