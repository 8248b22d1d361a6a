"""/api/v1/plans: scoped list and detail, visits and stage moves through the services, 422 naming the field."""

import datetime as dt
import random

import pytest

from gonghui.accounts.models import ApiToken
from gonghui.accounts.services import api_token_issue
from gonghui.accounts.tests.test_api_token import ApiClient, api_as, field_errors
from gonghui.audit.models import AuditEvent
from gonghui.core.choices import Industry
from gonghui.core.privacy import mask_numbers
from gonghui.enterprises.models import Enterprise, Ownership
from gonghui.orgs.models import Org, OrgKind
from gonghui.outreach import services
from gonghui.outreach.models import EstablishmentPlan, PlanEvent, PlanVisit, Stage
from gonghui.testing import make_credit_code, snapshot

MODELS = (Org, Enterprise, EstablishmentPlan, PlanVisit, PlanEvent, AuditEvent)
TODAY = dt.date.today()  # noqa: DTZ011 - a calendar date


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["items"]]


def test_list_is_scoped(plans):
    d = plans
    assert api_as(None).get("/plans").status_code == 401
    assert ids(api_as("street1").get("/plans")) == [d.plan1.pk]
    assert ids(api_as("street2").get("/plans")) == [d.plan2.pk]
    assert sorted(ids(api_as("district").get("/plans"))) == sorted([d.plan1.pk, d.plan2.pk])
    for username in ("worker1", "nobody", "grassroots1", "sysadmin", "auditor"):
        assert ids(api_as(username).get("/plans")) == []
    body = api_as("street1").get("/plans").json()
    assert body["count"] == 1
    [row] = body["items"]
    assert row["enterprise"] == {"id": d.enterprise_none.pk, "name": "东街快送站",
                                 "credit_code": d.enterprise_none.credit_code, "industry": "G",
                                 "industry_label": d.enterprise_none.get_industry_display(), "headcount": 40}
    assert row["street"] == {"id": d.street1.pk, "name": "东街道总工会"}
    assert row["stage"] == "not_started" and row["commissioner_username"] == "street1"
    assert row["last_visit_on"] is None and row["next_step"] == "" and row["target_date"] is None


def test_list_filters_and_last_visit(plans):
    d = plans
    services.plan_visit_record(actor=d.street1_user, plan=d.plan1, visited_on=TODAY - dt.timedelta(days=9),
                               answer="considering")
    services.plan_visit_record(actor=d.street1_user, plan=d.plan1, visited_on=TODAY - dt.timedelta(days=2),
                               answer="considering")
    services.plan_update(actor=d.street2_user, plan=d.plan2, demonstration=True, next_step="再约老板",
                         target_date=TODAY)
    api = api_as("district")
    rows = {r["id"]: r for r in api.get("/plans").json()["items"]}
    assert rows[d.plan1.pk]["last_visit_on"] == (TODAY - dt.timedelta(days=2)).isoformat()
    assert rows[d.plan2.pk]["next_step"] == "再约老板" and rows[d.plan2.pk]["target_date"] == TODAY.isoformat()
    assert ids(api.get("/plans", {"stage": "visited"})) == [d.plan1.pk]
    assert ids(api.get("/plans", {"street_id": d.street2.pk})) == [d.plan2.pk]
    assert ids(api.get("/plans", {"demonstration": "true"})) == [d.plan2.pk]
    assert ids(api.get("/plans", {"commissioner_id": d.street1_user.pk})) == [d.plan1.pk]
    assert ids(api.get("/plans", {"mine": "true"})) == []  # the district user is nobody's commissioner
    assert ids(api_as("street1").get("/plans", {"mine": "true"})) == [d.plan1.pk]
    assert ids(api_as("street1").get("/plans", {"street_id": d.street2.pk})) == []  # another street: nothing
    assert "stage" in field_errors(api.get("/plans", {"stage": "bogus"}))
    assert "limit" in field_errors(api.get("/plans", {"limit": 0}))


def test_detail_and_404_out_of_scope(plans):
    d = plans
    services.plan_visit_record(actor=d.street1_user, plan=d.plan1, visited_on=TODAY, answer="considering",
                               commissioner=d.street1_user, concerns=["cost"],
                               notes="见了张经理，电话13812345678，身份证110105199003071239")
    street2 = api_as("street2")
    assert street2.get(f"/plans/{d.plan1.pk}").status_code == 404
    assert street2.get("/plans/999999").status_code == 404
    assert api_as("worker1").get(f"/plans/{d.plan1.pk}").status_code == 404
    assert api_as(None).get(f"/plans/{d.plan1.pk}").status_code == 401
    response = api_as("street1").get(f"/plans/{d.plan1.pk}")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["stage"] == "visited" and body["may_manage"] is True and body["union"] is None
    assert body["allowed_stages"] == ["preparing", "declined"] and body["last_visit_on"] == TODAY.isoformat()
    [visit] = body["visits"]
    assert visit["concerns"] == ["cost"] and visit["answer"] == "considering"
    assert visit["commissioner_username"] == "street1"
    # Names stay as the console shows them; numbers come out masked.
    assert visit["notes"] == "见了张经理，电话138****5678，身份证110105********1239"
    assert "13812345678" not in response.content.decode() and "199003071239" not in response.content.decode()
    [event] = body["events"]
    assert (event["from_stage"], event["to_stage"], event["actor_username"]) == ("not_started", "visited", "street1")
    assert api_as("district").get(f"/plans/{d.plan1.pk}").json()["may_manage"] is True


def test_mask_numbers_leaves_other_text():
    assert mask_numbers("") == ""
    assert mask_numbers("下周二 14:00 再去，约 30 人") == "下周二 14:00 再去，约 30 人"
    assert mask_numbers("电话 138-1234-5678") == "电话 138****5678"


def test_visit_recorded_and_audited(plans):
    d = plans
    api = api_as("street1")
    response = api.post(f"/plans/{d.plan1.pk}/visits", {
        "visited_on": TODAY.isoformat(), "answer": "considering", "concerns": ["cost", "no_visible_benefit"],
        "notes": "老板说再想想"})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["stage"] == "visited" and [v["notes"] for v in body["visits"]] == ["老板说再想想"]
    visit = PlanVisit.objects.get(plan=d.plan1)
    assert visit.commissioner == d.street1_user and visit.recorded_by == d.street1_user  # the plan's commissioner
    assert visit.concerns == ["cost", "no_visible_benefit"]
    audit = AuditEvent.objects.get(action="outreach.visit_record")
    assert audit.actor == d.street1_user and audit.detail == {"visit": visit.pk}
    # An explicit null records a visit by nobody in particular.
    response = api.post(f"/plans/{d.plan1.pk}/visits", {"visited_on": TODAY.isoformat(), "answer": "undecided",
                                                        "commissioner_id": None})
    assert response.status_code == 201, response.content
    assert PlanVisit.objects.filter(plan=d.plan1, commissioner__isnull=True).count() == 1


@pytest.mark.parametrize(("data", "field"), [
    ({"answer": "considering"}, "visited_on"),
    ({"visited_on": "next week", "answer": "considering"}, "visited_on"),
    ({"visited_on": (TODAY + dt.timedelta(days=1)).isoformat(), "answer": "considering"}, "visited_on"),
    ({"visited_on": TODAY.isoformat()}, "answer"),
    ({"visited_on": TODAY.isoformat(), "answer": "maybe"}, "answer"),
    ({"visited_on": TODAY.isoformat(), "answer": "agreed", "concerns": ["noise"]}, "concerns.0"),
    ({"visited_on": TODAY.isoformat(), "answer": "agreed", "notes": "x" * 4001}, "notes"),
    ({"visited_on": TODAY.isoformat(), "answer": "agreed", "commissioner_id": "street2"}, "commissioner_id"),
])
def test_bad_visit_is_named_and_changes_nothing(plans, data, field):
    api = api_as("street1")  # signing in writes an audit row
    before = snapshot(*MODELS)
    errors = field_errors(api.post(f"/plans/{plans.plan1.pk}/visits", data))
    assert field in errors and errors[field].strip()
    assert snapshot(*MODELS) == before


def test_commissioner_must_be_a_cadre_of_the_street(plans):
    d = plans
    api = api_as("street1")
    before = snapshot(*MODELS)
    for pk in (d.street2_user.pk, d.worker1_user.pk, 999999):
        errors = field_errors(api.post(f"/plans/{d.plan1.pk}/visits", {
            "visited_on": TODAY.isoformat(), "answer": "agreed", "commissioner_id": pk}))
        assert list(errors) == ["commissioner_id"]
    assert snapshot(*MODELS) == before
    response = api.post(f"/plans/{d.plan1.pk}/visits", {"visited_on": TODAY.isoformat(), "answer": "agreed",
                                                        "commissioner_id": d.grassroots1.pk})
    assert response.status_code == 201, response.content
    assert PlanVisit.objects.get(plan=d.plan1).commissioner == d.grassroots1


def test_writes_out_of_scope_are_refused(plans):
    d = plans
    clients = {name: api_as(name) for name in ("street2", "grassroots1", "worker1", "nobody")}
    anonymous = api_as(None)
    before = snapshot(*MODELS)
    visit = {"visited_on": TODAY.isoformat(), "answer": "agreed"}
    for client in clients.values():
        assert client.post(f"/plans/{d.plan1.pk}/visits", visit).status_code == 404
        assert client.post(f"/plans/{d.plan1.pk}/stage", {"to_stage": "visited"}).status_code == 404
    assert anonymous.post(f"/plans/{d.plan1.pk}/visits", visit).status_code == 401
    assert anonymous.post(f"/plans/{d.plan1.pk}/stage", {"to_stage": "visited"}).status_code == 401
    assert snapshot(*MODELS) == before


def test_stage_move_and_refusals(plans):
    d = plans
    api = api_as("street1")
    url = f"/plans/{d.plan1.pk}/stage"
    response = api.post(url, {"to_stage": "visited", "note": "见了老板"})
    assert response.status_code == 200, response.content
    assert response.json()["stage"] == "visited"
    assert [(e["to_stage"], e["note"]) for e in response.json()["events"]] == [("visited", "见了老板")]
    assert AuditEvent.objects.filter(action="outreach.plan_move", actor=d.street1_user).count() == 1
    before = snapshot(*MODELS)
    assert "to_stage" in field_errors(api.post(url, {"to_stage": "established", "chair_name": "王芳",
                                                     "founded_on": TODAY.isoformat()}))
    assert "to_stage" in field_errors(api.post(url, {"to_stage": "not_started"}))
    assert "to_stage" in field_errors(api.post(url, {"to_stage": "bogus"}))
    assert "to_stage" in field_errors(api.post(url, {}))
    assert "reason" in field_errors(api.post(url, {"to_stage": "declined", "reason": "  "}))
    assert "founded_on" in field_errors(api.post(url, {"to_stage": "preparing", "founded_on": "soon"}))
    assert snapshot(*MODELS) == before
    response = api.post(url, {"to_stage": "declined", "reason": "老板不同意"})
    assert response.status_code == 200, response.content
    assert response.json()["declined_reason"] == "老板不同意"
    assert response.json()["allowed_stages"] == ["not_started", "visited"]


def test_established_founds_the_union(plans):
    d = plans
    api = api_as("street1")
    url = f"/plans/{d.plan1.pk}/stage"
    for stage in ("visited", "preparing"):
        assert api.post(url, {"to_stage": stage}).status_code == 200
    before = snapshot(*MODELS)
    errors = field_errors(api.post(url, {"to_stage": "established"}))
    assert {"chair_name", "founded_on"} <= set(errors)
    errors = field_errors(api.post(url, {"to_stage": "established", "chair_name": "王芳",
                                         "founded_on": (TODAY + dt.timedelta(days=2)).isoformat()}))
    assert list(errors) == ["founded_on"]
    assert snapshot(*MODELS) == before
    response = api.post(url, {"to_stage": "established", "chair_name": "王芳", "founded_on": TODAY.isoformat()})
    assert response.status_code == 200, response.content
    body = response.json()
    union = Enterprise.objects.get(pk=d.enterprise_none.pk).union
    assert union.kind == OrgKind.GRASSROOTS and union.parent == d.street1 and union.chair_name == "王芳"
    assert body["stage"] == "established" and body["union"] == {"id": union.pk, "name": "东街快送站工会"}
    assert body["allowed_stages"] == []


def test_grassroots_cadre_sees_the_plan_of_its_covered_enterprise(plans):
    d = plans
    own = EstablishmentPlan.objects.create(enterprise=d.enterprise_a, stage=Stage.ESTABLISHED)
    other = EstablishmentPlan.objects.create(enterprise=d.enterprise_b, stage=Stage.ESTABLISHED)
    api = api_as("grassroots1")
    assert ids(api.get("/plans")) == [own.pk]
    body = api.get(f"/plans/{own.pk}").json()
    assert body["union"] == {"id": d.union_a.pk, "name": d.union_a.name} and body["may_manage"] is True
    assert api.get(f"/plans/{other.pk}").status_code == 404
    before = snapshot(*MODELS)
    assert "to_stage" in field_errors(api.post(f"/plans/{own.pk}/stage", {"to_stage": "declined", "reason": "x"}))
    assert snapshot(*MODELS) == before


def test_token_auth(plans):
    d = plans
    token = api_token_issue(user=d.street1_user)
    assert ApiToken.objects.filter(user=d.street1_user).count() == 1
    assert ids(ApiClient(token).get("/plans")) == [d.plan1.pk]
    assert ApiClient("not-a-token").get("/plans").status_code == 401
    ApiToken.objects.filter(user=d.street1_user).update(expires_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    assert ApiClient(token).get("/plans").status_code == 401
    d.street2_user.is_active = False
    d.street2_user.save(update_fields=["is_active"])
    assert ApiClient(api_token_issue(user=d.street2_user)).get("/plans").status_code == 401


def test_session_auth_for_console_pages(plans, client):
    client.force_login(plans.street1_user)
    response = client.get("/api/v1/plans")
    assert response.status_code == 200 and [r["id"] for r in response.json()["items"]] == [plans.plan1.pk]


def test_list_query_count_does_not_grow_with_plans(plans, django_assert_max_num_queries):
    d = plans
    api = api_as("district")
    with django_assert_max_num_queries(6) as few:
        assert len(ids(api.get("/plans"))) == 2
    for i in range(6):
        enterprise = Enterprise.objects.create(
            credit_code=make_credit_code(random.Random(100 + i)), name=f"东街小店{i}", industry=Industry.G,
            ownership=Ownership.PRIVATE, headcount=5, street=d.street1)
        plan = EstablishmentPlan.objects.create(enterprise=enterprise, commissioner=d.street1_user)
        services.plan_visit_record(actor=d.street1_user, plan=plan, visited_on=TODAY, answer="undecided")
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(ids(api.get("/plans"))) == 8


def test_openapi_lists_the_plan_endpoints(db, client):
    schema = client.get("/api/v1/openapi.json").json()
    assert {"/api/v1/plans", "/api/v1/plans/{plan_id}", "/api/v1/plans/{plan_id}/visits",
            "/api/v1/plans/{plan_id}/stage"} <= set(schema["paths"])
    detail = schema["components"]["schemas"]["PlanDetailOut"]["properties"]
    assert {"visits", "events", "allowed_stages", "last_visit_on", "may_manage"} <= set(detail)
    enterprise = schema["components"]["schemas"]["PlanEnterpriseOut"]["properties"]
    assert set(enterprise) == {"id", "name", "credit_code", "industry", "industry_label", "headcount"}
