"""The wage-arrears claim (Decimal money, referral, recovery) and attachments checked by content."""

import random
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.test import override_settings
from django.urls import reverse

from gonghui.appeals.attachments import attachment_add
from gonghui.appeals.claims import wage_claim_save
from gonghui.appeals.models import Appeal, AppealEvent, Attachment, Category, Referral, WageClaim
from gonghui.testing import make_credit_code, snapshot

from .conftest import file_for
from .test_views import as_user

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.7\n" + b"0" * 64
EXE = b"MZ\x90\x00" + b"\x00" * 64


def test_a_wage_claim_is_recorded_exactly(district, at):
    appeal = file_for(district)
    claim = wage_claim_save(actor=district.grassroots1, appeal=appeal,
                            employer_credit_code=district.enterprise_a.credit_code, project_site="三号车间",
                            workers_count=12, amount=Decimal("86400.50"), months_owed=3,
                            referral=Referral.LABOUR_INSPECTION, amount_recovered=Decimal("0.10"))
    claim.refresh_from_db()
    assert claim.employer == district.enterprise_a and claim.employer_name == district.enterprise_a.name
    assert claim.amount == Decimal("86400.50") and claim.amount_recovered == Decimal("0.10")
    claim = wage_claim_save(actor=district.grassroots1, appeal=appeal, employer_name="某劳务公司", amount="86400.50",
                            amount_recovered="86400.50", referral=Referral.ARBITRATION)
    assert WageClaim.objects.count() == 1 and claim.amount_recovered == claim.amount


@pytest.mark.parametrize(("field", "changes"), [
    ("amount", {"amount": "-1"}),
    ("amount", {"amount": "abc"}),
    ("amount", {"amount": "1.001"}),
    ("amount_recovered", {"amount_recovered": "200"}),
    ("employer_credit_code", {"employer_credit_code": "91110105ABCDEFGHIJ"}),
    ("employer_name", {"employer_credit_code": "", "employer_name": ""}),
    ("workers_count", {"workers_count": 0}),
    ("months_owed", {"months_owed": 500}),
    ("referral", {"referral": "police"}),
])
def test_a_bad_claim_names_the_field_and_changes_nothing(district, at, field, changes):
    appeal = file_for(district)
    data = {"employer_name": "某公司", "amount": "100", "amount_recovered": "0"}
    data.update(changes)
    before = snapshot(WageClaim, AppealEvent)
    with pytest.raises(ValidationError) as exc:
        wage_claim_save(actor=district.grassroots1, appeal=appeal, **data)
    assert field in exc.value.message_dict
    assert snapshot(WageClaim, AppealEvent) == before


def test_only_wage_arrears_requests_take_a_claim_and_only_their_handlers(district, at):
    other, wage = file_for(district, category=Category.SOCIAL_INSURANCE), file_for(district)
    before = snapshot(WageClaim, AppealEvent)
    with pytest.raises(ValidationError) as exc:
        wage_claim_save(actor=district.grassroots1, appeal=other, employer_name="某公司", amount="1")
    assert "category" in exc.value.message_dict
    with pytest.raises(PermissionDenied):
        wage_claim_save(actor=district.street2_user, appeal=wage, employer_name="某公司", amount="1")
    assert snapshot(WageClaim, AppealEvent) == before


def test_the_database_refuses_a_negative_amount(district, at):
    with pytest.raises(IntegrityError), transaction.atomic():
        WageClaim.objects.create(appeal=file_for(district), amount=Decimal("-1"))


def test_the_claim_page(district, at):
    appeal = file_for(district)
    client = as_user(district.grassroots1)
    url = reverse("appeals:wage_claim", args=[appeal.pk])
    response = client.post(url, {"employer_credit_code": make_credit_code(random.Random(9)), "workers_count": 2,
                                 "amount": "-5", "months_owed": 1, "amount_recovered": "0"})
    assert response.status_code == 400 and "amount" in response.context["form"].errors
    assert not WageClaim.objects.exists()
    response = client.post(url, {"employer_name": "某公司", "workers_count": 2, "amount": "3000.00", "months_owed": 2,
                                 "referral": "court", "amount_recovered": "1000"})
    assert response.status_code == 302 and WageClaim.objects.get().referral == "court"
    assert as_user(district.street2_user).get(url).status_code == 404


# --- attachments -------------------------------------------------------------------------------------

def test_files_are_checked_by_content_not_by_name(district, at):
    appeal = file_for(district)
    ok = attachment_add(actor=district.worker1_user, appeal=appeal, upload=SimpleUploadedFile("工资条.pdf", PDF))
    assert ok.content_type == "application/pdf" and ok.size == len(PDF)
    assert "工资条" not in ok.file.name  # stored under a random name
    before = snapshot(Attachment, AppealEvent)
    with pytest.raises(ValidationError) as exc:
        attachment_add(actor=district.worker1_user, appeal=appeal, upload=SimpleUploadedFile("photo.png", EXE))
    assert "file" in exc.value.message_dict
    with override_settings(APPEAL_ATTACHMENT_MAX_BYTES=32), pytest.raises(ValidationError):
        attachment_add(actor=district.worker1_user, appeal=appeal, upload=SimpleUploadedFile("big.png", PNG))
    with pytest.raises(PermissionDenied):
        attachment_add(actor=district.street2_user, appeal=appeal, upload=SimpleUploadedFile("a.png", PNG))
    assert snapshot(Attachment, AppealEvent) == before


def test_files_are_served_only_through_the_permission_check(district, at):
    appeal = file_for(district, do_not_share=True)
    worker = as_user(district.worker1_user)
    response = worker.post(reverse("appeals_portal:upload", args=[appeal.pk]),
                           {"file": SimpleUploadedFile("合同.png", PNG)})
    assert response.status_code == 302
    f = Attachment.objects.get()
    portal_url = reverse("appeals_portal:download", args=[appeal.pk, f.pk])
    console_url = reverse("appeals:download", args=[appeal.pk, f.pk])
    response = worker.get(portal_url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PNG
    assert response["X-Content-Type-Options"] == "nosniff"
    assert as_user(district.street1_user).get(console_url).status_code == 200
    for outsider in (district.street2_user, district.grassroots1, district.nobody):
        assert as_user(outsider).get(console_url).status_code == 404
    assert as_user(None).get(portal_url).status_code == 302
    response = worker.post(reverse("appeals_portal:upload", args=[appeal.pk]),
                           {"file": SimpleUploadedFile("x.png", EXE)})
    assert response.status_code == 400 and Attachment.objects.count() == 1
    assert Appeal.objects.get().attachments.count() == 1


def test_a_50_mb_photo_is_refused_through_the_portal_and_changes_nothing(district, at):
    # A real 50 MB upload (a PNG header, then zeros), not a lowered limit: the limit is 5 MB.
    appeal = file_for(district)
    before = snapshot(Attachment, AppealEvent)
    big = SimpleUploadedFile("工资条.png", PNG + b"\x00" * (50 * 1024 * 1024))
    response = as_user(district.worker1_user).post(reverse("appeals_portal:upload", args=[appeal.pk]), {"file": big})
    assert response.status_code == 400
    assert snapshot(Attachment, AppealEvent) == before


def test_outsiders_posting_a_claim_or_a_file_change_nothing(district, at):
    appeal = file_for(district)
    before = snapshot(WageClaim, Attachment, AppealEvent)
    street2 = as_user(district.street2_user)
    assert street2.post(reverse("appeals:wage_claim", args=[appeal.pk]), {
        "employer_name": "某公司", "workers_count": 2, "amount": "3000.00", "months_owed": 2,
        "amount_recovered": "0"}).status_code == 404
    assert street2.post(reverse("appeals:upload", args=[appeal.pk]),
                        {"file": SimpleUploadedFile("合同.png", PNG)}).status_code == 404
    assert as_user(district.nobody).post(reverse("appeals_portal:upload", args=[appeal.pk]),
                                         {"file": SimpleUploadedFile("合同.png", PNG)}).status_code == 404
    assert as_user(None).post(reverse("appeals_portal:upload", args=[appeal.pk]),
                              {"file": SimpleUploadedFile("合同.png", PNG)}).status_code == 302
    assert snapshot(WageClaim, Attachment, AppealEvent) == before
