"""The downloadable .xlsx error report, and the blank templates cadres fill in.

Every cell is written as a string or a number, never through `write()`, so a value such as
"=HYPERLINK(...)" typed into a roster comes back as text, not as a formula.
The report holds masked names, resident IDs and mobile numbers only (the importer masks the row).
"""

import io

import xlsxwriter
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _


def error_report(headers: list[str], failures: list[tuple[int, str, str, list[str]]]) -> ContentFile:
    """failures: (row number, column header, reason, masked original values), sorted."""
    buf = io.BytesIO()
    book = xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False})
    sheet = book.add_worksheet(_("Errors"))
    bold = book.add_format({"bold": True, "bg_color": "#F0F2F4"})
    top = [_("Row"), _("Column"), _("Reason"), *headers]
    for col, text in enumerate(top):
        sheet.write_string(0, col, str(text), bold)
    for line, (row, column, reason, values) in enumerate(failures, start=1):
        sheet.write_number(line, 0, row)
        sheet.write_string(line, 1, column)
        sheet.write_string(line, 2, str(reason))
        for col, value in enumerate(values, start=3):
            if value:
                sheet.write_string(line, col, value)
    sheet.freeze_panes(1, 0)
    sheet.set_column(0, 0, 8)
    sheet.set_column(1, 1, 16)
    sheet.set_column(2, 2, 60)
    sheet.set_column(3, 3 + len(headers), 18)
    book.close()
    return ContentFile(buf.getvalue())


def blank_template(importer) -> bytes:
    """An empty sheet with the importer's headers, text-formatted columns where Excel would
    otherwise turn digits into numbers, drop-down lists, and a sheet of instructions."""
    buf = io.BytesIO()
    book = xlsxwriter.Workbook(buf, {"in_memory": True})
    sheet = book.add_worksheet(_("Data"))
    text = book.add_format({"num_format": "@"})
    bold = book.add_format({"bold": True, "bg_color": "#F0F2F4"})
    notes = book.add_worksheet(_("Instructions"))
    notes.write_string(0, 0, _("Column"), bold)
    notes.write_string(0, 1, _("Required"), bold)
    notes.write_string(0, 2, _("How to fill it in"), bold)
    notes.set_column(0, 0, 28)
    notes.set_column(2, 2, 90)
    for col, column in enumerate(importer.COLUMNS):
        sheet.write_string(0, col, column.header, bold)
        width = 24 if column.field in importer.TEXT_FIELDS else 16
        sheet.set_column(col, col, width, text if column.field in importer.TEXT_FIELDS else None)
        choices = importer.CHOICES.get(column.field)
        if choices:
            sheet.data_validation(1, col, 100000, col, {"validate": "list", "source": list(choices)})
        notes.write_string(col + 1, 0, column.header)
        notes.write_string(col + 1, 1, _("yes") if column.required else _("no"))
        notes.write_string(col + 1, 2, str(importer.NOTES.get(column.field, "")))
    sheet.freeze_panes(1, 0)
    sheet.activate()
    book.close()
    return buf.getvalue()
