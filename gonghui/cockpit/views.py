"""The leaders' cockpit page of the cadre console (R5.2): big figures for a wall screen, one tile per child org."""

from django.http import Http404
from django.shortcuts import render
from django.utils import timezone

from gonghui.console.access import cadre_required
from gonghui.needs.views import report_link
from gonghui.orgs.models import OrgKind

from . import selectors, snapshots
from .service_figures import service_figures


def drill_org(request):
    """The org of a drill-down (`?org=<pk>`): 404 for a missing, malformed or out-of-scope one alike."""
    pk = request.GET.get("org", "").strip()
    if not pk:
        return None
    if not pk.isdigit():
        raise Http404
    return selectors.cockpit_org(user=request.user, pk=int(pk))


@cadre_required
def cockpit(request):
    figures = selectors.cockpit_figures(user=request.user, org=drill_org(request))
    org = figures["org"]
    subtrees = [org] if org is not None else [tile.org for tile in figures["tiles"]]
    # The lists behind the figures take a street (enterprises, plans) or a union subtree (members).
    today = timezone.localdate()
    services = service_figures(user=request.user, orgs=subtrees, today=today)
    street_id = org.pk if org is not None and org.kind == OrgKind.STREET else (org.street_id if org else None)
    return render(request, "cockpit/cockpit.html", {
        "org": org, "total": figures["total"], "tiles": figures["tiles"], "street_id": street_id,
        "drilled": "org" in request.GET,
        "services": services, "today": today,
        "needs_report": report_link(org=org, start=services.since, end=today),
        **snapshots.growth_and_trend(figures["total"], subtrees),
    })
