"""Suggested matches: category, area, capacity left, availability, ranking; and the inverse."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from gonghui.needs import selectors, services
from gonghui.needs.models import Resource

from .conftest import make_need, make_project, make_resource

pytestmark = pytest.mark.django_db


def names(resources):
    return [r.name for r in resources]


def test_only_resources_whose_area_covers_the_need(lists):
    # street2's venue serves the same category but never a street1 need; street1's and the district's do.
    assert set(names(selectors.suggested_resources(lists.need))) == {"东街道职工之家", "区总工会关爱基金"}
    need2 = make_need(lists, org=lists.union_b, title="西街午休")
    assert set(names(selectors.suggested_resources(need2))) == {"西街道职工之家", "区总工会关爱基金"}


def test_a_resource_below_the_needs_union_does_not_serve_it(lists):
    make_resource(lists, org=lists.union_a, name="东方机械厂活动室")
    street_need = make_need(lists, org=lists.street1, title="街道层面需求")
    assert "东方机械厂活动室" not in names(selectors.suggested_resources(street_need))


def test_category_must_match(lists):
    health = make_need(lists, category="health", title="体检")
    assert selectors.suggested_resources(health) == []
    hardship = make_need(lists, category="hardship", title="困难帮扶")
    assert names(selectors.suggested_resources(hardship)) == ["区总工会关爱基金"]


def test_exhausted_unavailable_and_expired_resources_are_left_out(lists):
    project = make_project(lists)
    services.resource_commit(actor=lists.district, project=project, resource=lists.venue1, quantity=20)
    assert "东街道职工之家" not in names(selectors.suggested_resources(lists.need))
    services.project_cancel(actor=lists.district, project=project, reason="取消")
    assert "东街道职工之家" in names(selectors.suggested_resources(lists.need))  # freed again
    Resource.objects.filter(pk=lists.venue1.pk).update(available=False)
    assert "东街道职工之家" not in names(selectors.suggested_resources(lists.need))
    Resource.objects.filter(pk=lists.venue1.pk).update(
        available=True, available_until=timezone.localdate() - dt.timedelta(days=1))
    assert "东街道职工之家" not in names(selectors.suggested_resources(lists.need))


def test_ranking_enough_first_then_nearest_then_largest(lists):
    # need of 10 in joint1: joint1's own small venue (5 left) is nearest but not enough.
    make_resource(lists, org=lists.joint1, name="联合工会小驿站", capacity=5)
    make_resource(lists, org=lists.street1, name="街道大礼堂", capacity=50)
    assert names(selectors.suggested_resources(lists.need)) == [
        "街道大礼堂",  # enough, street (depth 1), 50 left
        "东街道职工之家",  # enough, street, 20 left
        "区总工会关爱基金",  # enough, district (depth 0)
        "联合工会小驿站",  # nearest but not enough for 10
    ]
    ranked = selectors.suggested_resources(lists.need)
    assert [r.remaining for r in ranked] == [50, 20, 100, 5]


def test_no_suggestion_for_a_need_that_is_not_open(lists):
    services.need_decline(actor=lists.district, need=lists.need, reason="不再需要")
    lists.need.refresh_from_db()
    assert selectors.suggested_resources(lists.need) == []


def test_suggestions_take_one_query_whatever_their_number(lists):
    for n in range(6):
        make_resource(lists, name=f"场地{n}")
    need = selectors.need_get(user=lists.district, pk=lists.need.pk)
    with CaptureQueriesContext(connection) as ctx:
        found = selectors.suggested_resources(need)
        [(r.remaining, r.enough, r.org.name) for r in found]
    assert len(found) == 8 and len(ctx.captured_queries) == 1


def test_inverse_open_needs_a_resource_could_serve(lists):
    big = make_need(lists, title="大型需求", headcount=500, urgency="high")
    urgent = make_need(lists, title="紧急需求", urgency="high")
    make_need(lists, org=lists.union_b, title="西街需求")
    make_need(lists, title="健康需求", category="health")
    venue = selectors.resource_get(user=lists.district, pk=lists.venue1.pk)
    found = selectors.suggested_needs(venue, user=lists.district)
    # fits first (urgent before normal), then the one too big for its 20 left; never street2's or health
    assert [n.title for n in found] == [urgent.title, lists.need.title, big.title]
    # a street2 cadre sees none of street1's needs through the district's fund
    fund = selectors.resource_get(user=lists.street2_user, pk=lists.fund.pk)
    assert [n.title for n in selectors.suggested_needs(fund, user=lists.street2_user)] == ["西街需求"]
