"""/api/v1/imports/: upload, progress, list, report; the permission matrix; the shared error format."""

import io

import pytest
from python_calamine import CalamineWorkbook

from gonghui.accounts.tests.test_api_token import PREFIX, api_as, field_errors
from gonghui.imports.models import ImportJob
from gonghui.testing import make_resident_id, snapshot

from .helpers import MODELS, ROSTER_HEADERS, media_files, upload, xlsx_bytes


def post_file(client, *, kind="roster", org_id, data=None, name="roster.xlsx", capture):
    body = {"kind": kind, "org_id": org_id}
    if data is not None:
        body["file"] = upload(data, name)
    with capture(execute=True):
        return client.client.post(f"{PREFIX}/imports/", body, HTTP_ACCEPT_LANGUAGE="en", **client.headers)


def roster(*rows) -> bytes:
    return xlsx_bytes([ROSTER_HEADERS, *rows])


def good_row(name="甲"):
    return [name, make_resident_id(), "", "外卖骑手", "", ""]


def test_upload_and_follow_progress(district, django_capture_on_commit_callbacks):
    client = api_as("street1")
    data = roster(good_row(), ["乙", "bad", "", "快递员", "", ""])
    response = post_file(client, org_id=district.union_a.pk, data=data, capture=django_capture_on_commit_callbacks)
    assert response.status_code == 201, response.content
    body = response.json()
    job = ImportJob.objects.get()
    assert body["id"] == job.pk and body["kind"] == "roster" and body["org_id"] == district.union_a.pk
    progress = client.get(f"/imports/{job.pk}").json()
    assert {k: progress[k] for k in ("status", "total_rows", "processed_rows", "percent", "created", "unchanged",
                                     "failed", "org_name", "file_name")} == {
        "status": "done", "total_rows": 2, "processed_rows": 2, "percent": 100, "created": 1, "unchanged": 0,
        "failed": 1, "org_name": "东方机械厂工会", "file_name": "roster.xlsx"}
    assert progress["errors"] == [{"row": 3, "column": "身份证号",
                                   "reason": "The resident ID must be 18 characters: 17 digits and a digit or X."}]
    assert progress["report_url"] == f"{PREFIX}/imports/{job.pk}/report"
    report = client.client.get(progress["report_url"], **client.headers)
    assert report.status_code == 200
    rows = CalamineWorkbook.from_filelike(io.BytesIO(b"".join(report.streaming_content))).get_sheet_by_index(0)
    assert rows.to_python()[1][:2] == [3.0, "身份证号"]
    listed = client.get("/imports/").json()
    assert listed["count"] == 1 and listed["items"][0]["id"] == job.pk


def test_matrix(district, django_capture_on_commit_callbacks):
    capture = django_capture_on_commit_callbacks
    post_file(api_as("street1"), org_id=district.union_a.pk, data=roster(good_row()), capture=capture)
    job = ImportJob.objects.get()
    before, files = snapshot(*MODELS), media_files()

    anonymous = api_as(None)
    assert post_file(anonymous, org_id=district.union_a.pk, data=roster(good_row()), capture=capture).status_code == 401
    assert anonymous.get("/imports/").status_code == 401
    assert anonymous.get(f"/imports/{job.pk}").status_code == 401
    for username in ("nobody", "street2"):  # no right; a right on another subtree
        client = api_as(username)
        response = post_file(client, org_id=district.union_a.pk, data=roster(good_row()), capture=capture)
        assert response.status_code == 404 and response.json() == {"detail": "Not found."}
        assert client.get("/imports/").json() == {"items": [], "count": 0}
        assert client.get(f"/imports/{job.pk}").status_code == 404
        assert client.get(f"/imports/{job.pk}/report").status_code == 404
    snapshot_now = snapshot(*MODELS)
    # token sign-ins wrote audit rows (accounts); nothing else changed
    assert {k: v for k, v in snapshot_now.items() if k != "audit.AuditEvent"} == {
        k: v for k, v in before.items() if k != "audit.AuditEvent"}
    assert media_files() == files
    for username in ("grassroots1", "district"):  # cadres whose import scope covers union_a
        assert api_as(username).get(f"/imports/{job.pk}").status_code == 200
    assert api_as("street1").get(f"/imports/{job.pk + 1000}").status_code == 404


@pytest.mark.parametrize(("kind", "org", "data", "field", "message"), [
    ("roster", "union_a", xlsx_bytes([["姓名"], ["甲"]]), "file", "The file has no column “身份证号”"),
    ("roster", "union_a", b"\x89PNG\r\n\x1a\n\x00\x00", "file", "this file is neither"),
    ("roster", "union_a", None, "file", "This field is required."),
    ("roster", "street1", xlsx_bytes([ROSTER_HEADERS, ["甲"]]), "org_id", "does not take members directly"),
    ("payroll", "union_a", xlsx_bytes([ROSTER_HEADERS, ["甲"]]), "kind", "Please choose one of the allowed values."),
])
def test_refusals_use_the_shared_error_format(district, kind, org, data, field, message,
                                              django_capture_on_commit_callbacks):
    client = api_as("street1")
    before, files = snapshot(*MODELS[:-2]), media_files()
    response = post_file(client, kind=kind, org_id=getattr(district, org).pk, data=data,
                         capture=django_capture_on_commit_callbacks)
    field_errors(response)  # the shared shape
    errors = response.json()["errors"]
    assert {e["field"] for e in errors} == {field} and any(message in e["message"] for e in errors), errors
    assert snapshot(*MODELS[:-2]) == before and media_files() == files
