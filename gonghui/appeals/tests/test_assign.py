"""Bulk assignment from the console queue, through HTTP: all or nothing, one event per request, audited."""

from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from gonghui.appeals.models import Action, Appeal, AppealEvent, Channel
from gonghui.audit.models import AuditEvent
from gonghui.testing import snapshot

from .conftest import file_for
from .test_views import as_user

URL = reverse("appeals:assign")
ALL = (Appeal, AppealEvent, AuditEvent)


def file_in_street2(district):
    return file_for(district, actor=district.street2_user, user=None, worker=district.worker_b, channel=Channel.HOTLINE)


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_the_queue_offers_checkboxes_and_the_handlers_of_the_area(district, at):
    appeal = file_for(district)
    response = as_user(district.street1_user).get(reverse("appeals:queue"))
    assert response.status_code == 200
    assert f'name="appeals" value="{appeal.pk}"' in response.content.decode()
    handlers = set(response.context["assign_form"].fields["handler"].queryset)
    assert district.grassroots1 in handlers and district.street1_user in handlers
    assert district.street2_user not in handlers and district.worker1_user not in handlers


def test_assigning_several_requests_at_once(district, at):
    appeals = [file_for(district) for _i in range(3)]
    response = as_user(district.street1_user).post(URL, {
        "appeals": [a.pk for a in appeals], "handler": district.grassroots1.pk, "queue": "subtree"})
    assert response.status_code == 302 and response["Location"] == reverse("appeals:queue_named", args=["subtree"])
    assert set(Appeal.objects.values_list("handler", flat=True)) == {district.grassroots1.pk}
    events = AppealEvent.objects.filter(action=Action.ASSIGN)
    assert sorted(events.values_list("appeal", flat=True)) == sorted(a.pk for a in appeals)
    assert set(events.values_list("actor", flat=True)) == {district.street1_user.pk}
    audit = AuditEvent.objects.get(action="appeals.assign")
    assert audit.actor == district.street1_user and sorted(audit.detail["appeals"]) == sorted(a.pk for a in appeals)
    mine = as_user(district.grassroots1).get(reverse("appeals:queue_named", args=["mine"]))
    assert {a.pk for a, _s in mine.context["rows"]} == {a.pk for a in appeals}


def test_another_streets_request_in_the_batch_refuses_the_whole_batch(district, at):
    own, foreign = file_for(district), file_in_street2(district)
    before = snapshot(*ALL)
    response = as_user(district.street1_user).post(URL, {
        "appeals": [own.pk, foreign.pk], "handler": district.grassroots1.pk})
    assert response.status_code == 302
    assert snapshot(*ALL) == before
    assert any(str(foreign.pk) in m for m in messages_of(response))


def test_a_handler_who_may_not_handle_one_request_refuses_the_batch(district, at):
    # The district sees both streets; street1's grassroots cadre cannot handle street2's request.
    own, foreign = file_for(district), file_in_street2(district)
    before = snapshot(*ALL)
    response = as_user(district.district).post(URL, {"appeals": [own.pk, foreign.pk],
                                                     "handler": district.grassroots1.pk})
    assert response.status_code == 302 and snapshot(*ALL) == before
    assert any(foreign.reference in m for m in messages_of(response))


def test_bad_input_changes_nothing(district, at):
    appeal = file_for(district)
    before = snapshot(*ALL)
    client = as_user(district.street1_user)
    for data in ({"handler": district.grassroots1.pk}, {"appeals": [appeal.pk]},
                 {"appeals": [appeal.pk], "handler": district.worker1_user.pk},
                 {"appeals": ["x"], "handler": district.grassroots1.pk}):
        response = client.post(URL, data)
        assert response.status_code == 302 and messages_of(response), data
    assert snapshot(*ALL) == before


def test_permissions(district, at):
    appeal = file_for(district)
    data = {"appeals": [appeal.pk], "handler": district.grassroots1.pk}
    before = snapshot(*ALL)
    response = as_user(None).post(URL, data)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert as_user(district.worker1_user).post(URL, data).status_code == 403
    assert as_user(district.auditor).post(URL, data).status_code == 403
    as_user(district.street2_user).post(URL, data)
    assert snapshot(*ALL) == before
    assert as_user(district.street1_user).get(URL).status_code == 405


def test_the_assignment_costs_the_same_queries_for_more_requests(district, at):
    client = as_user(district.street1_user)
    few_appeals = [file_for(district) for _i in range(2)]
    client.get(reverse("appeals:queue"))
    with CaptureQueriesContext(connection) as few:
        client.post(URL, {"appeals": [a.pk for a in few_appeals], "handler": district.grassroots1.pk})
    many_appeals = [file_for(district) for _i in range(12)]
    with CaptureQueriesContext(connection) as many:
        client.post(URL, {"appeals": [a.pk for a in many_appeals], "handler": district.grassroots1.pk})
    assert Appeal.objects.filter(handler=district.grassroots1).count() == 14
    assert len(many) == len(few) <= 20
