"""A double tap from two tabs: two submissions of the same worker at the same moment leave one response.

The friendly "already answered" check cannot see the other transaction's uncommitted row; the database's
UNIQUE (questionnaire, respondent_key) makes the second insert wait and fail, and the service turns that
into the same message."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from gonghui.surveys import services
from gonghui.surveys.models import Answer, Response

from .conftest import good_answers, published, rider

POSTGRES = connection.vendor == "postgresql"


@pytest.mark.xdist_group("many_connections")
@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_submissions_leave_one_response(district):
    questionnaire = published(district)
    worker = rider(district)
    answers = good_answers(questionnaire)
    barrier = threading.Barrier(2)
    outcomes, errors = [], []

    def submit():
        try:
            barrier.wait(timeout=10)
            services.response_submit(worker=worker, questionnaire=questionnaire, answers=answers)
            outcomes.append("ok")
        except ValidationError as exc:
            outcomes.append("already" if services.is_already_answered(exc) else repr(exc))
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    if POSTGRES:
        assert errors == []
        assert sorted(outcomes) == ["already", "ok"]
    else:
        # The SQLite test database is in memory with a shared cache, whose table locks fail at once instead of
        # waiting: the loser may see "table is locked" rather than the constraint. Still exactly one answer.
        assert outcomes.count("ok") == 1
        assert all("locked" in str(e) for e in errors) and len(outcomes) + len(errors) == 2
    assert Response.objects.filter(questionnaire=questionnaire).count() == 1
    assert Answer.objects.filter(response__questionnaire=questionnaire).count() == 5
