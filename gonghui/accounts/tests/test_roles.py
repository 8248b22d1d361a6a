"""Role grants: administrators hold no org, cadres always hold one; the database enforces both."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from gonghui.accounts.models import RoleGrant, User
from gonghui.accounts.roles import ADMIN_ROLES, CADRE_ROLES, ROLE_ACTIONS, Role
from gonghui.accounts.services import role_grant
from gonghui.audit.models import AuditEvent
from gonghui.core.scoping import ACTIONS, REVEAL, VIEW
from gonghui.testing import snapshot


@pytest.mark.parametrize("role", sorted(ADMIN_ROLES))
def test_admin_role_with_an_org_is_refused_by_the_database(district, role):
    before = snapshot(RoleGrant)
    with pytest.raises(IntegrityError), transaction.atomic():
        RoleGrant.objects.create(user=district.nobody, role=role, org=district.root)
    assert snapshot(RoleGrant) == before


@pytest.mark.parametrize("role", sorted(CADRE_ROLES))
def test_cadre_role_without_an_org_is_refused_by_the_database(district, role):
    before = snapshot(RoleGrant)
    with pytest.raises(IntegrityError), transaction.atomic():
        RoleGrant.objects.create(user=district.nobody, role=role, org=None)
    assert snapshot(RoleGrant) == before


def test_valid_grants_are_stored(district):
    RoleGrant.objects.create(user=district.nobody, role=Role.AUDITOR, org=None)
    RoleGrant.objects.create(user=district.nobody, role=Role.GRASSROOTS_CADRE, org=district.union_b)
    user = User.objects.get(pk=district.nobody.pk)
    assert user.is_auditor and user.is_admin_role and user.is_cadre
    assert user.scope_paths(VIEW) == [district.union_b.path]


def test_the_same_grant_twice_is_refused(district):
    with pytest.raises(IntegrityError), transaction.atomic():
        RoleGrant.objects.create(user=district.grassroots1, role=Role.GRASSROOTS_CADRE, org=district.union_a)
    assert RoleGrant.objects.filter(user=district.grassroots1).count() == 1


def test_role_grant_service_validates_and_audits(district):
    before = snapshot(RoleGrant, AuditEvent)
    with pytest.raises(ValidationError):
        role_grant(actor=district.secadmin, user=district.nobody, role=Role.SYSTEM_ADMIN, org=district.root)
    with pytest.raises(ValidationError):
        role_grant(actor=district.secadmin, user=district.nobody, role=Role.STREET_CADRE, org=None)
    with pytest.raises(ValidationError):
        role_grant(actor=district.secadmin, user=district.nobody, role="emperor", org=district.root)
    assert snapshot(RoleGrant, AuditEvent) == before

    grant = role_grant(actor=district.secadmin, user=district.nobody, role=Role.STREET_CADRE, org=district.street2)
    assert grant.pk
    event = AuditEvent.objects.get(action="account.grant")
    assert event.actor == district.secadmin
    assert event.target_id == str(district.nobody.pk)
    assert event.detail == {"role": "street_cadre", "org": district.street2.pk}


def test_role_actions():
    assert set(ROLE_ACTIONS) == set(CADRE_ROLES)
    assert REVEAL not in ROLE_ACTIONS[Role.GRASSROOTS_CADRE]
    assert ROLE_ACTIONS[Role.STREET_CADRE] == ROLE_ACTIONS[Role.DISTRICT_STAFF] == frozenset(ACTIONS)
    assert not (ADMIN_ROLES & CADRE_ROLES)


def test_role_properties_of_the_named_users(district):
    assert district.district.is_cadre and not district.district.is_admin_role
    assert district.auditor.is_auditor and district.auditor.is_admin_role and not district.auditor.is_cadre
    assert district.sysadmin.is_admin_role and not district.sysadmin.is_auditor
    assert not district.worker1_user.is_cadre and not district.worker1_user.is_admin_role
    assert district.sysadmin.scope_paths(VIEW) == []
    assert district.street1_user.scope_paths(REVEAL) == [district.street1.path]
