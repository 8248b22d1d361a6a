from celery import shared_task


@shared_task(name="cockpit.snapshot_month", ignore_result=True)
def snapshot_month() -> None:
    """The month just ended, from the tallies (gonghui.cockpit.snapshots); safe to run twice."""
    from .snapshots import snapshots_take

    snapshots_take()
