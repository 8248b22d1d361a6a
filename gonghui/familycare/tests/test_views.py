"""Portal and console pages through HTTP: permission matrix, enrol / waiting list / cancel, attendance sheet,
nursing rooms (public list, console CRUD), bad input changing nothing."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.translation import gettext

from gonghui.audit.models import AuditEvent
from gonghui.familycare.models import Attendance, Child, Enrolment, EnrolmentEvent, NursingRoom, SummerClass
from gonghui.familycare.services import enrol, room_create
from gonghui.testing import snapshot

from .conftest import TODAY, child_born, make_class, past_class

MODELS = (SummerClass, Child, Enrolment, EnrolmentEvent, Attendance, NursingRoom, AuditEvent)


@pytest.fixture
def room(district):
    return room_create(actor=district.district, org=district.union_a, name="东方机械厂爱心妈咪小屋",
                       address="厂区办公楼二层", area_m2="12.5", lockable=True, changing_table=True, sink=True,
                       fridge=True, opening_hours="8:00-18:00")


def _console_pages(summer_class, room):
    return [
        ("get", reverse("familycare:class", args=[summer_class.pk]), None),
        ("get", reverse("familycare:attendance", args=[summer_class.pk]), None),
        ("get", reverse("familycare:class_edit", args=[summer_class.pk]), None),
        ("post", reverse("familycare:class_edit", args=[summer_class.pk]), {"name": "x", "capacity": 9}),
        ("post", reverse("familycare:attendance", args=[summer_class.pk]), {"day": TODAY.isoformat()}),
        ("get", reverse("familycare:room_edit", args=[room.pk]), None),
        ("post", reverse("familycare:room_edit", args=[room.pk]), {"name": "x", "address": "y", "area_m2": "9"}),
        ("post", reverse("familycare:room_delete", args=[room.pk]), {}),
    ]


def test_console_anonymous_and_no_role(client, parents, room):
    summer_class = make_class(parents)
    pages = [*_console_pages(summer_class, room), ("get", reverse("familycare:classes"), None),
             ("get", reverse("familycare:rooms"), None), ("get", reverse("familycare:class_create"), None),
             ("get", reverse("familycare:room_create"), None)]
    before = snapshot(*MODELS)
    for method, url, data in pages:
        response = getattr(client, method)(url, data)
        assert response.status_code == 302 and "/login" in response["Location"], url
    for user in (parents.nobody, parents.worker1_user, parents.auditor):
        client.force_login(user)
        for method, url, data in pages:
            assert getattr(client, method)(url, data).status_code == 403, (user, url)
    assert snapshot(*MODELS) == before


def test_console_other_subtree_gets_404(client, parents, room):
    summer_class = make_class(parents)
    enrolment = enrol(actor=parents.worker1_user, summer_class=summer_class, child_name="小明",
                      child_birth_date=child_born(8, summer_class.starts_on))
    client.force_login(parents.street2_user)
    before = snapshot(*MODELS)
    for method, url, data in [*_console_pages(summer_class, room),
                              ("post", reverse("familycare:cancel", args=[enrolment.pk]), {})]:
        assert getattr(client, method)(url, data).status_code == 404, url
    assert snapshot(*MODELS) == before
    assert client.get(reverse("familycare:classes")).context["page_obj"].paginator.count == 0
    assert client.get(reverse("familycare:rooms")).context["page_obj"].paginator.count == 0


def test_console_class_create_and_detail(client, parents):
    client.force_login(parents.street1_user)
    starts = TODAY + dt.timedelta(days=20)
    data = {"org": parents.street1.pk, "name": "东街道暑托班", "capacity": 1, "min_age": 6, "max_age": 12,
            "starts_on": starts.isoformat(), "ends_on": starts.isoformat()}
    before = snapshot(*MODELS)
    response = client.post(reverse("familycare:class_create"), {**data, "min_age": 13})
    assert response.status_code == 200 and "max_age" in response.context["form"].errors
    response = client.post(reverse("familycare:class_create"), {**data, "capacity": -1})
    assert response.status_code == 200 and "capacity" in response.context["form"].errors
    assert snapshot(*MODELS) == before
    response = client.post(reverse("familycare:class_create"), data)
    summer_class = SummerClass.objects.get()
    assert response.status_code == 302 and summer_class.year == starts.year
    for i, user in enumerate(parents.parents[:2]):
        enrol(actor=user, summer_class=summer_class, child_name=f"孩子{i}", child_birth_date=child_born(8, starts))
    response = client.get(reverse("familycare:class", args=[summer_class.pk]))
    assert [e.child.name for e, _rate in response.context["enrolled"]] == ["孩子0"]
    assert [e.child.name for e in response.context["waiting"]] == ["孩子1"]
    html = response.content.decode()
    assert "13800001111" not in html and "138****1111" in html  # the parent's mobile is masked
    before = snapshot(*MODELS)
    response = client.post(reverse("familycare:class_edit", args=[summer_class.pk]), {"name": "x", "capacity": 0})
    assert response.status_code == 200 and "capacity" in response.context["form"].errors
    assert snapshot(*MODELS) == before
    # The cadre cancels the place: the waiting child moves up.
    first = Enrolment.objects.get(child__name="孩子0")
    assert client.post(reverse("familycare:cancel", args=[first.pk])).status_code == 302
    assert Enrolment.objects.get(child__name="孩子1").status == "enrolled"
    response = client.post(reverse("familycare:class_edit", args=[summer_class.pk]),
                           {"name": "东街道暑托班（二期）", "capacity": 2, "sessions": "上午"})
    summer_class.refresh_from_db()
    assert response.status_code == 302 and (summer_class.name, summer_class.capacity) == ("东街道暑托班（二期）", 2)


def test_attendance_sheet_through_the_page(client, parents):
    old = past_class(parents, year=TODAY.year - 1)
    child = Child.objects.create(worker=parents.worker1, name="小明", birth_date=dt.date(2016, 3, 1))
    a = Enrolment.objects.create(summer_class=old, child=child, worker=parents.worker1, year=old.year,
                                 status="enrolled")
    client.force_login(parents.grassroots1)
    assert client.get(reverse("familycare:attendance", args=[old.pk])).status_code == 404  # class of street1
    client.force_login(parents.street1_user)
    url = reverse("familycare:attendance", args=[old.pk])
    response = client.get(url)
    assert response.status_code == 200 and response.context["form"]["present"].value() == [str(a.pk)]
    before = snapshot(*MODELS)
    response = client.post(url, {"day": (old.ends_on + dt.timedelta(days=1)).isoformat(), "present": [str(a.pk)]})
    assert response.status_code == 200 and "day" in response.context["form"].errors
    assert snapshot(*MODELS) == before
    assert client.post(url, {"day": old.starts_on.isoformat()}).status_code == 302
    assert list(Attendance.objects.values_list("enrolment_id", "day", "present")) == [(a.pk, old.starts_on, False)]
    response = client.get(url, {"day": old.starts_on.isoformat()})
    assert response.context["form"]["present"].value() == []


def test_portal_summer_pages_need_sign_in(client, parents):
    summer_class = make_class(parents)
    for url in (reverse("familycare_portal:classes"), reverse("familycare_portal:enrol", args=[summer_class.pk])):
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response["Location"]
    before = snapshot(*MODELS)
    response = client.post(reverse("familycare_portal:enrol", args=[summer_class.pk]), {"child_name": "小明"})
    assert response.status_code == 302 and snapshot(*MODELS) == before


def test_portal_enrol_wait_and_cancel(client, parents):
    summer_class = make_class(parents, capacity=1)
    birth = child_born(8, summer_class.starts_on).isoformat()
    url = reverse("familycare_portal:enrol", args=[summer_class.pk])
    other = Client()
    other.force_login(parents.parents[1])
    assert other.post(url, {"child_name": "孩子甲", "child_birth_date": birth}).status_code == 302
    client.force_login(parents.worker1_user)
    assert client.post(url, {"child_name": "小明", "child_birth_date": birth}).status_code == 302
    response = client.get(reverse("familycare_portal:classes"))
    [(mine, position)] = response.context["mine"]
    assert mine.status == "waiting" and position == 1
    assert "孩子甲" not in response.content.decode()  # other families' children are not shown
    # Another parent cannot cancel worker1's enrolment; the first family cancels theirs and worker1 moves up.
    client.force_login(parents.parents[2])
    before = snapshot(*MODELS)
    assert client.post(reverse("familycare_portal:cancel", args=[mine.pk])).status_code == 404
    assert snapshot(*MODELS) == before
    theirs = Enrolment.objects.get(child__name="孩子甲")
    assert other.post(reverse("familycare_portal:cancel", args=[theirs.pk])).status_code == 302
    client.force_login(parents.worker1_user)
    [(mine, position)] = client.get(reverse("familycare_portal:classes")).context["mine"]
    assert mine.status == "enrolled" and position is None


def test_portal_bad_input_changes_nothing(client, parents):
    summer_class = make_class(parents, max_age=12)
    url = reverse("familycare_portal:enrol", args=[summer_class.pk])
    before = snapshot(*MODELS)
    client.force_login(parents.worker1_user)
    response = client.post(url, {"child_name": "小明", "child_birth_date": child_born(13, summer_class.starts_on)})
    assert response.status_code == 200 and "child_birth_date" in response.context["form"].errors
    response = client.post(url, {"child_name": "小明", "child_birth_date": "31/02/2015"})
    assert response.status_code == 200 and "child_birth_date" in response.context["form"].errors
    client.force_login(parents.nobody)
    response = client.post(url, {"child_name": "小明", "child_birth_date": child_born(8, summer_class.starts_on)})
    assert response.status_code == 200 and response.context["form"].non_field_errors() == [gettext(
        "Summer classes are for union members: you need an active membership to enrol.")]
    assert snapshot(*MODELS) == before


def test_public_room_list_needs_no_sign_in(client, district, room):
    room_create(actor=district.district, org=district.union_b, name="西城商贸母婴室", address="一层", area_m2="8",
                lockable=True, changing_table=True, sink=False, fridge=True)
    response = client.get(reverse("familycare_portal:rooms"))
    assert response.status_code == 200
    rooms = list(response.context["rooms"])
    assert [(r.name, r.below_standard) for r in rooms] == [("东方机械厂爱心妈咪小屋", False), ("西城商贸母婴室", True)]


def test_room_standard_items(district, room):
    assert room.shortfalls == []
    room.area_m2, room.fridge = 9, False
    assert len(room.shortfalls) == 2 and room.below_standard


def test_console_room_crud(client, district, room):
    client.force_login(district.grassroots1)
    data = {"org": district.union_a.pk, "name": "二号小屋", "address": "车间一层", "area_m2": "10",
            "lockable": "on", "changing_table": "on", "sink": "on"}
    before = snapshot(*MODELS)
    for bad, field in (({"area_m2": "-3"}, "area_m2"), ({"latitude": "39.9"}, "longitude"),
                       ({"org": district.union_b.pk}, "org"), ({"name": ""}, "name")):
        response = client.post(reverse("familycare:room_create"), {**data, **bad})
        assert response.status_code == 200 and field in response.context["form"].errors, bad
    assert snapshot(*MODELS) == before
    assert client.post(reverse("familycare:room_create"), data).status_code == 302
    new = NursingRoom.objects.get(name="二号小屋")
    assert new.below_standard and not new.fridge
    assert client.post(reverse("familycare:room_edit", args=[new.pk]), {**data, "fridge": "on"}).status_code == 302
    new.refresh_from_db()
    assert not new.below_standard
    assert client.post(reverse("familycare:room_delete", args=[new.pk])).status_code == 302
    assert not NursingRoom.objects.filter(pk=new.pk).exists()


def _queries(client, url) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_console_query_counts_do_not_grow_with_rows(client, parents, room):
    summer_class = make_class(parents, capacity=1)
    client.force_login(parents.district)
    urls = (reverse("familycare:classes"), reverse("familycare:rooms"),
            reverse("familycare:class", args=[summer_class.pk]))
    enrol(actor=parents.parents[0], summer_class=summer_class, child_name="孩子0",
          child_birth_date=child_born(8, summer_class.starts_on))
    few = [_queries(client, url) for url in urls]
    for i, user in enumerate(parents.parents[1:], start=1):
        enrol(actor=user, summer_class=summer_class, child_name=f"孩子{i}",
              child_birth_date=child_born(8, summer_class.starts_on))
        make_class(parents, name=f"班{i}")
        room_create(actor=parents.district, org=parents.union_a, name=f"小屋{i}", address="一层", area_m2="11")
    assert [_queries(client, url) for url in urls] == few


def test_console_room_filter_matches_the_standard_rule(client, district, room):
    for i, missing in enumerate(("lockable", "changing_table", "sink", "fridge", "area_m2")):
        data = {"lockable": True, "changing_table": True, "sink": True, "fridge": True, "area_m2": "10"}
        data[missing] = "9.9" if missing == "area_m2" else False
        room_create(actor=district.district, org=district.union_a, name=f"小屋{i}", address="一层", **data)
    client.force_login(district.grassroots1)
    url = reverse("familycare:rooms")
    below = list(client.get(url, {"below_standard": "yes"}).context["page_obj"])
    meets = list(client.get(url, {"below_standard": "no"}).context["page_obj"])
    assert len(below) == 5 and all(r.below_standard for r in below)
    assert meets == [room] and not room.below_standard
    assert client.get(url).context["page_obj"].paginator.count == 6
