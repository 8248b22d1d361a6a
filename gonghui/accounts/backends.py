"""Sign-in by username or mobile, with lockout keyed on the account (not the address)."""

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.db.models import F
from django.utils import timezone

from gonghui.audit.services import audit_record

from .models import User


def find_user(login: str) -> User | None:
    login = (login or "").strip()
    if not login:
        return None
    field = "mobile" if login.isdigit() and len(login) == 11 else "username"
    return User.objects.filter(**{field: login}).first()


class LockoutAwareBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        user = find_user(username)
        if user is None:
            User().set_password(password or "")  # same work as a real check: no timing oracle
            return None
        now = timezone.now()
        if user.is_locked(now):
            if request is not None:
                request.lockout_user = user
            return None
        if user.check_password(password or "") and self.user_can_authenticate(user):
            if user.failed_logins or user.locked_until:
                User.objects.filter(pk=user.pk).update(failed_logins=0, locked_until=None)
            return user
        User.objects.filter(pk=user.pk).update(failed_logins=F("failed_logins") + 1)
        user.refresh_from_db(fields=["failed_logins"])
        if user.failed_logins >= settings.LOCKOUT_THRESHOLD:
            User.objects.filter(pk=user.pk).update(
                locked_until=now + timezone.timedelta(minutes=settings.LOCKOUT_MINUTES), failed_logins=0
            )
            audit_record(actor=None, action="account.locked", target=user, request=request,
                         detail={"minutes": settings.LOCKOUT_MINUTES})
            if request is not None:
                request.lockout_user = user
        return None
