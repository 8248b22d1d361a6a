"""The .xlsx export of the file list: same rows as the page, masked, scoped, refused without the right, audited."""

import datetime as dt
import io
import zipfile
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from openpyxl import load_workbook

from gonghui.accounts.models import RoleGrant, User
from gonghui.accounts.roles import ROLE_ACTIONS, Role
from gonghui.audit.models import AuditEvent
from gonghui.core.privacy import decrypt
from gonghui.core.scoping import EXPORT
from gonghui.hardship import services
from gonghui.hardship.exports import may_export
from gonghui.hardship.models import (
    Assistance,
    FamilyMember,
    FileEvent,
    FileReview,
    HardshipFile,
    HomeVisit,
    LivingStandard,
    SpotCheck,
)
from gonghui.members.models import Worker
from gonghui.testing import make_worker, snapshot

from .conftest import CHILD_ID, SPOUSE_ID, create, many_filed

MODELS = (HardshipFile, FamilyMember, FileEvent, HomeVisit, FileReview, Assistance, SpotCheck, LivingStandard,
          AuditEvent)
TODAY = timezone.localdate()
URL = reverse("hardship:export")


def _book(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"].startswith('attachment; filename="hardship-files-')
    body = b"".join(response.streaming_content)
    return body, load_workbook(io.BytesIO(body)).active


def _rows(sheet) -> list[tuple]:
    return list(sheet.iter_rows(min_row=2, values_only=True))


def _numbers(sheet) -> list[int]:
    return [row[0] for row in _rows(sheet)]


def _listed(client, params) -> list[int]:
    """The file numbers the console list shows for the same filters (all on one page here)."""
    page = client.get(reverse("hardship:list"), params).context["page_obj"]
    return [f.pk for f in page.paginator.object_list]


def _plain_strings() -> list[str]:
    """Every worker's full name, resident ID and mobile, and the family members' names and IDs."""
    plain = []
    for name, cipher, mobile in Worker.objects.values_list("name", "id_cipher", "mobile"):
        plain += [name, decrypt(cipher), mobile]
    for name, cipher in FamilyMember.objects.values_list("name", "id_cipher"):
        plain += [name, decrypt(cipher)]
    assert {"李四", "110105199003071239", SPOUSE_ID, CHILD_ID, "赵小红"} <= set(plain)
    return [p for p in plain if p]


def _assert_nothing_plain(body: bytes, sheet, plain: list[str]):
    cells = [str(v) for row in sheet.iter_rows(values_only=True) for v in row if v is not None]
    xml = "".join(zipfile.ZipFile(io.BytesIO(body)).read(name).decode() for name in
                  zipfile.ZipFile(io.BytesIO(body)).namelist())
    for value in plain:
        assert not any(value in cell for cell in cells), value
        assert value not in xml, value


@pytest.fixture
def aided(files):
    """file1 (street1) got two payments and lives under a standard it is below; file2 (street2) got none."""
    for amount in ("500.00", "250.50"):
        services.assistance_record(actor=files.street1_user, file=files.file1, given_on=TODAY, kind="living",
                                   amount=amount, giver_org=files.street1)
    services.living_standard_set(actor=files.street1_user, org=files.street1, monthly_amount="1000",
                                 effective_from=TODAY - dt.timedelta(days=30))
    return files


def test_columns_of_a_file_masked_and_counted(client, aided):
    d = aided
    client.force_login(d.street1_user)
    body, sheet = _book(client.get(URL, HTTP_ACCEPT_LANGUAGE="en"))
    headers = next(sheet.iter_rows(max_row=1, values_only=True))
    assert headers == ("File no.", "Union", "Householder", "Resident ID", "Main cause", "Other causes",
                       "Household size", "Monthly household income per head (yuan)",
                       "Local minimum living standard (yuan)", "Below the standard", "Status", "Filed on",
                       "Last reviewed", "Next review due", "Assistance given (times)", "Assistance given (yuan)")
    [row] = _rows(sheet)
    file = HardshipFile.objects.get(pk=d.file1.pk)
    assert row[:11] == (file.pk, "东方机械厂工会", "李*", "110105********1239", "Illness", "Education burden", 3,
                        800, 1000, "Yes", "Filed")
    assert [v.date() for v in row[11:14]] == [file.filed_on, file.last_reviewed_on,
                                              file.last_reviewed_on + dt.timedelta(days=365)]
    assert row[14:] == (2, 750.5)
    _assert_nothing_plain(body, sheet, _plain_strings())


def test_headers_follow_the_active_language(client, aided):
    client.force_login(aided.street1_user)
    _, sheet = _book(client.get(URL, HTTP_ACCEPT_LANGUAGE="zh-hans"))
    headers = next(sheet.iter_rows(max_row=1, values_only=True))
    with translation.override("zh-hans"):
        expected = (gettext("Resident ID"), gettext("Status"))
    assert expected != ("Resident ID", "Status")  # existing msgids, translated in the catalogue
    assert (headers[3], headers[10]) == expected


def test_no_standard_no_assistance_and_a_left_member(client, aided):
    d = aided
    member = d.file1.family.first()
    FamilyMember.objects.filter(pk=member.pk).update(left_on=TODAY)
    client.force_login(d.district)
    _, sheet = _book(client.get(URL, HTTP_ACCEPT_LANGUAGE="en"))
    rows = {row[0]: row for row in _rows(sheet)}
    assert set(rows) == {d.file1.pk, d.file2.pk}
    assert rows[d.file1.pk][6] == 2  # the member who left no longer counts
    file2 = rows[d.file2.pk]
    assert file2[2] == "王*" and file2[6] == 1 and file2[8] is None and file2[9] is None
    assert file2[14:] == (0, 0)


@pytest.mark.parametrize("params", [
    {}, {"status": "filed"}, {"status": "applied"}, {"cause": "illness"}, {"cause": "low_income"},
    {"list": "overdue"}, {"list": "never_assisted"}, {"list": "overdue", "cause": "low_income"},
    {"status": "bogus"},
])
def test_rows_equal_the_filtered_list(client, aided, params):
    d = aided
    extra = many_filed(d, 4, d.union_b)
    HardshipFile.objects.filter(pk__in=[d.file2.pk, extra[0], extra[2]]).update(
        last_reviewed_on=TODAY - dt.timedelta(days=400))
    in_progress = create(d, make_worker(name="钱七", org=d.union_a, resident_id="110105198801010014"))
    client.force_login(d.district)
    expected = _listed(client, params)
    assert expected, "each filter selects some files here"
    assert (in_progress.pk in expected) == (params in ({}, {"status": in_progress.status}, {"cause": "low_income"},
                                                       {"status": "bogus"}))
    _, sheet = _book(client.get(URL, params))
    assert _numbers(sheet) == expected
    if params == {"list": "overdue"}:
        assert sorted(expected) == sorted([d.file2.pk, extra[0], extra[2]])
    if params == {"list": "never_assisted"}:
        assert d.file1.pk not in expected and len(expected) == 5


def test_org_filter_narrows_to_the_subtree(client, aided):
    d = aided
    client.force_login(d.district)
    _, sheet = _book(client.get(URL, {"org": d.street2.pk}))
    assert _numbers(sheet) == _listed(client, {"org": d.street2.pk}) == [d.file2.pk]


def test_street_isolation(client, aided):
    d = aided
    client.force_login(d.street2_user)
    before = snapshot(*MODELS)
    assert client.get(URL, {"org": d.street1.pk}).status_code == 404
    assert client.get(URL, {"org": d.union_a.pk}).status_code == 404
    assert client.get(URL, {"org": "x"}).status_code == 404
    assert snapshot(*MODELS) == before
    body, sheet = _book(client.get(URL))
    assert _numbers(sheet) == [d.file2.pk]
    _assert_nothing_plain(body, sheet, ["李*", "110105********1239", "东方机械厂工会"])


def test_without_export_right_403_and_nothing_written(client, aided, monkeypatch):
    d = aided
    monkeypatch.setitem(ROLE_ACTIONS, Role.STREET_CADRE, ROLE_ACTIONS[Role.STREET_CADRE] - {EXPORT})
    client.force_login(d.street1_user)
    before = snapshot(*MODELS)
    for params in ({}, {"org": d.union_a.pk}, {"list": "overdue"}):
        response = client.get(URL, params)
        assert response.status_code == 403, params
        assert not response.get("Content-Disposition")
    assert snapshot(*MODELS) == before
    html = client.get(reverse("hardship:list")).content.decode()
    assert 'id="export-xlsx"' not in html and URL not in html
    assert reverse("hardship:detail", args=[d.file1.pk]) in html  # the list itself still shows


def test_no_cadre_role_is_refused(client, aided):
    d = aided
    before = snapshot(*MODELS)
    assert client.get(URL).status_code == 302  # anonymous: to sign in
    for user in (d.nobody, d.worker1_user, d.auditor):
        client.force_login(user)
        assert client.get(URL).status_code == 403
    assert snapshot(*MODELS) == before


def test_export_is_audited_with_filters_and_count(client, aided):
    d = aided
    client.force_login(d.district)
    before = AuditEvent.objects.count()
    _, sheet = _book(client.get(URL, {"list": "never_assisted", "org": d.street2.pk, "status": "filed"}))
    assert AuditEvent.objects.count() == before + 1
    event = AuditEvent.objects.latest("pk")
    assert event.action == "hardship.export" and event.actor == d.district
    assert event.detail == {"count": 1, "filters": {"status": "filed", "cause": "", "list": "never_assisted",
                                                    "org": d.street2.pk}}
    assert event.target_id == str(d.street2.pk)
    assert _numbers(sheet) == [d.file2.pk]


def test_button_carries_the_current_filters(client, aided):
    d = aided
    client.force_login(d.street1_user)
    html = client.get(reverse("hardship:list"), {"status": "filed", "list": "overdue", "page": "2",
                                                  "org": d.union_a.pk}).content.decode()
    assert 'id="export-xlsx"' in html
    assert f"{URL}?status=filed&amp;list=overdue&amp;org={d.union_a.pk}" in html
    html = client.get(reverse("hardship:list")).content.decode()
    assert f'href="{URL}"' in html


def test_partial_export_right_is_refused(district, monkeypatch):
    """A cadre who may view street1 and union_b but export only street1 gets no silently shorter file."""
    user = User.objects.create(username="mixed")
    RoleGrant.objects.create(user=user, role=Role.STREET_CADRE, org=district.street1)
    RoleGrant.objects.create(user=user, role=Role.GRASSROOTS_CADRE, org=district.union_b)
    monkeypatch.setitem(ROLE_ACTIONS, Role.GRASSROOTS_CADRE, ROLE_ACTIONS[Role.GRASSROOTS_CADRE] - {EXPORT})
    assert not may_export(user)
    assert may_export(user, district.street1)
    assert not may_export(user, district.union_b)
    assert may_export(district.street1_user) and not may_export(district.nobody)


def test_queries_do_not_grow_with_rows(client, district):
    d = district
    client.force_login(d.district)
    pks = many_filed(d, 3, d.union_a)
    for pk in pks:
        services.assistance_record(actor=d.district, file=HardshipFile.objects.get(pk=pk), given_on=TODAY,
                                   kind="medical", amount="100", giver_org=d.root)
    with CaptureQueriesContext(connection) as small:
        _, sheet = _book(client.get(URL))
    assert len(_rows(sheet)) == 3
    pks += many_filed(d, 27, d.union_b)
    for pk in pks[3:]:
        services.assistance_record(actor=d.district, file=HardshipFile.objects.get(pk=pk), given_on=TODAY,
                                   kind="medical", amount="100", giver_org=d.root)
    with CaptureQueriesContext(connection) as large:
        _, sheet = _book(client.get(URL))
    rows = _rows(sheet)
    assert len(rows) == 30 and {r[14] for r in rows} == {1} and sum(r[15] for r in rows) == 3000
    assert len(large.captured_queries) == len(small.captured_queries) <= 12
    assert Decimal(str(rows[0][7])) == Decimal("600")
