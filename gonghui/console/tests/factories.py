"""Scenario data for the console's view tests, on top of `gonghui.testing.District`."""

import random

from gonghui.accounts.models import RoleGrant
from gonghui.audit.models import AuditEvent
from gonghui.enterprises.models import Enterprise
from gonghui.members.models import Membership, MembershipEvent, MembershipStatus, Worker
from gonghui.orgs.models import Org
from gonghui.testing import make_resident_id, make_worker

# The plain numbers of the fixture workers: no page or export may show them without the reveal right.
WORKER1_ID = "110105199003071239"
WORKER1_MOBILE = "13800001111"
WORKER_B_MOBILE = "13700002222"
APPLICANT_ID = "110105198811230010"
APPLICANT_MOBILE = "13600003333"

# Everything a refused action must leave untouched.
ALL_MODELS = (Org, Enterprise, Worker, Membership, MembershipEvent, AuditEvent, RoleGrant)


def pending_applicant(district, *, name="赵六", org=None):
    """A new applicant waiting for union A (street1) to decide."""
    worker = make_worker(name=name, org=org or district.union_a, active=False, resident_id=APPLICANT_ID,
                         mobile=APPLICANT_MOBILE)
    return worker.memberships.get(status=MembershipStatus.PENDING)


def transfer_request(district, *, worker=None, to=None):
    """worker_b (active in street2's union B) asks to move to union A in street1."""
    worker = worker or district.worker_b
    active = worker.memberships.get(status=MembershipStatus.ACTIVE)
    return Membership.objects.create(worker=worker, org=to or district.union_a, status=MembershipStatus.PENDING,
                                     transfer_from=active)


def many_workers(district, n: int, *, org=None, prefix="工人"):
    rng = random.Random(42)
    return [make_worker(name=f"{prefix}{i:03d}", org=org or district.union_a, resident_id=make_resident_id(rng),
                        mobile=f"139{i:08d}") for i in range(n)]
