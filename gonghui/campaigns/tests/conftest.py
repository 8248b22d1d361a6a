import datetime as dt
import random

import pytest
from django.utils import timezone

from gonghui.campaigns.models import Kind
from gonghui.campaigns.services import application_submit, campaign_create
from gonghui.testing import make_resident_id, make_user, make_worker

UNIVERSITY = {"name": "大学·困难家庭", "amount": "2000", "school_levels": ["university"], "min_child_age": 17,
              "max_child_age": 25, "requires_hardship_file": True}
HIGH_SCHOOL = {"name": "高中", "amount": "1000", "school_levels": ["high_school"], "min_child_age": 14,
               "max_child_age": 19}


def make_campaign(district, *, org=None, budget="5000", categories=(UNIVERSITY, HIGH_SCHOOL), **extra):
    today = timezone.localdate()
    values = {"kind": Kind.STUDENT_AID, "title": "2026年金秋助学", "opens_on": today - dt.timedelta(days=3),
              "closes_on": today + dt.timedelta(days=10), "max_income_per_head": "1500",
              "required_evidence": ["录取通知书", "户口簿"]} | extra
    return campaign_create(actor=district.district, org=org or district.root, budget=budget,
                           categories=list(categories), **values)


def apply(user, campaign, category=None, **extra):
    category = category or campaign.categories.get(name="高中")
    values = {"child_name": "李小明", "child_age": 16, "school_level": "high_school", "income_per_head": "900",
              "bank_name": "工商银行", "bank_account": "6222021234567890123",
              "evidence": ["录取通知书", "户口簿"]} | extra
    return application_submit(actor=user, campaign=campaign, category=category, **values)


def member(district, n: int, org=None):
    """A new worker with an account and an active membership of `org` (union A by default)."""
    user = make_user(f"aidworker{n}", mobile=f"1360000{n:04d}")
    make_worker(name=f"赵{n}号", org=org or district.union_a, user=user, mobile=f"1360000{n:04d}",
                resident_id=make_resident_id(random.Random(1000 + n)))
    return user


@pytest.fixture
def aid(district):
    district.campaign = make_campaign(district)
    district.high = district.campaign.categories.get(name="高中")
    district.uni = district.campaign.categories.get(name="大学·困难家庭")
    return district


