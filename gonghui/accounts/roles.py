"""Roles and what each may do. A role granted on an org covers the org's whole subtree."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from gonghui.core.scoping import APPROVE, EXPORT, IMPORT, MANAGE, REVEAL, VIEW


class Role(models.TextChoices):
    GRASSROOTS_CADRE = "grassroots_cadre", _("Grassroots cadre")
    STREET_CADRE = "street_cadre", _("Street/town cadre")
    DISTRICT_STAFF = "district_staff", _("District federation staff")
    # The three separated administrators hold no org scope: they run the system, not the union.
    SYSTEM_ADMIN = "system_admin", _("System administrator")
    SECURITY_ADMIN = "security_admin", _("Security administrator")
    AUDITOR = "auditor", _("Audit administrator")


CADRE_ROLES = frozenset({Role.GRASSROOTS_CADRE, Role.STREET_CADRE, Role.DISTRICT_STAFF})
ADMIN_ROLES = frozenset({Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDITOR})

# Grassroots cadres work with masked IDs; revealing a full number is for street and district
# cadres, who handle cross-union cases, and always with a reason that is audited.
ROLE_ACTIONS: dict[str, frozenset[str]] = {
    Role.GRASSROOTS_CADRE: frozenset({VIEW, MANAGE, APPROVE, IMPORT, EXPORT}),
    Role.STREET_CADRE: frozenset({VIEW, MANAGE, APPROVE, IMPORT, EXPORT, REVEAL}),
    Role.DISTRICT_STAFF: frozenset({VIEW, MANAGE, APPROVE, IMPORT, EXPORT, REVEAL}),
}
