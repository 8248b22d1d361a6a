"""Console org pages: the scoped tree, detail, creating a child and editing, with errors by the field."""

from django.urls import reverse

from gonghui.accounts.roles import Role
from gonghui.audit.models import AuditEvent
from gonghui.console.tests.factories import ALL_MODELS
from gonghui.orgs.models import Org, OrgKind
from gonghui.orgs.services import org_create
from gonghui.testing import make_credit_code, make_user, make_worker, snapshot


def test_tree_lists_visible_orgs_in_path_order_indented(client, district):
    group = org_create(actor=None, parent=district.union_a, name="一车间工会小组", kind=OrgKind.GROUP)
    client.force_login(district.street1_user)
    response = client.get(reverse("orgs:tree"))
    orgs = list(response.context["page_obj"])
    assert [o.name for o in orgs] == ["东街道总工会", "东街道新就业形态联合工会", "东方机械厂工会", "一车间工会小组"]
    assert [o.path for o in orgs] == sorted(o.path for o in orgs)
    html = response.content.decode()
    assert 'class="name depth-0"' in html and 'class="name depth-2"' in html  # relative to the street
    assert f'href="{reverse("orgs:detail", args=[group.pk])}"' in html
    for name in ("西街道", "西城商贸", "示范区总工会"):
        assert name not in html


def test_tree_member_counts_only_active_members(client, district):
    make_worker(name="赵六", org=district.union_a, active=False, mobile="13300001111")
    client.force_login(district.district)
    counts = {o.name: o.active_members for o in client.get(reverse("orgs:tree")).context["page_obj"]}
    assert counts["东方机械厂工会"] == 1 and counts["西城商贸公司工会"] == 1 and counts["示范区总工会"] == 0


def test_detail_shows_fields_children_cadres_and_counts(client, district):
    client.force_login(district.street1_user)
    response = client.get(reverse("orgs:detail", args=[district.street1.pk]))
    html = response.content.decode()
    assert "东方机械厂工会" in html and "东街道新就业形态联合工会" in html  # children
    assert "street1" in html  # the cadre granted here
    assert response.context["members_subtree"] == 1 and response.context["members_direct"] == 0
    assert reverse("orgs:create", args=[district.street1.pk]) in html
    assert "示范区总工会" not in html  # the parent is outside street1's scope


def test_grassroots_cadre_cannot_add_under_street_but_can_under_own_union(client, district):
    client.force_login(district.grassroots1)
    assert client.get(reverse("orgs:create", args=[district.street1.pk])).status_code == 404
    response = client.get(reverse("orgs:create", args=[district.union_a.pk]))
    assert [v for v, _ in response.context["form"].fields["kind"].choices] == ["", OrgKind.GROUP]


def test_create_child_offers_only_allowed_kinds(client, district):
    client.force_login(district.street1_user)
    form = client.get(reverse("orgs:create", args=[district.street1.pk])).context["form"]
    assert {v for v, _ in form.fields["kind"].choices} == {"", OrgKind.INDUSTRY, OrgKind.JOINT, OrgKind.GRASSROOTS}
    before = snapshot(*ALL_MODELS)
    response = client.post(reverse("orgs:create", args=[district.street1.pk]), {"name": "假街道", "kind": "street"})
    assert response.status_code == 200
    assert response.context["form"].errors["kind"]
    assert snapshot(*ALL_MODELS) == before


def test_create_child_with_bad_credit_code_shows_error_by_the_field_and_saves_nothing(client, district):
    client.force_login(district.street1_user)
    before = snapshot(*ALL_MODELS)
    response = client.post(reverse("orgs:create", args=[district.street1.pk]),
                           {"name": "新工会", "kind": "grassroots", "credit_code": "81110105ABCDEFGHJ0"})
    assert response.status_code == 200
    form = response.context["form"]
    assert list(form.errors) == ["credit_code"]
    assert 'class="field has-error"' in response.content.decode()
    assert snapshot(*ALL_MODELS) == before


def test_create_child_with_taken_credit_code_reports_it_and_saves_nothing(client, district):
    code = make_credit_code(prefix="81")
    Org.objects.filter(pk=district.union_b.pk).update(credit_code=code)
    client.force_login(district.street1_user)
    before = snapshot(*ALL_MODELS)
    response = client.post(reverse("orgs:create", args=[district.street1.pk]),
                           {"name": "新工会", "kind": "grassroots", "credit_code": code})
    assert response.status_code == 200
    assert "credit_code" in response.context["form"].errors
    assert snapshot(*ALL_MODELS) == before


def test_create_child_saves_derives_path_and_audits(client, district):
    client.force_login(district.street1_user)
    response = client.post(reverse("orgs:create", args=[district.street1.pk]), {
        "name": "东街道快递行业工会联合会", "kind": "industry", "industry": "G",
        "serves_forms": ["courier", "delivery_rider"], "credit_code": "",
    })
    org = Org.objects.get(name="东街道快递行业工会联合会")
    assert response["Location"] == reverse("orgs:detail", args=[org.pk])
    assert org.parent == district.street1 and org.street == district.street1
    assert org.path == f"{district.street1.path}{org.pk}/"
    assert org.credit_code is None and org.serves_forms == ["courier", "delivery_rider"]
    assert AuditEvent.objects.filter(action="org.create", target_id=str(org.pk), actor=district.street1_user).exists()


def test_edit_changes_only_changed_fields_and_errors_save_nothing(client, district):
    client.force_login(district.grassroots1)
    url = reverse("orgs:edit", args=[district.union_a.pk])
    before = snapshot(*ALL_MODELS)
    response = client.post(url, {"name": "", "status": "active"})
    assert response.status_code == 200 and "name" in response.context["form"].errors
    assert snapshot(*ALL_MODELS) == before
    response = client.post(url, {"name": "东方机械厂工会", "status": "dormant", "chair_name": "刘主席"})
    assert response.status_code == 302
    district.union_a.refresh_from_db()
    assert district.union_a.status == "dormant" and district.union_a.chair_name == "刘主席"
    event = AuditEvent.objects.get(action="org.update")
    assert event.detail == {"fields": ["chair_name", "status"]}


def test_cadre_granted_on_a_group_sees_only_that_group(client, district):
    group = org_create(actor=None, parent=district.union_a, name="一车间工会小组", kind=OrgKind.GROUP)
    leader = make_user("leader", role=Role.GRASSROOTS_CADRE, org=group)
    client.force_login(leader)
    assert [o.name for o in client.get(reverse("orgs:tree")).context["page_obj"]] == ["一车间工会小组"]
    assert client.get(reverse("orgs:create", args=[group.pk])).status_code == 404  # a group has no children
    assert client.get(reverse("orgs:detail", args=[district.union_a.pk])).status_code == 404
