"""/api/v1/members, /api/v1/me/card and /api/v1/membership-applications.

Workers are listed with masked resident IDs and mobiles only; the full ID comes from the audited
reveal endpoint and needs the REVEAL right. The card endpoint is on the hot path (a worker opens it
at every gate): with a bearer token it costs one query, and it never touches the session.
"""

from functools import lru_cache
from typing import NamedTuple

from django.core.exceptions import ValidationError
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.pagination import LimitOffsetPagination, paginate

from gonghui.accounts.models import ApiToken, User, hash_secret
from gonghui.core.api import BearerAuth, SessionAuth, api_field_names
from gonghui.core.privacy import mask_name
from gonghui.core.scoping import APPROVE, VIEW
from gonghui.enterprises.selectors import employer_for_suggestion
from gonghui.orgs.models import Org, OrgKind

from .models import Membership, MembershipStatus, Worker
from .schemas import (
    ApplicationFilters,
    ApplicationIn,
    ApplicationOut,
    CardOut,
    ErrorOut,
    MemberDetailOut,
    MemberFilters,
    MemberOut,
    RejectIn,
    RevealIn,
    RevealOut,
)
from .selectors import application_queue, membership_get, my_memberships, worker_get, worker_list
from .services import (
    card_token,
    membership_apply,
    membership_approve,
    membership_reject,
    membership_withdraw,
    reveal_resident_id,
)

MAX_PAGE = 200

router = Router(tags=["members"])
me_router = Router(tags=["me"])
applications_router = Router(tags=["membership applications"])


# --- members (cadres) ---------------------------------------------------------------------------

@router.get("", response=list[MemberOut])
@paginate(LimitOffsetPagination, max_limit=MAX_PAGE)
def member_list_api(request, filters: Query[MemberFilters]):
    """Workers in the caller's scope, newest first. Resident IDs and mobiles are always masked."""
    org = None
    if filters.org_id is not None:
        org = Org.objects.filter(pk=filters.org_id).first()
        if org is None:
            return Worker.objects.none()
    return worker_list(user=request.auth, q=filters.q.strip(), employment_form=str(filters.employment_form or ""),
                       org=org)


@router.get("/{int:worker_id}", response=MemberDetailOut)
def member_get_api(request, worker_id: int):
    return worker_get(user=request.auth, pk=worker_id)


@router.post("/{int:worker_id}/reveal", response=RevealOut)
def member_reveal_api(request, worker_id: int, payload: RevealIn, response: HttpResponse):
    """The full resident ID, for a cadre with the reveal right and a reason; the access is audited."""
    worker = worker_get(user=request.auth, pk=worker_id, action=VIEW)
    number = reveal_resident_id(actor=request.auth, worker=worker, reason=payload.reason, request=request)
    response["Cache-Control"] = "no-store"
    return {"resident_id": number}


# --- the worker's own card ----------------------------------------------------------------------

@lru_cache(maxsize=1)
def _verify_path_parts() -> tuple[str, str]:
    """The verify page's path around its token ("/verify/", "/"), reversed once per process."""
    try:
        path = reverse("portal:verify", kwargs={"token": "TOKEN"})
    except NoReverseMatch:
        path = "/verify/TOKEN/"
    before, _sep, after = path.partition("TOKEN")
    return before, after


def verify_url(request, token: str) -> str:
    before, after = _verify_path_parts()
    return request.build_absolute_uri(before + token + after)


class Card(NamedTuple):
    user_id: int
    card_no: str | None  # None: signed in, but no active membership
    joined_on: object
    union_name: str | None
    worker_name: str | None
    membership_id: int | None


def _card_sql(by_token: bool) -> str:
    t, u = ApiToken._meta.db_table, User._meta.db_table
    m, w, o = Membership._meta.db_table, Worker._meta.db_table, Org._meta.db_table
    card = (
        f'LEFT JOIN "{w}" w ON w.user_id = u.id '
        f'LEFT JOIN "{m}" m ON m.worker_id = w.id AND m.status = %s '
        f'LEFT JOIN "{o}" o ON o.id = m.org_id '
    )
    select = "SELECT u.id, m.card_no, m.joined_on, o.name, w.name, m.id "
    if by_token:
        return (select + f'FROM "{t}" t JOIN "{u}" u ON u.id = t.user_id ' + card
                + "WHERE t.key_hash = %s AND t.expires_at > %s AND u.is_active = %s LIMIT 1")
    return select + f'FROM "{u}" u ' + card + "WHERE u.id = %s LIMIT 1"


def _fetch_card(sql: str, params: list) -> Card | None:
    with connection.cursor() as cursor:
        cursor.execute(sql, [MembershipStatus.ACTIVE.value, *params])
        row = cursor.fetchone()
    return Card(*row) if row else None


_CARD_BY_TOKEN = _card_sql(True)
_CARD_BY_USER = _card_sql(False)


class CardBearerAuth(BearerAuth):
    """The API's bearer check (a live token of an active user, see core.api.BearerAuth) and the card in one
    hand-written query: the card is shown at every gate, and compiling the two equivalent ORM queries cost
    more than all the rest of the request (bench/bench_card_load.py)."""

    def __call__(self, request):
        # As HttpBearer.__call__, reading the header straight from META (request.headers builds a dict).
        scheme, _sep, token = request.META.get("HTTP_AUTHORIZATION", "").partition(" ")
        return self.authenticate(request, token) if scheme.lower() == "bearer" and token else None

    def authenticate(self, request, token):
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        return _fetch_card(_CARD_BY_TOKEN, [hash_secret(token), now, True])


@me_router.get("/card", response={200: CardOut, 404: ErrorOut}, auth=[CardBearerAuth(), SessionAuth()])
def my_card_api(request):
    """The signed-in worker's active membership card, with a signed token to show as a QR code."""
    card = request.auth if isinstance(request.auth, Card) else _fetch_card(_CARD_BY_USER, [request.auth.pk])
    if card is None or card.card_no is None:
        return Status(404, {"detail": _("You have no active membership yet.")})
    token = card_token(Membership(pk=card.membership_id, card_no=card.card_no))
    # Built here rather than validated against CardOut (which documents it): the hot path's last shortcut.
    return JsonResponse({
        "card_no": card.card_no,
        "union_name": card.union_name,
        "joined_on": card.joined_on,
        "name_masked": mask_name(card.worker_name),
        "status": MembershipStatus.ACTIVE.value,
        "status_label": str(MembershipStatus.ACTIVE.label),
        "token": token,
        "verify_url": verify_url(request, token),
    }, json_dumps_params={"ensure_ascii": False})


# --- membership applications --------------------------------------------------------------------

@applications_router.post("", response={201: ApplicationOut})
def application_create_api(request, payload: ApplicationIn):
    """Apply to join a union; a worker who is already an active member asks to transfer instead."""
    errors = {}
    org = Org.objects.filter(pk=payload.org_id).first()
    if org is None:
        errors["org_id"] = _("Please choose a union from the list.")
    street = None
    if payload.street_id is not None:
        street = Org.objects.filter(pk=payload.street_id, kind=OrgKind.STREET).first()
        if street is None:
            errors["street_id"] = _("Please choose a street or town from the list.")
    if errors:
        raise ValidationError(errors)
    employer = employer_for_suggestion(payload.employer_credit_code) if payload.employer_credit_code else None
    with api_field_names(org="org_id", street="street_id", employer="employer_credit_code"):
        membership = membership_apply(
            user=request.auth, name=payload.name, resident_id=payload.resident_id,
            employment_form=str(payload.employment_form), org=org, street=street, employer=employer,
            mobile=payload.mobile, request=request,
        )
    return Status(201, membership)


@applications_router.get("", response=list[ApplicationOut])
@paginate(LimitOffsetPagination, max_limit=MAX_PAGE)
def application_list_api(request, filters: Query[ApplicationFilters]):
    """Cadres: the applications and transfers waiting for their unions, oldest first.
    Everyone else (or a cadre with `mine=true`): their own applications, newest first."""
    user = request.auth
    if user.scope_paths(APPROVE) and not filters.mine:
        return application_queue(user=user)
    return my_memberships(user).select_related("worker").order_by("-applied_at", "-id")


@applications_router.post("/{int:membership_id}/approve", response=ApplicationOut)
def application_approve_api(request, membership_id: int):
    membership = membership_get(user=request.auth, pk=membership_id, action=APPROVE)
    return membership_approve(actor=request.auth, membership=membership, request=request)


@applications_router.post("/{int:membership_id}/reject", response=ApplicationOut)
def application_reject_api(request, membership_id: int, payload: RejectIn):
    membership = membership_get(user=request.auth, pk=membership_id, action=APPROVE)
    return membership_reject(actor=request.auth, membership=membership, reason=payload.reason, request=request)


@applications_router.post("/{int:membership_id}/withdraw", response=ApplicationOut)
def application_withdraw_api(request, membership_id: int):
    """The applicant takes back an application still waiting for approval."""
    membership = membership_get(user=request.auth, pk=membership_id, action=VIEW)
    return membership_withdraw(user=request.auth, membership=membership, request=request)

