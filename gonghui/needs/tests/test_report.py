"""The closed-loop figures on fixed, hand-counted data (timestamps set explicitly)."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from gonghui.needs import selectors
from gonghui.needs.models import Need

from .conftest import make_need

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")
NOW = dt.datetime(2026, 6, 30, 12, 0, tzinfo=SH)


def at(month, day):
    return dt.datetime(2026, month, day, 9, 0, tzinfo=SH)


def put(district, org, status, created, closed=None, **kw):
    need = make_need(district, org=org, title=f"需求{Need.objects.count() + 1}", **kw)
    Need.objects.filter(pk=need.pk).update(status=status, created_at=created, closed_at=closed,
                                           decline_reason="不在工会职责内" if status == "declined" else "")
    return need


@pytest.fixture
def figures(district):
    d = district
    put(d, d.joint1, "answered", at(6, 1), at(6, 3))  # 2 days
    put(d, d.union_a, "answered", at(6, 1), at(6, 11), worker_group="delivery_rider")  # 10 days
    put(d, d.street1, "answered", at(6, 10), at(6, 14))  # 4 days
    put(d, d.street1, "declined", at(6, 2), at(6, 5))
    put(d, d.joint1, "open", at(5, 1))  # open for 60 days
    put(d, d.union_a, "in_project", at(6, 5))
    put(d, d.union_b, "answered", at(6, 1), at(6, 7), category="health")  # 6 days
    put(d, d.street2, "open", at(6, 20))  # open, but for 10 days only
    return d


def row_dict(row):
    return {"total": row.total, "open": row.open, "in_project": row.in_project, "answered": row.answered,
            "declined": row.declined, "share": row.share_answered, "median": row.median_days,
            "mean": row.mean_days, "old_open": row.old_open}


def test_district_figures_per_street(figures):
    report = selectors.closed_loop_report(user=figures.district, now=NOW)
    assert report.org == figures.root
    by_org = {row.org: row_dict(row) for row in report.children}
    assert by_org[figures.street1] == {"total": 6, "open": 1, "in_project": 1, "answered": 3, "declined": 1,
                                       "share": 50.0, "median": 4.0, "mean": 5.3, "old_open": 1}
    assert by_org[figures.street2] == {"total": 2, "open": 1, "in_project": 0, "answered": 1, "declined": 0,
                                       "share": 50.0, "median": 6.0, "mean": 6.0, "old_open": 0}
    assert report.own.total == 0  # nothing recorded at the district itself
    assert row_dict(report.total) == {"total": 8, "open": 2, "in_project": 1, "answered": 4, "declined": 1,
                                      "share": 50.0, "median": 5.0, "mean": 5.5, "old_open": 1}


def test_street_cadre_sees_their_street_and_its_unions(figures):
    report = selectors.closed_loop_report(user=figures.street1_user, now=NOW)
    assert report.org == figures.street1
    by_org = {row.org: row_dict(row) for row in report.children}
    assert set(by_org) == {figures.joint1, figures.union_a}
    assert by_org[figures.joint1] == {"total": 2, "open": 1, "in_project": 0, "answered": 1, "declined": 0,
                                      "share": 50.0, "median": 2.0, "mean": 2.0, "old_open": 1}
    assert by_org[figures.union_a]["answered"] == 1 and by_org[figures.union_a]["median"] == 10.0
    # the street's own needs (one answered, one declined) count in its total, not in a child's
    assert row_dict(report.total)["total"] == 6
    assert row_dict(report.own) == {"total": 2, "open": 0, "in_project": 0, "answered": 1, "declined": 1,
                                    "share": 50.0, "median": 4.0, "mean": 4.0, "old_open": 0}


def test_filters_period_category_worker_group(figures):
    june = selectors.closed_loop_report(user=figures.district, created_from=dt.date(2026, 6, 1),
                                        created_to=dt.date(2026, 6, 30), now=NOW)
    assert row_dict(june.total)["total"] == 7 and june.total.share_answered == 57.1  # 4 of 7
    assert june.total.old_open == 0
    early = selectors.closed_loop_report(user=figures.district, created_to=dt.date(2026, 6, 1), now=NOW)
    assert early.total.total == 4  # 5-01 and the three of 6-01
    health = selectors.closed_loop_report(user=figures.district, category="health", now=NOW)
    assert row_dict(health.total)["total"] == 1 and health.total.median_days == 6.0
    riders = selectors.closed_loop_report(user=figures.district, worker_group="delivery_rider", now=NOW)
    assert riders.total.total == 1 and riders.total.answered == 1


def test_out_of_scope_org_is_404_and_empty_subtree_has_no_share(figures):
    from django.http import Http404

    with pytest.raises(Http404):
        selectors.closed_loop_report(user=figures.street2_user, org=figures.street1, now=NOW)
    empty = selectors.closed_loop_report(user=figures.district, category="culture", now=NOW)
    assert empty.total.total == 0 and empty.total.share_answered is None and empty.total.median_days is None


def test_xlsx_export_holds_the_figures_and_is_audited(client, figures):
    import io

    import openpyxl

    from gonghui.audit.models import AuditEvent

    client.force_login(figures.district)
    response = client.get("/console/needs/report/", {"format": "xlsx", "category": "health"})
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    found = list(sheet.iter_rows(min_row=4, values_only=True))
    rows = {r[0]: r[1:] for r in found}
    assert found[-1][1:6] == (1, 0, 0, 1, 0)  # the total: the one health need, answered
    assert rows[figures.street2.name][6] == 6  # median days
    assert AuditEvent.objects.filter(action="needs.report_export", detail__category="health").exists()
