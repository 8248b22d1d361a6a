import datetime as dt
import itertools
import random

import pytest
from django.utils import timezone

from gonghui.hardship import services
from gonghui.hardship.models import FileStatus, HardshipFile
from gonghui.testing import make_resident_id, make_worker

SPOUSE_ID = make_resident_id(random.Random(7), birth=dt.date(1991, 5, 4), male=False)
CHILD_ID = make_resident_id(random.Random(8), birth=dt.date(2015, 9, 1))


def family():
    return [
        {"name": "赵小红", "relation": "spouse", "birth_date": dt.date(1991, 5, 4), "resident_id": SPOUSE_ID,
         "health": "chronic", "work_or_school": "待业"},
        {"name": "李小明", "relation": "child", "birth_date": None, "resident_id": CHILD_ID,
         "health": "healthy", "work_or_school": "东街小学"},
    ]


def apply(district, **overrides):
    data = {"main_cause": "illness", "secondary_causes": ["education"], "income_per_head": "800.00",
            "employment": "flexible", "family": family(), "evidence": "诊断证明.pdf"}
    data.update(overrides)
    return services.file_apply(user=district.worker1_user, **data)


def create(district, worker, actor=None, **overrides):
    data = {"main_cause": "low_income", "income_per_head": "600", "employment": "unemployed", "family": []}
    data.update(overrides)
    return services.file_create(actor=actor or district.street1_user, householder=worker, **data)


def to_filed(district, file, *, start=None):
    """Walk a file through every step to "filed", as the union staff would."""
    cadre, higher = district.grassroots1, district.street1_user
    if file.org_id == district.union_b.pk:
        cadre = higher = district.district
    services.file_transition(actor=cadre, file=file, to_status=FileStatus.CHECKED)
    services.visit_record(actor=cadre, file=file, visited_on=timezone.localdate(), visitors="王干事、刘干事",
                          findings="住房狭小，配偶长期患病。")
    services.file_transition(actor=higher, file=file, to_status=FileStatus.REVIEWED)
    start = start or timezone.localdate()
    file = services.file_transition(actor=cadre, file=file, to_status=FileStatus.PUBLICITY, publicity_start=start)
    return services.file_transition(actor=cadre, file=file, to_status=FileStatus.FILED,
                                    now=file.publicity_ends_at + dt.timedelta(seconds=1))


@pytest.fixture
def files(district):
    """worker1's household (union_a, street1) applied online and filed; worker_b's (union_b, street2) filed."""
    district.file1 = to_filed(district, apply(district))
    district.file2 = to_filed(district, create(district, district.worker_b, actor=district.district))
    return district


_seeds = itertools.count(1000)


def many_filed(district, n, org):
    """`n` filed files under `org` (status set directly: the life cycle is tested elsewhere)."""
    pks = []
    for i in range(n):
        worker = make_worker(name=f"职工{i}", org=org, resident_id=make_resident_id(random.Random(next(_seeds))))
        pks.append(create(district, worker, actor=district.district).pk)
    HardshipFile.objects.filter(pk__in=pks).update(status=FileStatus.FILED, filed_on=timezone.localdate(),
                                                   last_reviewed_on=timezone.localdate())
    return pks
