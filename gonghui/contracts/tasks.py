from celery import shared_task


@shared_task(name="contracts.daily", ignore_result=True)
def contracts_daily() -> dict:
    """Put filed contracts in force once their review period passed, and make the expiry reminders.

    Both steps are idempotent, so a missed or repeated run does no harm.
    """
    from .services import contracts_bring_into_force, reminders_create

    return {"in_force": contracts_bring_into_force(), "reminders": len(reminders_create())}
