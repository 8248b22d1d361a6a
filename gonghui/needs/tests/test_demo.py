"""The demo district's three lists: written by the services, closed loop visible in the figures."""

from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command

from gonghui.accounts.models import User
from gonghui.audit.models import AuditEvent
from gonghui.needs import selectors
from gonghui.needs.models import Milestone, Need, NeedStatus, Project, ProjectStatus, Resource


@pytest.fixture
def tiny(db):
    call_command("demo_district", "--scale", "tiny", stdout=StringIO())


def test_demo_has_the_three_lists_and_a_closed_loop(tiny):
    statuses = Counter(Need.objects.values_list("status", flat=True))
    assert Need.objects.count() == 12 and Resource.objects.count() == 6
    assert statuses[NeedStatus.ANSWERED] == 2 and statuses[NeedStatus.DECLINED] == 1
    assert statuses[NeedStatus.IN_PROJECT] >= 1
    assert Need.objects.filter(source="appeal", source_ref__startswith="appeal:").count() == 1
    assert sorted(Project.objects.values_list("status", flat=True)) == sorted(
        [ProjectStatus.DONE, ProjectStatus.RUNNING, ProjectStatus.PLANNED])
    assert Milestone.objects.filter(done_on__isnull=False).count() == 3
    assert all(p.milestones.exists() for p in Project.objects.all())
    actions = Counter(AuditEvent.objects.values_list("action", flat=True))
    assert actions["need.create"] == 12 and actions["need_resource.create"] == 6
    report = selectors.closed_loop_report(user=User.objects.get(username="district"))
    assert report.total.total == 12 and report.total.answered == 2 and report.total.median_days > 30
