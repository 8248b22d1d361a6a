"""Results figures counted by hand, the .xlsx read back, and answer patterns recorded as needs."""

import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from gonghui.audit.models import AuditEvent
from gonghui.needs.models import Need
from gonghui.surveys import exports, selectors, services
from gonghui.testing import snapshot

from .conftest import good_answers, published, rider

PATTERNS = [  # single, multiple, text, rating, number
    (0, (0, 1), "多建驿站", 5, "8"),
    (1, (0,), "", 2, "6"),
    (1, (1, 2), "夏天太热", 1, ""),
    (2, (0, 3), "希望有培训", 4, "10"),
]
NAMES = ["赵一骑", "钱二骑", "孙三骑", "李四骑"]


def answered(district, **overrides):
    q = published(district, **overrides)
    workers = [rider(district, name) for name in NAMES]
    rider(district, "周不答")  # asked, did not answer
    for worker, (single, multiple, text, rating, number) in zip(workers, PATTERNS, strict=True):
        services.response_submit(worker=worker, questionnaire=q, answers=good_answers(
            q, single=single, multiple=multiple, text=text, rating=rating, number=number))
    return q


def test_figures_counted_by_hand(district):
    q = answered(district)
    r = selectors.results(q)
    assert (r["responses"], r["eligible"], r["rate"]) == (4, 6, Decimal("66.7"))  # worker1 + 5 riders asked
    q1, q2, q3, q4, q5 = r["questions"]
    assert [(o["count"], o["percent"]) for o in q1["options"]] == [
        (1, Decimal("25.0")), (2, Decimal("50.0")), (1, Decimal("25.0"))]
    assert q2["answered"] == 4
    assert [(o["count"], o["percent"]) for o in q2["options"]] == [
        (3, Decimal("75.0")), (2, Decimal("50.0")), (1, Decimal("25.0")), (1, Decimal("25.0"))]
    assert q3["texts"] == 3 and q3["answered"] == 3
    assert [x["count"] for x in q4["ratings"]] == [1, 1, 0, 1, 1]
    assert [x["at_most"] for x in q4["ratings"]] == [1, 2, 2, 3, 4]
    assert q4["mean"] == Decimal("3.00")
    assert q5["stats"] == {"count": 3, "min": Decimal(6), "max": Decimal(10), "mean": Decimal("8.00"),
                           "median": Decimal(8)}


def test_groups_narrow_the_eligible_count(district):
    q = published(district, worker_groups=["delivery_rider"])
    rider(district)
    rider(district, form="courier")
    assert selectors.eligible_count(q) == 1


def test_anonymous_export_has_no_person_column(district):
    q = answered(district)
    with translation.override("en"):
        content = exports.questionnaire_export(actor=district.street1_user, questionnaire=q)
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:2] == ("No.", "Submitted at")
    assert rows[0][2:] == ("1. 您每天工作多长时间？", "2. 您最需要哪些服务？", "3. 还有什么想对工会说的？",
                           "4. 您对驿站服务的满意度", "5. 您每天休息几小时？")
    assert "Respondent" not in rows[0]
    assert [row[2:] for row in rows[1:]] == [
        ("8小时以内", "歇脚驿站；法律援助", "多建驿站", 5, 8),
        ("8到12小时", "歇脚驿站", None, 2, 6),
        ("8到12小时", "法律援助；子女托管", "夏天太热", 1, None),
        ("12小时以上", "歇脚驿站；技能培训", "希望有培训", 4, 10),
    ]
    flat = " ".join(str(c) for row in rows for c in row)
    assert not any(name in flat or name[0] + "*" in flat for name in NAMES)
    event = AuditEvent.objects.get(action="surveys.export")
    assert event.actor == district.street1_user and event.detail == {"responses": 4}


def test_named_export_masks_the_name(district):
    q = answered(district, anonymous=False)
    with translation.override("en"):
        content = exports.questionnaire_export(actor=district.street1_user, questionnaire=q)
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("No.", "Respondent", "Submitted at")
    assert [row[1] for row in rows[1:]] == ["赵*骑", "钱*骑", "孙*骑", "李*骑"]
    assert not any(name in str(c) for row in rows for c in row for name in NAMES)


def test_export_needs_the_export_right(district):
    q = answered(district)
    before = snapshot(AuditEvent)
    for actor in (district.street2_user, district.worker1_user):
        with pytest.raises(PermissionDenied):
            exports.questionnaire_export(actor=actor, questionnaire=q)
    assert snapshot(AuditEvent) == before


def test_option_recorded_as_a_need_once(district):
    q = answered(district, worker_groups=["delivery_rider"])
    option = q.questions.get(position=2).options.get(position=1)  # 歇脚驿站, chosen by 3
    need = services.need_from_answers(actor=district.street1_user, questionnaire=q, option=option,
                                      title="您最需要哪些服务？：歇脚驿站", category="rest", urgency="high")
    assert (need.headcount, need.source, need.source_ref) == (3, "questionnaire",
                                                              f"questionnaire:{q.pk}:option:{option.pk}")
    assert (need.org, need.worker_group, need.place) == (district.street1, "delivery_rider", district.street1.name)
    before = snapshot(Need)
    with pytest.raises(ValidationError) as exc:
        services.need_from_answers(actor=district.street1_user, questionnaire=q, option=option, title="再来一次",
                                   category="rest")
    assert "source_ref" in exc.value.message_dict
    assert snapshot(Need) == before
    r = selectors.results(q)
    assert [o["need_recorded"] for o in r["questions"][1]["options"]] == [True, False, False, False]


def test_low_ratings_recorded_as_a_need(district):
    q = answered(district)
    question = q.questions.get(position=4)
    need = services.need_from_answers(actor=district.street1_user, questionnaire=q, question=question, at_most=2,
                                      title="驿站满意度低", category="rest")
    assert need.headcount == 2 and need.source_ref == f"questionnaire:{q.pk}:rating:{question.pk}:le2"
    assert need.worker_group == ""  # the questionnaire asks every group
    r = selectors.results(q)
    assert [x["need_recorded"] for x in r["questions"][3]["ratings"]] == [False, True, False, False, False]


def test_need_refusals_change_nothing(district):
    q = answered(district)
    unchosen = published(district).questions.get(position=1).options.first()
    before = snapshot(Need)
    cases = [
        ({"option": unchosen}, "option"),
        ({"question": q.questions.get(position=4), "at_most": 9}, "at_most"),
        ({"question": q.questions.get(position=1), "at_most": 1}, "question"),
        ({"option": q.questions.get(position=1).options.get(position=3), "category": "nonsense"}, "category"),
    ]
    for kwargs, field in cases:
        data = {"title": "需要", "category": "rest"} | kwargs
        with pytest.raises(ValidationError) as exc:
            services.need_from_answers(actor=district.street1_user, questionnaire=q, **data)
        assert field in exc.value.message_dict
    with pytest.raises(PermissionDenied):
        services.need_from_answers(actor=district.street2_user, questionnaire=q, title="需要", category="rest",
                                   option=q.questions.get(position=1).options.first())
    assert snapshot(Need) == before
