"""The closed-loop figures as .xlsx: figures only, no personal data; the export is audited."""

import io

import xlsxwriter
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from gonghui.audit.services import audit_record
from gonghui.core.scoping import EXPORT, gate
from gonghui.orgs.models import Org

from .selectors import LoopReport


def report_xlsx(*, user, report: LoopReport, filters: dict, request=None) -> bytes:
    gate(Org.objects.all(), user, EXPORT, pk=report.org.pk)
    buf = io.BytesIO()
    book = xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False})
    bold = book.add_format({"bold": True})
    sheet = book.add_worksheet(_("Closed-loop figures"))
    sheet.write_string(0, 0, report.org.name, bold)
    headers = [_("Union"), _("Needs"), _("Open"), _("In a project"), _("Answered"), pgettext("need", "Declined"),
               _("Share answered"), _("Median days to answer"), _("Mean days to answer"), _("Open over 30 days")]
    for col, header in enumerate(headers):
        sheet.write_string(2, col, str(header), bold)
    rows = [(_("%(name)s itself") % {"name": report.org.name}, report.own),
            *((row.org.name, row) for row in report.children),
            (f"{_('Total')} · {report.org.name}", report.total)]
    for i, (label, row) in enumerate(rows, start=3):
        sheet.write_string(i, 0, str(label))
        for col, value in enumerate((row.total, row.open, row.in_project, row.answered, row.declined,
                                     row.share_answered, row.median_days, row.mean_days, row.old_open), start=1):
            if value is None:
                sheet.write_string(i, col, "—")
            else:
                sheet.write_number(i, col, value)
    sheet.set_column(0, 0, 32)
    sheet.set_column(1, len(headers) - 1, 12)
    book.close()
    audit_record(actor=user, action="needs.report_export", target=report.org, request=request,
                 detail={k: str(v) for k, v in filters.items() if v})
    return buf.getvalue()
