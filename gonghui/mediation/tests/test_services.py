"""Services of mediation: opening, transitions, agreement document, failure, the 15-day job."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from gonghui.appeals.models import Category
from gonghui.audit.models import AuditEvent
from gonghui.mediation import tasks
from gonghui.mediation.documents import docx_text
from gonghui.mediation.models import CaseEvent, MediationCase, Session, Status
from gonghui.mediation.selectors import overdue_cases
from gonghui.mediation.services import (
    agreement_record,
    case_assign,
    case_open,
    cases_fail_overdue,
    failure_record,
    session_record,
    standard_advice,
)
from gonghui.testing import snapshot

MODELS = (MediationCase, CaseEvent, Session, AuditEvent)


def _age(case, days):
    MediationCase.objects.filter(pk=case.pk).update(opened_at=timezone.now() - dt.timedelta(days=days))


def test_session_moves_opened_case_in_session_with_an_event(med):
    session_record(actor=med.med1_user, case=med.case1, held_on=timezone.localdate(), place="东园会议室",
                   attendees="李四、厂方代表")
    med.case1.refresh_from_db()
    assert med.case1.status == Status.IN_SESSION
    assert list(med.case1.events.values_list("from_status", "to_status")) == [
        (Status.OPENED, Status.IN_SESSION), ("", Status.OPENED)]


def test_other_mediator_cannot_act_on_a_case(med):
    before = snapshot(*MODELS)
    with pytest.raises(PermissionDenied):
        failure_record(actor=med.med2_user, case=med.case1, advice="申请仲裁")
    with pytest.raises(PermissionDenied):
        case_assign(actor=med.med1_user, case=med.case1, mediator=med.mediator2)
    assert snapshot(*MODELS) == before


def test_mediator_of_another_committee_cannot_be_assigned(med):
    before = snapshot(*MODELS)
    with pytest.raises(ValidationError) as exc:
        case_assign(actor=med.district, case=med.case1, mediator=med.mediator3)
    assert "mediator" in exc.value.message_dict
    assert snapshot(*MODELS) == before


def test_agreement_generates_a_docx_with_full_names_and_no_ids_or_mobiles(med):
    worker = med.worker1  # 李四, with a resident ID and mobile 13800001111
    case = case_open(actor=med.street1_user, committee=med.committee1, mediator=med.mediator1,
                     worker_name=worker.name, worker=worker, employer_name="东方机械厂",
                     category=Category.WAGE_ARREARS, claim_summary="拖欠工资，联系电话 13800001111")
    rid = "110105197001010011"
    agreement_record(actor=med.med1_user, case=case, amount="3500.50",
                     terms=f"厂方支付工资 3500.50 元。\n身份证 {rid}，电话 13800001111")
    case.refresh_from_db()
    assert case.status == Status.AGREED and case.agreement_amount == Decimal("3500.50")
    text = docx_text(case.agreement_file.read())
    assert "李四" in text and "东方机械厂" in text and "3,500.50" in text
    assert "13800001111" not in text and rid not in text
    assert worker.id_masked not in text


def test_closed_case_refuses_further_actions(med):
    failure_record(actor=med.med1_user, case=med.case1, advice="建议申请劳动仲裁")
    before = snapshot(*MODELS)
    with pytest.raises(ValidationError) as exc:
        agreement_record(actor=med.med1_user, case=med.case1, terms="x", amount="1")
    assert "status" in exc.value.message_dict
    assert snapshot(*MODELS) == before


def test_overdue_job_fails_each_case_exactly_once(med):
    _age(med.case1, 16)
    _age(med.case2, 14)
    assert list(overdue_cases()) == [med.case1]
    assert tasks.fail_overdue() == 1
    assert tasks.fail_overdue() == 0
    assert cases_fail_overdue(timezone.now() + dt.timedelta(days=30)) == 2  # case2 and case3 later on
    med.case1.refresh_from_db()
    assert med.case1.status == Status.FAILED and med.case1.failed_automatically
    assert med.case1.arbitration_advice == standard_advice()
    assert CaseEvent.objects.filter(case=med.case1, to_status=Status.FAILED).count() == 1
    assert AuditEvent.objects.filter(action="mediation.failure_automatic").count() == 3


def test_agreed_case_is_not_overdue(med):
    agreement_record(actor=med.med1_user, case=med.case1, terms="支付工资", amount="0")
    _age(med.case1, 20)
    assert cases_fail_overdue() == 0
    med.case1.refresh_from_db()
    assert med.case1.status == Status.AGREED


def _appeal(district):
    from gonghui.appeals.models import AppealType, Channel
    from gonghui.appeals.services import appeal_file

    return appeal_file(actor=district.worker1_user, user=district.worker1_user, channel=Channel.PORTAL,
                       appeal_type=AppealType.CONSULTATION, category=Category.LABOUR_CONTRACT,
                       description="公司未签劳动合同")


def test_request_becomes_a_case_once(med):
    from gonghui.mediation.services import case_open_from_appeal

    appeal = _appeal(med)
    case = case_open_from_appeal(actor=med.street1_user, appeal=appeal, committee=med.committee1,
                                 mediator=med.mediator2)
    assert (case.appeal, case.worker, case.worker_name, case.category, case.claim_summary) == (
        appeal, med.worker1, "李四", Category.LABOUR_CONTRACT, "公司未签劳动合同")
    before = snapshot(*MODELS)
    with pytest.raises(ValidationError) as exc:
        case_open_from_appeal(actor=med.street1_user, appeal=appeal, committee=med.committee1, mediator=None)
    assert "appeal" in exc.value.message_dict
    assert snapshot(*MODELS) == before


def test_request_outside_scope_cannot_become_a_case(med):
    from django.http import Http404

    from gonghui.mediation.services import case_open_from_appeal

    appeal = _appeal(med)
    before = snapshot(*MODELS)
    with pytest.raises(Http404):
        case_open_from_appeal(actor=med.street2_user, appeal=appeal, committee=med.committee2, mediator=None)
    assert snapshot(*MODELS) == before


def test_overdue_job_is_scheduled(settings):
    assert any(e["task"] == "mediation.fail_overdue" for e in settings.CELERY_BEAT_SCHEDULE.values())


def test_withdrawal_needs_a_reason_and_closes_the_case(med):
    from gonghui.mediation.services import case_withdraw

    before = snapshot(*MODELS)
    with pytest.raises(ValidationError) as exc:
        case_withdraw(actor=med.med1_user, case=med.case1, reason="  ")
    assert "reason" in exc.value.message_dict
    assert snapshot(*MODELS) == before
    case_withdraw(actor=med.med1_user, case=med.case1, reason="双方已自行和解")
    med.case1.refresh_from_db()
    assert med.case1.status == Status.WITHDRAWN and med.case1.closed_at is not None
    assert med.case1.events.first().note == "双方已自行和解"


def test_committee_and_mediator_bad_input_names_the_field(med):
    from gonghui.mediation.services import committee_create, mediator_add

    before = snapshot(MediationCase, AuditEvent, *{type(med.committee1), type(med.mediator1)})
    with pytest.raises(ValidationError) as exc:
        committee_create(actor=med.street1_user, org=med.street1, kind="x", name="东园调委会")
    assert set(exc.value.message_dict) == {"kind", "name"}  # bad kind, name taken in this union
    with pytest.raises(ValidationError) as exc:
        mediator_add(actor=med.street1_user, committee=med.committee1, username="nosuchuser", name=" ",
                     kind="lawyer", specialities=["astrology"])
    assert set(exc.value.message_dict) == {"username", "name", "specialities"}
    with pytest.raises(PermissionDenied):
        committee_create(actor=med.street2_user, org=med.street1, kind="park", name="越权调委会")
    assert snapshot(MediationCase, AuditEvent, *{type(med.committee1), type(med.mediator1)}) == before
