"""The audit log page: the auditor reads it; nobody else sees it; nobody edits it."""

import pytest
from django.urls import reverse

from gonghui.audit.models import AuditEvent
from gonghui.audit.services import audit_record
from gonghui.testing import snapshot


@pytest.fixture
def events(district):
    audit_record(actor=district.street1_user, action="members.export", detail={"count": 3}, reason="")
    audit_record(actor=district.district, action="worker.reveal_id", target=district.worker1, reason="核实身份")
    audit_record(actor=district.street1_user, action="membership.approve", target=district.worker1)


def test_auditor_sees_the_log_with_time_actor_action_object_reason(client, district, events):
    client.force_login(district.auditor)
    response = client.get(reverse("console:audit"))
    assert response.status_code == 200
    html = response.content.decode()
    for text in ("members.export", "worker.reveal_id", "核实身份", "street1", "members.worker", "李*"):
        assert text in html
    assert reverse("audit:list") == reverse("console:audit")


def test_filters_by_action_prefix_and_actor(client, district, events):
    client.force_login(district.auditor)
    url = reverse("audit:list")
    assert {e.action for e in client.get(url, {"action": "member"}).context["page_obj"]} == {
        "members.export", "membership.approve"}
    assert {e.action for e in client.get(url, {"actor": "district"}).context["page_obj"]} == {"worker.reveal_id"}
    assert {e.action for e in client.get(url, {"action": "members.", "actor": "street1"}).context["page_obj"]} == {
        "members.export"}


def test_paginated(client, district):
    for i in range(60):
        audit_record(actor=district.district, action=f"test.{i}")
    client.force_login(district.auditor)
    page = client.get(reverse("audit:list"), {"action": "test."}).context["page_obj"]
    assert len(page) == 50 and page.paginator.count == 60


@pytest.mark.parametrize("username", ["district", "street1_user", "grassroots1", "sysadmin", "secadmin", "nobody",
                                      "worker1_user"])
def test_nobody_else_sees_the_log(client, district, events, username):
    client.force_login(getattr(district, username))
    response = client.get(reverse("audit:list"))
    assert response.status_code == 403
    assert "worker.reveal_id" not in response.content.decode()


def test_anonymous_is_sent_to_sign_in(client, district):
    response = client.get(reverse("audit:list"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))


def test_the_log_page_cannot_write(client, district, events):
    client.force_login(district.auditor)
    before = snapshot(AuditEvent)
    for method in (client.post, client.put, client.delete):
        assert method(reverse("audit:list")).status_code == 405
    assert snapshot(AuditEvent) == before


def test_auditor_sign_in_lands_on_the_log(client, district):
    response = client.post(reverse("accounts:login"), {"username": "auditor", "password": "Demo@12351"})
    assert response["Location"] == reverse("console:audit")
    assert client.get(response["Location"]).status_code == 200
    assert client.get(reverse("console:home"))["Location"] == reverse("console:audit")
