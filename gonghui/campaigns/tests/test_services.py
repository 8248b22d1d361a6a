"""Services: campaigns, one application per worker, pre-check, approval within budget, refusals."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext

from gonghui.audit.models import AuditEvent
from gonghui.campaigns.models import Application, ApplicationEvent, Campaign, Category, Payment, Status
from gonghui.campaigns.selectors import approved_total, campaigns_covering, open_campaigns_for
from gonghui.campaigns.services import application_approve, application_reject, campaign_create
from gonghui.core.privacy import decrypt
from gonghui.testing import snapshot

from .conftest import HIGH_SCHOOL, apply, make_campaign, member

MODELS = (Campaign, Category, Application, ApplicationEvent, Payment, AuditEvent)


def test_apply_records_application_with_encrypted_account(aid):
    application = apply(aid.worker1_user, aid.campaign)
    assert application.status == Status.SUBMITTED and application.org == aid.union_a
    assert application.precheck_ok and application.precheck_reasons == []
    assert application.account_holder == aid.worker1.name
    assert "6222021234567890123" not in application.bank_account_cipher
    assert decrypt(application.bank_account_cipher) == "6222021234567890123"
    assert application.bank_account_masked == "6222 **** **** 0123"
    assert application.events.get().to_status == Status.SUBMITTED
    assert AuditEvent.objects.filter(action="campaigns.apply", target_id=str(application.pk)).exists()


def test_precheck_records_findings(aid):
    application = apply(aid.worker1_user, aid.campaign, income_per_head="2000.50", evidence=["户口簿"])
    assert not application.precheck_ok
    codes = {r["code"]: r for r in application.precheck_reasons}
    assert set(codes) == {"income_over_limit", "evidence_missing"}
    assert codes["evidence_missing"]["missing"] == ["录取通知书"]


@pytest.mark.parametrize(("extra", "field"), [
    ({"child_age": 22}, "child_age"),
    ({"child_age": 9}, "child_age"),
    ({"child_age": "sixteen"}, "child_age"),
    ({"child_age": None}, "child_age"),
    ({"child_name": ""}, "child_name"),
    ({"school_level": "university"}, "school_level"),
    ({"income_per_head": "九百"}, "income_per_head"),
    ({"income_per_head": "-1"}, "income_per_head"),
    ({"income_per_head": "12.345"}, "income_per_head"),
    ({"income_per_head": "NaN"}, "income_per_head"),
    ({"bank_account": "62220212"}, "bank_account"),
    ({"bank_account": "account number"}, "bank_account"),
    ({"bank_name": ""}, "bank_name"),
    ({"evidence": ["假证明"]}, "evidence"),
])
def test_bad_input_names_the_field_and_changes_nothing(aid, extra, field):
    before = snapshot(*MODELS)
    with pytest.raises(ValidationError) as exc:
        apply(aid.worker1_user, aid.campaign, **extra)
    assert field in exc.value.message_dict
    assert snapshot(*MODELS) == before


def test_hardship_category_needs_the_declared_file(aid):
    before = snapshot(*MODELS)
    with pytest.raises(ValidationError) as exc:
        apply(aid.worker1_user, aid.campaign, aid.uni, school_level="university", child_age=19)
    assert "hardship_file" in exc.value.message_dict
    assert snapshot(*MODELS) == before
    application = apply(aid.worker1_user, aid.campaign, aid.uni, school_level="university", child_age=19,
                        hardship_file=True)
    assert application.declared_hardship_file and not application.hardship_confirmed


def test_closed_window_not_yet_open_and_foreign_category_are_refused(aid):
    today = timezone.localdate()
    other = make_campaign(aid, title="其他", opens_on=today + dt.timedelta(days=1),
                          closes_on=today + dt.timedelta(days=5))
    closed = make_campaign(aid, title="已结束", opens_on=today - dt.timedelta(days=9),
                           closes_on=today - dt.timedelta(days=1))
    before = snapshot(*MODELS)
    for campaign, category, field in [(other, None, "campaign"), (closed, None, "campaign"),
                                      (aid.campaign, other.categories.first(), "category")]:
        with pytest.raises(ValidationError) as exc:
            apply(aid.worker1_user, campaign, category or campaign.categories.get(name="高中"))
        assert field in exc.value.message_dict
    assert snapshot(*MODELS) == before


def test_window_uses_the_shanghai_calendar_day(aid, monkeypatch):
    campaign = make_campaign(aid, title="国庆前截止", opens_on=dt.date(2026, 9, 1), closes_on=dt.date(2026, 9, 30))
    # 15:59 UTC on 30 September is 23:59 in Shanghai: still open. 16:00 UTC is already 1 October there.
    monkeypatch.setattr(timezone, "now", lambda: dt.datetime(2026, 9, 30, 15, 59, tzinfo=dt.UTC))
    assert campaign.is_open()
    monkeypatch.setattr(timezone, "now", lambda: dt.datetime(2026, 9, 30, 16, 0, tzinfo=dt.UTC))
    assert not campaign.is_open()
    before = snapshot(*MODELS)
    with pytest.raises(ValidationError) as exc:
        apply(aid.worker1_user, campaign)
    assert "campaign" in exc.value.message_dict
    assert snapshot(*MODELS) == before


def test_one_application_per_campaign_and_only_members_in_the_subtree(aid):
    apply(aid.worker1_user, aid.campaign)
    street1_campaign = make_campaign(aid, org=aid.street1, title="东街道金秋助学")
    before = snapshot(*MODELS)
    with pytest.raises(ValidationError) as exc:
        apply(aid.worker1_user, aid.campaign, child_age=15)
    assert exc.value.message_dict["campaign"] == [gettext("You have already applied to this campaign.")]
    # worker_b is in union B under street 2, outside the street-1 campaign; nobody is no member at all.
    worker_b_user = member(aid, 1, org=aid.union_b)
    for user in (worker_b_user, aid.nobody):
        with pytest.raises(ValidationError) as exc:
            apply(user, street1_campaign)
        assert "campaign" in exc.value.message_dict
    assert snapshot(*MODELS)[Application._meta.label] == before[Application._meta.label]
    assert list(open_campaigns_for(worker_b_user)) == [aid.campaign]


def test_campaign_create_validates_and_needs_manage(aid):
    before = snapshot(*MODELS)
    with pytest.raises(PermissionDenied):
        campaign_create(
            actor=aid.street1_user, org=aid.street2, kind="student_aid", title="x", opens_on=timezone.localdate(),
            closes_on=timezone.localdate(), budget="100", categories=[HIGH_SCHOOL])
    bad = [({"budget": "lots"}, "budget"), ({"budget": "0"}, "budget"), ({"kind": "party"}, "kind"),
           ({"categories": []}, "categories"),
           ({"categories": [HIGH_SCHOOL | {"amount": "一千"}]}, "categories.0.amount"),
           ({"categories": [HIGH_SCHOOL | {"min_child_age": 20}]}, "categories.0.max_child_age"),
           ({"closes_on": timezone.localdate() - dt.timedelta(days=30)}, "closes_on")]
    for extra, field in bad:
        with pytest.raises(ValidationError) as exc:
            make_campaign(aid, **extra)
        assert field in exc.value.message_dict, extra
    assert snapshot(*MODELS) == before


def test_district_campaign_covers_streets_but_street_campaign_is_not_seen_by_other_street(aid):
    street1_campaign = make_campaign(aid, org=aid.street1, title="东街道")
    assert set(campaigns_covering(aid.street2_user)) == {aid.campaign}
    assert set(campaigns_covering(aid.street1_user)) == {aid.campaign, street1_campaign}
    assert set(campaigns_covering(aid.district)) == {aid.campaign, street1_campaign}


def test_approve_assigns_the_amount_and_reject_needs_a_reason(aid):
    first = apply(aid.worker1_user, aid.campaign)
    second = apply(member(aid, 2), aid.campaign)
    application_approve(actor=aid.grassroots1, application=first)
    first.refresh_from_db()
    assert first.status == Status.APPROVED and first.grant_amount == Decimal("1000")
    assert [e.to_status for e in first.events.all()] == [Status.SUBMITTED, Status.APPROVED]
    before = snapshot(*MODELS)
    with pytest.raises(ValidationError) as exc:
        application_reject(actor=aid.street1_user, application=second, reason="  ")
    assert "reason" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        application_reject(actor=aid.street1_user, application=first, reason="重复")
    assert "status" in exc.value.message_dict
    with pytest.raises(PermissionDenied):
        application_approve(actor=aid.street2_user, application=second)
    with pytest.raises(PermissionDenied):
        application_approve(actor=aid.worker1_user, application=second)
    assert snapshot(*MODELS) == before
    application_reject(actor=aid.street1_user, application=second, reason="材料不全")
    second.refresh_from_db()
    assert second.status == Status.REJECTED and second.reject_reason == "材料不全" and second.grant_amount is None


def test_hardship_category_approval_needs_the_cadre_confirmation(aid):
    application = apply(aid.worker1_user, aid.campaign, aid.uni, school_level="university", child_age=19,
                        hardship_file=True)
    before = snapshot(*MODELS)
    with pytest.raises(ValidationError) as exc:
        application_approve(actor=aid.grassroots1, application=application)
    assert "hardship_confirmed" in exc.value.message_dict
    assert snapshot(*MODELS) == before
    application_approve(actor=aid.grassroots1, application=application, hardship_confirmed=True)
    application.refresh_from_db()
    assert application.hardship_confirmed and application.grant_amount == Decimal("2000")


def test_budget_is_never_exceeded(aid):
    small = make_campaign(aid, title="小预算", budget="2500")
    applications = [apply(member(aid, n), small) for n in range(3)]
    application_approve(actor=aid.district, application=applications[0])
    application_approve(actor=aid.district, application=applications[1])
    before = snapshot(*MODELS)
    with pytest.raises(ValidationError) as exc:
        application_approve(actor=aid.district, application=applications[2])
    assert "budget" in exc.value.message_dict
    assert snapshot(*MODELS) == before
    assert approved_total(small) == Decimal("2000")


def test_a_file_filed_in_the_hardship_registry_needs_no_declaration_nor_confirmation(aid):
    # worker1's household walks through the hardship registry's life cycle to "filed" (gonghui.hardship).
    from gonghui.hardship.tests.conftest import apply as hardship_apply
    from gonghui.hardship.tests.conftest import to_filed

    to_filed(aid, hardship_apply(aid))
    application = apply(aid.worker1_user, aid.campaign, aid.uni, school_level="university", child_age=19)
    assert not application.declared_hardship_file
    application_approve(actor=aid.grassroots1, application=application)
    application.refresh_from_db()
    assert application.hardship_confirmed and application.grant_amount == Decimal("2000")
