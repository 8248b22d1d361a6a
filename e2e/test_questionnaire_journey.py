"""R3.2 and R3.1: a delivery rider answers the street union's anonymous questionnaire on a phone (an
unanswered required question is named, nothing is kept until the answers are whole); a street cadre
reads the results and turns the answer the riders chose into a need on the needs list in one step, then
closes the loop: the district's rest stop is suggested for it, a project starts from that match in one
click, and completing the project answers the need, which the figures count.
"""

import datetime as dt

import pytest
from django.utils import timezone

from gonghui.core.choices import EmploymentForm
from gonghui.needs.models import Need, NeedSource, NeedStatus, ProjectStatus
from gonghui.needs.services import resource_create
from gonghui.surveys import services
from gonghui.surveys.models import Kind, Response
from gonghui.testing import PASSWORD, make_user, make_worker

from .conftest import Screens

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _sign_in(page, url: str, username: str, next_url: str = "/"):
    page.goto(f"{url}/accounts/login/?next={next_url}")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_url(f"{url}{next_url}")


def test_rider_answers_cadre_records_a_need(live_server, live_district, phone, laptop):
    district = live_district
    now = timezone.now()
    cadre = district.street1_user
    survey = services.questionnaire_create(
        actor=cadre, org=district.street1, title="东街道骑手需求问卷", opens_at=now - dt.timedelta(hours=1),
        closes_at=now + dt.timedelta(days=7), worker_groups=[EmploymentForm.DELIVERY_RIDER], anonymous=True)
    needs_q = services.question_add(actor=cadre, questionnaire=survey, kind=Kind.MULTIPLE, text="您最需要哪些服务？",
                                    options=["歇脚驿站", "法律援助", "子女托管"], max_choices=2)
    services.question_add(actor=cadre, questionnaire=survey, kind=Kind.RATING, text="您对现有驿站的满意度", scale=5)
    services.questionnaire_publish(actor=cadre, questionnaire=survey)
    rest_stop = needs_q.options.get(label="歇脚驿站")
    rest_stops = resource_create(actor=district.district, org=district.root, kind="venue", categories=["rest"],
                                 name="区总工会户外劳动者驿站", capacity=30)
    rider = make_user("rider1", mobile="13800003003")
    make_worker(name="陈骑手", org=district.joint1, user=rider, form=EmploymentForm.DELIVERY_RIDER,
                mobile="13800003003")

    worker = Screens(phone, "questionnaire-journey/rider")
    _sign_in(phone, live_server.url, "rider1")
    phone.click("#tile-surveys")
    phone.wait_for_url("**/surveys/")
    worker.shot("questionnaires")
    phone.locator("section.questionnaire a.button.primary").click()
    phone.wait_for_url(f"**/surveys/{survey.pk}/")
    assert phone.locator("#privacy .badge.ok").count() == 1  # told it is anonymous before answering
    phone.check(f"input[value='{rest_stop.pk}']")
    phone.click("button[type=submit].primary")  # the rating, required, is missing
    worker.shot("rating-missing")
    assert phone.locator("fieldset.has-error").count() == 1
    assert "2" in phone.locator("fieldset.has-error small.error").inner_text()  # names question 2
    assert Response.objects.count() == 0
    phone.check("fieldset:nth-of-type(2) input[type=radio][value='2']")
    worker.shot("answered-form")
    phone.click("button[type=submit].primary")
    phone.wait_for_url("**/surveys/")
    worker.shot("filled-in")
    assert phone.locator("section.questionnaire .badge.ok").count() == 1
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    response = Response.objects.get()
    assert response.worker is None and response.answers.count() == 2

    console = Screens(laptop, "questionnaire-journey/cadre")
    _sign_in(laptop, live_server.url, "street1", f"/console/surveys/{survey.pk}/results/")
    console.shot("results")
    assert "陈骑手" not in laptop.content()
    laptop.locator(f"#question-{needs_q.pk} a[href$='/needs/option/{rest_stop.pk}/']").click()
    laptop.wait_for_url(f"**/needs/option/{rest_stop.pk}/")
    assert laptop.locator("#headcount").inner_text() == "1"
    laptop.select_option("#id_category", "rest")
    console.shot("record-need")
    laptop.click("button[type=submit].primary")
    laptop.wait_for_url(f"**/console/surveys/{survey.pk}/results/")
    console.shot("recorded")
    assert laptop.locator(f"#question-{needs_q.pk} .badge.ok").count() == 1

    need = Need.objects.get()
    assert (need.source, need.headcount, need.org_id, need.worker_group, need.category) == (
        NeedSource.QUESTIONNAIRE, 1, district.street1.pk, EmploymentForm.DELIVERY_RIDER, "rest")
    assert need.source_ref == f"questionnaire:{survey.pk}:option:{rest_stop.pk}"

    # The need's page suggests the district's rest stop; one click starts a project with it.
    laptop.goto(f"{live_server.url}/console/needs/")
    laptop.locator(f"a[href='/console/needs/{need.pk}/']").first.click()
    laptop.wait_for_url(f"**/console/needs/{need.pk}/")
    console.shot("need-with-match")
    match = laptop.locator(f"form[action$='/match/{rest_stops.pk}/start/'] button")
    match.click()
    laptop.wait_for_url("**/console/needs/projects/*/")
    laptop.click("#project-start button, form[action$='/start/'] button.primary")
    laptop.wait_for_url("**/console/needs/projects/*/")
    laptop.fill("#id_complete-beneficiaries", "1")
    laptop.click("#complete button.primary")
    laptop.wait_for_url("**/console/needs/projects/*/")
    console.shot("project-done")
    need.refresh_from_db()
    assert need.status == NeedStatus.ANSWERED and need.project.status == ProjectStatus.DONE
    assert list(need.project.commitments.values_list("resource_id", "quantity")) == [(rest_stops.pk, 1)]

    laptop.goto(f"{live_server.url}/console/needs/report/")
    console.shot("figures")
    total = laptop.locator("#loop tfoot tr").inner_text()
    assert "100" in total  # one need, answered: 100% answered
