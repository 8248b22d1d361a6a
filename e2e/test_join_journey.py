"""R2.4 / R5.1: a delivery rider with no employer union signs up on a phone, joins the street's joint
union in at most three screens from home, a street cadre approves in the console, the rider sees the card.
"""

import re

import pytest

from gonghui.accounts.sms import MemorySmsBackend
from gonghui.members.models import Membership, MembershipStatus
from gonghui.testing import PASSWORD, make_resident_id

from .conftest import Screens

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_rider_signs_up_joins_and_gets_card(live_server, live_district, phone, laptop):
    district = live_district
    rider = Screens(phone, "join-journey/worker")

    # Sign up with a mobile number and a one-time code.
    phone.goto(f"{live_server.url}/accounts/register/")
    phone.fill("#id_mobile", "13698765432")
    phone.click("button[value=send_code]")
    code = re.search(r"\d{6}", MemorySmsBackend.outbox[-1][1]).group()
    phone.fill("#id_code", code)
    phone.fill("#id_password", PASSWORD)
    phone.click("button[value=register]")
    phone.wait_for_url(f"{live_server.url}/")
    rider.shot("home")
    home_screens = rider.count

    # Joining: at most three screens from home.
    phone.click("#tile-join")
    phone.wait_for_url("**/join/")
    rider.shot("join-about-you")
    phone.fill("#id_name", "赵小六")
    phone.fill("#id_resident_id", make_resident_id(area="310101"))
    phone.select_option("#id_employment_form", "delivery_rider")
    phone.select_option("#id_street", str(district.street1.pk))
    phone.click("button[type=submit].primary")
    phone.wait_for_url("**/join/union/**")
    rider.shot("join-choose-union")
    first_choice = phone.locator("label.choice").first
    assert district.joint1.name in first_choice.inner_text()  # the joint union for riders comes first
    assert first_choice.locator("input").is_checked()
    phone.click("#submit-application")
    phone.wait_for_url("**/membership/")
    rider.shot("join-submitted")
    assert phone.locator("#pending").is_visible()
    assert rider.count - home_screens <= 3, f"joining took {rider.count - home_screens} screens"

    # Page width holds on a 360-px phone: nothing scrolls sideways.
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360

    # A street cadre approves in the console.
    cadre = Screens(laptop, "join-journey/cadre")
    laptop.goto(f"{live_server.url}/accounts/login/")
    laptop.fill("#id_username", "street1")
    laptop.fill("#id_password", PASSWORD)
    laptop.click("button[type=submit].primary")
    laptop.wait_for_url("**/console/**")
    laptop.goto(f"{live_server.url}/console/members/queue/")
    application = Membership.objects.get(worker__user__mobile="13698765432")
    row = laptop.locator(f"#application-{application.pk}")
    assert district.joint1.name in row.inner_text()
    cadre.shot("queue")
    row.locator("button.primary").click()
    laptop.wait_for_load_state()
    cadre.shot("approved")
    application.refresh_from_db()
    assert application.status == MembershipStatus.ACTIVE

    # The rider sees the card with its QR code.
    phone.goto(f"{live_server.url}/")
    phone.click("#tile-card")
    phone.wait_for_url("**/card/")
    assert phone.locator("#card svg").is_visible()
    assert application.card_no in phone.locator("#card").inner_text()
    rider.shot("card")
