"""Issue 3 (R3.10): a delivery rider files a wage-arrears request on a phone; the street cadre over the
rider's joint union accepts it in the console, records the wage claim and answers; the rider reads the
answer from the inbox and rates it satisfied. Database states and the timeline are checked at each step.
"""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from gonghui.appeals.models import Action, Appeal, AppealType, Category, Channel, Rating, Status, WageClaim
from gonghui.appeals.policy import time_limits
from gonghui.core.choices import EmploymentForm
from gonghui.core.privacy import mask_name
from gonghui.notifications.models import Notification
from gonghui.testing import PASSWORD, make_resident_id, make_user, make_worker
from gonghui.workcalendar.calendar import add_working_time, deadline_with_pauses

from .conftest import Screens

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

RIDER_NAME = "赵小六"
DESCRIPTION = "配送站拖欠我三个月跑单工资，共8600元，站长一直说下个月发。"
ANSWER = "已约谈配送站负责人，站方承诺本周五前结清8600元，我们会跟进到账情况。"


def _sign_in(page, url: str, username: str, landing: str):
    page.goto(f"{url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_url(landing)


def _actions(appeal: Appeal) -> list[str]:
    return list(appeal.events.order_by("at", "pk").values_list("action", flat=True))


def _shown_actions(page, selector: str) -> list[str]:
    return page.locator(selector).evaluate_all("rows => rows.map(r => r.dataset.action)")


def _act(page, appeal: Appeal, action: str, **fields):
    """One step in the console's "next step" form, then back on the request page with a success message."""
    form = page.locator(f"form[action='{reverse('appeals:act', args=[appeal.pk])}']")
    form.locator("#id_action").select_option(action)
    for name, value in fields.items():
        form.locator(f"#id_{name}").fill(value)
    # The request page posts to itself and comes back to the same address: wait for that new navigation,
    # not for the address (already matching) or a message (the previous step's may still be on screen).
    with page.expect_navigation(url=f"**{reverse('appeals:detail', args=[appeal.pk])}"):
        form.locator("button[type=submit].primary").click()
    page.wait_for_selector("ul.messages li.msg-success")


def test_rider_files_wage_arrears_cadre_answers_rider_rates(live_server, live_district, phone, laptop):
    district, url = live_district, live_server.url
    rider_user = make_user("rider1", mobile="13611112222")
    rider = make_worker(name=RIDER_NAME, org=district.joint1, user=rider_user, form=EmploymentForm.DELIVERY_RIDER,
                        mobile="13611112222", resident_id=make_resident_id(area="310101"))
    screens = Screens(phone, "appeal-journey/rider")

    # The rider signs in on the phone and opens "My requests": nothing there yet.
    _sign_in(phone, url, "rider1", f"{url}/")
    screens.shot("home")
    phone.click("#tile-requests")
    phone.wait_for_url(f"**{reverse('appeals_portal:list')}")
    assert phone.locator("a.tile[href^='/requests/']").count() == 0
    screens.shot("my-requests-empty")

    # Files a wage-arrears request.
    phone.click(f"a.button.primary[href='{reverse('appeals_portal:new')}']")
    phone.wait_for_url(f"**{reverse('appeals_portal:new')}")
    phone.select_option("#id_appeal_type", AppealType.HELP)
    phone.select_option("#id_category", Category.WAGE_ARREARS)
    phone.fill("#id_description", DESCRIPTION)
    assert not phone.locator("#id_do_not_share").is_checked() and not phone.locator("#id_anonymous").is_checked()
    screens.shot("new-request")
    phone.click("form button[type=submit].primary")
    phone.wait_for_url(re.compile(r"/requests/\d+/$"))
    phone.wait_for_selector("ul.messages li.msg-success")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360  # nothing scrolls sideways

    # Routed to the rider's joint union, with the deadlines of the policy table on the working calendar.
    appeal = Appeal.objects.get(user=rider_user)
    assert phone.url.endswith(reverse("appeals_portal:detail", args=[appeal.pk]))
    assert (appeal.org, appeal.worker, appeal.channel) == (district.joint1, rider, Channel.PORTAL)
    assert (appeal.appeal_type, appeal.category, appeal.status) == (AppealType.HELP, Category.WAGE_ARREARS,
                                                                     Status.SUBMITTED)
    assert appeal.description == DESCRIPTION and not appeal.anonymous and appeal.handler is None
    accept_budget, answer_budget = time_limits(appeal.appeal_type, appeal.difficulty)
    assert appeal.accept_due == add_working_time(appeal.submitted_at, accept_budget)
    assert appeal.answer_due == deadline_with_pauses(appeal.submitted_at, answer_budget, [])
    assert _actions(appeal) == [Action.FILE]
    assert phone.locator(f"[data-status={Status.SUBMITTED}]").is_visible()
    assert _shown_actions(phone, "ol.steps li") == [Action.FILE]
    screens.shot("filed")
    phone.click(f"a[href='{reverse('appeals_portal:list')}']")
    phone.wait_for_url(f"**{reverse('appeals_portal:list')}")
    assert phone.locator(f"a.tile[href='{reverse('appeals_portal:detail', args=[appeal.pk])}']").is_visible()
    screens.shot("my-requests")

    # The street cadre (the joint union has no cadre of its own; the street's grant covers it) finds it in the
    # console's queue, the reporter's name masked, acceptance on track.
    cadre = Screens(laptop, "appeal-journey/cadre")
    _sign_in(laptop, url, "street1", "**/console/**")
    laptop.click(f"nav.sidenav a[href='{reverse('appeals:queue')}']")
    laptop.wait_for_url(f"**{reverse('appeals:queue')}")
    row = laptop.locator(f"#appeal-{appeal.pk}")
    assert row.is_visible()
    assert mask_name(RIDER_NAME) in row.inner_text() and RIDER_NAME not in row.inner_text()
    assert row.locator("[data-state]").evaluate_all("s => s.map(e => e.dataset.state)") == ["on_track", "on_track"]
    cadre.shot("queue")
    row.locator(f"a[href='{reverse('appeals:detail', args=[appeal.pk])}']").click()
    laptop.wait_for_url(f"**{reverse('appeals:detail', args=[appeal.pk])}")
    assert RIDER_NAME not in laptop.locator("main").inner_text()
    cadre.shot("request")

    # Accepts it.
    _act(laptop, appeal, Action.ACCEPT, note="已电话联系骑手核实情况。")
    appeal.refresh_from_db()
    assert appeal.status == Status.ACCEPTED and appeal.handler == district.street1_user
    assert appeal.submitted_at <= appeal.accepted_at <= appeal.accept_due
    assert _actions(appeal) == [Action.FILE, Action.ACCEPT]
    assert laptop.locator(f"[data-status={Status.ACCEPTED}]").is_visible()
    cadre.shot("accepted")

    # Records the wage claim (the structured facts are kept on the console side).
    laptop.click(f"#wage-claim a.button[href='{reverse('appeals:wage_claim', args=[appeal.pk])}']")
    laptop.wait_for_url(f"**{reverse('appeals:wage_claim', args=[appeal.pk])}")
    laptop.fill("#id_employer_name", "东街快送站")
    laptop.fill("#id_project_site", "东街道配送站点")
    laptop.fill("#id_workers_count", "1")
    laptop.fill("#id_amount", "8600")
    laptop.fill("#id_months_owed", "3")
    laptop.fill("#id_amount_recovered", "0")
    cadre.shot("wage-claim")
    laptop.click("form.console-form button[type=submit].primary")
    laptop.wait_for_url(f"**{reverse('appeals:detail', args=[appeal.pk])}")
    laptop.wait_for_selector("ul.messages li.msg-success")
    claim = WageClaim.objects.get(appeal=appeal)
    assert (claim.employer_name, claim.amount, claim.months_owed, claim.amount_recovered) == (
        "东街快送站", Decimal("8600.00"), 3, Decimal("0.00"))
    assert _actions(appeal) == [Action.FILE, Action.ACCEPT, Action.WAGE_CLAIM]

    # Answers the rider.
    _act(laptop, appeal, Action.ANSWER, answer=ANSWER)
    appeal.refresh_from_db()
    assert appeal.status == Status.ANSWERED and appeal.answer == ANSWER
    assert appeal.answered_by == district.street1_user and appeal.answered_at <= appeal.answer_due
    assert _actions(appeal) == [Action.FILE, Action.ACCEPT, Action.WAGE_CLAIM, Action.ANSWER]
    assert _shown_actions(laptop, "table.data tbody tr[data-action]") == _actions(appeal)
    cadre.shot("answered")

    # The rider was told twice (accepted, answered), each message linking the request.
    detail_url = reverse("appeals_portal:detail", args=[appeal.pk])
    notes = list(Notification.objects.filter(user=rider_user).order_by("pk"))
    assert [n.url for n in notes] == [detail_url, detail_url] and all(n.read_at is None for n in notes)

    # The rider opens the newest message, reads the answer and rates it satisfied.
    phone.goto(f"{url}/")
    phone.click("#tile-messages")
    phone.wait_for_url(f"**{reverse('notifications:inbox')}")
    assert phone.locator("article.card.unread").count() == 2
    screens.shot("inbox")
    phone.click(f"#notification-{notes[-1].pk} a[href='{detail_url}']")
    phone.wait_for_url(f"**{detail_url}")
    assert phone.locator(f"[data-status={Status.ANSWERED}]").is_visible()
    assert ANSWER in phone.locator("#answer").inner_text()
    screens.shot("answer")
    rate = phone.locator("form#rate")
    rate.locator(f"input[name=rating][value={Rating.SATISFIED}]").check()
    rate.locator("#id_comment").fill("谢谢工会，钱已经到账了。")
    screens.shot("rating")
    with phone.expect_navigation(url=f"**{detail_url}"):
        rate.locator("button[type=submit].primary").click()
    phone.wait_for_selector("ul.messages li.msg-success")
    appeal.refresh_from_db()
    assert (appeal.status, appeal.rating) == (Status.RATED, Rating.SATISFIED)
    assert appeal.rated_at is not None and not appeal.return_visits.exists()
    assert _actions(appeal) == [Action.FILE, Action.ACCEPT, Action.WAGE_CLAIM, Action.ANSWER, Action.RATE]
    assert phone.locator(f"[data-status={Status.RATED}]").is_visible()
    assert phone.locator("form#rate").count() == 0 and phone.locator("form#reopen").count() == 0
    assert _shown_actions(phone, "ol.steps li") == _actions(appeal)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    screens.shot("rated")

    # The cadre sees the rating and the whole history on the request page.
    laptop.reload()
    assert laptop.locator(f"[data-status={Status.RATED}]").is_visible()
    assert _shown_actions(laptop, "table.data tbody tr[data-action]") == _actions(appeal)
    cadre.shot("rated")
