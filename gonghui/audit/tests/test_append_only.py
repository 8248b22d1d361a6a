"""The audit log is append-only: no code path edits or deletes a row."""

import pytest
from django.db import transaction
from django.db.models import ProtectedError
from django.test import RequestFactory

from gonghui.audit.models import AppendOnlyError, AuditEvent
from gonghui.audit.services import audit_record
from gonghui.testing import snapshot


@pytest.fixture
def event(district):
    request = RequestFactory().get("/", REMOTE_ADDR="10.1.2.3")
    return audit_record(actor=district.street1_user, action="test.write", target=district.union_a,
                        reason="核对", detail={"k": "v"}, request=request)


def test_audit_record_fills_every_column(event, district):
    row = AuditEvent.objects.get(pk=event.pk)
    assert row.actor == district.street1_user
    assert row.actor_name == "street1"
    assert row.action == "test.write"
    assert row.target_type == "orgs.org"
    assert row.target_id == str(district.union_a.pk)
    assert row.target_label == district.union_a.name
    assert row.reason == "核对"
    assert row.detail == {"k": "v"}
    assert row.ip == "10.1.2.3"
    assert row.at is not None


def test_audit_record_without_actor_or_request(db):
    row = audit_record(actor=None, action="system.job")
    assert row.actor is None and row.actor_name == "" and row.ip is None and row.target_type == ""


def test_appending_still_works(event):
    AuditEvent.objects.create(action="another")
    AuditEvent.objects.bulk_create([AuditEvent(action="bulk1"), AuditEvent(action="bulk2")])
    assert AuditEvent.objects.count() >= 4


@pytest.mark.parametrize(
    "attempt",
    [
        pytest.param(lambda e: (setattr(e, "action", "forged"), e.save()), id="save"),
        pytest.param(lambda e: e.save(update_fields=["reason"]), id="save-update-fields"),
        pytest.param(lambda e: e.save(force_insert=True), id="save-force-insert"),
        pytest.param(lambda e: e.delete(), id="delete"),
        pytest.param(lambda e: AuditEvent.objects.filter(pk=e.pk).update(reason="x"), id="qs-update"),
        pytest.param(lambda e: AuditEvent.objects.all().delete(), id="qs-delete"),
        pytest.param(lambda e: AuditEvent.objects.filter(pk=e.pk).delete(), id="qs-filter-delete"),
        pytest.param(lambda e: AuditEvent.objects.update(reason="x"), id="manager-update"),
        pytest.param(lambda e: AuditEvent.objects.bulk_update([e], ["reason"]), id="bulk-update"),
        pytest.param(lambda e: AuditEvent.objects.update_or_create(pk=e.pk, defaults={"reason": "x"}),
                     id="update-or-create"),
        pytest.param(lambda e: e.actor.auditevent_set.update(reason="x"), id="related-manager-update"),
        pytest.param(lambda e: e.actor.auditevent_set.all().delete(), id="related-manager-delete"),
    ],
)
def test_edits_and_deletes_are_refused_and_change_nothing(event, attempt):
    before = snapshot(AuditEvent)
    event.reason = "篡改"
    with pytest.raises(AppendOnlyError), transaction.atomic():
        attempt(event)
    assert snapshot(AuditEvent) == before
    row = AuditEvent.objects.get(pk=event.pk)
    assert (row.action, row.reason, row.detail) == ("test.write", "核对", {"k": "v"})


def test_deleting_the_actor_is_refused_while_their_events_exist(event, district):
    before = snapshot(AuditEvent)
    with pytest.raises(ProtectedError), transaction.atomic():
        district.street1_user.delete()
    assert snapshot(AuditEvent) == before
