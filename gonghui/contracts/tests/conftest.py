import datetime as dt

import pytest
from django.utils import timezone

from gonghui.contracts.models import Kind, Stage
from gonghui.contracts.services import contract_advance, contract_create


def days_ago(n: int) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=n)


def make_contract(district, *, org=None, employer=None, kind=Kind.COMPREHENSIVE, actor=None, **extra):
    org = org or district.union_a
    if kind in (Kind.INDUSTRY, Kind.REGIONAL):
        extra.setdefault("employer_representative", "东街道企业联合会")
    else:
        employer = employer or district.enterprise_a
    extra.setdefault("covered_workers", 100)
    return contract_create(actor=actor or district.district, title=extra.pop("title", "东方机械厂集体合同"), kind=kind,
                           org=org, employer=employer, **extra)


def walk(contract, actor, *, to: str, start: int = 100):
    """Take a contract step by step up to stage `to`, the offer `start` days ago, one step a few days apart."""
    steps = [
        (Stage.OFFERED, {"on": days_ago(start)}),
        (Stage.NEGOTIATING, {"on": days_ago(start - 10)}),
        (Stage.APPROVED, {"on": days_ago(start - 30), "total": 90, "present": 60, "votes_for": 31}),
        (Stage.SIGNED, {"on": days_ago(start - 35)}),
        (Stage.FILED, {"on": days_ago(start - 40)}),
        (Stage.EFFECTIVE, {"on": days_ago(start - 55)}),
    ]
    for stage, kwargs in steps:
        contract = contract_advance(actor=actor, contract=contract, to_stage=stage, **kwargs)
        if stage == to:
            return contract
    raise AssertionError(to)


@pytest.fixture
def contract(district):
    return make_contract(district)
