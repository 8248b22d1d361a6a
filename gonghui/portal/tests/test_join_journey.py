"""The worker's journey through the portal, over HTTP: sign up → join → approve → card → verify → transfer."""

import re

import pytest
from django.urls import reverse

from gonghui.accounts.models import OneTimeCode, User
from gonghui.accounts.sms import MemorySmsBackend
from gonghui.core.choices import EmploymentForm
from gonghui.members.models import Membership, MembershipStatus, Worker
from gonghui.members.services import membership_approve
from gonghui.testing import PASSWORD, make_resident_id, snapshot

RIDER_ID = make_resident_id(area="310101")


def sign_up(client, mobile="13612345678"):
    client.post(reverse("accounts:register"), {"action": "send_code", "mobile": mobile})
    code = re.search(r"\d{6}", MemorySmsBackend.outbox[-1][1]).group()
    response = client.post(reverse("accounts:register"),
                           {"action": "register", "mobile": mobile, "code": code, "password": PASSWORD})
    assert response.status_code == 302
    return User.objects.get(mobile=mobile)


def join(client, district, *, form=EmploymentForm.DELIVERY_RIDER, resident_id=RIDER_ID, employer=""):
    response = client.post(reverse("portal:join"), {
        "name": "赵小六", "resident_id": resident_id, "employment_form": form,
        "street": district.street1.pk, "employer": employer})
    assert response.status_code == 302, response.content.decode()[:2000]
    screen2 = client.get(response["Location"])
    return response["Location"], screen2


@pytest.mark.django_db
def test_rider_without_employer_union_joins_joint_union_and_gets_card(client, district):
    user = sign_up(client)
    location, screen2 = join(client, district)
    html = screen2.content.decode()
    assert district.joint1.name in html and district.union_b.name not in html  # the street's joint union fits
    draft = re.search(r'name="draft" value="([^"]+)"', html).group(1)
    response = client.post(reverse("portal:join_choose"), {"draft": draft, "org": district.joint1.pk})
    assert response.status_code == 302 and response["Location"] == reverse("portal:membership")
    pending = Membership.objects.get(worker__user=user)
    assert pending.status == MembershipStatus.PENDING and pending.org == district.joint1
    assert "赵小六" in client.get(reverse("portal:home")).content.decode()

    membership_approve(actor=district.street1_user, membership=pending)
    card = client.get(reverse("portal:card"))
    assert card.status_code == 200
    body = card.content.decode()
    assert "<svg" in body and RIDER_ID not in body
    token = re.search(r"/verify/([^/]+)/$", card.context["verify_url"]).group(1)
    client.logout()
    check = client.get(reverse("portal:verify", args=[token]))
    assert check.status_code == 200 and district.joint1.name in check.content.decode()
    assert "赵小六" not in check.content.decode()  # no personal data for the station
    assert client.get(reverse("portal:verify", args=[token[:-2] + "xx"])).status_code == 404


@pytest.mark.django_db
def test_transfer_in_one_step_keeps_card_number(client, district):
    client.login(username="worker1", password=PASSWORD)
    old = Membership.objects.get(worker=district.worker1, status=MembershipStatus.ACTIVE)
    response = client.post(reverse("portal:transfer"), {
        "employment_form": EmploymentForm.COURIER, "street": district.street1.pk, "employer": ""})
    assert response.status_code == 302
    draft = re.search(r"draft=(.+)$", response["Location"]).group(1)
    response = client.post(reverse("portal:join_choose"), {"draft": draft, "org": district.joint1.pk})
    assert response.status_code == 302
    new = Membership.objects.get(worker=district.worker1, status=MembershipStatus.PENDING)
    assert new.transfer_from == old
    membership_approve(actor=district.street1_user, membership=new)
    old.refresh_from_db()
    new.refresh_from_db()
    assert old.status == MembershipStatus.TRANSFERRED and new.status == MembershipStatus.ACTIVE
    assert new.card_no == old.card_no


@pytest.mark.django_db
def test_bad_join_input_names_the_field_and_changes_nothing(client, district):
    client.login(username="nobody", password=PASSWORD)
    before = snapshot(Worker, Membership)
    bad_id = RIDER_ID[:-1] + ("0" if RIDER_ID[-1] != "0" else "1")
    response = client.post(reverse("portal:join"), {
        "name": "", "resident_id": bad_id, "employment_form": "astronaut", "street": "", "employer": "不存在的公司"})
    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.errors) == {"name", "resident_id", "employment_form", "street", "employer"}
    assert snapshot(Worker, Membership) == before


@pytest.mark.django_db
def test_tampered_draft_is_refused_and_changes_nothing(client, district):
    client.login(username="nobody", password=PASSWORD)
    before = snapshot(Worker, Membership)
    response = client.post(reverse("portal:join_choose"), {"draft": "forged", "org": district.joint1.pk})
    assert response.status_code == 302 and response["Location"] == reverse("portal:join")
    assert snapshot(Worker, Membership) == before


@pytest.mark.django_db
def test_union_not_among_suggestions_is_refused(client, district):
    client.login(username="nobody", password=PASSWORD)
    location, screen2 = join(client, district)
    draft = re.search(r'name="draft" value="([^"]+)"', screen2.content.decode()).group(1)
    before = snapshot(Worker, Membership)
    response = client.post(reverse("portal:join_choose"), {"draft": draft, "org": district.union_b.pk})
    assert response.status_code == 200 and "org" in response.context["form"].errors
    assert snapshot(Worker, Membership) == before


@pytest.mark.django_db
def test_portal_pages_need_sign_in(client, district):
    for name in ("portal:join", "portal:transfer", "portal:membership", "portal:card"):
        response = client.get(reverse(name))
        assert response.status_code == 302 and reverse("accounts:login") in response["Location"]
    assert OneTimeCode.objects.count() == 0


@pytest.mark.django_db
def test_worker_cannot_withdraw_or_leave_someone_elses_membership(client, district):
    other = Membership.objects.get(worker=district.worker_b)
    client.login(username="worker1", password=PASSWORD)
    before = snapshot(Membership)
    assert client.post(reverse("portal:leave", args=[other.pk])).status_code == 404
    assert client.post(reverse("portal:withdraw", args=[other.pk])).status_code == 404
    assert snapshot(Membership) == before
