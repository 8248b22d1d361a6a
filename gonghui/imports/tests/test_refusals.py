"""Refused uploads change nothing: no job, no stored file, no member, no audit row."""

import io
import zipfile

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from gonghui.imports.services import import_start
from gonghui.testing import make_resident_id, snapshot

from .helpers import MODELS, ROSTER_HEADERS, csv_bytes, media_files, upload, xlsx_bytes

GOOD_ROW = ["甲", "110105199003071239", "", "快递员", "", ""]


def refuse(district, *, data: bytes, name="roster.xlsx", kind="roster", org=None, user=None,
           capture=None) -> dict:
    """Start an import that must be refused; return the error dict after checking nothing changed."""
    before, files = snapshot(*MODELS), media_files()
    with translation.override("en"), pytest.raises(ValidationError) as exc, capture(execute=True):
        import_start(user=user or district.street1_user, kind=kind, org=org or district.union_a,
                     upload=upload(data, name))
    assert snapshot(*MODELS) == before and media_files() == files
    return exc.value.message_dict


def test_missing_required_header_refuses_the_whole_file(district, django_capture_on_commit_callbacks):
    rows = [["姓名", "手机号", "用工形式"], ["甲", "13800000000", "快递员"]]
    errors = refuse(district, data=xlsx_bytes(rows), capture=django_capture_on_commit_callbacks)
    assert errors == {"file": ["The file has no column “身份证号”; the first row must hold the column headers of "
                               "the template."]}


def test_every_missing_and_repeated_column_is_named(district, django_capture_on_commit_callbacks):
    rows = [["姓名", "姓名 ", "Mobile"], ["甲", "乙", ""]]
    errors = refuse(district, data=csv_bytes(rows), name="x.csv", capture=django_capture_on_commit_callbacks)
    assert errors["file"] == [
        "The column “姓名” appears more than once.",
        "The file has no column “身份证号”; the first row must hold the column headers of the template.",
        "The file has no column “用工形式”; the first row must hold the column headers of the template.",
    ]


def _zip(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, content in members.items():
            zf.writestr(name, content)
    return buf.getvalue()


@pytest.mark.parametrize(("data", "message"), [
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)),
     "Please upload an Excel workbook (.xlsx) or a CSV text file saved as UTF-8 or GB18030; this file is neither."),
    (_zip({"word/document.xml": b"<w/>", "[Content_Types].xml": b"<x/>"}),
     "This file is not an Excel workbook (.xlsx); please upload the filled-in template."),
    (b"PK\x03\x04garbage that is not a zip",
     "The Excel workbook cannot be read; it may be damaged. Open it in Excel and save it again."),
    (_zip({"xl/workbook.xml": b"<not really/>", "[Content_Types].xml": b"<x/>"}),
     "The Excel workbook cannot be read; it may be damaged. Open it in Excel and save it again."),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512,
     "Old Excel .xls workbooks cannot be read; please save the file as an Excel workbook (.xlsx)."),
    ("姓名,身份证号\n".encode("utf-16"),
     "Please upload an Excel workbook (.xlsx) or a CSV text file saved as UTF-8 or GB18030; this file is neither."),
    (b"\xff\xfe\xfa\x80\x81", "Please upload an Excel workbook (.xlsx) or a CSV text file saved as UTF-8 or GB18030; "
                              "this file is neither."),
], ids=["png", "docx", "broken-zip", "fake-workbook", "xls", "utf16-csv", "not-text"])
def test_wrong_file_type_disguised_as_xlsx(district, data, message, django_capture_on_commit_callbacks):
    errors = refuse(district, data=data, name="roster.xlsx", capture=django_capture_on_commit_callbacks)
    assert errors == {"file": [message]}


def test_empty_header_only_and_oversized_files(district, settings, django_capture_on_commit_callbacks):
    capture = django_capture_on_commit_callbacks
    assert refuse(district, data=b"", capture=capture) == {"file": ["The file is empty."]}
    assert refuse(district, data=xlsx_bytes([ROSTER_HEADERS, ["", ""]]), capture=capture) == {
        "file": ["The file has column headers but no data rows."]}
    settings.IMPORT_MAX_BYTES = 1024 * 1024
    big = csv_bytes([ROSTER_HEADERS] + [GOOD_ROW] * 40000)
    assert refuse(district, data=big, name="big.csv", capture=capture) == {
        "file": ["The file is larger than 1 MB; please split it into smaller files."]}


def test_zip_bomb_is_refused(district, settings, django_capture_on_commit_callbacks):
    settings.IMPORT_MAX_BYTES = 1024 * 1024
    bomb = _zip({"xl/workbook.xml": b"<x/>", "xl/worksheets/sheet1.xml": b" " * (21 * 1024 * 1024)})
    assert len(bomb) < 1024 * 1024
    errors = refuse(district, data=bomb, capture=django_capture_on_commit_callbacks)
    assert errors == {"file": ["The workbook unpacks to more than 20 MB; please split it into smaller files."]}


def test_targets_that_take_no_members_or_hold_no_streets(district, django_capture_on_commit_callbacks):
    capture = django_capture_on_commit_callbacks
    data = xlsx_bytes([ROSTER_HEADERS, GOOD_ROW])
    assert refuse(district, data=data, org=district.street1, capture=capture) == {"org_id": [
        "This organisation does not take members directly; choose a grassroots, joint or industry union."]}
    assert refuse(district, data=data, kind="census", org=district.union_a, capture=capture) == {"org_id": [
        "Choose the street/town or the district whose enterprises the census file lists."]}
    assert refuse(district, data=data, kind="payroll", capture=capture) == {"kind": [
        "Please choose what the file holds: a member roster or an enterprise census."]}


@pytest.mark.parametrize("username", ["street2_user", "nobody", "worker1_user", "auditor"])
def test_target_outside_the_import_scope_is_forbidden(district, username, django_capture_on_commit_callbacks):
    before, files = snapshot(*MODELS), media_files()
    data = xlsx_bytes([ROSTER_HEADERS, ["甲", make_resident_id(), "", "快递员", "", ""]])
    with pytest.raises(PermissionDenied), django_capture_on_commit_callbacks(execute=True):
        import_start(user=getattr(district, username), kind="roster", org=district.union_a, upload=upload(data))
    assert snapshot(*MODELS) == before and media_files() == files
