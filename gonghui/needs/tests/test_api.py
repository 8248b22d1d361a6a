"""/api/v1/needs through HTTP: scoped lists, recording a need, the figures, errors naming the field."""

import pytest

from gonghui.accounts.services import api_token_issue
from gonghui.audit.models import AuditEvent
from gonghui.needs.models import Need, NeedEvent
from gonghui.testing import snapshot

from .conftest import make_need, make_project

pytestmark = pytest.mark.django_db
GOOD = {"title": "骑手充电安全培训", "source": "questionnaire", "category": "employment", "headcount": 30,
        "worker_group": "delivery_rider"}


def test_lists_are_scoped(client, lists):
    make_need(lists, org=lists.union_b, title="西街需求")
    make_project(lists, org=lists.street2, title="西街项目")
    make_project(lists, title="东街项目")
    client.force_login(lists.street1_user)
    needs = client.get("/api/v1/needs").json()["items"]
    assert [n["title"] for n in needs] == ["骑手午间歇脚点"]
    assert client.get("/api/v1/needs", {"org_id": lists.street2.pk}).json()["items"] == []
    resources = client.get("/api/v1/needs/resources").json()["items"]
    assert {r["name"] for r in resources} == {"东街道职工之家", "区总工会关爱基金"}
    assert {r["contact_phone_masked"] for r in resources} == {"138****5678"}
    assert "contact_phone" not in resources[0]
    projects = client.get("/api/v1/needs/projects").json()["items"]
    assert [p["title"] for p in projects] == ["东街项目"]
    assert client.get(f"/api/v1/needs/{lists.need.pk}").json()["title"] == "骑手午间歇脚点"
    theirs = Need.objects.get(title="西街需求")
    assert client.get(f"/api/v1/needs/{theirs.pk}").status_code == 404
    client.force_login(lists.district)
    assert len(client.get("/api/v1/needs").json()["items"]) == 2
    assert [n["title"] for n in client.get("/api/v1/needs", {"category": "rest", "org_id": lists.street2.pk}).json()[
        "items"]] == ["西街需求"]


def test_create_a_need(client, lists):
    client.force_login(lists.street1_user)
    response = client.post("/api/v1/needs", {**GOOD, "org_id": lists.joint1.pk}, content_type="application/json")
    assert response.status_code == 201
    body = response.json()
    need = Need.objects.get(pk=body["id"])
    assert body["status"] == "open" and need.org == lists.joint1 and need.created_by == lists.street1_user


@pytest.mark.parametrize(("payload", "field", "status"), [
    ({"headcount": 0}, "headcount", 422),
    ({"headcount": "many"}, "headcount", 422),
    ({"category": "magic"}, "category", 422),
    ({"source": "appeal"}, "source", 422),
    ({"title": ""}, "title", 422),
])
def test_bad_input_names_the_field_and_changes_nothing(client, lists, payload, field, status):
    client.force_login(lists.street1_user)
    before = snapshot(Need, NeedEvent, AuditEvent)
    response = client.post("/api/v1/needs", {**GOOD, "org_id": lists.joint1.pk, **payload},
                           content_type="application/json")
    assert response.status_code == status
    assert [e["field"] for e in response.json()["errors"]] == [field]
    assert snapshot(Need, NeedEvent, AuditEvent) == before


def test_a_union_outside_the_scope_is_refused(client, lists):
    client.force_login(lists.street1_user)
    before = snapshot(Need, NeedEvent, AuditEvent)
    response = client.post("/api/v1/needs", {**GOOD, "org_id": lists.union_b.pk}, content_type="application/json")
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "org_id"
    assert snapshot(Need, NeedEvent, AuditEvent) == before
    client.force_login(lists.worker1_user)
    response = client.post("/api/v1/needs", {**GOOD, "org_id": lists.joint1.pk}, content_type="application/json")
    assert response.status_code == 403 and snapshot(Need, NeedEvent, AuditEvent) == before


def test_report(client, lists):
    secret = api_token_issue(user=lists.district)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    body = client.get("/api/v1/needs/report", **auth).json()
    assert body["org_id"] == lists.root.pk and body["total"]["total"] == 1 and body["total"]["open"] == 1
    assert body["total"]["share_answered_percent"] == 0.0
    street1 = next(r for r in body["children"] if r["org_id"] == lists.street1.pk)
    assert street1["total"] == 1
    response = client.get("/api/v1/needs/report", {"created_from": "2026-06-30", "created_to": "2026-06-01"}, **auth)
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "created_to"
    response = client.get("/api/v1/needs/report", {"category": "magic"}, **auth)
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "category"
    client.force_login(lists.street2_user)
    assert client.get("/api/v1/needs/report", {"org_id": lists.street1.pk}).status_code == 404
    assert client.get("/api/v1/needs/report").json()["org_id"] == lists.street2.pk
    assert client.get("/api/v1/needs").status_code == 200
    client.logout()
    assert client.get("/api/v1/needs").status_code == 401
