"""A small hand-countable census on top of the shared district (see test_selectors for the expected figures).

Enterprises (street, industry, ownership, headcount, covering union):
    A     street1  C  private  120  union_a (own union, founded 2020-01-01)
    none  street1  G  private   40  —
    J     street1  G  state     60  joint1 (joint union, founded 2024-12-05)
    B     street2  F  private   80  union_b (no founding date, recorded today)
    N2    street2  C  foreign   30  —
Memberships:
    worker1   union_a  active, joined 2024-03-01, employer A (regular)
    worker_b  union_b  active, joined 2024-03-01, employer B (regular)
    rider     joint1   active, joined 2024-10-10, no employer (delivery rider)
    mover     union_a → joint1: transferred out 2025-02-14, the new active row keeps joined 2024-05-01; employer J
    leaver    union_b  left 2025-01-20, joined 2024-06-01, employer B (the worker's union is cleared on leaving)
    courier   joint1   pending application, no employer (courier) — never a member
"""

import datetime as dt
import random

import pytest

from gonghui.core.choices import EmploymentForm, Industry
from gonghui.enterprises.models import Enterprise, Ownership
from gonghui.members.models import Membership, MembershipStatus, Worker
from gonghui.members.services import worker_identity
from gonghui.testing import make_credit_code, make_resident_id

ACTIVE, TRANSFERRED, LEFT, PENDING = (MembershipStatus.ACTIVE, MembershipStatus.TRANSFERRED, MembershipStatus.LEFT,
                                      MembershipStatus.PENDING)


def add_worker(name, *, org, form=EmploymentForm.REGULAR, employer=None, rng=None):
    identity = worker_identity(name=name, resident_id=make_resident_id(rng or random.Random(name)), mobile="")
    return Worker.objects.create(employment_form=form, org=org, employer=employer,
                                 street=org.street if org else None, **identity)


def add_membership(worker, org, status, joined=None, ended=None, transfer_from=None):
    return Membership.objects.create(worker=worker, org=org, status=status, joined_on=joined, ended_on=ended,
                                     transfer_from=transfer_from)


@pytest.fixture
def census(district):
    d = district
    d.union_a.founded_on = dt.date(2020, 1, 1)
    d.union_a.save(update_fields=["founded_on"])
    d.joint1.founded_on = dt.date(2024, 12, 5)
    d.joint1.save(update_fields=["founded_on"])
    d.enterprise_j = Enterprise.objects.create(
        credit_code=make_credit_code(random.Random(11)), name="东街国有物流", industry=Industry.G,
        ownership=Ownership.STATE, headcount=60, street=d.street1, union=d.joint1)
    d.enterprise_n2 = Enterprise.objects.create(
        credit_code=make_credit_code(random.Random(12)), name="西街外资电子", industry=Industry.C,
        ownership=Ownership.FOREIGN, headcount=30, street=d.street2, union=None)

    d.rider = add_worker("骑手甲", org=d.joint1, form=EmploymentForm.DELIVERY_RIDER)
    add_membership(d.rider, d.joint1, ACTIVE, dt.date(2024, 10, 10))

    d.mover = add_worker("调动乙", org=d.joint1, employer=d.enterprise_j)
    old = add_membership(d.mover, d.union_a, TRANSFERRED, dt.date(2024, 5, 1), dt.date(2025, 2, 14))
    add_membership(d.mover, d.joint1, ACTIVE, dt.date(2024, 5, 1), transfer_from=old)

    d.leaver = add_worker("离会丙", org=None, employer=d.enterprise_b)
    add_membership(d.leaver, d.union_b, LEFT, dt.date(2024, 6, 1), dt.date(2025, 1, 20))

    d.courier = add_worker("快递丁", org=d.joint1, form=EmploymentForm.COURIER)
    add_membership(d.courier, d.joint1, PENDING)
    return d
