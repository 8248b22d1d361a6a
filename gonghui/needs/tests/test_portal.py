""""You said, we did" in the portal: a member sees their street's needs of the last 12 months and how each
ended, with figures counted as the console counts them; no personal data; friendly for non-members."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from gonghui.accounts.roles import Role
from gonghui.needs import selectors, services
from gonghui.needs.models import Need
from gonghui.orgs.models import OrgKind
from gonghui.orgs.services import org_create
from gonghui.testing import make_user, make_worker

from .conftest import make_need, make_project

pytestmark = pytest.mark.django_db
URL = "/heard/"
SENTINEL_DETAIL = "DETAIL-SENTINEL-张师傅说"
SENTINEL_REF = "visit:REF-SENTINEL-42"


def ago(days, hours=0):
    return timezone.now() - dt.timedelta(days=days, hours=hours)


def set_times(need, created, closed=None):
    fields = {"created_at": created} | ({"closed_at": closed} if closed else {})
    Need.objects.filter(pk=need.pk).update(**fields)


@pytest.fixture
def heard(district):
    """street1's subtree in the last 12 months: 2 answered (4 and 10 days), 1 declined, 1 taken up, 1 open;
    one answered need 400 days old; street2: one open need."""
    d = district
    d.recorder = make_user("recorder_zhou", role=Role.STREET_CADRE, org=d.street1, first_name="周记录员")
    d.n_rider = make_need(d, org=d.joint1, actor=d.recorder, title="骑手午间歇脚点", detail=SENTINEL_DETAIL,
                          source_ref=SENTINEL_REF, worker_group="delivery_rider", headcount=40,
                          place="东街道万达广场")
    d.n_canteen = make_need(d, org=d.union_a, actor=d.recorder, title="车间夜班热饭", category="health",
                            headcount=12)
    d.done_project = make_project(d, title="东街道户外劳动者驿站")
    for need in (d.n_rider, d.n_canteen):
        services.need_take_up(actor=d.district, need=need, project=d.done_project)
    services.project_complete(actor=d.district, project=d.done_project, beneficiaries=55, now=ago(2))
    set_times(d.n_rider, ago(6))  # answered after 4 days
    set_times(d.n_canteen, ago(12))  # answered after 10 days
    d.n_parking = make_need(d, org=d.street1, title="电动车充电桩", category="housing", headcount=30)
    services.need_decline(actor=d.district, need=d.n_parking, reason="物业不同意改造，已转交街道办", now=ago(1))
    set_times(d.n_parking, ago(3))
    d.n_course = make_need(d, org=d.union_a, title="叉车证培训", category="employment", headcount=8)
    d.running = make_project(d, org=d.union_a, actor=d.grassroots1, title="技能提升计划")
    services.need_take_up(actor=d.district, need=d.n_course, project=d.running)
    set_times(d.n_course, ago(5))
    d.n_open = make_need(d, org=d.joint1, title="雨天雨衣发放", headcount=20)
    set_times(d.n_open, ago(1))
    d.n_old = make_need(d, org=d.joint1, title="去年的冬季暖手包", headcount=9)
    d.old_project = make_project(d, title="去年冬送温暖")
    services.need_take_up(actor=d.district, need=d.n_old, project=d.old_project)
    services.project_complete(actor=d.district, project=d.old_project, beneficiaries=9, now=ago(390))
    set_times(d.n_old, ago(400))
    d.n_west = make_need(d, org=d.union_b, title="西街商场员工休息室", category="rest", headcount=15)
    return d


def page(client, user, **params):
    client.force_login(user)
    response = client.get(URL, params)
    assert response.status_code == 200
    return response, response.content.decode()


def titles(html):
    return [t for t in ("骑手午间歇脚点", "车间夜班热饭", "电动车充电桩", "叉车证培训", "雨天雨衣发放",
                        "去年的冬季暖手包", "西街商场员工休息室") if t in html]


def test_member_of_union_a_sees_their_street_newest_first(client, heard):
    response, html = page(client, heard.worker1_user)
    assert response.context["area"] == heard.street1
    # joint1's and the street's own needs too; not street2's, nor the one older than 12 months
    shown = [n.title for n in response.context["page_obj"]]
    assert shown == ["雨天雨衣发放", "电动车充电桩", "叉车证培训", "骑手午间歇脚点", "车间夜班热饭"]
    assert set(titles(html)) == set(shown)
    # how each ended, in the words cadres wrote for display
    card = html[html.index(f'id="need-{heard.n_rider.pk}"'):html.index(f'id="need-{heard.n_canteen.pk}"')]
    assert "东街道户外劳动者驿站" in card and "55" in card and "东街道万达广场" in card
    assert "东街道新就业形态联合工会" in card  # the union that heard it
    assert "物业不同意改造，已转交街道办" in html
    assert "技能提升计划" in html
    assert timezone.localdate(ago(2)).isoformat() in card  # the day it was closed


def test_member_of_street2_sees_only_street2(client, heard):
    user = make_user("worker_west", mobile="13600007777")
    make_worker(name="赵七", org=heard.union_b, user=user, mobile="13600007777")
    response, html = page(client, user)
    assert response.context["area"] == heard.street2
    assert titles(html) == ["西街商场员工休息室"]


def test_no_personal_data_on_the_page(client, heard):
    _, html = page(client, heard.worker1_user)
    for text in (SENTINEL_DETAIL, "REF-SENTINEL-42", "recorder_zhou", "周记录员"):
        assert text not in html
    # nor in what the list rows carry: those fields are not even read from the database
    rows = list(selectors.heard_needs(org=heard.street1))
    deferred = rows[0].get_deferred_fields()
    assert {"detail", "source_ref", "created_by_id", "source"} <= deferred


def test_summary_hand_counted(client, heard):
    response, html = page(client, heard.worker1_user)
    summary = response.context["summary"]
    # street1, last 12 months: rider (4 days) and canteen (10 days) answered, parking declined, course taken up,
    # raincoats open; last year's need and street2's do not count
    assert (summary.total, summary.answered, summary.declined, summary.in_project, summary.open) == (5, 2, 1, 1, 1)
    assert summary.share_answered == 40.0
    assert summary.median_days == 7.0
    block = html[html.index('id="heard-summary"'):html.index('id="heard-filters"')]
    assert re.search(r"<strong>5</strong>", block) and re.search(r"<strong>2</strong>", block)
    assert "40.0%" in block and "7.0" in block


def test_summary_counts_as_the_console_report(heard):
    since = selectors.heard_since()
    report = selectors.closed_loop_report(user=heard.street1_user, org=heard.street1,
                                          created_from=timezone.localdate(since))
    mine = selectors.heard_summary(org=heard.street1)
    for name in ("total", "open", "in_project", "answered", "declined", "old_open", "share_answered",
                 "median_days", "mean_days"):
        assert getattr(mine, name) == getattr(report.total, name), name


def test_empty_summary_shows_dashes(client, district):
    _, html = page(client, district.worker1_user)
    block = html[html.index('id="heard-summary"'):html.index('id="heard-filters"')]
    assert "<strong>0</strong>" in block and "—" in block
    assert 'class="empty"' in html


def test_filters_category_and_done_only(client, heard):
    response, _ = page(client, heard.worker1_user, category="health")
    assert [n.title for n in response.context["page_obj"]] == ["车间夜班热饭"]
    response, _ = page(client, heard.worker1_user, done="1")
    assert [n.title for n in response.context["page_obj"]] == ["骑手午间歇脚点", "车间夜班热饭"]
    response, _ = page(client, heard.worker1_user, done="1", category="rest")
    assert [n.title for n in response.context["page_obj"]] == ["骑手午间歇脚点"]
    response, html = page(client, heard.worker1_user, category="housing", done="1")
    assert list(response.context["page_obj"]) == [] and 'class="empty"' in html
    # an unknown category is ignored, not an error; the summary never follows the filters
    response, _ = page(client, heard.worker1_user, category="nonsense")
    assert len(response.context["page_obj"]) == 5 and response.context["category"] == ""
    assert response.context["summary"].total == 5


def test_no_membership_gets_a_way_to_join(client, heard):
    response, html = page(client, heard.nobody)
    assert 'id="heard-not-member"' in html and f'href="{reverse("portal:join")}"' in html
    assert titles(html) == []


def test_pending_application_is_told_to_wait(client, heard):
    user = make_user("applicant_w", mobile="13600006666")
    make_worker(name="孙八", org=heard.union_a, user=user, active=False, mobile="13600006666")
    response, html = page(client, user)
    assert 'id="heard-not-member"' in html and f'href="{reverse("portal:membership")}"' in html
    assert 'id="heard-join"' not in html and titles(html) == []


def test_anonymous_is_sent_to_sign_in(client, heard):
    response = client.get(URL)
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


def test_phone_friendly_cards_no_tables(client, heard):
    _, html = page(client, heard.worker1_user)
    assert "<table" not in html
    assert html.count('class="card heard-need"') == 5
    assert not re.search(r"width:\s*\d{3,}px", html)
    assert '<meta name="viewport"' in html


def test_home_has_the_tile(client, heard):
    client.force_login(heard.worker1_user)
    html = client.get("/").content.decode()
    assert 'id="tile-heard"' in html and f'href="{URL}"' in html


def test_list_queries_do_not_grow_with_rows_and_pages_by_20(client, heard):
    client.force_login(heard.worker1_user)
    with CaptureQueriesContext(connection) as few:
        assert client.get(URL).status_code == 200
    extra_project = make_project(heard, title="批量项目")
    for i in range(20):
        need = make_need(heard, org=heard.union_a if i % 2 else heard.joint1, title=f"批量需求{i}",
                         place="东街道", worker_group="courier")
        if i % 3 == 0:
            services.need_take_up(actor=heard.district, need=need, project=extra_project)
    services.project_complete(actor=heard.district, project=extra_project, beneficiaries=7)
    with CaptureQueriesContext(connection) as many:
        response = client.get(URL)
    assert response.status_code == 200
    assert len(many.captured_queries) == len(few.captured_queries)
    # on the needs: the page's count and rows, the summary's counts and answered times
    assert sum('"needs_need"' in q["sql"] for q in many.captured_queries) == 4
    assert response.content.decode().count('class="card heard-need"') == 20
    second = client.get(URL, {"page": 2})
    assert second.content.decode().count('class="card heard-need"') == 5
    assert len(titles(second.content.decode())) == 5  # the five of the fixture, older than the batch


def test_area_for_unions_in_no_street(district):
    industry = org_create(actor=None, parent=district.root, name="区建设系统工会联合会", kind=OrgKind.INDUSTRY)
    company = org_create(actor=None, parent=industry, name="区建工集团工会", kind=OrgKind.GRASSROOTS)
    assert selectors.heard_area(company) == industry
    assert selectors.heard_area(industry) == industry
    assert selectors.heard_area(district.union_a) == district.street1
    assert selectors.heard_area(district.street1) == district.street1
    make_need(district, org=company, title="工地高温补贴")
    make_need(district, org=district.union_a, title="东街需求")
    assert [n.title for n in selectors.heard_needs(org=industry)] == ["工地高温补贴"]


def test_since_is_a_year_back_on_leap_day():
    leap = dt.datetime(2028, 2, 29, 12, 0, tzinfo=dt.UTC)
    assert timezone.localdate(selectors.heard_since(leap)) == dt.date(2027, 2, 28)
