"""campaign_precheck_all: the submission rules re-run over a whole campaign, in a fixed number of queries."""

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gonghui.audit.models import AuditEvent
from gonghui.campaigns.models import Application, ApplicationEvent
from gonghui.campaigns.recheck import NO_HARDSHIP_FILE, NOT_MEMBER, campaign_precheck_all
from gonghui.campaigns.selectors import active_membership_in, hardship_file_exists
from gonghui.campaigns.services import application_approve, precheck
from gonghui.hardship.models import FileStatus, HardshipFile
from gonghui.hardship.tests.conftest import create as hardship_create
from gonghui.members.models import Membership, MembershipStatus, Worker
from gonghui.members.services import membership_leave
from gonghui.testing import snapshot

from .conftest import apply, make_campaign, member

QUERIES = 6  # savepoint, campaign FOR UPDATE, applications, UPDATE, audit row, release


def codes(application) -> list[str]:
    application.refresh_from_db()
    return [r["code"] for r in application.precheck_reasons]


def filed_file(district, worker, status=FileStatus.FILED):
    file = hardship_create(district, worker, actor=district.district)
    HardshipFile.objects.filter(pk=file.pk).update(status=status)
    return file


def per_application(application) -> list[dict]:
    """What submission would find for this application today, one application at a time."""
    campaign, worker = application.campaign, application.worker
    reasons = [] if active_membership_in(worker, campaign) else [NOT_MEMBER]
    if application.category.requires_hardship_file and not hardship_file_exists(
            worker, declared=application.declared_hardship_file):
        reasons.append(NO_HARDSHIP_FILE)
    return reasons + precheck(campaign, income=application.income_per_head, evidence=application.evidence)


@pytest.fixture
def applied(aid):
    """Six applications, all submitted; then memberships and hardship files change."""
    a = aid
    uni = {"category": a.uni, "school_level": "university", "child_age": 19}
    a.left = apply(a.worker1_user, a.campaign)
    a.rich = apply(member(a, 1), a.campaign, income_per_head="1500.01")
    a.no_docs = apply(member(a, 2), a.campaign, evidence=["户口簿"])
    filer = member(a, 3)
    a.file = filed_file(a, Worker.objects.get(user=filer))
    a.filed = apply(filer, a.campaign, **uni)
    exiting = member(a, 4)
    a.exited_file = filed_file(a, Worker.objects.get(user=exiting))
    a.exited = apply(exiting, a.campaign, **uni)
    a.declared = apply(member(a, 5), a.campaign, hardship_file=True, **uni)
    # Since then: worker1 left the union, member 4's household exited from hardship.
    membership_leave(actor=a.worker1_user, membership=Membership.objects.get(worker=a.worker1))
    HardshipFile.objects.filter(pk=a.exited_file.pk).update(status=FileStatus.EXITED)
    return a


def test_findings_by_hand(applied):
    a = applied
    assert all(x.precheck_ok for x in (a.left, a.filed, a.exited, a.declared))
    result = campaign_precheck_all(campaign=a.campaign, actor=a.district)
    assert result == {"checked": 6, "changed": 2, "failing": 4}
    assert codes(a.left) == ["not_active_member"] and not a.left.precheck_ok
    assert codes(a.rich) == ["income_over_limit"]
    assert codes(a.no_docs) == ["evidence_missing"] and a.no_docs.precheck_reasons[0]["missing"] == ["录取通知书"]
    assert codes(a.filed) == [] and a.filed.precheck_ok
    assert codes(a.exited) == ["hardship_file_missing"] and not a.exited.precheck_ok
    # The queue shows every finding in words, the new ones too.
    for application in (a.left, a.exited):
        application.refresh_from_db()
        assert len(application.precheck_messages()) == 1
    assert codes(a.declared) == [] and a.declared.precheck_ok
    event = AuditEvent.objects.get(action="campaigns.precheck_all")
    assert event.actor == a.district and event.detail == result


def test_equal_to_per_application_precheck(applied):
    a = applied
    # A file not yet filed does not count; a move to a union outside a street campaign ends eligibility.
    other = member(a, 6)
    HardshipFile.objects.filter(pk=a.file.pk).update(status=FileStatus.PUBLICITY)
    street_campaign = make_campaign(a, org=a.street1, title="东街道金秋助学")
    moved = apply(other, street_campaign)
    Membership.objects.filter(worker__user=other).update(status=MembershipStatus.TRANSFERRED)
    Membership.objects.create(worker=Worker.objects.get(user=other), org=a.union_b, status=MembershipStatus.ACTIVE)
    for campaign in (a.campaign, street_campaign):
        campaign_precheck_all(campaign=campaign)
    applications = list(Application.objects.select_related("campaign__org", "worker", "category"))
    assert len(applications) == 7
    for application in applications:
        expected = per_application(application)
        assert application.precheck_reasons == expected, application.pk
        assert application.precheck_ok == (not expected)
    assert codes(a.filed) == ["hardship_file_missing"] and codes(moved) == ["not_active_member"]


def test_fixed_number_of_queries(applied, django_assert_max_num_queries):
    a = applied
    with django_assert_max_num_queries(QUERIES):
        campaign_precheck_all(campaign=a.campaign)
    for n in range(10, 30):  # twenty more applications, all of them changed after applying
        user = member(a, n)
        apply(user, a.campaign)
        membership_leave(actor=user, membership=Membership.objects.get(worker__user=user))
    with CaptureQueriesContext(connection) as queries:
        result = campaign_precheck_all(campaign=a.campaign)
    assert result["checked"] == 26 and result["changed"] == 20
    assert len(queries) <= QUERIES


def test_a_second_run_writes_nothing(applied):
    a = applied
    campaign_precheck_all(campaign=a.campaign)
    with CaptureQueriesContext(connection) as queries:
        result = campaign_precheck_all(campaign=a.campaign)
    assert result == {"checked": 6, "changed": 0, "failing": 4}
    assert not [q for q in queries if q["sql"].lstrip().upper().startswith("UPDATE")]


def test_decided_applications_keep_their_findings(applied):
    a = applied
    application_approve(actor=a.grassroots1, application=a.declared, hardship_confirmed=True)
    Membership.objects.filter(worker__user__username="aidworker5").update(status=MembershipStatus.LEFT)
    result = campaign_precheck_all(campaign=a.campaign)
    assert result["checked"] == 5
    assert codes(a.declared) == [] and a.declared.precheck_ok


def test_only_a_manager_of_the_campaign_org_may_run_it(applied):
    a = applied
    before = snapshot(Application, ApplicationEvent, AuditEvent)
    for user in (a.street1_user, a.grassroots1, a.worker1_user):
        with pytest.raises(PermissionDenied):
            campaign_precheck_all(campaign=a.campaign, actor=user)
    assert snapshot(Application, ApplicationEvent, AuditEvent) == before


def test_the_nightly_job_rechecks_campaigns_with_undecided_applications(applied, settings):
    from gonghui.campaigns.tasks import precheck_nightly

    assert settings.CELERY_BEAT_SCHEDULE["campaigns-precheck-nightly"]["task"] == precheck_nightly.name
    precheck_nightly.apply()
    applied.left.refresh_from_db()
    assert codes(applied.left) == ["not_active_member"]
