"""Plans: creation, stage moves through the one service, visits, establishment of the union."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from gonghui.audit.models import AuditEvent
from gonghui.core.choices import EmploymentForm
from gonghui.enterprises.models import Enterprise
from gonghui.orgs.models import Org, OrgKind
from gonghui.orgs.selectors import unions_for_worker
from gonghui.outreach import services
from gonghui.outreach.models import Answer, Concern, EstablishmentPlan, PlanEvent, PlanVisit, Stage
from gonghui.outreach.selectors import plan_board, plan_list
from gonghui.testing import snapshot

MODELS = (Org, Enterprise, EstablishmentPlan, PlanVisit, PlanEvent, AuditEvent)
TODAY = dt.date.today()  # noqa: DTZ011 - a calendar date


def test_plans_ensure_creates_missing_plans_once(plans):
    d = plans
    assert EstablishmentPlan.objects.count() == 2  # only the enterprises without a union
    assert d.plan1.stage == Stage.NOT_STARTED
    assert d.plan1.commissioner == d.street1_user and d.plan2.commissioner == d.street2_user
    assert services.plans_ensure(actor=d.district) == 0
    assert services.plans_ensure(actor=d.street1_user, street=d.street1) == 0
    assert EstablishmentPlan.objects.count() == 2


def test_plans_ensure_only_in_the_actors_scope(district):
    assert services.plans_ensure(actor=district.street2_user) == 0
    assert not EstablishmentPlan.objects.exists()
    with pytest.raises(PermissionDenied):
        services.plans_ensure(actor=district.street2_user, street=district.street1)
    assert services.plans_ensure(actor=district.street1_user, street=district.street1) == 1


def test_one_plan_per_enterprise_in_the_database(plans):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        EstablishmentPlan.objects.create(enterprise=plans.enterprise_none)


def test_scoping(plans):
    d = plans
    assert set(plan_list(user=d.district)) == {d.plan1, d.plan2}
    assert list(plan_list(user=d.street1_user)) == [d.plan1]
    assert list(plan_list(user=d.street2_user)) == [d.plan2]
    assert list(plan_list(user=d.grassroots1)) == []
    own = EstablishmentPlan.objects.create(enterprise=d.enterprise_a, stage=Stage.ESTABLISHED)
    EstablishmentPlan.objects.create(enterprise=d.enterprise_b, stage=Stage.ESTABLISHED)
    assert list(plan_list(user=d.grassroots1)) == [own]
    board = {c["stage"]: c["count"] for c in plan_board(user=d.street1_user)}
    assert board == {Stage.NOT_STARTED: 1, Stage.VISITED: 0, Stage.PREPARING: 0, Stage.ESTABLISHED: 1,
                     Stage.DECLINED: 0}


def test_allowed_moves_leave_events(plans):
    d = plans
    services.plan_move(actor=d.street1_user, plan=d.plan1, to_stage=Stage.VISITED, note="见了老板")
    services.plan_move(actor=d.street1_user, plan=d.plan1, to_stage=Stage.PREPARING)
    services.plan_move(actor=d.street1_user, plan=d.plan1, to_stage=Stage.DECLINED, reason="老板不同意")
    services.plan_move(actor=d.street1_user, plan=d.plan1, to_stage=Stage.VISITED)
    d.plan1.refresh_from_db()
    assert d.plan1.stage == Stage.VISITED and d.plan1.declined_reason == ""
    events = list(d.plan1.events.order_by("pk").values_list("from_stage", "to_stage", "note", "actor"))
    assert events == [
        ("not_started", "visited", "见了老板", d.street1_user.pk), ("visited", "preparing", "", d.street1_user.pk),
        ("preparing", "declined", "老板不同意", d.street1_user.pk), ("declined", "visited", "", d.street1_user.pk),
    ]
    assert AuditEvent.objects.filter(action="outreach.plan_move").count() == 4


@pytest.mark.parametrize(("to_stage", "kwargs", "field"), [
    (Stage.ESTABLISHED, {"chair_name": "张三", "founded_on": TODAY}, "to_stage"),  # not_started → established
    (Stage.PREPARING, {}, "to_stage"),
    (Stage.NOT_STARTED, {}, "to_stage"),
    ("bogus", {}, "to_stage"),
    (Stage.DECLINED, {"reason": "  "}, "reason"),
])
def test_refused_moves_change_nothing(plans, to_stage, kwargs, field):
    before = snapshot(*MODELS)
    with pytest.raises(ValidationError) as exc:
        services.plan_move(actor=plans.street1_user, plan=plans.plan1, to_stage=to_stage, **kwargs)
    assert field in exc.value.message_dict
    assert snapshot(*MODELS) == before


def test_out_of_scope_move_is_refused(plans):
    before = snapshot(*MODELS)
    for actor in (plans.street2_user, plans.grassroots1):
        with pytest.raises(PermissionDenied):
            services.plan_move(actor=actor, plan=plans.plan1, to_stage=Stage.VISITED)
    assert snapshot(*MODELS) == before


def _to_preparing(d):
    services.plan_move(actor=d.street1_user, plan=d.plan1, to_stage=Stage.VISITED)
    services.plan_move(actor=d.street1_user, plan=d.plan1, to_stage=Stage.PREPARING)


def test_established_creates_the_union_and_links_the_enterprise(plans):
    d = plans
    _to_preparing(d)
    services.plan_move(actor=d.street1_user, plan=d.plan1, to_stage=Stage.ESTABLISHED, chair_name="王芳",
                       founded_on=dt.date(2025, 5, 1))
    enterprise = Enterprise.objects.get(pk=d.enterprise_none.pk)
    union = enterprise.union
    assert union.name == "东街快送站工会" and union.kind == OrgKind.GRASSROOTS
    assert union.parent == d.street1 and union.street == d.street1 and union.path.startswith(d.street1.path)
    assert union.chair_name == "王芳" and union.founded_on == dt.date(2025, 5, 1)
    assert unions_for_worker(street=d.street1, form=EmploymentForm.REGULAR, employer=enterprise)[0] == union
    d.plan1.refresh_from_db()
    assert d.plan1.stage == Stage.ESTABLISHED and d.plan1.allowed_stages() == []
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"org.create", "enterprise.update", "outreach.plan_move"} <= actions
    # Final: no further move.
    with pytest.raises(ValidationError):
        services.plan_move(actor=d.street1_user, plan=d.plan1, to_stage=Stage.DECLINED, reason="x")


def test_established_with_custom_name(plans):
    _to_preparing(plans)
    services.plan_move(actor=plans.street1_user, plan=plans.plan1, to_stage=Stage.ESTABLISHED,
                       union_name="快送站联合会", chair_name="王芳", founded_on=TODAY)
    assert Enterprise.objects.get(pk=plans.enterprise_none.pk).union.name == "快送站联合会"


@pytest.mark.parametrize(("kwargs", "field"), [
    ({"founded_on": TODAY}, "chair_name"),
    ({"chair_name": "王芳"}, "founded_on"),
    ({"chair_name": "王芳", "founded_on": "2025-13-01"}, "founded_on"),
    ({"chair_name": "王芳", "founded_on": TODAY + dt.timedelta(days=3)}, "founded_on"),
])
def test_established_needs_the_union_facts(plans, kwargs, field):
    _to_preparing(plans)
    before = snapshot(*MODELS)
    with pytest.raises(ValidationError) as exc:
        services.plan_move(actor=plans.street1_user, plan=plans.plan1, to_stage=Stage.ESTABLISHED, **kwargs)
    assert field in exc.value.message_dict
    assert snapshot(*MODELS) == before


def test_visit_moves_a_new_plan_to_visited(plans):
    d = plans
    visit = services.plan_visit_record(actor=d.street1_user, plan=d.plan1, visited_on=TODAY, answer=Answer.CONSIDERING,
                                       commissioner=d.grassroots1, concerns=[Concern.COST, Concern.TOO_FEW],
                                       notes="老板担心会费")
    d.plan1.refresh_from_db()
    assert d.plan1.stage == Stage.VISITED and visit.concerns == ["cost", "too_few_workers"]
    services.plan_visit_record(actor=d.street1_user, plan=d.plan1, visited_on=TODAY, answer=Answer.AGREED)
    assert d.plan1.visits.count() == 2 and d.plan1.events.count() == 1


@pytest.mark.parametrize(("kwargs", "field"), [
    ({"visited_on": "yesterday", "answer": Answer.AGREED}, "visited_on"),
    ({"visited_on": TODAY + dt.timedelta(days=1), "answer": Answer.AGREED}, "visited_on"),
    ({"visited_on": TODAY, "answer": "maybe"}, "answer"),
    ({"visited_on": TODAY, "answer": Answer.AGREED, "concerns": ["weather"]}, "concerns"),
    ({"visited_on": TODAY, "answer": Answer.AGREED, "commissioner": "street2_user"}, "commissioner"),
])
def test_bad_visits_change_nothing(plans, kwargs, field):
    if kwargs.get("commissioner") == "street2_user":
        kwargs = {**kwargs, "commissioner": plans.street2_user}
    before = snapshot(*MODELS)
    with pytest.raises(ValidationError) as exc:
        services.plan_visit_record(actor=plans.street1_user, plan=plans.plan1, **kwargs)
    assert field in exc.value.message_dict
    assert snapshot(*MODELS) == before


def test_plan_update(plans):
    d = plans
    services.plan_update(actor=d.street1_user, plan=d.plan1, commissioner=d.grassroots1, next_step="约老板面谈",
                         target_date=dt.date(2026, 12, 31), demonstration=True)
    d.plan1.refresh_from_db()
    assert (d.plan1.commissioner, d.plan1.next_step, d.plan1.target_date, d.plan1.demonstration) == (
        d.grassroots1, "约老板面谈", dt.date(2026, 12, 31), True)
    assert list(plan_list(user=d.district, demonstration=True)) == [d.plan1]
    before = snapshot(*MODELS)
    for changes, field in (({"target_date": "soon"}, "target_date"), ({"stage": "established"}, "stage"),
                           ({"commissioner": d.street2_user}, "commissioner")):
        with pytest.raises(ValidationError) as exc:
            services.plan_update(actor=d.street1_user, plan=d.plan1, **changes)
        assert field in exc.value.message_dict
    assert snapshot(*MODELS) == before
