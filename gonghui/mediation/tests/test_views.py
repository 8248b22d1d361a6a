"""Mediation pages through HTTP: permission matrix, mediator sees only assigned cases, bad input."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from gonghui.audit.models import AuditEvent
from gonghui.mediation.models import CaseEvent, MediationCase, MediationCommittee, Mediator, Session, Status
from gonghui.mediation.services import agreement_record
from gonghui.testing import snapshot

MODELS = (MediationCommittee, Mediator, MediationCase, CaseEvent, Session, AuditEvent)
TODAY = timezone.localdate()


def _case_pages(case):
    return [
        ("get", reverse("mediation:detail", args=[case.pk]), None),
        ("get", reverse("mediation:session", args=[case.pk]), None),
        ("get", reverse("mediation:agreement", args=[case.pk]), None),
        ("get", reverse("mediation:failure", args=[case.pk]), None),
        ("post", reverse("mediation:session", args=[case.pk]),
         {"held_on": TODAY.isoformat(), "place": "会议室", "attendees": "双方"}),
        ("post", reverse("mediation:agreement", args=[case.pk]), {"terms": "支付工资", "amount": "100"}),
        ("post", reverse("mediation:failure", args=[case.pk]), {"advice": "申请仲裁"}),
        ("get", reverse("mediation:withdraw", args=[case.pk]), None),
        ("post", reverse("mediation:withdraw", args=[case.pk]), {"reason": "已和解"}),
    ]


def _cadre_pages(case):
    return [("get", reverse("mediation:assign", args=[case.pk]), None),
            ("post", reverse("mediation:assign", args=[case.pk]), {"mediator": case.mediator_id})]


def _global_pages():
    return [("get", reverse("mediation:cases"), None), ("get", reverse("mediation:committees"), None),
            ("get", reverse("mediation:mediators"), None), ("get", reverse("mediation:case_new"), None)]


def test_anonymous_is_sent_to_sign_in(client, med):
    before = snapshot(*MODELS)
    pages = [*_case_pages(med.case1), *_cadre_pages(med.case1), *_global_pages(),
             ("get", reverse("mediation:mine"), None),
             ("get", reverse("mediation:download", args=[med.case1.pk]), None)]
    for method, url, data in pages:
        response = getattr(client, method)(url, data)
        assert response.status_code == 302 and "/login" in response["Location"], url
    assert snapshot(*MODELS) == before


def test_no_right_is_refused(client, med):
    before = snapshot(*MODELS)
    for user in (med.nobody, med.worker1_user, med.auditor):
        client.force_login(user)
        for method, url, data in [*_case_pages(med.case1), *_global_pages(), ("get", reverse("mediation:mine"), None)]:
            assert getattr(client, method)(url, data).status_code == 403, (user, url)
    assert snapshot(*MODELS) == before


def test_mediator_sees_only_assigned_cases(client, med):
    agreement_record(actor=med.med2_user, case=med.case2, terms="支付工资", amount="10")
    client.force_login(med.med1_user)
    response = client.get(reverse("mediation:mine"))
    assert [c.pk for c in response.context["page"].object_list] == [med.case1.pk]
    assert client.get(reverse("mediation:cases")).status_code == 302  # sent to their own list
    response = client.get(reverse("mediation:detail", args=[med.case1.pk]))
    assert response.status_code == 200 and response.context["case"].mediation_deadline == (
        med.case1.opened_at + dt.timedelta(days=15))
    before = snapshot(*MODELS)
    for case in (med.case2, med.case3):
        for method, url, data in _case_pages(case):
            assert getattr(client, method)(url, data).status_code == 404, url
        assert client.get(reverse("mediation:download", args=[case.pk])).status_code == 404
    for method, url, data in [*_cadre_pages(med.case1), *_global_pages()[1:]]:
        assert getattr(client, method)(url, data).status_code == 403, url
    assert snapshot(*MODELS) == before


def test_mediator_records_session_agreement_and_downloads_docx(client, med):
    client.force_login(med.med1_user)
    url = reverse("mediation:session", args=[med.case1.pk])
    response = client.post(url, {"held_on": TODAY.isoformat(), "place": "东园会议室", "attendees": "李四、厂方"})
    assert response.status_code == 302
    response = client.post(reverse("mediation:agreement", args=[med.case1.pk]),
                           {"terms": "厂方于月底前支付工资", "amount": "3500"})
    assert response.status_code == 302
    med.case1.refresh_from_db()
    assert med.case1.status == Status.AGREED and med.case1.sessions.count() == 1
    response = client.get(reverse("mediation:download", args=[med.case1.pk]))
    assert response.status_code == 200 and response["Content-Type"].endswith("wordprocessingml.document")
    assert b"".join(response.streaming_content).startswith(b"PK")
    html = client.get(reverse("mediation:detail", args=[med.case1.pk])).content.decode()
    assert reverse("mediation:download", args=[med.case1.pk]) in html
    assert AuditEvent.objects.filter(action="mediation.agreement_download", actor=med.med1_user).count() == 1


def test_street2_cadre_sees_none_of_street1s_cases(client, med):
    client.force_login(med.street2_user)
    response = client.get(reverse("mediation:cases"))
    assert [c.pk for c in response.context["page"].object_list] == [med.case3.pk]
    before = snapshot(*MODELS)
    for method, url, data in [*_case_pages(med.case1), *_cadre_pages(med.case1),
                              ("get", reverse("mediation:download", args=[med.case1.pk]), None)]:
        assert getattr(client, method)(url, data).status_code == 404, url
    assert snapshot(*MODELS) == before
    assert client.get(reverse("mediation:mine")).status_code == 403


def test_district_cadre_sees_all_and_assigns(client, med):
    client.force_login(med.district)
    response = client.get(reverse("mediation:cases"))
    assert {c.pk for c in response.context["page"].object_list} == {med.case1.pk, med.case2.pk, med.case3.pk}
    response = client.post(reverse("mediation:assign", args=[med.case1.pk]), {"mediator": med.mediator2.pk})
    assert response.status_code == 302
    med.case1.refresh_from_db()
    assert med.case1.mediator == med.mediator2


def test_cadre_opens_case_and_adds_committee_and_mediator(client, med):
    client.force_login(med.street1_user)
    for name in ("from_appeal", "case_new", "committees", "mediators", "cases"):
        assert client.get(reverse(f"mediation:{name}")).status_code == 200, name
    response = client.post(reverse("mediation:committees"), {"org": med.union_a.pk, "kind": "enterprise",
                                                              "name": "东方机械厂调委会"})
    assert response.status_code == 302
    committee = MediationCommittee.objects.get(name="东方机械厂调委会")
    response = client.post(reverse("mediation:mediators"), {
        "committee": committee.pk, "username": "med2", "name": "钱法官", "kind": "retired_judge",
        "specialities": ["wage_arrears", "labour_contract"]})
    assert response.status_code == 302
    mediator = Mediator.objects.get(committee=committee)
    assert mediator.specialities == ["wage_arrears", "labour_contract"]
    response = client.post(reverse("mediation:case_new"), {
        "committee": committee.pk, "mediator": mediator.pk, "worker_name": "李四", "employer_name": "东方机械厂",
        "category": "wage_arrears", "claim_summary": "欠薪"})
    case = MediationCase.objects.get(committee=committee)
    assert response.status_code == 302 and case.status == Status.OPENED and case.mediator == mediator


@pytest.mark.parametrize(("page", "data", "field", "message"), [
    ("agreement", {"terms": "支付工资", "amount": "-1"}, "amount", "The amount cannot be negative."),
    ("agreement", {"terms": "  ", "amount": "100"}, "terms", "Please write the terms the parties agreed."),
    ("agreement", {"terms": "支付工资", "amount": "abc"}, "amount",
     "Please enter the amount in yuan, such as 3500.00 (0 if nothing is paid)."),
    ("failure", {"advice": " "}, "advice", "Please give the parties advice on arbitration."),
    ("withdraw", {"reason": ""}, "reason", "Please give the reason the application was withdrawn."),
    ("session", {"held_on": (TODAY + dt.timedelta(days=1)).isoformat(), "place": "会议室", "attendees": "双方"},
     "held_on", "The date of a session cannot be in the future."),
])
def test_bad_input_names_the_field_and_changes_nothing(client, med, page, data, field, message):
    client.force_login(med.med1_user)
    before = snapshot(*MODELS)
    response = client.post(reverse(f"mediation:{page}", args=[med.case1.pk]), data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors
    if gettext(message) not in errors[field]:  # a blank required field is refused by the form itself
        assert errors[field] == [gettext("This field is required.")]
    assert snapshot(*MODELS) == before
    med.case1.refresh_from_db()
    assert med.case1.status == Status.OPENED and not med.case1.agreement_file


def test_assigning_another_committees_mediator_is_refused(client, med):
    client.force_login(med.district)
    before = snapshot(*MODELS)
    response = client.post(reverse("mediation:assign", args=[med.case1.pk]), {"mediator": med.mediator3.pk})
    assert response.status_code == 200 and "mediator" in response.context["form"].errors
    assert snapshot(*MODELS) == before


def test_inactive_mediator_loses_access(client, med):
    Mediator.objects.filter(pk=med.mediator1.pk).update(active=False)
    client.force_login(med.med1_user)
    assert client.get(reverse("mediation:mine")).status_code == 403
    assert client.get(reverse("mediation:detail", args=[med.case1.pk])).status_code == 403


def test_request_becomes_a_case_through_the_page(client, med):
    from gonghui.mediation.tests.test_services import _appeal

    appeal = _appeal(med)
    url = reverse("mediation:from_appeal")
    client.force_login(med.street2_user)  # the request is under street1: not theirs to see
    before = snapshot(*MODELS)
    response = client.post(url, {"appeal": appeal.pk, "committee": med.committee2.pk})
    assert response.status_code == 200 and "appeal" in response.context["form"].errors
    assert snapshot(*MODELS) == before
    client.force_login(med.street1_user)
    response = client.post(url, {"appeal": appeal.pk, "committee": med.committee1.pk, "mediator": med.mediator1.pk})
    assert response.status_code == 302
    case = MediationCase.objects.get(appeal=appeal)
    assert case.worker == med.worker1 and case.claim_summary == appeal.description and case.mediator == med.mediator1


def test_cadre_records_failure_with_advice(client, med):
    client.force_login(med.street1_user)
    url = reverse("mediation:failure", args=[med.case2.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"advice": "建议向区劳动人事争议仲裁委员会申请仲裁"}).status_code == 302
    med.case2.refresh_from_db()
    assert med.case2.status == Status.FAILED and not med.case2.failed_automatically
    assert client.get(reverse("mediation:detail", args=[med.case2.pk])).status_code == 200
    assert client.get(reverse("mediation:download", args=[med.case2.pk])).status_code == 404


def test_standing_a_mediator_down(client, med):
    url = reverse("mediation:mediator_toggle", args=[med.mediator1.pk])
    assert client.post(url).status_code == 302 and "/login" in client.post(url)["Location"]
    before = snapshot(*MODELS)
    client.force_login(med.med1_user)
    assert client.post(url).status_code == 403
    client.force_login(med.street2_user)
    assert client.post(url).status_code == 404
    assert snapshot(*MODELS) == before
    client.force_login(med.street1_user)
    assert url in client.get(reverse("mediation:mediators")).content.decode()
    assert client.post(url).status_code == 302
    med.mediator1.refresh_from_db()
    assert not med.mediator1.active
    client.force_login(med.med1_user)
    assert client.get(reverse("mediation:detail", args=[med.case1.pk])).status_code == 403


def test_portal_home_links_a_mediator_to_their_cases(client, med):
    link = reverse("mediation:mine")
    client.force_login(med.med1_user)
    assert link in client.get(reverse("portal:home")).content.decode()
    client.force_login(med.nobody)
    assert link not in client.get(reverse("portal:home")).content.decode()


def test_case_list_query_budget(client, med, django_assert_max_num_queries):
    from gonghui.mediation.services import case_open

    for i in range(20):
        case_open(actor=med.street1_user, committee=med.committee1, mediator=med.mediator1, worker_name=f"职工{i}",
                  employer_name="东方机械厂", category="wage_arrears", claim_summary="欠薪")
    client.force_login(med.district)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("mediation:cases"))
    assert len(response.context["page"].object_list) == 23


def test_mediator_records_a_withdrawal(client, med):
    client.force_login(med.med1_user)
    response = client.post(reverse("mediation:withdraw", args=[med.case1.pk]), {"reason": "双方已和解"})
    assert response.status_code == 302
    med.case1.refresh_from_db()
    assert med.case1.status == Status.WITHDRAWN
    html = client.get(reverse("mediation:detail", args=[med.case1.pk])).content.decode()
    assert reverse("mediation:withdraw", args=[med.case1.pk]) not in html  # closed: no more actions


def test_adding_a_mediator_without_a_managed_committee_is_refused(client, med):
    client.force_login(med.grassroots1)  # a cadre whose union has no committee
    assert client.get(reverse("mediation:mediators")).context["form"] is None
    before = snapshot(*MODELS)
    response = client.post(reverse("mediation:mediators"), {
        "committee": med.committee1.pk, "username": "med9", "name": "吴律师", "kind": "lawyer"})
    assert response.status_code == 403
    assert snapshot(*MODELS) == before
