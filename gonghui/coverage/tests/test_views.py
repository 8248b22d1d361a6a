"""The coverage pages through HTTP: permission matrix, scoped drill-down, links, query budget."""

import random

import pytest
from django.urls import reverse

from gonghui.core.choices import Industry
from gonghui.enterprises.models import Enterprise, Ownership
from gonghui.members.models import Membership
from gonghui.orgs.models import OrgKind
from gonghui.orgs.services import org_create
from gonghui.testing import make_credit_code, snapshot

from .conftest import ACTIVE, add_membership, add_worker

OVERVIEW = reverse("coverage:overview")
UNCOVERED = reverse("coverage:uncovered")
QUERY_BUDGET = 14  # 12 today: session, user, grants, 6 figure queries, street names, session save


def test_anonymous_is_sent_to_sign_in(client, census):
    for url in (OVERVIEW, UNCOVERED, f"{OVERVIEW}?org={census.street1.pk}"):
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response["Location"], url


@pytest.mark.parametrize("who", ["nobody", "worker1_user", "auditor", "sysadmin"])
def test_no_cadre_role_is_refused(client, census, who):
    client.force_login(getattr(census, who))
    for url in (OVERVIEW, UNCOVERED):
        assert client.get(url).status_code == 403, url


def test_district_sees_everything(client, census):
    client.force_login(census.district)
    before = snapshot(Enterprise, Membership)
    response = client.get(OVERVIEW)
    assert response.status_code == 200
    report = response.context["report"]
    assert (report["total"].enterprises, report["total"].members) == (5, 4)
    body = response.content.decode()
    assert census.street1.name in body and census.street2.name in body
    assert f'href="?org={census.street1.pk}"' in body
    assert f"{reverse('enterprises:list')}?street={census.street1.pk}&amp;has_union=no" in body
    assert f"{UNCOVERED}?industry=G" in body
    assert f"{reverse('members:list')}?employment_form=courier" in body
    assert 'href="/console/coverage/"' in body  # the nav link
    assert snapshot(Enterprise, Membership) == before


def test_district_drills_into_street1(client, census):
    client.force_login(census.district)
    response = client.get(OVERVIEW, {"org": census.street1.pk})
    assert response.status_code == 200
    total = response.context["report"]["total"]
    assert (total.enterprises, total.headcount, total.members) == (3, 220, 3)
    assert census.enterprise_b.name not in response.content.decode()


def test_street1_sees_only_street1(client, census):
    client.force_login(census.street1_user)
    response = client.get(OVERVIEW)
    assert response.status_code == 200
    total = response.context["report"]["total"]
    assert (total.enterprises, total.headcount, total.members) == (3, 220, 3)
    assert census.street2.name not in response.content.decode()


@pytest.mark.parametrize("org", ["street1", "union_a", "joint1", "root"])
def test_street2_cannot_drill_into_street1(client, census, org):
    client.force_login(census.street2_user)
    pk = getattr(census, org).pk
    assert client.get(OVERVIEW, {"org": pk}).status_code == 404
    assert client.get(UNCOVERED, {"org": pk}).status_code == 404


@pytest.mark.parametrize("query", [{"org": "abc"}, {"org": "999999"}, {"industry": "ZZ"}, {"street": "x"}])
def test_bad_parameters_are_404(client, census, query):
    client.force_login(census.district)
    url = UNCOVERED if "org" not in query else OVERVIEW
    assert client.get(url, query).status_code == 404


def test_uncovered_list_filters_and_scope(client, census):
    client.force_login(census.district)
    response = client.get(UNCOVERED, {"industry": Industry.C})
    assert [e.pk for e in response.context["page_obj"]] == [census.enterprise_n2.pk]
    response = client.get(UNCOVERED)
    assert [e.pk for e in response.context["page_obj"]] == [census.enterprise_none.pk, census.enterprise_n2.pk]
    client.force_login(census.street2_user)
    response = client.get(UNCOVERED, {"street": census.street1.pk})
    assert list(response.context["page_obj"]) == []
    response = client.get(UNCOVERED)
    assert [e.pk for e in response.context["page_obj"]] == [census.enterprise_n2.pk]


def _grow(census, n):
    """More streets, enterprises, unions and members: the page must not need more queries."""
    rng = random.Random(n)
    for i in range(n):
        street = org_create(actor=None, parent=census.root, name=f"街道{n}-{i}", kind=OrgKind.STREET)
        union = org_create(actor=None, parent=street, name=f"工会{n}-{i}", kind=OrgKind.GRASSROOTS)
        for j, industry in enumerate((Industry.C, Industry.H, Industry.I)):
            enterprise = Enterprise.objects.create(
                credit_code=make_credit_code(rng), name=f"企业{n}-{i}-{j}", industry=industry,
                ownership=Ownership.PRIVATE, headcount=10 + j, street=street, union=union if j else None)
            worker = add_worker(f"工人{n}{i}{j}", org=union, employer=enterprise, rng=rng)
            add_membership(worker, union, ACTIVE, census.union_a.founded_on)


def test_query_budget_is_independent_of_data_size(client, census, django_assert_max_num_queries):
    client.force_login(census.district)
    with django_assert_max_num_queries(QUERY_BUDGET):
        assert client.get(OVERVIEW).status_code == 200
    _grow(census, 6)
    with django_assert_max_num_queries(QUERY_BUDGET):
        response = client.get(OVERVIEW)
    assert response.status_code == 200
    assert response.context["report"]["total"].enterprises == 5 + 18
