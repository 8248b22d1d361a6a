from celery import shared_task


@shared_task(name="appeals.escalate")
def escalate_breaches() -> int:
    """Every few minutes (CELERY_BEAT_SCHEDULE): escalate missed deadlines to the level above, once each."""
    from .supervision import appeals_escalate

    return appeals_escalate()
