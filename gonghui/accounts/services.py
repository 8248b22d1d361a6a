"""Account writes: one-time codes, worker self-registration, API tokens, role grants."""

import secrets

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.audit.services import audit_record
from gonghui.core.privacy import mask_mobile
from gonghui.core.validators import check_mobile

from .models import ApiToken, OneTimeCode, RoleGrant, User, default_token_expiry, hash_secret
from .sms import send_sms


def otp_send(*, mobile: str) -> None:
    """Send a six-digit code; at most one per mobile per OTP_RESEND_SECONDS."""
    try:
        mobile = check_mobile(mobile)
    except ValidationError as exc:
        raise ValidationError({"mobile": exc.messages[0]}) from None
    now = timezone.now()
    recent = OneTimeCode.objects.filter(
        mobile=mobile, created_at__gt=now - timezone.timedelta(seconds=settings.OTP_RESEND_SECONDS)
    )
    if recent.exists():
        raise ValidationError({"mobile": _("A code was sent less than a minute ago; please wait.")})
    code = f"{secrets.randbelow(10**6):06d}"
    OneTimeCode.objects.create(
        mobile=mobile, code_hash=hash_secret(mobile + code),
        expires_at=now + timezone.timedelta(seconds=settings.OTP_TTL_SECONDS),
    )
    send_sms(mobile, _("Your Gonghui verification code is %(code)s, valid for 5 minutes.") % {"code": code})


def otp_check(*, mobile: str, code: str) -> bool:
    """Consume the newest usable code for `mobile` if `code` matches; count a wrong try otherwise."""
    row = OneTimeCode.objects.filter(mobile=mobile, used=False).order_by("-created_at").first()
    if row is None or not row.usable:
        return False
    if secrets.compare_digest(row.code_hash, hash_secret(mobile + (code or "").strip())):
        # Conditional update: of two simultaneous submissions of the same code only one wins.
        return OneTimeCode.objects.filter(pk=row.pk, used=False).update(used=True) == 1
    OneTimeCode.objects.filter(pk=row.pk).update(attempts=F("attempts") + 1)
    return False


def worker_register(*, mobile: str, code: str, password: str, request=None) -> User:
    """A worker signs up with a mobile number proved by a one-time code, and sets a password.

    Not one atomic block on purpose: a wrong code's try must be counted even though the sign-up
    is refused (raising inside the block would roll the count back and allow endless guessing).
    """
    errors = {}
    try:
        mobile = check_mobile(mobile)
    except ValidationError as exc:
        errors["mobile"] = exc.messages[0]
    if not errors and User.objects.filter(mobile=mobile).exists():
        errors["mobile"] = _("This mobile number is already registered; please sign in.")
    if not errors:
        try:
            validate_password(password)
        except ValidationError as exc:
            errors["password"] = " ".join(exc.messages)
    if not errors and not otp_check(mobile=mobile, code=code):
        errors["code"] = _("The verification code is wrong or has expired.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        user = User(username=mobile, mobile=mobile)
        user.set_password(password)
        user.save()
        audit_record(actor=user, action="account.register", target=user,
                     detail={"mobile": mask_mobile(mobile)}, request=request)
    return user


def api_token_issue(*, user: User, request=None) -> str:
    token = secrets.token_urlsafe(32)
    ApiToken.objects.create(user=user, key_hash=hash_secret(token), expires_at=default_token_expiry())
    audit_record(actor=user, action="account.api_token", target=user, request=request)
    return token


@transaction.atomic
def role_grant(*, actor, user: User, role: str, org=None, request=None) -> RoleGrant:
    grant = RoleGrant(user=user, role=role, org=org)
    grant.full_clean()
    grant.save()
    audit_record(actor=actor, action="account.grant", target=user, detail={"role": role,
                 "org": org.pk if org else None}, request=request)
    return grant


@transaction.atomic
def account_unlock(*, actor: User, user: User, request=None) -> User:
    """The security administrator lifts a lockout before its 30 minutes are over."""
    if not actor.is_security_admin:
        raise PermissionDenied
    if not user.is_locked():
        raise ValidationError({"user": _("This account is not locked.")})
    User.objects.filter(pk=user.pk).update(locked_until=None, failed_logins=0)
    user.refresh_from_db()
    audit_record(actor=actor, action="account.unlock", target=user, request=request)
    return user
