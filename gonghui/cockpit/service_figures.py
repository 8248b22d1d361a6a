"""The cockpit's service figures (R5.2): requests answered on time and satisfaction, hardship files, aid paid,
workers' needs recorded and the share of them answered by a project (the three lists' closed loop).

Unlike the membership figures these are not kept in tallies: they come from the service apps' own
tables, which are orders of magnitude smaller than the member rows, through those apps' own
definitions (gonghui.appeals.reports for the request rates, gonghui.hardship.selectors for the lists),
for the year to date. A subtree is the drilled org, or each top org of the user's scope, added up
from raw counts so the rates stay exact.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.utils import timezone

from gonghui.appeals import reports as appeal_reports
from gonghui.campaigns.models import Payment
from gonghui.hardship.models import FileStatus
from gonghui.hardship.selectors import file_list
from gonghui.needs.models import Need, NeedStatus
from gonghui.orgs.models import Org

REQUEST_COUNTS = ("total", "answered_on_time", "answer_counted", "satisfied", "rated")


@dataclass
class ServiceFigures:
    since: dt.date
    requests: int = 0
    answered_on_time: int = 0
    answer_counted: int = 0
    satisfied: int = 0
    rated: int = 0
    hardship_files: int = 0
    hardship_overdue: int = 0
    aid_grants_paid: int = 0
    aid_amount_paid: Decimal = Decimal("0.00")
    needs: int = 0
    needs_answered: int = 0

    @property
    def on_time_answer(self) -> Decimal | None:
        return appeal_reports.rate(self.answered_on_time, self.answer_counted)

    @property
    def satisfaction(self) -> Decimal | None:
        return appeal_reports.rate(self.satisfied, self.rated)

    @property
    def needs_answered_share(self) -> Decimal | None:
        """As the needs report counts it: answered ÷ all recorded (open and taken-up ones not answered yet)."""
        return appeal_reports.rate(self.needs_answered, self.needs)


def service_figures(*, user, orgs: list[Org], today: dt.date | None = None) -> ServiceFigures:
    """Year-to-date service figures over the subtrees of `orgs` (already checked visible to `user`)."""
    today = today or timezone.localdate()
    since = today.replace(month=1, day=1)
    out = ServiceFigures(since=since)
    for org in orgs:
        report = appeal_reports.appeal_counts(org=org, start=since, end=today)
        out.requests += report["total"]
        for name in REQUEST_COUNTS[1:]:
            setattr(out, name, getattr(out, name) + report[name])
        out.hardship_files += file_list(user=user, org=org, status=FileStatus.FILED).count()
        out.hardship_overdue += file_list(user=user, org=org, overdue=True, today=today).count()
        paid = Payment.objects.filter(
            application__org__path__startswith=org.path,
            created_at__date__gte=since, created_at__date__lte=today,
        ).aggregate(n=Count("*"), amount=Sum("amount"))
        out.aid_grants_paid += paid["n"]
        out.aid_amount_paid += paid["amount"] or Decimal("0.00")
        needs = Need.objects.filter(org__path__startswith=org.path, created_at__date__gte=since,
                                    created_at__date__lte=today).aggregate(
            n=Count("*"), answered=Count("pk", filter=Q(status=NeedStatus.ANSWERED)))
        out.needs += needs["n"]
        out.needs_answered += needs["answered"]
    return out
