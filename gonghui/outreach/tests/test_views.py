"""Console pages of the plans through HTTP: permission matrix, forms, bad input, establishment."""

import datetime as dt

import pytest
from django.urls import reverse

from gonghui.audit.models import AuditEvent
from gonghui.enterprises.models import Enterprise
from gonghui.orgs.models import Org
from gonghui.outreach.models import EstablishmentPlan, PlanEvent, PlanVisit, Stage
from gonghui.testing import snapshot

MODELS = (Org, Enterprise, EstablishmentPlan, PlanVisit, PlanEvent, AuditEvent)
TODAY = dt.date.today()  # noqa: DTZ011 - a calendar date


def _pages(plan):
    return [
        ("get", reverse("outreach:detail", args=[plan.pk]), None),
        ("get", reverse("outreach:visit", args=[plan.pk]), None),
        ("get", reverse("outreach:move", args=[plan.pk]), None),
        ("get", reverse("outreach:edit", args=[plan.pk]), None),
        ("post", reverse("outreach:visit", args=[plan.pk]), {"visited_on": TODAY.isoformat(), "answer": "agreed"}),
        ("post", reverse("outreach:move", args=[plan.pk]), {"to_stage": "visited"}),
        ("post", reverse("outreach:edit", args=[plan.pk]), {"next_step": "x", "demonstration": "on"}),
    ]


def test_anonymous_is_sent_to_sign_in(client, plans):
    before = snapshot(*MODELS)
    for method, url, data in [*_pages(plans.plan1), ("get", reverse("outreach:board"), None),
                              ("post", reverse("outreach:ensure"), {})]:
        response = getattr(client, method)(url, data)
        assert response.status_code == 302 and "/login" in response["Location"], url
    assert snapshot(*MODELS) == before


def test_no_cadre_role_is_refused(client, plans):
    before = snapshot(*MODELS)
    for user in (plans.nobody, plans.worker1_user, plans.auditor):
        client.force_login(user)
        for method, url, data in [*_pages(plans.plan1), ("get", reverse("outreach:board"), None),
                                  ("post", reverse("outreach:ensure"), {}),
                                  ("get", reverse("outreach:registrations"), None)]:
            assert getattr(client, method)(url, data).status_code == 403, (user, url)
    assert snapshot(*MODELS) == before


@pytest.mark.parametrize("who", ["street2_user", "grassroots1"])
def test_other_subtree_gets_404(client, plans, who):
    client.force_login(getattr(plans, who))
    before = snapshot(*MODELS)
    for method, url, data in _pages(plans.plan1):
        assert getattr(client, method)(url, data).status_code == 404, url
    assert snapshot(*MODELS) == before
    html = client.get(reverse("outreach:board")).content.decode()
    assert "东街快送站" not in html


def test_grassroots_cadre_sees_only_their_unions_plans(client, plans):
    own = EstablishmentPlan.objects.create(enterprise=plans.enterprise_a, stage=Stage.ESTABLISHED)
    other = EstablishmentPlan.objects.create(enterprise=plans.enterprise_b, stage=Stage.ESTABLISHED)
    client.force_login(plans.grassroots1)
    html = client.get(reverse("outreach:board")).content.decode()
    assert "东方机械厂" in html and "西城商贸" not in html and "东街快送站" not in html and "西街小厨" not in html
    assert client.get(reverse("outreach:detail", args=[own.pk])).status_code == 200
    assert client.get(reverse("outreach:detail", args=[other.pk])).status_code == 404


def test_board_by_stage_with_filters(client, plans):
    EstablishmentPlan.objects.filter(pk=plans.plan2.pk).update(demonstration=True, stage=Stage.VISITED)
    client.force_login(plans.district)
    response = client.get(reverse("outreach:board"))
    columns = {c["stage"]: c for c in response.context["columns"]}
    assert columns[Stage.NOT_STARTED]["count"] == 1 and columns[Stage.VISITED]["count"] == 1
    assert [p.enterprise.name for p in columns[Stage.VISITED]["cards"]] == ["西街小厨"]
    response = client.get(reverse("outreach:board"), {"street": plans.street1.pk})
    assert response.context["total"] == 1 and "西街小厨" not in response.content.decode()
    response = client.get(reverse("outreach:board"), {"demonstration": "yes"})
    assert response.context["total"] == 1 and "西街小厨" in response.content.decode()
    client.force_login(plans.street1_user)  # a street outside the scope is not applied
    response = client.get(reverse("outreach:board"), {"street": plans.street2.pk})
    assert "street" in response.context["form"].errors and "西街小厨" not in response.content.decode()


def test_ensure_button_is_idempotent(client, plans):
    Enterprise.objects.filter(pk=plans.enterprise_none.pk).update(name="东街快送站")
    EstablishmentPlan.objects.filter(pk=plans.plan1.pk).delete()
    client.force_login(plans.street1_user)
    assert client.post(reverse("outreach:ensure")).status_code == 302
    assert client.post(reverse("outreach:ensure")).status_code == 302
    assert EstablishmentPlan.objects.filter(enterprise=plans.enterprise_none).count() == 1
    client.force_login(plans.grassroots1)  # manages no street
    before = snapshot(*MODELS)
    assert client.post(reverse("outreach:ensure")).status_code == 403
    assert snapshot(*MODELS) == before


def test_visit_then_move_to_established_through_the_pages(client, plans):
    client.force_login(plans.street1_user)
    plan = plans.plan1
    detail = client.get(reverse("outreach:detail", args=[plan.pk]))
    assert detail.status_code == 200 and "东街快送站" in detail.content.decode()
    response = client.post(reverse("outreach:visit", args=[plan.pk]), {
        "visited_on": TODAY.isoformat(), "commissioner": plans.street1_user.pk,
        "concerns": ["cost", "management_resistance"], "answer": "considering", "notes": "老板要考虑"})
    assert response.status_code == 302
    assert client.post(reverse("outreach:move", args=[plan.pk]), {"to_stage": "preparing"}).status_code == 302
    form = client.get(reverse("outreach:move", args=[plan.pk])).context["form"]
    assert form["union_name"].value() == "东街快送站工会"
    response = client.post(reverse("outreach:move", args=[plan.pk]), {
        "to_stage": "established", "union_name": "东街快送站工会", "chair_name": "王芳",
        "founded_on": TODAY.isoformat()})
    assert response.status_code == 302
    enterprise = Enterprise.objects.get(pk=plans.enterprise_none.pk)
    assert enterprise.union.name == "东街快送站工会" and enterprise.union.parent == plans.street1
    html = client.get(reverse("outreach:detail", args=[plan.pk])).content.decode()
    assert "老板要考虑" in html and "东街快送站工会" in html


@pytest.mark.parametrize(("url_name", "data", "field"), [
    ("edit", {"target_date": "next week"}, "target_date"),
    ("edit", {"target_date": "2025-02-30"}, "target_date"),
    ("move", {"to_stage": "bogus"}, "to_stage"),
    ("move", {"to_stage": "established", "chair_name": "王芳", "founded_on": "2025-01-01"}, "to_stage"),
    ("move", {"to_stage": "declined", "reason": ""}, "reason"),
    ("move", {"to_stage": "visited", "founded_on": "not a date"}, "founded_on"),
    ("visit", {"visited_on": "", "answer": "agreed"}, "visited_on"),
    ("visit", {"visited_on": TODAY.isoformat(), "answer": "agreed", "concerns": ["weather"]}, "concerns"),
    ("visit", {"visited_on": TODAY.isoformat(), "answer": "agreed", "commissioner": "STREET2"}, "commissioner"),
])
def test_bad_input_names_the_field_and_changes_nothing(client, plans, url_name, data, field):
    if data.get("commissioner") == "STREET2":
        data = {**data, "commissioner": plans.street2_user.pk}
    client.force_login(plans.street1_user)
    before = snapshot(*MODELS)
    response = client.post(reverse(f"outreach:{url_name}", args=[plans.plan1.pk]), data)
    assert response.status_code == 200
    form = response.context["form"]
    assert field in form.errors, form.errors
    label = str(form.fields[field].label)
    assert label in response.content.decode()  # the message names the field
    assert snapshot(*MODELS) == before


def test_edit_plan(client, plans):
    client.force_login(plans.street1_user)
    response = client.post(reverse("outreach:edit", args=[plans.plan1.pk]), {
        "commissioner": plans.grassroots1.pk, "next_step": "约老板面谈", "target_date": "2026-12-31",
        "demonstration": "on"})
    assert response.status_code == 302
    plan = EstablishmentPlan.objects.get(pk=plans.plan1.pk)
    assert (plan.commissioner, plan.next_step, plan.target_date, plan.demonstration) == (
        plans.grassroots1, "约老板面谈", dt.date(2026, 12, 31), True)


def test_a_cadre_with_the_right_opens_every_page(client, plans):
    client.force_login(plans.street1_user)
    for method, url, _data in _pages(plans.plan1):
        if method == "get":
            assert client.get(url).status_code == 200, url
    assert client.get(reverse("outreach:board")).status_code == 200
    assert client.get(reverse("outreach:registrations")).status_code == 200


def test_board_query_budget(client, plans, django_assert_max_num_queries):
    import random

    from gonghui.core.choices import Industry
    from gonghui.enterprises.models import Ownership
    from gonghui.outreach.services import plans_ensure
    from gonghui.testing import make_credit_code

    rng = random.Random(5)
    Enterprise.objects.bulk_create([
        Enterprise(credit_code=make_credit_code(rng), name=f"东街企业{i:03d}", industry=Industry.C,
                   ownership=Ownership.PRIVATE, street=plans.street1) for i in range(80)])
    plans_ensure(actor=plans.district)
    EstablishmentPlan.objects.filter(enterprise__name__startswith="东街企业00").update(stage=Stage.VISITED)
    client.force_login(plans.district)
    with django_assert_max_num_queries(15):
        response = client.get(reverse("outreach:board"))
    columns = {c["stage"]: c for c in response.context["columns"]}
    assert columns[Stage.NOT_STARTED]["count"] == 72 and columns[Stage.NOT_STARTED]["more"] == 22
