"""/api/v1/membership-applications: apply, the approval queue, approve, reject, withdraw, transfer."""

import pytest
from django.conf import settings
from django.db import IntegrityError, transaction

from gonghui.accounts.tests.test_api_token import api_as, field_errors
from gonghui.audit.models import AuditEvent
from gonghui.members.models import Membership, MembershipEvent, MembershipStatus, Worker
from gonghui.members.services import card_verify
from gonghui.testing import make_resident_id, make_worker, snapshot

WRITES = (Worker, Membership, MembershipEvent, AuditEvent)
NEW_ID = "11010519950214018X"  # valid, with the check character X


def rider_application(district, **extra):
    return {"name": "陈骑手", "resident_id": NEW_ID, "employment_form": "delivery_rider",
            "org_id": district.joint1.pk, "street_id": district.street1.pk, **extra}


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["items"]]


def test_join_approve_card_transfer_approve_journey(district):
    applicant, street1, street2 = api_as("nobody"), api_as("street1"), api_as("street2")

    # 1. A rider with no employer union asks where to go, then applies to the street's joint union.
    suggested = applicant.get("/unions/suggest", {"employment_form": "delivery_rider",
                                                  "street_id": district.street1.pk}).json()
    assert suggested[0]["id"] == district.joint1.pk
    response = applicant.post("/membership-applications", rider_application(district, org_id=suggested[0]["id"]))
    assert response.status_code == 201, response.content
    application = response.json()
    assert application["status"] == "pending" and application["is_transfer"] is False
    assert application["worker_id_masked"] == "110105********018X"
    assert NEW_ID not in response.content.decode()
    assert applicant.get("/me/card").status_code == 404

    # 2. Only the receiving street sees it in the queue; the other street cannot act on it.
    assert ids(street1.get("/membership-applications")) == [application["id"]]
    assert ids(street2.get("/membership-applications")) == []
    before = snapshot(*WRITES)
    assert street2.post(f"/membership-applications/{application['id']}/approve").status_code == 404
    assert applicant.post(f"/membership-applications/{application['id']}/approve").status_code == 404
    assert snapshot(*WRITES) == before

    # 3. Approved: a card with a signed token that the verify page accepts.
    response = street1.post(f"/membership-applications/{application['id']}/approve")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "active"
    card = applicant.get("/me/card").json()
    assert card["union_name"] == district.joint1.name and card["name_masked"] == "陈*手"
    first = card_verify(card["token"], max_age=settings.CARD_TOKEN_MAX_AGE)
    assert first is not None and first.pk == application["id"] and first.card_no == card["card_no"]

    # 4. The rider takes a job in street2 and asks to transfer: the same application endpoint.
    response = applicant.post("/membership-applications", rider_application(
        district, org_id=district.union_b.pk, street_id=district.street2.pk, employment_form="regular",
        employer_credit_code=district.enterprise_b.credit_code))
    assert response.status_code == 201, response.content
    transfer = response.json()
    assert transfer["is_transfer"] is True and transfer["transfer_from_org_name"] == district.joint1.name
    assert ids(street2.get("/membership-applications")) == [transfer["id"]]
    assert ids(street1.get("/membership-applications")) == []
    assert applicant.get("/me/card").json()["card_no"] == card["card_no"]  # still a member meanwhile

    # 5. street2 approves: one active membership, same card number, the old card no longer verifies.
    assert street2.post(f"/membership-applications/{transfer['id']}/approve").status_code == 200
    worker = Worker.objects.get(user=district.nobody)
    assert list(worker.memberships.values_list("status", flat=True).order_by("pk")) == ["transferred", "active"]
    assert worker.org == district.union_b and worker.employer == district.enterprise_b
    new_card = applicant.get("/me/card").json()
    assert new_card["card_no"] == card["card_no"] and new_card["union_name"] == district.union_b.name
    assert card_verify(card["token"], max_age=settings.CARD_TOKEN_MAX_AGE) is None
    assert card_verify(new_card["token"], max_age=settings.CARD_TOKEN_MAX_AGE).pk == transfer["id"]
    # The worker now belongs to street2's subtree: street1 no longer sees them.
    assert worker.pk not in ids(street1.get("/members"))
    assert worker.pk in ids(street2.get("/members"))
    mine = applicant.get("/membership-applications").json()["items"]
    assert [m["status"] for m in mine] == ["active", "transferred"]


def test_apply_matrix(district):
    client = api_as(None)
    before = snapshot(*WRITES)
    assert client.post("/membership-applications", rider_application(district)).status_code == 401
    assert snapshot(*WRITES) == before


def test_apply_validation_names_each_field(district):
    client = api_as("nobody")
    before = snapshot(*WRITES)
    errors = field_errors(client.post("/membership-applications", {
        "name": "", "resident_id": "110105199502140021", "employment_form": "astronaut", "org_id": "x",
        "employer_credit_code": "123", "mobile": "12345"}))
    assert set(errors) == {"name", "resident_id", "employment_form", "org_id", "employer_credit_code", "mobile"}
    assert set(field_errors(client.post("/membership-applications", {}))) == {
        "name", "resident_id", "employment_form", "org_id"}
    assert "resident_id" in field_errors(client.post("/membership-applications", rider_application(
        district, resident_id="110105199513400027")))  # month 13
    errors = field_errors(client.post("/membership-applications", rider_application(
        district, org_id=999999, street_id=district.union_a.pk)))
    assert set(errors) == {"org_id", "street_id"}
    # the street federation does not take members directly: the service's rule, on the API's field
    assert set(field_errors(client.post("/membership-applications", rider_application(
        district, org_id=district.street1.pk)))) == {"org_id"}
    assert snapshot(*WRITES) == before


def test_second_pending_application_and_rejoining_the_same_union(district):
    client = api_as("nobody")
    assert client.post("/membership-applications", rider_application(district)).status_code == 201
    before = snapshot(*WRITES)
    assert set(field_errors(client.post("/membership-applications", rider_application(
        district, org_id=district.union_a.pk)))) == {"org_id"}
    assert snapshot(*WRITES) == before
    worker1 = api_as("worker1")
    before = snapshot(*WRITES)
    assert set(field_errors(worker1.post("/membership-applications", {
        "name": "李四", "resident_id": "110105199003071239", "employment_form": "regular",
        "org_id": district.union_a.pk}))) == {"org_id"}
    assert snapshot(*WRITES) == before


def test_someone_elses_resident_id_is_refused(district):
    client = api_as("nobody")
    before = snapshot(*WRITES)
    errors = field_errors(client.post("/membership-applications", rider_application(
        district, resident_id="110105199003071239")))  # worker1's number, linked to worker1's account
    assert set(errors) == {"resident_id"}
    assert snapshot(*WRITES) == before


def test_queue_and_own_list(district):
    pending = make_worker(name="孙待批", org=district.union_a, active=False, mobile="13500005555")
    pending_b = make_worker(name="周待批", org=district.union_b, active=False, mobile="13500006666")
    pa = Membership.objects.get(worker=pending).pk
    pb = Membership.objects.get(worker=pending_b).pk
    assert api_as(None).get("/membership-applications").status_code == 401
    assert ids(api_as("street1").get("/membership-applications")) == [pa]
    assert ids(api_as("grassroots1").get("/membership-applications")) == [pa]
    assert ids(api_as("street2").get("/membership-applications")) == [pb]
    assert ids(api_as("district").get("/membership-applications")) == [pa, pb]
    assert ids(api_as("nobody").get("/membership-applications")) == []
    assert ids(api_as("auditor").get("/membership-applications")) == []
    own = ids(api_as("worker1").get("/membership-applications"))
    assert own == list(Membership.objects.filter(worker=district.worker1).values_list("pk", flat=True))
    assert ids(api_as("street1").get("/membership-applications", {"mine": True})) == []
    row = api_as("street1").get("/membership-applications").json()["items"][0]
    assert row["worker_name"] == "孙待批" and row["worker_mobile_masked"] == "135****5555"


# --- approve / reject / withdraw ----------------------------------------------------------------

@pytest.fixture
def pending(district):
    worker = make_worker(name="孙待批", org=district.union_a, active=False, mobile="13500005555",
                         user=district.nobody)
    return Membership.objects.get(worker=worker)


@pytest.mark.parametrize("action", ["approve", "reject"])
@pytest.mark.parametrize("username,status", [(None, 401), ("nobody", 404), ("worker1", 404), ("street2", 404),
                                             ("auditor", 404)])
def test_decisions_refused(district, pending, action, username, status):
    client = api_as(username)
    before = snapshot(*WRITES)
    response = client.post(f"/membership-applications/{pending.pk}/{action}", {"reason": "材料不全"})
    assert response.status_code == status
    assert snapshot(*WRITES) == before


def test_approve_by_grassroots_cadre(district, pending):
    response = api_as("grassroots1").post(f"/membership-applications/{pending.pk}/approve")
    assert response.status_code == 200
    pending.refresh_from_db()
    assert pending.status == MembershipStatus.ACTIVE and pending.card_no and pending.decided_by == district.grassroots1
    client = api_as("grassroots1")
    before = snapshot(*WRITES)
    assert set(field_errors(client.post(f"/membership-applications/{pending.pk}/approve"))) == {"status"}
    assert snapshot(*WRITES) == before


def test_reject_needs_a_reason(district, pending):
    client = api_as("street1")
    before = snapshot(*WRITES)
    assert set(field_errors(client.post(f"/membership-applications/{pending.pk}/reject", {}))) == {"reason"}
    assert set(field_errors(client.post(f"/membership-applications/{pending.pk}/reject", {"reason": " "}))) == {
        "reason"}
    assert snapshot(*WRITES) == before
    response = client.post(f"/membership-applications/{pending.pk}/reject", {"reason": "不在本单位工作"})
    assert response.status_code == 200
    assert response.json()["status"] == "rejected" and response.json()["note"] == "不在本单位工作"
    mine = api_as("nobody").get("/membership-applications").json()["items"]
    assert (mine[0]["status"], mine[0]["note"]) == ("rejected", "不在本单位工作")


def test_withdraw(district, pending):
    for username, status in ((None, 401), ("worker1", 404), ("street2", 404), ("street1", 403)):
        client = api_as(username)
        before = snapshot(*WRITES)
        assert client.post(f"/membership-applications/{pending.pk}/withdraw").status_code == status, username
        assert snapshot(*WRITES) == before
    response = api_as("nobody").post(f"/membership-applications/{pending.pk}/withdraw")
    assert response.status_code == 200 and response.json()["status"] == "withdrawn"
    client = api_as("nobody")
    before = snapshot(*WRITES)
    assert set(field_errors(client.post(f"/membership-applications/{pending.pk}/withdraw"))) == {"status"}
    assert snapshot(*WRITES) == before


def test_missing_application_is_404(district):
    assert api_as("district").post("/membership-applications/999999/approve").status_code == 404


# --- one person, one membership -----------------------------------------------------------------

def test_database_refuses_a_second_active_membership(district):
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(worker=district.worker1, org=district.joint1, status=MembershipStatus.ACTIVE)
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.bulk_create([
            Membership(worker=district.worker_b, org=district.joint1, status=MembershipStatus.PENDING),
            Membership(worker=district.worker_b, org=district.union_a, status=MembershipStatus.PENDING),
        ])


def test_approving_a_second_active_membership_is_422_and_changes_nothing(district):
    # A stray pending row that is not a transfer (e.g. typed in by hand): approval must not create a second card.
    stray = Membership.objects.create(worker=district.worker1, org=district.joint1, status=MembershipStatus.PENDING)
    client = api_as("street1")
    before = snapshot(*WRITES)
    assert set(field_errors(client.post(f"/membership-applications/{stray.pk}/approve"))) == {"status"}
    assert snapshot(*WRITES) == before
    assert Membership.objects.filter(worker=district.worker1, status=MembershipStatus.ACTIVE).count() == 1


def test_application_answers_are_masked(district):
    client = api_as("nobody")
    number = make_resident_id()
    response = client.post("/membership-applications", rider_application(district, resident_id=number,
                                                                          mobile="13912345678"))
    assert response.status_code == 201
    for r in (response, client.get("/membership-applications"), api_as("street1").get("/membership-applications")):
        body = r.content.decode()
        assert number not in body and "13912345678" not in body
