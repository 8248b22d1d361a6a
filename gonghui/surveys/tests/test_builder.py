"""The builder: validation naming the field, publishing rules, the lock after publishing, close, copy."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from gonghui.audit.models import AuditEvent
from gonghui.surveys import services
from gonghui.surveys.models import Kind, Option, Question, Questionnaire, Status
from gonghui.testing import snapshot

from .conftest import add_all_kinds, draft

MODELS = (Questionnaire, Question, Option)


def refused(fn, field, **kwargs):
    before = snapshot(*MODELS)
    with pytest.raises(ValidationError) as exc:
        fn(**kwargs)
    assert field in exc.value.message_dict, exc.value.message_dict
    assert snapshot(*MODELS) == before
    return exc.value.message_dict[field]


def test_create_defaults_target_to_owner_and_audits(district):
    q = draft(district, worker_groups=["courier", "delivery_rider", "courier"])
    assert q.status == Status.DRAFT and q.target_org == district.street1
    assert q.worker_groups == ["courier", "delivery_rider"]
    assert AuditEvent.objects.filter(action="surveys.create", target_id=str(q.pk)).exists()


@pytest.mark.parametrize(("overrides", "field"), [
    ({"title": "  "}, "title"),
    ({"title": "问" * 121}, "title"),
    ({"closes_at_offset": -2}, "closes_at"),
    ({"closes_at_offset": 0}, "closes_at"),
    ({"naive": True}, "opens_at"),
    ({"worker_groups": ["astronaut"]}, "worker_groups"),
    ({"worker_groups": "delivery_rider"}, "worker_groups"),
])
def test_create_bad_input_names_the_field(district, overrides, field):
    now = timezone.now()
    data = {"actor": district.street1_user, "org": district.street1, "title": "问卷", "opens_at": now,
            "closes_at": now + dt.timedelta(days=1)}
    if "closes_at_offset" in overrides:
        data["closes_at"] = now + dt.timedelta(hours=overrides.pop("closes_at_offset"))
    if overrides.pop("naive", False):
        data["opens_at"] = dt.datetime(2025, 6, 1, 8, 0)  # noqa: DTZ001 - the bad input under test
    data.update(overrides)
    refused(services.questionnaire_create, field, **data)


def test_target_must_lie_in_owner_subtree_and_actor_scope(district):
    now = timezone.now()
    kw = {"title": "问卷", "opens_at": now, "closes_at": now + dt.timedelta(days=1)}
    refused(services.questionnaire_create, "target_org", actor=district.street1_user, org=district.street1,
            target_org=district.street2, **kw)
    refused(services.questionnaire_create, "target_org", actor=district.street1_user, org=district.union_a,
            target_org=district.street1, **kw)
    refused(services.questionnaire_create, "org", actor=district.street1_user, org=district.street2, **kw)
    q = services.questionnaire_create(actor=district.street1_user, org=district.street1,
                                      target_org=district.joint1, **kw)
    assert q.target_org == district.joint1


@pytest.mark.parametrize(("kwargs", "field"), [
    ({"kind": "essay", "text": "问"}, "kind"),
    ({"kind": Kind.TEXT, "text": ""}, "text"),
    ({"kind": Kind.RATING, "text": "评分", "scale": 2}, "scale"),
    ({"kind": Kind.RATING, "text": "评分", "scale": 11}, "scale"),
    ({"kind": Kind.NUMBER, "text": "几小时", "min_value": "10", "max_value": "2"}, "max_value"),
    ({"kind": Kind.NUMBER, "text": "几小时", "min_value": "abc"}, "min_value"),
    ({"kind": Kind.SINGLE, "text": "选", "options": ["是", "是"]}, "options"),
    ({"kind": Kind.MULTIPLE, "text": "选", "options": ["甲", "乙"], "max_choices": 3}, "max_choices"),
    ({"kind": Kind.MULTIPLE, "text": "选", "options": ["甲", "乙"], "max_choices": 0}, "max_choices"),
])
def test_question_bad_input_names_the_field(district, kwargs, field):
    q = draft(district)
    refused(services.question_add, field, actor=district.street1_user, questionnaire=q, **kwargs)


def test_publish_needs_questions_and_two_options(district):
    q = draft(district)
    message = refused(services.questionnaire_publish, "questions", actor=district.street1_user, questionnaire=q)
    assert "at least one question" in message[0]
    services.question_add(actor=district.street1_user, questionnaire=q, kind=Kind.TEXT, text="建议")
    services.question_add(actor=district.street1_user, questionnaire=q, kind=Kind.SINGLE, text="是否需要",
                          options=["需要"])
    message = refused(services.questionnaire_publish, "questions", actor=district.street1_user, questionnaire=q)
    assert message == ["Question 2: a choice question needs at least 2 options."]
    services.question_update(actor=district.street1_user, question=q.questions.get(position=2), kind=Kind.SINGLE,
                             text="是否需要", options=["需要", "不需要"])
    q = services.questionnaire_publish(actor=district.street1_user, questionnaire=q)
    assert q.status == Status.PUBLISHED and q.published_at is not None


def test_publish_refused_when_closing_time_has_passed(district):
    now = timezone.now()
    q = draft(district, opens_at=now - dt.timedelta(days=3), closes_at=now - dt.timedelta(days=1))
    services.question_add(actor=district.street1_user, questionnaire=q, kind=Kind.TEXT, text="建议")
    refused(services.questionnaire_publish, "closes_at", actor=district.street1_user, questionnaire=q)


def test_published_questionnaire_is_locked(district):
    q = draft(district)
    first, second, *_ = add_all_kinds(district, q)
    services.questionnaire_publish(actor=district.street1_user, questionnaire=q)
    actor = district.street1_user
    refused(services.questionnaire_update, "status", actor=actor, questionnaire=q, title="新标题")
    refused(services.question_add, "status", actor=actor, questionnaire=q, kind=Kind.TEXT, text="新问题")
    refused(services.question_update, "status", actor=actor, question=first, kind=Kind.TEXT, text="改")
    refused(services.question_remove, "status", actor=actor, question=first)
    refused(services.question_move, "status", actor=actor, question=second, up=True)
    refused(services.questionnaire_publish, "status", actor=actor, questionnaire=q)


def test_out_of_scope_cadre_cannot_build(district):
    q = draft(district)
    before = snapshot(*MODELS)
    with pytest.raises(PermissionDenied):
        services.question_add(actor=district.street2_user, questionnaire=q, kind=Kind.TEXT, text="问")
    with pytest.raises(PermissionDenied):
        services.questionnaire_publish(actor=district.street2_user, questionnaire=q)
    assert snapshot(*MODELS) == before


def test_edit_remove_and_reorder_while_draft(district):
    q = draft(district)
    a, b, c, *_ = add_all_kinds(district, q)
    services.question_move(actor=district.street1_user, question=c, up=True)
    assert list(q.questions.values_list("pk", flat=True)) == [a.pk, c.pk, b.pk, *q.questions.filter(
        position__gt=3).values_list("pk", flat=True)]
    services.question_remove(actor=district.street1_user, question=a)
    assert list(q.questions.values_list("position", flat=True)) == [1, 2, 3, 4]
    services.question_update(actor=district.street1_user, question=b, kind=Kind.MULTIPLE, text="需要什么？",
                             options=["驿站", "培训", "法律"], max_choices=None)
    assert [o.label for o in b.options.all()] == ["驿站", "培训", "法律"]
    services.questionnaire_update(actor=district.street1_user, questionnaire=q, title="改过的标题",
                                  worker_groups=["courier"])
    q.refresh_from_db()
    assert q.title == "改过的标题" and q.worker_groups == ["courier"]
    refused(services.questionnaire_update, "closes_at", actor=district.street1_user, questionnaire=q,
            closes_at=q.opens_at)


def test_close_early_and_duplicate(district):
    q = draft(district)
    add_all_kinds(district, q)
    refused(services.questionnaire_close, "status", actor=district.street1_user, questionnaire=q)
    services.questionnaire_publish(actor=district.street1_user, questionnaire=q)
    q = services.questionnaire_close(actor=district.street1_user, questionnaire=q)
    assert q.status == Status.CLOSED and q.closes_at <= timezone.now() and q.phase() == "ended"
    copy = services.questionnaire_duplicate(actor=district.street1_user, questionnaire=q)
    assert copy.pk != q.pk and copy.status == Status.DRAFT and copy.title == q.title
    assert copy.opens_at > timezone.now() and copy.closes_at > copy.opens_at
    assert [(x.kind, x.text, [o.label for o in x.options.all()]) for x in copy.questions.all()] == [
        (x.kind, x.text, [o.label for o in x.options.all()]) for x in q.questions.all()]
    assert copy.responses.count() == 0
    assert q.questions.count() == 5  # the original is untouched
