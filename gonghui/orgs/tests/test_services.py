"""Writes to the org tree: path, depth and street are derived; refused writes change nothing."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from gonghui.audit.models import AuditEvent
from gonghui.orgs.models import ALLOWED_CHILDREN, Org, OrgKind, OrgStatus, org_root
from gonghui.orgs.services import org_create, org_update
from gonghui.testing import make_credit_code, snapshot

K = OrgKind


def unchanged(before):
    assert snapshot(Org, AuditEvent) == before


def test_first_org_is_the_root(db):
    root = org_create(actor=None, parent=None, name="区总工会", kind=K.DISTRICT)
    assert (root.path, root.depth, root.street_id) == (f"/{root.pk}/", 0, None)
    assert org_root() == root
    assert AuditEvent.objects.filter(action="org.create", target_id=str(root.pk)).count() == 1


def test_root_must_be_the_district_federation(db):
    before = snapshot(Org, AuditEvent)
    with pytest.raises(ValidationError) as exc:
        org_create(actor=None, parent=None, name="某工会小组", kind=K.GROUP)
    assert "kind" in exc.value.message_dict
    unchanged(before)


def test_derives_path_depth_and_street_for_each_kind(district):
    d = district
    ind = org_create(actor=d.district, parent=d.root, name="区物流行业工会联合会", kind=K.INDUSTRY)
    assert (ind.path, ind.depth, ind.street_id) == (f"{d.root.path}{ind.pk}/", 1, None)
    ind_group = org_create(actor=d.district, parent=ind, name="物流小组", kind=K.GROUP)
    assert (ind_group.path, ind_group.depth, ind_group.street_id) == (f"{ind.path}{ind_group.pk}/", 2, None)

    street = org_create(actor=d.district, parent=d.root, name="南街道总工会", kind=K.STREET)
    assert (street.path, street.depth, street.street_id) == (f"{d.root.path}{street.pk}/", 1, street.pk)
    joint = org_create(actor=d.district, parent=street, name="南街联合工会", kind=K.JOINT, joint_area="building")
    assert (joint.path, joint.depth, joint.street_id) == (f"{street.path}{joint.pk}/", 2, street.pk)
    grassroots = org_create(actor=d.district, parent=joint, name="某公司工会", kind=K.GRASSROOTS)
    assert (grassroots.path, grassroots.depth, grassroots.street_id) == (f"{joint.path}{grassroots.pk}/", 3,
                                                                         street.pk)
    group = org_create(actor=d.district, parent=grassroots, name="一车间小组", kind=K.GROUP)
    assert (group.path, group.depth, group.street_id) == (f"{grassroots.path}{group.pk}/", 4, street.pk)
    direct = org_create(actor=d.district, parent=d.root, name="区直属企业工会", kind=K.GRASSROOTS)
    assert (direct.depth, direct.street_id) == (1, None)

    for org in (ind, ind_group, street, joint, grassroots, group, direct):
        stored = Org.objects.get(pk=org.pk)
        assert (stored.path, stored.depth, stored.street_id) == (org.path, org.depth, org.street_id)
        assert stored.ancestor_ids()[-1] == org.pk
        assert stored.ancestor_ids()[:-1] == (stored.parent.ancestor_ids() if stored.parent else [])
    assert AuditEvent.objects.filter(action="org.create", actor=d.district).count() == 7


def test_street_cadre_creates_in_own_subtree(district):
    org = org_create(actor=district.street1_user, parent=district.street1, name="东街二号工会", kind=K.GRASSROOTS,
                     credit_code=make_credit_code(prefix="81"))
    assert org.street == district.street1
    assert AuditEvent.objects.get(action="org.create", target_id=str(org.pk)).actor == district.street1_user


DISALLOWED = [
    (parent, kind)
    for parent in K.values
    for kind in K.values
    if kind not in ALLOWED_CHILDREN[parent]
]


@pytest.mark.parametrize(("parent_kind", "kind"), DISALLOWED)
def test_disallowed_kind_under_parent_is_refused(district, parent_kind, kind):
    parents = {K.DISTRICT: district.root, K.STREET: district.street1, K.JOINT: district.joint1,
               K.GRASSROOTS: district.union_a}
    parent = parents.get(parent_kind)
    if parent is None:  # industry federation and union group: build one first
        if parent_kind == K.INDUSTRY:
            parent = org_create(actor=None, parent=district.root, name="行业工会", kind=K.INDUSTRY)
        else:
            parent = org_create(actor=None, parent=district.union_a, name="小组", kind=K.GROUP)
    before = snapshot(Org, AuditEvent)
    with pytest.raises(ValidationError) as exc:
        org_create(actor=district.district, parent=parent, name="新组织", kind=kind)
    assert list(exc.value.message_dict) == ["kind"]
    unchanged(before)


def test_second_root_is_refused(district):
    before = snapshot(Org, AuditEvent)
    with pytest.raises(ValidationError) as exc:
        org_create(actor=district.district, parent=None, name="另一个区总工会", kind=K.DISTRICT)
    assert "parent" in exc.value.message_dict
    unchanged(before)


@pytest.mark.parametrize(
    ("who", "where"),
    [("grassroots1", "street1"), ("street2_user", "street1"), ("street1_user", "root"), ("worker1_user", "union_a"),
     ("nobody", "union_a"), ("sysadmin", "root"), ("auditor", "street1"), ("secadmin", "union_b")],
)
def test_create_without_manage_scope_is_refused(district, who, where):
    before = snapshot(Org, AuditEvent)
    kind = K.GROUP if where in ("union_a", "union_b") else K.GRASSROOTS
    with pytest.raises(PermissionDenied):
        org_create(actor=getattr(district, who), parent=getattr(district, where), name="越权工会", kind=kind)
    unchanged(before)


@pytest.mark.parametrize(
    ("fields", "bad"),
    [({"credit_code": "91440300192203821X"}, "credit_code"), ({"kind_extra": 1}, None),
     ({"status": "gone"}, "status"), ({"joint_area": "moon"}, "joint_area")],
)
def test_create_with_bad_fields_is_refused(district, fields, bad):
    before = snapshot(Org, AuditEvent)
    with pytest.raises((ValidationError, TypeError)) as exc:
        org_create(actor=district.district, parent=district.street1, name="坏数据工会", kind=K.GRASSROOTS, **fields)
    if bad:
        assert bad in exc.value.message_dict
    unchanged(before)


def test_create_with_an_empty_name_or_duplicate_credit_code_is_refused(district):
    code = make_credit_code(prefix="81")
    org_create(actor=district.district, parent=district.street1, name="有代码工会", kind=K.GRASSROOTS,
               credit_code=code)
    before = snapshot(Org, AuditEvent)
    with pytest.raises(ValidationError) as exc:
        org_create(actor=district.district, parent=district.street2, name="重复代码工会", kind=K.GRASSROOTS,
                   credit_code=code)
    assert "credit_code" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        org_create(actor=district.district, parent=district.street2, name="", kind=K.GRASSROOTS)
    assert "name" in exc.value.message_dict
    unchanged(before)


def test_update_changes_allowed_fields_and_audits(district):
    code = make_credit_code(prefix="81")
    org = org_update(actor=district.grassroots1, org=district.union_a, name="东方机械厂工会委员会",
                     chair_name="周主席", credit_code=code, status=OrgStatus.DORMANT)
    stored = Org.objects.get(pk=district.union_a.pk)
    assert (stored.name, stored.chair_name, stored.credit_code, stored.status) == (
        "东方机械厂工会委员会", "周主席", code, OrgStatus.DORMANT)
    assert (stored.path, stored.street_id) == (district.union_a.path, district.street1.pk)
    event = AuditEvent.objects.get(action="org.update")
    assert event.actor == district.grassroots1 and event.target_id == str(org.pk)
    assert event.detail == {"fields": ["chair_name", "credit_code", "name", "status"]}


@pytest.mark.parametrize(
    "changes",
    [{"kind": K.STREET}, {"parent": None}, {"path": "/1/"}, {"street": None}, {"depth": 0},
     {"name": "新名", "kind": K.JOINT}, {"id": 999}],
)
def test_update_refuses_unknown_fields(district, changes):
    before = snapshot(Org, AuditEvent)
    with pytest.raises(ValidationError) as exc:
        org_update(actor=district.district, org=district.union_a, **changes)
    assert set(exc.value.message_dict) == set(changes) - {"name"}
    unchanged(before)


def test_update_refuses_invalid_values_and_out_of_scope(district):
    before = snapshot(Org, AuditEvent)
    with pytest.raises(ValidationError) as exc:
        org_update(actor=district.district, org=Org.objects.get(pk=district.union_a.pk),
                   credit_code="914403001922038217")
    assert "credit_code" in exc.value.message_dict
    for who in ("street2_user", "worker1_user", "sysadmin", "grassroots1"):
        target = district.union_a if who != "grassroots1" else district.street1
        with pytest.raises(PermissionDenied):
            org_update(actor=getattr(district, who), org=Org.objects.get(pk=target.pk), name="改名")
    unchanged(before)
