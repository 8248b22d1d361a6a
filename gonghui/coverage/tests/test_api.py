"""GET /api/v1/coverage: the page's figures as JSON, scoped like the page."""

import pytest
from django.urls import reverse

from gonghui.accounts.tests.test_api_token import api_as, field_errors
from gonghui.enterprises.models import Enterprise
from gonghui.members.models import Membership, Worker
from gonghui.testing import snapshot

OVERVIEW = reverse("coverage:overview")
WRITES = (Enterprise, Membership, Worker)
CENSUS = ("enterprises", "covered", "uncovered", "establishment_rate", "headcount", "uncovered_headcount", "members",
          "membership_rate")


def _census(row) -> dict:
    return {name: getattr(row, name) for name in CENSUS}


def _figures(line: dict) -> dict:
    return {name: line[name] for name in CENSUS}


def _assert_same_as_page(data: dict, report: dict):
    assert _figures(data["total"]) == _census(report["total"])
    assert _figures(data["non_public"]) == _census(report["non_public"])
    for name in ("streets", "industries", "ownerships"):
        assert [line["key"] for line in data[name]] == [str(r.key) for r in report[name]], name
        assert [_figures(line) for line in data[name]] == [_census(r) for r in report[name]], name
    assert [(f["key"], f["members"], f["workers"], f["non_members"]) for f in data["forms"]] == [
        (r.key, r.members, r.workers, r.non_members) for r in report["forms"]]
    nf = report["new_forms"]
    assert (data["new_forms"]["members"], data["new_forms"]["workers"]) == (nf.members, nf.workers)
    assert [(p["month_end"], p["as_of"], p["members"], p["covered"], p["establishment_rate"], p["membership_rate"])
            for p in data["trend"]] == [
        (str(p["month_end"]), str(p["as_of"]), p["members"], p["covered"], p["establishment_rate"],
         p["membership_rate"]) for p in report["trend"]]


def test_district_figures_equal_the_pages(client, census):
    client.force_login(census.district)
    report = client.get(OVERVIEW).context["report"]
    before = snapshot(*WRITES)
    response = api_as("district").get("/coverage")
    assert response.status_code == 200
    data = response.json()
    assert (data["org_id"], data["name"]) == (None, "")
    _assert_same_as_page(data, report)
    # the hand counts of test_selectors
    assert (data["total"]["enterprises"], data["total"]["covered"], data["total"]["members"]) == (5, 3, 4)
    assert data["total"]["establishment_rate"] == pytest.approx(3 / 5)
    assert data["total"]["membership_rate"] == pytest.approx(4 / 330)
    streets = {s["org_id"]: s for s in data["streets"]}
    assert set(streets) == {census.street1.pk, census.street2.pk}
    assert streets[census.street1.pk]["label"] == census.street1.name
    industries = {line["key"]: line for line in data["industries"]}
    assert industries["none"]["members"] == 1 and industries["none"]["establishment_rate"] is None
    ownerships = {line["key"]: line for line in data["ownerships"]}
    assert ownerships["private"]["non_public"] is True and ownerships["state"]["non_public"] is False
    assert data["non_public"]["headcount"] == 270
    assert {f["key"]: f["new_form"] for f in data["forms"]}["delivery_rider"] is True
    assert len(data["trend"]) == 12
    assert snapshot(*WRITES) == before


def test_drill_down_equals_the_drilled_page(client, census):
    client.force_login(census.district)
    report = client.get(OVERVIEW, {"org": census.street1.pk}).context["report"]
    data = api_as("district").get("/coverage", {"org_id": census.street1.pk}).json()
    assert (data["org_id"], data["name"]) == (census.street1.pk, census.street1.name)
    _assert_same_as_page(data, report)
    assert (data["total"]["enterprises"], data["total"]["headcount"], data["total"]["members"]) == (3, 220, 3)


def test_street_cadre_sees_only_their_street(client, census):
    client.force_login(census.street2_user)
    report = client.get(OVERVIEW).context["report"]
    data = api_as("street2").get("/coverage").json()
    _assert_same_as_page(data, report)
    assert [s["org_id"] for s in data["streets"]] == [census.street2.pk]
    assert (data["total"]["enterprises"], data["total"]["members"]) == (2, 1)


@pytest.mark.parametrize("org", ["street1", "union_a", "joint1", "root"])
def test_out_of_scope_org_is_404(census, org):
    street2 = api_as("street2")
    before = snapshot(*WRITES)
    response = street2.get("/coverage", {"org_id": getattr(census, org).pk})
    assert response.status_code == 404
    assert response.json() == {"detail": response.json()["detail"]} and "total" not in response.json()
    assert snapshot(*WRITES) == before


def test_missing_org_is_404_and_malformed_id_is_422(census):
    district = api_as("district")
    assert district.get("/coverage", {"org_id": 999999}).status_code == 404
    errors = field_errors(district.get("/coverage", {"org_id": "abc"}))
    assert set(errors) == {"org_id"}


def test_who_may_call(census):
    assert api_as(None).get("/coverage").status_code == 401
    for who in ("nobody", "worker1", "auditor"):
        response = api_as(who).get("/coverage")
        assert response.status_code == 403, who
        assert set(response.json()) == {"detail"}


def test_listed_in_the_schema(client, db):
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/coverage" in schema["paths"]
    assert {"total", "streets", "industries", "ownerships", "forms", "trend"} <= set(
        schema["components"]["schemas"]["UnionCoverageOut"]["properties"])
