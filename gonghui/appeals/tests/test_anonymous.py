"""Filing without an account through HTTP: a one-time code proves the mobile, a signed link follows it."""

import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.translation import gettext

from gonghui.accounts.sms import MemorySmsBackend
from gonghui.appeals import intake
from gonghui.appeals.models import Action, Appeal, AppealEvent, Channel
from gonghui.appeals.services import appeal_act
from gonghui.testing import snapshot

from .test_views import as_user

URL = reverse("appeals_portal:anonymous")
MOBILE = "13911112222"


@pytest.fixture(autouse=True)
def _outbox():
    MemorySmsBackend.outbox.clear()


def send_code(client, mobile=MOBILE) -> str:
    response = client.post(URL, {"action": "send_code", "mobile": mobile})
    assert response.status_code == 200 and not response.context["form"].errors
    return re.search(r"\d{6}", MemorySmsBackend.outbox[-1][1]).group()


def data(district, otp, **kw):
    values = {"action": "file", "mobile": MOBILE, "code": otp, "street": district.street1.pk,
              "appeal_type": "consultation", "category": "wage_arrears", "description": "老板拖欠三个月工资"}
    values.update(kw)
    return values


def test_the_page_is_open_without_signing_in_and_linked_from_the_welcome_page(district, at):
    response = Client().get(URL)
    assert response.status_code == 200 and "street" in response.context["form"].fields
    assert f'href="{URL}"' in Client().get(reverse("portal:home")).content.decode()


def test_file_with_a_verified_mobile_and_follow_by_the_signed_link(district, at, django_capture_on_commit_callbacks):
    client = Client()
    code = send_code(client)
    assert MemorySmsBackend.outbox[-1][0] == MOBILE
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, data(district, code))
    assert response.status_code == 302
    appeal = Appeal.objects.get()
    assert appeal.anonymous and appeal.org == district.street1 and appeal.channel == Channel.PORTAL
    assert appeal.user is None and appeal.worker is None and appeal.mobile_masked == "139****2222"
    assert response["Location"] == reverse("appeals_portal:track", args=[intake.track_token(appeal)])
    assert MemorySmsBackend.outbox[-1][0] == MOBILE and response["Location"] in MemorySmsBackend.outbox[-1][1]
    appeal = appeal_act(actor=district.street1_user, appeal=appeal, action=Action.ACCEPT)
    appeal_act(actor=district.street1_user, appeal=appeal, action=Action.ANSWER, answer="已联系劳动监察")
    page = Client().get(response["Location"])
    body = page.content.decode()
    assert page.status_code == 200 and page.context["appeal"] == appeal
    assert "已联系劳动监察" in body and appeal.reference in body
    assert [e.action for e in page.context["events"]] == ["file", "accept", "answer"]
    for secret in (MOBILE, "139****2222", "老板拖欠三个月工资", district.street1_user.username):
        assert secret not in body
    # Cadres never see the reporter's mobile, not even masked.
    detail = as_user(district.street1_user).get(reverse("appeals:detail", args=[appeal.pk])).content.decode()
    assert MOBILE not in detail and "139****2222" not in detail


def test_a_known_workers_mobile_follows_the_routing_rules_and_do_not_share(district, at):
    # worker_b (union_b under street2) files anonymously from their own mobile, asking not to share.
    client = Client()
    code = send_code(client, mobile=district.worker_b.mobile)
    response = client.post(URL, data(district, code, mobile=district.worker_b.mobile, do_not_share="on"))
    assert response.status_code == 302
    appeal = Appeal.objects.get()
    assert appeal.anonymous and appeal.worker is None and appeal.org == district.street2 and appeal.do_not_share


def test_a_wrong_code_files_nothing_and_says_so_on_the_code_field(district, at):
    client = Client()
    code = send_code(client)
    wrong = "000000" if code != "000000" else "111111"
    before = snapshot(Appeal, AppealEvent)
    response = client.post(URL, data(district, wrong))
    assert response.status_code == 400
    assert response.context["form"].errors["code"] == [
        gettext("The code is wrong or has expired; please ask for a new one.")]
    assert snapshot(Appeal, AppealEvent) == before
    # The right code still works afterwards.
    assert client.post(URL, data(district, code)).status_code == 302 and Appeal.objects.count() == 1


@pytest.mark.parametrize("field, value", [
    ("mobile", "123"), ("street", ""), ("street", "999999"), ("description", ""), ("category", "nope"),
    ("code", ""),
])
def test_bad_input_names_the_field_and_changes_nothing(district, at, field, value):
    client = Client()
    code = send_code(client)
    if field == "street" and value == "999999":
        value = district.union_a.pk  # not a street
    before = snapshot(Appeal, AppealEvent)
    response = client.post(URL, data(district, code, **{field: value}))
    assert response.status_code == 400 and field in response.context["form"].errors
    assert snapshot(Appeal, AppealEvent) == before


def test_a_bad_mobile_for_the_code_is_refused_on_the_mobile_field(district, at):
    response = Client().post(URL, {"action": "send_code", "mobile": "12"})
    assert response.status_code == 400 and "mobile" in response.context["form"].errors
    assert MemorySmsBackend.outbox == []


def test_a_forged_or_broken_tracking_link_is_404(district, at):
    client = Client()
    client.post(URL, data(district, send_code(client)))
    token = intake.track_token(Appeal.objects.get())
    assert Client().get(reverse("appeals_portal:track", args=[token[:-2] + "xx"])).status_code == 404
    forged = intake.station_token(district.street1)  # a token of another kind is not a tracking token
    assert Client().get(reverse("appeals_portal:track", args=[forged])).status_code == 404
