"""The figures, checked against values counted by hand on a known set of requests."""

import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse

from gonghui.appeals.models import Action, AppealType, Category, Rating
from gonghui.appeals.reports import appeal_report
from gonghui.appeals.services import appeal_act, appeal_merge, appeal_rate, appeal_reopen
from gonghui.audit.models import AuditEvent
from gonghui.testing import make_worker

from .conftest import file_for, sh
from .test_views import as_user

NOV = {"start": dt.date(2025, 11, 1), "end": dt.date(2025, 11, 30)}
AS_OF = sh(2025, 11, 14, 9, 0)  # C overdue (due 7 Nov); B reopened, due again 18 Nov


@pytest.fixture
def known(district, at):
    """Under street1 in November: A on time and satisfied; B accepted late, dissatisfied, reopened;
    C never accepted; D a duplicate merged into A; G on time, basically satisfied, closed.
    Outside: E under street2, F filed in October."""
    cadre, worker = district.grassroots1, district.worker1_user
    at.set(2025, 10, 31, 9, 0)
    file_for(district)  # F
    at.set(2025, 11, 3, 9, 0)
    a = file_for(district)
    b = file_for(district, appeal_type=AppealType.COMPLAINT, category=Category.SOCIAL_INSURANCE)
    file_for(district, appeal_type=AppealType.HELP)  # C
    d = file_for(district)
    w = make_worker(name="周八", org=district.union_b, mobile="13600008888")
    file_for(district, user=None, worker=w, actor=district.street2_user, channel="hotline")  # E
    at.set(2025, 11, 3, 9, 30)
    appeal_merge(actor=cadre, duplicate=d, keep=a)
    at.set(2025, 11, 3, 11, 0)
    a = appeal_act(actor=cadre, appeal=a, action=Action.ACCEPT)
    at.set(2025, 11, 4, 10, 0)
    a = appeal_act(actor=cadre, appeal=a, action=Action.ANSWER, answer="已答复")
    appeal_rate(user=worker, appeal=a, rating=Rating.SATISFIED)
    b = appeal_act(actor=cadre, appeal=b, action=Action.ACCEPT)  # due 3 Nov 17:30: late
    at.set(2025, 11, 4, 11, 0)
    b = appeal_act(actor=cadre, appeal=b, action=Action.ANSWER, answer="已答复")
    b = appeal_rate(user=worker, appeal=b, rating=Rating.DISSATISFIED)
    appeal_reopen(user=worker, appeal=b)
    at.set(2025, 11, 5, 9, 0)
    g = file_for(district)
    at.set(2025, 11, 5, 10, 0)
    g = appeal_act(actor=cadre, appeal=g, action=Action.ACCEPT)
    at.set(2025, 11, 5, 11, 0)
    g = appeal_act(actor=cadre, appeal=g, action=Action.ANSWER, answer="已答复")
    g = appeal_rate(user=worker, appeal=g, rating=Rating.BASIC)
    appeal_act(actor=cadre, appeal=g, action=Action.CLOSE)
    return district


def test_the_figures_match_the_hand_count(known):
    report = appeal_report(user=known.street1_user, org_id=known.street1.pk, as_of=AS_OF, **NOV)
    assert (report["total"], report["merged"]) == (4, 1)  # A, B, C, G; D merged
    assert (report["accepted_on_time"], report["accept_counted"]) == (2, 4)  # A, G on time; B late; C overdue
    assert report["on_time_acceptance"] == Decimal("50.0")
    # answered: A and G on time; C overdue and open; B reopened with a fresh deadline not yet due
    assert (report["answered_on_time"], report["answer_counted"]) == (2, 3)
    assert report["on_time_answer"] == Decimal("66.7")
    assert (report["satisfied"], report["rated"]) == (2, 3) and report["satisfaction"] == Decimal("66.7")
    assert (report["reopened"], report["answered_ever"]) == (1, 3) and report["reopen_rate"] == Decimal("33.3")
    by_type = dict(report["by_type"])
    assert by_type[str(AppealType.CONSULTATION.label)] == 2
    assert by_type[str(AppealType.COMPLAINT.label)] == 1 and by_type[str(AppealType.HELP.label)] == 1
    by_category = dict(report["by_category"])
    assert by_category[str(Category.WAGE_ARREARS.label)] == 3
    assert by_category[str(Category.SOCIAL_INSURANCE.label)] == 1
    whole = appeal_report(user=known.district, org_id=known.root.pk, as_of=AS_OF, **NOV)
    assert whole["total"] == 5  # E under street2 too


def test_an_empty_period_has_no_rates(known):
    report = appeal_report(user=known.street1_user, org_id=known.street1.pk, start=dt.date(2024, 1, 1),
                           end=dt.date(2024, 1, 31), as_of=AS_OF)
    assert report["total"] == 0 and report["on_time_acceptance"] is None and report["satisfaction"] is None


def test_the_report_page_and_xlsx(known, at):
    at.now = AS_OF
    query = {"org": known.street1.pk, "start": "2025-11-01", "end": "2025-11-30"}
    client = as_user(known.street1_user)
    assert client.get(reverse("appeals:report"), query).context["report"]["total"] == 4
    response = client.get(reverse("appeals:report"), {**query, "format": "xlsx"})
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxml")
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    summary = [tuple(r) for r in book.worksheets[0].iter_rows(min_row=4, values_only=True)]
    assert [value for _label, value in summary] == [4, 1, "50.0%", "66.7%", "66.7%", "33.3%"]
    assert AuditEvent.objects.filter(action="appeals.report_export").count() == 1
    # street2 may not report on street1; bad dates name the field; anonymous visitors sign in first
    response = as_user(known.street2_user).get(reverse("appeals:report"), query)
    assert response.status_code == 400 and "org" in response.context["form"].errors
    response = client.get(reverse("appeals:report"), {**query, "end": "2025-10-01"})
    assert response.status_code == 400 and "end" in response.context["form"].errors
    assert as_user(None).get(reverse("appeals:report"), query).status_code == 302
