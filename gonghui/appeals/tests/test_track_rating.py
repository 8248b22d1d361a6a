"""An anonymous reporter rates the answer through the signed tracking link (R3.10).

The token is the only key: no pk in the URL. Only a request filed without an account may be rated this way;
one with a reporter account is rated in the portal. Tracking tokens carry no timestamp by design (see
intake.py), so "expired" cannot happen; forged, truncated, foreign and dangling tokens are 404.
"""

import datetime as dt
import threading

import pytest
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils.translation import gettext

from gonghui.accounts.sms import MemorySmsBackend
from gonghui.appeals import intake
from gonghui.appeals.models import Action, Appeal, AppealEvent, Channel, Rating, ReturnVisit, Status
from gonghui.appeals.reports import appeal_counts
from gonghui.appeals.services import appeal_act, appeal_file, appeal_rate, appeal_rate_by_link
from gonghui.audit.models import AuditEvent
from gonghui.campaigns.retry import retry_on_lock
from gonghui.campaigns.tests.test_concurrency import wait_for_room
from gonghui.notifications.models import Notification
from gonghui.testing import snapshot

from .conftest import file_for
from .test_anonymous import URL as ANONYMOUS_URL
from .test_anonymous import data, send_code
from .test_views import as_user

ALL = (Appeal, AppealEvent, ReturnVisit, AuditEvent, Notification)
MOBILE = "13911113333"
NOVEMBER = {"start": dt.date(2025, 11, 1), "end": dt.date(2025, 11, 30)}
ALREADY = "This request has already been rated; a rating cannot be changed."
NOT_YET = "A request can be rated once it has been answered."


@pytest.fixture(autouse=True)
def _outbox():
    MemorySmsBackend.outbox.clear()


def anonymous_request(district) -> Appeal:
    """Filed without an account, as intake.appeal_file_verified does once the code is checked."""
    return appeal_file(actor=None, channel=Channel.PORTAL, appeal_type="consultation", category="wage_arrears",
                       description="老板拖欠三个月工资，我叫张三", anonymous=True, mobile=MOBILE,
                       street=district.street1)


def answer(district, appeal, text="已联系劳动监察") -> Appeal:
    appeal = appeal_act(actor=district.street1_user, appeal=appeal, action=Action.ACCEPT)
    return appeal_act(actor=district.street1_user, appeal=appeal, action=Action.ANSWER, answer=text)


def urls(appeal) -> tuple[str, str]:
    token = intake.track_token(appeal)
    return reverse("appeals_portal:track", args=[token]), reverse("appeals_portal:track_rate", args=[token])


def test_the_rate_url_is_keyed_by_the_token_alone(district, at):
    appeal = anonymous_request(district)
    page, rate = urls(appeal)
    assert rate == page + "rate/"
    assert f"/{appeal.pk}/" not in rate


def test_file_anonymously_then_rate_through_the_link(district, at, django_capture_on_commit_callbacks):
    client = Client()
    response = client.post(ANONYMOUS_URL, data(district, send_code(client)))
    assert response.status_code == 302
    appeal = Appeal.objects.get()
    assert appeal.user is None and appeal.anonymous
    assert appeal_counts(org=district.root, **NOVEMBER)["rated"] == 0
    answer(district, appeal)
    page = Client().get(response["Location"])
    body = page.content.decode()
    assert page.status_code == 200 and page.context["may_rate"]
    assert 'id="rate"' in body and f'action="{response["Location"]}rate/"' in body
    for value, label in Rating.choices:
        assert f'value="{value}"' in body and str(label) in body
    audits = AuditEvent.objects.count()
    holder = Client()
    with django_capture_on_commit_callbacks(execute=True):
        response = holder.post(response["Location"] + "rate/",
                               {"rating": Rating.SATISFIED, "comment": "谢谢，我是张三"})
    assert response.status_code == 302 and response["Location"] == urls(appeal)[0]
    appeal.refresh_from_db()
    assert appeal.status == Status.RATED and appeal.rating == Rating.SATISFIED and appeal.rated_at == at.now
    assert appeal.rating_comment == "谢谢，我是张三"
    event = appeal.events.last()
    assert (event.action, event.from_status, event.to_status, event.actor) == ("rate", "answered", "rated", None)
    assert event.note == "谢谢，我是张三"
    assert AuditEvent.objects.count() == audits + 1
    audit = AuditEvent.objects.order_by("pk").last()
    assert audit.action == "appeals.rate" and audit.actor is None and audit.target_id == str(appeal.pk)
    assert audit.detail == {"rating": "satisfied", "via": "tracking link"}
    assert not ReturnVisit.objects.exists()
    assert not Notification.objects.filter(title__contains="回访").exists()
    counts = appeal_counts(org=district.root, **NOVEMBER)
    assert counts["rated"] == 1 and counts["satisfied"] == 1
    # The page now shows the rating given, no form, and not the comment (it may say who asked).
    page = holder.get(urls(appeal)[0])
    body = page.content.decode()
    assert page.status_code == 200 and not page.context["may_rate"]
    assert gettext("Thank you for your rating.") in body
    assert f"<strong>{Rating.SATISFIED.label}</strong>" in body and 'method="post"' not in body
    assert "张三" not in body


def test_dissatisfied_opens_exactly_one_return_visit_and_tells_the_union(district, at,
                                                                         django_capture_on_commit_callbacks):
    appeal = answer(district, anonymous_request(district))
    _page, rate = urls(appeal)
    with django_capture_on_commit_callbacks(execute=True):
        response = Client().post(rate, {"rating": Rating.DISSATISFIED, "comment": "没解决"})
    assert response.status_code == 302
    appeal.refresh_from_db()
    assert appeal.status == Status.RATED and appeal.rating == Rating.DISSATISFIED
    visit = ReturnVisit.objects.get()
    assert visit.appeal == appeal and visit.done_at is None and visit.created_at == at.now
    title = gettext("Return visit needed for %(ref)s") % {"ref": appeal.reference}
    assert Notification.objects.filter(user=district.street1_user, title=title, body="没解决").count() == 1
    counts = appeal_counts(org=district.root, **NOVEMBER)
    assert counts["rated"] == 1 and counts["satisfied"] == 0
    # A second try (a double tap on a bad network) opens nothing more.
    before = snapshot(*ALL)
    assert Client().post(rate, {"rating": Rating.DISSATISFIED}).status_code == 400
    assert snapshot(*ALL) == before and ReturnVisit.objects.count() == 1


@pytest.mark.parametrize(("post", "field"), [
    ({}, "rating"),
    ({"rating": ""}, "rating"),
    ({"rating": "great"}, "rating"),
    ({"rating": Rating.SATISFIED, "comment": "很" * 2001}, "comment"),
])
def test_bad_input_names_the_field_and_changes_nothing(district, at, post, field):
    appeal = answer(district, anonymous_request(district))
    _page, rate = urls(appeal)
    before = snapshot(*ALL)
    response = Client().post(rate, post)
    assert response.status_code == 400
    errors = response.context["rate_form"].errors
    assert list(errors) == [field]
    body = response.content.decode()
    assert f'<small class="error">{errors[field][0]}</small>' in body  # next to the field
    assert response.context["may_rate"] and 'id="rate"' in body
    assert snapshot(*ALL) == before


@pytest.mark.parametrize(("kw", "field"), [
    ({"rating": "great"}, "rating"),
    ({"rating": None}, "rating"),
    ({"rating": Rating.BASIC, "comment": "很" * 2001}, "comment"),
    ({"rating": Rating.BASIC, "comment": ["not", "text"]}, "comment"),
])
def test_the_service_refuses_bad_input_naming_the_field(district, at, kw, field):
    appeal = answer(district, anonymous_request(district))
    before = snapshot(*ALL)
    with pytest.raises(ValidationError) as exc:
        appeal_rate_by_link(token=intake.track_token(appeal), **kw)
    assert list(exc.value.message_dict) == [field]
    assert snapshot(*ALL) == before


def test_a_second_rating_is_refused_with_a_clear_message(district, at):
    appeal = answer(district, anonymous_request(district))
    page, rate = urls(appeal)
    assert Client().post(rate, {"rating": Rating.BASIC}).status_code == 302
    before = snapshot(*ALL)
    response = Client().post(rate, {"rating": Rating.DISSATISFIED, "comment": "改主意了"})
    assert response.status_code == 400
    assert response.context["rate_form"].non_field_errors() == [gettext(ALREADY)]
    body = response.content.decode()
    assert gettext(ALREADY) in body and f"<strong>{Rating.BASIC.label}</strong>" in body
    assert snapshot(*ALL) == before
    with pytest.raises(ValidationError) as exc:
        appeal_rate_by_link(token=intake.track_token(appeal), rating=Rating.SATISFIED)
    assert exc.value.message_dict == {"action": [gettext(ALREADY)]}
    assert snapshot(*ALL) == before
    # Still refused once the union has closed the request.
    appeal_act(actor=district.street1_user, appeal=appeal, action=Action.CLOSE)
    before = snapshot(*ALL)
    response = Client().post(rate, {"rating": Rating.SATISFIED})
    assert response.status_code == 400 and gettext(ALREADY) in response.content.decode()
    page = Client().get(page).content.decode()
    assert f"<strong>{Rating.BASIC.label}</strong>" in page and 'method="post"' not in page
    assert snapshot(*ALL) == before


def test_rating_before_the_answer_is_refused(district, at):
    appeal = anonymous_request(district)
    page, rate = urls(appeal)
    for step in (None, Action.ACCEPT, Action.START):
        if step:
            appeal = appeal_act(actor=district.street1_user, appeal=appeal, action=step)
        response = Client().get(page)
        assert response.status_code == 200 and not response.context["may_rate"]
        assert 'id="rate"' not in response.content.decode()
        before = snapshot(*ALL)
        response = Client().post(rate, {"rating": Rating.SATISFIED})
        assert response.status_code == 400
        assert response.context["rate_form"].non_field_errors() == [gettext(NOT_YET)]
        assert gettext(NOT_YET) in response.content.decode()
        assert snapshot(*ALL) == before


def test_a_request_closed_without_a_rating_cannot_be_rated(district, at):
    appeal = appeal_act(actor=district.street1_user, appeal=answer(district, anonymous_request(district)),
                        action=Action.CLOSE)
    _page, rate = urls(appeal)
    before = snapshot(*ALL)
    response = Client().post(rate, {"rating": Rating.SATISFIED})
    assert response.status_code == 400 and response.context["rate_form"].non_field_errors()
    assert snapshot(*ALL) == before


@pytest.mark.parametrize("anonymous", [False, True])
def test_a_request_with_a_reporter_account_is_rated_in_the_portal_only(district, at, anonymous):
    # Filed by the signed-in worker1 (openly, or anonymously towards the union): the link does not rate it.
    appeal = answer(district, file_for(district, anonymous=anonymous))
    page, rate = urls(appeal)
    response = Client().get(page)
    body = response.content.decode()
    assert response.status_code == 200 and not response.context["may_rate"] and response.context["sign_in_to_rate"]
    assert 'name="rating"' not in body
    assert gettext("This request was made from an account: please sign in to rate the answer.") in body
    assert reverse("accounts:login") in body
    before = snapshot(*ALL)
    for client in (Client(), as_user(district.worker1_user), as_user(district.nobody)):
        assert client.post(rate, {"rating": Rating.DISSATISFIED}).status_code == 403
        assert client.post(rate, {}).status_code == 403
    with pytest.raises(PermissionDenied):
        appeal_rate_by_link(token=intake.track_token(appeal), rating=Rating.DISSATISFIED)
    assert snapshot(*ALL) == before
    # The portal still rates it.
    appeal_rate(user=district.worker1_user, appeal=appeal, rating=Rating.SATISFIED)
    appeal.refresh_from_db()
    assert appeal.status == Status.RATED


def test_a_verified_filing_from_a_registered_workers_mobile_is_rated_in_the_portal(district, at):
    # The anonymous form with worker1's own mobile: the request joins worker1's account (appeal_file), so the
    # link sent by SMS shows the answer but asks to sign in to rate.
    client = Client()
    mobile = district.worker1_user.mobile
    response = client.post(ANONYMOUS_URL, data(district, send_code(client, mobile=mobile), mobile=mobile))
    assert response.status_code == 302
    appeal = answer(district, Appeal.objects.get())
    assert appeal.anonymous and appeal.user == district.worker1_user
    page = Client().get(response["Location"])
    assert page.context["sign_in_to_rate"] and 'name="rating"' not in page.content.decode()
    before = snapshot(*ALL)
    assert Client().post(response["Location"] + "rate/", {"rating": Rating.SATISFIED}).status_code == 403
    assert snapshot(*ALL) == before


def test_forged_or_dangling_tokens_are_404_and_change_nothing(district, at):
    appeal = answer(district, anonymous_request(district))
    token = intake.track_token(appeal)
    gone = Appeal.objects.order_by("-pk").values_list("pk", flat=True).first() + 1000
    bad = [
        token[:-2] + ("xx" if not token.endswith("xx") else "yy"),  # tampered signature
        token.split(":")[0],  # no signature
        intake.station_token(district.street1),  # a token of another kind
        signing.Signer(salt=intake.TRACK_SALT).sign_object({"a": gone}, compress=True),  # no such request
        signing.Signer(key="not-our-secret", salt=intake.TRACK_SALT).sign_object({"a": appeal.pk}, compress=True),
        signing.Signer(salt=intake.TRACK_SALT).sign_object({"a": str(appeal.pk)}, compress=True),
        "garbage",
    ]
    before = snapshot(*ALL)
    for forged in bad:
        assert Client().get(reverse("appeals_portal:track", args=[forged])).status_code == 404, forged
        response = Client().post(reverse("appeals_portal:track_rate", args=[forged]), {"rating": Rating.SATISFIED})
        assert response.status_code == 404, forged
        with pytest.raises(PermissionDenied):
            appeal_rate_by_link(token=forged, rating=Rating.SATISFIED)
    assert snapshot(*ALL) == before
    # The real token still works, and only by POST.
    assert Client().get(reverse("appeals_portal:track_rate", args=[token])).status_code == 405
    assert Client().post(reverse("appeals_portal:track_rate", args=[token]),
                         {"rating": Rating.SATISFIED}).status_code == 302


def test_the_portal_shares_the_rating_body_and_its_clear_message(district, at):
    appeal = answer(district, file_for(district))
    worker = as_user(district.worker1_user)
    assert worker.post(reverse("appeals_portal:rate", args=[appeal.pk]), {"rating": Rating.BASIC}).status_code == 302
    audit = AuditEvent.objects.get(action="appeals.rate")
    assert audit.actor == district.worker1_user and audit.detail == {"rating": "basic"}
    before = snapshot(*ALL)
    response = worker.post(reverse("appeals_portal:rate", args=[appeal.pk]), {"rating": Rating.SATISFIED})
    assert response.status_code == 400 and gettext(ALREADY) in response.content.decode()
    assert snapshot(*ALL) == before


def test_the_csrf_protected_form_works_for_a_visitor_without_an_account(district, at):
    appeal = answer(district, anonymous_request(district))
    page, rate = urls(appeal)
    phone = Client(enforce_csrf_checks=True)
    before = snapshot(*ALL)
    assert phone.post(rate, {"rating": Rating.SATISFIED}).status_code == 403  # no CSRF token
    assert snapshot(*ALL) == before
    response = phone.get(page)
    token = response.context["csrf_token"]
    assert f'name="csrfmiddlewaretoken" value="{token}"' in response.content.decode()
    assert phone.post(rate, {"rating": Rating.SATISFIED, "csrfmiddlewaretoken": token}).status_code == 302
    appeal.refresh_from_db()
    assert appeal.status == Status.RATED


def test_the_console_shows_the_worker_as_the_rater(district, at):
    appeal = answer(district, anonymous_request(district))
    appeal_rate_by_link(token=intake.track_token(appeal), rating=Rating.BASIC, comment="还行")
    response = as_user(district.street1_user).get(reverse("appeals:detail", args=[appeal.pk]))
    row = response.content.decode().split('<tr data-action="rate">')[1].split("</tr>")[0]
    assert gettext("The worker") in row and "还行" in row


@pytest.mark.django_db(transaction=True)
@pytest.mark.xdist_group("many_connections")
def test_two_taps_at_once_rate_once_and_open_one_return_visit(district, at):
    appeal = answer(district, anonymous_request(district))
    token = intake.track_token(appeal)
    # SQLite's in-memory test database fails a waiting writer at once; the retry stands in for its busy wait.
    rate = retry_on_lock(appeal_rate_by_link)
    wait_for_room(5)
    barrier = threading.Barrier(5)
    outcomes: list = [None] * 5

    def tap(i):
        try:
            connection.ensure_connection()
            barrier.wait()
            rate(token=token, rating=Rating.DISSATISFIED, comment=f"第{i}次")
            outcomes[i] = "ok"
        except ValidationError as exc:
            outcomes[i] = "refused:" + ",".join(sorted(exc.message_dict))
        except Exception as exc:  # noqa: BLE001 - any other failure must show in the assertion
            outcomes[i] = repr(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=tap, args=(i,)) for i in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    # On SQLite's in-memory database the winner's after-commit notification can hit "table is locked" too, and
    # the retry then redoes the (committed) rating and is told it was already rated: count the rows, not the oks.
    assert set(outcomes) <= {"ok", "refused:action"} and outcomes.count("ok") <= 1, outcomes
    if connection.vendor == "postgresql":
        assert sorted(outcomes) == ["ok"] + ["refused:action"] * 4, outcomes
    appeal.refresh_from_db()
    assert appeal.status == Status.RATED and appeal.rating == Rating.DISSATISFIED
    assert ReturnVisit.objects.filter(appeal=appeal).count() == 1
    assert appeal.events.filter(action=Action.RATE).count() == 1
    assert AuditEvent.objects.filter(action="appeals.rate").count() == 1
