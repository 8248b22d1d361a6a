"""Writes to workers' requests: keyword-only, atomic, audited.

`_transition` is the one place a request changes status: it asks `Appeal.check_action` whether
the action is allowed from the current status (the TRANSITIONS table), saves, and appends an
AppealEvent. A refused action raises ValidationError before anything is written.
Notifications go out through gonghui.notifications after the transaction commits.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from gonghui.accounts.models import User
from gonghui.accounts.roles import CADRE_ROLES
from gonghui.audit.services import audit_record
from gonghui.core.privacy import blind_index, decrypt, encrypt, mask_mobile
from gonghui.core.scoping import MANAGE, can
from gonghui.core.validators import check_mobile
from gonghui.members.selectors import my_worker
from gonghui.notifications.services import notify
from gonghui.orgs.models import Org, OrgKind, OrgStatus

from . import clock
from .deadlines import set_accept_deadline, set_answer_deadline
from .models import (
    OPEN_STATUSES,
    Action,
    Appeal,
    AppealEvent,
    AppealType,
    Category,
    Channel,
    Difficulty,
    Pause,
    Rating,
    ReturnVisit,
    Status,
)
from .routing import route, worker_by_mobile, workplace_unions

MAX_DESCRIPTION = 2000
MAX_NOTE = 2000


# --- helpers ---------------------------------------------------------------------------------------

def org_cadres(org: Org):
    """The active cadres of this org, or of the nearest org above it that has any: a joint union of riders
    often has no cadre account of its own, and its street must hear of a new request."""
    for org_id in reversed([int(p) for p in org.path.strip("/").split("/") if p]):
        users = User.objects.filter(is_active=True, grants__role__in=CADRE_ROLES, grants__org_id=org_id).distinct()
        if users.exists():
            return users
    return User.objects.none()


def may_handle(user, appeal: Appeal) -> bool:
    return can(user, MANAGE, appeal.org)


def _require_handler(user, appeal: Appeal) -> None:
    if not may_handle(user, appeal):
        raise PermissionDenied


def _require_reporter(user, appeal: Appeal) -> None:
    if not (user is not None and user.is_authenticated and appeal.user_id == user.pk):
        raise PermissionDenied


def _text(value, field: str, errors: dict, *, required: bool, limit: int, message: str) -> str:
    value = (value or "").strip() if isinstance(value, str) or value is None else None
    if value is None:
        errors[field] = _("Please enter text.")
        return ""
    if required and not value:
        errors[field] = message
    elif len(value) > limit:
        errors[field] = _("This text may be at most %(n)d characters.") % {"n": limit}
    return value


def _locked(appeal: Appeal) -> Appeal:
    return Appeal.objects.select_for_update(of=("self",)).select_related("org").get(pk=appeal.pk)


def _event(appeal: Appeal, *, actor, action: str, from_status: str = "", to_status: str = "", org=None,
           note: str = "") -> AppealEvent:
    return AppealEvent.objects.create(appeal=appeal, actor=actor if getattr(actor, "pk", None) else None,
                                      at=clock.now(), action=action, from_status=from_status,
                                      to_status=to_status, org=org, note=note)


def _closed_pauses(appeal: Appeal):
    return list(appeal.pauses.filter(ended_at__isnull=False).values_list("started_at", "ended_at"))


def _tell_reporter(appeal: Appeal, title: str, body: str = "") -> None:
    url = reverse("appeals_portal:detail", args=[appeal.pk]) if appeal.user_id else ""
    mobiles = () if appeal.user_id or not appeal.mobile_cipher else (decrypt(appeal.mobile_cipher),)
    notify(recipients=[appeal.user] if appeal.user_id else [], mobiles=mobiles, title=title, body=body, url=url,
           sms=True)


def _tell_org(org: Org, appeal: Appeal, title: str, body: str = "", sms: bool = False) -> None:
    notify(recipients=list(org_cadres(org)), title=title, body=body, sms=sms,
           url=reverse("appeals:detail", args=[appeal.pk]))


# --- filing ----------------------------------------------------------------------------------------

def _check_choices(data: dict, errors: dict) -> None:
    checks = (
        ("channel", Channel, _("Please choose a channel from the list.")),
        ("appeal_type", AppealType, _("Please choose a type of request from the list.")),
        ("category", Category, _("Please choose a category from the list.")),
        ("difficulty", Difficulty, _("Please choose a difficulty level from the list.")),
    )
    for field, choices, message in checks:
        if data[field] not in choices.values:
            errors[field] = message


@transaction.atomic
def appeal_file(*, actor, channel: str, appeal_type: str, category: str, description: str,
                difficulty: str = Difficulty.GENERAL, worker=None, user=None, anonymous: bool = False,
                mobile: str = "", contact_name: str = "", do_not_share: bool = False, station: Org | None = None,
                employer=None, client_key: str | None = None, street: Org | None = None,
                request=None) -> Appeal:
    """File a request. The portal files for the signed-in worker (`user`); the hotline, a station or the
    national platform file on a caller's behalf (`actor` is the cadre or the platform account)."""
    if client_key:
        existing = Appeal.objects.filter(channel=channel, client_key=client_key, created_by=actor).first()
        if existing is not None:
            return existing
    errors: dict[str, str] = {}
    data = {"channel": channel, "appeal_type": appeal_type, "category": category, "difficulty": difficulty}
    _check_choices(data, errors)
    description = _text(description, "description", errors, required=True, limit=MAX_DESCRIPTION,
                        message=_("Please describe your request."))
    contact_name = _text(contact_name, "contact_name", errors, required=False, limit=50, message="")
    if worker is None and user is not None:
        worker = getattr(user, "worker", None) if hasattr(user, "worker") else None
    if worker is None and user is None and mobile:
        worker = worker_by_mobile((mobile or "").strip())  # a hotline or platform caller who is a known worker
    if user is None and worker is not None:
        user = worker.user
    mobile = (mobile or "").strip() or (user.mobile if user is not None and user.mobile else "") or (
        worker.mobile if worker is not None else "")
    if mobile:
        try:
            mobile = check_mobile(mobile)
        except ValidationError as exc:
            errors["mobile"] = exc.messages[0]
    elif anonymous:
        errors["mobile"] = _("An anonymous request needs a verified mobile number to reply to.")
    if street is not None and (street.kind != OrgKind.STREET or street.status != OrgStatus.ACTIVE):
        errors["street"] = _("Please choose a street from the list.")
    if channel == Channel.STATION and station is None:
        errors["station"] = _("Please choose the station where the request was made.")
    if client_key is not None and not (isinstance(client_key, str) and 0 < len(client_key) <= 64):
        errors["client_key"] = _("The idempotency key must be 1 to 64 characters.")
    if errors:
        raise ValidationError(errors)
    org = route(worker=worker, employer=employer, station=station, do_not_share=do_not_share, street=street)
    if org is None:
        raise ValidationError({"org": _("No union is set up yet to receive requests.")})
    now = clock.now()
    appeal = Appeal(
        channel=channel, appeal_type=appeal_type, category=category, difficulty=difficulty,
        description=description, user=user, worker=None if anonymous else worker, anonymous=bool(anonymous),
        contact_name="" if anonymous else contact_name, org=org, station=station,
        do_not_share=bool(do_not_share), submitted_at=now, answer_clock_from=now,
        created_by=actor if getattr(actor, "pk", None) else None, client_key=client_key or None,
    )
    if mobile:
        appeal.mobile_cipher, appeal.mobile_hash = encrypt(mobile), blind_index(mobile)
        appeal.mobile_masked = mask_mobile(mobile)
    set_accept_deadline(appeal)
    set_answer_deadline(appeal, [])
    try:
        with transaction.atomic():
            appeal.save()
    except IntegrityError:
        # The same submission arrived twice at once: the first one won, answer with it.
        existing = Appeal.objects.filter(channel=channel, client_key=client_key, created_by=appeal.created_by).first()
        if client_key and existing is not None:
            return existing
        raise
    _event(appeal, actor=actor, action=Action.FILE, to_status=Status.SUBMITTED, org=org)
    audit_record(actor=actor, action="appeals.file", target=appeal, request=request,
                 detail={"channel": channel, "org": org.pk, "do_not_share": appeal.do_not_share})
    _tell_org(org, appeal, _("New request %(ref)s") % {"ref": appeal.reference}, appeal.get_category_display())
    return appeal


# --- the one transition ------------------------------------------------------------------------------

def _transition(*, actor, appeal: Appeal, action: str, note: str = "", org=None) -> AppealEvent:
    """Check `action` against the table, move the status, stamp the time and append the event."""
    to_status = appeal.check_action(action)
    from_status, now = appeal.status, clock.now()
    appeal.status = to_status
    if action == Action.ACCEPT and appeal.accepted_at is None:
        appeal.accepted_at = now
    elif action == Action.ANSWER:
        appeal.answered_at = now
    elif action == Action.RATE:
        appeal.rated_at = now
    elif to_status == Status.CLOSED:
        appeal.closed_at = now
    appeal.save()
    return _event(appeal, actor=actor, action=action, from_status=from_status, to_status=to_status,
                  org=org, note=note)


def _note(note, errors, *, required=False, field="note", message=""):
    return _text(note, field, errors, required=required, limit=MAX_NOTE,
                 message=message or _("Please enter a note."))


@transaction.atomic
def appeal_act(*, actor, appeal: Appeal, action: str, note: str = "", answer: str = "",
               difficulty: str | None = None, request=None) -> Appeal:
    """A cadre's step on a request: accept, start, wait for the worker, resume, answer or close."""
    appeal = _locked(appeal)
    _require_handler(actor, appeal)
    errors: dict[str, str] = {}
    note = _note(note, errors)
    difficulty = difficulty or None
    if action == Action.ANSWER:
        answer = _text(answer, "answer", errors, required=True, limit=MAX_NOTE,
                       message=_("Please write the answer to the worker."))
    if difficulty is not None and (action != Action.ACCEPT or difficulty not in Difficulty.values):
        errors["difficulty"] = _("Please choose a difficulty level from the list.")
    if action not in (Action.ACCEPT, Action.START, Action.WAIT, Action.RESUME, Action.ANSWER, Action.CLOSE):
        errors["action"] = _("Unknown action.")
    if errors:
        raise ValidationError(errors)
    appeal.check_action(action)
    now = clock.now()
    if action == Action.ACCEPT:
        appeal.handler = actor
        if difficulty and difficulty != appeal.difficulty:
            appeal.difficulty = difficulty  # classified on acceptance: the answer limit follows the level
            set_answer_deadline(appeal, _closed_pauses(appeal))
    elif action == Action.WAIT:
        Pause.objects.create(appeal=appeal, started_at=now)
        appeal.paused_since = now
    elif action == Action.RESUME:
        appeal.pauses.filter(ended_at__isnull=True).update(ended_at=now)
        appeal.paused_since = None
        set_answer_deadline(appeal, _closed_pauses(appeal))
    elif action == Action.ANSWER:
        appeal.answer, appeal.answered_by = answer, actor
        appeal.supervision_orders.filter(resolved_at__isnull=True).update(resolved_at=now)
    _transition(actor=actor, appeal=appeal, action=action, note=answer if action == Action.ANSWER else note)
    audit_record(actor=actor, action=f"appeals.{action}", target=appeal, request=request)
    if action == Action.ACCEPT:
        _tell_reporter(appeal, _("Your request %(ref)s was accepted") % {"ref": appeal.reference},
                       _("%(org)s is handling it.") % {"org": appeal.org.name})
    elif action == Action.ANSWER:
        _tell_reporter(appeal, _("Your request %(ref)s has an answer") % {"ref": appeal.reference},
                       _("Please read it and tell us whether you are satisfied."))
    return appeal


@transaction.atomic
def appeal_transfer(*, actor, appeal: Appeal, to_org: Org, reason: str, request=None) -> Appeal:
    """Hand a request to the union that must act, with the reason. The deadlines keep running."""
    appeal = _locked(appeal)
    _require_handler(actor, appeal)
    errors: dict[str, str] = {}
    reason = _note(reason, errors, required=True, field="reason", message=_("Please give the reason for the transfer."))
    if to_org is None or to_org.status != OrgStatus.ACTIVE:
        errors["to_org"] = _("Please choose an active union.")
    elif to_org.pk == appeal.org_id:
        errors["to_org"] = _("The request is already with this union.")
    elif appeal.do_not_share and to_org.pk in workplace_unions(appeal.worker, None) | _reporter_unions(appeal):
        errors["to_org"] = _("The worker asked that this request not be shared with their workplace union.")
    if errors:
        raise ValidationError(errors)
    from_org = appeal.org
    appeal.check_action(Action.TRANSFER)
    appeal.org, appeal.handler = to_org, None
    _transition(actor=actor, appeal=appeal, action=Action.TRANSFER, note=reason, org=to_org)
    audit_record(actor=actor, action="appeals.transfer", target=appeal, reason=reason, request=request,
                 detail={"from": from_org.pk, "to": to_org.pk})
    _tell_org(to_org, appeal, _("Request %(ref)s was transferred to you") % {"ref": appeal.reference}, reason)
    return appeal


def _reporter_unions(appeal: Appeal) -> set[int]:
    # An anonymous request keeps no worker link; its account still tells which union is the workplace one.
    worker = my_worker(appeal.user) if appeal.user_id else None
    return workplace_unions(worker) if worker is not None else set()


@transaction.atomic
def appeal_merge(*, actor, duplicate: Appeal, keep: Appeal, note: str = "", request=None) -> Appeal:
    """Close `duplicate` as a copy of `keep`; both must be in the actor's hands."""
    duplicate, keep = _locked(duplicate), _locked(keep)
    _require_handler(actor, duplicate)
    _require_handler(actor, keep)
    errors: dict[str, str] = {}
    note = _note(note, errors)
    if duplicate.pk == keep.pk:
        errors["keep"] = _("A request cannot be merged into itself.")
    elif keep.merged_into_id or keep.status == Status.CLOSED:
        errors["keep"] = _("Please choose a request that is still open.")
    if errors:
        raise ValidationError(errors)
    duplicate.check_action(Action.MERGE)
    duplicate.merged_into = keep
    _transition(actor=actor, appeal=duplicate, action=Action.MERGE, note=note or keep.reference)
    _event(keep, actor=actor, action=Action.MERGE, note=_("%(ref)s was merged into this request.")
           % {"ref": duplicate.reference})
    audit_record(actor=actor, action="appeals.merge", target=duplicate, request=request, detail={"keep": keep.pk})
    return duplicate


# --- the worker's side -----------------------------------------------------------------------------

def _rate(*, appeal: Appeal, rating: str, comment: str, actor, request, detail: dict) -> Appeal:
    """The one body of a rating, for the signed-in reporter and for the holder of the tracking link alike:
    `appeal` is already locked and the rater already checked; `actor` is None for the link."""
    if appeal.status == Status.RATED or (appeal.status == Status.CLOSED and appeal.rating):
        raise ValidationError({"action": _("This request has already been rated; a rating cannot be changed.")})
    if appeal.status in OPEN_STATUSES:
        raise ValidationError({"action": _("A request can be rated once it has been answered.")})
    errors: dict[str, str] = {}
    if rating not in Rating.values:
        errors["rating"] = _("Please choose how satisfied you are.")
    comment = _text(comment, "comment", errors, required=False, limit=MAX_NOTE, message="")
    if errors:
        raise ValidationError(errors)
    appeal.check_action(Action.RATE)
    appeal.rating, appeal.rating_comment = rating, comment
    _transition(actor=actor, appeal=appeal, action=Action.RATE, note=comment)
    if rating == Rating.DISSATISFIED:
        ReturnVisit.objects.create(appeal=appeal, created_at=clock.now())
        _tell_org(appeal.org, appeal, _("Return visit needed for %(ref)s") % {"ref": appeal.reference}, comment)
    audit_record(actor=actor, action="appeals.rate", target=appeal, request=request,
                 detail={"rating": rating, **detail})
    return appeal


@transaction.atomic
def appeal_rate(*, user, appeal: Appeal, rating: str, comment: str = "", request=None) -> Appeal:
    """The worker rates the answer; "dissatisfied" opens a return visit (回访)."""
    appeal = _locked(appeal)
    _require_reporter(user, appeal)
    return _rate(appeal=appeal, rating=rating, comment=comment, actor=user, request=request, detail={})


@transaction.atomic
def appeal_rate_by_link(*, token: str, rating: str, comment: str = "", request=None) -> Appeal:
    """The holder of a request's signed tracking link rates the answer, as `appeal_rate` does for the signed-in
    reporter. The token is the only key (it is the permission): only a request filed without an account may be
    rated this way; one with a reporter account is rated in the portal, after signing in."""
    from .intake import track_get  # intake files through this module

    appeal = track_get(token) if isinstance(token, str) else None
    if appeal is None:
        raise PermissionDenied
    appeal = _locked(appeal)
    if appeal.user_id is not None:
        raise PermissionDenied
    return _rate(appeal=appeal, rating=rating, comment=comment, actor=None, request=request,
                 detail={"via": "tracking link"})


@transaction.atomic
def appeal_reopen(*, user, appeal: Appeal, note: str = "", request=None) -> Appeal:
    """A dissatisfied worker reopens the request; the answer clock starts again with the full budget."""
    appeal = _locked(appeal)
    _require_reporter(user, appeal)
    errors: dict[str, str] = {}
    note = _note(note, errors)
    if errors:
        raise ValidationError(errors)
    appeal.check_action(Action.REOPEN)
    appeal.reopen_count += 1
    appeal.answer_clock_from = clock.now()
    appeal.pauses.all().delete()  # pauses before the new clock start would not count anyway
    set_answer_deadline(appeal, [])
    _transition(actor=user, appeal=appeal, action=Action.REOPEN, note=note)
    audit_record(actor=user, action="appeals.reopen", target=appeal, request=request)
    _tell_org(appeal.org, appeal, _("Request %(ref)s was reopened") % {"ref": appeal.reference}, note)
    return appeal


@transaction.atomic
def return_visit_record(*, actor, visit: ReturnVisit, outcome: str, request=None) -> ReturnVisit:
    visit = ReturnVisit.objects.select_for_update(of=("self",)).select_related("appeal", "appeal__org").get(
        pk=visit.pk)
    _require_handler(actor, visit.appeal)
    errors: dict[str, str] = {}
    outcome = _text(outcome, "outcome", errors, required=True, limit=MAX_NOTE,
                    message=_("Please write what the worker said on the call."))
    if visit.done_at is not None:
        errors["outcome"] = _("This return visit is already recorded.")
    if errors:
        raise ValidationError(errors)
    visit.outcome, visit.done_at, visit.done_by = outcome, clock.now(), actor
    visit.save()
    _event(visit.appeal, actor=actor, action=Action.RETURN_VISIT, note=outcome)
    audit_record(actor=actor, action="appeals.return_visit", target=visit.appeal, request=request)
    return visit


# --- bulk assignment ---------------------------------------------------------------------------------

def handler_candidates(actor):
    """Active cadres with a grant inside the actor's managed subtrees (the service still checks each request)."""
    paths = actor.scope_paths(MANAGE) if actor.is_authenticated else []
    if not paths:
        return User.objects.none()
    q = Q()
    for path in paths:
        q |= Q(grants__org__path__startswith=path)
    return User.objects.filter(q, is_active=True, grants__role__in=CADRE_ROLES).distinct().order_by("username")


def user_label(user) -> str:
    return user.get_full_name() or user.username


@transaction.atomic
def appeals_assign(*, actor, appeals, handler, request=None) -> list[Appeal]:
    """Give several open requests to one handler. All or nothing: one request the actor may not manage,
    or the handler may not handle, refuses the whole batch."""
    pks = sorted({a.pk for a in appeals})
    if not pks:
        raise ValidationError({"appeals": _("Please select at least one request.")})
    if handler is None or not handler.is_active or not handler.is_cadre:
        raise ValidationError({"handler": _("Please choose an active union cadre as the handler.")})
    locked = list(Appeal.objects.select_for_update(of=("self",)).select_related("org").filter(pk__in=pks)
                  .order_by("pk"))
    if len(locked) != len(pks):
        raise ValidationError({"appeals": _("A selected request no longer exists.")})
    problems = []
    for appeal in locked:
        if not may_handle(actor, appeal):
            problems.append(_("You may not manage request %(ref)s.") % {"ref": appeal.reference})
        elif not may_handle(handler, appeal):
            problems.append(_("%(name)s may not handle request %(ref)s of %(org)s.") % {
                "name": user_label(handler), "ref": appeal.reference, "org": appeal.org.name})
        elif not appeal.is_open:
            problems.append(_("Request %(ref)s is no longer open.") % {"ref": appeal.reference})
    if problems:
        raise ValidationError({"appeals": problems})
    now, label = clock.now(), user_label(handler)
    Appeal.objects.filter(pk__in=pks).update(handler=handler)
    AppealEvent.objects.bulk_create([
        AppealEvent(appeal=a, actor=actor, at=now, action=Action.ASSIGN, org=a.org, note=label) for a in locked])
    audit_record(actor=actor, action="appeals.assign", target=locked[0] if len(locked) == 1 else None,
                 request=request, detail={"appeals": pks, "handler": handler.pk})
    title = ngettext("%(n)d request was assigned to you", "%(n)d requests were assigned to you", len(pks))
    notify(recipients=[handler], title=title % {"n": len(pks)},
           body=", ".join(a.reference for a in locked[:20]), url=reverse("appeals:queue_named", args=["mine"]))
    for a in locked:
        a.handler = handler
    return locked
