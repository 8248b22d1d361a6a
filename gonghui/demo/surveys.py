"""The demo district's questionnaires (线上问卷): one open now for the delivery riders of the first street, with
answers from about forty of them, and last quarter's closed one for every member of the street.

Written through the surveys services by the street cadre, answers by the workers who qualify, from their own
random stream (so the rest of the demo is the same with or without this sample)."""

import datetime as dt
import random

from django.db.models import F
from django.utils import timezone

from gonghui.accounts.models import RoleGrant, User
from gonghui.core.choices import EmploymentForm
from gonghui.members.models import MembershipStatus, Worker
from gonghui.surveys import services
from gonghui.surveys.models import Kind, Response

RIDER_ANSWERS = 40
CLOSED_ANSWERS = 12
SUGGESTIONS = ("希望多建几个骑手驿站，夏天能歇脚喝水", "平台算法太紧，希望工会帮忙反映", "想参加电动车维修培训",
               "孩子放暑假没人带", "希望有免费体检", "下雨天送餐太危险，希望有补贴")


def write_surveys(seed: int) -> None:
    rng = random.Random(f"{seed}:surveys")
    cadre = User.objects.get(username="street1")
    street = RoleGrant.objects.select_related("org").get(user=cadre).org
    now = timezone.now()
    _riders_survey(rng, cadre, street, now)
    _closed_survey(rng, cadre, street, now)


def _members(street, n: int, rng: random.Random, **where) -> list[Worker]:
    pool = list(Worker.objects.filter(
        memberships__status=MembershipStatus.ACTIVE, memberships__org=F("org"),
        org__path__startswith=street.path, **where).order_by("pk")[:n * 3])
    return rng.sample(pool, min(n, len(pool)))


def _answers(rng: random.Random, questions, skew: int) -> dict:
    answers = {}
    for q in questions:
        options = list(q.options.all())
        if q.kind == Kind.SINGLE:
            answers[q.pk] = options[min(len(options) - 1, int(rng.triangular(0, len(options), skew)))].pk
        elif q.kind == Kind.MULTIPLE:
            chosen = rng.sample(options, rng.randint(1, q.max_choices or len(options)))
            answers[q.pk] = [o.pk for o in chosen]
        elif q.kind == Kind.RATING:
            answers[q.pk] = max(1, min(q.scale, round(rng.gauss(skew + 1.5, 1.1))))
        elif q.kind == Kind.NUMBER:
            answers[q.pk] = str(rng.choice((4, 5, 6, 6, 7, 8, 8, 9)))
        elif rng.random() < 0.4:
            answers[q.pk] = rng.choice(SUGGESTIONS)
    return answers


def _riders_survey(rng, cadre, street, now) -> None:
    q = services.questionnaire_create(
        actor=cadre, org=street, title="外卖骑手工作与休息情况问卷", worker_groups=[EmploymentForm.DELIVERY_RIDER],
        intro="街道总工会想了解骑手兄弟姐妹的工作时长和最需要的服务，据此安排驿站和服务项目。匿名填写，约3分钟。",
        opens_at=now - dt.timedelta(days=10), closes_at=now + dt.timedelta(days=20), anonymous=True)
    add = services.question_add
    add(actor=cadre, questionnaire=q, kind=Kind.SINGLE, text="您平均每天接单工作多长时间？",
        options=["8小时以内", "8到10小时", "10到12小时", "12小时以上"])
    add(actor=cadre, questionnaire=q, kind=Kind.MULTIPLE, text="您最希望工会提供哪些服务？（最多选3项）", max_choices=3,
        options=["骑手驿站（歇脚、饮水、充电）", "法律咨询与维权", "职业技能培训", "子女暑期托管", "免费体检",
                 "意外保险"])
    add(actor=cadre, questionnaire=q, kind=Kind.RATING, text="您对附近骑手驿站的满意度", scale=5)
    add(actor=cadre, questionnaire=q, kind=Kind.NUMBER, text="您平均每天能休息几个小时？", min_value="0",
        max_value="24")
    add(actor=cadre, questionnaire=q, kind=Kind.SINGLE, text="您是否和平台或站点签订了劳动合同或协议？",
        options=["签了劳动合同", "签了其他协议", "没有签", "不清楚"])
    add(actor=cadre, questionnaire=q, kind=Kind.TEXT, text="还有什么想对工会说的？", required=False)
    q = services.questionnaire_publish(actor=cadre, questionnaire=q)
    questions = list(q.questions.prefetch_related("options"))
    for worker in _members(street, RIDER_ANSWERS, rng, employment_form=EmploymentForm.DELIVERY_RIDER):
        services.response_submit(worker=worker, questionnaire=q, answers=_answers(rng, questions, skew=2))
    _spread(rng, q, now - dt.timedelta(days=10), now)


def _closed_survey(rng, cadre, street, now) -> None:
    q = services.questionnaire_create(
        actor=cadre, org=street, title="职工服务需求年度调查", anonymous=False,
        intro="请告诉我们您最需要工会做什么。", opens_at=now - dt.timedelta(days=1),
        closes_at=now + dt.timedelta(days=1))
    services.question_add(actor=cadre, questionnaire=q, kind=Kind.MULTIPLE, text="您最需要哪些服务？",
                          options=["困难帮扶", "子女托管", "技能培训", "文体活动", "法律援助"])
    services.question_add(actor=cadre, questionnaire=q, kind=Kind.RATING, text="您对工会工作的总体评价", scale=5)
    services.question_add(actor=cadre, questionnaire=q, kind=Kind.TEXT, text="意见和建议", required=False)
    q = services.questionnaire_publish(actor=cadre, questionnaire=q)
    questions = list(q.questions.prefetch_related("options"))
    for worker in _members(street, CLOSED_ANSWERS, rng):
        services.response_submit(worker=worker, questionnaire=q, answers=_answers(rng, questions, skew=3))
    services.questionnaire_close(actor=cadre, questionnaire=q)
    # Last quarter's survey: move its dates and answers back, as if it had run then.
    back = dt.timedelta(days=90)
    type(q).objects.filter(pk=q.pk).update(opens_at=F("opens_at") - back, closes_at=F("closes_at") - back,
                                           published_at=F("published_at") - back, closed_at=F("closed_at") - back)
    Response.objects.filter(questionnaire=q).update(submitted_at=F("submitted_at") - back)


def _spread(rng, q, start, end) -> None:
    """Answers arrive over the days the questionnaire has been open, not all in the same second."""
    span = (end - start).total_seconds()
    for response in Response.objects.filter(questionnaire=q).order_by("pk"):
        Response.objects.filter(pk=response.pk).update(submitted_at=start + dt.timedelta(seconds=rng.random() * span))
