import hashlib

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from gonghui.core.validators import validate_mobile

from .roles import ADMIN_ROLES, CADRE_ROLES, ROLE_ACTIONS, Role


class User(AbstractUser):
    """An account: a worker, a cadre or an administrator. Sign-in by username or mobile number."""

    mobile = models.CharField(
        _("mobile number"), max_length=11, unique=True, null=True, blank=True, validators=[validate_mobile]
    )
    failed_logins = models.PositiveSmallIntegerField(_("failed sign-ins"), default=0)
    locked_until = models.DateTimeField(_("locked until"), null=True, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    @cached_property
    def _grants(self) -> list[tuple[str, str | None]]:
        return [(g.role, g.org.path if g.org_id else None) for g in self.grants.select_related("org")]

    def scope_paths(self, action: str) -> list[str]:
        """Org paths whose subtrees this user may `action` on."""
        return [path for role, path in self._grants if path and action in ROLE_ACTIONS.get(role, ())]

    def has_role(self, role: str) -> bool:
        return any(r == role for r, _ in self._grants)

    @property
    def is_cadre(self) -> bool:
        return any(r in CADRE_ROLES for r, _ in self._grants)

    @property
    def is_auditor(self) -> bool:
        return self.has_role(Role.AUDITOR)

    @property
    def is_security_admin(self) -> bool:
        return self.has_role(Role.SECURITY_ADMIN)

    @property
    def is_admin_role(self) -> bool:
        return any(r in ADMIN_ROLES for r, _ in self._grants)

    def is_locked(self, now=None) -> bool:
        return bool(self.locked_until and self.locked_until > (now or timezone.now()))


class RoleGrant(models.Model):
    """A role held on an org (its whole subtree); administrator roles have no org."""

    user = models.ForeignKey(User, verbose_name=_("user"), related_name="grants", on_delete=models.CASCADE)
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    org = models.ForeignKey(
        "orgs.Org", verbose_name=_("organisation"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="grants",
    )
    granted_at = models.DateTimeField(_("granted at"), auto_now_add=True)

    class Meta:
        verbose_name = _("role grant")
        verbose_name_plural = _("role grants")
        constraints = [
            models.UniqueConstraint(fields=["user", "role", "org"], name="rolegrant_unique"),
            models.CheckConstraint(
                condition=(
                    models.Q(role__in=sorted(r.value for r in ADMIN_ROLES), org__isnull=True)
                    | (~models.Q(role__in=sorted(r.value for r in ADMIN_ROLES)) & models.Q(org__isnull=False))
                ),
                name="rolegrant_admin_roles_have_no_org",
            ),
        ]

    def __str__(self):
        return f"{self.user} · {self.get_role_display()} · {self.org or '-'}"


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


class ApiToken(models.Model):
    """A bearer token for the JSON API. Only its hash is stored."""

    user = models.ForeignKey(User, related_name="api_tokens", on_delete=models.CASCADE)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self):
        return f"{self.user} token {self.created_at:%Y-%m-%d}"


class OneTimeCode(models.Model):
    """An SMS code proving a mobile number. Only the hash is kept; five wrong tries burn it."""

    mobile = models.CharField(max_length=11, db_index=True)
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("one-time code")
        verbose_name_plural = _("one-time codes")

    def __str__(self):
        return f"code for {self.mobile[:3]}****{self.mobile[-4:]}"

    @property
    def usable(self) -> bool:
        return not self.used and self.attempts < 5 and self.expires_at > timezone.now()


def default_token_expiry():
    return timezone.now() + timezone.timedelta(hours=settings.API_TOKEN_HOURS)
