"""Cockpit figures: scoped, drilled down, and equal to the coverage module's where definitions coincide."""

import pytest
from django.http import Http404

from gonghui.accounts.models import RoleGrant
from gonghui.accounts.roles import Role
from gonghui.cockpit.selectors import cockpit_figures
from gonghui.coverage.selectors import coverage_report
from gonghui.outreach.services import plans_ensure
from gonghui.testing import make_user


def test_district_headline(census):
    result = cockpit_figures(user=census.district)
    t = result["total"]
    assert result["org"] == census.root
    # 5 census enterprises (3 covered), headcount 330; members worker1, worker_b, rider, mover.
    assert (t.enterprises, t.covered, t.headcount, t.members, t.new_form_members) == (5, 3, 330, 4, 1)
    tiles = {tile.org: tile.figures for tile in result["tiles"]}
    assert set(tiles) == {census.street1, census.street2}
    assert (tiles[census.street1].members, tiles[census.street1].enterprises) == (3, 3)
    assert (tiles[census.street2].members, tiles[census.street2].headcount) == (1, 110)


@pytest.mark.parametrize(("who", "org"), [("district", None), ("district", "street1"), ("district", "street2"),
                                          ("street1_user", None), ("street2_user", None),
                                          ("district", "joint1")])
def test_rates_equal_the_coverage_module(census, who, org):
    user = getattr(census, who)
    org = getattr(census, org) if org else None
    cockpit = cockpit_figures(user=user, org=org)["total"]
    coverage = coverage_report(user=user, org=org)
    assert cockpit.members == coverage["total"].members
    assert cockpit.new_form_members == coverage["new_forms"].members
    if org is None or org.kind != "joint":  # coverage counts a union's covered enterprises; the cockpit by street
        assert cockpit.establishment_rate == coverage["total"].establishment_rate
        assert cockpit.membership_rate == coverage["total"].membership_rate


def test_drill_down_to_a_street_and_a_union(census):
    street = cockpit_figures(user=census.district, org=census.street1)
    assert {t.org for t in street["tiles"]} == {census.joint1, census.union_a}
    joint = next(t for t in street["tiles"] if t.org == census.joint1).figures
    assert (joint.members, joint.new_form_members) == (2, 1)
    union = cockpit_figures(user=census.district, org=census.joint1)
    assert union["total"].members == 2 and union["tiles"] == []


def test_street_cadre_sees_only_their_subtree(census):
    result = cockpit_figures(user=census.street2_user)
    assert result["org"] == census.street2
    assert (result["total"].members, result["total"].enterprises) == (1, 2)
    for org in (census.street1, census.root, census.union_a):
        with pytest.raises(Http404):
            cockpit_figures(user=census.street2_user, org=org)


def test_pipeline_by_stage(census):
    plans_ensure(actor=census.district)
    t = cockpit_figures(user=census.district)["total"]
    assert {p["stage"]: p["count"] for p in t.pipeline}["not_started"] == 2
    assert cockpit_figures(user=census.street2_user)["total"].plans == {"not_started": 1}


def test_user_granted_on_two_streets_gets_both_as_tiles(census):
    user = make_user("two_streets", role=Role.STREET_CADRE, org=census.street1)
    RoleGrant.objects.create(user=user, role=Role.STREET_CADRE, org=census.street2)
    result = cockpit_figures(user=user)
    assert result["org"] is None
    assert {t.org for t in result["tiles"]} == {census.street1, census.street2}
    assert result["total"].members == 4


def test_no_scope_is_404(census):
    with pytest.raises(Http404):
        cockpit_figures(user=census.nobody)
