"""Console member pages: masking everywhere, the audited reveal, the export, the approval queue."""

import io

import openpyxl
import pytest
from django.urls import reverse

from gonghui.audit.models import AuditEvent
from gonghui.console.tests.factories import (
    ALL_MODELS,
    APPLICANT_ID,
    APPLICANT_MOBILE,
    WORKER1_ID,
    WORKER1_MOBILE,
    WORKER_B_MOBILE,
    many_workers,
    pending_applicant,
    transfer_request,
)
from gonghui.core.choices import EmploymentForm
from gonghui.members.models import Membership, MembershipStatus
from gonghui.testing import make_worker, snapshot

PLAIN_NUMBERS = (WORKER1_ID, WORKER1_MOBILE, WORKER_B_MOBILE, APPLICANT_ID, APPLICANT_MOBILE,
                 "19900307", "1990-03-07")  # worker1's birth date is the masked middle of the ID


def _xlsx_cells(response) -> list[list[str]]:
    book = openpyxl.load_workbook(io.BytesIO(response.content), read_only=True)
    return [[str(c) if c is not None else "" for c in row] for row in book.active.iter_rows(values_only=True)]


def _console_pages(district, scenario):
    return [
        reverse("console:home"), reverse("members:list"), reverse("members:list") + "?q=李",
        reverse("members:detail", args=[district.worker1.pk]),
        reverse("members:detail", args=[scenario.worker.pk]),
        reverse("members:queue"), reverse("orgs:tree"), reverse("orgs:detail", args=[district.union_a.pk]),
        reverse("enterprises:list"), reverse("enterprises:detail", args=[district.enterprise_a.pk]),
    ]


# --- the roster -------------------------------------------------------------------------------


def test_member_list_shows_masked_id_and_mobile(client, district):
    client.force_login(district.street1_user)
    html = client.get(reverse("members:list")).content.decode()
    assert "李四" in html
    assert district.worker1.id_masked == "110105********1239"
    assert "110105********1239" in html
    assert "138****1111" in html
    assert WORKER1_ID not in html and WORKER1_MOBILE not in html


@pytest.mark.parametrize("username", ["district", "street1_user", "grassroots1"])
def test_no_page_or_export_shows_a_plain_id_or_mobile_without_reveal(client, district, username):
    scenario = pending_applicant(district)
    transfer_request(district, worker=make_worker(name="钱七", org=district.union_b, mobile="13500004444"))
    client.force_login(getattr(district, username))
    for url in _console_pages(district, scenario):
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        for number in (*PLAIN_NUMBERS, "13500004444"):
            assert number not in html, (url, number)
    cells = _xlsx_cells(client.get(reverse("members:export")))
    flat = " ".join(" ".join(row) for row in cells)
    assert "138****1111" in flat
    for number in PLAIN_NUMBERS:
        assert number not in flat


def test_street1_never_sees_street2_workers_on_lists_or_export(client, district):
    make_worker(name="孙八", org=district.street2, mobile="13500005555")
    client.force_login(district.street1_user)
    for url in [reverse("members:list"), reverse("members:list") + "?q=王", reverse("members:queue"),
                reverse("members:list") + f"?org={district.union_b.pk}"]:
        html = client.get(url).content.decode()
        for name in ("王五", "王*", "孙八", "西城商贸", "西街道"):
            assert name not in html, (url, name)
    flat = str(_xlsx_cells(client.get(reverse("members:export"))))
    assert "李四" in flat
    for name in ("王五", "孙八", "西城商贸"):
        assert name not in flat


def test_org_filter_outside_scope_is_refused_not_applied(client, district):
    client.force_login(district.street1_user)
    response = client.get(reverse("members:list"), {"org": district.union_b.pk})
    assert response.status_code == 200
    assert "王五" not in response.content.decode()
    assert response.context["form"].errors["org"]


def test_member_list_filters(client, district):
    make_worker(name="李骑手", org=district.joint1, form=EmploymentForm.DELIVERY_RIDER, mobile="13300006666")
    client.force_login(district.district)
    url = reverse("members:list")
    names = lambda r: {w.name for w in r.context["page_obj"]}  # noqa: E731
    assert names(client.get(url, {"q": "李"})) == {"李四", "李骑手"}
    assert names(client.get(url, {"employment_form": EmploymentForm.DELIVERY_RIDER})) == {"李骑手"}
    assert names(client.get(url, {"org": district.street2.pk})) == {"王五"}
    assert names(client.get(url, {"q": WORKER_B_MOBILE})) == {"王五"}


def test_member_list_paginates_50_and_does_no_query_per_row(client, district, django_assert_max_num_queries):
    many_workers(district, 60)
    client.force_login(district.street1_user)
    client.get(reverse("members:list"))  # warm up the session
    with django_assert_max_num_queries(10):
        response = client.get(reverse("members:list"))
    assert len(response.context["page_obj"].object_list) == 50
    with django_assert_max_num_queries(10):
        response = client.get(reverse("members:list"), {"page": 2})
    assert len(response.context["page_obj"].object_list) == 11  # 60 + 李四


def test_live_filter_returns_only_the_table_fragment(client, district):
    client.force_login(district.street1_user)
    response = client.get(reverse("members:list"), {"q": "李"}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert "李四" in html
    assert "<html" not in html and "sidenav" not in html
    assert "HX-Request" in response["Vary"]
    full = client.get(reverse("members:list"), {"q": "李"},
                      headers={"HX-Request": "true", "HX-History-Restore-Request": "true"})
    assert "<html" in full.content.decode()


# --- detail and history -----------------------------------------------------------------------


def test_member_detail_shows_history(client, district):
    m = transfer_request(district, worker=district.worker1, to=district.joint1)
    client.force_login(district.street1_user)
    client.post(reverse("members:approve", args=[m.pk]))
    html = client.get(reverse("members:detail", args=[district.worker1.pk])).content.decode()
    assert "东街道新就业形态联合工会" in html and "东方机械厂工会" in html
    assert "transferred_out" in html and "approve" in html
    assert district.worker1.memberships.get(org=district.union_a).card_no in html


# --- reveal -----------------------------------------------------------------------------------


def test_reveal_shows_the_full_id_once_and_audits_it(client, district):
    client.force_login(district.street1_user)
    url = reverse("members:reveal", args=[district.worker1.pk])
    response = client.post(url, {"reason": "核实身份以办理转会"})
    assert response.status_code == 200
    assert WORKER1_ID in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    event = AuditEvent.objects.get(action="worker.reveal_id")
    assert event.actor == district.street1_user and event.reason == "核实身份以办理转会"
    assert event.target_id == str(district.worker1.pk)
    assert WORKER1_ID not in str(event.detail) + event.target_label + event.reason
    # not stored anywhere the next page could show it, and not in the URL
    assert WORKER1_ID not in url
    assert WORKER1_ID not in client.get(reverse("members:detail", args=[district.worker1.pk])).content.decode()


@pytest.mark.parametrize("reason", ["", "   ", "x"])
def test_reveal_needs_a_reason(client, district, reason):
    client.force_login(district.street1_user)
    before = snapshot(*ALL_MODELS)
    response = client.post(reverse("members:reveal", args=[district.worker1.pk]), {"reason": reason})
    assert response.status_code == 400
    assert WORKER1_ID not in response.content.decode()
    assert snapshot(*ALL_MODELS) == before
    assert not AuditEvent.objects.filter(action="worker.reveal_id").exists()


def test_grassroots_cadre_has_no_reveal_button_and_cannot_reveal(client, district):
    client.force_login(district.grassroots1)
    detail = client.get(reverse("members:detail", args=[district.worker1.pk]))
    assert detail.status_code == 200
    assert reverse("members:reveal", args=[district.worker1.pk]) not in detail.content.decode()
    before = snapshot(*ALL_MODELS)
    response = client.post(reverse("members:reveal", args=[district.worker1.pk]), {"reason": "想看看"})
    assert response.status_code == 404
    assert WORKER1_ID not in response.content.decode()
    assert snapshot(*ALL_MODELS) == before


def test_street_cadre_sees_the_reveal_button(client, district):
    client.force_login(district.street1_user)
    html = client.get(reverse("members:detail", args=[district.worker1.pk])).content.decode()
    assert reverse("members:reveal", args=[district.worker1.pk]) in html


def test_reveal_is_post_only(client, district):
    client.force_login(district.street1_user)
    response = client.get(reverse("members:reveal", args=[district.worker1.pk]), {"reason": "核实身份"})
    assert response.status_code == 405
    assert not AuditEvent.objects.filter(action="worker.reveal_id").exists()


# --- export -----------------------------------------------------------------------------------


def test_export_is_the_filtered_list_masked_and_audited(client, district):
    make_worker(name="李骑手", org=district.joint1, form=EmploymentForm.DELIVERY_RIDER, mobile="13300006666")
    client.force_login(district.street1_user)
    response = client.get(reverse("members:export"), {"employment_form": EmploymentForm.DELIVERY_RIDER})
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    rows = _xlsx_cells(response)
    assert len(rows) == 2  # header + one rider
    assert rows[1][0] == "李骑手" and rows[1][3] == "133****6666" and "*" in rows[1][2]
    event = AuditEvent.objects.get(action="members.export")
    assert event.actor == district.street1_user
    assert event.detail == {"count": 1, "filters": {"q": "", "employment_form": "delivery_rider", "org": None,
                                                     "status": ""}}


def test_export_audit_row_never_holds_a_searched_mobile(client, district):
    client.force_login(district.street1_user)
    rows = _xlsx_cells(client.get(reverse("members:export"), {"q": WORKER1_MOBILE}))
    assert len(rows) == 2
    event = AuditEvent.objects.get(action="members.export")
    assert WORKER1_MOBILE not in str(event.detail)
    assert event.detail["filters"]["q"] == "138****1111"


def test_export_cells_are_never_formulas(client, district):
    make_worker(name="=HYPERLINK(\"x\")", org=district.union_a, mobile="13300007777")
    client.force_login(district.street1_user)
    response = client.get(reverse("members:export"))
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    values = [c.value for row in book.active.iter_rows() for c in row]
    assert "=HYPERLINK(\"x\")" in values
    assert all(c.data_type != "f" for row in book.active.iter_rows() for c in row)


# --- the queue --------------------------------------------------------------------------------


def test_queue_shows_applicant_masked_and_transfer_origin(client, district):
    pending = pending_applicant(district)
    transfer = transfer_request(district)
    client.force_login(district.street1_user)
    html = client.get(reverse("members:queue")).content.decode()
    assert "赵*" in html and "赵六" not in html
    assert "王*" in html and "王五" not in html
    assert pending.worker.id_masked in html and APPLICANT_ID not in html
    assert "西城商贸公司工会" in html  # where the transfer comes from
    assert f'id="application-{transfer.pk}"' in html
    # street2 decides nothing for union A: its queue is empty
    client.force_login(district.street2_user)
    assert list(client.get(reverse("members:queue")).context["page_obj"]) == []


def test_approve_and_reject_journey(client, district):
    pending = pending_applicant(district)
    transfer = transfer_request(district)
    client.force_login(district.grassroots1)  # union A's own cadre decides
    assert {m.pk for m in client.get(reverse("members:queue")).context["page_obj"]} == {pending.pk, transfer.pk}

    response = client.post(reverse("members:approve", args=[transfer.pk]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("members:queue")
    transfer.refresh_from_db()
    assert transfer.status == MembershipStatus.ACTIVE
    assert transfer.transfer_from.status == MembershipStatus.TRANSFERRED
    district.worker_b.refresh_from_db()
    assert district.worker_b.org == district.union_a

    before = snapshot(*ALL_MODELS)
    client.post(reverse("members:reject", args=[pending.pk]), {"reason": "  "})
    assert snapshot(*ALL_MODELS) == before  # no reason, no rejection

    client.post(reverse("members:reject", args=[pending.pk]), {"reason": "非本单位职工"})
    pending.refresh_from_db()
    assert pending.status == MembershipStatus.REJECTED and pending.note == "非本单位职工"
    assert list(client.get(reverse("members:queue")).context["page_obj"]) == []
    assert set(AuditEvent.objects.filter(action__startswith="membership.").values_list("action", flat=True)) == {
        "membership.approve", "membership.reject"}

    # deciding again changes nothing
    before = snapshot(*ALL_MODELS)
    client.post(reverse("members:approve", args=[pending.pk]))
    client.post(reverse("members:reject", args=[transfer.pk]), {"reason": "重复"})
    assert snapshot(*ALL_MODELS) == before


def test_bulk_approve_selected_rows_only_in_scope(client, district):
    first = pending_applicant(district)
    other = make_worker(name="周九", org=district.union_a, active=False, mobile="13300008888")
    second = other.memberships.get()
    outside = make_worker(name="吴十", org=district.union_b, active=False, mobile="13300009999").memberships.get()
    client.force_login(district.street1_user)
    client.post(reverse("members:bulk_approve"), {"ids": [first.pk, outside.pk]})
    statuses = dict(Membership.objects.filter(pk__in=[first.pk, second.pk, outside.pk]).values_list("pk", "status"))
    assert statuses == {first.pk: "active", second.pk: "pending", outside.pk: "pending"}


def test_approve_and_reject_are_post_only(client, district):
    pending = pending_applicant(district)
    client.force_login(district.street1_user)
    assert client.get(reverse("members:approve", args=[pending.pk])).status_code == 405
    assert client.get(reverse("members:reject", args=[pending.pk])).status_code == 405
    pending.refresh_from_db()
    assert pending.status == MembershipStatus.PENDING
