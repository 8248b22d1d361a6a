"""The coverage figures as .xlsx: read back with openpyxl and held against `coverage_report` and hand counts."""

import datetime as dt
import io

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import override

from gonghui.accounts.models import RoleGrant
from gonghui.accounts.roles import ROLE_ACTIONS, Role
from gonghui.audit.models import AuditEvent
from gonghui.core.scoping import EXPORT
from gonghui.coverage.exports import coverage_xlsx, may_export
from gonghui.coverage.selectors import coverage_report
from gonghui.enterprises.models import Enterprise
from gonghui.members.models import Membership
from gonghui.testing import snapshot

from .test_selectors import TODAY

OVERVIEW = reverse("coverage:overview")
EXPORT_URL = reverse("coverage:export")
FIRST_ROW = 5  # openpyxl rows are 1-based: title, date, blank, headers, then the data
SHEETS_EN = ["Overview", "By street-town", "By industry", "By ownership", "Members by employment form",
             "Last 12 months"]


def _book(content: bytes):
    return openpyxl.load_workbook(io.BytesIO(content))


def _rows(sheet, first=FIRST_ROW):
    return [list(r) for r in sheet.iter_rows(min_row=first, values_only=True) if any(v is not None for v in r)]


def _pct(value):
    """The page's percentage (`pct`: one decimal) as the fraction Excel shows with "0.0%"."""
    return "—" if value is None else round(round(value * 100, 1) / 100, 3)


def _census_line(r):
    return [r.enterprises, r.covered, _pct(r.establishment_rate), r.headcount, r.members, _pct(r.membership_rate),
            r.uncovered_headcount]


def _assert_book_matches(book, report):
    """Every figure of the page (the report) is in the workbook, in the page's order, nothing else."""
    overview = {label: value for label, value, *_ in _rows(book.worksheets[0])}
    t = report["total"]
    assert list(overview.values()) == [_pct(t.establishment_rate), _pct(t.membership_rate), t.enterprises,
                                       t.covered, t.uncovered, t.headcount, t.members, t.uncovered_headcount]
    for sheet, rows in zip(book.worksheets[1:4], (report["streets"], report["industries"], report["ownerships"]),
                           strict=True):
        assert [line[1:] for line in _rows(sheet)][:len(rows)] == [_census_line(r) for r in rows]
    ownership_lines = _rows(book.worksheets[3])
    assert len(ownership_lines) == len(report["ownerships"]) + 1
    assert ownership_lines[-1][1:] == _census_line(report["non_public"])
    forms = _rows(book.worksheets[4])
    assert [line[1:4] for line in forms] == [[r.members, r.workers, r.non_members]
                                             for r in [*report["forms"], report["new_forms"]]]
    trend = _rows(book.worksheets[5])
    assert [line[:5] for line in trend] == [
        [dt.datetime.combine(p["as_of"], dt.time()), p["members"], _pct(p["membership_rate"]), p["covered"],  # noqa: DTZ001
         _pct(p["establishment_rate"])] for p in report["trend"]]


def test_workbook_holds_the_hand_counted_district(census):
    with override("en"):
        book = _book(coverage_xlsx(user=census.district, today=TODAY))
    assert book.sheetnames == SHEETS_EN
    overview = book["Overview"]
    assert overview["A1"].value == f"Union coverage · {census.root.name}"
    assert overview["A2"].value == "Figures as of 2025-06-15"
    headline = {label: value for label, value, *_ in _rows(overview)}
    assert headline == {
        "Union establishment rate (建会率)": 0.6, "Membership rate (入会率)": 0.012, "Census enterprises": 5,
        "Enterprises with a union": 3, "Enterprises without a union": 2, "Census headcount": 330, "Members": 4,
        "Headcount without a union": 70}
    # rates are numbers formatted as percentages with one decimal; counts are plain numbers
    assert overview["B5"].number_format == "0.0%" and overview["B5"].data_type == "n"
    assert overview["B9"].number_format == "General" and isinstance(overview["B9"].value, int)

    streets = book["By street-town"]
    assert [c.value for c in streets[4]] == ["Street/town", "Enterprises", "With a union", "Establishment rate",
                                             "Census headcount", "Members", "Membership rate",
                                             "Headcount without a union"]
    assert _rows(streets) == [
        [census.street1.name, 3, 2, 0.667, 220, 3, 0.014, 40],  # 2/3 → 66.7%, 3/220 → 1.4%
        [census.street2.name, 2, 1, 0.5, 110, 1, 0.009, 30],  # 1/110 → 0.9%
    ]
    assert streets["D5"].number_format == "0.0%"
    industries = {line[0]: line[1:] for line in _rows(book["By industry"])}
    assert industries["No census employer"] == [0, 0, "—", 0, 1, "—", 0]  # the rider; no denominator: a dash
    ownerships = _rows(book["By ownership"])
    assert ownerships[-1] == ["All non-public enterprises", 4, 2, 0.5, 270, 2, 0.007, 70]
    labels = [line[0] for line in ownerships]
    assert labels == ["State-owned", "Private (non-public)", "Foreign-invested (non-public)", "No census employer",
                      "All non-public enterprises"]
    forms = {line[0]: line[1:] for line in _rows(book["Members by employment form"])}
    assert forms["New employment forms (新就业形态)"] == [1, 2, 1]
    trend = _rows(book["Last 12 months"])
    assert [line[1] for line in trend] == [4, 4, 4, 5, 5, 5, 4, 4, 4, 4, 4, 4]
    assert [line[3] for line in trend] == [1] * 5 + [2] * 7
    assert trend[-1][0] == dt.datetime(2025, 6, 15) and trend[-1][5] == "(today, month not over)"  # noqa: DTZ001
    assert trend[0][0] == dt.datetime(2024, 7, 31) and trend[0][5] is None  # noqa: DTZ001
    assert book["Last 12 months"]["A5"].number_format == "yyyy-mm-dd"

    _assert_book_matches(book, coverage_report(user=census.district, today=TODAY))


def test_workbook_follows_the_active_language(census):
    with override("zh-hans"):
        book = _book(coverage_xlsx(user=census.district, today=TODAY))
    assert book.sheetnames[0] == "概览"
    assert [c.value for c in book.worksheets[1][4]][3] == "建会率"
    assert [c.value for c in book.worksheets[1][4]][6] == "入会率"
    assert book.worksheets[0]["A1"].value.startswith("工会覆盖情况 · ")
    assert "私营（非公）" in [line[0] for line in _rows(book.worksheets[3])]


def test_download_follows_the_request_language(client, census):
    client.force_login(census.district)
    zh = _book(client.get(EXPORT_URL).content)  # Chinese by default
    en = _book(client.get(EXPORT_URL, HTTP_ACCEPT_LANGUAGE="en").content)
    assert zh.sheetnames[0] == "概览" and en.sheetnames == SHEETS_EN
    assert _rows(zh.worksheets[1]) == _rows(en.worksheets[1])  # same figures (street names are not translated)


def test_no_personal_data_in_the_workbook(census):
    book = _book(coverage_xlsx(user=census.district, today=TODAY))
    text = " ".join(str(v) for ws in book.worksheets for row in ws.iter_rows(values_only=True) for v in row if v)
    for worker in (census.worker1, census.worker_b, census.rider, census.mover, census.courier):
        assert worker.name not in text
    assert census.enterprise_a.name not in text  # figures by street/industry/ownership, never by enterprise


def test_district_download_matches_the_page_and_is_audited(client, census):
    client.force_login(census.district)
    page = client.get(OVERVIEW)
    assert f'href="{EXPORT_URL}"' in page.content.decode()
    before = AuditEvent.objects.count()
    response = client.get(EXPORT_URL)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert f"coverage-{timezone.localdate():%Y%m%d}.xlsx" in response["Content-Disposition"]
    _assert_book_matches(_book(response.content), page.context["report"])
    assert AuditEvent.objects.count() == before + 1
    event = AuditEvent.objects.latest("pk")
    assert (event.action, event.actor, event.target_id) == ("coverage.export", census.district, str(census.root.pk))
    assert event.detail["orgs"] == [census.root.pk] and event.detail["drill_down"] is False


def test_drill_down_exports_the_drilled_figures(client, census):
    client.force_login(census.district)
    page = client.get(OVERVIEW, {"org": census.street1.pk})
    assert f'href="{EXPORT_URL}?org={census.street1.pk}"' in page.content.decode()
    response = client.get(EXPORT_URL, {"org": census.street1.pk})
    assert response.status_code == 200
    book = _book(response.content)
    _assert_book_matches(book, page.context["report"])
    assert census.street1.name in book.worksheets[0]["A1"].value
    assert [line[0] for line in _rows(book.worksheets[1])] == [census.street1.name]
    event = AuditEvent.objects.latest("pk")
    assert (event.action, event.target_id, event.detail["drill_down"]) == ("coverage.export", str(census.street1.pk),
                                                                           True)


def test_street_cadre_exports_only_their_street(client, census):
    client.force_login(census.street1_user)
    book = _book(client.get(EXPORT_URL).content)
    assert [line[0] for line in _rows(book.worksheets[1])] == [census.street1.name]
    assert book.worksheets[0]["B7"].value == 3  # census enterprises of street1
    assert census.street2.name not in " ".join(
        str(v) for ws in book.worksheets for row in ws.iter_rows(values_only=True) for v in row if v)


@pytest.mark.parametrize("org", ["street1", "union_a", "joint1", "root"])
def test_street2_cannot_export_outside_its_street(client, census, org):
    client.force_login(census.street2_user)
    before = snapshot(AuditEvent, Enterprise, Membership)
    response = client.get(EXPORT_URL, {"org": getattr(census, org).pk})
    assert response.status_code == 404
    assert b"PK" not in response.content[:2]
    assert snapshot(AuditEvent, Enterprise, Membership) == before


@pytest.mark.parametrize("value", ["abc", "999999", "-1"])
def test_bad_org_is_404(client, census, value):
    client.force_login(census.district)
    before = snapshot(AuditEvent)
    assert client.get(EXPORT_URL, {"org": value}).status_code == 404
    assert snapshot(AuditEvent) == before


def test_without_export_right_is_403_and_writes_nothing(client, census, monkeypatch):
    monkeypatch.setitem(ROLE_ACTIONS, Role.STREET_CADRE, ROLE_ACTIONS[Role.STREET_CADRE] - {EXPORT})
    client.force_login(census.street1_user)
    page = client.get(OVERVIEW)
    assert page.status_code == 200 and page.context["report"]["total"].enterprises == 3
    assert EXPORT_URL not in page.content.decode()  # no button
    before = snapshot(AuditEvent, Enterprise, Membership)
    for query in ({}, {"org": census.street1.pk}, {"org": census.union_a.pk}):
        response = client.get(EXPORT_URL, query)
        assert response.status_code == 403, query
        assert not response.content.startswith(b"PK")
    assert snapshot(AuditEvent, Enterprise, Membership) == before


def test_whole_scope_needs_export_on_every_subtree(census, monkeypatch):
    """A user seeing two subtrees but allowed to export only one may export that one, not the whole scope."""
    monkeypatch.setitem(ROLE_ACTIONS, Role.GRASSROOTS_CADRE, ROLE_ACTIONS[Role.GRASSROOTS_CADRE] - {EXPORT})
    RoleGrant.objects.create(user=census.street2_user, role=Role.GRASSROOTS_CADRE, org=census.union_a)
    user = type(census.street2_user).objects.get(pk=census.street2_user.pk)
    assert may_export(user, census.street2) and not may_export(user, census.union_a)
    assert not may_export(user, None)
    before = snapshot(AuditEvent)
    with pytest.raises(PermissionDenied):
        coverage_xlsx(user=user, today=TODAY)
    assert snapshot(AuditEvent) == before


def test_anonymous_and_non_cadres_get_no_file(client, census):
    assert client.get(EXPORT_URL).status_code == 302
    for who in ("nobody", "worker1_user", "auditor", "sysadmin"):
        client.force_login(getattr(census, who))
        assert client.get(EXPORT_URL).status_code == 403, who
    assert not AuditEvent.objects.filter(action="coverage.export").exists()
