"""Worker sign-up through the page: mobile + SMS code + strong password, every refusal changes nothing."""

import datetime as dt
import re
from unittest import mock

import pytest
from django.test import Client
from django.utils import timezone, translation

from gonghui.accounts.models import OneTimeCode, User
from gonghui.accounts.sms import MemorySmsBackend
from gonghui.audit.models import AuditEvent
from gonghui.testing import snapshot

URL = "/accounts/register/"
MOBILE = "13612345678"
STRONG = "Gonghui#2024"


def zh(msgid: str) -> str:
    with translation.override("zh-hans"):
        return translation.gettext(msgid)


@pytest.fixture
def client():
    return Client()


def send_code(client, mobile=MOBILE):
    return client.post(URL, {"action": "send_code", "mobile": mobile})


def sent_code(mobile=MOBILE) -> str:
    texts = [text for to, text in MemorySmsBackend.outbox if to == mobile]
    assert texts, "no SMS was sent"
    return re.search(r"(?<!\d)(\d{6})(?!\d)", texts[-1]).group(1)


def register(client, *, mobile=MOBILE, code, password=STRONG, **extra):
    return client.post(URL + extra.pop("query", ""), {"action": "register", "mobile": mobile, "code": code,
                                                      "password": password})


def field_errors(response) -> dict:
    assert response.status_code == 200
    return {k: list(v) for k, v in response.context["form"].errors.items()}


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def everything():
    return snapshot(User, OneTimeCode, AuditEvent)


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 10**6:06d}"


# --- sending the code ------------------------------------------------------------------------------

def test_register_page_renders(db, client):
    response = client.get(URL)
    assert response.status_code == 200
    assert not response.context["form"].is_bound


def test_send_code_sends_six_digits_and_stores_only_a_hash(db, client):
    response = send_code(client, "+86 136 1234 5678")
    assert response.status_code == 200
    assert field_errors(response) == {}
    assert len(MemorySmsBackend.outbox) == 1
    assert MemorySmsBackend.outbox[0][0] == MOBILE
    code = sent_code()
    row = OneTimeCode.objects.get()
    assert (row.mobile, row.attempts, row.used) == (MOBILE, 0, False)
    assert code not in row.code_hash
    assert dt.timedelta(minutes=4) < row.expires_at - timezone.now() <= dt.timedelta(minutes=5)


def test_resend_within_60_seconds_is_refused(db, client):
    send_code(client)
    before = everything()
    response = send_code(client)
    errors = field_errors(response)
    assert errors == {"mobile": [zh("A code was sent less than a minute ago; please wait.")]}
    assert everything() == before
    assert len(MemorySmsBackend.outbox) == 1
    # a minute later it is allowed again, and the newest code is the one that counts
    with mock.patch("django.utils.timezone.now", return_value=timezone.now() + dt.timedelta(seconds=61)):
        assert field_errors(send_code(client)) == {}
    assert OneTimeCode.objects.count() == 2 and len(MemorySmsBackend.outbox) == 2


@pytest.mark.parametrize("mobile", ["12812345678", "1361234567", "abc", "", "+85213612345678"])
def test_send_code_to_an_invalid_mobile_is_refused(db, client, mobile):
    before = everything()
    errors = field_errors(send_code(client, mobile))
    assert list(errors) == ["mobile"]
    assert everything() == before
    assert MemorySmsBackend.outbox == []


# --- registering ----------------------------------------------------------------------------------

def test_register_creates_the_user_and_signs_them_in(db, client):
    send_code(client, "136 1234 5678")
    response = register(client, code=sent_code())
    assert response.status_code == 302 and response["Location"] == "/"
    user = User.objects.get(mobile=MOBILE)
    assert user.username == MOBILE and user.check_password(STRONG) and user.is_active
    assert not user.is_staff and not user.grants.exists()
    assert client.session["_auth_user_id"] == str(user.pk)
    assert OneTimeCode.objects.get().used
    event = AuditEvent.objects.get(action="account.register")
    assert event.actor == user and event.detail == {"mobile": "136****5678"}
    # the code is spent: it cannot create a second account or be replayed
    before = everything()
    assert list(field_errors(register(Client(), code=sent_code()))) == ["mobile"]
    assert everything() == before


def test_register_follows_a_safe_next_only(db, client):
    send_code(client)
    response = register(client, code=sent_code(), query="?next=https://evil.example/")
    assert response.status_code == 302 and response["Location"] == "/"
    other = Client()
    send_code(other, "13712345678")
    response = register(other, mobile="13712345678", code=sent_code("13712345678"), query="?next=/join/")
    assert response["Location"] == "/join/"


def test_wrong_code_is_refused_and_counts_one_try(db, client):
    send_code(client)
    row = OneTimeCode.objects.get()
    before_users = snapshot(User, AuditEvent)
    errors = field_errors(register(client, code=wrong(sent_code())))
    assert errors == {"code": [zh("The verification code is wrong or has expired.")]}
    assert snapshot(User, AuditEvent) == before_users
    assert not signed_in(client)
    after = OneTimeCode.objects.get()
    # exactly one thing changed: the try counter
    assert after.attempts == row.attempts + 1 == 1
    assert (after.used, after.code_hash, after.expires_at, after.created_at) == (
        row.used, row.code_hash, row.expires_at, row.created_at)
    # the right code still works afterwards
    assert register(client, code=sent_code()).status_code == 302


def test_five_wrong_tries_burn_the_code(db, client):
    send_code(client)
    code = sent_code()
    for n in range(1, 6):
        assert list(field_errors(register(client, code=wrong(code)))) == ["code"]
        assert OneTimeCode.objects.get().attempts == n
    before = everything()
    errors = field_errors(register(client, code=code))  # even the right one now
    assert errors == {"code": [zh("The verification code is wrong or has expired.")]}
    assert everything() == before
    assert not User.objects.filter(mobile=MOBILE).exists()


def test_expired_code_is_refused(db, client):
    send_code(client)
    code = sent_code()
    OneTimeCode.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    before = everything()
    assert list(field_errors(register(client, code=code))) == ["code"]
    assert everything() == before  # an expired code does not even count a try
    # also by moving time instead of the row
    other = Client()
    send_code(other, "13712345678")
    later = timezone.now() + dt.timedelta(minutes=5, seconds=1)
    before = everything()
    with mock.patch("django.utils.timezone.now", return_value=later):
        assert list(field_errors(register(other, mobile="13712345678", code=sent_code("13712345678")))) == ["code"]
    assert everything() == before


@pytest.mark.parametrize(
    "password",
    ["Ab1!xyz",  # 7 characters
     "abcdefgh12",  # two classes
     "ABCDEFGH!!",  # two classes
     "1234567890",  # one class
     "Password1"],  # common
)
def test_weak_password_is_refused(db, client, password):
    send_code(client)
    before = everything()
    errors = field_errors(register(client, code=sent_code(), password=password))
    assert list(errors) == ["password"]
    assert everything() == before  # the code was not consumed either
    assert register(client, code=sent_code()).status_code == 302


@pytest.mark.parametrize("mobile", ["12812345678", "1361234567", "136123456789"])
def test_invalid_mobile_is_refused(db, client, mobile):
    send_code(client)
    before = everything()
    errors = field_errors(register(client, mobile=mobile, code=sent_code()))
    assert list(errors) == ["mobile"]
    assert everything() == before


def test_already_registered_mobile_is_refused(district, client):
    taken = district.worker1_user.mobile
    send_code(client, taken)
    before = everything()
    errors = field_errors(register(client, mobile=taken, code=sent_code(taken)))
    assert errors == {"mobile": [zh("This mobile number is already registered; please sign in.")]}
    assert everything() == before
    assert not signed_in(client)


def test_missing_fields_are_refused(db, client):
    send_code(client)
    before = everything()
    response = client.post(URL, {"action": "register", "mobile": MOBILE})
    assert set(field_errors(response)) == {"code", "password"}
    assert everything() == before


def test_code_for_another_mobile_does_not_work(db, client):
    send_code(client, "13712345678")
    other_code = sent_code("13712345678")
    send_code(Client(), MOBILE)
    before_users = snapshot(User)
    code = sent_code()
    if other_code == code:
        pytest.skip("the two random codes happen to be equal")
    assert list(field_errors(register(client, code=other_code))) == ["code"]
    assert snapshot(User) == before_users
