"""/api/v1/members: scoped, always masked; the full resident ID only through the audited reveal."""

import pytest

from gonghui.accounts.tests.test_api_token import api_as, field_errors
from gonghui.audit.models import AuditEvent
from gonghui.core.choices import EmploymentForm
from gonghui.members.models import Membership, Worker
from gonghui.testing import make_worker, snapshot

WORKER1_ID = "110105199003071239"  # gonghui.testing.District
PLAIN_NUMBERS = (WORKER1_ID, "13800001111", "13700002222")
USERS = ("district", "street1", "street2", "grassroots1", "worker1", "nobody", "sysadmin", "auditor")


def ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["items"]}


def assert_masked(response):
    body = response.content.decode()
    for number in PLAIN_NUMBERS:
        assert number not in body, (number, body)


def test_list_matrix(district):
    assert api_as(None).get("/members").status_code == 401
    assert api_as("nobody").get("/members").json() == {"items": [], "count": 0}
    assert api_as("auditor").get("/members").json()["count"] == 0
    assert ids(api_as("street1").get("/members")) == {district.worker1.pk}
    assert ids(api_as("grassroots1").get("/members")) == {district.worker1.pk}
    assert ids(api_as("street2").get("/members")) == {district.worker_b.pk}
    assert ids(api_as("district").get("/members")) == {district.worker1.pk, district.worker_b.pk}
    assert ids(api_as("worker1").get("/members")) == {district.worker1.pk}  # only their own record


def test_street1_never_lists_street2_workers(district):
    for i in range(3):
        make_worker(name=f"西{i}号", org=district.union_b, mobile=f"1370000{i:04d}")
    rows = api_as("street1").get("/members", {"limit": 200}).json()["items"]
    assert {r["id"] for r in rows} == {district.worker1.pk}


def test_list_filters(district):
    rider = make_worker(name="赵骑手", org=district.joint1, form=EmploymentForm.DELIVERY_RIDER, mobile="13600003333")
    client = api_as("street1")
    assert ids(client.get("/members", {"q": "李"})) == {district.worker1.pk}
    assert ids(client.get("/members", {"q": "13600003333"})) == {rider.pk}
    assert ids(client.get("/members", {"employment_form": "delivery_rider"})) == {rider.pk}
    assert ids(client.get("/members", {"org_id": district.union_a.pk})) == {district.worker1.pk}
    assert ids(client.get("/members", {"org_id": district.street1.pk})) == {district.worker1.pk, rider.pk}
    assert ids(client.get("/members", {"org_id": district.union_b.pk})) == set()  # a filter never widens scope
    assert ids(client.get("/members", {"org_id": 999999})) == set()
    assert set(field_errors(client.get("/members", {"employment_form": "astronaut"}))) == {"employment_form"}


def test_rows_are_masked(district):
    response = api_as("street1").get("/members", {"q": "13800001111"})
    row = response.json()["items"][0]
    assert row["id_masked"] == "110105********1239"
    assert row["mobile_masked"] == "138****1111"
    assert row["name"] == "李四" and row["org_name"] == "东方机械厂工会" and row["employer_name"] == "东方机械厂"
    assert "birth_date" not in row and "mobile" not in row and "id_cipher" not in row


@pytest.mark.parametrize("username", USERS)
def test_no_answer_carries_a_plain_number_without_the_reveal_right(district, username):
    client = api_as(username)
    for worker in (district.worker1, district.worker_b):
        assert_masked(client.get(f"/members/{worker.pk}"))
    assert_masked(client.get("/members", {"limit": 200}))
    assert_masked(client.get("/members", {"q": "13800001111"}))
    assert_masked(client.get("/membership-applications", {"limit": 200}))
    assert_masked(client.get("/membership-applications", {"mine": True}))
    assert_masked(client.get("/me/card"))


def test_detail_matrix(district):
    url = f"/members/{district.worker1.pk}"
    assert api_as(None).get(url).status_code == 401
    for username in ("street1", "grassroots1", "district", "worker1"):
        assert api_as(username).get(url).status_code == 200, username
    forbidden = [api_as(u).get(url) for u in ("nobody", "street2", "auditor", "sysadmin")]
    forbidden.append(api_as("worker1").get(f"/members/{district.worker_b.pk}"))
    missing = api_as("street1").get("/members/999999")
    assert {r.status_code for r in forbidden} == {404}
    assert {r.content for r in forbidden} == {missing.content}


def test_detail_lists_the_memberships(district):
    body = api_as("street1").get(f"/members/{district.worker1.pk}").json()
    assert [(m["org_name"], m["status"]) for m in body["memberships"]] == [("东方机械厂工会", "active")]
    assert body["memberships"][0]["card_no"].startswith("GH")


# --- reveal -------------------------------------------------------------------------------------

def test_reveal_with_the_right_and_a_reason_is_audited(district):
    response = api_as("street1").post(f"/members/{district.worker1.pk}/reveal", {"reason": "核对跨会转移"})
    assert response.status_code == 200
    assert response.json() == {"resident_id": WORKER1_ID}
    assert response["Cache-Control"] == "no-store"
    event = AuditEvent.objects.get(action="worker.reveal_id")
    assert (event.actor_name, event.target_id, event.reason) == ("street1", str(district.worker1.pk), "核对跨会转移")
    assert WORKER1_ID not in repr(event.__dict__)
    assert api_as("district").post(f"/members/{district.worker_b.pk}/reveal", {"reason": "信访核查"}).status_code == 200


@pytest.mark.parametrize("username,status", [
    (None, 401),
    ("nobody", 404),
    ("auditor", 404),
    ("street2", 404),  # another subtree
    ("grassroots1", 403),  # sees the worker, has no reveal right
    ("worker1", 403),  # their own record: seen in full on their own pages, not through the cadre reveal
])
def test_reveal_refused(district, username, status):
    client = api_as(username)
    before = snapshot(AuditEvent, Worker)
    response = client.post(f"/members/{district.worker1.pk}/reveal", {"reason": "想看看"})
    assert response.status_code == status
    assert_masked(response)
    assert snapshot(AuditEvent, Worker) == before


def test_a_worker_cannot_reveal_someone_else(district):
    client = api_as("worker1")
    before = snapshot(AuditEvent)
    assert client.post(f"/members/{district.worker_b.pk}/reveal", {"reason": "好奇"}).status_code == 404
    assert snapshot(AuditEvent) == before


def test_reveal_needs_a_reason(district):
    client = api_as("street1")
    before = snapshot(AuditEvent)
    assert set(field_errors(client.post(f"/members/{district.worker1.pk}/reveal", {}))) == {"reason"}
    response = client.post(f"/members/{district.worker1.pk}/reveal", {"reason": " "})
    assert set(field_errors(response)) == {"reason"}
    assert_masked(response)
    assert snapshot(AuditEvent) == before


def test_list_query_budget(district, django_assert_max_num_queries):
    for i in range(30):
        make_worker(name=f"东{i}号", org=district.union_a, mobile=f"1360000{i:04d}", employer=district.enterprise_a)
    client = api_as("street1")
    with django_assert_max_num_queries(4):  # token, grants, count, page (org and employer joined)
        assert client.get("/members", {"limit": 100}).json()["count"] == 31


def test_membership_rows_are_not_touched_by_reads(district):
    before = snapshot(Membership, Worker)
    for username in USERS:
        api_as(username).get("/members")
    assert snapshot(Membership, Worker) == before
