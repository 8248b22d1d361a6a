"""Console pages for service stations: the list of the cadre's unions, and one station's printable QR code
that opens the portal filing page with the station preset."""

import segno
from django.shortcuts import render
from django.urls import reverse

from gonghui.console.access import cadre_required
from gonghui.console.pages import paginate
from gonghui.core.scoping import VIEW, gate, restrict
from gonghui.orgs.models import Org, OrgStatus

from .intake import station_token


def _stations(user):
    return restrict(Org.objects.filter(status=OrgStatus.ACTIVE), user, VIEW).order_by("path")


@cadre_required
def station_list(request):
    return render(request, "appeals/stations.html", {"page_obj": paginate(request, _stations(request.user), 50)})


@cadre_required
def station_qr(request, pk):
    station = gate(_stations(request.user), request.user, VIEW, pk=pk)
    url = request.build_absolute_uri(reverse("appeals_portal:station", args=[station_token(station)]))
    qr = segno.make(url, error="m").svg_inline(scale=6, border=2)
    return render(request, "appeals/station_qr.html", {"station": station, "url": url, "qr": qr})
