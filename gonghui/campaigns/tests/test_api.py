"""/api/v1/campaigns through HTTP: open campaigns, applying once, my applications, privacy."""

import json

from django.utils.translation import gettext

from gonghui.audit.models import AuditEvent
from gonghui.campaigns.models import Application, ApplicationEvent
from gonghui.testing import snapshot

from .conftest import apply, make_campaign, member

MODELS = (Application, ApplicationEvent, AuditEvent)
PLAIN_ID, PLAIN_MOBILE, PLAIN_ACCOUNT = "110105199003071239", "13800001111", "6222021234567890123"


def _body(aid, **extra):
    return {"category_id": aid.high.pk, "child_name": "李小明", "child_age": 16, "school_level": "high_school",
            "income_per_head": "900", "bank_name": "工商银行", "bank_account": PLAIN_ACCOUNT,
            "evidence": ["录取通知书", "户口簿"]} | extra


def _post(client, aid, **extra):
    return client.post(f"/api/v1/campaigns/{aid.campaign.pk}/applications", json.dumps(_body(aid, **extra)),
                       content_type="application/json")


def test_anonymous_gets_401_and_nothing_changes(client, aid):
    before = snapshot(*MODELS)
    assert client.get("/api/v1/campaigns").status_code == 401
    assert client.get("/api/v1/campaigns/my-applications").status_code == 401
    assert _post(client, aid).status_code == 401
    assert snapshot(*MODELS) == before


def test_worker_lists_open_campaigns_applies_once_and_sees_only_own(client, aid):
    street2_campaign = make_campaign(aid, org=aid.street2, title="西街道助学")
    client.force_login(aid.worker1_user)
    listed = client.get("/api/v1/campaigns").json()
    assert [c["id"] for c in listed] == [aid.campaign.pk]  # not the street-2 campaign
    assert {c["name"] for c in listed[0]["categories"]} == {"高中", "大学·困难家庭"}
    response = _post(client, aid)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "submitted" and body["precheck_ok"] is True and body["paid"] is False
    assert body["bank_account_masked"] == "6222 **** **** 0123"
    before = snapshot(*MODELS)
    again = _post(client, aid, child_age=15)
    assert again.status_code == 422
    assert again.json()["errors"] == [{"field": "campaign",
                                       "message": gettext("You have already applied to this campaign.")}]
    assert snapshot(*MODELS) == before
    other_user = member(aid, 7, org=aid.union_b)
    apply(other_user, street2_campaign)
    mine = client.get("/api/v1/campaigns/my-applications")
    assert [a["id"] for a in mine.json()] == [body["id"]]
    for text in (PLAIN_ID, PLAIN_MOBILE, PLAIN_ACCOUNT):
        assert text not in mine.content.decode() and text not in response.content.decode()
    client.force_login(other_user)
    assert [a["campaign_id"] for a in client.get("/api/v1/campaigns/my-applications").json()] == [
        street2_campaign.pk]


def test_bad_input_answers_422_naming_the_field(client, aid):
    client.force_login(aid.worker1_user)
    before = snapshot(*MODELS)
    for extra, field in [({"income_per_head": "九百"}, "income_per_head"), ({"child_age": 40}, "child_age"),
                         ({"child_age": 22}, "child_age"), ({"child_age": "abc"}, "child_age"),
                         ({"category_id": 99999}, "category_id"), ({"bank_account": "abc"}, "bank_account")]:
        response = _post(client, aid, **extra)
        assert response.status_code == 422, (extra, response.content)
        assert field in [e["field"] for e in response.json()["errors"]], (extra, response.json())
    assert client.post("/api/v1/campaigns/99999/applications", json.dumps(_body(aid)),
                       content_type="application/json").status_code == 404
    assert snapshot(*MODELS) == before


def test_non_member_cannot_apply(client, aid):
    client.force_login(aid.nobody)
    assert client.get("/api/v1/campaigns").json() == []
    before = snapshot(*MODELS)
    response = _post(client, aid)
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "campaign"
    assert snapshot(*MODELS) == before
