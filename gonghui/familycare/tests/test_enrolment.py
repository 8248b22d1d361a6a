"""Summer-class enrolment: members only, age on the first day, first come first served, the waiting list moving
up on cancellation, one class per child per round, and the 70% attendance bar."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext

from gonghui.audit.models import AuditEvent
from gonghui.familycare.models import Attendance, Child, Enrolment, EnrolmentEvent, EnrolmentStatus, SummerClass
from gonghui.familycare.selectors import waiting_position, waiting_positions
from gonghui.familycare.services import attendance_record, class_create, class_update, enrol, enrolment_cancel
from gonghui.testing import snapshot

from .conftest import TODAY, child_born, make_class, past_class

MODELS = (SummerClass, Child, Enrolment, EnrolmentEvent, Attendance, AuditEvent)
ENROLLED, WAITING, CANCELLED = EnrolmentStatus.ENROLLED, EnrolmentStatus.WAITING, EnrolmentStatus.CANCELLED


def _enrol(user, summer_class, name="小明", age=8):
    return enrol(actor=user, summer_class=summer_class, child_name=name,
                 child_birth_date=child_born(age, summer_class.starts_on))


def test_first_come_first_served_then_waiting_list(parents):
    summer_class = make_class(parents, capacity=2)
    a, b, c, d = (_enrol(user, summer_class, name=f"孩子{i}") for i, user in enumerate(parents.parents))
    assert [e.status for e in (a, b, c, d)] == [ENROLLED, ENROLLED, WAITING, WAITING]
    assert [waiting_position(e) for e in (a, b, c, d)] == [None, None, 1, 2]
    assert waiting_positions([a, b, c, d]) == {c.pk: 1, d.pk: 2}  # the list form agrees, in one query
    assert a.year == summer_class.starts_on.year
    assert list(a.events.values_list("from_status", "to_status")) == [("", ENROLLED)]


def test_cancellation_moves_the_waiting_list_up_in_order(parents):
    summer_class = make_class(parents, capacity=1)
    a, b, c, d = (_enrol(user, summer_class, name=f"孩子{i}") for i, user in enumerate(parents.parents))
    # A waiting family leaving frees no place: nobody moves up, the queue closes ranks.
    assert enrolment_cancel(actor=parents.parents[2], enrolment=c) is None
    b.refresh_from_db(), d.refresh_from_db()
    assert (b.status, waiting_position(b), waiting_position(d)) == (WAITING, 1, 2)
    # The family with the place cancels: the first in the queue (b, not d) gets it.
    promoted = enrolment_cancel(actor=parents.parents[0], enrolment=a)
    assert promoted == b
    statuses = dict(Enrolment.objects.values_list("pk", "status"))
    assert statuses == {a.pk: CANCELLED, b.pk: ENROLLED, c.pk: CANCELLED, d.pk: WAITING}
    assert waiting_position(Enrolment.objects.get(pk=d.pk)) == 1
    assert list(b.events.values_list("from_status", "to_status")) == [("", WAITING), (WAITING, ENROLLED)]
    # A cadre of the class cancels b: d moves up.
    assert enrolment_cancel(actor=parents.street1_user, enrolment=b) == d


def test_cancelling_twice_or_someone_elses_is_refused(parents):
    summer_class = make_class(parents)
    a = _enrol(parents.parents[0], summer_class)
    before = snapshot(*MODELS)
    with pytest.raises(PermissionDenied):
        enrolment_cancel(actor=parents.parents[1], enrolment=a)
    with pytest.raises(PermissionDenied):
        enrolment_cancel(actor=parents.street2_user, enrolment=a)
    assert snapshot(*MODELS) == before
    enrolment_cancel(actor=parents.parents[0], enrolment=a)
    before = snapshot(*MODELS)
    with pytest.raises(ValidationError):
        enrolment_cancel(actor=parents.parents[0], enrolment=a)
    assert snapshot(*MODELS) == before


@pytest.mark.parametrize("age", [13, 5])
def test_child_out_of_the_age_range_is_refused(parents, age):
    summer_class = make_class(parents, min_age=6, max_age=12)
    before = snapshot(*MODELS)
    with pytest.raises(ValidationError) as exc:
        _enrol(parents.worker1_user, summer_class, age=age)
    assert list(exc.value.message_dict) == ["child_birth_date"]
    assert exc.value.message_dict["child_birth_date"] == [gettext(
        "On the first day of the class (%(day)s) the child will be %(age)d; this class takes children aged "
        "%(min)d to %(max)d.") % {"day": summer_class.starts_on.isoformat(), "age": age, "min": 6, "max": 12}]
    assert snapshot(*MODELS) == before


def test_age_bounds_are_inclusive(parents):
    summer_class = make_class(parents, capacity=5, min_age=6, max_age=12)
    assert _enrol(parents.parents[0], summer_class, age=12).status == ENROLLED
    assert _enrol(parents.parents[1], summer_class, age=6).status == ENROLLED


@pytest.mark.parametrize("who", ["nobody", "applicant_user", "street1_user"])
def test_non_members_are_refused(parents, who):
    summer_class = make_class(parents)
    before = snapshot(*MODELS)
    with pytest.raises(ValidationError) as exc:
        _enrol(getattr(parents, who), summer_class)
    assert exc.value.messages == [gettext(
        "Summer classes are for union members: you need an active membership to enrol.")]
    assert snapshot(*MODELS) == before


def test_bad_child_details_name_the_field(parents):
    summer_class = make_class(parents)
    before = snapshot(*MODELS)
    with pytest.raises(ValidationError) as exc:
        enrol(actor=parents.worker1_user, summer_class=summer_class, child_name=" ", child_birth_date="2015-01-01")
    assert set(exc.value.message_dict) == {"child_name", "child_birth_date"}
    with pytest.raises(ValidationError) as exc:
        enrol(actor=parents.worker1_user, summer_class=summer_class, child_name="小明",
              child_birth_date=TODAY + dt.timedelta(days=1))
    assert list(exc.value.message_dict) == ["child_birth_date"]
    assert snapshot(*MODELS) == before


def test_one_class_per_child_per_round(parents):
    first = make_class(parents, name="第一期")
    second = make_class(parents, name="第二期")
    _enrol(parents.worker1_user, first)
    before = snapshot(*MODELS)
    with pytest.raises(ValidationError) as exc:
        _enrol(parents.worker1_user, second)
    assert list(exc.value.message_dict) == ["child_name"]
    assert snapshot(*MODELS) == before
    assert _enrol(parents.worker1_user, second, name="小红").status == ENROLLED  # a sibling may go
    # The database itself refuses a second active enrolment of the same child in the round.
    existing = Enrolment.objects.filter(summer_class=first).get()
    with pytest.raises(IntegrityError), transaction.atomic():
        Enrolment.objects.create(summer_class=second, child=existing.child, worker=existing.worker,
                                 year=existing.year, status=WAITING)


def test_a_cancelled_child_may_enrol_again(parents):
    summer_class = make_class(parents)
    enrolment_cancel(actor=parents.worker1_user, enrolment=_enrol(parents.worker1_user, summer_class))
    assert _enrol(parents.worker1_user, summer_class).status == ENROLLED


def test_enrolment_closes_when_the_class_starts(parents):
    summer_class = make_class(parents, starts_on=TODAY, ends_on=TODAY)
    before = snapshot(*MODELS)
    with pytest.raises(ValidationError):
        _enrol(parents.worker1_user, summer_class)
    assert snapshot(*MODELS) == before


def _last_round(parents, present_days: int, days: int = 10):
    """worker1's child attended `present_days` of `days` recorded days in the previous round."""
    summer_class = make_class(parents)
    old = past_class(parents, year=summer_class.year - 1, days=days)
    child = Child.objects.create(worker=parents.worker1, name="小明", birth_date=dt.date(2016, 3, 1))
    enrolment = Enrolment.objects.create(summer_class=old, child=child, worker=parents.worker1, year=old.year,
                                         status=ENROLLED)
    for i in range(days):
        attendance_record(actor=parents.street1_user, summer_class=old, day=old.starts_on + dt.timedelta(days=i),
                          present_ids=[enrolment.pk] if i < present_days else [])
    return summer_class


def test_attendance_below_70_percent_bars_the_family_next_round(parents):
    summer_class = _last_round(parents, present_days=6)
    before = snapshot(*MODELS)
    with pytest.raises(ValidationError) as exc:
        _enrol(parents.worker1_user, summer_class, name="小红")  # the bar is on the family, not one child
    assert exc.value.messages == [gettext(
        "Your family attended less than 70%% of the days of %(class)s in %(year)d, so it cannot enrol in the "
        "next round.") % {"class": "往期暑托班", "year": summer_class.year - 1}]
    assert snapshot(*MODELS) == before
    assert _enrol(parents.parents[1], summer_class).status == ENROLLED  # another family is not affected


def test_attendance_of_exactly_70_percent_is_enough(parents):
    summer_class = _last_round(parents, present_days=7)
    assert _enrol(parents.worker1_user, summer_class).status == ENROLLED


def test_attendance_sheet_rules(parents):
    old = past_class(parents, year=TODAY.year - 1)
    child = Child.objects.create(worker=parents.worker1, name="小明", birth_date=dt.date(2016, 3, 1))
    enrolment = Enrolment.objects.create(summer_class=old, child=child, worker=parents.worker1, year=old.year,
                                         status=ENROLLED)
    before = snapshot(*MODELS)
    for day, ids in ((old.ends_on + dt.timedelta(days=1), []), (old.starts_on, [enrolment.pk + 99]),
                     ("yesterday", [])):
        with pytest.raises(ValidationError):
            attendance_record(actor=parents.street1_user, summer_class=old, day=day, present_ids=ids)
    with pytest.raises(PermissionDenied):
        attendance_record(actor=parents.street2_user, summer_class=old, day=old.starts_on, present_ids=[])
    assert snapshot(*MODELS) == before
    # Resending a day's sheet corrects it instead of adding rows.
    attendance_record(actor=parents.street1_user, summer_class=old, day=old.starts_on, present_ids=[enrolment.pk])
    attendance_record(actor=parents.street1_user, summer_class=old, day=old.starts_on, present_ids=[])
    assert list(Attendance.objects.values_list("day", "present")) == [(old.starts_on, False)]


@pytest.mark.parametrize(("field", "kwargs"), [
    ("capacity", {"capacity": 0}), ("max_age", {"min_age": 10, "max_age": 8}), ("min_age", {"min_age": -1}),
    ("name", {"name": ""}), ("ends_on", {"ends_on": TODAY - dt.timedelta(days=400)}),
])
def test_bad_class_input_is_refused(parents, field, kwargs):
    before = snapshot(*MODELS)
    with pytest.raises(ValidationError) as exc:
        make_class(parents, **kwargs)
    assert field in exc.value.message_dict
    assert snapshot(*MODELS) == before


def test_class_in_another_subtree_is_refused(parents):
    before = snapshot(*MODELS)
    with pytest.raises(ValidationError) as exc:
        class_create(actor=parents.street2_user, org=parents.street1, name="x", capacity=1, min_age=6, max_age=8,
                     starts_on=TODAY, ends_on=TODAY)
    assert list(exc.value.message_dict) == ["org"]
    assert snapshot(*MODELS) == before


def test_cancelling_at_the_end_does_not_lift_the_bar(parents):
    summer_class = _last_round(parents, present_days=3)
    Enrolment.objects.filter(year=summer_class.year - 1).update(status=CANCELLED)
    before = snapshot(*MODELS)
    with pytest.raises(ValidationError):
        _enrol(parents.worker1_user, summer_class)
    assert snapshot(*MODELS) == before


def test_more_places_move_the_waiting_list_up_in_order(parents):
    summer_class = make_class(parents, capacity=1)
    a, b, c, d = (_enrol(user, summer_class, name=f"孩子{i}") for i, user in enumerate(parents.parents))
    class_update(actor=parents.street1_user, summer_class=summer_class, capacity=3)
    statuses = dict(Enrolment.objects.values_list("pk", "status"))
    assert statuses == {a.pk: ENROLLED, b.pk: ENROLLED, c.pk: ENROLLED, d.pk: WAITING}
    assert waiting_position(Enrolment.objects.get(pk=d.pk)) == 1


def test_fewer_places_than_confirmed_is_refused(parents):
    summer_class = make_class(parents, capacity=2)
    for i, user in enumerate(parents.parents[:2]):
        _enrol(user, summer_class, name=f"孩子{i}")
    before = snapshot(*MODELS)
    for kwargs, field in (({"capacity": 1}, "capacity"), ({"capacity": -1}, "capacity"), ({"name": " "}, "name"),
                          ({"min_age": 3}, "min_age")):
        with pytest.raises(ValidationError) as exc:
            class_update(actor=parents.street1_user, summer_class=summer_class, **kwargs)
        assert list(exc.value.message_dict) == [field]
    with pytest.raises(PermissionDenied):
        class_update(actor=parents.street2_user, summer_class=summer_class, capacity=5)
    assert snapshot(*MODELS) == before
