"""The hardship file list as .xlsx, for the higher union and the annual review (audited, masked).

The workbook holds exactly the rows the console's list shows for the same filters, with the
householder's name masked as on the page and the stored masked resident ID: nothing is decrypted
and no mobile number is written. Rows are read as plain values in one query (the counts and sums
are computed by the database) and written by xlsxwriter in constant-memory mode, so a district
with hundreds of thousands of files needs neither a query per row nor the whole sheet in memory.
Cells are written with write_string / write_number, never write(), so no value becomes a formula.
"""

import datetime as dt
import tempfile

import xlsxwriter
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.audit.services import audit_record
from gonghui.core.privacy import mask_name
from gonghui.core.scoping import EXPORT, VIEW, can

from . import selectors
from .models import Cause, FileStatus

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def may_export(user, org=None) -> bool:
    """Whether `user` may export the list they see: the export right on all of it, not on a part.

    With `org`, on that subtree; without, on every subtree the user may view. A cadre whose export
    right covered only part of their list would otherwise get a file silently shorter than the page.
    """
    if org is not None:
        return can(user, EXPORT, org)
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    export_paths = user.scope_paths(EXPORT)
    return bool(export_paths) and all(any(p.startswith(e) for e in export_paths) for p in user.scope_paths(VIEW))


def _headers() -> list[str]:
    return [_("File no."), _("Union"), _("Householder"), _("Resident ID"), _("Main cause"), _("Other causes"),
            _("Household size"), _("Monthly household income per head (yuan)"),
            _("Local minimum living standard (yuan)"), _("Below the standard"), _("Status"), _("Filed on"),
            _("Last reviewed"), _("Next review due"), _("Assistance given (times)"), _("Assistance given (yuan)")]


def file_list_xlsx(out, *, user, filters: dict, org=None, today: dt.date | None = None, request=None) -> int:
    """Write the filtered list to the binary file `out`; returns the number of rows. Audited.

    PermissionDenied without the export right on the whole list (nothing is written, nothing audited).
    `filters` are those of `FileFilterForm.filters()`; `org` an org the caller already gated for viewing.
    """
    if not may_export(user, org):
        raise PermissionDenied
    today = today or timezone.localdate()
    rows = selectors.file_export_rows(user=user, org=org, today=today, **filters)
    standards = selectors.standards_in_force(today)
    statuses, causes = dict(FileStatus.choices), dict(Cause.choices)
    yes, no = _("Yes"), _("No")

    book = xlsxwriter.Workbook(out, {"constant_memory": True, "strings_to_formulas": False,
                                     "strings_to_urls": False, "strings_to_numbers": False})
    sheet = book.add_worksheet(_("Hardship worker files")[:31])
    bold = book.add_format({"bold": True, "bg_color": "#F0F2F4"})
    money = book.add_format({"num_format": "0.00"})
    day = book.add_format({"num_format": "yyyy-mm-dd"})
    widths = [8, 24, 10, 20, 12, 20, 8, 12, 12, 8, 12, 11, 11, 11, 8, 12]
    for col, width in enumerate(widths):
        sheet.set_column(col, col, width)
    for col, title in enumerate(_headers()):
        sheet.write_string(0, col, str(title), bold)
    sheet.freeze_panes(1, 0)

    def date_cell(r, c, value):
        if value is not None:
            sheet.write_datetime(r, c, dt.datetime.combine(value, dt.time()), day)  # noqa: DTZ001 - a calendar day

    count = 0
    for count, (pk, org_name, org_path, name, id_masked, main_cause, secondary, size, income, status, filed_on,
                last_reviewed, n_aid, aid_total) in enumerate(rows.iterator(chunk_size=2000), start=1):
        standard = selectors.standard_for_path(standards, org_path)
        due = (last_reviewed + dt.timedelta(days=selectors.REVIEW_INTERVAL_DAYS)
               if status == FileStatus.FILED and last_reviewed is not None else None)
        sheet.write_number(count, 0, pk)
        sheet.write_string(count, 1, org_name)
        sheet.write_string(count, 2, mask_name(name))
        sheet.write_string(count, 3, id_masked or "")
        sheet.write_string(count, 4, str(causes.get(main_cause, main_cause)))
        sheet.write_string(count, 5, "、".join(str(causes.get(c, c)) for c in secondary or []))
        sheet.write_number(count, 6, size)
        sheet.write_number(count, 7, float(income), money)
        if standard is not None:
            sheet.write_number(count, 8, float(standard), money)
            sheet.write_string(count, 9, str(yes if income < standard else no))
        sheet.write_string(count, 10, str(statuses.get(status, status)))
        date_cell(count, 11, filed_on)
        date_cell(count, 12, last_reviewed)
        date_cell(count, 13, due)
        sheet.write_number(count, 14, n_aid)
        sheet.write_number(count, 15, float(aid_total), money)
    book.close()

    list_name = "overdue" if filters.get("overdue") else "never_assisted" if filters.get("never_assisted") else ""
    audit_record(actor=user, action="hardship.export", target=org, request=request, detail={
        "count": count,
        "filters": {"status": filters.get("status", ""), "cause": filters.get("cause", ""), "list": list_name,
                    "org": org.pk if org is not None else None},
    })
    return count


def export_file(*, user, filters: dict, org=None, request=None):
    """The workbook in a temporary file (on disk past a few MB), rewound, and its row count."""
    out = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115 - closed by the response
    try:
        count = file_list_xlsx(out, user=user, filters=filters, org=org, request=request)
    except BaseException:
        out.close()
        raise
    out.seek(0)
    return out, count
