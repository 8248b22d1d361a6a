"""R3.7: on a phone, a member enrols a child in the last place of a summer class; a second member lands on the
waiting list and sees their position; the first cancels and the second moves up. Pages hold at 360 px."""

import datetime as dt

import pytest
from django.utils import timezone

from gonghui.familycare.models import Enrolment
from gonghui.familycare.services import class_create
from gonghui.testing import PASSWORD, make_user, make_worker

from .conftest import Screens

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _sign_in(page, url, username):
    page.goto(f"{url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{url}/")


def _enrol(page, url, screens, name, birth):
    page.click("#tile-summer")
    page.wait_for_url("**/familycare/summer/")
    page.locator("a.button.primary").first.click()
    page.wait_for_url("**/enrol/")
    page.fill("#id_child_name", name)
    page.fill("#id_child_birth_date", birth.isoformat())
    screens.shot("enrol-form")
    page.click("button[type=submit].primary")
    page.wait_for_url("**/familycare/summer/")
    screens.shot("after-enrol")


def test_enrol_wait_and_move_up(live_server, live_district, browser):
    district = live_district
    starts = timezone.localdate() + dt.timedelta(days=10)
    class_create(actor=district.district, org=district.street1, name="东街道职工子女暑托班", capacity=1, min_age=6,
                 max_age=12, starts_on=starts, ends_on=starts, sessions="8:30-16:30")
    second_user = make_user("parent2", mobile="13800002002")
    make_worker(name="赵六", org=district.union_a, user=second_user, mobile="13800002002")
    birth = dt.date(starts.year - 8, 1, 1)  # eight on the first day

    pages = []
    for username, folder in (("worker1", "first"), ("parent2", "second")):
        context = browser.new_context(viewport={"width": 360, "height": 740}, locale="zh-CN", is_mobile=True)
        page = context.new_page()
        page.set_default_timeout(15_000)
        _sign_in(page, live_server.url, username)
        pages.append((page, Screens(page, f"summer-class-journey/{folder}")))

    (first, first_screens), (second, second_screens) = pages
    _enrol(first, live_server.url, first_screens, "小明", birth)
    assert first.locator("#mine .badge.ok").count() == 1
    _enrol(second, live_server.url, second_screens, "小红", birth)
    assert second.locator("#mine .badge.warn").count() == 1  # number 1 on the waiting list
    assert second.evaluate("document.documentElement.scrollWidth") <= 360

    first.click("#mine button")
    first.wait_for_url("**/familycare/summer/")
    first_screens.shot("cancelled")
    second.reload()
    second_screens.shot("moved-up")
    assert second.locator("#mine .badge.ok").count() == 1
    assert dict(Enrolment.objects.values_list("child__name", "status")) == {"小明": "cancelled", "小红": "enrolled"}
    for page, _screens in pages:
        page.context.close()
