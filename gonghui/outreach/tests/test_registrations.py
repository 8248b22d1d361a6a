"""The weekly new-registrations file: creates or matches enterprises by credit code, and their plans."""

import random

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from gonghui.audit.models import AuditEvent
from gonghui.enterprises.models import Enterprise
from gonghui.orgs.models import Org
from gonghui.outreach.importers import registrations_import
from gonghui.outreach.models import EstablishmentPlan, PlanEvent, PlanVisit, Stage
from gonghui.testing import make_credit_code, snapshot

MODELS = (Org, Enterprise, EstablishmentPlan, PlanVisit, PlanEvent, AuditEvent)
HEADER = "统一社会信用代码,企业名称,行业门类,经济类型,从业人数,所属街道,地址\n"
NEW1 = make_credit_code(random.Random(101))
NEW2 = make_credit_code(random.Random(102))


def _file(district, extra: str = "") -> SimpleUploadedFile:
    text = (HEADER
            + f"{NEW1},东街新开面馆,住宿和餐饮业,个体工商户,8,东街道,东街1号\n"
            + f"{NEW2},西街物流有限公司,G,私营,60,西街道总工会,西街2号\n"
            + f"{district.enterprise_none.credit_code},东街快送站（新名）,G,私营,45,东街道,\n"
            + f"{district.enterprise_a.credit_code},东方机械厂,C,私营,120,东街道,\n"
            + extra)
    return SimpleUploadedFile("registrations.csv", text.encode("utf-8"), content_type="text/csv")


def test_import_twice_creates_no_duplicates(district):
    result = registrations_import(actor=district.district, org=district.root, upload=_file(district))
    assert (result.rows, result.created, result.matched, result.errors) == (4, 2, 2, [])
    assert result.plans == 3  # two new enterprises and 东街快送站; 东方机械厂 already has its union
    new1 = Enterprise.objects.get(credit_code=NEW1)
    assert new1.street == district.street1 and new1.industry == "H" and new1.headcount == 8
    plan = EstablishmentPlan.objects.get(enterprise=new1)
    assert plan.stage == Stage.NOT_STARTED and plan.commissioner == district.street1_user
    assert EstablishmentPlan.objects.get(enterprise__credit_code=NEW2).commissioner == district.street2_user
    # The census enterprise is matched by its credit code, not duplicated nor renamed.
    assert Enterprise.objects.filter(credit_code=district.enterprise_none.credit_code).count() == 1
    assert Enterprise.objects.get(pk=district.enterprise_none.pk).name == "东街快送站"
    again = registrations_import(actor=district.district, org=district.root, upload=_file(district))
    assert (again.created, again.matched, again.plans) == (0, 4, 0)
    assert Enterprise.objects.count() == 5 and EstablishmentPlan.objects.count() == 3
    assert AuditEvent.objects.filter(action="outreach.registrations_import").count() == 2


def test_bad_rows_are_reported_and_change_nothing_for_them(district):
    extra = ("91110105ABCDEFGH12,坏代码公司,C,私营,5,东街道,\n"
             f"{make_credit_code(random.Random(103))},无名街道公司,C,私营,5,北街道,\n"
             f"{make_credit_code(random.Random(104))},怪行业公司,宇宙业,私营,5,东街道,\n")
    result = registrations_import(actor=district.district, org=district.root, upload=_file(district, extra))
    assert result.created == 2 and len(result.errors) == 3
    found = [(row, column) for row, column, _r in result.errors]
    assert found == [(6, "统一社会信用代码"), (7, "所属街道"), (8, "行业门类")]
    assert not Enterprise.objects.filter(name__in=["坏代码公司", "无名街道公司", "怪行业公司"]).exists()


def test_street_cadre_cannot_touch_another_street(district):
    result = registrations_import(actor=district.street2_user, org=district.street2, upload=_file(district))
    # Only the 西街 row is theirs; the 东街 rows are refused by street, nothing is created for them.
    assert result.created == 1 and EstablishmentPlan.objects.count() == 1
    assert {column for _row, column, _r in result.errors} == {"所属街道"}


def test_upload_page(client, district):
    client.force_login(district.street1_user)
    url = reverse("outreach:registrations")
    assert client.get(url).status_code == 200
    response = client.post(url, {"org_id": district.street1.pk, "file": _file(district)})
    assert response.status_code == 200 and response.context["result"].plans == 2
    before = snapshot(*MODELS)
    missing = SimpleUploadedFile("x.csv", "企业名称,地址\n某公司,某地\n".encode(), content_type="text/csv")
    response = client.post(url, {"org_id": district.street1.pk, "file": missing})
    assert "file" in response.context["form"].errors and "统一社会信用代码" in response.content.decode()
    assert snapshot(*MODELS) == before
    # A street outside the scope answers 404, changing nothing.
    assert client.post(url, {"org_id": district.street2.pk, "file": _file(district)}).status_code == 404
    assert snapshot(*MODELS) == before
    client.force_login(district.nobody)
    assert client.post(url, {"org_id": district.street1.pk, "file": _file(district)}).status_code == 403
    assert snapshot(*MODELS) == before
