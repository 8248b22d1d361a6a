"""Console and portal pages through HTTP: permission matrix, decisions, batches, privacy of pages."""

import datetime as dt
from collections import Counter

import pytest
from django.urls import reverse
from django.utils import timezone

from gonghui.audit.models import AuditEvent
from gonghui.campaigns.models import Application, ApplicationEvent, Campaign, Category, Payment, PaymentBatch, Status
from gonghui.campaigns.services import application_approve
from gonghui.testing import snapshot

from .conftest import apply, make_campaign, member

MODELS = (Campaign, Category, Application, ApplicationEvent, Payment, PaymentBatch, AuditEvent)
PLAIN_ID, PLAIN_MOBILE, PLAIN_ACCOUNT = "110105199003071239", "13800001111", "6222021234567890123"


@pytest.fixture
def street1_aid(aid):
    """A street-1 campaign with worker1's application (union A, under street 1)."""
    aid.s1 = make_campaign(aid, org=aid.street1, title="东街道金秋助学")
    aid.app1 = apply(aid.worker1_user, aid.s1, aid.s1.categories.get(name="高中"))
    return aid


def _console_pages(d):
    return [
        ("get", reverse("campaigns:detail", args=[d.s1.pk]), None),
        ("get", reverse("campaigns:publicity", args=[d.s1.pk]), None),
        ("post", reverse("campaigns:decide", args=[d.app1.pk]), {"decision": "approve"}),
        ("post", reverse("campaigns:lottery", args=[d.s1.pk]), {}),
        ("post", reverse("campaigns:batch", args=[d.s1.pk]), {"idempotency_key": "batch-view-0001"}),
    ]


def test_anonymous_is_sent_to_sign_in(client, street1_aid):
    before = snapshot(*MODELS)
    pages = [*_console_pages(street1_aid), ("get", reverse("campaigns:list"), None),
             ("get", reverse("campaigns:new"), None), ("get", reverse("aid:home"), None),
             ("get", reverse("aid:apply", args=[street1_aid.s1.pk]), None)]
    for method, url, data in pages:
        response = getattr(client, method)(url, data)
        assert response.status_code == 302 and "/login" in response["Location"], url
    assert snapshot(*MODELS) == before


def test_no_cadre_role_is_refused(client, street1_aid):
    before = snapshot(*MODELS)
    for user in (street1_aid.nobody, street1_aid.worker1_user, street1_aid.auditor):
        client.force_login(user)
        for method, url, data in [*_console_pages(street1_aid), ("get", reverse("campaigns:list"), None),
                                  ("post", reverse("campaigns:new"), {"title": "x", "org": street1_aid.street1.pk})]:
            assert getattr(client, method)(url, data).status_code == 403, (user, url)
    assert snapshot(*MODELS) == before


def test_street2_cadre_sees_nothing_of_a_street1_campaign(client, street1_aid):
    client.force_login(street1_aid.street2_user)
    before = snapshot(*MODELS)
    for method, url, data in _console_pages(street1_aid):
        assert getattr(client, method)(url, data).status_code == 404, url
    assert snapshot(*MODELS) == before
    html = client.get(reverse("campaigns:list")).content.decode()
    assert "东街道金秋助学" not in html
    # In the district campaign street 2 sees its own applicants only, not worker1's.
    apply(member(street1_aid, 3, org=street1_aid.union_b), street1_aid.campaign)
    apply(street1_aid.worker1_user, street1_aid.campaign)
    html = client.get(reverse("campaigns:detail", args=[street1_aid.campaign.pk])).content.decode()
    assert html.count('id="application-') == 1 and "李*" not in html


def test_cadre_approves_in_the_queue_and_refusals_change_nothing(client, street1_aid):
    client.force_login(street1_aid.street1_user)
    url = reverse("campaigns:decide", args=[street1_aid.app1.pk])
    before = snapshot(*MODELS)
    client.post(url, {"decision": "reject", "reason": ""})
    client.post(url, {"decision": "maybe"})
    assert snapshot(*MODELS) == before
    response = client.post(url, {"decision": "approve"})
    assert response.status_code == 302
    street1_aid.app1.refresh_from_db()
    assert street1_aid.app1.status == Status.APPROVED and street1_aid.app1.decided_by == street1_aid.street1_user


def test_queue_publicity_and_pages_never_show_plain_id_mobile_or_account(client, street1_aid):
    application_approve(actor=street1_aid.street1_user, application=street1_aid.app1)
    client.force_login(street1_aid.street1_user)
    for name in ("campaigns:detail", "campaigns:publicity"):
        html = client.get(reverse(name, args=[street1_aid.s1.pk])).content.decode()
        for text in (PLAIN_ID, PLAIN_MOBILE, PLAIN_ACCOUNT, "李四"):
            assert text not in html, (name, text)
    html = client.get(reverse("campaigns:publicity", args=[street1_aid.s1.pk])).content.decode()
    assert "李*" in html and "110105********1239" in html
    client.force_login(street1_aid.worker1_user)
    html = client.get(reverse("aid:home")).content.decode()
    assert PLAIN_ACCOUNT not in html and "6222 **** **** 0123" in html


def test_batch_and_bank_file_through_the_console(client, street1_aid):
    application_approve(actor=street1_aid.street1_user, application=street1_aid.app1)
    client.force_login(street1_aid.worker1_user)
    assert f'id="paid-{street1_aid.app1.pk}"' not in client.get(reverse("aid:home")).content.decode()
    client.force_login(street1_aid.street1_user)
    url = reverse("campaigns:batch", args=[street1_aid.s1.pk])
    client.post(url, {"idempotency_key": "batch-view-0001"})
    client.post(url, {"idempotency_key": "batch-view-0001"})  # a double click
    batch = PaymentBatch.objects.get()
    assert list(batch.payments.values_list("application_id", flat=True)) == [street1_aid.app1.pk]
    response = client.get(reverse("campaigns:export", args=[batch.pk]))
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxmlformats")
    client.force_login(street1_aid.street2_user)  # out of scope answers like a batch that does not exist
    assert client.get(reverse("campaigns:export", args=[batch.pk])).status_code == 404
    assert client.get(reverse("campaigns:export", args=[batch.pk + 1000])).status_code == 404
    client.force_login(street1_aid.worker1_user)
    assert client.get(reverse("campaigns:export", args=[batch.pk])).status_code == 403
    assert AuditEvent.objects.filter(action="campaigns.bank_export").count() == 1
    html = client.get(reverse("aid:home")).content.decode()
    assert f'id="paid-{street1_aid.app1.pk}"' in html


def test_create_campaign_through_the_console(client, aid):
    client.force_login(aid.street1_user)
    today = timezone.localdate()
    data = {"kind": "winter_warmth", "title": "东街道送温暖", "org": aid.street1.pk, "opens_on": today.isoformat(),
            "closes_on": (today + dt.timedelta(days=20)).isoformat(), "budget": "20000", "required_evidence": "",
            "cat-TOTAL_FORMS": "3", "cat-INITIAL_FORMS": "0", "cat-MIN_NUM_FORMS": "0", "cat-MAX_NUM_FORMS": "10",
            "cat-0-name": "困难职工", "cat-0-amount": "800"}
    before = snapshot(*MODELS)
    bad_posts = ({"budget": "很多"}, {"org": aid.street2.pk}, {"cat-0-amount": "八百"},
                 {"cat-0-name": "", "cat-0-amount": ""})
    for bad in bad_posts:
        response = client.post(reverse("campaigns:new"), data | bad)
        assert response.status_code == 200, bad
    assert snapshot(*MODELS) == before
    response = client.post(reverse("campaigns:new"), data)
    campaign = Campaign.objects.get(title="东街道送温暖")
    assert response.status_code == 302 and campaign.org == aid.street1
    assert list(campaign.categories.values_list("name", "amount")) == [("困难职工", 800)]


def test_worker_applies_in_the_portal(client, aid):
    client.force_login(aid.worker1_user)
    home = client.get(reverse("aid:home"))
    assert f'id="campaign-{aid.campaign.pk}"' in home.content.decode()
    url = reverse("aid:apply", args=[aid.campaign.pk])
    data = {"category": aid.high.pk, "child_name": "李小明", "child_age": "16", "school_level": "high_school",
            "income_per_head": "900", "bank_name": "工商银行", "bank_account": PLAIN_ACCOUNT,
            "evidence": ["录取通知书", "户口簿"]}
    before = snapshot(*MODELS)
    for bad in ({"income_per_head": "九百"}, {"child_age": "22"}, {"bank_account": "abc"}):
        response = client.post(url, data | bad)
        assert response.status_code == 200 and "has-error" in response.content.decode(), bad
    assert snapshot(*MODELS) == before
    assert client.post(url, data).status_code == 302
    application = Application.objects.get(worker=aid.worker1)
    assert application.status == Status.SUBMITTED
    # Applied: the campaign leaves the open list, and a second application is refused.
    assert f'id="campaign-{aid.campaign.pk}"' not in client.get(reverse("aid:home")).content.decode()
    assert client.post(url, data | {"child_age": "15"}).status_code == 200
    assert Application.objects.count() == 1
    client.force_login(aid.nobody)
    assert client.get(url).status_code == 404


def test_queue_and_publicity_query_budget(client, aid, django_assert_max_num_queries):
    applications = [apply(member(aid, n), aid.campaign) for n in range(4)]
    for application in applications[:2]:
        application_approve(actor=aid.district, application=application)
    client.force_login(aid.district)
    client.post(reverse("campaigns:batch", args=[aid.campaign.pk]), {"idempotency_key": "batch-budget-01"})

    def measure(name):
        with django_assert_max_num_queries(14) as queries:
            assert client.get(reverse(name, args=[aid.campaign.pk])).status_code == 200
        return len(queries)

    small = (measure("campaigns:detail"), measure("campaigns:publicity"))
    for application in [apply(member(aid, n), aid.campaign) for n in range(10, 16)][:3]:
        application_approve(actor=aid.district, application=application)
    assert (measure("campaigns:detail"), measure("campaigns:publicity")) == small  # no query per row


def test_organiser_draws_the_lottery_in_the_console(client, street1_aid):
    for n in range(5):
        apply(member(street1_aid, 20 + n), street1_aid.s1)  # six applications of 1000 for a budget of 5000
    Campaign.objects.filter(pk=street1_aid.s1.pk).update(closes_on=timezone.localdate() - dt.timedelta(days=1))
    url = reverse("campaigns:lottery", args=[street1_aid.s1.pk])
    client.force_login(street1_aid.grassroots1)  # reviews union A, but does not organise the street campaign
    before = snapshot(*MODELS)
    assert client.post(url).status_code == 404
    assert snapshot(*MODELS) == before
    client.force_login(street1_aid.street1_user)
    assert client.post(url).status_code == 302
    statuses = Counter(Application.objects.filter(campaign=street1_aid.s1).values_list("status", flat=True))
    assert statuses == {Status.APPROVED: 5, Status.REJECTED: 1}
    html = client.get(reverse("campaigns:detail", args=[street1_aid.s1.pk])).content.decode()
    assert street1_aid.s1.lottery.seed in html and 'id="run-lottery"' not in html


def test_application_page_for_the_reviewer_only(client, street1_aid):
    url = reverse("campaigns:application", args=[street1_aid.app1.pk])
    assert client.get(url).status_code == 302
    for user, status in [(street1_aid.worker1_user, 403), (street1_aid.street2_user, 404),
                         (street1_aid.grassroots1, 200), (street1_aid.street1_user, 200)]:
        client.force_login(user)
        assert client.get(url).status_code == status, user
    application_approve(actor=street1_aid.street1_user, application=street1_aid.app1)
    html = client.get(url).content.decode()
    for text in (PLAIN_ID, PLAIN_MOBILE, PLAIN_ACCOUNT, "李四", "李小明"):
        assert text not in html, text
    assert "6222 **** **** 0123" in html and html.count("<tr>") == 3  # header, submitted, approved
