"""Issue 5: a street cadre opens the blind spots of the coverage page, takes up an enterprise without a
union through its establishment plan (一企一策), records a visit, moves the plan step by step to
"established", and the new grassroots union appears in the organisation tree under the street.
"""

import datetime as dt

import pytest
from django.urls import reverse

from gonghui.enterprises.models import Enterprise
from gonghui.orgs.models import OrgKind
from gonghui.outreach.models import Answer, Concern, EstablishmentPlan, Stage
from gonghui.testing import PASSWORD

from .conftest import Screens

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _save(page, url_glob: str):
    """Submit the console form on the page and wait for the redirect to `url_glob`."""
    page.click("form.console-form button[type=submit].primary")
    page.wait_for_url(url_glob)
    page.wait_for_selector("ul.messages li.msg-success")


def test_street_cadre_takes_a_blind_spot_to_an_established_union(live_server, live_district, laptop):
    district, page = live_district, laptop
    enterprise = district.enterprise_none
    url = live_server.url
    cadre = Screens(page, "outreach-journey/cadre")

    # Sign in as the street cadre of 东街道.
    page.goto(f"{url}/accounts/login/")
    page.fill("#id_username", "street1")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_url("**/console/**")

    # The coverage page: the street is among the blind spots, and one enterprise has no union.
    page.goto(f"{url}{reverse('coverage:overview')}")
    board_link = page.locator(
        f"ol[data-list=blind_streets] a[href='{reverse('outreach:board')}?street={district.street1.pk}']")
    assert board_link.is_visible()
    assert page.locator("#coverage-headline [data-figure=uncovered]").inner_text().strip() == "1"
    cadre.shot("coverage")

    # The list of enterprises without a union behind that figure: ours is there, without a plan yet.
    page.click(f"#coverage-headline a.stat[href^='{reverse('coverage:uncovered')}']")
    page.wait_for_url("**/coverage/uncovered/**")
    row = page.locator(f"table.data tbody tr:has(a[href='{reverse('enterprises:detail', args=[enterprise.pk])}'])")
    assert row.count() == 1
    assert row.locator("td").last.locator("a").count() == 0  # no plan to open yet
    cadre.shot("uncovered")

    # Back to the blind spots, on to the street's establishment plans; the cadre creates the missing plans.
    page.go_back()
    page.wait_for_url("**/coverage/")
    board_link.click()
    page.wait_for_url(f"**{reverse('outreach:board')}?street={district.street1.pk}")
    assert not EstablishmentPlan.objects.exists()
    cadre.shot("board-empty")
    page.click(f"form[action='{reverse('outreach:ensure')}'] button[type=submit]")
    page.wait_for_url(f"**{reverse('outreach:board')}")
    page.wait_for_selector("ul.messages li.msg-success")
    plan = EstablishmentPlan.objects.get(enterprise=enterprise)
    assert plan.stage == Stage.NOT_STARTED
    assert plan.commissioner == district.street1_user
    detail_url = reverse("outreach:detail", args=[plan.pk])
    card = page.locator(f"section[aria-labelledby=stage-{Stage.NOT_STARTED}] article a[href='{detail_url}']")
    assert card.is_visible()
    cadre.shot("board-with-plan")

    # The uncovered list now links the plan: open it from there.
    page.goto(f"{url}{reverse('coverage:uncovered')}")
    row.locator(f"a[href='{detail_url}']").click()
    page.wait_for_url(f"**{detail_url}")
    cadre.shot("plan")

    # Record a visit: the plan moves from "not started" to "visited" by itself.
    page.click(f"a.button[href='{reverse('outreach:visit', args=[plan.pk])}']")
    page.wait_for_url("**/visit/")
    today = dt.date.today().isoformat()  # noqa: DTZ011 - a calendar date, as the service checks it
    page.fill("#id_visited_on", today)
    page.select_option("#id_commissioner", str(district.street1_user.pk))
    page.check(f"input[name=concerns][value={Concern.COST}]")
    page.check(f"input[name=concerns][value={Concern.NO_BENEFIT}]")
    page.select_option("#id_answer", Answer.CONSIDERING)
    page.fill("#id_notes", "老板担心会费负担，下周带上会费返还政策再来。")
    cadre.shot("visit-form")
    _save(page, f"**{detail_url}")
    plan.refresh_from_db()
    assert plan.stage == Stage.VISITED
    visit = plan.visits.get()
    assert visit.visited_on.isoformat() == today and visit.answer == Answer.CONSIDERING
    assert visit.concerns == [Concern.COST, Concern.NO_BENEFIT]
    assert visit.commissioner == district.street1_user and visit.recorded_by == district.street1_user
    assert page.locator("table.data tbody tr").count() >= 2  # the visit and the first stage event
    cadre.shot("plan-visited")

    # "Visited" → "preparing": "established" is not yet offered.
    move_link = f"a.button[href='{reverse('outreach:move', args=[plan.pk])}']"
    page.click(move_link)
    page.wait_for_url("**/move/")
    offered = page.locator("#id_to_stage option").evaluate_all("opts => opts.map(o => o.value).filter(Boolean)")
    assert set(offered) == {Stage.PREPARING, Stage.DECLINED}
    page.select_option("#id_to_stage", Stage.PREPARING)
    page.fill("#id_note", "企业同意筹建，正在推选筹备组。")
    _save(page, f"**{detail_url}")
    plan.refresh_from_db()
    assert plan.stage == Stage.PREPARING

    # "Preparing" → "established": the union name and founding date are prefilled, the chair is entered.
    page.click(move_link)
    page.wait_for_url("**/move/")
    assert Stage.ESTABLISHED in page.locator("#id_to_stage option").evaluate_all("opts => opts.map(o => o.value)")
    page.select_option("#id_to_stage", Stage.ESTABLISHED)
    assert page.input_value("#id_union_name") == f"{enterprise.name}工会"
    assert page.input_value("#id_founded_on") == today
    page.fill("#id_chair_name", "周建华")
    cadre.shot("move-established")
    _save(page, f"**{detail_url}")
    plan.refresh_from_db()
    enterprise.refresh_from_db()
    assert plan.stage == Stage.ESTABLISHED
    union = enterprise.union
    assert union is not None
    assert union.parent_id == district.street1.pk
    assert union.kind == OrgKind.GRASSROOTS and union.name == f"{enterprise.name}工会"
    assert union.chair_name == "周建华" and union.founded_on == dt.date.today()  # noqa: DTZ011
    assert list(plan.events.order_by("pk").values_list("to_stage", flat=True)) == [
        Stage.VISITED, Stage.PREPARING, Stage.ESTABLISHED]
    assert page.locator("dl.facts .badge.ok").is_visible()  # the stage badge shows "established"
    assert page.locator(move_link).count() == 0  # "established" is final
    cadre.shot("plan-established")

    # The organisation tree: the new union sits right under 东街道总工会, one level deeper.
    page.click(f"nav.sidenav a[href='{reverse('orgs:tree')}']")
    page.wait_for_url(f"**{reverse('orgs:tree')}")
    names = page.locator("table.tree tbody td.name")
    hrefs = names.locator("a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    street_href = reverse("orgs:detail", args=[district.street1.pk])
    union_href = reverse("orgs:detail", args=[union.pk])
    assert street_href in hrefs and union_href in hrefs
    assert hrefs.index(street_href) < hrefs.index(union_href)
    street_cell = page.locator(f"table.tree td.name:has(a[href='{street_href}'])")
    union_cell = page.locator(f"table.tree td.name:has(a[href='{union_href}'])")
    street_depth = int(street_cell.get_attribute("class").split("depth-")[1].split()[0])
    union_depth = int(union_cell.get_attribute("class").split("depth-")[1].split()[0])
    assert union_depth == street_depth + 1
    assert union_cell.locator("a").inner_text().strip() == union.name
    cadre.shot("tree")

    # Its page names the street as its parent; the enterprise no longer counts as uncovered.
    union_cell.locator("a").click()
    page.wait_for_url(f"**{union_href}")
    assert page.locator(f".toolbar a[href='{street_href}']").is_visible()
    cadre.shot("union")
    assert not Enterprise.objects.filter(street=district.street1, union__isnull=True).exists()
    page.goto(f"{url}{reverse('coverage:overview')}")
    assert page.locator("#coverage-headline [data-figure=uncovered]").inner_text().strip() == "0"
    cadre.shot("coverage-after")
