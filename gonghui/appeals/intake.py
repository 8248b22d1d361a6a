"""Filing without an account: a mobile proved by a one-time code, and a signed link to follow the request.

The tracking link carries only the request's id, signed (no timestamp: the same request always has the same
link, and a printed station code never goes stale); the page it opens shows no personal data, so a
forwarded link tells nobody who asked. Station links are signed too, so nobody files "at" a station by
guessing numbers.
"""

from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from gonghui.accounts.services import otp_check
from gonghui.core.validators import check_mobile
from gonghui.notifications.services import notify
from gonghui.orgs.models import Org, OrgStatus

from .models import Appeal, Channel
from .services import appeal_file

TRACK_SALT = "gonghui.appeals.track"
STATION_SALT = "gonghui.appeals.station"


def track_token(appeal: Appeal) -> str:
    return signing.Signer(salt=TRACK_SALT).sign_object({"a": appeal.pk}, compress=True)


def track_get(token: str) -> Appeal | None:
    try:
        data = signing.Signer(salt=TRACK_SALT).unsign_object(token)
    except signing.BadSignature:
        return None
    pk = data.get("a") if isinstance(data, dict) else None
    return Appeal.objects.select_related("org").filter(pk=pk).first() if isinstance(pk, int) else None


def station_token(org: Org) -> str:
    return signing.Signer(salt=STATION_SALT).sign_object({"s": org.pk}, compress=True)


def station_get(token: str) -> Org | None:
    try:
        data = signing.Signer(salt=STATION_SALT).unsign_object(token)
    except signing.BadSignature:
        return None
    pk = data.get("s") if isinstance(data, dict) else None
    return Org.objects.filter(pk=pk, status=OrgStatus.ACTIVE).first() if isinstance(pk, int) else None


def appeal_file_verified(*, mobile: str, code: str, appeal_type: str, category: str, description: str,
                         street: Org | None = None, station: Org | None = None, do_not_share: bool = False,
                         request=None) -> Appeal:
    """An anonymous request from someone who proved the mobile with a one-time code.

    A wrong code is counted (not rolled back, so guessing stays limited) and files nothing; a request the
    filing refuses gives the code back, so the person can correct it and send again.
    """
    try:
        mobile = check_mobile(mobile)
    except ValidationError as exc:
        raise ValidationError({"mobile": exc.messages[0]}) from None
    if station is None and street is None:
        raise ValidationError({"street": _("Please choose the street where you work.")})
    with transaction.atomic():
        if otp_check(mobile=mobile, code=code):
            appeal = appeal_file(actor=None, channel=Channel.STATION if station else Channel.PORTAL,
                                 appeal_type=appeal_type, category=category, description=description,
                                 anonymous=True, mobile=mobile, street=street, station=station,
                                 do_not_share=do_not_share, request=request)
            _send_link(appeal, mobile, request)
            return appeal
    raise ValidationError({"code": _("The code is wrong or has expired; please ask for a new one.")})


def _send_link(appeal: Appeal, mobile: str, request) -> None:
    """Text the tracking link to the proved mobile, so closing the page does not lose the request."""
    path = reverse("appeals_portal:track", args=[track_token(appeal)])
    link = request.build_absolute_uri(path) if request is not None else path
    notify(mobiles=(mobile,), sms=True, url=path, body=link,
           title=_("Your request %(ref)s was received; follow it here:") % {"ref": appeal.reference})
