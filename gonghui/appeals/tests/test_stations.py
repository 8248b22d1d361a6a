"""A station's QR code (console) and the filing page it opens (portal), through HTTP."""

import re

from django.test import Client
from django.urls import reverse

from gonghui.accounts.sms import MemorySmsBackend
from gonghui.appeals import intake
from gonghui.appeals.models import Appeal, AppealEvent, Channel
from gonghui.testing import snapshot

from .test_views import as_user

REQUEST = {"appeal_type": "help", "category": "platform_rules", "description": "平台算法扣款不合理"}


def test_console_list_and_qr_are_limited_to_the_cadres_area(district, at):
    street1 = as_user(district.street1_user)
    listed = {o.pk for o in street1.get(reverse("appeals:stations")).context["page_obj"]}
    assert district.joint1.pk in listed and district.union_a.pk in listed and district.street2.pk not in listed
    page = street1.get(reverse("appeals:station_qr", args=[district.joint1.pk]))
    assert page.status_code == 200 and "<svg" in page.content.decode()
    assert page.context["url"].endswith(reverse("appeals_portal:station", args=[intake.station_token(district.joint1)]))
    url = reverse("appeals:station_qr", args=[district.joint1.pk])
    assert as_user(district.street2_user).get(url).status_code == 404
    assert as_user(district.worker1_user).get(url).status_code == 403
    response = Client().get(url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_signed_in_worker_files_as_themselves_at_the_station(district, at):
    url = reverse("appeals_portal:station", args=[intake.station_token(district.joint1)])
    client = as_user(district.worker1_user)
    assert client.get(url).context["station"] == district.joint1
    response = client.post(url, REQUEST)
    appeal = Appeal.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("appeals_portal:detail", args=[appeal.pk])
    assert appeal.channel == Channel.STATION and appeal.station == district.joint1 and appeal.org == district.joint1
    assert appeal.user == district.worker1_user and not appeal.anonymous


def test_without_signing_in_the_station_page_is_the_anonymous_flow(district, at):
    MemorySmsBackend.outbox.clear()
    url = reverse("appeals_portal:station", args=[intake.station_token(district.joint1)])
    client = Client()
    page = client.get(url)
    assert page.status_code == 200 and "street" not in page.context["form"].fields
    client.post(url, {"action": "send_code", "mobile": "13922223333"})
    code = re.search(r"\d{6}", MemorySmsBackend.outbox[-1][1]).group()
    before = snapshot(Appeal, AppealEvent)
    bad = client.post(url, {"action": "file", "mobile": "13922223333", "code": code, **REQUEST, "description": ""})
    assert bad.status_code == 400 and "description" in bad.context["form"].errors
    assert snapshot(Appeal, AppealEvent) == before
    response = client.post(url, {"action": "file", "mobile": "13922223333", "code": code, **REQUEST})
    appeal = Appeal.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "appeals_portal:track", args=[intake.track_token(appeal)])
    assert appeal.anonymous and appeal.channel == Channel.STATION and appeal.org == district.joint1


def test_a_forged_station_link_is_404_and_files_nothing(district, at):
    token = intake.station_token(district.joint1)
    before = snapshot(Appeal, AppealEvent)
    for bad in (token[:-2] + "xx", str(district.joint1.pk), intake.track_token(Appeal(pk=district.joint1.pk))):
        url = reverse("appeals_portal:station", args=[bad])
        assert as_user(district.worker1_user).post(url, REQUEST).status_code == 404
    assert snapshot(Appeal, AppealEvent) == before
