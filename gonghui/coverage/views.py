"""The coverage page of the cadre console (R2.5) and the list of uncovered enterprises behind its blind spots."""

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.console.access import cadre_required
from gonghui.console.pages import paginate
from gonghui.core.choices import Industry
from gonghui.core.scoping import VIEW, can
from gonghui.enterprises.models import Ownership

from . import selectors
from .exports import XLSX, coverage_xlsx, may_export

PAGE_SIZE = 50


def _drill_org(request):
    """The org of a drill-down (`?org=<pk>`): 404 for a missing, malformed or out-of-scope one alike."""
    pk = request.GET.get("org", "").strip()
    if not pk:
        return None
    if not pk.isdigit():
        raise Http404
    return selectors.coverage_org(user=request.user, pk=int(pk))


@cadre_required
def overview(request):
    user = request.user
    org = _drill_org(request)
    report = selectors.coverage_report(user=user, org=org)
    for row in report["streets"]:
        street = row.extra.get("org")
        row.extra["visible"] = bool(street) and can(user, VIEW, street)
    return render(request, "coverage/overview.html", {"report": report, "org": org,
                                                      "may_export": may_export(user, org)})


@cadre_required
def export(request):
    """The page's figures as .xlsx (same scope and `?org=` drill-down): 404 out of scope, 403 without EXPORT."""
    org = _drill_org(request)
    today = timezone.localdate()
    body = coverage_xlsx(user=request.user, org=org, today=today, request=request)
    response = HttpResponse(body, content_type=XLSX)
    suffix = f"-{org.pk}" if org else ""
    response["Content-Disposition"] = f'attachment; filename="coverage{suffix}-{today:%Y%m%d}.xlsx"'
    return response


@cadre_required
def uncovered(request):
    user = request.user
    org = _drill_org(request)
    street = request.GET.get("street", "").strip()
    industry = request.GET.get("industry", "").strip()
    ownership = request.GET.get("ownership", "").strip()
    if (street and not street.isdigit()) or (industry and industry not in Industry.values) or (
            ownership and ownership not in Ownership.values):
        raise Http404
    qs = selectors.uncovered_enterprises(
        user=user, org=org, street=int(street) if street else None, industry=industry, ownership=ownership,
        non_public=request.GET.get("non_public") == "on",
    )
    filters = []
    if industry:
        filters.append(_("Industry: %(label)s") % {"label": Industry(industry).label})
    if ownership:
        filters.append(_("Ownership: %(label)s") % {"label": Ownership(ownership).label})
    if request.GET.get("non_public") == "on":
        filters.append(_("Non-public only"))
    return render(request, "coverage/uncovered.html", {
        "page_obj": paginate(request, qs, PAGE_SIZE), "org": org, "filters": filters,
    })
