import datetime as dt
import itertools
import random

import pytest
from django.test import Client
from django.utils import timezone, translation

from gonghui.core.choices import EmploymentForm
from gonghui.surveys import services
from gonghui.surveys.models import Kind
from gonghui.testing import make_resident_id, make_user, make_worker

_seeds = itertools.count(5000)


def rider(district, name="赵骑手", *, org="joint1", form=EmploymentForm.DELIVERY_RIDER, active=True, account=True):
    """A worker (with a portal account) under street1's joint union, a delivery rider by default."""
    n = next(_seeds)
    user = make_user(f"w{n}", mobile=f"135{n:08d}") if account else None
    return make_worker(name=name, org=district.joint1 if org == "joint1" else org, user=user, form=form, active=active,
                       resident_id=make_resident_id(random.Random(n)), mobile=f"135{n:08d}")


def draft(district, *, actor=None, org=None, **overrides):
    now = timezone.now()
    data = {"title": "骑手权益问卷", "opens_at": now - dt.timedelta(hours=1), "closes_at": now + dt.timedelta(days=7),
            "intro": "请如实填写。", "worker_groups": [], "anonymous": True}
    data.update(overrides)
    return services.questionnaire_create(actor=actor or district.street1_user, org=org or district.street1, **data)


def add_all_kinds(district, questionnaire, actor=None):
    """Q1 single (3 options), Q2 multiple (4 options, at most 2), Q3 text (optional), Q4 rating 1..5,
    Q5 number 0..24 (optional)."""
    actor = actor or district.street1_user
    add = services.question_add
    return [
        add(actor=actor, questionnaire=questionnaire, kind=Kind.SINGLE, text="您每天工作多长时间？",
            options=["8小时以内", "8到12小时", "12小时以上"]),
        add(actor=actor, questionnaire=questionnaire, kind=Kind.MULTIPLE, text="您最需要哪些服务？", max_choices=2,
            options=["歇脚驿站", "法律援助", "子女托管", "技能培训"]),
        add(actor=actor, questionnaire=questionnaire, kind=Kind.TEXT, text="还有什么想对工会说的？", required=False),
        add(actor=actor, questionnaire=questionnaire, kind=Kind.RATING, text="您对驿站服务的满意度", scale=5),
        add(actor=actor, questionnaire=questionnaire, kind=Kind.NUMBER, text="您每天休息几小时？", required=False,
            min_value="0", max_value="24"),
    ]


def published(district, **overrides):
    questionnaire = draft(district, **overrides)
    add_all_kinds(district, questionnaire)
    return services.questionnaire_publish(actor=district.street1_user, questionnaire=questionnaire)


def good_answers(questionnaire, *, single=0, multiple=(0,), text="希望多建驿站", rating=4, number="6"):
    q1, q2, q3, q4, q5 = questionnaire.questions.order_by("position")
    o1, o2 = list(q1.options.all()), list(q2.options.all())
    return {q1.pk: o1[single].pk, q2.pk: [o2[i].pk for i in multiple], q3.pk: text, q4.pk: rating, q5.pk: number}


@pytest.fixture
def survey(district):
    """An anonymous questionnaire of street1 for everyone under it, open now, with all five kinds."""
    district.survey = published(district)
    district.rider1 = rider(district, "赵骑手")
    return district


@pytest.fixture(autouse=True)
def _english():
    """Messages are asserted in English (the source language), whatever the translations say."""
    with translation.override("en"):
        yield


def en_client(user=None) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    if user is not None:
        client.force_login(user)
    return client
