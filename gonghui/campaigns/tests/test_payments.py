"""Lottery with a recorded seed, payments made once, payment batches and the bank file."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from python_calamine import CalamineWorkbook

from gonghui.audit.models import AuditEvent
from gonghui.campaigns.exports import batch_export
from gonghui.campaigns.lottery import draw, redraw
from gonghui.campaigns.models import Application, ApplicationEvent, Campaign, Lottery, Payment, PaymentBatch, Status
from gonghui.campaigns.selectors import approved_total
from gonghui.campaigns.services import application_approve, batch_create, lottery_draw, payment_make
from gonghui.testing import snapshot

from .conftest import apply, make_campaign, member

MODELS = (Campaign, Application, ApplicationEvent, Lottery, Payment, PaymentBatch, AuditEvent)


def _close(campaign):
    Campaign.objects.filter(pk=campaign.pk).update(closes_on=timezone.localdate() - dt.timedelta(days=1))
    campaign.refresh_from_db()


@pytest.fixture
def crowded(aid):
    """Budget 3500 for eight high-school applications of 1000 each (one fails the pre-check)."""
    aid.small = make_campaign(aid, title="抽签", budget="3500")
    aid.apps = [apply(member(aid, n), aid.small) for n in range(7)]
    aid.over = apply(member(aid, 50), aid.small, income_per_head="5000")
    return aid


def test_draw_is_a_pure_function_of_its_seed():
    candidates = [[pk, "1000"] for pk in range(1, 21)]
    first = draw(candidates, "seed-1", Decimal("4500"))
    assert first == draw(candidates, "seed-1", Decimal("4500"))
    assert len(first[1]) == 4 and sorted(first[0]) == list(range(1, 21))
    assert first[0] != draw(candidates, "seed-2", Decimal("4500"))[0]


def test_lottery_approves_within_budget_and_can_be_redone_from_its_seed(crowded):
    before = snapshot(*MODELS)
    with pytest.raises(ValidationError) as exc:  # still open
        lottery_draw(actor=crowded.district, campaign=crowded.small)
    assert "campaign" in exc.value.message_dict
    assert snapshot(*MODELS) == before
    _close(crowded.small)
    before = snapshot(*MODELS)
    with pytest.raises(PermissionDenied):  # a street cadre does not run the district's campaign
        lottery_draw(actor=crowded.street1_user, campaign=crowded.small)
    assert snapshot(*MODELS) == before
    lottery = lottery_draw(actor=crowded.district, campaign=crowded.small, seed="public-seed-2026")
    lottery.refresh_from_db()
    assert lottery.seed == "public-seed-2026"
    assert sorted(lottery.drawn_order) == sorted(a.pk for a in crowded.apps)  # the failed pre-check stays out
    approved = set(Application.objects.filter(campaign=crowded.small, status=Status.APPROVED).values_list("pk",
                                                                                                       flat=True))
    assert approved == set(lottery.approved) and len(approved) == 3
    assert approved_total(crowded.small) == Decimal("3000") <= crowded.small.budget
    assert Application.objects.filter(campaign=crowded.small, status=Status.REJECTED).count() == 4
    crowded.over.refresh_from_db()
    assert crowded.over.status == Status.SUBMITTED
    # Re-running the draw from the recorded seed gives the same order and the same winners.
    assert redraw(lottery) == (lottery.drawn_order, lottery.approved)
    before = snapshot(*MODELS)
    with pytest.raises(ValidationError):
        lottery_draw(actor=crowded.district, campaign=crowded.small)
    assert snapshot(*MODELS) == before


def test_lottery_is_refused_when_everything_fits(aid):
    apply(aid.worker1_user, aid.campaign)
    _close(aid.campaign)
    before = snapshot(*MODELS)
    with pytest.raises(ValidationError) as exc:
        lottery_draw(actor=aid.district, campaign=aid.campaign)
    assert "campaign" in exc.value.message_dict
    assert snapshot(*MODELS) == before


def test_payment_is_idempotent_and_made_once(aid):
    application = apply(aid.worker1_user, aid.campaign)
    before = snapshot(*MODELS)
    with pytest.raises(ValidationError) as exc:
        payment_make(actor=aid.district, application=application, idempotency_key="pay-00000001")
    assert "application" in exc.value.message_dict  # not approved yet
    with pytest.raises(ValidationError) as exc:
        payment_make(actor=aid.district, application=application, idempotency_key="短")
    assert "idempotency_key" in exc.value.message_dict
    assert snapshot(*MODELS) == before
    application_approve(actor=aid.grassroots1, application=application)
    payment = payment_make(actor=aid.grassroots1, application=application, idempotency_key="pay-00000001")
    assert payment.amount == Decimal("1000")
    assert payment_make(actor=aid.grassroots1, application=application, idempotency_key="pay-00000001") == payment
    before = snapshot(*MODELS)
    with pytest.raises(ValidationError) as exc:
        payment_make(actor=aid.grassroots1, application=application, idempotency_key="pay-00000002")
    assert "application" in exc.value.message_dict
    with pytest.raises(PermissionDenied):
        payment_make(actor=aid.street2_user, application=application, idempotency_key="pay-00000003")
    assert snapshot(*MODELS) == before
    assert Payment.objects.filter(application=application).count() == 1


def test_batch_pays_all_its_grants_in_one_insert(aid):
    apps = [apply(member(aid, n), aid.campaign) for n in range(3)]
    for application in apps:
        application_approve(actor=aid.district, application=application)
    with CaptureQueriesContext(connection) as queries:
        batch = batch_create(actor=aid.district, campaign=aid.campaign, idempotency_key="batch-0001")
    insert = f'INSERT INTO "{Payment._meta.db_table}" '
    assert sum(q["sql"].startswith(insert) for q in queries.captured_queries) == 1
    assert sorted(batch.payments.values_list("application_id", "amount", "idempotency_key")) == sorted(
        (a.pk, a.category.amount, f"batch/{batch.pk}/{a.pk}") for a in apps)


def test_batch_holds_each_unpaid_grant_once_and_exports_full_accounts(aid):
    apps = [apply(member(aid, n), aid.campaign) for n in range(3)]
    for application in apps:
        application_approve(actor=aid.district, application=application)
    payment_make(actor=aid.district, application=apps[0], idempotency_key="single-0001")
    batch = batch_create(actor=aid.district, campaign=aid.campaign, idempotency_key="batch-0001")
    assert sorted(batch.payments.values_list("application_id", flat=True)) == [apps[1].pk, apps[2].pk]
    assert batch_create(actor=aid.district, campaign=aid.campaign, idempotency_key="batch-0001") == batch
    before = snapshot(*MODELS)
    with pytest.raises(ValidationError) as exc:
        batch_create(actor=aid.district, campaign=aid.campaign, idempotency_key="batch-0002")
    assert "campaign" in exc.value.message_dict
    with pytest.raises(PermissionDenied):
        batch_create(actor=aid.street1_user, campaign=aid.campaign, idempotency_key="batch-0003")
    with pytest.raises(PermissionDenied):
        batch_export(actor=aid.street2_user, batch=batch)
    assert snapshot(*MODELS) == before
    content = batch_export(actor=aid.district, batch=batch)
    rows = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0).to_python()
    assert len(rows) == 3
    assert [r[3] for r in rows[1:]] == ["6222021234567890123"] * 2
    assert [r[1] for r in rows[1:]] == [apps[1].account_holder, apps[2].account_holder]
    assert sum(Decimal(str(r[4])) for r in rows[1:]) == Decimal("2000")
    assert AuditEvent.objects.filter(action="campaigns.bank_export", target_id=str(batch.pk)).count() == 1


def test_the_database_itself_refuses_a_second_payment_or_application(aid):
    """Not only the services: the constraints hold for any code that writes these tables."""
    application = apply(aid.worker1_user, aid.campaign)
    application_approve(actor=aid.grassroots1, application=application)
    Payment.objects.create(application=application, amount=Decimal("1000"), idempotency_key="direct-0001")
    for row in (Payment(application=application, amount=Decimal("1000"), idempotency_key="direct-0002"),
                Application(campaign=aid.campaign, worker=aid.worker1, org=aid.union_a, category=aid.high,
                            income_per_head=1, account_holder="x", bank_name="x", bank_account_cipher="x")):
        with pytest.raises(IntegrityError), transaction.atomic():
            row.save()
    other = apply(member(aid, 9), aid.campaign)
    with pytest.raises(IntegrityError), transaction.atomic():
        Payment.objects.create(application=other, amount=Decimal("1000"), idempotency_key="direct-0001")
    assert Payment.objects.count() == 1 and Application.objects.count() == 2
