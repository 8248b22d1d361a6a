"""Every write to workers and memberships: keyword-only, atomic, audited."""

from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.audit.services import audit_record
from gonghui.core import privacy
from gonghui.core.choices import EmploymentForm
from gonghui.core.scoping import APPROVE, MANAGE, REVEAL, can
from gonghui.core.validators import (
    check_mobile,
    check_resident_id,
    resident_id_birth_date,
    resident_id_gender,
)
from gonghui.orgs.models import Org

from .models import Membership, MembershipEvent, MembershipStatus, Worker

CARD_SALT = "gonghui.members.card"


def card_number(membership_id: int) -> str:
    """Card numbers follow the first membership's id: unique without a second counter."""
    return f"GH{membership_id:010d}"


def worker_identity(*, name: str, resident_id: str, mobile: str = "") -> dict:
    """Validate and derive the identity fields of a worker; raises ValidationError naming fields."""
    errors = {}
    name = (name or "").strip()
    if not name or len(name) > 50:
        errors["name"] = _("Please enter the real name (1 to 50 characters).")
    try:
        number = check_resident_id(resident_id)
    except ValidationError as exc:
        errors["resident_id"] = exc.messages[0]
        number = ""
    if mobile:
        try:
            mobile = check_mobile(mobile)
        except ValidationError as exc:
            errors["mobile"] = exc.messages[0]
    if errors:
        raise ValidationError(errors)
    return {
        "name": name,
        "id_cipher": privacy.encrypt(number),
        "id_hash": privacy.blind_index(number),
        "id_masked": privacy.mask_resident_id(number),
        "gender": resident_id_gender(number),
        "birth_date": resident_id_birth_date(number),
        "mobile": mobile,
    }


def worker_find(resident_id: str) -> Worker | None:
    return Worker.objects.filter(id_hash=privacy.blind_index(check_resident_id(resident_id))).first()


def _event(membership, action, actor, note=""):
    MembershipEvent.objects.create(membership=membership, action=action, actor=actor, note=note[:300])


def _check_target(org: Org):
    if not org.is_joinable:
        raise ValidationError({"org": _("This organisation does not take members directly.")})


@transaction.atomic
def membership_apply(*, user, name: str, resident_id: str, employment_form: str, org: Org, street=None,
                     employer=None, mobile: str = "", request=None) -> Membership:
    """A worker applies to join (or, already a member elsewhere, to transfer to) `org`.

    The worker record is created on first application and reused afterwards: one person, one record.
    """
    if employment_form not in EmploymentForm.values:
        raise ValidationError({"employment_form": _("Please choose an employment form from the list.")})
    _check_target(org)
    identity = worker_identity(name=name, resident_id=resident_id, mobile=mobile or (user.mobile or ""))
    worker = Worker.objects.select_for_update().filter(id_hash=identity["id_hash"]).first()
    if worker is None:
        if hasattr(user, "worker") and user.worker is not None:
            raise ValidationError({"resident_id": _("This account is already linked to another person.")})
        worker = Worker(user=user, **identity)
    elif worker.user_id not in (None, user.pk):
        raise ValidationError({"resident_id": _("This resident ID is linked to another account.")})
    else:
        worker.user = user
        worker.mobile = identity["mobile"] or worker.mobile
    worker.employment_form = employment_form
    worker.street = street or worker.street
    worker.employer = employer
    current = list(worker.memberships.filter(status__in=[MembershipStatus.PENDING, MembershipStatus.ACTIVE])
                   ) if worker.pk else []
    if any(m.status == MembershipStatus.PENDING for m in current):
        raise ValidationError({"org": _("You already have an application waiting for approval.")})
    active = next((m for m in current if m.status == MembershipStatus.ACTIVE), None)
    if active and active.org_id == org.pk:
        raise ValidationError({"org": _("You are already a member of this union.")})
    if active is None:
        worker.org = org  # the receiving union's cadres must see the applicant
    worker.save()
    membership = Membership.objects.create(
        worker=worker, org=org, status=MembershipStatus.PENDING, transfer_from=active
    )
    _event(membership, "transfer_request" if active else "apply", user)
    audit_record(actor=user, action="membership.transfer_request" if active else "membership.apply",
                 target=membership, request=request)
    return membership


@transaction.atomic
def membership_approve(*, actor, membership: Membership, request=None) -> Membership:
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if not can(actor, APPROVE, membership.org):
        raise PermissionDenied
    if membership.status != MembershipStatus.PENDING:
        raise ValidationError({"status": _("Only an application awaiting approval can be approved.")})
    now = timezone.now()
    previous = membership.transfer_from
    if previous is not None:
        previous = Membership.objects.select_for_update().get(pk=previous.pk)
        if previous.status != MembershipStatus.ACTIVE:
            raise ValidationError({"status": _("The membership to transfer from is no longer active.")})
        previous.status = MembershipStatus.TRANSFERRED
        previous.ended_on = timezone.localdate()
        previous.save(update_fields=["status", "ended_on"])
        _event(previous, "transferred_out", actor, membership.org.name)
        membership.card_no, membership.joined_on = previous.card_no, previous.joined_on
    else:
        membership.card_no = card_number(membership.pk)
        membership.joined_on = timezone.localdate()
    membership.status = MembershipStatus.ACTIVE
    membership.decided_at, membership.decided_by = now, actor
    try:
        with transaction.atomic():
            membership.save()
    except IntegrityError:
        raise ValidationError({"status": _("This person is already an active member elsewhere.")}) from None
    worker = membership.worker
    worker.org = membership.org
    worker.save(update_fields=["org"])
    _event(membership, "approve", actor)
    audit_record(actor=actor, action="membership.approve", target=membership, request=request)
    return membership


@transaction.atomic
def membership_reject(*, actor, membership: Membership, reason: str, request=None) -> Membership:
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if not can(actor, APPROVE, membership.org):
        raise PermissionDenied
    if membership.status != MembershipStatus.PENDING:
        raise ValidationError({"status": _("Only an application awaiting approval can be rejected.")})
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Please give the reason for the rejection.")})
    membership.status = MembershipStatus.REJECTED
    membership.decided_at, membership.decided_by, membership.note = timezone.now(), actor, reason.strip()[:300]
    membership.save()
    worker = membership.worker
    active = worker.memberships.filter(status=MembershipStatus.ACTIVE).first()
    worker.org = active.org if active else None
    worker.save(update_fields=["org"])
    _event(membership, "reject", actor, reason)
    audit_record(actor=actor, action="membership.reject", target=membership, reason=reason, request=request)
    return membership


@transaction.atomic
def membership_withdraw(*, user, membership: Membership, request=None) -> Membership:
    """The applicant takes back an application still waiting for approval."""
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if membership.worker.user_id != user.pk:
        raise PermissionDenied
    if membership.status != MembershipStatus.PENDING:
        raise ValidationError({"status": _("Only an application awaiting approval can be withdrawn.")})
    membership.status = MembershipStatus.WITHDRAWN
    membership.save(update_fields=["status"])
    worker = membership.worker
    active = worker.memberships.filter(status=MembershipStatus.ACTIVE).first()
    worker.org = active.org if active else None
    worker.save(update_fields=["org"])
    _event(membership, "withdraw", user)
    audit_record(actor=user, action="membership.withdraw", target=membership, request=request)
    return membership


@transaction.atomic
def membership_leave(*, actor, membership: Membership, reason: str = "", request=None) -> Membership:
    """The member leaves (by themselves, or recorded by a cadre of the union)."""
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    own = membership.worker.user_id == actor.pk
    if not own and not can(actor, MANAGE, membership.org):
        raise PermissionDenied
    if membership.status != MembershipStatus.ACTIVE:
        raise ValidationError({"status": _("Only an active membership can end.")})
    membership.status = MembershipStatus.LEFT
    membership.ended_on = timezone.localdate()
    membership.note = (reason or "").strip()[:300]
    membership.save()
    Worker.objects.filter(pk=membership.worker_id).update(org=None)
    _event(membership, "leave", actor, reason)
    audit_record(actor=actor, action="membership.leave", target=membership, reason=reason, request=request)
    return membership


def membership_transfer_request(*, user, org: Org, employment_form: str, street=None, employer=None,
                                request=None) -> Membership:
    """A member who changed job asks to move to `org`; their record is reused, nothing is typed twice."""
    worker = Worker.objects.filter(user=user).first()
    if worker is None or not worker.memberships.filter(status=MembershipStatus.ACTIVE).exists():
        raise ValidationError({"org": _("Only an active member can transfer; please apply to join instead.")})
    return membership_apply(
        user=user, name=worker.name, resident_id=privacy.decrypt(worker.id_cipher), employment_form=employment_form,
        org=org, street=street, employer=employer, mobile=worker.mobile, request=request,
    )


def reveal_resident_id(*, actor, worker: Worker, reason: str, request=None) -> str:
    """Decrypt one resident ID for a cadre with the reveal right; the reason is audited."""
    if worker.org is None or not can(actor, REVEAL, worker.org):
        raise PermissionDenied
    reason = (reason or "").strip()
    if len(reason) < 2:
        raise ValidationError({"reason": _("Please state why you need the full resident ID.")})
    audit_record(actor=actor, action="worker.reveal_id", target=worker, reason=reason, request=request)
    return privacy.decrypt(worker.id_cipher)


def card_token(membership: Membership) -> str:
    return signing.dumps({"m": membership.pk, "c": membership.card_no}, salt=CARD_SALT, compress=True)


def card_verify(token: str, *, max_age: int) -> Membership | None:
    """The active membership behind a card token, or None for a forged, stale or ended card."""
    try:
        data = signing.loads(token, salt=CARD_SALT, max_age=max_age)
    except signing.BadSignature:
        return None
    return (
        Membership.objects.select_related("org")
        .filter(pk=data.get("m"), card_no=data.get("c"), status=MembershipStatus.ACTIVE)
        .first()
    )
