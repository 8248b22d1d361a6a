"""Who may answer, one answer per person (service and database), anonymity, and every bad answer named."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import override_settings
from django.utils import timezone

from gonghui.audit.models import AuditEvent
from gonghui.core.choices import EmploymentForm
from gonghui.members.models import MembershipStatus
from gonghui.surveys import services
from gonghui.surveys.models import Answer, Response, Status
from gonghui.surveys.selectors import addressed_to, open_for_me
from gonghui.testing import snapshot

from .conftest import good_answers, published, rider

ROWS = (Response, Answer)


def submit(worker, questionnaire, answers):
    return services.response_submit(worker=worker, questionnaire=questionnaire, answers=answers)


def refused_with(worker, questionnaire, answers) -> dict:
    before = snapshot(*ROWS)
    with pytest.raises(ValidationError) as exc:
        submit(worker, questionnaire, answers)
    assert snapshot(*ROWS) == before
    return exc.value.message_dict


# --- who may answer --------------------------------------------------------------------------------

def test_eligible_worker_answers_and_anonymous_keeps_no_worker(survey):
    q = survey.survey
    response = submit(survey.rider1, q, good_answers(q))
    assert response.worker is None and len(response.respondent_key) == 64
    assert response.respondent_key == services.respondent_key(q.pk, survey.rider1.pk)
    with override_settings(PII_HASH_KEY="another-secret"):  # keyed: without the server's key no worker matches
        assert services.respondent_key(q.pk, survey.rider1.pk) != response.respondent_key
    assert response.answers.count() == 5
    event = AuditEvent.objects.get(action="surveys.answer")
    assert event.actor is None and event.actor_name == "" and event.detail == {}
    assert [(x.pk, done) for x, done in open_for_me(survey.rider1)] == [(q.pk, True)]


def test_named_questionnaire_keeps_the_worker(district):
    q = published(district, anonymous=False)
    worker = rider(district)
    response = submit(worker, q, good_answers(q))
    assert response.worker == worker


@pytest.mark.parametrize("case", ["outside_subtree", "wrong_group", "not_active", "no_membership"])
def test_who_may_not_answer(district, case):
    q = published(district, worker_groups=[EmploymentForm.DELIVERY_RIDER])
    worker = {
        "outside_subtree": lambda: rider(district, org=district.union_b),
        "wrong_group": lambda: rider(district, form=EmploymentForm.COURIER),
        "not_active": lambda: rider(district, active=False),
        "no_membership": lambda: rider(district, org=None),
    }[case]()
    errors = refused_with(worker, q, good_answers(q))
    assert errors == {"questionnaire": ["This questionnaire is not addressed to you."]}
    assert q not in addressed_to(worker)


def test_membership_that_ended_no_longer_qualifies(district):
    q = published(district)
    worker = rider(district)
    worker.memberships.update(status=MembershipStatus.LEFT)
    assert refused_with(worker, q, good_answers(q))["questionnaire"] == ["This questionnaire is not addressed to you."]


def test_subtree_target(district):
    q = published(district, target_org=district.union_a)
    assert refused_with(rider(district), q, good_answers(q))  # joint1 is not under union_a
    submit(district.worker1, q, good_answers(q))
    assert q.responses.count() == 1


def test_before_opening_after_closing_and_draft(district):
    now = timezone.now()
    later = published(district, opens_at=now + dt.timedelta(days=1), closes_at=now + dt.timedelta(days=2))
    worker = rider(district)
    assert refused_with(worker, later, good_answers(later))["questionnaire"][0].startswith(
        "This questionnaire opens at ")
    ended = published(district)
    type(ended).objects.filter(pk=ended.pk).update(opens_at=now - dt.timedelta(days=3),
                                                   closes_at=now - dt.timedelta(seconds=1))
    ended.refresh_from_db()
    closed_message = ["This questionnaire is closed: answers are no longer accepted."]
    assert refused_with(worker, ended, good_answers(ended))["questionnaire"] == closed_message
    early = services.questionnaire_close(actor=district.street1_user, questionnaire=published(district))
    assert refused_with(worker, early, good_answers(early))["questionnaire"] == closed_message
    from .conftest import add_all_kinds, draft

    d = draft(district)
    add_all_kinds(district, d)
    assert d.status == Status.DRAFT
    assert refused_with(worker, d, good_answers(d))["questionnaire"] == ["This questionnaire is not addressed to you."]
    assert [x for x, _ in open_for_me(worker)] == []


# --- one answer per person ---------------------------------------------------------------------------

@pytest.mark.parametrize("anonymous", [True, False])
def test_second_answer_refused_and_nothing_changes(district, anonymous):
    q = published(district, anonymous=anonymous)
    worker = rider(district)
    submit(worker, q, good_answers(q))
    errors = refused_with(worker, q, good_answers(q, single=2, rating=1))
    assert errors == {"questionnaire": ["You have already answered this questionnaire."]}
    assert Answer.objects.filter(response__questionnaire=q, number=4).count() == 1


def test_database_refuses_a_second_response_row(survey):
    q = survey.survey
    first = submit(survey.rider1, q, good_answers(q))
    with pytest.raises(IntegrityError), transaction.atomic():
        Response.objects.create(questionnaire=q, respondent_key=first.respondent_key)
    assert q.responses.count() == 1


def test_service_relies_on_the_constraint_when_the_check_is_passed(survey, monkeypatch):
    """Two tabs: the friendly check saw no response yet, the insert meets the other tab's row."""
    q = survey.survey
    submit(survey.rider1, q, good_answers(q))
    real_filter = Response.objects.filter

    class Blind:
        def exists(self):
            return False

    monkeypatch.setattr(Response.objects, "filter", lambda *a, **k: Blind())
    before = snapshot(*ROWS)
    with pytest.raises(ValidationError) as exc:
        submit(survey.rider1, q, good_answers(q))
    assert services.is_already_answered(exc.value)
    monkeypatch.setattr(Response.objects, "filter", real_filter)
    assert snapshot(*ROWS) == before


# --- bad answers ---------------------------------------------------------------------------------------

def _bad(q, **changes):
    answers = good_answers(q)
    q1, q2, q3, q4, q5 = q.questions.order_by("position")
    keys = {"q1": q1.pk, "q2": q2.pk, "q3": q3.pk, "q4": q4.pk, "q5": q5.pk}
    for name, value in changes.items():
        if value is None:
            answers.pop(keys[name])
        else:
            answers[keys[name]] = value
    return answers, keys


@pytest.mark.parametrize(("change", "question", "expected"), [
    ({"q1": None}, "q1", "Question 1: this question must be answered."),
    ({"q1": ""}, "q1", "Question 1: this question must be answered."),
    ({"q2": []}, "q2", "Question 2: this question must be answered."),
    ({"q4": None}, "q4", "Question 4: this question must be answered."),
    ({"q1": "other"}, "q1", "Question 1: this option does not belong to the question."),
    ({"q1": "q2option"}, "q1", "Question 1: this option does not belong to the question."),
    ({"q1": "two"}, "q1", "Question 1: choose only one option."),
    ({"q2": "q1option"}, "q2", "Question 2: an option chosen does not belong to the question."),
    ({"q2": "three"}, "q2", "Question 2: choose at most 2 options."),
    ({"q4": 6}, "q4", "Question 4: the rating must be from 1 to 5."),
    ({"q4": 0}, "q4", "Question 4: the rating must be from 1 to 5."),
    ({"q4": "3.5"}, "q4", "Question 4: the rating must be a whole number."),
    ({"q4": 3.5}, "q4", "Question 4: the rating must be a whole number."),
    ({"q4": True}, "q4", "Question 4: the rating must be a whole number."),
    ({"q5": "six"}, "q5", "Question 5: please enter a number."),
    ({"q5": "NaN"}, "q5", "Question 5: please enter a number."),
    ({"q5": "25"}, "q5", "Question 5: the number must be at most 24."),
    ({"q5": "-1"}, "q5", "Question 5: the number must be at least 0."),
    ({"q3": "长" * 2001}, "q3", "Question 3: the answer may be at most 2000 characters."),
    ({"q3": ["not", "text"]}, "q3", "Question 3: please answer in words."),
])
def test_each_bad_answer_is_named_and_changes_nothing(survey, change, question, expected):
    q = survey.survey
    q1, q2 = q.questions.order_by("position")[:2]
    o1, o2 = list(q1.options.all()), list(q2.options.all())
    symbolic = {"other": 999999, "q2option": o2[0].pk, "two": [o1[0].pk, o1[1].pk], "q1option": [o1[0].pk],
                "three": [o2[0].pk, o2[1].pk, o2[2].pk]}
    change = {k: symbolic.get(v, v) if isinstance(v, str) else v for k, v in change.items()}
    answers, keys = _bad(q, **change)
    errors = refused_with(survey.rider1, q, answers)
    assert errors == {f"q{keys[question]}": [expected]}


def test_unknown_question_and_several_errors_at_once(survey):
    q = survey.survey
    answers, keys = _bad(q, q1=None, q4=9)
    answers[987654] = "x"
    errors = refused_with(survey.rider1, q, answers)
    assert errors == {"answers": ["Unknown question: 987654."],
                      f"q{keys['q1']}": ["Question 1: this question must be answered."],
                      f"q{keys['q4']}": ["Question 4: the rating must be from 1 to 5."]}
    assert refused_with(survey.rider1, q, ["not", "a", "dict"]) == {
        "answers": ["The answers are not in the expected form."]}


def test_optional_questions_may_be_left_out_and_keys_may_be_text(survey):
    q = survey.survey
    answers, keys = _bad(q, q3=None, q5="")
    answers = {f"q{k}": v for k, v in answers.items()}
    answers[f"q{keys['q4']}"] = "5"
    response = submit(survey.rider1, q, answers)
    assert sorted(response.answers.values_list("question_id", flat=True)) == sorted(
        [keys["q1"], keys["q2"], keys["q4"]])
