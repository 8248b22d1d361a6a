"""Building roster and census files in memory, running an import, reading its error report."""

import csv
import io

import xlsxwriter
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from python_calamine import CalamineWorkbook

from gonghui.audit.models import AuditEvent
from gonghui.enterprises.models import Enterprise
from gonghui.imports.models import ImportJob
from gonghui.imports.services import import_start
from gonghui.members.models import Membership, MembershipEvent, Worker
from gonghui.orgs.models import Org

ROSTER_HEADERS = ["姓名", "身份证号", "手机号", "用工形式", "工作单位统一社会信用代码", "入会日期"]
CENSUS_HEADERS = ["统一社会信用代码", "企业名称", "行业门类", "经济类型", "从业人数", "所属街道", "地址"]
MODELS = (Worker, Membership, MembershipEvent, Enterprise, ImportJob, AuditEvent, Org)


def xlsx_bytes(rows, *, numeric: set[tuple[int, int]] = frozenset()) -> bytes:
    """Every cell written as text, except (row, col) pairs in `numeric`, written as Excel numbers."""
    buf = io.BytesIO()
    book = xlsxwriter.Workbook(buf, {"in_memory": True})
    sheet = book.add_worksheet()
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if (r, c) in numeric:
                sheet.write_number(r, c, float(value))
            elif value is not None:
                sheet.write_string(r, c, str(value))
    book.close()
    return buf.getvalue()


def csv_bytes(rows, *, encoding: str = "utf-8-sig") -> bytes:
    text = io.StringIO()
    csv.writer(text).writerows(rows)
    return text.getvalue().encode(encoding)


def upload(data: bytes, name: str = "roster.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def run_import(capture, *, user, org, data: bytes, kind: str = "roster", name: str = "roster.xlsx") -> ImportJob:
    """Upload as `user` (English messages) and run the queued task inline, as Celery would after commit."""
    with translation.override("en"), capture(execute=True):
        job = import_start(user=user, kind=kind, org=org, upload=upload(data, name))
    job.refresh_from_db()
    return job


def report_rows(job: ImportJob) -> list[list]:
    with job.report.open("rb") as fh:
        book = CalamineWorkbook.from_filelike(io.BytesIO(fh.read()))
    return book.get_sheet_by_index(0).to_python()


def media_files() -> set[str]:
    root = settings.MEDIA_ROOT
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()} if root.exists() else set()
