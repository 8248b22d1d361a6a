"""Cadres of several projects committing the same resource at the same moment never commit more than its
capacity: the resource row is locked for the check and the write (real threads, own connections)."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from gonghui.campaigns.retry import retry_on_lock
from gonghui.campaigns.tests.test_concurrency import wait_for_room
from gonghui.needs import services
from gonghui.needs.models import ProjectResource

from .conftest import make_project, make_resource

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.xdist_group("many_connections")]


def test_ten_projects_racing_for_three_places_get_three(district):
    venue = make_resource(district, capacity=3)
    projects = [make_project(district, title=f"驿站项目{i}") for i in range(10)]

    # SQLite's in-memory test database fails a waiting writer at once ("table is locked") where a file
    # database waits out its busy timeout; the retry stands in for that wait, and redoes the whole write.
    commit = retry_on_lock(services.resource_commit)

    wait_for_room(10)
    barrier = threading.Barrier(10)
    outcomes: list = [None] * 10

    def cadre(i):
        try:
            connection.ensure_connection()  # connected before the start, so the ten writes truly overlap
            barrier.wait()
            commit(actor=district.district, project=projects[i], resource=venue, quantity=1)
            outcomes[i] = "ok"
        except ValidationError as exc:
            outcomes[i] = "refused:" + ",".join(sorted(exc.message_dict))
        except Exception as exc:  # noqa: BLE001 - any other failure must show in the assertion
            outcomes[i] = repr(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=cadre, args=(i,)) for i in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == ["ok"] * 3 + ["refused:quantity"] * 7, outcomes
    assert sum(ProjectResource.objects.filter(resource=venue).values_list("quantity", flat=True)) == 3
