from celery import shared_task


@shared_task(name="campaigns.precheck_nightly", ignore_result=True)
def precheck_nightly() -> None:
    """Re-check the undecided applications of every campaign that has some (gonghui.campaigns.recheck):
    memberships end and hardship files are filed or closed after people apply."""
    from .models import Campaign, Status
    from .recheck import campaign_precheck_all

    for campaign in Campaign.objects.filter(applications__status=Status.SUBMITTED).distinct():
        campaign_precheck_all(campaign=campaign)
