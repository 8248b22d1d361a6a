"""Routing, the transition table, deadlines on the working calendar, supervision and escalation."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from gonghui.accounts.sms import MemorySmsBackend
from gonghui.appeals.deadlines import DeadlineState
from gonghui.appeals.models import (
    Action,
    Appeal,
    AppealEvent,
    AppealType,
    Category,
    Channel,
    Difficulty,
    Pause,
    Rating,
    ReturnVisit,
    Status,
    SupervisionOrder,
)
from gonghui.appeals.policy import TIME_LIMITS
from gonghui.appeals.selectors import Queue, appeal_list, states
from gonghui.appeals.services import (
    appeal_act,
    appeal_file,
    appeal_merge,
    appeal_rate,
    appeal_reopen,
    appeal_transfer,
    return_visit_record,
)
from gonghui.appeals.supervision import appeals_escalate, supervision_issue
from gonghui.appeals.tasks import escalate_breaches
from gonghui.notifications.models import Notification
from gonghui.testing import make_worker, snapshot
from gonghui.workcalendar.calendar import add_working_time, working_time_between

from .conftest import file_for, sh

ALL = (Appeal, AppealEvent, Pause, ReturnVisit, SupervisionOrder)


# --- routing -----------------------------------------------------------------------------------------

def test_a_member_request_goes_to_their_union(district, at):
    appeal = file_for(district)
    assert appeal.org == district.union_a
    assert appeal.worker == district.worker1 and appeal.user == district.worker1_user


def test_do_not_share_goes_to_the_street_above_the_workplace_union(district, at):
    appeal = file_for(district, do_not_share=True)
    assert appeal.org == district.street1


def test_a_non_member_goes_to_the_employers_street(district, at):
    w = make_worker(name="赵六", org=None, mobile="13600003333", employer=district.enterprise_b)
    appeal = appeal_file(actor=district.street2_user, channel=Channel.HOTLINE, worker=w,
                         appeal_type=AppealType.HELP, category=Category.OTHER, description="求助")
    assert appeal.org == district.street2


def test_a_station_request_goes_to_the_station(district, at):
    appeal = file_for(district, channel=Channel.STATION, station=district.joint1, actor=district.street1_user)
    assert appeal.org == district.joint1


def test_a_caller_nobody_knows_goes_to_the_district(district, at):
    appeal = appeal_file(actor=district.district, channel=Channel.HOTLINE, mobile="13512345678",
                         appeal_type=AppealType.CONSULTATION, category=Category.OTHER, description="咨询")
    assert appeal.org == district.root


# --- bad input ---------------------------------------------------------------------------------------

@pytest.mark.parametrize(("field", "changes"), [
    ("description", {"description": "   "}),
    ("category", {"category": "aliens"}),
    ("appeal_type", {"appeal_type": "gossip"}),
    ("difficulty", {"difficulty": "impossible"}),
    ("mobile", {"mobile": "12345"}),
])
def test_bad_input_names_the_field_and_files_nothing(district, at, field, changes):
    before = snapshot(*ALL)
    with pytest.raises(ValidationError) as exc:
        file_for(district, **changes)
    assert field in exc.value.message_dict
    assert snapshot(*ALL) == before


def test_an_anonymous_request_needs_a_mobile(district, at):
    with pytest.raises(ValidationError) as exc:
        appeal_file(actor=district.district, channel=Channel.HOTLINE, anonymous=True, appeal_type="complaint",
                    category="other", description="匿名投诉")
    assert "mobile" in exc.value.message_dict
    assert not Appeal.objects.exists()


def test_anonymous_mobile_is_stored_encrypted(district, at):
    appeal = file_for(district, anonymous=True)
    assert appeal.worker is None and appeal.anonymous
    assert "13800001111" not in appeal.mobile_cipher and appeal.mobile_hash
    assert appeal.mobile_for_cadre() == "" and "1111" not in appeal.reporter_for_cadre()


# --- transitions ---------------------------------------------------------------------------------------

def test_the_whole_flow_leaves_one_event_per_step(district, at, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        appeal = file_for(district)
        cadre = district.grassroots1
        for action in (Action.ACCEPT, Action.START, Action.WAIT, Action.RESUME):
            appeal = appeal_act(actor=cadre, appeal=appeal, action=action, note=action)
        appeal = appeal_act(actor=cadre, appeal=appeal, action=Action.ANSWER, answer="已协调企业补发")
        appeal = appeal_rate(user=district.worker1_user, appeal=appeal, rating=Rating.SATISFIED)
        appeal = appeal_act(actor=cadre, appeal=appeal, action=Action.CLOSE)
    assert appeal.status == Status.CLOSED and appeal.closed_at == at.now
    events = list(appeal.events.values_list("action", "from_status", "to_status"))
    assert events == [
        ("file", "", "submitted"), ("accept", "submitted", "accepted"), ("start", "accepted", "in_progress"),
        ("wait", "in_progress", "waiting_for_worker"), ("resume", "waiting_for_worker", "in_progress"),
        ("answer", "in_progress", "answered"), ("rate", "answered", "rated"), ("close", "rated", "closed"),
    ]
    assert appeal.handler == district.grassroots1
    titles = list(Notification.objects.filter(user=district.worker1_user).values_list("title", flat=True))
    assert len(titles) == 2  # accepted, answered
    assert any(m == "13800001111" for m, _text in MemorySmsBackend.outbox)


@pytest.mark.parametrize(("setup", "action"), [
    ((), Action.CLOSE),
    ((), Action.START),
    ((), Action.RESUME),
    ((Action.ACCEPT,), Action.ACCEPT),
    ((Action.ACCEPT,), Action.WAIT),
    ((Action.ACCEPT, Action.START, Action.WAIT), Action.ANSWER),
    ((Action.ACCEPT, Action.ANSWER), Action.START),
])
def test_a_refused_transition_changes_nothing(district, at, setup, action):
    appeal = file_for(district)
    for step in setup:
        appeal = appeal_act(actor=district.grassroots1, appeal=appeal, action=step, answer="答复")
    before = snapshot(*ALL)
    with pytest.raises(ValidationError) as exc:
        appeal_act(actor=district.grassroots1, appeal=appeal, action=action, answer="答复")
    assert "action" in exc.value.message_dict
    assert snapshot(*ALL) == before


def test_an_empty_answer_is_refused(district, at):
    appeal = appeal_act(actor=district.grassroots1, appeal=file_for(district), action=Action.ACCEPT)
    before = snapshot(*ALL)
    with pytest.raises(ValidationError) as exc:
        appeal_act(actor=district.grassroots1, appeal=appeal, action=Action.ANSWER, answer=" ")
    assert "answer" in exc.value.message_dict
    assert snapshot(*ALL) == before


def test_a_cadre_of_another_street_cannot_act(district, at):
    appeal = file_for(district)
    before = snapshot(*ALL)
    with pytest.raises(PermissionDenied):
        appeal_act(actor=district.street2_user, appeal=appeal, action=Action.ACCEPT)
    with pytest.raises(PermissionDenied):
        appeal_rate(user=district.worker_b.user or district.nobody, appeal=appeal, rating=Rating.SATISFIED)
    assert snapshot(*ALL) == before


def test_dissatisfied_opens_a_return_visit_and_the_worker_may_reopen(district, at):
    cadre = district.grassroots1
    appeal = appeal_act(actor=cadre, appeal=file_for(district), action=Action.ACCEPT)
    appeal = appeal_act(actor=cadre, appeal=appeal, action=Action.ANSWER, answer="请申请仲裁")
    at.set(2025, 11, 4, 10, 0)
    appeal = appeal_rate(user=district.worker1_user, appeal=appeal, rating=Rating.DISSATISFIED, comment="没解决")
    visit = appeal.return_visits.get()
    return_visit_record(actor=cadre, visit=visit, outcome="职工仍不满意，要求重办")
    appeal = appeal_reopen(user=district.worker1_user, appeal=appeal, note="工资还没发")
    assert appeal.status == Status.IN_PROGRESS and appeal.reopen_count == 1
    # the answer clock starts again with the full budget from the reopening
    assert appeal.answer_due == add_working_time(at.now, TIME_LIMITS[("consultation", "general")][1])


def test_a_satisfied_request_cannot_be_reopened(district, at):
    cadre = district.grassroots1
    appeal = appeal_act(actor=cadre, appeal=file_for(district), action=Action.ACCEPT)
    appeal = appeal_act(actor=cadre, appeal=appeal, action=Action.ANSWER, answer="已解决")
    appeal = appeal_rate(user=district.worker1_user, appeal=appeal, rating=Rating.SATISFIED)
    before = snapshot(*ALL)
    with pytest.raises(ValidationError):
        appeal_reopen(user=district.worker1_user, appeal=appeal)
    assert snapshot(*ALL) == before


def test_transfer_needs_a_reason_and_respects_do_not_share(district, at):
    appeal = file_for(district, do_not_share=True)
    before = snapshot(*ALL)
    with pytest.raises(ValidationError) as exc:
        appeal_transfer(actor=district.street1_user, appeal=appeal, to_org=district.joint1, reason="")
    assert "reason" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        appeal_transfer(actor=district.street1_user, appeal=appeal, to_org=district.union_a, reason="应由企业工会办")
    assert "to_org" in exc.value.message_dict
    assert snapshot(*ALL) == before
    appeal = appeal_transfer(actor=district.street1_user, appeal=appeal, to_org=district.union_b, reason="属西街")
    assert appeal.org == district.union_b
    assert appeal.events.last().action == Action.TRANSFER and appeal.events.last().note == "属西街"


def test_merge_closes_the_duplicate_pointing_to_the_kept_one(district, at):
    keep, dup = file_for(district), file_for(district, description="同一件事")
    dup = appeal_merge(actor=district.grassroots1, duplicate=dup, keep=keep)
    assert dup.status == Status.CLOSED and dup.merged_into == keep
    before = snapshot(*ALL)
    with pytest.raises(ValidationError):
        appeal_merge(actor=district.grassroots1, duplicate=keep, keep=keep)
    assert snapshot(*ALL) == before


def test_the_same_client_key_files_once(district, at):
    a = file_for(district, channel=Channel.API, actor=district.district, client_key="k-1")
    b = file_for(district, channel=Channel.API, actor=district.district, client_key="k-1")
    assert a.pk == b.pk and Appeal.objects.count() == 1


# --- deadlines on the working calendar ---------------------------------------------------------------

def test_filed_the_afternoon_before_national_day_the_deadlines_fall_after_the_holiday(district, at):
    at.set(2025, 9, 30, 15, 0)
    appeal = file_for(district)
    # 2.5 h left on 30 Sep, 1–8 Oct are holidays: the remaining 4.5 h run on Thursday 9 Oct.
    assert appeal.accept_due == sh(2025, 10, 9, 15, 0)
    # 3 working days = 21 h: 2.5 (30 Sep) + 7 (9 Oct) + 7 (10 Oct) + 4.5 on Saturday 11 Oct, a make-up working day.
    assert appeal.answer_due == sh(2025, 10, 11, 15, 0)


def test_a_make_up_working_sunday_counts_as_working_time(district, at):
    at.set(2025, 9, 28, 9, 0)  # Sunday, a 调休 working day before National Day
    appeal = file_for(district, difficulty=Difficulty.URGENT)
    assert appeal.accept_due == sh(2025, 9, 28, 11, 0)
    at.set(2025, 9, 21, 9, 0)  # an ordinary Sunday: the clock starts on Monday morning
    assert file_for(district, difficulty=Difficulty.URGENT).accept_due == sh(2025, 9, 22, 11, 0)


def test_pause_and_resume_moves_the_deadline_by_the_paused_working_time(district, at):
    cadre = district.grassroots1
    appeal = file_for(district)
    before_due = appeal.answer_due
    assert before_due == sh(2025, 11, 5, 17, 30)
    appeal = appeal_act(actor=cadre, appeal=appeal, action=Action.ACCEPT)
    appeal = appeal_act(actor=cadre, appeal=appeal, action=Action.START)
    at.set(2025, 11, 3, 10, 0)
    appeal = appeal_act(actor=cadre, appeal=appeal, action=Action.WAIT)
    at.set(2025, 11, 4, 10, 0)
    appeal = appeal_act(actor=cadre, appeal=appeal, action=Action.RESUME)
    paused = working_time_between(sh(2025, 11, 3, 10, 0), sh(2025, 11, 4, 10, 0))
    assert paused == dt.timedelta(hours=7)  # 2 + 4 on Monday, 1 on Tuesday
    assert appeal.answer_due == add_working_time(before_due, paused) == sh(2025, 11, 6, 17, 30)
    assert appeal.paused_since is None and appeal.pauses.get().ended_at == at.now


def test_deadline_states_and_queues_agree(district, at):
    appeal = file_for(district)  # Monday 09:00; acceptance due 17:30, at risk from 15:45
    assert appeal.accept_due == sh(2025, 11, 3, 17, 30) and appeal.accept_warn_at == sh(2025, 11, 3, 15, 45)
    cadre = district.grassroots1

    def queue(name, now):
        return list(appeal_list(user=cadre, queue=name, now=now).values_list("pk", flat=True))

    now = sh(2025, 11, 3, 10, 0)
    assert states(appeal, now)["accept"] == DeadlineState.ON_TRACK
    assert queue(Queue.AT_RISK, now) == [] and queue(Queue.BREACHED, now) == []
    now = sh(2025, 11, 3, 16, 0)
    assert states(appeal, now)["accept"] == DeadlineState.AT_RISK
    assert queue(Queue.AT_RISK, now) == [appeal.pk]
    now = sh(2025, 11, 4, 9, 30)
    assert states(appeal, now)["accept"] == DeadlineState.BREACHED
    assert queue(Queue.BREACHED, now) == [appeal.pk] and queue(Queue.AT_RISK, now) == []
    at.set(2025, 11, 3, 11, 0)
    appeal = appeal_act(actor=cadre, appeal=appeal, action=Action.ACCEPT)
    assert states(appeal, now)["accept"] == DeadlineState.MET
    assert states(appeal, now)["answer"] == DeadlineState.ON_TRACK
    assert queue(Queue.MINE, now) == [appeal.pk] and queue(Queue.UNION, now) == [appeal.pk]


def test_a_paused_clock_does_not_breach(district, at):
    cadre = district.grassroots1
    appeal = file_for(district)
    for step in (Action.ACCEPT, Action.START, Action.WAIT):
        appeal = appeal_act(actor=cadre, appeal=appeal, action=step)
    later = sh(2025, 12, 1, 9, 0)
    assert states(appeal, later)["answer"] == DeadlineState.ON_TRACK
    assert appeal_list(user=cadre, queue=Queue.BREACHED, now=later).count() == 0


# --- supervision and escalation ----------------------------------------------------------------------

def test_a_breach_opens_one_supervision_order_and_notifies_the_level_above(
        district, at, django_capture_on_commit_callbacks):
    appeal = file_for(district)
    with django_capture_on_commit_callbacks(execute=True):
        assert appeals_escalate(now=sh(2025, 11, 3, 17, 0)) == 0  # not yet missed
        assert appeals_escalate(now=sh(2025, 11, 4, 10, 0)) == 1
        assert appeals_escalate(now=sh(2025, 11, 4, 10, 5)) == 0
        assert appeals_escalate(now=sh(2025, 11, 5, 10, 0)) == 0
    order = SupervisionOrder.objects.get()
    assert order.appeal == appeal and order.breach == "accept" and order.issued_by_org == district.street1
    assert Notification.objects.filter(user=district.street1_user).count() == 1
    assert appeal.events.filter(action=Action.SUPERVISE).count() == 1
    # the database itself refuses a second order for the same breach
    with pytest.raises(IntegrityError), transaction.atomic():
        SupervisionOrder.objects.create(appeal=appeal, issued_by_org=district.street1, breach="accept", round=0,
                                        instruction="x", due_at=order.due_at, created_at=order.created_at)


def test_the_periodic_task_escalates_through_celery(district, at):
    file_for(district)
    at.set(2025, 12, 1, 9, 0)  # both deadlines missed, never accepted: one order for each
    assert escalate_breaches.delay().get() == 2
    assert escalate_breaches.delay().get() == 0
    assert sorted(SupervisionOrder.objects.values_list("breach", flat=True)) == ["accept", "answer"]


def test_only_a_higher_level_issues_a_supervision_order(district, at):
    appeal = file_for(district)
    before = snapshot(*ALL)
    for outsider in (district.grassroots1, district.street2_user):
        with pytest.raises(PermissionDenied):
            supervision_issue(actor=outsider, appeal=appeal, instruction="尽快办理")
    with pytest.raises(ValidationError) as exc:
        supervision_issue(actor=district.street1_user, appeal=appeal, instruction="")
    assert "instruction" in exc.value.message_dict
    assert snapshot(*ALL) == before
    order = supervision_issue(actor=district.district, appeal=appeal, instruction="三日内答复", days=3)
    assert order.issued_by_org == district.root and order.due_at == sh(2025, 11, 5, 17, 30)
    appeal = appeal_act(actor=district.grassroots1, appeal=appeal, action=Action.ACCEPT)
    appeal_act(actor=district.grassroots1, appeal=appeal, action=Action.ANSWER, answer="已答复")
    order.refresh_from_db()
    assert order.resolved_at == at.now


def test_a_known_callers_mobile_routes_to_their_union(district, at):
    appeal = appeal_file(actor=district.district, channel=Channel.API, mobile="13700002222",
                         appeal_type=AppealType.HELP, category=Category.OTHER, description="求助")
    assert appeal.org == district.union_b and appeal.worker == district.worker_b


def test_classifying_on_acceptance_sets_the_answer_limit(district, at):
    appeal = file_for(district)  # consultation: 3 working days
    appeal = appeal_act(actor=district.grassroots1, appeal=appeal, action=Action.ACCEPT,
                        difficulty=Difficulty.COMPLEX)  # three times as long: 9 working days
    assert appeal.difficulty == Difficulty.COMPLEX
    assert appeal.answer_due == add_working_time(appeal.submitted_at, dt.timedelta(hours=63))
    before = snapshot(*ALL)
    with pytest.raises(ValidationError) as exc:
        appeal_act(actor=district.grassroots1, appeal=appeal, action=Action.START, difficulty=Difficulty.URGENT)
    assert "difficulty" in exc.value.message_dict
    assert snapshot(*ALL) == before


def test_two_platform_accounts_may_reuse_a_key(district, at):
    a = file_for(district, channel=Channel.API, actor=district.district, client_key="k-1")
    b = file_for(district, channel=Channel.API, actor=district.street1_user, client_key="k-1")
    assert a.pk != b.pk


def test_an_account_without_a_worker_record_goes_to_the_district(district, at):
    appeal = file_for(district, actor=district.nobody, user=district.nobody)
    assert appeal.org == district.root and appeal.worker is None and appeal.mobile_masked == "139****0000"
