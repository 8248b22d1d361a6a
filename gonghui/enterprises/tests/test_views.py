"""Console enterprise pages: scoped list with filters, detail, register and edit."""

import random

from django.urls import reverse

from gonghui.audit.models import AuditEvent
from gonghui.console.tests.factories import ALL_MODELS
from gonghui.core.choices import Industry
from gonghui.enterprises.models import Enterprise, Ownership
from gonghui.testing import make_credit_code, snapshot


def _names(response):
    return [e.name for e in response.context["page_obj"]]


def test_list_is_scoped(client, district):
    client.force_login(district.street1_user)
    html = client.get(reverse("enterprises:list")).content.decode()
    assert "东方机械厂" in html and "东街快送站" in html
    assert "西城商贸" not in html and "西街道" not in html
    client.force_login(district.grassroots1)
    assert _names(client.get(reverse("enterprises:list"))) == ["东方机械厂"]


def test_filters_blind_spots_street_name_and_non_public(client, district):
    Enterprise.objects.create(credit_code=make_credit_code(random.Random(7)), name="东街国营仓库",
                              industry=Industry.G, ownership=Ownership.STATE, street=district.street1)
    client.force_login(district.district)
    url = reverse("enterprises:list")
    assert _names(client.get(url, {"has_union": "no"})) == ["东街国营仓库", "东街快送站"]
    assert _names(client.get(url, {"has_union": "yes"})) == ["东方机械厂", "西城商贸公司"]
    assert _names(client.get(url, {"street": district.street2.pk})) == ["西城商贸公司"]
    assert _names(client.get(url, {"q": "东街"})) == ["东街国营仓库", "东街快送站"]
    assert _names(client.get(url, {"q": "东街", "non_public": "on"})) == ["东街快送站"]
    assert _names(client.get(url, {"q": district.enterprise_b.credit_code})) == ["西城商贸公司"]


def test_street_filter_outside_scope_is_not_applied(client, district):
    client.force_login(district.street1_user)
    response = client.get(reverse("enterprises:list"), {"street": district.street2.pk})
    assert "street" in response.context["form"].errors
    assert "西城商贸" not in response.content.decode()


def test_list_paginates(client, district):
    rng = random.Random(11)
    Enterprise.objects.bulk_create([
        Enterprise(credit_code=make_credit_code(rng), name=f"东街企业{i:03d}", industry=Industry.C,
                   ownership=Ownership.PRIVATE, street=district.street1) for i in range(60)])
    client.force_login(district.street1_user)
    first = client.get(reverse("enterprises:list"))
    assert len(first.context["page_obj"]) == 50 and first.context["page_obj"].paginator.count == 62
    assert len(client.get(reverse("enterprises:list"), {"page": 2}).context["page_obj"]) == 12


def test_live_filter_fragment(client, district):
    client.force_login(district.street1_user)
    response = client.get(reverse("enterprises:list"), {"has_union": "no"}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert "东街快送站" in html and "东方机械厂" not in html and "<html" not in html


def test_detail(client, district):
    client.force_login(district.grassroots1)
    response = client.get(reverse("enterprises:detail", args=[district.enterprise_a.pk]))
    html = response.content.decode()
    assert district.enterprise_a.credit_code in html and "东方机械厂工会" in html
    assert response.context["workers"] == 1
    assert reverse("enterprises:edit", args=[district.enterprise_a.pk]) in html


def _post(district, **over):
    return {"credit_code": make_credit_code(random.Random(5)), "name": "东街新公司", "industry": "C",
            "ownership": "private", "headcount": "10", "street": district.street1.pk, "address": "",
            "union": ""} | over


def test_create_validates_the_credit_code_and_saves_nothing(client, district):
    client.force_login(district.street1_user)
    before = snapshot(*ALL_MODELS)
    good = _post(district)["credit_code"]
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    for code, field in ((bad, "credit_code"), ("123", "credit_code"),
                        (district.enterprise_a.credit_code, "credit_code")):
        response = client.post(reverse("enterprises:create"), _post(district, credit_code=code))
        assert response.status_code == 200
        assert list(response.context["form"].errors) == [field], code
    assert snapshot(*ALL_MODELS) == before


def test_create_saves_and_audits(client, district):
    client.force_login(district.street1_user)
    data = _post(district, credit_code=_post(district)["credit_code"].lower(), union=district.joint1.pk)
    response = client.post(reverse("enterprises:create"), data)
    enterprise = Enterprise.objects.get(name="东街新公司")
    assert response["Location"] == reverse("enterprises:detail", args=[enterprise.pk])
    assert enterprise.credit_code == data["credit_code"].upper() and enterprise.union == district.joint1
    assert AuditEvent.objects.filter(action="enterprise.create", target_id=str(enterprise.pk)).exists()


def test_create_refuses_a_union_outside_scope(client, district):
    client.force_login(district.street1_user)
    before = snapshot(*ALL_MODELS)
    response = client.post(reverse("enterprises:create"), _post(district, union=district.union_b.pk))
    assert "union" in response.context["form"].errors
    assert snapshot(*ALL_MODELS) == before


def test_grassroots_cadre_cannot_register_but_can_edit_own_enterprise(client, district):
    client.force_login(district.grassroots1)
    assert client.get(reverse("enterprises:create")).status_code == 403
    assert reverse("enterprises:create") not in client.get(reverse("enterprises:list")).content.decode()
    e = district.enterprise_a
    response = client.post(reverse("enterprises:edit", args=[e.pk]), {
        "credit_code": e.credit_code, "name": e.name, "industry": e.industry, "ownership": e.ownership,
        "headcount": "130", "street": e.street_id, "union": e.union_id, "address": "东街1号"})
    assert response.status_code == 302
    e.refresh_from_db()
    assert (e.headcount, e.address) == (130, "东街1号")
    assert AuditEvent.objects.get(action="enterprise.update").detail == {"fields": ["address", "headcount"]}
    # the other enterprise of the street is not theirs
    assert client.get(reverse("enterprises:edit", args=[district.enterprise_none.pk])).status_code == 404
