"""Sign-in lockout: 5 wrong passwords lock the ACCOUNT (not the address) for 30 minutes.

Driven through HTTP: the sign-in page (/accounts/login/) and the API token endpoint
(POST /api/v1/auth/token), by username and by mobile number.
"""

import datetime as dt
import itertools
from unittest import mock

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone, translation

from gonghui.accounts.forms import SignInForm
from gonghui.accounts.models import ApiToken, User
from gonghui.testing import PASSWORD

WRONG = "Wrong@12345"
_ips = itertools.count(1)


def next_ip() -> str:
    n = next(_ips)
    return f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}"


def zh(text) -> str:
    with translation.override("zh-hans"):
        return str(translation.gettext(text) if isinstance(text, str) else text)


LOCKED_WEB = SignInForm.error_messages["locked"]
INVALID_WEB = SignInForm.error_messages["invalid_login"]
LOCKED_API = "This account is locked for 30 minutes after too many wrong passwords."
INVALID_API = "The username or password is wrong."


def web(login: str, password: str) -> tuple[bool, str]:
    """One sign-in through the page, from a fresh browser at a new address: (signed in, error shown)."""
    client = Client()
    response = client.post("/accounts/login/", {"username": login, "password": password}, REMOTE_ADDR=next_ip())
    if response.status_code == 302:
        assert "_auth_user_id" in client.session
        return True, ""
    assert response.status_code == 200
    errors = response.context["form"].non_field_errors()
    assert len(errors) == 1
    assert "_auth_user_id" not in client.session
    return False, errors[0]


def api(login: str, password: str) -> tuple[bool, str]:
    response = Client().post("/api/v1/auth/token", {"username": login, "password": password},
                             content_type="application/json", REMOTE_ADDR=next_ip())
    if response.status_code == 200:
        assert len(response.json()["token"]) >= 40
        return True, ""
    assert response.status_code == 401
    return False, response.json()["detail"]


CHANNELS = {"web": (web, LOCKED_WEB, INVALID_WEB), "api": (api, LOCKED_API, INVALID_API)}


@pytest.fixture(params=["web", "api"])
def channel(request):
    return CHANNELS[request.param]


@pytest.fixture(params=["username", "mobile"])
def login_of(request):
    return lambda user: user.username if request.param == "username" else user.mobile


def reload(user) -> User:
    return User.objects.get(pk=user.pk)


def test_right_password_signs_in(district, channel, login_of):
    attempt, _, _ = channel
    assert attempt(login_of(district.worker1_user), PASSWORD) == (True, "")
    assert attempt(" " + login_of(district.nobody) + " ", PASSWORD)[0]


def test_five_wrong_passwords_lock_the_account_for_30_minutes(district, channel, login_of):
    attempt, locked, invalid = channel
    user = district.worker1_user
    for n in range(1, settings.LOCKOUT_THRESHOLD):
        assert attempt(login_of(user), WRONG) == (False, zh(invalid))
        assert reload(user).failed_logins == n
        assert not reload(user).is_locked()
    start = timezone.now()
    assert attempt(login_of(user), WRONG) == (False, zh(locked))  # the fifth try locks, and says so
    stored = reload(user)
    assert stored.is_locked()
    expected = start + dt.timedelta(minutes=30)
    assert abs((stored.locked_until - expected).total_seconds()) < 5
    # even the right password is refused now, from any address, by username or mobile
    assert attempt(user.username, PASSWORD) == (False, zh(locked))
    assert attempt(user.mobile, PASSWORD) == (False, zh(locked))
    assert reload(user).locked_until == stored.locked_until  # attempts while locked do not extend the lock
    assert not ApiToken.objects.filter(user=user).exists()


def test_lock_is_keyed_on_the_account_across_channels_and_addresses(district):
    user = district.worker1_user
    web(user.username, WRONG)
    api(user.mobile, WRONG)
    web(user.mobile, WRONG)
    api(user.username, WRONG)
    assert not reload(user).is_locked()
    web(user.username, WRONG)
    assert reload(user).is_locked()
    assert web(user.username, PASSWORD) == (False, zh(LOCKED_WEB))
    assert api(user.mobile, PASSWORD) == (False, zh(LOCKED_API))


def test_another_account_is_unaffected(district, channel):
    attempt, _, _ = channel
    for _ in range(5):
        attempt(district.worker1_user.username, WRONG)
    assert reload(district.worker1_user).is_locked()
    assert attempt(district.street1_user.username, PASSWORD) == (True, "")
    assert attempt(district.nobody.mobile, PASSWORD) == (True, "")
    other = reload(district.street1_user)
    assert (other.failed_logins, other.locked_until) == (0, None)


def test_right_password_before_the_fifth_failure_resets_the_counter(district, channel, login_of):
    attempt, _, invalid = channel
    user = district.worker1_user
    for _ in range(4):
        attempt(login_of(user), WRONG)
    assert reload(user).failed_logins == 4
    assert attempt(login_of(user), PASSWORD) == (True, "")
    assert reload(user).failed_logins == 0
    for _ in range(4):
        assert attempt(login_of(user), WRONG) == (False, zh(invalid))
    assert not reload(user).is_locked()
    assert attempt(login_of(user), PASSWORD) == (True, "")


def test_sign_in_works_again_after_30_minutes(district, channel, login_of):
    attempt, locked, invalid = channel
    user = district.worker1_user
    for _ in range(5):
        attempt(login_of(user), WRONG)
    locked_until = reload(user).locked_until
    real_now = timezone.now()
    with mock.patch("django.utils.timezone.now", return_value=real_now + dt.timedelta(minutes=29)):
        assert attempt(login_of(user), PASSWORD) == (False, zh(locked))
    with mock.patch("django.utils.timezone.now", return_value=locked_until + dt.timedelta(seconds=1)):
        assert attempt(login_of(user), PASSWORD) == (True, "")
    stored = reload(user)
    assert (stored.failed_logins, stored.locked_until) == (0, None)
    # a fresh start: one wrong password is just a wrong password
    assert attempt(login_of(user), WRONG) == (False, zh(invalid))
    assert reload(user).failed_logins == 1


def test_expired_lock_by_moving_locked_until(district):
    user = district.worker1_user
    User.objects.filter(pk=user.pk).update(locked_until=timezone.now() - dt.timedelta(seconds=1))
    assert web(user.mobile, PASSWORD) == (True, "")
    assert reload(user).locked_until is None


def test_wrong_passwords_after_the_lock_expired_lock_again(district):
    user = district.worker1_user
    for _ in range(5):
        api(user.username, WRONG)
    User.objects.filter(pk=user.pk).update(locked_until=timezone.now() - dt.timedelta(seconds=1))
    for _ in range(4):
        assert api(user.username, WRONG) == (False, zh(INVALID_API))
    assert api(user.username, WRONG) == (False, zh(LOCKED_API))
    assert reload(user).is_locked()


def test_unknown_accounts_are_simply_wrong(district, channel):
    attempt, _, invalid = channel
    for login in ("ghost", "13999999999", ""):
        if login == "" and attempt is web:
            continue  # the page refuses an empty field before authenticating
        for _ in range(6):
            assert attempt(login, WRONG) == (False, zh(invalid))
    assert not User.objects.filter(locked_until__isnull=False).exists()


def test_disabled_account_cannot_sign_in(district, channel):
    attempt, _, _ = channel
    User.objects.filter(pk=district.nobody.pk).update(is_active=False)
    assert attempt("nobody", PASSWORD)[0] is False
