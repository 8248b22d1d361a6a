"""The worker portal: phone-first pages for joining, the card, membership and transfer.

Joining takes three screens from home: who you are and where you work → which union → submitted.
"""

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from gonghui.enterprises.models import Enterprise
from gonghui.members import selectors as members
from gonghui.members import services
from gonghui.members.models import MembershipStatus
from gonghui.orgs.models import Org
from gonghui.orgs.selectors import unions_for_worker

from .forms import ChooseUnionForm, JoinForm, ReasonForm

DRAFT_SALT = "gonghui.portal.join"
DRAFT_MAX_AGE = 3600


def home(request):
    if not request.user.is_authenticated:
        return render(request, "portal/welcome.html")
    membership = members.my_active_membership(request.user)
    pending = members.my_memberships(request.user).filter(status=MembershipStatus.PENDING).first()
    return render(request, "portal/home.html", {"membership": membership, "pending": pending,
                                                "worker": members.my_worker(request.user)})


def _suggested(draft: dict) -> list[Org]:
    street = Org.objects.filter(pk=draft.get("street")).first()
    employer = Enterprise.objects.filter(pk=draft.get("employer")).select_related("union").first()
    return unions_for_worker(street=street, form=draft["employment_form"], employer=employer)


@login_required
@require_http_methods(["GET", "POST"])
def join(request, transfer: bool = False):
    """Screen 1: identity (skipped for a transfer) and work."""
    active = members.my_active_membership(request.user)
    if transfer and active is None:
        messages.info(request, _("You are not a member yet; apply to join instead."))
        return redirect("portal:join")
    if not transfer and active is not None:
        return redirect("portal:transfer")
    worker = members.my_worker(request.user)
    initial = {"name": worker.name, "employment_form": worker.employment_form,
               "street": worker.street_id} if worker else {}
    form = JoinForm(request.POST or None, initial=initial, identity_locked=transfer)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        draft = {
            "name": data.get("name", ""), "resident_id": data.get("resident_id", ""),
            "employment_form": data["employment_form"], "street": data["street"].pk,
            "employer": data["employer"].pk if data["employer"] else None, "transfer": transfer,
        }
        token = signing.dumps(draft, salt=DRAFT_SALT, compress=True)
        return redirect(f"{reverse('portal:join_choose')}?draft={token}")
    return render(request, "portal/join.html", {"form": form, "transfer": transfer, "active": active})


@login_required
@require_http_methods(["GET", "POST"])
def join_choose(request):
    """Screen 2: the unions that fit, best first; submitting files the application."""
    token = request.POST.get("draft") or request.GET.get("draft", "")
    try:
        draft = signing.loads(token, salt=DRAFT_SALT, max_age=DRAFT_MAX_AGE)
    except signing.BadSignature:
        messages.warning(request, _("Your form expired; please fill it in again."))
        return redirect("portal:join")
    unions = _suggested(draft)
    form = ChooseUnionForm(request.POST or None, unions=unions,
                           initial={"draft": token, "org": unions[0].pk if unions else None})
    if request.method == "POST" and form.is_valid():
        org = next(u for u in unions if u.pk == form.cleaned_data["org"])
        street = Org.objects.filter(pk=draft["street"]).first()
        employer = Enterprise.objects.filter(pk=draft["employer"]).first() if draft["employer"] else None
        try:
            if draft.get("transfer"):
                services.membership_transfer_request(user=request.user, org=org, street=street, employer=employer,
                                                     employment_form=draft["employment_form"], request=request)
            else:
                services.membership_apply(user=request.user, name=draft["name"], resident_id=draft["resident_id"],
                                          employment_form=draft["employment_form"], org=org, street=street,
                                          employer=employer, request=request)
        except ValidationError as exc:
            for msgs in exc.message_dict.values():
                form.add_error(None, " ".join(msgs))
        else:
            messages.success(request, _("Your application has been sent to %(org)s.") % {"org": org.name})
            return redirect("portal:membership")
    return render(request, "portal/join_choose.html", {"form": form, "unions": unions, "draft": draft})


@login_required
def membership(request):
    history = members.my_memberships(request.user)
    return render(request, "portal/membership.html", {
        "history": history, "active": next((m for m in history if m.status == MembershipStatus.ACTIVE), None),
        "pending": next((m for m in history if m.status == MembershipStatus.PENDING), None),
        "worker": members.my_worker(request.user), "reason_form": ReasonForm(),
    })


@login_required
@require_POST
def withdraw(request, pk: int):
    m = members.my_memberships(request.user).filter(pk=pk).first()
    if m is None:
        raise Http404
    try:
        services.membership_withdraw(user=request.user, membership=m, request=request)
        messages.success(request, _("Your application has been withdrawn."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("portal:membership")


@login_required
@require_POST
def leave(request, pk: int):
    m = members.my_memberships(request.user).filter(pk=pk).first()
    if m is None:
        raise Http404
    form = ReasonForm(request.POST)
    form.is_valid()
    try:
        services.membership_leave(actor=request.user, membership=m, reason=form.cleaned_data.get("reason", ""),
                                  request=request)
        messages.success(request, _("Your membership has ended."))
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
    return redirect("portal:membership")


def _qr_svg(data: str) -> str:
    return segno.make(data, error="m").svg_inline(scale=4, border=2)


@login_required
def card(request):
    m = members.my_active_membership(request.user)
    if m is None:
        return render(request, "portal/no_card.html", status=404)
    token = services.card_token(m)
    verify_url = request.build_absolute_uri(reverse("portal:verify", args=[token]))
    return render(request, "portal/card.html", {"m": m, "qr": _qr_svg(verify_url), "verify_url": verify_url})


def verify(request, token: str):
    """Public check of a card for a station or a partner shop: valid or not, and the union. No personal data."""
    m = services.card_verify(token, max_age=settings.CARD_TOKEN_MAX_AGE)
    if request.GET.get("format") == "json":
        body = {"valid": m is not None}
        if m is not None:
            body.update(union=m.org.name, card_tail=m.card_no[-4:])
        return JsonResponse(body, status=200 if m else 404)
    return render(request, "portal/verify.html", {"m": m},
                  status=200 if m else 404)
