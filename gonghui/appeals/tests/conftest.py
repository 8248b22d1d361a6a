import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from gonghui.appeals import clock
from gonghui.appeals.models import AppealType, Category, Channel
from gonghui.appeals.services import appeal_file

SH = ZoneInfo("Asia/Shanghai")


def sh(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=SH)


class Clock:
    def __init__(self, monkeypatch):
        self.now = sh(2025, 11, 3, 9, 0)  # a Monday
        monkeypatch.setattr(clock, "now", lambda: self.now)

    def set(self, *args):
        self.now = sh(*args)


@pytest.fixture
def at(monkeypatch):
    """The appeals clock, standing at Monday 2025-11-03 09:00 Shanghai until told otherwise."""
    return Clock(monkeypatch)


def file_for(district, **kw):
    """A request by worker1 through the portal (member of union_a under street1)."""
    data = {"actor": district.worker1_user, "user": district.worker1_user, "channel": Channel.PORTAL,
            "appeal_type": AppealType.CONSULTATION, "category": Category.WAGE_ARREARS,
            "description": "三个月工资没发"}
    data.update(kw)
    return appeal_file(**data)
