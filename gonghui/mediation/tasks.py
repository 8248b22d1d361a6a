"""Mediation past its 15-day limit without agreement fails, with the standard arbitration advice."""

from celery import shared_task


@shared_task(name="mediation.fail_overdue")
def fail_overdue() -> int:
    from .services import cases_fail_overdue

    return cases_fail_overdue()
