"""The one scoping mechanism: restrict / gate / can, for every role of the shared district."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from gonghui.core.scoping import (
    ACTIONS,
    APPROVE,
    EXPORT,
    IMPORT,
    MANAGE,
    REVEAL,
    VIEW,
    can,
    gate,
    minimal_paths,
    restrict,
    restrict_to_orgs,
    scope_q,
)
from gonghui.enterprises.models import Enterprise, Ownership
from gonghui.members.models import Membership, Worker
from gonghui.orgs.models import Org, OrgKind
from gonghui.orgs.services import org_create
from gonghui.testing import make_credit_code, make_user, make_worker

SCOPED = (Org, Worker, Membership, Enterprise)


def visible(model, user, action=VIEW) -> set[int]:
    return set(restrict(model.objects.all(), user, action).values_list("pk", flat=True))


def pks(*objs) -> set[int]:
    return {o.pk for o in objs}


@pytest.fixture
def d(district):
    """The district plus an enterprise registered in street 2 but covered by street 1's joint union."""
    district.enterprise_x = Enterprise.objects.create(
        credit_code=make_credit_code(prefix="92"), name="西街骑手站", industry="G", ownership=Ownership.PRIVATE,
        street=district.street2, union=district.joint1,
    )
    return district


def memberships_of(*workers) -> set[int]:
    return set(Membership.objects.filter(worker__in=workers).values_list("pk", flat=True))


def test_district_staff_sees_everything(d):
    for model in SCOPED:
        for action in ACTIONS:
            everything = set(model.objects.values_list("pk", flat=True))
            assert visible(model, d.district, action) == everything, (model, action)
    assert len(visible(Org, d.district)) == 6


def test_street_cadre_sees_only_their_subtree(d):
    assert visible(Org, d.street1_user) == pks(d.street1, d.joint1, d.union_a)
    assert visible(Worker, d.street1_user) == pks(d.worker1)
    assert visible(Membership, d.street1_user) == memberships_of(d.worker1)
    # by street (enterprise_a, enterprise_none) or by covering union (enterprise_x lies in street 2)
    assert visible(Enterprise, d.street1_user) == pks(d.enterprise_a, d.enterprise_none, d.enterprise_x)

    assert visible(Org, d.street2_user) == pks(d.street2, d.union_b)
    assert visible(Worker, d.street2_user) == pks(d.worker_b)
    assert visible(Membership, d.street2_user) == memberships_of(d.worker_b)
    assert visible(Enterprise, d.street2_user) == pks(d.enterprise_b, d.enterprise_x)


def test_grassroots_cadre_sees_only_their_union(d):
    assert visible(Org, d.grassroots1) == pks(d.union_a)
    assert visible(Worker, d.grassroots1) == pks(d.worker1)
    assert visible(Membership, d.grassroots1) == memberships_of(d.worker1)
    assert visible(Enterprise, d.grassroots1) == pks(d.enterprise_a)
    for action in (MANAGE, APPROVE, IMPORT, EXPORT):
        assert visible(Worker, d.grassroots1, action) == pks(d.worker1)


def test_reveal_is_not_granted_to_grassroots_cadres(d):
    assert d.grassroots1.scope_paths(REVEAL) == []
    assert not can(d.grassroots1, REVEAL, d.union_a)
    assert visible(Worker, d.grassroots1, REVEAL) == set()
    assert can(d.street1_user, REVEAL, d.union_a)
    assert not can(d.street1_user, REVEAL, d.union_b)
    assert can(d.district, REVEAL, d.union_b)
    assert visible(Worker, d.street1_user, REVEAL) == pks(d.worker1)


def test_worker_sees_only_own_rows_and_only_to_view(d):
    other = make_worker(name="赵六", org=d.union_a, mobile="13700003333")
    assert visible(Worker, d.worker1_user) == pks(d.worker1)
    assert visible(Membership, d.worker1_user) == memberships_of(d.worker1)
    assert other.pk not in visible(Worker, d.worker1_user)
    assert visible(Org, d.worker1_user) == set()
    assert visible(Enterprise, d.worker1_user) == set()
    for action in (MANAGE, APPROVE, IMPORT, EXPORT, REVEAL):
        for model in SCOPED:
            assert visible(model, d.worker1_user, action) == set(), (model, action)
    assert not can(d.worker1_user, VIEW, d.union_a)


@pytest.mark.parametrize("name", ["sysadmin", "secadmin", "auditor", "nobody"])
def test_admin_roles_and_plain_accounts_see_no_domain_data(d, name):
    user = getattr(d, name)
    for model in SCOPED:
        for action in ACTIONS:
            assert visible(model, user, action) == set(), (model, action)
    assert not any(can(user, action, d.root) for action in ACTIONS)


def test_anonymous_and_inactive_users_see_nothing(d):
    anon = AnonymousUser()
    d.street1_user.is_active = False
    d.street1_user.save()
    for user in (anon, None, d.street1_user):
        for model in SCOPED:
            assert visible(model, user) == set()
        assert not can(user, VIEW, d.street1)
        assert not can(user, APPROVE, d.union_a)


def test_can_follows_the_subtree(d):
    assert can(d.street1_user, MANAGE, d.street1)
    assert can(d.street1_user, APPROVE, d.union_a)
    assert can(d.street1_user, APPROVE, d.joint1)
    assert not can(d.street1_user, MANAGE, d.root)
    assert not can(d.street1_user, VIEW, d.union_b)
    assert not can(d.grassroots1, MANAGE, d.street1)
    assert can(d.grassroots1, MANAGE, d.union_a)
    assert can(d.district, MANAGE, d.root)
    assert not can(d.district, MANAGE, None)


def test_gate_answers_404_alike_for_missing_and_out_of_scope(d):
    assert gate(Worker, d.street1_user, pk=d.worker1.pk) == d.worker1
    assert gate(Org.objects.all(), d.grassroots1, MANAGE, pk=d.union_a.pk) == d.union_a
    missing_pk = Worker.objects.order_by("-pk").first().pk + 1000
    answers = []
    for lookup in ({"pk": d.worker_b.pk}, {"pk": missing_pk}, {"pk": "not-a-number"}):
        with pytest.raises(Http404) as exc:
            gate(Worker, d.street1_user, **lookup)
        answers.append((type(exc.value), exc.value.args))
    assert answers[0] == answers[1] == answers[2]
    with pytest.raises(Http404):
        gate(Worker, d.worker1_user, MANAGE, pk=d.worker1.pk)  # owner may only view
    with pytest.raises(Http404):
        gate(Org, d.sysadmin, pk=d.root.pk)
    with pytest.raises(Http404):
        gate(Worker, AnonymousUser(), pk=d.worker1.pk)


def test_overlapping_grants_give_each_row_once(d):
    from gonghui.accounts.models import RoleGrant
    from gonghui.accounts.roles import Role

    RoleGrant.objects.create(user=d.street1_user, role=Role.GRASSROOTS_CADRE, org=d.union_a)
    user = type(d.street1_user).objects.get(pk=d.street1_user.pk)  # fresh grant cache
    rows = list(restrict(Worker.objects.all(), user).values_list("pk", flat=True))
    assert rows == [d.worker1.pk]
    ent = list(restrict(Enterprise.objects.all(), user).values_list("pk", flat=True))
    assert len(ent) == len(set(ent)) == 3


def test_minimal_paths():
    assert minimal_paths(["/1/5/", "/1/55/"]) == ["/1/5/", "/1/55/"]
    assert minimal_paths(["/1/5/7/", "/1/", "/1/5/", "/2/"]) == ["/1/", "/2/"]
    assert minimal_paths(["/1/5/", "/1/5/"]) == ["/1/5/"]
    assert minimal_paths([]) == []


def test_scope_q_uses_whole_path_segments():
    q = scope_q(Org, ["/1/5/"])
    assert q.children == [("path__startswith", "/1/5/")]
    assert scope_q(Org, []) is None
    assert scope_q(Worker, [], user=None) is None


def test_a_path_prefix_does_not_match_a_longer_id(district):
    """Orgs 200000001 and 2000000011 under one parent: '/r/200000001/' must not cover '/r/2000000011/'.

    Ids far above anything the sequences hand out in a test run, so they never collide with real rows."""
    short = org_create(actor=None, parent=district.root, name="短号街道", kind=OrgKind.STREET, id=200000001)
    long = org_create(actor=None, parent=district.root, name="长号街道", kind=OrgKind.STREET, id=2000000011)
    assert long.path.startswith(short.path.rstrip("/"))  # the raw digits do collide
    union = org_create(actor=None, parent=long, name="长号工会", kind=OrgKind.GRASSROOTS)
    cadre = make_user("short_cadre", role="street_cadre", org=short)
    assert visible(Org, cadre) == {short.pk}
    assert not can(cadre, VIEW, long)
    assert not can(cadre, VIEW, union)
    cadre_long = make_user("long_cadre", role="street_cadre", org=long)
    assert visible(Org, cadre_long) == {long.pk, union.pk}


def test_restrict_to_orgs_leaves_out_the_users_own_rows(district):
    # street2's cadre is also a member of union A (street1): restrict shows that membership as their own,
    # restrict_to_orgs (cadre lists and figures) does not.
    mine = make_worker(name="王二", org=district.union_a, user=district.street2_user, mobile="13600002222")
    own = set(mine.memberships.values_list("pk", flat=True))
    assert own <= visible(Membership, district.street2_user)
    orgs_only = set(restrict_to_orgs(Membership.objects.all(), district.street2_user).values_list("pk", flat=True))
    assert not own & orgs_only
    assert orgs_only == set(Membership.objects.filter(org__path__startswith=district.street2.path)
                            .values_list("pk", flat=True))
    for nobody in (AnonymousUser(), district.nobody, district.worker1_user):
        assert not restrict_to_orgs(Membership.objects.all(), nobody).exists()
