"""Console pages: upload, list, job page with HTMX progress, downloads; the permission matrix."""

import io

import pytest
from django.test import Client
from django.urls import reverse
from python_calamine import CalamineWorkbook

from gonghui.imports.models import ImportJob, ImportStatus
from gonghui.members import importers as roster
from gonghui.testing import PASSWORD, make_resident_id, snapshot

from .helpers import MODELS, ROSTER_HEADERS, media_files, run_import, upload, xlsx_bytes


def client_for(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    if user is not None:
        assert client.login(username=user.username, password=PASSWORD)
    return client


def roster_file(n=2) -> bytes:
    return xlsx_bytes([ROSTER_HEADERS] + [[f"员工{i}", make_resident_id(), "", "快递员", "", ""] for i in range(n)])


@pytest.fixture
def job(district, django_capture_on_commit_callbacks):
    """A finished street1 roster import into union_a, with one bad row (so it has a report)."""
    data = xlsx_bytes([ROSTER_HEADERS, ["甲", make_resident_id(), "", "快递员", "", ""], ["乙", "bad", "", "", "", ""]])
    return run_import(django_capture_on_commit_callbacks, user=district.street1_user, org=district.union_a, data=data)


def urls(job):
    return {
        "list": reverse("imports:list"), "new": reverse("imports:new"),
        "template": reverse("imports:template", args=["roster"]), "detail": reverse("imports:detail", args=[job.pk]),
        "progress": reverse("imports:progress", args=[job.pk]), "report": reverse("imports:report", args=[job.pk]),
    }


def test_anonymous_is_sent_to_sign_in(district, job):
    client = client_for(None)
    for url in urls(job).values():
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login")), url


def test_no_right_gets_403_or_404(district, job):
    client = client_for(district.nobody)
    expected = {"list": 403, "new": 403, "template": 403, "detail": 404, "progress": 404, "report": 404}
    for name, url in urls(job).items():
        assert client.get(url).status_code == expected[name], name


def test_other_subtree_sees_nothing_of_the_job(district, job):
    client = client_for(district.street2_user)
    assert client.get(reverse("imports:list")).status_code == 200
    assert f"#{job.pk}" not in client.get(reverse("imports:list")).content.decode()
    for name in ("detail", "progress", "report"):
        assert client.get(urls(job)[name]).status_code == 404, name


def test_creator_and_covering_cadres_see_the_job(district, job):
    for user in (district.street1_user, district.grassroots1, district.district):
        client = client_for(user)
        assert f"#{job.pk}" in client.get(reverse("imports:list")).content.decode()
        page = client.get(urls(job)["detail"]).content.decode()
        assert "东方机械厂工会" in page and urls(job)["report"] in page
    district.street1_user.grants.all().delete()  # the uploader keeps sight of their own job
    assert client_for(district.street1_user).get(urls(job)["detail"]).status_code == 200


def test_upload_through_the_console(district, django_capture_on_commit_callbacks):
    client = client_for(district.grassroots1)
    form = client.get(reverse("imports:new")).content.decode()
    assert "东方机械厂工会" in form and "西城商贸公司工会" not in form and 'enctype="multipart/form-data"' in form
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("imports:new"), {
            "kind": "roster", "org_id": district.union_a.pk, "file": upload(roster_file(3))})
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("imports:detail", args=[job.pk])
    assert (job.status, job.created_count, job.created_by) == (ImportStatus.DONE, 3, district.grassroots1)
    page = client.get(response["Location"]).content.decode()
    assert "hx-get" not in page  # finished: no more polling
    assert 'aria-valuenow="100"' in page


def test_refused_console_upload_shows_the_reason_and_changes_nothing(district, django_capture_on_commit_callbacks):
    client = client_for(district.street1_user)
    before, files = snapshot(*MODELS), media_files()
    bad = xlsx_bytes([["姓名", "用工形式"], ["甲", "快递员"]])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("imports:new"), {
            "kind": "roster", "org_id": district.union_a.pk, "file": upload(bad)})
    assert response.status_code == 200
    assert "The file has no column “身份证号”" in response.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("imports:new"), {
            "kind": "roster", "org_id": district.union_a.pk, "file": upload(b"%PDF-1.7\x00\x01", "r.xlsx")})
    assert response.status_code == 200 and "this file is neither" in response.content.decode()
    assert snapshot(*MODELS) == before and media_files() == files


@pytest.mark.parametrize("username", ["street2_user", "nobody"])
def test_console_upload_outside_the_scope(district, username, django_capture_on_commit_callbacks):
    client = client_for(getattr(district, username))
    before, files = snapshot(*MODELS), media_files()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("imports:new"), {
            "kind": "roster", "org_id": district.union_a.pk, "file": upload(roster_file())})
    assert response.status_code == (404 if username == "street2_user" else 403)
    assert snapshot(*MODELS) == before and media_files() == files


def test_progress_fragment_polls_while_running(district, job):
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.RUNNING, total_rows=200, processed_rows=50)
    fragment = client_for(district.street1_user).get(urls(job)["progress"]).content.decode()
    assert f'hx-get="{urls(job)["progress"]}"' in fragment and 'hx-trigger="every 2s"' in fragment
    assert 'aria-valuenow="25"' in fragment and "<html" not in fragment


def test_report_download(district, job):
    response = client_for(district.grassroots1).get(urls(job)["report"])
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    rows = CalamineWorkbook.from_filelike(io.BytesIO(b"".join(response.streaming_content))) \
        .get_sheet_by_index(0).to_python()
    assert [r[:2] for r in rows[1:]] == [[3.0, "身份证号"], [3.0, "用工形式"]]


def test_blank_templates_round_trip(district, django_capture_on_commit_callbacks):
    client = client_for(district.street1_user)
    for kind in ("roster", "census"):
        response = client.get(reverse("imports:template", args=[kind]))
        assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
        book = CalamineWorkbook.from_filelike(io.BytesIO(response.content))
        headers = book.get_sheet_by_index(0).to_python()[0]
        module = __import__(f"gonghui.{'members' if kind == 'roster' else 'enterprises'}.importers",
                            fromlist=["COLUMNS"])
        assert headers == [c.header for c in module.COLUMNS]
    assert client.get(reverse("imports:template", args=["payroll"])).status_code == 404
    # The roster template, filled in, imports as it is.
    headers = [c.header for c in roster.COLUMNS]
    job = run_import(django_capture_on_commit_callbacks, user=district.street1_user, org=district.union_a,
                     data=xlsx_bytes([headers, ["丙", make_resident_id(), "13800000000", "快递员", "", ""]]))
    assert job.created_count == 1


def test_census_upload_through_the_console(district, django_capture_on_commit_callbacks):
    from gonghui.enterprises.models import Enterprise
    from gonghui.testing import make_credit_code

    from .helpers import CENSUS_HEADERS

    code = make_credit_code()
    data = xlsx_bytes([CENSUS_HEADERS, [code, "西街新店", "H", "个体工商户", "3", "西街道", ""]])
    client = client_for(district.district)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("imports:new"), {
            "kind": "census", "org_id": district.root.pk, "file": upload(data, "census.xlsx")})
    assert response.status_code == 302
    assert Enterprise.objects.get(credit_code=code).street == district.street2


def test_list_page_query_budget(district, django_assert_max_num_queries, django_capture_on_commit_callbacks):
    for _ in range(3):
        run_import(django_capture_on_commit_callbacks, user=district.street1_user, org=district.union_a,
                   data=roster_file(1))
    client = client_for(district.street1_user)
    with django_assert_max_num_queries(8):  # session, user, grants, count, page, session save: not per job
        page = client.get(reverse("imports:list")).content.decode()
    assert page.count(reverse("imports:detail", args=[ImportJob.objects.first().pk])) == 1
