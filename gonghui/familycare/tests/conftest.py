import datetime as dt

import pytest
from django.utils import timezone

from gonghui.familycare.models import SummerClass
from gonghui.familycare.services import class_create
from gonghui.testing import make_user, make_worker

TODAY = timezone.localdate()


def future_dates(days_ahead: int = 10, length: int = 10) -> tuple[dt.date, dt.date]:
    starts = TODAY + dt.timedelta(days=days_ahead)
    return starts, min(starts + dt.timedelta(days=length - 1), dt.date(starts.year, 12, 31))


def make_class(district, *, capacity=2, min_age=6, max_age=12, org=None, name="东街道职工子女暑托班", **extra):
    starts, ends = future_dates()
    return class_create(actor=district.district, org=org or district.street1, name=name, capacity=capacity,
                        min_age=min_age, max_age=max_age, starts_on=extra.pop("starts_on", starts),
                        ends_on=extra.pop("ends_on", ends), sessions="周一至周五 8:30-16:30", **extra)


def past_class(district, *, year: int, days: int = 10) -> SummerClass:
    """A class of an earlier round that has run (created directly: enrolment for it closed long ago)."""
    return SummerClass.objects.create(org=district.street1, name="往期暑托班", year=year, capacity=10, min_age=6,
                                      max_age=12, starts_on=TODAY - dt.timedelta(days=days + 5),
                                      ends_on=TODAY - dt.timedelta(days=5))


def child_born(age: int, on: dt.date) -> dt.date:
    """A birth date making the child exactly `age` on day `on` (their birthday is that very day)."""
    return on.replace(year=on.year - age) if (on.month, on.day) != (2, 29) else dt.date(on.year - age, 2, 28)


@pytest.fixture
def parents(district):
    """worker1 (member of union_a) and three more members with accounts, plus a non-member with an account."""
    district.parents = [district.worker1_user]
    for i in range(3):
        user = make_user(f"parent{i}", mobile=f"1380000200{i}")
        make_worker(name=f"家长{i}", org=district.union_a, user=user, mobile=f"1380000200{i}")
        district.parents.append(user)
    district.applicant_user = make_user("applicant", mobile="13800003000")
    make_worker(name="申请人", org=district.union_a, user=district.applicant_user, active=False,
                mobile="13800003000")
    return district
