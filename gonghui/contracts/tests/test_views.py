"""Console pages through HTTP: permission matrix, list filters, detail, registry and step forms, bad input."""

import pytest
from django.urls import reverse
from django.utils.translation import gettext

from gonghui.audit.models import AuditEvent
from gonghui.contracts.models import Contract, ContractEvent, Kind, Stage
from gonghui.testing import snapshot

from .conftest import days_ago, make_contract, walk

MODELS = (Contract, ContractEvent, AuditEvent, Contract.covered_enterprises.through)


def _pages(contract):
    return [
        ("get", reverse("contracts:detail", args=[contract.pk]), None),
        ("get", reverse("contracts:edit", args=[contract.pk]), None),
        ("get", reverse("contracts:step", args=[contract.pk, "offered"]), None),
        ("post", reverse("contracts:edit", args=[contract.pk]), {"title": "x", "covered_workers": 1,
                                                                  "term_years": 2}),
        ("post", reverse("contracts:step", args=[contract.pk, "offered"]), {"on": days_ago(1).isoformat()}),
    ]


def _create_data(district, **extra):
    return {"title": "东方机械厂工资专项集体合同", "kind": Kind.WAGE, "org": district.union_a.pk,
            "employer": district.enterprise_a.credit_code, "covered_workers": 110, "term_years": 2, "topic_pay": "on",
            **extra}


def test_anonymous_is_sent_to_sign_in(client, district, contract):
    before = snapshot(*MODELS)
    for method, url, data in [*_pages(contract), ("get", reverse("contracts:list"), None),
                              ("post", reverse("contracts:create"), _create_data(district))]:
        response = getattr(client, method)(url, data)
        assert response.status_code == 302 and "/login" in response["Location"], url
    assert snapshot(*MODELS) == before


def test_no_cadre_role_is_refused(client, district, contract):
    before = snapshot(*MODELS)
    for user in (district.nobody, district.worker1_user, district.auditor):
        client.force_login(user)
        for method, url, data in [*_pages(contract), ("get", reverse("contracts:list"), None),
                                  ("post", reverse("contracts:create"), _create_data(district))]:
            assert getattr(client, method)(url, data).status_code == 403, (user, url)
    assert snapshot(*MODELS) == before


def test_other_street_sees_none_and_gets_404(client, district, contract):
    client.force_login(district.street2_user)
    before = snapshot(*MODELS)
    for method, url, data in _pages(contract):
        assert getattr(client, method)(url, data).status_code == 404, url
    response = client.post(reverse("contracts:create"), _create_data(district))
    assert response.status_code == 200 and response.context["form"].errors
    assert snapshot(*MODELS) == before
    response = client.get(reverse("contracts:list"))
    assert response.context["page_obj"].paginator.count == 0 and contract.title not in response.content.decode()


def test_own_union_and_street_see_the_contract(client, district, contract):
    other = make_contract(district, org=district.union_b, employer=district.enterprise_b, title="西城商贸集体合同")
    for user in (district.grassroots1, district.street1_user):
        client.force_login(user)
        response = client.get(reverse("contracts:list"))
        assert [c.pk for c in response.context["page_obj"]] == [contract.pk]
        assert client.get(reverse("contracts:detail", args=[contract.pk])).status_code == 200
        assert client.get(reverse("contracts:detail", args=[other.pk])).status_code == 404


def test_list_filters(client, district, contract):
    wage = walk(make_contract(district, kind=Kind.WAGE, title="工资专项"), district.district, to=Stage.EFFECTIVE)
    client.force_login(district.district)
    url = reverse("contracts:list")
    assert [c.pk for c in client.get(url, {"kind": "wage"}).context["page_obj"]] == [wage.pk]
    assert [c.pk for c in client.get(url, {"stage": "draft"}).context["page_obj"]] == [contract.pk]
    assert [c.pk for c in client.get(url, {"q": "工资"}).context["page_obj"]] == [wage.pk]
    assert [c.pk for c in client.get(url, {"expiring": 3650}).context["page_obj"]] == [wage.pk]
    assert client.get(url, {"expiring": 10}).context["page_obj"].paginator.count == 0
    assert client.get(url).context["expiring_soon"] == 0
    Contract.objects.filter(pk=wage.pk).update(expires_on=days_ago(-30))
    response = client.get(url)
    assert response.context["expiring_soon"] == 1 and 'id="expiring-soon"' in response.content.decode()
    response = client.get(url, {"org": district.street1.pk})
    assert response.context["coverage"] == {"contracts": 1, "enterprises": 1, "workers": 120,
                                           "declared_workers": 100}
    response = client.get(url, {"expiring": -5})
    assert response.status_code == 200 and "expiring" in response.context["form"].errors


def test_create_through_the_form(client, district):
    client.force_login(district.grassroots1)
    response = client.post(reverse("contracts:create"), _create_data(district))
    contract = Contract.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("contracts:detail", args=[contract.pk])
    assert (contract.kind, contract.term_years, contract.topic_pay, contract.topic_rest) == ("wage", 2, True, False)


def test_regional_contract_with_covered_codes(client, district):
    client.force_login(district.street1_user)
    data = {"title": "东街道区域性集体合同", "kind": Kind.REGIONAL, "org": district.street1.pk,
            "employer_representative": "东街道企业联合会", "covered_workers": 160, "term_years": 3,
            "covered_enterprises": f"{district.enterprise_a.credit_code.lower()}\n"
                                   f"{district.enterprise_none.credit_code}"}
    before = snapshot(*MODELS)
    response = client.post(reverse("contracts:create"), {**data, "covered_enterprises": "91110105XXXXXXXXXX"})
    assert "covered_enterprises" in response.context["form"].errors
    response = client.post(reverse("contracts:create"), {**data, "employer": district.enterprise_b.credit_code})
    assert "employer" in response.context["form"].errors  # street2's enterprise: not in street1's scope
    assert snapshot(*MODELS) == before
    assert client.post(reverse("contracts:create"), data).status_code == 302
    contract = Contract.objects.get()
    assert set(contract.covered_enterprises.all()) == {district.enterprise_a, district.enterprise_none}


@pytest.mark.parametrize(("field", "value", "message"), [
    ("term_years", 4, "The term of a collective contract is 1 to 3 years."),
    ("covered_workers", -3, "This number cannot be negative."),
    ("employer", "", "Please choose the employer."),
])
def test_bad_registry_input_through_the_form(client, district, field, value, message):
    client.force_login(district.street1_user)
    before = snapshot(*MODELS)
    response = client.post(reverse("contracts:create"), _create_data(district, **{field: value}))
    assert response.status_code == 200
    assert response.context["form"].errors[field] == [gettext(message)]
    assert snapshot(*MODELS) == before


def test_detail_shows_clocks_and_timeline(client, district, contract):
    contract = walk(contract, district.district, to=Stage.SIGNED, start=60)  # signed 25 days ago: filing overdue
    client.force_login(district.street1_user)
    response = client.get(reverse("contracts:detail", args=[contract.pk]))
    clocks = response.context["clocks"]
    assert [c["overdue"] for c in clocks] == [False, True]
    assert len(response.context["events"]) == 4
    assert [s for s, _label in response.context["steps"]] == [Stage.FILED]
    html = response.content.decode()
    assert reverse("contracts:step", args=[contract.pk, "filed"]) in html and 'id="timeline"' in html


def test_steps_through_the_forms(client, district, contract):
    client.force_login(district.street1_user)
    step = lambda stage: reverse("contracts:step", args=[contract.pk, stage])  # noqa: E731
    assert client.post(step("offered"), {"on": days_ago(30).isoformat()}).status_code == 302
    assert client.post(step("negotiating"), {"on": days_ago(25).isoformat()}).status_code == 302
    assert client.post(step("approved"), {"on": days_ago(20).isoformat(), "total": 30, "present": 20,
                                          "votes_for": 11}).status_code == 302
    contract.refresh_from_db()
    assert contract.stage == Stage.APPROVED and contract.congress_for == 11
    assert contract.events.count() == 3


@pytest.mark.parametrize(("data", "field"), [
    ({"total": 30, "present": 19, "votes_for": 19}, "present"),  # attendance below two thirds
    ({"total": 30, "present": 20, "votes_for": 21}, "votes_for"),  # more votes than present
    ({"total": 30, "present": -1, "votes_for": 0}, "present"),
    ({"total": 30, "present": 20, "votes_for": "many"}, "votes_for"),
])
def test_bad_congress_vote_through_the_form(client, district, contract, data, field):
    contract = walk(contract, district.district, to=Stage.NEGOTIATING)
    client.force_login(district.street1_user)
    before = snapshot(*MODELS)
    response = client.post(reverse("contracts:step", args=[contract.pk, "approved"]),
                           {"on": days_ago(5).isoformat(), **data})
    assert response.status_code == 200 and field in response.context["form"].errors
    assert snapshot(*MODELS) == before


def test_refused_move_is_shown_and_changes_nothing(client, district, contract):
    client.force_login(district.street1_user)
    before = snapshot(*MODELS)
    response = client.post(reverse("contracts:step", args=[contract.pk, "signed"]), {"on": days_ago(1).isoformat()})
    assert response.status_code == 200 and response.context["form"].non_field_errors()
    assert client.get(reverse("contracts:step", args=[contract.pk, "bogus"])).status_code == 404
    assert snapshot(*MODELS) == before


def _queries(client, url) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_list_and_detail_query_counts_do_not_grow_with_rows(client, district, contract):
    client.force_login(district.district)
    walk(contract, district.district, to=Stage.EFFECTIVE)
    url = reverse("contracts:list")
    few = _queries(client, url), _queries(client, reverse("contracts:detail", args=[contract.pk]))
    for i in range(10):
        walk(make_contract(district, kind=Kind.REGIONAL, org=district.street1, title=f"区域合同{i}",
                           covered_enterprises=[district.enterprise_a, district.enterprise_none]),
             district.district, to=Stage.EFFECTIVE)
    contract.covered_enterprises.add(district.enterprise_none)
    assert (_queries(client, url), _queries(client, reverse("contracts:detail", args=[contract.pk]))) == few


def test_edit_through_the_form(client, district, contract):
    client.force_login(district.grassroots1)
    url = reverse("contracts:edit", args=[contract.pk])
    data = {"title": "新标题", "covered_workers": 90, "term_years": 2, "topic_rest": "on",
            "covered_enterprises": district.enterprise_a.credit_code}
    assert client.post(url, data).status_code == 302
    contract.refresh_from_db()
    assert (contract.title, contract.covered_workers, contract.term_years, contract.topic_rest) == (
        "新标题", 90, 2, True)
    walk(contract, district.district, to=Stage.SIGNED)
    before = snapshot(*MODELS)
    response = client.post(url, {**data, "term_years": 3})
    assert response.context["form"].errors["term_years"] == [gettext("The term cannot change after signing.")]
    response = client.post(url, {**data, "covered_enterprises": district.enterprise_b.credit_code})
    assert "covered_enterprises" in response.context["form"].errors  # not in grassroots1's scope
    assert snapshot(*MODELS) == before


def test_live_filter_answers_with_the_table_only(client, district, contract):
    client.force_login(district.street1_user)
    response = client.get(reverse("contracts:list"), {"q": "东方"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html and contract.title in html
