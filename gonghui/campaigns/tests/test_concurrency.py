"""Real threads, each with its own database connection and its own transactions.

On PostgreSQL the campaign row lock serialises approvals and payments; on SQLite the IMMEDIATE
transaction holds the one write lock, and a lock error is retried (gonghui.campaigns.retry). Either
way the database constraints are the last word: one payment per grant, one idempotency key.
"""

import threading
import time
from collections import Counter
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from gonghui.campaigns.models import Application, Payment, Status
from gonghui.campaigns.selectors import approved_total
from gonghui.campaigns.services import application_approve, payment_make

from .conftest import apply, make_campaign, member

# One xdist group for every test that opens dozens of connections at once (`make test` distributes by
# group): two of them at the same moment on two workers could exhaust PostgreSQL's 100 connections.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.xdist_group("many_connections")]


def wait_for_room(n: int, timeout: float = 30.0) -> None:
    """On PostgreSQL, wait until the server has room for `n` more connections.

    A closed connection's server process takes a moment to exit and still counts against
    max_connections meanwhile: two 50-thread tests in a row (and the other test worker's connections)
    reached "too many clients" on a clean CI run. Waiting here keeps the 50 threads truly concurrent.
    """
    if connection.vendor != "postgresql":
        return
    deadline = time.monotonic() + timeout
    with connection.cursor() as cur:
        cur.execute("SELECT current_setting('max_connections')::int "
                    "- current_setting('superuser_reserved_connections')::int")
        limit = cur.fetchone()[0]
        while True:
            cur.execute("SELECT count(*) FROM pg_stat_activity")
            if cur.fetchone()[0] + n + 5 <= limit or time.monotonic() > deadline:
                return
            time.sleep(0.1)


def run_threads(n: int, work) -> list:
    """Start n threads together; each returns ("ok", value) or ("refused", field) or ("error", repr)."""
    wait_for_room(n)
    barrier = threading.Barrier(n)
    results: list = [None] * n

    def target(i):
        try:
            barrier.wait()
            results[i] = ("ok", work(i))
        except ValidationError as exc:
            results[i] = ("refused", ",".join(sorted(exc.message_dict)))
        except Exception as exc:  # noqa: BLE001 - any other failure must show up in the assertion
            results[i] = ("error", repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=target, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(t.is_alive() for t in threads)
    return results


def test_fifty_threads_approving_and_paying_one_grant_leave_one_payment(district):
    campaign = make_campaign(district)
    application = apply(district.worker1_user, campaign)

    def approve_and_pay(i):
        try:
            application_approve(actor=district.grassroots1, application=application)
        except ValidationError as exc:
            assert "status" in exc.message_dict  # already approved by another thread
        return payment_make(actor=district.grassroots1, application=application,
                            idempotency_key=f"thread-pay-{i:04d}").pk

    results = run_threads(50, approve_and_pay)
    assert [r for r in results if r[0] == "error"] == []
    outcomes = Counter(r[0] for r in results)
    assert outcomes == {"ok": 1, "refused": 49}
    assert {r[1] for r in results if r[0] == "refused"} == {"application"}
    assert Payment.objects.filter(application=application).count() == 1
    application.refresh_from_db()
    assert application.status == Status.APPROVED and application.events.count() == 2


def test_fifty_retries_with_one_key_return_the_same_payment(district):
    campaign = make_campaign(district)
    application = apply(district.worker1_user, campaign)
    application_approve(actor=district.grassroots1, application=application)

    results = run_threads(50, lambda i: payment_make(actor=district.grassroots1, application=application,
                                                     idempotency_key="phone-retry-0001").pk)
    assert [r for r in results if r[0] != "ok"] == []
    assert len({r[1] for r in results}) == 1
    assert Payment.objects.get().pk == results[0][1]


def test_concurrent_approvals_of_different_applications_never_exceed_the_budget(district):
    campaign = make_campaign(district, title="并发预算", budget="3500")
    applications = [apply(member(district, n), campaign) for n in range(12)]

    results = run_threads(len(applications), lambda i: application_approve(
        actor=district.district, application=applications[i]).pk)
    assert [r for r in results if r[0] == "error"] == []
    assert Counter(r[0] for r in results) == {"ok": 3, "refused": 9}
    assert {r[1] for r in results if r[0] == "refused"} == {"budget"}
    assert Application.objects.filter(campaign=campaign, status=Status.APPROVED).count() == 3
    assert approved_total(campaign) == Decimal("3000") <= campaign.budget


def test_twenty_simultaneous_submissions_of_one_worker_keep_one_application(district):
    campaign = make_campaign(district)
    results = run_threads(20, lambda i: apply(district.worker1_user, campaign, child_age=14 + i % 5).pk)
    assert [r for r in results if r[0] == "error"] == []
    assert Counter(r[0] for r in results) == {"ok": 1, "refused": 19}
    assert {r[1] for r in results if r[0] == "refused"} == {"campaign"}
    assert Application.objects.filter(campaign=campaign).count() == 1


def test_sqlite_writers_take_the_write_lock_at_begin():
    """The budget check relies on this on SQLite, where SELECT ... FOR UPDATE does nothing: an IMMEDIATE
    transaction holds the database's one write lock from BEGIN, so two approvals cannot interleave."""
    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL locks the campaign row instead")
    assert connection.settings_dict["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert connection.settings_dict["OPTIONS"]["timeout"] >= 5
