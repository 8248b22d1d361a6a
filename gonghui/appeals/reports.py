"""Figures for a subtree and a period, counted exactly from the request rows (R3.10).

Definitions (a request belongs to the period by its submission date in Asia/Shanghai; merged
duplicates are counted apart and left out of everything else):
- on-time acceptance = accepted by the acceptance deadline / requests accepted, or not accepted
  with the deadline already past at `as_of`;
- on-time answer = answered by the answer deadline / requests answered, or open with the deadline
  already past at `as_of` (a request paused while waiting for the worker is not counted late);
- satisfaction = rated satisfied or basically satisfied / requests rated;
- reopen rate = requests reopened at least once / requests answered at least once.
A rate is a Decimal percentage rounded half-up to one decimal, None when nothing is counted.
"""

import datetime as dt
import io
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

import xlsxwriter
from django.db.models import Count, F, Q
from django.utils.translation import gettext as _

from gonghui.audit.services import audit_record
from gonghui.core.scoping import EXPORT, VIEW, gate
from gonghui.orgs.models import Org

from . import clock
from .models import AppealType, Category, Rating, Status

SH = ZoneInfo("Asia/Shanghai")
ANSWERED = [Status.ANSWERED, Status.RATED, Status.CLOSED]
RUNNING = [Status.SUBMITTED, Status.ACCEPTED, Status.IN_PROGRESS]


def rate(numerator: int, denominator: int) -> Decimal | None:
    if not denominator:
        return None
    return (Decimal(100) * numerator / denominator).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _bounds(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    return (dt.datetime.combine(start, dt.time(), tzinfo=SH),
            dt.datetime.combine(end + dt.timedelta(days=1), dt.time(), tzinfo=SH))


def appeal_counts(*, org: Org, start: dt.date, end: dt.date, as_of: dt.datetime | None = None) -> dict:
    """The raw counts behind the rates, in one query, for an org the caller has already gated.

    The cockpit adds these up over several subtrees; `appeal_report` adds the breakdowns."""
    from .models import Appeal

    as_of = as_of or clock.now()
    low, high = _bounds(start, end)
    real = Appeal.objects.filter(org__path__startswith=org.path, submitted_at__gte=low, submitted_at__lt=high,
                                 merged_into__isnull=True)
    return real.aggregate(
        total=Count("pk"),
        accepted_on_time=Count("pk", filter=Q(accepted_at__isnull=False, accepted_at__lte=F("accept_due"))),
        accept_counted=Count("pk", filter=Q(accepted_at__isnull=False) | Q(accept_due__lt=as_of)),
        answered_on_time=Count("pk", filter=Q(status__in=ANSWERED, answered_at__lte=F("answer_due"))),
        answer_counted=Count("pk", filter=Q(status__in=ANSWERED) | Q(status__in=RUNNING, answer_due__lt=as_of)),
        rated=Count("pk", filter=~Q(rating="")),
        satisfied=Count("pk", filter=Q(rating__in=[Rating.SATISFIED, Rating.BASIC])),
        answered_ever=Count("pk", filter=Q(answered_at__isnull=False)),
        reopened=Count("pk", filter=Q(reopen_count__gt=0)),
    )


def appeal_report(*, user, org_id, start: dt.date, end: dt.date, as_of: dt.datetime | None = None,
                  action: str = VIEW) -> dict:
    """The figures for everything under `org_id` submitted from `start` to `end` (both included)."""
    from .models import Appeal

    org = gate(Org.objects.all(), user, action, pk=org_id)
    as_of = as_of or clock.now()
    low, high = _bounds(start, end)
    period = Appeal.objects.filter(org__path__startswith=org.path, submitted_at__gte=low, submitted_at__lt=high)
    real = period.filter(merged_into__isnull=True)
    figures = appeal_counts(org=org, start=start, end=end, as_of=as_of)
    by_type = dict(real.order_by().values_list("appeal_type").annotate(n=Count("pk")))
    by_category = dict(real.order_by().values_list("category").annotate(n=Count("pk")))
    return {
        "org": org, "start": start, "end": end, "as_of": as_of, **figures,
        "merged": period.filter(merged_into__isnull=False).count(),
        "by_type": [(str(label), by_type.get(value, 0)) for value, label in AppealType.choices],
        "by_category": [(str(label), by_category.get(value, 0)) for value, label in Category.choices],
        "on_time_acceptance": rate(figures["accepted_on_time"], figures["accept_counted"]),
        "on_time_answer": rate(figures["answered_on_time"], figures["answer_counted"]),
        "satisfaction": rate(figures["satisfied"], figures["rated"]),
        "reopen_rate": rate(figures["reopened"], figures["answered_ever"]),
    }


def report_rows(report: dict) -> list[tuple[str, object]]:
    def pct(value):
        return "—" if value is None else f"{value}%"

    return [
        (_("Requests"), report["total"]),
        (_("Merged duplicates"), report["merged"]),
        (_("On-time acceptance rate"), pct(report["on_time_acceptance"])),
        (_("On-time answer rate"), pct(report["on_time_answer"])),
        (_("Satisfaction rate"), pct(report["satisfaction"])),
        (_("Reopen rate"), pct(report["reopen_rate"])),
    ]


def report_xlsx(*, user, report: dict, request=None) -> bytes:
    """The report as .xlsx (figures only, no personal data); the export is audited."""
    gate(Org.objects.all(), user, EXPORT, pk=report["org"].pk)
    buf = io.BytesIO()
    book = xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False})
    bold = book.add_format({"bold": True})
    sheet = book.add_worksheet(_("Summary"))
    sheet.write_string(0, 0, report["org"].name, bold)
    sheet.write_string(1, 0, f"{report['start']:%Y-%m-%d} – {report['end']:%Y-%m-%d}")
    for i, (label, value) in enumerate(report_rows(report), start=3):
        sheet.write_string(i, 0, str(label))
        sheet.write_number(i, 1, value) if isinstance(value, int) else sheet.write_string(i, 1, value)
    for title, key in ((_("By type"), "by_type"), (_("By category"), "by_category")):
        part = book.add_worksheet(title)
        part.write_string(0, 0, str(title), bold)
        for i, (label, n) in enumerate(report[key], start=1):
            part.write_string(i, 0, label)
            part.write_number(i, 1, n)
    sheet.set_column(0, 0, 28)
    book.close()
    audit_record(actor=user, action="appeals.report_export", target=report["org"], request=request,
                 detail={"start": str(report["start"]), "end": str(report["end"])})
    return buf.getvalue()
