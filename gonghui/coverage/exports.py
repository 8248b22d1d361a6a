"""The coverage figures (R2.5) as .xlsx, for cadres who report them upward: figures only, no personal data.

The workbook holds exactly what the coverage page shows for the same scope and drill-down, taken from one
`coverage_report` (nothing is counted again here): one sheet for the headline figures and one per breakdown
(streets, industries, ownerships, employment forms, the 12-month trend). Counts are numbers; a rate is the
page's percentage (rounded to one decimal as the page rounds it) stored as a number with the Excel format
"0.0%", so the file shows the same figure as the page and can still be summed or charted; a rate without a
denominator is "—" as on the page. Headers follow the active language. Cells are written with write_string /
write_number / write_datetime, never write(), so no label can become a formula.

The export needs the export right on the org shown: on the drill-down org, or, for the whole scope, on every
org subtree the user may see (anything less would let the file carry figures the user may not export).
"""

import datetime as dt
import io
import re

import xlsxwriter
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.audit.services import audit_record
from gonghui.core.scoping import EXPORT, VIEW, can, minimal_paths
from gonghui.orgs.models import Org

from .selectors import NO_EMPLOYER, NO_STREET, coverage_report

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CENSUS_COLUMNS = ("enterprises", "covered", "establishment_rate", "headcount", "members", "membership_rate",
                  "uncovered_headcount")
RATES = {"establishment_rate", "membership_rate"}


def may_export(user, org: Org | None) -> bool:
    """Whether `user` may export the figures of `org` (None: of their whole VIEW scope)."""
    if org is not None:
        return can(user, EXPORT, org)
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    seen = minimal_paths(user.scope_paths(VIEW))
    exportable = user.scope_paths(EXPORT)
    return bool(seen) and all(any(path.startswith(e) for e in exportable) for path in seen)


def shown_orgs(user, org: Org | None) -> list[Org]:
    """The orgs the figures are about: the drill-down org, or the orgs at the top of the user's scope."""
    if org is not None:
        return [org]
    return list(Org.objects.filter(path__in=minimal_paths(user.scope_paths(VIEW))).order_by("path"))


def row_label(row, kind: str, *, mark_non_public: bool = True) -> str:
    """A breakdown line's label as the page writes it (the "none" lines have no label of their own)."""
    if kind == "street" and row.key == NO_STREET:
        return _("No street (district-level unions)")
    if kind in ("industry", "ownership") and row.key == NO_EMPLOYER:
        return _("No census employer")
    if kind == "ownership" and mark_non_public and row.extra.get("non_public"):
        mark = _("(non-public)")
        return f"{row.label}{'' if mark.startswith('（') else ' '}{mark}"  # Chinese brackets bring their own space
    return row.label


def shown_rate(value: float | None) -> float | None:
    """The rate as the page shows it (percentage with one decimal), as a fraction for Excel's "0.0%"."""
    return None if value is None else round(round(value * 100, 1) / 100, 3)  # 1.4% is 0.014, not 0.01399…


def _sheet_name(title: str) -> str:
    """Excel refuses []:*?/\\ in sheet names and more than 31 characters."""
    return re.sub(r"[\[\]:*?/\\]", "-", str(title))[:31]


class _Writer:
    def __init__(self, book, title: str, subtitle: str):
        self.book, self.title, self.subtitle = book, title, subtitle
        self.bold = book.add_format({"bold": True})
        self.head = book.add_format({"bold": True, "bg_color": "#F0F2F4", "text_wrap": True})
        self.percent = book.add_format({"num_format": "0.0%"})
        self.bold_percent = book.add_format({"num_format": "0.0%", "bold": True})
        self.bold_number = book.add_format({"bold": True})
        self.date = book.add_format({"num_format": "yyyy-mm-dd"})

    def sheet(self, name: str, headers: list[str]):
        """A sheet with the title row (org), the date row, and the header row at row 3; data from row 4."""
        sheet = self.book.add_worksheet(_sheet_name(name))
        sheet.write_string(0, 0, self.title, self.bold)
        sheet.write_string(1, 0, self.subtitle)
        for col, text in enumerate(headers):
            sheet.write_string(3, col, str(text), self.head)
        sheet.set_column(0, 0, 34)
        sheet.set_column(1, max(len(headers) - 1, 1), 14)
        sheet.freeze_panes(4, 1)
        return sheet

    def value(self, sheet, row: int, col: int, value, *, percent: bool = False, bold: bool = False):
        if value is None:
            sheet.write_string(row, col, "—")
        elif percent:
            sheet.write_number(row, col, shown_rate(value), self.bold_percent if bold else self.percent)
        else:
            sheet.write_number(row, col, value, self.bold_number if bold else None)


def _census_sheet(w: _Writer, name: str, first_header: str, rows, kind: str, extra=None):
    sheet = w.sheet(name, [first_header, _("Enterprises"), _("With a union"), _("Establishment rate"),
                           _("Census headcount"), _("Members"), _("Membership rate"), _("Headcount without a union")])
    lines = [(row_label(r, kind), r, False) for r in rows]
    if extra is not None:
        lines.append((*extra, True))
    for i, (label, r, bold) in enumerate(lines, start=4):
        sheet.write_string(i, 0, label, w.bold if bold else None)
        for col, attr in enumerate(CENSUS_COLUMNS, start=1):
            w.value(sheet, i, col, getattr(r, attr), percent=attr in RATES, bold=bold)


def _workbook(report: dict, *, title: str, subtitle: str) -> bytes:
    buf = io.BytesIO()
    book = xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False})
    w = _Writer(book, title, subtitle)

    t = report["total"]
    sheet = w.sheet(_("Overview"), [])
    headline = [
        (_("Union establishment rate (建会率)"), t.establishment_rate, True),
        (_("Membership rate (入会率)"), t.membership_rate, True),
        (_("Census enterprises"), t.enterprises, False),
        (_("Enterprises with a union"), t.covered, False),
        (_("Enterprises without a union"), t.uncovered, False),
        (_("Census headcount"), t.headcount, False),
        (_("Members"), t.members, False),
        (_("Headcount without a union"), t.uncovered_headcount, False),
    ]
    for i, (label, value, percent) in enumerate(headline, start=4):
        sheet.write_string(i, 0, str(label))
        w.value(sheet, i, 1, value, percent=percent)

    _census_sheet(w, _("By street/town"), _("Street/town"), report["streets"], "street")
    _census_sheet(w, _("By industry"), _("Industry"), report["industries"], "industry")
    _census_sheet(w, _("By ownership"), _("Ownership"), report["ownerships"], "ownership",
                  extra=(_("All non-public enterprises"), report["non_public"]))

    sheet = w.sheet(_("Members by employment form"), [_("Employment form"), _("Members"), _("Workers on record"),
                                                      _("Without an active membership")])
    forms = [(r.label, r, False) for r in report["forms"]]
    forms.append((_("New employment forms (新就业形态)"), report["new_forms"], True))
    for i, (label, r, bold) in enumerate(forms, start=4):
        sheet.write_string(i, 0, str(label), w.bold if bold else None)
        for col, value in enumerate((r.members, r.workers, r.non_members), start=1):
            w.value(sheet, i, col, value, bold=bold)

    sheet = w.sheet(_("Last 12 months"), [_("As of (month end)"), _("Members"), _("Membership rate"),
                                          _("Enterprises with a union"), _("Establishment rate")])
    for i, p in enumerate(report["trend"], start=4):
        sheet.write_datetime(i, 0, p["as_of"], w.date)
        w.value(sheet, i, 1, p["members"])
        w.value(sheet, i, 2, p["membership_rate"], percent=True)
        w.value(sheet, i, 3, p["covered"])
        w.value(sheet, i, 4, p["establishment_rate"], percent=True)
        if p["as_of"] != p["month_end"]:
            sheet.write_string(i, 5, _("(today, month not over)"))
    book.close()
    return buf.getvalue()


@transaction.atomic
def coverage_xlsx(*, user, org: Org | None = None, today: dt.date | None = None, request=None) -> bytes:
    """The coverage page's figures for `user` (within `org`) as .xlsx; PermissionDenied without the export
    right on what is shown. `org` must already be gated for VIEW (`selectors.coverage_org`). Audited."""
    if not may_export(user, org):
        raise PermissionDenied
    today = today or timezone.localdate()
    report = coverage_report(user=user, org=org, today=today)
    orgs = shown_orgs(user, org)
    label = "、".join(o.name for o in orgs)
    content = _workbook(report, title=f"{_('Union coverage')} · {label}",
                        subtitle=_("Figures as of %(date)s") % {"date": f"{today:%Y-%m-%d}"})
    audit_record(actor=user, action="coverage.export", target=orgs[0] if len(orgs) == 1 else None,
                 request=request, detail={"orgs": [o.pk for o in orgs], "drill_down": org is not None,
                                          "as_of": str(today)})
    return content
