"""Reads of campaigns, applications and payments, always scoped to the acting user."""

from django.db.models import Count, Q, Sum
from django.http import Http404
from django.utils import timezone

from gonghui.core.scoping import APPROVE, EXPORT, MANAGE, VIEW, can, gate, restrict
from gonghui.hardship import selectors as hardship_registry
from gonghui.members.models import Membership, MembershipStatus, Worker
from gonghui.members.selectors import my_active_membership

from .models import Application, Campaign, Payment, PaymentBatch, Status


def lineage(path: str) -> list[str]:
    """The paths of an org and all its ancestors: "/1/4/" -> ["/1/", "/1/4/"]."""
    parts = [p for p in path.strip("/").split("/") if p]
    return ["/" + "/".join(parts[:i]) + "/" for i in range(1, len(parts) + 1)]


def hardship_file_on_record(worker: Worker) -> bool:
    """A filed hardship file (困难职工档案) in Gonghui's own registry (gonghui.hardship)."""
    return hardship_registry.hardship_file_exists(worker)


def hardship_file_exists(worker: Worker, *, declared: bool) -> bool:
    """Whether the worker may apply in a category for families with a hardship file: one on record here, or
    one the worker declares (kept by another system, say), which the reviewing cadre then confirms."""
    return bool(declared) or hardship_file_on_record(worker)


def campaigns_covering(user):
    """Campaigns a cadre may see: those of orgs in their scope and those of orgs above them (a
    district campaign covers their streets too)."""
    if not user.is_authenticated:
        return Campaign.objects.none()
    paths = user.scope_paths(VIEW)
    q = Q(pk__in=restrict(Campaign.objects.all(), user, VIEW).values("pk"))
    for path in paths:
        q |= Q(org__path__in=lineage(path))
    return Campaign.objects.filter(q).select_related("org").order_by("-opens_on", "-pk")


def campaign_get(*, user, pk) -> Campaign:
    """A campaign covering the user's area; Http404 for missing and foreign alike."""
    campaign = campaigns_covering(user).filter(pk=pk).first()
    if campaign is None:
        raise Http404
    return campaign


def campaign_manage_get(*, user, pk) -> Campaign:
    """A campaign the user organises (MANAGE on its org): lottery, batches, exports."""
    return gate(Campaign.objects.select_related("org"), user, MANAGE, pk=pk)


def batch_export_get(*, user, pk) -> PaymentBatch:
    """A payment batch whose campaign the user may export; Http404 for missing and foreign alike,
    so a cadre elsewhere cannot learn which batch numbers exist."""
    batch = PaymentBatch.objects.select_related("campaign__org").filter(pk=pk).first()
    if batch is None or not can(user, EXPORT, batch.campaign.org):
        raise Http404
    return batch


def active_membership_in(worker: Worker, campaign: Campaign) -> Membership | None:
    return (Membership.objects.select_related("org")
            .filter(worker=worker, status=MembershipStatus.ACTIVE, org__path__startswith=campaign.org.path)
            .first())


def open_campaigns_for(user):
    """Open campaigns covering the worker's active union (for the portal and the API)."""
    membership = my_active_membership(user)
    if membership is None:
        return Campaign.objects.none()
    today = timezone.localdate()
    return (Campaign.objects.filter(org__path__in=lineage(membership.org.path), opens_on__lte=today,
                                    closes_on__gte=today)
            .select_related("org").prefetch_related("categories").order_by("closes_on", "pk"))


def my_applications(user):
    if not user.is_authenticated:
        return Application.objects.none()
    return (Application.objects.filter(worker__user=user)
            .select_related("campaign", "category", "payment").order_by("-submitted_at", "-pk"))


def application_queue(*, user, campaign: Campaign, status: str = ""):
    qs = (restrict(Application.objects.filter(campaign=campaign), user, APPROVE)
          .select_related("worker", "org", "category", "payment").order_by("submitted_at", "pk"))
    return qs.filter(status=status) if status else qs


def application_get(*, user, pk, action: str = APPROVE) -> Application:
    return gate(Application.objects.select_related("worker", "org", "category", "campaign", "campaign__org"),
                user, action, pk=pk)


def approved_total(campaign: Campaign):
    total = Application.objects.filter(campaign=campaign, status=Status.APPROVED).aggregate(s=Sum("grant_amount"))
    return total["s"] or 0


def publicity_list(*, user, campaign: Campaign):
    """The approved beneficiaries (公示) the user may see; the template shows names and IDs masked."""
    return (restrict(Application.objects.filter(campaign=campaign, status=Status.APPROVED), user, VIEW)
            .select_related("worker", "org", "category").order_by("org__path", "pk"))


def batches_of(campaign: Campaign):
    return PaymentBatch.objects.filter(campaign=campaign).annotate(n_payments=Count("payments"))


def payments_of(batch: PaymentBatch):
    return Payment.objects.filter(batch=batch).select_related("application__worker", "application__org")


def payment_of(application: Application) -> Payment | None:
    return Payment.objects.filter(application=application).select_related("batch").first()
