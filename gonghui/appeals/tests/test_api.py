"""/api/v1/appeals: filing from the platform and the app, scoped reads, masked reporters."""

from gonghui.accounts.tests.test_api_token import api_as, field_errors
from gonghui.appeals.models import Appeal, AppealEvent
from gonghui.testing import snapshot

from .conftest import file_for

BODY = {"appeal_type": "complaint", "category": "platform_rules", "description": "平台随意扣款"}


def test_anonymous_callers_get_401(district, at):
    appeal = file_for(district)
    assert api_as(None).post("/appeals", BODY).status_code == 401
    assert api_as(None).get(f"/appeals/{appeal.pk}").status_code == 401
    assert api_as(None).get("/appeals/mine").status_code == 401


def test_the_platform_files_for_a_caller_and_retries_safely(district, at):
    client = api_as("district")
    body = {**BODY, "mobile": "13512345678", "contact_name": "孙七", "client_key": "12351-0001"}
    response = client.post("/appeals", body)
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["channel"] == "api" and data["reporter"] == "孙*" and data["mobile_masked"] == "135****5678"
    assert data["accept_state"] in ("on_track", "at_risk", "breached")
    again = client.post("/appeals", body)
    assert again.status_code == 200 and again.json()["id"] == data["id"] and Appeal.objects.count() == 1


def test_bad_input_is_422_naming_the_field_and_files_nothing(district, at):
    before = snapshot(Appeal, AppealEvent)
    client = api_as("worker1")
    assert "category" in field_errors(client.post("/appeals", {**BODY, "category": "aliens"}))
    assert "appeal_type" in field_errors(client.post("/appeals", {**BODY, "appeal_type": "gossip"}))
    assert "description" in field_errors(client.post("/appeals", {**BODY, "description": "  "}))
    assert "description" in field_errors(client.post("/appeals", {"appeal_type": "help", "category": "other"}))
    assert snapshot(Appeal, AppealEvent) == before


def test_a_worker_files_for_themselves_and_lists_their_own(district, at):
    client = api_as("worker1")
    response = client.post("/appeals", {**BODY, "do_not_share": True, "mobile": "13999999999"})
    assert response.status_code == 201
    appeal = Appeal.objects.get()
    assert appeal.user == district.worker1_user and appeal.org == district.street1 and appeal.channel == "portal"
    assert appeal.mobile_masked == "138****1111"  # their own verified mobile, not one typed in
    mine = client.get("/appeals/mine").json()
    assert [row["id"] for row in mine["items"]] == [appeal.pk]
    assert api_as("nobody").get("/appeals/mine").json()["items"] == []


def test_reads_are_scoped(district, at):
    hidden = file_for(district, do_not_share=True)
    for user, status in (("street1", 200), ("district", 200), ("worker1", 200), ("street2", 404),
                         ("grassroots1", 404), ("nobody", 404), ("auditor", 404)):
        assert api_as(user).get(f"/appeals/{hidden.pk}").status_code == status, user


def test_an_anonymous_reporter_never_appears_in_json(district, at):
    appeal = file_for(district, anonymous=True)
    body = api_as("district").get(f"/appeals/{appeal.pk}").content.decode()
    for secret in ("13800001111", "138****1111", "李四", "李*"):
        assert secret not in body
    assert api_as("district").get(f"/appeals/{appeal.pk}").json()["mobile_masked"] == ""


def test_the_queue_is_scoped_and_filters_name_the_field(district, at):
    hidden = file_for(district, do_not_share=True)
    shared = file_for(district, category="social_insurance")

    def listed(user, **params):
        response = api_as(user).get("/appeals", params)
        assert response.status_code == 200, response.content
        return {row["id"] for row in response.json()["items"]}

    assert listed("street1") == {hidden.pk, shared.pk} and listed("district") == {hidden.pk, shared.pk}
    assert listed("grassroots1") == {shared.pk}
    assert listed("street2") == set() and listed("nobody") == set() and listed("auditor") == set()
    # The queue is the cadres' (their subtrees only); a worker's own requests are /appeals/mine.
    assert listed("worker1") == set()
    mine = api_as("worker1").get("/appeals/mine")
    assert mine.status_code == 200
    rows = mine.json()["items"] if isinstance(mine.json(), dict) else mine.json()
    assert {row["id"] for row in rows} == {hidden.pk, shared.pk}
    assert listed("street1", category="social_insurance") == {shared.pk}
    assert "category" in field_errors(api_as("street1").get("/appeals", {"category": "aliens"}))
    assert "queue" in field_errors(api_as("street1").get("/appeals", {"queue": "everything"}))
    assert api_as(None).get("/appeals").status_code == 401
