from gonghui.members.models import Membership, MembershipStatus


def test_district_fixture_builds_tree_paths(district):
    assert district.street1.path == f"{district.root.path}{district.street1.pk}/"
    assert district.union_a.street_id == district.street1.pk
    assert district.root.street_id is None
    assert Membership.objects.filter(worker=district.worker1, status=MembershipStatus.ACTIVE).count() == 1
