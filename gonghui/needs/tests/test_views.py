"""Console pages: status codes and content, street isolation, bad input shown next to its field."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gonghui.appeals.tests.conftest import file_for
from gonghui.audit.models import AuditEvent
from gonghui.needs import services
from gonghui.needs.models import Milestone, Need, NeedEvent, NeedStatus, Project, ProjectResource, Resource
from gonghui.testing import snapshot

from .conftest import make_need, make_project, make_resource

pytestmark = pytest.mark.django_db
ALL = (Need, NeedEvent, Project, ProjectResource, Resource, Milestone, AuditEvent)


def field_error(response, field, form="form"):
    """The message the page shows next to `field` (whatever the language): asserted to be on the page."""
    message = str(response.context[form].errors[field][0])
    assert message in response.content.decode()
    return message


NEED_POST = {"org": "", "title": "快递员冬季取暖点", "source": "forum", "category": "rest", "urgency": "high",
             "headcount": "25", "worker_group": "courier", "place": "东街道物流园", "detail": ""}


def test_lists_and_pages_render_for_a_street_cadre(client, lists):
    project = make_project(lists)
    client.force_login(lists.street1_user)
    for url, text in [
        ("/console/needs/", "骑手午间歇脚点"),
        ("/console/needs/resources/", "东街道职工之家"),
        ("/console/needs/projects/", project.title),
        (f"/console/needs/{lists.need.pk}/", "区总工会关爱基金"),  # suggested from the district
        (f"/console/needs/resources/{lists.venue1.pk}/", "骑手午间歇脚点"),  # the inverse match
        (f"/console/needs/projects/{project.pk}/", project.title),
        ("/console/needs/report/", "东街道新就业形态联合工会"),
        ("/console/needs/new/", "SQ"),
        ("/console/needs/resources/new/", "categories"),
        ("/console/needs/projects/new/", "milestones"),
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert text in response.content.decode(), url
    page = client.get("/console/needs/resources/").content.decode()
    assert "西街道职工之家" not in page and "138****5678" in page and "13812345678" not in page


def test_street_isolation_is_404(client, lists):
    theirs = make_need(lists, org=lists.union_b, title="西街需求")
    project = make_project(lists, org=lists.street2)
    client.force_login(lists.street1_user)
    for url in (f"/console/needs/{theirs.pk}/", f"/console/needs/{theirs.pk}/edit/",
                f"/console/needs/resources/{lists.venue2.pk}/", f"/console/needs/projects/{project.pk}/"):
        assert client.get(url).status_code == 404, url
    before = snapshot(*ALL)
    assert client.post(f"/console/needs/{theirs.pk}/decline/", {"reason": "x"}).status_code == 404
    assert client.post(f"/console/needs/projects/{project.pk}/complete/",
                       {"complete-beneficiaries": "1"}).status_code == 404
    assert snapshot(*ALL) == before
    assert "西街需求" not in client.get("/console/needs/").content.decode()
    # street1 sees the district's fund (it serves them) but may not edit it
    assert client.get(f"/console/needs/resources/{lists.fund.pk}/").status_code == 200
    assert client.get(f"/console/needs/resources/{lists.fund.pk}/edit/").status_code == 404


def test_need_list_filters(client, lists):
    make_need(lists, title="体检需求", category="health", source="questionnaire")
    client.force_login(lists.district)
    page = client.get("/console/needs/", {"category": "health"}).content.decode()
    assert "体检需求" in page and "骑手午间歇脚点" not in page
    page = client.get("/console/needs/", {"source": "visit"}).content.decode()
    assert "体检需求" not in page and "骑手午间歇脚点" in page
    page = client.get("/console/needs/", {"org": lists.street2.pk}).content.decode()
    assert "骑手午间歇脚点" not in page


def test_create_need_and_bad_input(client, lists):
    client.force_login(lists.street1_user)
    before = snapshot(*ALL)
    response = client.post("/console/needs/new/", {**NEED_POST, "org": lists.joint1.pk, "headcount": "0"})
    assert response.status_code == 200 and field_error(response, "headcount")
    assert snapshot(*ALL) == before
    response = client.post("/console/needs/new/", {**NEED_POST, "org": lists.union_b.pk})
    assert response.status_code == 200 and snapshot(*ALL) == before  # street2's union is not offered
    response = client.post("/console/needs/new/", {**NEED_POST, "org": lists.joint1.pk})
    need = Need.objects.get(title="快递员冬季取暖点")
    assert response.status_code == 302 and response["Location"] == f"/console/needs/{need.pk}/"
    assert need.source == "forum" and need.headcount == 25 and need.created_by == lists.street1_user


def test_create_need_from_a_request_number(client, lists):
    appeal = file_for(lists)
    client.force_login(lists.street1_user)
    before = snapshot(*ALL)
    response = client.post("/console/needs/new/", {"appeal-number": "SQ20200101999999", "appeal-category": "rights",
                                                   "appeal-headcount": "1"})
    assert response.status_code == 200 and field_error(response, "number", "appeal_form")
    assert snapshot(*ALL) == before
    response = client.post("/console/needs/new/", {"appeal-number": appeal.reference.lower(),
                                                   "appeal-category": "rights", "appeal-headcount": "2"})
    need = Need.objects.get(source="appeal")
    assert response.status_code == 302 and need.source_ref == f"appeal:{appeal.pk}" and need.headcount == 2
    response = client.post("/console/needs/new/", {"appeal-number": appeal.reference, "appeal-category": "rights",
                                                   "appeal-headcount": "2"})
    assert field_error(response, "number", "appeal_form") and Need.objects.filter(source="appeal").count() == 1
    client.force_login(lists.street2_user)
    response = client.post("/console/needs/new/", {"appeal-number": appeal.reference, "appeal-category": "rights",
                                                   "appeal-headcount": "2"})
    assert field_error(response, "number", "appeal_form") and Need.objects.filter(source="appeal").count() == 1
    # The need's page links back to the request it came from.
    client.force_login(lists.street1_user)
    page = client.get(f"/console/needs/{need.pk}/").content.decode()
    assert f'href="/console/appeals/{appeal.pk}/" id="origin"' in page


def test_the_request_page_offers_recording_it_as_a_need_once(client, lists):
    appeal = file_for(lists)
    client.force_login(lists.street1_user)
    page = client.get(f"/console/appeals/{appeal.pk}/").content.decode()
    link = f'href="/console/needs/new/?appeal={appeal.reference}#appeal-form" id="record-need"'
    assert link in page and 'id="need"' not in page
    form = client.get(f"/console/needs/new/?appeal={appeal.reference}").context["appeal_form"]
    assert form["number"].value() == appeal.reference
    client.post("/console/needs/new/", {"appeal-number": appeal.reference, "appeal-category": "rights",
                                        "appeal-headcount": "4"})
    need = Need.objects.get(source="appeal")
    page = client.get(f"/console/appeals/{appeal.pk}/").content.decode()
    assert f'href="/console/needs/{need.pk}/" id="need"' in page and 'id="record-need"' not in page
    client.force_login(lists.street2_user)  # not theirs: neither the request nor its need
    assert client.get(f"/console/appeals/{appeal.pk}/").status_code == 404


def test_a_need_from_a_questionnaire_links_to_its_results(client, lists):
    need = services.need_create(actor=lists.street1_user, org=lists.street1, title="歇脚点", source="questionnaire",
                                category="rest", headcount=3, source_ref="questionnaire:41:option:7")
    plain = make_need(lists)
    client.force_login(lists.street1_user)
    page = client.get(f"/console/needs/{need.pk}/").content.decode()
    assert 'href="/console/surveys/41/results/" id="origin"' in page
    assert 'id="origin"' not in client.get(f"/console/needs/{plain.pk}/").content.decode()


def test_decline_from_the_page(client, lists):
    client.force_login(lists.street1_user)
    before = snapshot(*ALL)
    response = client.post(f"/console/needs/{lists.need.pk}/decline/", {"reason": "  "})
    assert response.status_code == 400 and field_error(response, "reason", "decline_form")
    assert snapshot(*ALL) == before
    response = client.post(f"/console/needs/{lists.need.pk}/decline/", {"reason": "已由街道驿站覆盖"}, follow=True)
    assert response.status_code == 200 and "已由街道驿站覆盖" in response.content.decode()
    lists.need.refresh_from_db()
    assert lists.need.status == NeedStatus.DECLINED


def test_start_a_project_from_a_match_and_complete_it(client, lists):
    client.force_login(lists.street1_user)
    # street2's venue is never offered: 404, nothing changes
    before = snapshot(*ALL)
    assert client.post(f"/console/needs/{lists.need.pk}/match/{lists.venue2.pk}/start/").status_code == 404
    assert snapshot(*ALL) == before
    response = client.post(f"/console/needs/{lists.need.pk}/match/{lists.venue1.pk}/start/")
    project = Project.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/console/needs/projects/{project.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert "东街道职工之家" in page and "骑手午间歇脚点" in page and "badge warn" not in page
    before = snapshot(*ALL)
    response = client.post(f"/console/needs/projects/{project.pk}/complete/", {"complete-beneficiaries": "-3"})
    assert response.status_code == 400 and field_error(response, "beneficiaries", "complete_form")
    assert snapshot(*ALL) == before
    response = client.post(f"/console/needs/projects/{project.pk}/milestones/",
                           {"milestone-title": "场地落实", "milestone-due_on": "2026-07-01"})
    assert response.status_code == 302
    milestone = project.milestones.get()
    Milestone.objects.filter(pk=milestone.pk).update(due_on=dt.date(2020, 1, 1))
    assert "badge warn" in client.get(f"/console/needs/projects/{project.pk}/").content.decode()  # overdue
    assert client.post(f"/console/needs/milestones/{milestone.pk}/done/").status_code == 302
    response = client.post(f"/console/needs/projects/{project.pk}/complete/", {"complete-beneficiaries": "9"})
    assert response.status_code == 302
    lists.need.refresh_from_db()
    milestone.refresh_from_db()
    assert lists.need.status == NeedStatus.ANSWERED and milestone.done_on is not None


def test_join_an_existing_project_from_a_match(client, lists):
    project = make_project(lists)
    client.force_login(lists.street1_user)
    page = client.get(f"/console/needs/{lists.need.pk}/").content.decode()
    assert f"/console/needs/{lists.need.pk}/match/{lists.fund.pk}/join/" in page and project.title in page
    response = client.post(f"/console/needs/{lists.need.pk}/match/{lists.fund.pk}/join/", {"project": project.pk})
    assert response.status_code == 302
    assert project.commitments.get().resource == lists.fund


def test_resource_and_project_forms(client, lists):
    client.force_login(lists.street1_user)
    before = snapshot(*ALL)
    response = client.post("/console/needs/resources/new/", {"org": lists.street1.pk, "kind": "venue", "name": "图书角",
                                                             "capacity": "10", "available": "on"})
    assert response.status_code == 200 and field_error(response, "categories")
    response = client.post("/console/needs/projects/new/", {"org": lists.street1.pk, "title": "送清凉",
                                                            "budget": "100", "milestones": "七月 场地"})
    assert response.status_code == 200 and "1" in field_error(response, "milestones")
    assert snapshot(*ALL) == before
    response = client.post("/console/needs/resources/new/", {"org": lists.street1.pk, "kind": "volunteers",
                                                             "name": "法律志愿者", "categories": ["rights"],
                                                             "capacity": "30", "available": "on"})
    assert response.status_code == 302 and Resource.objects.get(name="法律志愿者").categories == ["rights"]
    response = client.post("/console/needs/projects/new/", {"org": lists.street1.pk, "title": "送清凉",
                                                            "budget": "1200.50",
                                                            "milestones": "2026-07-01 采购\n2026-07-15 发放"})
    project = Project.objects.get(title="送清凉")
    assert response.status_code == 302 and project.milestones.count() == 2 and str(project.budget) == "1200.50"


def test_report_page_and_bad_filter(client, lists):
    client.force_login(lists.district)
    page = client.get("/console/needs/report/").content.decode()
    assert "东街道总工会" in page and "西街道总工会" in page and "0.0%" in page
    assert f'href="?org={lists.street1.pk}"' in page  # drill down to a street
    page = client.get("/console/needs/report/", {"org": lists.street1.pk}).content.decode()
    assert "东街道新就业形态联合工会" in page and f'href="?org={lists.street2.pk}"' not in page
    client.force_login(lists.street2_user)
    assert client.get("/console/needs/report/", {"org": lists.street1.pk}).status_code == 400
    client.force_login(lists.district)
    response = client.get("/console/needs/report/", {"created_from": "2026-06-30", "created_to": "2026-06-01"})
    assert response.status_code == 400 and field_error(response, "created_to")


def test_workers_and_anonymous_are_kept_out(client, lists):
    assert client.get("/console/needs/").status_code == 302
    client.force_login(lists.worker1_user)
    assert client.get("/console/needs/").status_code == 403


def _queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("url", ["/console/needs/", "/console/needs/resources/", "/console/needs/projects/",
                                 "/console/needs/report/"])
def test_list_pages_take_no_query_per_row(client, lists, url):
    client.force_login(lists.district)
    services.need_take_up(actor=lists.district, need=lists.need, project=make_project(lists))  # one row of each
    _queries(client, url)  # warm the session
    few = _queries(client, url)
    for n in range(5):
        need = make_need(lists, title=f"需求{n}", org=lists.union_a)
        project = make_project(lists, title=f"项目{n}")
        make_resource(lists, name=f"资源{n}")
        services.need_take_up(actor=lists.district, need=need, project=project)
    assert _queries(client, url) == few


def test_resource_and_project_lists_filter_by_union(client, lists):
    make_project(lists, org=lists.street2, title="西街项目")
    client.force_login(lists.district)
    page = client.get("/console/needs/resources/", {"org": lists.street2.pk}).content.decode()
    assert "西街道职工之家" in page and "东街道职工之家" not in page
    page = client.get("/console/needs/projects/", {"org": lists.street1.pk}).content.decode()
    assert "西街项目" not in page
    page = client.get("/console/needs/projects/", {"org": lists.street2.pk}).content.decode()
    assert "西街项目" in page


def test_edit_pages(client, lists):
    client.force_login(lists.street1_user)
    url = f"/console/needs/{lists.need.pk}/edit/"
    assert client.get(url).status_code == 200
    before = snapshot(*ALL)
    response = client.post(url, {"title": "", "category": "rest", "urgency": "normal", "headcount": "10"})
    assert response.status_code == 200 and field_error(response, "title") and snapshot(*ALL) == before
    response = client.post(url, {"title": "骑手午间歇脚点（含充电）", "category": "rest", "urgency": "high",
                                 "headcount": "12"})
    assert response.status_code == 302
    lists.need.refresh_from_db()
    assert lists.need.headcount == 12 and lists.need.urgency == "high" and lists.need.source == "visit"
    project = make_project(lists)
    url = f"/console/needs/projects/{project.pk}/edit/"
    response = client.post(url, {"title": project.title, "budget": "-1"})
    assert response.status_code == 200 and field_error(response, "budget")
    response = client.post(url, {"title": project.title, "budget": "800", "starts_on": "2026-07-01"})
    project.refresh_from_db()
    assert response.status_code == 302 and str(project.budget) == "800.00"
    client.force_login(lists.district)
    url = f"/console/needs/resources/{lists.venue1.pk}/edit/"
    response = client.post(url, {"kind": "venue", "name": "东街道职工之家", "categories": ["rest", "culture"],
                                 "capacity": "25", "contact_phone": "010-1234"})
    assert response.status_code == 200 and field_error(response, "contact_phone")
    response = client.post(url, {"kind": "venue", "name": "东街道职工之家", "categories": ["rest", "culture"],
                                 "capacity": "25", "available": "on"})
    lists.venue1.refresh_from_db()
    assert response.status_code == 302 and lists.venue1.categories == ["rest", "culture"]
    assert lists.venue1.capacity == 25


@pytest.fixture
def pages(lists):
    """Every console page of the app, for street1's objects (a street2 cadre must get 404 on each)."""
    project = make_project(lists)
    milestone_project = make_project(lists, title="带里程碑", milestones=[("场地", dt.date(2026, 7, 1))])
    lists.urls = [
        f"/console/needs/{lists.need.pk}/", f"/console/needs/{lists.need.pk}/edit/",
        f"/console/needs/resources/{lists.venue1.pk}/", f"/console/needs/resources/{lists.venue1.pk}/edit/",
        f"/console/needs/projects/{project.pk}/", f"/console/needs/projects/{project.pk}/edit/",
    ]
    lists.posts = [
        f"/console/needs/{lists.need.pk}/decline/", f"/console/needs/{lists.need.pk}/take-up/",
        f"/console/needs/{lists.need.pk}/match/{lists.venue1.pk}/start/",
        f"/console/needs/{lists.need.pk}/match/{lists.venue1.pk}/join/",
        f"/console/needs/projects/{project.pk}/start/", f"/console/needs/projects/{project.pk}/complete/",
        f"/console/needs/projects/{project.pk}/cancel/", f"/console/needs/projects/{project.pk}/milestones/",
        f"/console/needs/projects/{project.pk}/resources/",
        f"/console/needs/milestones/{milestone_project.milestones.get().pk}/done/",
    ]
    return lists


def test_permission_matrix(client, pages):
    lists_ = ["/console/needs/", "/console/needs/resources/", "/console/needs/projects/", "/console/needs/report/",
              "/console/needs/new/", "/console/needs/resources/new/", "/console/needs/projects/new/"]
    before = snapshot(*ALL)
    for url in lists_ + pages.urls + pages.posts:  # anonymous: sign in first
        response = client.post(url) if url in pages.posts else client.get(url)
        assert response.status_code == 302 and "/login/" in response["Location"], url
    client.force_login(pages.worker1_user)  # no cadre right
    for url in lists_ + pages.urls + pages.posts:
        response = client.post(url) if url in pages.posts else client.get(url)
        assert response.status_code == 403, url
    client.force_login(pages.street2_user)  # right elsewhere
    for url in pages.urls + pages.posts:
        response = client.post(url) if url in pages.posts else client.get(url)
        assert response.status_code == 404, url
    assert snapshot(*ALL) == before
    client.force_login(pages.street1_user)  # right here
    for url in lists_ + pages.urls:
        assert client.get(url).status_code == 200, url
