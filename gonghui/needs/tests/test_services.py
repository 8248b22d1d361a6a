"""The closed loop through the services: every transition, refusals that change nothing, permissions."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from gonghui.appeals.models import Appeal
from gonghui.appeals.tests.conftest import file_for
from gonghui.audit.models import AuditEvent
from gonghui.needs import services
from gonghui.needs.models import (
    Milestone,
    Need,
    NeedEvent,
    NeedStatus,
    Project,
    ProjectResource,
    ProjectStatus,
    Resource,
)
from gonghui.testing import snapshot

from .conftest import make_need, make_project, make_resource

pytestmark = pytest.mark.django_db
ALL = (Need, NeedEvent, Project, ProjectResource, Resource, Milestone, AuditEvent)


def refused(exc_type, call, *, field=None):
    before = snapshot(*ALL)
    with pytest.raises(exc_type) as caught:
        call()
    if field is not None:
        assert field in caught.value.message_dict
    assert snapshot(*ALL) == before


def actions(need):
    return list(need.events.values_list("action", "from_status", "to_status"))


def test_take_up_then_complete_answers_the_need_with_its_time(lists):
    project = make_project(lists, milestones=[("场地落实", dt.date(2026, 7, 1))])
    services.need_take_up(actor=lists.street1_user, need=lists.need, project=project)
    lists.need.refresh_from_db()
    assert lists.need.status == NeedStatus.IN_PROJECT and lists.need.project == project
    done_at = timezone.now() + dt.timedelta(days=3)
    services.project_complete(actor=lists.street1_user, project=project, beneficiaries=12, now=done_at)
    lists.need.refresh_from_db()
    project.refresh_from_db()
    assert lists.need.status == NeedStatus.ANSWERED and lists.need.closed_at == done_at
    assert project.status == ProjectStatus.DONE and project.beneficiaries == 12
    assert actions(lists.need) == [("record", "", "open"), ("take_up", "open", "in_project"),
                                   ("answer", "in_project", "answered")]
    assert lists.need.days_to_close == 3.0
    assert AuditEvent.objects.filter(action="need_project.complete", target_id=str(project.pk)).exists()


def test_decline_needs_a_reason_and_closes_from_open_or_in_project(lists):
    refused(ValidationError, lambda: services.need_decline(actor=lists.street1_user, need=lists.need, reason="  "),
            field="reason")
    services.need_decline(actor=lists.street1_user, need=lists.need, reason="已有驿站覆盖")
    lists.need.refresh_from_db()
    assert lists.need.status == NeedStatus.DECLINED and lists.need.decline_reason == "已有驿站覆盖"
    assert lists.need.closed_at is not None
    other = make_need(lists, title="夏季防暑")
    project = make_project(lists)
    services.need_take_up(actor=lists.street1_user, need=other, project=project)
    services.need_decline(actor=lists.street1_user, need=other, reason="项目无法覆盖")
    other.refresh_from_db()
    assert other.status == NeedStatus.DECLINED and other.project is None
    assert actions(other)[-1] == ("decline", "in_project", "declined")


def test_cancelled_project_returns_its_needs_to_open_and_frees_capacity(lists):
    project = services.project_from_match(actor=lists.street1_user, need=lists.need, resource=lists.venue1)
    assert services.committed(lists.venue1) == 10
    refused(ValidationError, lambda: services.project_cancel(actor=lists.street1_user, project=project, reason=""),
            field="reason")
    services.project_cancel(actor=lists.street1_user, project=project, reason="场地改建")
    lists.need.refresh_from_db()
    assert lists.need.status == NeedStatus.OPEN and lists.need.project is None and lists.need.closed_at is None
    assert actions(lists.need)[-1] == ("release", "in_project", "open")
    assert services.committed(lists.venue1) == 0


@pytest.mark.parametrize("first", ["decline", "complete"])
def test_closed_needs_cannot_move_again(lists, first):
    project = make_project(lists)
    if first == "decline":
        services.need_decline(actor=lists.street1_user, need=lists.need, reason="重复")
    else:
        services.need_take_up(actor=lists.street1_user, need=lists.need, project=project)
        services.project_complete(actor=lists.street1_user, project=project, beneficiaries=3)
        project = make_project(lists, title="第二期")
    refused(ValidationError, lambda: services.need_take_up(actor=lists.street1_user, need=lists.need,
                                                           project=project), field="status")
    refused(ValidationError, lambda: services.need_decline(actor=lists.street1_user, need=lists.need,
                                                           reason="再次"), field="status")
    refused(ValidationError, lambda: services.need_update(actor=lists.street1_user, need=lists.need,
                                                          title="改"), field="status")


def test_finished_projects_refuse_further_steps(lists):
    project = make_project(lists)
    services.project_complete(actor=lists.street1_user, project=project, beneficiaries=0)
    for call in (
        lambda: services.project_complete(actor=lists.street1_user, project=project, beneficiaries=1),
        lambda: services.project_cancel(actor=lists.street1_user, project=project, reason="x"),
        lambda: services.project_start(actor=lists.street1_user, project=project),
        lambda: services.milestone_add(actor=lists.street1_user, project=project, title="x",
                                       due_on=dt.date(2026, 1, 1)),
    ):
        refused(ValidationError, call, field="status")
    refused(ValidationError, lambda: services.need_take_up(actor=lists.street1_user, need=lists.need,
                                                           project=project), field="project")


def test_project_must_be_of_the_needs_union_or_above(lists):
    elsewhere = make_project(lists, org=lists.street2)
    below = make_project(lists, org=lists.union_a)
    for project in (elsewhere, below):
        refused(ValidationError, lambda p=project: services.need_take_up(actor=lists.district, need=lists.need,
                                                                          project=p), field="project")


def test_permissions(lists):
    project = make_project(lists)
    district_project = make_project(lists, org=lists.root)
    refused(PermissionDenied, lambda: services.need_take_up(actor=lists.street2_user, need=lists.need,
                                                            project=project))
    # street1 manages the need but not the district's project
    refused(PermissionDenied, lambda: services.need_take_up(actor=lists.street1_user, need=lists.need,
                                                            project=district_project))
    refused(PermissionDenied, lambda: services.need_decline(actor=lists.street2_user, need=lists.need, reason="x"))
    refused(PermissionDenied, lambda: services.project_complete(actor=lists.grassroots1, project=project,
                                                                beneficiaries=1))
    refused(PermissionDenied, lambda: services.project_cancel(actor=lists.worker1_user, project=project,
                                                              reason="x"))
    refused(PermissionDenied, lambda: services.resource_create(actor=lists.street1_user, org=lists.street2,
                                                               kind="venue", name="x", categories=["rest"],
                                                               capacity=1))
    refused(PermissionDenied, lambda: services.project_from_match(actor=lists.street2_user, need=lists.need,
                                                                  resource=lists.venue2))


@pytest.mark.parametrize(("field", "value"), [
    ("kind", "castle"), ("name", " "), ("categories", []), ("categories", ["rest", "magic"]),
    ("capacity", 0), ("capacity", "5"), ("amount", "-1"), ("amount", "100"),  # only a fund has an amount
    ("contact_phone", "12345"),
])
def test_bad_resource_input_names_the_field(lists, field, value):
    refused(ValidationError, lambda: make_resource(lists, **{field: value}), field=field)


def test_resource_categories_are_kept_in_list_order(lists):
    resource = make_resource(lists, categories=["health", "rest", "health"])
    assert resource.categories == ["health", "rest"]
    assert resource.phone_masked == "138****5678"


@pytest.mark.parametrize(("field", "value"), [("title", ""), ("budget", "-5"), ("budget", "1.234"),
                                              ("ends_on", dt.date(2020, 1, 1))])
def test_bad_project_input_names_the_field(lists, field, value):
    extra = {"starts_on": dt.date(2026, 1, 1)} if field == "ends_on" else {}
    refused(ValidationError, lambda: make_project(lists, **{field: value}, **extra), field=field)


def test_project_from_match_commits_headcount_or_what_is_left(lists):
    project = services.project_from_match(actor=lists.street1_user, need=lists.need, resource=lists.venue1)
    assert project.org == lists.joint1 and project.title == lists.need.title
    assert project.commitments.get().quantity == 10
    lists.need.refresh_from_db()
    assert lists.need.status == NeedStatus.IN_PROJECT and lists.need.project == project
    big = make_need(lists, title="通勤班车", headcount=50)
    other = services.project_from_match(actor=lists.street1_user, need=big, resource=lists.venue1)
    assert other.commitments.get().quantity == 10  # 20 capacity, 10 already used
    third = make_need(lists, title="夜间休息")
    refused(ValidationError, lambda: services.project_from_match(actor=lists.street1_user, need=third,
                                                                 resource=lists.venue1), field="resource")
    refused(ValidationError, lambda: services.project_from_match(actor=lists.district, need=third,
                                                                 resource=lists.venue2), field="resource")


def test_join_match_adds_need_and_resource_to_an_existing_project(lists):
    project = make_project(lists)
    services.project_join_match(actor=lists.street1_user, need=lists.need, resource=lists.fund, project=project)
    assert project.commitments.get(resource=lists.fund).quantity == 10
    lists.need.refresh_from_db()
    assert lists.need.project == project


def test_resource_commit_never_exceeds_capacity(lists):
    project = make_project(lists)
    services.resource_commit(actor=lists.street1_user, project=project, resource=lists.venue1, quantity=15)
    refused(ValidationError, lambda: services.resource_commit(actor=lists.street1_user, project=project,
                                                              resource=lists.venue1, quantity=6), field="quantity")
    services.resource_commit(actor=lists.street1_user, project=project, resource=lists.venue1, quantity=5)
    assert project.commitments.get().quantity == 20
    refused(ValidationError, lambda: services.resource_update(actor=lists.district, resource=lists.venue1,
                                                              capacity=19), field="capacity")


def test_milestones(lists):
    project = make_project(lists, milestones=[("场地落实", dt.date(2026, 7, 1))])
    milestone = project.milestones.get()
    services.milestone_done(actor=lists.street1_user, milestone=milestone)
    milestone.refresh_from_db()
    assert milestone.done_on == timezone.localdate()
    refused(ValidationError, lambda: services.milestone_done(actor=lists.street1_user, milestone=milestone),
            field="done_on")
    refused(ValidationError, lambda: make_project(lists, milestones=[("", dt.date(2026, 7, 1))]),
            field="milestones.1.title")


def test_need_from_appeal_once_per_request(lists):
    appeal = file_for(lists)
    need = services.need_from_appeal(actor=lists.street1_user, appeal=appeal, category="rights", headcount=3)
    assert need.source == "appeal" and need.source_ref == f"appeal:{appeal.pk}" and need.org == appeal.org
    assert need.title == "三个月工资没发" and appeal.reference in need.detail
    refused(ValidationError, lambda: services.need_from_appeal(actor=lists.street1_user, appeal=appeal,
                                                               category="rights"), field="source_ref")
    refused(PermissionDenied, lambda: services.need_from_appeal(actor=lists.street2_user,
                                                                appeal=Appeal.objects.get(pk=appeal.pk),
                                                                category="rights"))
    assert services.appeal_pk_from_number(appeal.reference) == appeal.pk
    assert services.appeal_pk_from_number("nonsense") is None


def test_fund_amount_is_decimal(lists):
    assert lists.fund.amount == Decimal("200000.00")
