"""/api/v1/appeals: file a request (the national platform, stations, the worker's app), read one, list my own.

A cadre account (the platform's or a station's) files on a caller's behalf on channel "api" or
"station"; a worker's account files for itself on channel "portal".
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.pagination import LimitOffsetPagination, paginate

from gonghui.core.api import api_field_names
from gonghui.core.scoping import MANAGE, can
from gonghui.orgs.models import Org

from .models import Appeal, Channel
from .schemas import AppealFilters, AppealIn, AppealOut
from .selectors import appeal_get, appeal_list, my_appeals
from .services import appeal_file

router = Router(tags=["appeals"])


@router.post("", response={201: AppealOut, 200: AppealOut})
def appeal_file_api(request, payload: AppealIn):
    """File a request. Unknown types or categories and an empty description are refused (422) naming the field."""
    user = request.auth
    data = payload.dict(exclude={"station_id"})
    station = None
    if payload.station_id is not None:
        station = Org.objects.filter(pk=payload.station_id).first()
        if station is None or not can(user, MANAGE, station):
            raise ValidationError({"station_id": _("Please choose a station in your area.")})
    if user.is_cadre:
        channel = Channel.STATION if station is not None else Channel.API
        kwargs = {"user": None}
    else:
        channel = Channel.PORTAL
        data.update(mobile="", contact_name="")
        kwargs = {"user": user}
    retry = bool(payload.client_key) and Appeal.objects.filter(
        channel=channel, client_key=payload.client_key, created_by=user).exists()
    with api_field_names(station="station_id"):
        appeal = appeal_file(actor=user, channel=channel, station=station, request=request, **kwargs, **data)
    return Status(200 if retry else 201, appeal)


@router.get("", response=list[AppealOut])
@paginate(LimitOffsetPagination, max_limit=100)
def appeal_list_api(request, filters: Query[AppealFilters]):
    """A console queue for cadres (always within the caller's subtrees), earliest answer deadline first."""
    return appeal_list(user=request.auth, queue=filters.queue, status=str(filters.status or ""),
                       appeal_type=str(filters.appeal_type or ""), category=str(filters.category or ""))


@router.get("/mine", response=list[AppealOut])
@paginate(LimitOffsetPagination, max_limit=100)
def my_appeals_api(request):
    """The signed-in worker's own requests, newest first."""
    return my_appeals(user=request.auth)


@router.get("/{int:appeal_id}", response=AppealOut)
def appeal_get_api(request, appeal_id: int):
    """One request in the caller's scope (or the caller's own); 404 for missing and forbidden alike."""
    return appeal_get(user=request.auth, pk=appeal_id)
