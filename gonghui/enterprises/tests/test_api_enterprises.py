"""/api/v1/enterprises and the enterprise services and selectors behind it."""

import random

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from gonghui.accounts.tests.test_api_token import api_as, field_errors
from gonghui.audit.models import AuditEvent
from gonghui.enterprises.models import Enterprise
from gonghui.enterprises.selectors import enterprise_get, enterprise_list
from gonghui.enterprises.services import enterprise_create, enterprise_update
from gonghui.testing import make_credit_code, snapshot

WRITES = (Enterprise, AuditEvent)


def names(response) -> set[str]:
    assert response.status_code == 200, response.content
    return {row["name"] for row in response.json()["items"]}


def new_enterprise(district, **extra):
    return {"credit_code": make_credit_code(random.Random(99)), "name": "东街外卖配送站", "industry": "G",
            "ownership": "private", "headcount": 35, "street_id": district.street1.pk, **extra}


# --- list and detail ----------------------------------------------------------------------------

def test_list_matrix(district):
    assert api_as(None).get("/enterprises").status_code == 401
    assert api_as("nobody").get("/enterprises").json() == {"items": [], "count": 0}
    assert api_as("worker1").get("/enterprises").json()["count"] == 0
    assert names(api_as("street1").get("/enterprises")) == {"东方机械厂", "东街快送站"}
    assert names(api_as("street2").get("/enterprises")) == {"西城商贸公司"}
    assert names(api_as("grassroots1").get("/enterprises")) == {"东方机械厂"}  # through its union
    assert names(api_as("district").get("/enterprises")) == {"东方机械厂", "东街快送站", "西城商贸公司"}


def test_list_filters(district):
    client = api_as("district")
    assert names(client.get("/enterprises", {"has_union": "false"})) == {"东街快送站"}
    assert names(client.get("/enterprises", {"has_union": "true"})) == {"东方机械厂", "西城商贸公司"}
    assert names(client.get("/enterprises", {"street_id": district.street2.pk})) == {"西城商贸公司"}
    assert names(client.get("/enterprises", {"q": "机械"})) == {"东方机械厂"}
    assert names(client.get("/enterprises", {"q": district.enterprise_b.credit_code.lower()})) == {"西城商贸公司"}
    # A street filter cannot widen the scope.
    assert names(api_as("street1").get("/enterprises", {"street_id": district.street2.pk})) == set()
    assert set(field_errors(client.get("/enterprises", {"has_union": "maybe"}))) == {"has_union"}


def test_output_exposes_non_public_and_has_union(district):
    row = api_as("street1").get(f"/enterprises/{district.enterprise_none.pk}").json()
    assert row["is_non_public"] is True and row["has_union"] is False
    assert row["union_id"] is None and row["union_name"] is None
    assert row["street_name"] == "东街道总工会" and row["industry_label"] and row["ownership_label"]
    row = api_as("street1").get(f"/enterprises/{district.enterprise_a.pk}").json()
    assert row["has_union"] is True and row["union_name"] == "东方机械厂工会"


def test_detail_matrix(district):
    url = f"/enterprises/{district.enterprise_a.pk}"
    assert api_as(None).get(url).status_code == 401
    assert api_as("street1").get(url).status_code == 200
    assert api_as("grassroots1").get(url).status_code == 200
    forbidden = [api_as(u).get(url) for u in ("nobody", "worker1", "street2", "auditor")]
    missing = api_as("street2").get("/enterprises/999999")
    assert {r.status_code for r in forbidden} == {404}
    assert {r.content for r in forbidden} == {missing.content}
    # the street cadre does not see an enterprise of street1 that has no union at all
    assert api_as("street2").get(f"/enterprises/{district.enterprise_none.pk}").status_code == 404


def test_street1_never_lists_street2_enterprises(district):
    rows = api_as("street1").get("/enterprises", {"limit": 200}).json()["items"]
    assert district.enterprise_b.pk not in {r["id"] for r in rows}
    assert all(r["street_id"] == district.street1.pk for r in rows)


# --- create -------------------------------------------------------------------------------------

def test_create_by_street_cadre(district):
    payload = new_enterprise(district, union_id=district.joint1.pk,
                             credit_code=make_credit_code(random.Random(99)).lower())
    response = api_as("street1").post("/enterprises", payload)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["credit_code"] == payload["credit_code"].upper()
    assert body["has_union"] is True and body["is_non_public"] is True
    enterprise = Enterprise.objects.get(pk=body["id"])
    assert (enterprise.street, enterprise.union, enterprise.headcount) == (district.street1, district.joint1, 35)
    assert AuditEvent.objects.filter(action="enterprise.create", target_id=str(enterprise.pk)).exists()


@pytest.mark.parametrize("username,status", [(None, 401), ("nobody", 403), ("worker1", 403), ("auditor", 403)])
def test_create_refused_without_manage_right(district, username, status):
    client = api_as(username)
    before = snapshot(*WRITES)
    assert client.post("/enterprises", new_enterprise(district)).status_code == status
    assert snapshot(*WRITES) == before


def test_create_in_another_street_is_refused_like_a_missing_one(district):
    client, grassroots = api_as("street2"), api_as("grassroots1")
    before = snapshot(*WRITES)
    forbidden = field_errors(client.post("/enterprises", new_enterprise(district)))
    missing = field_errors(client.post("/enterprises", new_enterprise(district, street_id=999999)))
    assert set(forbidden) == {"street_id"} and forbidden == missing
    # a grassroots cadre manages a union, not a street
    assert set(field_errors(grassroots.post("/enterprises", new_enterprise(district)))) == {"street_id"}
    assert snapshot(*WRITES) == before


def test_create_with_a_union_out_of_scope(district):
    client = api_as("street1")
    before = snapshot(*WRITES)
    errors = field_errors(client.post("/enterprises", new_enterprise(district, union_id=district.union_b.pk)))
    assert set(errors) == {"union_id"}
    errors = field_errors(client.post("/enterprises", new_enterprise(
        district, union_id=district.union_b.pk, street_id=district.street2.pk)))
    assert set(errors) == {"union_id", "street_id"}  # every bad field at once
    # the street itself is not a union that covers enterprises
    errors = field_errors(client.post("/enterprises", new_enterprise(district, union_id=district.street1.pk)))
    assert set(errors) == {"union_id"}
    assert snapshot(*WRITES) == before


def test_duplicate_credit_code_is_422_naming_it(district):
    client = api_as("street1")
    before = snapshot(*WRITES)
    errors = field_errors(client.post("/enterprises", new_enterprise(
        district, credit_code=district.enterprise_b.credit_code)))  # registered in street2: still a duplicate
    assert set(errors) == {"credit_code"}
    assert snapshot(*WRITES) == before


@pytest.mark.parametrize("code", ["91110105MA01234567", "9111010", "91110105ma0123456I", ""])
def test_bad_credit_codes_are_422_naming_the_field(district, code):
    client = api_as("street1")
    before = snapshot(*WRITES)
    assert set(field_errors(client.post("/enterprises", new_enterprise(district, credit_code=code)))) == {
        "credit_code"}
    assert snapshot(*WRITES) == before


def test_create_validation_names_each_field(district):
    client = api_as("street1")
    before = snapshot(*WRITES)
    errors = field_errors(client.post("/enterprises", {"credit_code": "x", "name": "", "industry": "Z",
                                                       "ownership": "martian", "headcount": -1, "street_id": "east"}))
    assert set(errors) == {"credit_code", "name", "industry", "ownership", "headcount", "street_id"}
    assert set(field_errors(client.post("/enterprises", {}))) == {"credit_code", "name", "industry", "ownership",
                                                                  "street_id"}
    assert snapshot(*WRITES) == before


# --- update -------------------------------------------------------------------------------------

def test_update_by_street_and_union_cadres(district):
    url = f"/enterprises/{district.enterprise_a.pk}"
    response = api_as("street1").patch(url, {"headcount": 130, "address": "东街1号"})
    assert response.status_code == 200, response.content
    assert response.json()["headcount"] == 130
    assert api_as("grassroots1").patch(url, {"name": "东方机械集团"}).status_code == 200
    response = api_as("street1").patch(url, {"union_id": None})
    assert response.json()["has_union"] is False
    district.enterprise_a.refresh_from_db()
    assert (district.enterprise_a.name, district.enterprise_a.headcount, district.enterprise_a.union) == (
        "东方机械集团", 130, None)
    assert AuditEvent.objects.filter(action="enterprise.update").count() == 3


@pytest.mark.parametrize("username,status", [(None, 401), ("nobody", 404), ("worker1", 404), ("street2", 404),
                                             ("auditor", 404)])
def test_update_refused(district, username, status):
    client = api_as(username)
    before = snapshot(*WRITES)
    assert client.patch(f"/enterprises/{district.enterprise_a.pk}", {"headcount": 1}).status_code == status
    assert snapshot(*WRITES) == before


def test_update_refusal_changes_nothing_even_for_the_valid_fields(district):
    client = api_as("street1")
    before = snapshot(*WRITES)
    url = f"/enterprises/{district.enterprise_a.pk}"
    assert set(field_errors(client.patch(url, {"headcount": 5, "union_id": district.union_b.pk}))) == {"union_id"}
    assert set(field_errors(client.patch(url, {"headcount": 5, "street_id": district.street2.pk}))) == {"street_id"}
    assert set(field_errors(client.patch(url, {"headcount": 5, "credit_code": district.enterprise_b.credit_code}
                                         ))) == {"credit_code"}
    assert set(field_errors(client.patch(url, {"name": "", "industry": "Z"}))) == {"name", "industry"}
    assert set(field_errors(client.patch(url, {"name": None}))) == {"name"}
    assert snapshot(*WRITES) == before


def test_update_keeps_an_unchanged_union_outside_the_scope(district):
    # street1 edits an enterprise whose covering union is a district-level one it cannot see.
    from gonghui.orgs.models import OrgKind
    from gonghui.orgs.services import org_create

    industry = org_create(actor=None, parent=district.root, name="区物流行业工会", kind=OrgKind.INDUSTRY)
    Enterprise.objects.filter(pk=district.enterprise_none.pk).update(union=industry)
    response = api_as("street1").patch(f"/enterprises/{district.enterprise_none.pk}",
                                       {"union_id": industry.pk, "headcount": 41})
    assert response.status_code == 200, response.content
    assert response.json()["union_id"] == industry.pk


# --- services and selectors (used by the console pages too) -------------------------------------

def test_services_refuse_actors_without_the_right(district):
    with pytest.raises(PermissionDenied):
        enterprise_update(actor=district.street2_user, enterprise=district.enterprise_a, headcount=1)
    with pytest.raises(ValidationError) as exc:
        enterprise_update(actor=district.street1_user, enterprise=district.enterprise_a, path="/")
    assert set(exc.value.message_dict) == {"path"}
    with pytest.raises(ValidationError) as exc:
        enterprise_create(actor=district.street2_user, credit_code="bad", name="", industry="C", ownership="private",
                          street=district.street1)
    assert set(exc.value.message_dict) == {"credit_code", "street", "name"}


def test_selectors(district):
    assert set(enterprise_list(user=district.street1_user, street=district.street1)) == {
        district.enterprise_a, district.enterprise_none}
    assert list(enterprise_list(user=district.street1_user, has_union=False)) == [district.enterprise_none]
    assert list(enterprise_list(user=district.nobody)) == []
    assert enterprise_get(user=district.grassroots1, pk=district.enterprise_a.pk) == district.enterprise_a
    from django.http import Http404

    with pytest.raises(Http404):
        enterprise_get(user=district.grassroots1, pk=district.enterprise_none.pk)


def test_list_query_budget(district, django_assert_max_num_queries):
    for i in range(30):
        Enterprise.objects.create(credit_code=make_credit_code(random.Random(1000 + i)), name=f"企业{i}",
                                  industry="C", ownership="private", street=district.street1, union=district.union_a)
    client = api_as("street1")
    with django_assert_max_num_queries(4):  # token, grants, count, page
        assert client.get("/enterprises", {"limit": 50}).json()["count"] == 32


def test_validation_messages_are_in_the_request_language(district):
    client = api_as("street1")
    url = f"/enterprises/{district.enterprise_a.pk}"
    response = client.patch(url, {"name": "   "}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response["Content-Language"] == "zh-hans"
    errors = field_errors(response)
    assert set(errors) == {"name"}
    # Django's own catalogue is compiled, so this message shows the language really is Chinese;
    # the project's msgids are English until their translations are compiled.
    assert any("\u4e00" <= ch <= "\u9fff" for ch in errors["name"]), errors
    response = client.patch(url, {"name": "   "}, HTTP_ACCEPT_LANGUAGE="en")
    assert response["Content-Language"] == "en"
    assert field_errors(response)["name"] == "This field cannot be blank."
