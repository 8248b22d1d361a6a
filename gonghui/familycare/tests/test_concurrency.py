"""Four parents asking for the last place at the same moment: exactly one gets it (row lock on the class)."""

import threading

import pytest
from django.db import connection

from gonghui.familycare.models import Enrolment, EnrolmentStatus
from gonghui.familycare.services import enrol

from .conftest import child_born, make_class

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="The SQLite test database is in memory with a shared cache, whose table locks fail at once instead "
           "of waiting; on SQLite writers are serialised by IMMEDIATE transactions anyway.")


@pytest.mark.django_db(transaction=True)
def test_last_place_is_not_overbooked(parents):
    summer_class = make_class(parents, capacity=1)
    barrier = threading.Barrier(len(parents.parents))
    errors = []

    def ask(user, i):
        try:
            barrier.wait(timeout=10)
            enrol(actor=user, summer_class=summer_class, child_name=f"孩子{i}",
                  child_birth_date=child_born(8, summer_class.starts_on))
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=ask, args=(user, i)) for i, user in enumerate(parents.parents)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert errors == []
    statuses = sorted(Enrolment.objects.filter(summer_class=summer_class).values_list("status", flat=True))
    assert statuses == [EnrolmentStatus.ENROLLED] + [EnrolmentStatus.WAITING] * 3
