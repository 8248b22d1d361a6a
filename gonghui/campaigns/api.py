"""/api/v1/campaigns: the open aid campaigns a worker may apply to, applying, and my applications.

The same services and selectors as the portal pages; the full bank account is accepted, stored
encrypted and only ever returned masked.
"""

from django.shortcuts import get_object_or_404
from ninja import Router, Status

from gonghui.core.api import api_field_names

from .models import Campaign
from .schemas import ApplicationIn, ApplicationOut, CampaignOut
from .selectors import my_applications, open_campaigns_for
from .services import application_submit

router = Router(tags=["aid campaigns"])


@router.get("", response=list[CampaignOut])
def open_campaign_list_api(request):
    """Campaigns open today that cover the caller's union (empty for non-members)."""
    return list(open_campaigns_for(request.auth))


@router.get("/my-applications", response=list[ApplicationOut])
def my_application_list_api(request):
    return list(my_applications(request.auth))


@router.post("/{int:campaign_id}/applications", response={201: ApplicationOut})
def application_submit_api(request, campaign_id: int, payload: ApplicationIn):
    """Apply once to a campaign; a second application, a closed window or bad input answers 422."""
    campaign = get_object_or_404(Campaign, pk=campaign_id)
    data = payload.dict()
    with api_field_names(category="category_id"):
        application = application_submit(actor=request.auth, campaign=campaign, category=data.pop("category_id"),
                                          request=request, **data)
    return Status(201, application)
