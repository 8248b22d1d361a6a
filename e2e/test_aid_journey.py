"""R3.6: a worker applies for autumn student aid (金秋助学) on a phone, a street cadre approves in the
console and puts the grant in a payment batch; the batch holds the grant exactly once.
"""

import pytest

from gonghui.campaigns.models import Application, Payment, PaymentBatch, Status
from gonghui.campaigns.tests.conftest import make_campaign
from gonghui.testing import PASSWORD

from .conftest import Screens

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _sign_in(page, url: str, username: str):
    page.goto(f"{url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit].primary")


def test_worker_applies_cadre_approves_grant_paid_once(live_server, live_district, phone, laptop):
    district = live_district
    campaign = make_campaign(district, org=district.street1, title="东街道2026年金秋助学")
    high = campaign.categories.get(name="高中")
    worker = Screens(phone, "aid-journey/worker")

    _sign_in(phone, live_server.url, "worker1")
    phone.wait_for_url(f"{live_server.url}/")
    phone.click("#tile-aid")
    phone.wait_for_url("**/aid/")
    worker.shot("campaigns")
    phone.locator(f"#campaign-{campaign.pk} a.button").click()
    phone.wait_for_url("**/apply/")
    phone.check(f"input[name=category][value='{high.pk}']")
    phone.fill("#id_child_name", "李小明")
    phone.fill("#id_child_age", "16")
    phone.select_option("#id_school_level", "high_school")
    phone.fill("#id_income_per_head", "900")
    phone.fill("#id_bank_name", "工商银行")
    phone.fill("#id_bank_account", "6222021234567890123")
    phone.check("input[name=evidence][value='录取通知书']")
    phone.check("input[name=evidence][value='户口簿']")
    worker.shot("apply")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    phone.click("#apply-form button[type=submit]")
    phone.wait_for_url("**/aid/")
    worker.shot("submitted")
    application = Application.objects.get(campaign=campaign, worker=district.worker1)
    assert application.status == Status.SUBMITTED and application.precheck_ok
    assert "6222 **** **** 0123" in phone.locator(f"#application-{application.pk}").inner_text()

    # The street cadre approves in the console and creates the payment batch (twice: a double click).
    cadre = Screens(laptop, "aid-journey/cadre")
    _sign_in(laptop, live_server.url, "street1")
    laptop.wait_for_url("**/console/**")
    laptop.goto(f"{live_server.url}/console/campaigns/{campaign.pk}/")
    row = laptop.locator(f"#application-{application.pk}")
    assert "李*" in row.inner_text() and "110105199003071239" not in laptop.content()
    cadre.shot("queue")
    row.locator("button.primary").click()
    laptop.wait_for_load_state()
    application.refresh_from_db()
    assert application.status == Status.APPROVED and application.grant_amount == high.amount
    laptop.click("#new-batch")
    laptop.wait_for_load_state()
    cadre.shot("batch")
    laptop.goto(f"{live_server.url}/console/campaigns/{campaign.pk}/")
    laptop.click("#new-batch")  # nothing left to pay: refused, no second payment
    laptop.wait_for_load_state()
    batch = PaymentBatch.objects.get(campaign=campaign)
    assert list(batch.payments.values_list("application_id", flat=True)) == [application.pk]
    assert Payment.objects.filter(application=application).count() == 1

    # The worker sees the approved grant.
    phone.goto(f"{live_server.url}/aid/")
    assert str(high.amount) in phone.locator(f"#application-{application.pk}").inner_text()
    worker.shot("approved")
