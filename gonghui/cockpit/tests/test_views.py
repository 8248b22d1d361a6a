"""The cockpit page and /api/v1/cockpit through HTTP: permission matrix, scoped drill-down, links, query budget."""

import random

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from gonghui.accounts.tests.test_api_token import api_as
from gonghui.cockpit.models import OrgTally
from gonghui.core.choices import EmploymentForm, Industry
from gonghui.enterprises.models import Enterprise, Ownership
from gonghui.members.models import Membership, Worker
from gonghui.orgs.models import OrgKind
from gonghui.orgs.services import org_create
from gonghui.outreach.models import EstablishmentPlan
from gonghui.testing import make_credit_code, snapshot

from .test_tallies import fast_insert_members

PAGE = reverse("cockpit:cockpit")
WRITES = (Membership, Worker, Enterprise, EstablishmentPlan, OrgTally)


def test_anonymous_is_sent_to_sign_in(client, census):
    for url in (PAGE, f"{PAGE}?org={census.street1.pk}"):
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response["Location"]


@pytest.mark.parametrize("who", ["nobody", "worker1_user", "auditor", "sysadmin", "secadmin"])
def test_no_cadre_role_is_refused(client, census, who):
    client.force_login(getattr(census, who))
    before = snapshot(*WRITES)
    assert client.get(PAGE).status_code == 403
    assert client.get(PAGE, {"org": census.root.pk}).status_code == 403
    assert snapshot(*WRITES) == before


def test_district_sees_the_whole_district(client, census):
    client.force_login(census.district)
    before = snapshot(*WRITES)
    response = client.get(PAGE)
    assert response.status_code == 200
    total = response.context["total"]
    assert (total.members, total.enterprises, total.covered) == (4, 5, 3)
    body = response.content.decode()
    assert census.street1.name in body and census.street2.name in body
    assert f'href="?org={census.street1.pk}"' in body and f'href="?org={census.street2.pk}"' in body
    assert f"{reverse('members:list')}?status=active&amp;org={census.root.pk}" in body
    assert f"{reverse('enterprises:list')}?has_union=yes" in body
    assert f"{reverse('enterprises:list')}?has_union=no" in body
    assert reverse("outreach:board") in body
    assert f'href="{PAGE}"' in body  # the nav link
    assert snapshot(*WRITES) == before


def test_drill_down_district_street_union(client, census):
    client.force_login(census.district)
    response = client.get(PAGE, {"org": census.street1.pk})
    assert response.status_code == 200
    assert response.context["total"].members == 3
    body = response.content.decode()
    assert f'href="?org={census.joint1.pk}"' in body and census.street2.name not in body
    assert f"{reverse('enterprises:list')}?has_union=no&amp;street={census.street1.pk}" in body
    assert f"{reverse('outreach:board')}?street={census.street1.pk}" in body
    response = client.get(PAGE, {"org": census.joint1.pk})
    assert response.status_code == 200 and response.context["total"].members == 2


def test_street_cadre_sees_only_their_street(client, census):
    client.force_login(census.street1_user)
    response = client.get(PAGE)
    assert response.status_code == 200 and response.context["org"] == census.street1
    assert census.street2.name not in response.content.decode()


@pytest.mark.parametrize("org", ["street2", "union_b", "root"])
def test_street1_cannot_drill_outside(client, census, org):
    client.force_login(census.street1_user)
    before = snapshot(*WRITES)
    assert client.get(PAGE, {"org": getattr(census, org).pk}).status_code == 404
    assert snapshot(*WRITES) == before


@pytest.mark.parametrize("value", ["abc", "999999", "-1", "1.5"])
def test_bad_org_is_404(client, census, value):
    client.force_login(census.district)
    assert client.get(PAGE, {"org": value}).status_code == 404


def grow(census, n: int, seed: int):
    """More of everything: a street with unions, enterprises, bulk-written members."""
    street = org_create(actor=None, parent=census.root, name=f"新街道{seed}", kind=OrgKind.STREET)
    rng = random.Random(f"grow-{seed}")
    for i in range(3):
        union = org_create(actor=None, parent=street, name=f"新工会{seed}-{i}", kind=OrgKind.GRASSROOTS)
        Enterprise.objects.create(credit_code=make_credit_code(rng), name=f"企业{seed}-{i}", industry=Industry.C,
                                  ownership=Ownership.PRIVATE, headcount=100, street=street,
                                  union=union if i else None)
        fast_insert_members(union, n, form=EmploymentForm.COURIER, seed=seed * 10 + i)
    fast_insert_members(census.union_a, n, seed=seed * 100)


def test_query_count_is_constant_as_data_grows(client, census):
    client.force_login(census.district)

    def count(params):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(PAGE, params).status_code == 200
        return len(ctx)

    small = (count({}), count({"org": census.street1.pk}))
    grow(census, 20, 1)
    grow(census, 60, 2)
    assert (count({}), count({"org": census.street1.pk})) == small
    # session, user, grants, scope root, tallies, children, session save (3): 10; then the service figures
    # of the one subtree: the requests report (org, figures, by type, by category, merged), two hardship
    # counts and the aid paid (8).
    assert small[0] <= 18, small


# --- API ----------------------------------------------------------------------------------------

def test_api_matrix(census):
    assert api_as(None).get("/cockpit").status_code == 401
    for who in ("nobody", "worker1", "auditor"):
        assert api_as(who).get("/cockpit").status_code == 404, who
    data = api_as("district").get("/cockpit").json()
    assert data["org_id"] == census.root.pk
    assert (data["figures"]["members"], data["figures"]["enterprises"], data["figures"]["covered"]) == (4, 5, 3)
    assert data["figures"]["establishment_rate"] == pytest.approx(3 / 5)
    assert data["figures"]["membership_rate"] == pytest.approx(4 / 330)
    assert {c["org_id"] for c in data["children"]} == {census.street1.pk, census.street2.pk}
    assert [p["stage"] for p in data["figures"]["pipeline"]][0] == "not_started"


def test_api_drill_down_and_scope(census):
    data = api_as("district").get("/cockpit", {"org_id": census.street1.pk}).json()
    assert data["figures"]["members"] == 3
    street2 = api_as("street2")
    assert street2.get("/cockpit").json()["org_id"] == census.street2.pk
    before = snapshot(*WRITES)
    for org in (census.street1, census.root, census.joint1):
        assert street2.get("/cockpit", {"org_id": org.pk}).status_code == 404
    assert street2.get("/cockpit", {"org_id": 999999}).status_code == 404
    assert snapshot(*WRITES) == before
