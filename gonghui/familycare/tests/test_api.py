"""/api/v1/familycare: open classes, own enrolments, enrol / wait / cancel, public rooms, 422 on bad input."""

from gonghui.accounts.tests.test_api_token import api_as, field_errors
from gonghui.familycare.models import Child, Enrolment, EnrolmentEvent
from gonghui.familycare.services import room_create
from gonghui.testing import snapshot

from .conftest import child_born, make_class

MODELS = (Child, Enrolment, EnrolmentEvent)


def test_enrol_wait_cancel_through_the_api(parents):
    summer_class = make_class(parents, capacity=1)
    birth = child_born(8, summer_class.starts_on).isoformat()
    url = f"/familycare/summer-classes/{summer_class.pk}/enrolments"
    first, worker1 = api_as("parent0"), api_as("worker1")
    assert [c["id"] for c in worker1.get("/familycare/summer-classes").json()] == [summer_class.pk]
    response = first.post(url, {"child_name": "孩子甲", "child_birth_date": birth})
    assert response.status_code == 201 and response.json()["status"] == "enrolled"
    response = worker1.post(url, {"child_name": "小明", "child_birth_date": birth})
    assert response.status_code == 201
    mine = response.json()
    assert (mine["status"], mine["waiting_position"]) == ("waiting", 1)
    assert [e["child_name"] for e in worker1.get("/familycare/summer-enrolments").json()] == ["小明"]
    theirs = Enrolment.objects.get(child__name="孩子甲")
    before = snapshot(*MODELS)
    assert worker1.post(f"/familycare/summer-enrolments/{theirs.pk}/cancel").status_code == 404
    assert snapshot(*MODELS) == before
    assert first.post(f"/familycare/summer-enrolments/{theirs.pk}/cancel").json()["status"] == "cancelled"
    [mine] = worker1.get("/familycare/summer-enrolments").json()
    assert (mine["status"], mine["waiting_position"]) == ("enrolled", None)


def test_bad_input_and_non_members_answer_422(parents):
    summer_class = make_class(parents, max_age=12)
    url = f"/familycare/summer-classes/{summer_class.pk}/enrolments"
    worker1, nobody, anonymous = api_as("worker1"), api_as("nobody"), api_as(None)
    before = snapshot(*MODELS)
    too_old = child_born(13, summer_class.starts_on).isoformat()
    assert list(field_errors(worker1.post(url, {"child_name": "小明", "child_birth_date": too_old}))) == [
        "child_birth_date"]
    assert "child_birth_date" in field_errors(worker1.post(url, {"child_name": "小明", "child_birth_date": "x"}))
    ok = child_born(8, summer_class.starts_on).isoformat()
    assert field_errors(nobody.post(url, {"child_name": "小明", "child_birth_date": ok}))
    assert anonymous.post(url, {"child_name": "小明", "child_birth_date": ok}).status_code == 401
    assert worker1.post("/familycare/summer-classes/999999/enrolments",
                        {"child_name": "小明", "child_birth_date": ok}).status_code == 404
    assert snapshot(*MODELS) == before


def test_rooms_are_public(district):
    room_create(actor=district.district, org=district.union_a, name="小屋", address="二层", area_m2="9.5",
                lockable=True, changing_table=True, sink=True, fridge=True)
    response = api_as(None).get("/familycare/nursing-rooms")
    assert response.status_code == 200
    [room] = response.json()
    assert room["below_standard"] is True and len(room["shortfalls"]) == 1
