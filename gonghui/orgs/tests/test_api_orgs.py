"""/api/v1/orgs and /api/v1/unions/suggest: permission matrix, scoping, validation."""

import pytest

from gonghui.accounts.tests.test_api_token import api_as, field_errors
from gonghui.audit.models import AuditEvent
from gonghui.orgs.models import Org
from gonghui.testing import make_credit_code, snapshot

WRITES = (Org, AuditEvent)


def names(response) -> set[str]:
    assert response.status_code == 200, response.content
    return {row["name"] for row in response.json()["items"]}


# --- list ---------------------------------------------------------------------------------------

def test_list_matrix(district):
    assert api_as(None).get("/orgs").status_code == 401
    assert api_as("nobody").get("/orgs").json() == {"items": [], "count": 0}
    assert api_as("worker1").get("/orgs").json()["count"] == 0
    assert api_as("auditor").get("/orgs").json()["count"] == 0
    assert names(api_as("district").get("/orgs")) == set(Org.objects.values_list("name", flat=True))
    assert names(api_as("street1").get("/orgs")) == {"东街道总工会", "东街道新就业形态联合工会", "东方机械厂工会"}
    assert names(api_as("street2").get("/orgs")) == {"西街道总工会", "西城商贸公司工会"}
    assert names(api_as("grassroots1").get("/orgs")) == {"东方机械厂工会"}


def test_street1_never_lists_street2_subtree(district):
    street2_ids = set(Org.objects.filter(path__startswith=district.street2.path).values_list("pk", flat=True))
    rows = api_as("street1").get("/orgs", {"limit": 200}).json()["items"]
    assert rows and not street2_ids & {row["id"] for row in rows}


def test_list_filters_and_pagination(district):
    client = api_as("district")
    assert names(client.get("/orgs", {"kind": "street"})) == {"东街道总工会", "西街道总工会"}
    assert names(client.get("/orgs", {"q": "机械"})) == {"东方机械厂工会"}
    page = client.get("/orgs", {"limit": 2, "offset": 1}).json()
    assert page["count"] == Org.objects.count() and len(page["items"]) == 2
    assert page["items"][0]["name"] == Org.objects.order_by("path")[1].name
    assert set(field_errors(client.get("/orgs", {"kind": "planet"}))) == {"kind"}
    assert set(field_errors(client.get("/orgs", {"limit": 0}))) == {"limit"}


def test_output_shape(district):
    row = api_as("street1").get(f"/orgs/{district.joint1.pk}").json()
    assert row["kind"] == "joint" and row["kind_label"]
    assert row["parent_id"] == district.street1.pk and row["street_id"] == district.street1.pk
    assert row["path"] == district.joint1.path
    assert "delivery_rider" in row["serves_forms"]


# --- detail -------------------------------------------------------------------------------------

def test_detail_matrix(district):
    url = f"/orgs/{district.union_a.pk}"
    assert api_as(None).get(url).status_code == 401
    assert api_as("street1").get(url).status_code == 200
    assert api_as("grassroots1").get(url).status_code == 200
    assert api_as("district").get(url).status_code == 200
    forbidden = [api_as(u).get(url) for u in ("nobody", "worker1", "street2", "auditor")]
    missing = api_as("street1").get("/orgs/999999")
    assert {r.status_code for r in forbidden} == {404} and missing.status_code == 404
    assert {r.content for r in forbidden} == {missing.content}  # nothing to learn by probing


# --- create -------------------------------------------------------------------------------------

def new_org(parent, **extra):
    return {"parent_id": parent.pk, "name": "东街道快递行业工会", "kind": "industry", **extra}


def test_create_by_street_cadre(district):
    response = api_as("street1").post("/orgs", new_org(district.street1, serves_forms=["courier"],
                                                       credit_code=make_credit_code(prefix="81")))
    assert response.status_code == 201, response.content
    org = Org.objects.get(pk=response.json()["id"])
    assert org.parent == district.street1 and org.street == district.street1
    assert org.path == f"{district.street1.path}{org.pk}/"
    assert org.serves_forms == ["courier"]
    assert AuditEvent.objects.filter(action="org.create", target_id=str(org.pk), actor_name="street1").exists()


@pytest.mark.parametrize("username,status", [(None, 401), ("nobody", 403), ("worker1", 403), ("auditor", 403),
                                             ("sysadmin", 403)])
def test_create_refused_without_manage_right(district, username, status):
    client = api_as(username)
    before = snapshot(*WRITES)
    assert client.post("/orgs", new_org(district.street1)).status_code == status
    assert snapshot(*WRITES) == before


def test_create_under_another_subtree_is_refused_like_a_missing_parent(district):
    client = api_as("street2")
    before = snapshot(*WRITES)
    forbidden = client.post("/orgs", new_org(district.street1))
    missing = client.post("/orgs", new_org(district.street1, parent_id=999999))
    assert field_errors(forbidden) == field_errors(missing)
    assert set(field_errors(forbidden)) == {"parent_id"}
    assert snapshot(*WRITES) == before


def test_create_validation_names_each_field(district):
    client = api_as("street1")
    before = snapshot(*WRITES)
    errors = field_errors(client.post("/orgs", {"parent_id": district.street1.pk, "name": "", "kind": "planet",
                                                "credit_code": "81110105MA00000001", "serves_forms": ["pilot"],
                                                "founded_on": "yesterday"}))
    assert {"name", "kind", "credit_code", "founded_on"} <= set(errors)
    assert any(f.startswith("serves_forms") for f in errors)
    assert set(field_errors(client.post("/orgs", {}))) == {"parent_id", "name", "kind"}
    # A group cannot sit directly under a street: the service's rule, reported on the field.
    assert set(field_errors(client.post("/orgs", new_org(district.street1, kind="group")))) == {"kind"}
    # The union credit code is unique.
    code = make_credit_code(prefix="81")
    Org.objects.filter(pk=district.union_a.pk).update(credit_code=code)
    before = snapshot(*WRITES)
    assert set(field_errors(client.post("/orgs", new_org(district.street1, credit_code=code)))) == {"credit_code"}
    assert snapshot(*WRITES) == before


def test_create_unparseable_json_is_refused(district):
    client = api_as("street1")
    before = snapshot(*WRITES)
    response = client.client.post("/api/v1/orgs", "{not json", content_type="application/json", **client.headers)
    # django-ninja answers a body it cannot parse with 400 before any validation runs.
    assert response.status_code == 400
    assert response.json()["detail"]
    assert snapshot(*WRITES) == before


# --- update -------------------------------------------------------------------------------------

def test_update_by_cadres_in_scope(district):
    response = api_as("grassroots1").patch(f"/orgs/{district.union_a.pk}", {"chair_name": "赵六"})
    assert response.status_code == 200, response.content
    assert response.json()["chair_name"] == "赵六"
    response = api_as("street1").patch(f"/orgs/{district.union_a.pk}", {"name": "东方机械集团工会",
                                                                        "status": "dormant"})
    assert response.status_code == 200
    district.union_a.refresh_from_db()
    assert (district.union_a.name, district.union_a.status, district.union_a.chair_name) == (
        "东方机械集团工会", "dormant", "赵六")
    assert AuditEvent.objects.filter(action="org.update", target_id=str(district.union_a.pk)).count() == 2


@pytest.mark.parametrize("username,status", [(None, 401), ("nobody", 404), ("worker1", 404), ("street2", 404),
                                             ("auditor", 404)])
def test_update_refused(district, username, status):
    client = api_as(username)
    before = snapshot(*WRITES)
    assert client.patch(f"/orgs/{district.union_a.pk}", {"name": "改名"}).status_code == status
    assert snapshot(*WRITES) == before


def test_grassroots_cadre_cannot_edit_the_street_above(district):
    client = api_as("grassroots1")
    before = snapshot(*WRITES)
    assert client.patch(f"/orgs/{district.street1.pk}", {"name": "改名"}).status_code == 404
    assert snapshot(*WRITES) == before


def test_update_validation(district):
    client = api_as("street1")
    before = snapshot(*WRITES)
    errors = field_errors(client.patch(f"/orgs/{district.union_a.pk}", {"status": "asleep", "name": "",
                                                                         "credit_code": "123"}))
    assert set(errors) == {"status", "name", "credit_code"}
    assert set(field_errors(client.patch(f"/orgs/{district.joint1.pk}", {"joint_area": "moon"}))) == {"joint_area"}
    assert snapshot(*WRITES) == before


def test_empty_patch_changes_nothing(district):
    client = api_as("street1")
    before = snapshot(*WRITES)
    assert client.patch(f"/orgs/{district.union_a.pk}", {}).status_code == 200
    assert snapshot(*WRITES) == before


# --- unions/suggest -----------------------------------------------------------------------------

def test_suggest_for_a_rider_in_street1(district):
    assert api_as(None).get("/unions/suggest", {"employment_form": "delivery_rider"}).status_code == 401
    response = api_as("nobody").get("/unions/suggest", {"employment_form": "delivery_rider",
                                                       "street_id": district.street1.pk})
    assert response.status_code == 200
    rows = response.json()
    assert [r["id"] for r in rows] == [district.joint1.pk]
    assert set(rows[0]) == {"id", "name", "kind", "kind_label", "street_id", "address", "serves_forms"}


def test_suggest_puts_the_employer_union_first(district):
    response = api_as("worker1").get("/unions/suggest", {
        "employment_form": "delivery_rider", "street_id": district.street1.pk,
        "employer_credit_code": district.enterprise_a.credit_code.lower()})
    assert [r["id"] for r in response.json()] == [district.union_a.pk, district.joint1.pk]


def test_suggest_validation(district):
    client = api_as("nobody")
    assert set(field_errors(client.get("/unions/suggest", {}))) == {"employment_form"}
    assert set(field_errors(client.get("/unions/suggest", {"employment_form": "courier",
                                                           "employer_credit_code": "91X"}))) == {
        "employer_credit_code"}
    assert set(field_errors(client.get("/unions/suggest", {"employment_form": "courier",
                                                           "street_id": district.union_a.pk}))) == {"street_id"}
