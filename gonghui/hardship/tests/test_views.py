"""Console and portal pages through HTTP: permission matrix, masking, forms, bad input changes nothing."""

import datetime as dt
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from gonghui.audit.models import AuditEvent
from gonghui.hardship.models import (
    Assistance,
    FamilyMember,
    FileEvent,
    FileReview,
    FileStatus,
    HardshipFile,
    HomeVisit,
    LivingStandard,
    SpotCheck,
)
from gonghui.testing import snapshot

from .conftest import CHILD_ID, SPOUSE_ID, apply

MODELS = (HardshipFile, FamilyMember, FileEvent, HomeVisit, FileReview, Assistance, SpotCheck, LivingStandard,
          AuditEvent)
PLAIN = ("110105199003071239", "13800001111", SPOUSE_ID, CHILD_ID, "李四", "赵小红")
TODAY = timezone.localdate()


def _pages(file):
    return [
        ("get", reverse("hardship:detail", args=[file.pk]), None),
        ("get", reverse("hardship:action", args=[file.pk, "annual-review"]), None),
        ("post", reverse("hardship:action", args=[file.pk, "annual-review"]),
         {"reviewed_on": TODAY.isoformat(), "income_per_head": "900", "employment": "employed",
          "still_in_hardship": "yes"}),
        ("post", reverse("hardship:action", args=[file.pk, "exit"]), {"reason": "脱困", "closed_on": TODAY}),
        ("post", reverse("hardship:action", args=[file.pk, "visit"]),
         {"visited_on": TODAY, "visitors": "甲", "findings": "乙"}),
    ]


def _api_text(client, url) -> str:
    """The JSON answer with Chinese characters unescaped, so a plain name would show."""
    return json.dumps(client.get(url).json(), ensure_ascii=False)


def _assert_no_plain(html: str):
    for plain in PLAIN:
        assert plain not in html, plain


def test_anonymous_is_sent_to_sign_in(client, files):
    before = snapshot(*MODELS)
    for method, url, data in [*_pages(files.file1), ("get", reverse("hardship:list"), None),
                              ("get", reverse("hardship:create"), None),
                              ("get", reverse("hardship_portal:mine"), None),
                              ("post", reverse("hardship_portal:apply"), {"main_cause": "illness"})]:
        response = getattr(client, method)(url, data)
        assert response.status_code == 302 and "/login" in response["Location"], url
    assert client.get("/api/v1/hardship/files").status_code == 401
    assert client.get("/api/v1/hardship/mine").status_code == 401
    assert snapshot(*MODELS) == before


def test_no_cadre_role_is_refused_in_the_console(client, files):
    before = snapshot(*MODELS)
    for user in (files.nobody, files.worker1_user, files.auditor):
        client.force_login(user)
        for method, url, data in [*_pages(files.file1), ("get", reverse("hardship:list"), None),
                                  ("get", reverse("hardship:spot_checks"), None),
                                  ("post", reverse("hardship:spot_checks"), {"org": files.street1.pk,
                                                                             "year": TODAY.year}),
                                  ("post", reverse("hardship:standards"), {"org": files.street1.pk,
                                                                           "monthly_amount": "1420",
                                                                           "effective_from": "2026-01-01"})]:
            assert getattr(client, method)(url, data).status_code == 403, (user, url)
    assert snapshot(*MODELS) == before


def test_other_street_sees_nothing_of_street1(client, files):
    client.force_login(files.street2_user)
    before = snapshot(*MODELS)
    for method, url, data in _pages(files.file1):
        assert getattr(client, method)(url, data).status_code == 404, url
    assert snapshot(*MODELS) == before
    html = client.get(reverse("hardship:list")).content.decode()
    assert reverse("hardship:detail", args=[files.file2.pk]) in html
    assert reverse("hardship:detail", args=[files.file1.pk]) not in html
    api = client.get("/api/v1/hardship/files").json()
    assert [f["id"] for f in api["items"]] == [files.file2.pk]
    assert client.get(f"/api/v1/hardship/files/{files.file1.pk}").status_code == 404


def test_street1_cadre_sees_the_file_masked(client, files):
    client.force_login(files.street1_user)
    html = client.get(reverse("hardship:detail", args=[files.file1.pk])).content.decode()
    assert "110105********1239" in html and "138****1111" in html and "李*" in html
    _assert_no_plain(html)
    html = client.get(reverse("hardship:list")).content.decode()
    assert reverse("hardship:detail", args=[files.file1.pk]) in html
    assert reverse("hardship:detail", args=[files.file2.pk]) not in html
    _assert_no_plain(html)
    body = client.get(f"/api/v1/hardship/files/{files.file1.pk}").json()
    assert body["householder_name_masked"] == "李*" and body["householder_id_masked"] == "110105********1239"
    _assert_no_plain(_api_text(client, f"/api/v1/hardship/files/{files.file1.pk}"))
    _assert_no_plain(_api_text(client, "/api/v1/hardship/files"))


def test_worker_sees_only_their_own_household(client, files):
    client.force_login(files.worker1_user)
    response = client.get(reverse("hardship_portal:mine"))
    assert response.context["live"] == files.file1
    html = response.content.decode()
    assert 'id="live"' in html and list(response.context["family"]) == list(files.file1.family.all())
    for plain in PLAIN[:4]:
        assert plain not in html
    mine = client.get("/api/v1/hardship/mine").json()
    assert mine["id"] == files.file1.pk and len(mine["family"]) == 2
    listed = client.get("/api/v1/hardship/files").json()
    assert [f["id"] for f in listed["items"]] == [files.file1.pk]
    assert client.get(f"/api/v1/hardship/files/{files.file2.pk}").status_code == 404
    mine_text = _api_text(client, "/api/v1/hardship/mine")
    for plain in PLAIN[:4]:
        assert plain not in mine_text
    client.force_login(files.nobody)
    assert client.get("/api/v1/hardship/mine").status_code == 404
    assert client.get("/api/v1/hardship/files").json()["items"] == []


def test_portal_home_links_to_hardship(client, district):
    client.force_login(district.worker1_user)
    assert reverse("hardship_portal:mine") in client.get(reverse("portal:home")).content.decode()


def _application(**overrides):
    data = {"main_cause": "illness", "secondary_causes": ["education"], "income_per_head": "800",
            "employment": "flexible", "evidence": "诊断证明.pdf",
            "family-TOTAL_FORMS": "3", "family-INITIAL_FORMS": "0", "family-MIN_NUM_FORMS": "0",
            "family-MAX_NUM_FORMS": "20",
            "family-1-name": "赵小红", "family-1-relation": "spouse", "family-1-resident_id": SPOUSE_ID,
            "family-1-health": "chronic"}
    data.update(overrides)
    return data


def test_worker_applies_online(client, district):
    client.force_login(district.worker1_user)
    assert client.get(reverse("hardship_portal:apply")).status_code == 200
    response = client.post(reverse("hardship_portal:apply"), _application())
    assert response.status_code == 302
    file = HardshipFile.objects.get()
    assert file.householder == district.worker1 and file.source == "online"
    assert list(file.family.values_list("name", "birth_date")) == [("赵小红", dt.date(1991, 5, 4))]
    # A second application is sent back to the file.
    assert client.get(reverse("hardship_portal:apply")).status_code == 302


@pytest.mark.parametrize("change, field", [
    ({"income_per_head": "八百"}, "income_per_head"),
    ({"income_per_head": "-1"}, "income_per_head"),
    ({"main_cause": "laziness"}, "main_cause"),
    ({"family-1-resident_id": SPOUSE_ID[:-1] + ("1" if SPOUSE_ID[-1] != "1" else "2")}, "resident_id"),
])
def test_bad_application_shows_the_field_and_changes_nothing(client, district, change, field):
    client.force_login(district.worker1_user)
    before = snapshot(*MODELS)
    response = client.post(reverse("hardship_portal:apply"), _application(**change))
    assert response.status_code == 200
    form = response.context["form"]
    formset = response.context["formset"]
    assert field in form.errors or field in formset.forms[1].errors
    assert snapshot(*MODELS) == before


def test_cadre_opens_a_file_after_a_visit(client, district):
    client.force_login(district.grassroots1)
    url = reverse("hardship:create")
    before = snapshot(*MODELS)
    response = client.post(url, _application(householder_resident_id="110105199003071238"))  # wrong check char
    assert "householder_resident_id" in response.context["form"].errors
    response = client.post(url, _application(householder_resident_id=district.worker_b.id_masked))
    assert "householder_resident_id" in response.context["form"].errors
    assert snapshot(*MODELS) == before
    client.force_login(district.street2_user)  # worker1 is not in street2's unions
    response = client.post(url, _application(householder_resident_id="110105199003071239"))
    assert "householder_resident_id" in response.context["form"].errors
    assert snapshot(*MODELS) == before
    client.force_login(district.grassroots1)
    response = client.post(url, _application(householder_resident_id="110105199003071239"))
    file = HardshipFile.objects.get()
    assert response["Location"] == reverse("hardship:detail", args=[file.pk])
    assert file.source == "visit" and file.created_by == district.grassroots1


def test_life_cycle_through_the_pages(client, district):
    file = apply(district)
    act = lambda user, slug, data: (client.force_login(user),  # noqa: E731
                                    client.post(reverse("hardship:action", args=[file.pk, slug]), data))[1]
    assert act(district.grassroots1, "check", {"note": "情况属实"}).status_code == 302
    # The higher union's step is not the grassroots union's to take.
    before = snapshot(*MODELS)
    assert act(district.grassroots1, "review", {}).status_code == 403
    # A move the status does not allow yet is refused with a message, and nothing changes.
    response = act(district.grassroots1, "file", {})
    assert response.status_code == 200 and response.context["form"].non_field_errors()
    assert snapshot(*MODELS) == before
    assert act(district.grassroots1, "visit", {"visited_on": TODAY, "visitors": "王干事",
                                               "findings": "属实"}).status_code == 302
    assert act(district.street1_user, "review", {}).status_code == 302
    assert act(district.grassroots1, "publicity", {"publicity_start": TODAY}).status_code == 302
    file.refresh_from_db()
    assert file.status == FileStatus.PUBLICITY and file.publicity_ends_at is not None
    html = client.get(reverse("hardship:detail", args=[file.pk])).content.decode()
    assert timezone.localtime(file.publicity_ends_at).strftime("%Y-%m-%d") in html
    HardshipFile.objects.filter(pk=file.pk).update(publicity_ends_at=timezone.now() - dt.timedelta(hours=1))
    assert act(district.grassroots1, "file", {}).status_code == 302
    before = snapshot(*MODELS)
    response = act(district.grassroots1, "assistance", {"given_on": TODAY, "kind": "living", "amount": "abc",
                                                        "giver_org": district.union_a.pk})
    assert "amount" in response.context["form"].errors
    assert snapshot(*MODELS) == before
    assert act(district.grassroots1, "assistance", {"given_on": TODAY, "kind": "living", "amount": "500",
                                                    "giver_org": district.union_a.pk}).status_code == 302
    assert act(district.grassroots1, "exit", {"reason": "", "closed_on": TODAY}).status_code == 200
    assert act(district.grassroots1, "exit", {"reason": "再就业", "closed_on": TODAY}).status_code == 302
    file.refresh_from_db()
    assert file.status == FileStatus.EXITED and file.archive.reason == "再就业"
    assert list(file.events.values_list("to_status", flat=True)) == [
        "applied", "checked", "visited", "reviewed", "publicity", "filed", "exited"]


def test_spot_check_pages(client, files):
    client.force_login(files.street1_user)
    response = client.post(reverse("hardship:spot_checks"), {"org": files.street1.pk, "year": TODAY.year})
    check = SpotCheck.objects.get()
    assert response["Location"] == reverse("hardship:spot_check", args=[check.pk])
    html = client.get(response["Location"]).content.decode()
    assert str(check.seed) in html and reverse("hardship:detail", args=[files.file1.pk]) in html
    _assert_no_plain(html)
    before = snapshot(*MODELS)
    response = client.post(reverse("hardship:spot_checks"), {"org": files.street1.pk, "year": TODAY.year})
    assert "year" in response.context["form"].errors
    response = client.post(reverse("hardship:spot_checks"), {"org": files.street2.pk, "year": TODAY.year - 1})
    assert "org" in response.context["form"].errors  # not an area this cadre works for
    assert snapshot(*MODELS) == before
    client.force_login(files.street2_user)
    assert client.get(reverse("hardship:spot_check", args=[check.pk])).status_code == 404


def test_standards_page(client, district):
    client.force_login(district.street1_user)
    before = snapshot(LivingStandard, AuditEvent)
    response = client.post(reverse("hardship:standards"), {"org": district.street1.pk, "monthly_amount": "-3",
                                                           "effective_from": "2026-01-01"})
    assert "monthly_amount" in response.context["form"].errors
    response = client.post(reverse("hardship:standards"), {"org": district.street2.pk, "monthly_amount": "1420",
                                                           "effective_from": "2026-01-01"})  # another subtree
    assert "org" in response.context["form"].errors
    assert snapshot(LivingStandard, AuditEvent) == before
    assert client.post(reverse("hardship:standards"), {"org": district.street1.pk, "monthly_amount": "1420",
                                                       "effective_from": "2026-01-01"}).status_code == 302
    file = apply(district)
    html = client.get(reverse("hardship:detail", args=[file.pk])).content.decode()
    assert "1420.00" in html


def test_list_filters(client, files):
    HardshipFile.objects.filter(pk=files.file1.pk).update(last_reviewed_on=TODAY - dt.timedelta(days=400))
    client.force_login(files.district)
    url = reverse("hardship:list")
    response = client.get(url, {"list": "overdue"})
    assert [f.pk for f in response.context["page_obj"]] == [files.file1.pk]
    assert (response.context["overdue_count"], response.context["never_assisted_count"]) == (1, 2)
    assert 'id="review-overdue"' in client.get(reverse("hardship:detail", args=[files.file1.pk])).content.decode()
    assert 'id="review-overdue"' not in client.get(reverse("hardship:detail", args=[files.file2.pk])).content.decode()
    page = client.get(url, {"cause": "low_income"}).context["page_obj"]
    assert [f.pk for f in page] == [files.file2.pk]
    page = client.get(url, {"list": "never_assisted", "status": "filed"}).context["page_obj"]
    assert {f.pk for f in page} == {files.file1.pk, files.file2.pk}


def test_list_page_queries_do_not_grow_with_rows(client, district):
    from .conftest import many_filed

    client.force_login(district.street1_user)
    many_filed(district, 2, district.union_a)
    with CaptureQueriesContext(connection) as small:
        assert client.get(reverse("hardship:list")).status_code == 200
    many_filed(district, 12, district.union_a)
    with CaptureQueriesContext(connection) as large:
        assert client.get(reverse("hardship:list")).status_code == 200
    assert len(large.captured_queries) == len(small.captured_queries) <= 12


def test_family_member_pages(client, files):
    from gonghui.hardship.models import FamilyMember

    client.force_login(files.grassroots1)
    url = reverse("hardship:action", args=[files.file1.pk, "family"])
    before = snapshot(*MODELS)
    response = client.post(url, {"name": "李老汉", "relation": "parent", "health": "serious",
                                 "resident_id": "110105195002031230"})  # wrong check character
    assert "resident_id" in response.context["form"].errors
    assert snapshot(*MODELS) == before
    assert client.post(url, {"name": "李老汉", "relation": "parent", "health": "serious",
                             "birth_date": "1950-02-03"}).status_code == 302
    member = FamilyMember.objects.get(name="李老汉")
    leave = reverse("hardship:family_leave", args=[files.file1.pk, member.pk])
    before = snapshot(*MODELS)
    client.force_login(files.street2_user)
    assert client.post(leave, {"reason": "搬走"}).status_code == 404
    client.force_login(files.grassroots1)
    assert client.post(leave, {"reason": ""}).status_code == 302
    member.refresh_from_db()
    assert member.left_on is None
    assert snapshot(*MODELS) == before
    assert client.post(leave, {"reason": "去世"}).status_code == 302
    member.refresh_from_db()
    assert member.left_reason == "去世"
    html = client.get(reverse("hardship:detail", args=[files.file1.pk])).content.decode()
    assert "李*汉" in html and "李老汉" not in html


def test_edit_page(client, files):
    client.force_login(files.grassroots1)
    url = reverse("hardship:action", args=[files.file1.pk, "edit"])
    assert client.get(url).context["form"].initial["main_cause"] == "illness"
    before = snapshot(*MODELS)
    response = client.post(url, {"main_cause": "nonsense", "evidence": "x"})
    assert "main_cause" in response.context["form"].errors
    assert snapshot(*MODELS) == before
    assert client.post(url, {"main_cause": "accident", "evidence": "事故认定书.pdf"}).status_code == 302
    files.file1.refresh_from_db()
    assert files.file1.main_cause == "accident" and files.file1.evidence == "事故认定书.pdf"
