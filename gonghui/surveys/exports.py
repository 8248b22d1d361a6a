"""The answers as an .xlsx: one row per response, one column per question (a multiple choice joined
with "；"). A named questionnaire adds the respondent's masked name; an anonymous one has no column
about the person at all, and the day of each answer instead of its minute. Needs the export right
on the owner union, and is audited.

Cells are written with write_string / write_number, never write(), so no answer becomes a formula.
"""

import io
from decimal import Decimal

import xlsxwriter
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.audit.services import audit_record
from gonghui.core.privacy import mask_name
from gonghui.core.scoping import EXPORT, can

from .models import Questionnaire
from .selectors import export_rows

SEPARATOR = "；"


def _workbook(questionnaire: Questionnaire) -> bytes:
    questions, rows = export_rows(questionnaire)
    buf = io.BytesIO()
    book = xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False})
    sheet = book.add_worksheet(_("Answers"))
    bold = book.add_format({"bold": True, "bg_color": "#F0F2F4", "text_wrap": True})
    headers = [_("No.")]
    if not questionnaire.anonymous:
        headers += [_("Respondent")]
    headers += [_("Submitted at")]
    first = len(headers)
    headers += [f"{n}. {q.text}" for n, q in enumerate(questions, start=1)]
    for col, text in enumerate(headers):
        sheet.write_string(0, col, str(text), bold)
    for row, (response, cells) in enumerate(rows, start=1):
        sheet.write_number(row, 0, row)
        col = 1
        if not questionnaire.anonymous:
            sheet.write_string(row, col, mask_name(response.worker.name if response.worker else ""))
            col += 1
        # Anonymous answers give the day only: a minute could be matched with who was signed in then.
        sheet.write_string(row, col, timezone.localtime(response.submitted_at).strftime(
            "%Y-%m-%d" if questionnaire.anonymous else "%Y-%m-%d %H:%M"))
        for offset, question in enumerate(questions):
            values = cells.get(question.pk, [])
            if len(values) == 1 and isinstance(values[0], Decimal):
                sheet.write_number(row, first + offset, float(values[0]))
            elif values:
                sheet.write_string(row, first + offset, SEPARATOR.join(str(v) for v in values))
    sheet.freeze_panes(1, 0)
    sheet.set_column(0, 0, 6)
    sheet.set_column(1, first - 1, 16)
    sheet.set_column(first, first + len(questions), 24)
    book.close()
    return buf.getvalue()


@transaction.atomic
def questionnaire_export(*, actor, questionnaire: Questionnaire, request=None) -> bytes:
    if not can(actor, EXPORT, questionnaire.org):
        raise PermissionDenied
    content = _workbook(questionnaire)
    audit_record(actor=actor, action="surveys.export", target=questionnaire, request=request,
                 reason=_("Questionnaire answers export"), detail={"responses": questionnaire.responses.count()})
    return content
