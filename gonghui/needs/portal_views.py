"""The worker's side of the three lists in the portal: "you said, we did" (你说我办, R3.1, R5.1).

A member sees what the unions of their street heard from workers in the last 12 months and how each need
ended, with the closed-loop figures on top. Only what a cadre wrote for display is shown: titles, categories,
places, projects and decline reasons; never a need's details, origin or recorder.
"""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from gonghui.console.pages import paginate
from gonghui.members import selectors as members
from gonghui.members.models import MembershipStatus

from . import selectors
from .models import NeedCategory, NeedStatus


@login_required
def heard(request):
    membership = members.my_active_membership(request.user)
    if membership is None:
        pending = members.my_memberships(request.user).filter(status=MembershipStatus.PENDING).exists()
        return render(request, "needs/portal_heard_join.html", {"pending": pending})
    area = selectors.heard_area(membership.org)
    category = request.GET.get("category", "")
    if category not in NeedCategory.values:
        category = ""
    done_only = request.GET.get("done") == "1"
    page = paginate(request, selectors.heard_needs(org=area, category=category, done_only=done_only),
                    selectors.HEARD_PER_PAGE)
    return render(request, "needs/portal_heard.html", {
        "area": area, "summary": selectors.heard_summary(org=area), "page_obj": page,
        "categories": NeedCategory.choices, "category": category, "done_only": done_only,
        "filtered": bool(category or done_only), "Status": NeedStatus})
