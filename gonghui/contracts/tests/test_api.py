"""/api/v1/contracts: scoped list and detail, steps with 422 naming the field, coverage."""

from gonghui.accounts.tests.test_api_token import api_as, field_errors
from gonghui.audit.models import AuditEvent
from gonghui.contracts.models import Contract, ContractEvent, Kind, Stage
from gonghui.testing import snapshot

from .conftest import days_ago, make_contract, walk

MODELS = (Contract, ContractEvent, AuditEvent)


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["items"]]


def test_list_and_detail_matrix(district, contract):
    west = make_contract(district, org=district.union_b, employer=district.enterprise_b, kind=Kind.FEMALE)
    assert api_as(None).get("/contracts").status_code == 401
    assert api_as(None).get(f"/contracts/{contract.pk}").status_code == 401
    assert ids(api_as("nobody").get("/contracts")) == []
    assert ids(api_as("worker1").get("/contracts")) == []
    assert ids(api_as("street1").get("/contracts")) == [contract.pk]
    assert ids(api_as("grassroots1").get("/contracts")) == [contract.pk]
    assert ids(api_as("street2").get("/contracts")) == [west.pk]
    assert sorted(ids(api_as("district").get("/contracts"))) == sorted([contract.pk, west.pk])
    street2 = api_as("street2")
    assert street2.get(f"/contracts/{contract.pk}").status_code == 404
    assert street2.get("/contracts/999999").status_code == 404
    body = api_as("street1").get(f"/contracts/{contract.pk}").json()
    assert body["covered_enterprise_ids"] == [district.enterprise_a.pk] and body["stage"] == "draft"


def test_list_filters(district, contract):
    wage = walk(make_contract(district, kind=Kind.WAGE), district.district, to=Stage.EFFECTIVE)
    api = api_as("district")
    assert ids(api.get("/contracts", {"kind": "wage"})) == [wage.pk]
    assert ids(api.get("/contracts", {"stage": "draft"})) == [contract.pk]
    assert ids(api.get("/contracts", {"expiring_within": 3650})) == [wage.pk]
    assert ids(api.get("/contracts", {"org_id": district.union_b.pk})) == []
    assert "expiring_within" in field_errors(api.get("/contracts", {"expiring_within": 0}))
    assert api_as("street2").get("/contracts", {"org_id": district.street1.pk}).status_code == 404


def test_steps_and_clocks(district, contract):
    api = api_as("grassroots1")
    response = api.post(f"/contracts/{contract.pk}/steps", {"to_stage": "offered", "on": days_ago(25).isoformat()})
    assert response.status_code == 201, response.content
    [clock] = response.json()["clocks"]
    assert clock["due"] == days_ago(5).isoformat() and clock["overdue"] is True
    assert [e["to_stage"] for e in response.json()["events"]] == ["offered"]


def test_bad_steps_answer_422_and_change_nothing(district, contract):
    contract = walk(contract, district.district, to=Stage.NEGOTIATING)
    api, street2, anonymous = api_as("street1"), api_as("street2"), api_as(None)  # signing in writes audit rows
    before = snapshot(*MODELS)
    url = f"/contracts/{contract.pk}/steps"
    on = days_ago(5).isoformat()
    assert "present" in field_errors(api.post(url, {"to_stage": "approved", "on": on, "total": 30, "present": 19,
                                                    "votes_for": 19}))
    assert "votes_for" in field_errors(api.post(url, {"to_stage": "approved", "on": on, "total": 30, "present": 20,
                                                      "votes_for": 25}))
    assert "present" in field_errors(api.post(url, {"to_stage": "approved", "on": on, "total": 30, "present": -2,
                                                    "votes_for": 0}))
    assert "to_stage" in field_errors(api.post(url, {"to_stage": "effective", "on": on}))
    assert "on" in field_errors(api.post(url, {"to_stage": "approved", "on": "soon"}))
    assert street2.post(url, {"to_stage": "approved", "on": on, "total": 3, "present": 3,
                              "votes_for": 3}).status_code == 404
    assert anonymous.post(url, {"to_stage": "approved", "on": on}).status_code == 401
    assert snapshot(*MODELS) == before


def test_coverage_endpoint(district, contract):
    walk(contract, district.district, to=Stage.EFFECTIVE)
    assert api_as("district").get("/contracts/coverage", {"org_id": district.root.pk}).json() == {
        "contracts": 1, "enterprises": 1, "workers": 120, "declared_workers": 100}
    assert api_as("street2").get("/contracts/coverage", {"org_id": district.street2.pk}).json() == {
        "contracts": 0, "enterprises": 0, "workers": 0, "declared_workers": 0}
    assert api_as("street2").get("/contracts/coverage", {"org_id": district.street1.pk}).status_code == 404
