from gonghui.core.scoping import APPROVE, VIEW, gate, restrict

from .models import Membership, MembershipStatus, Worker
from .search import name_search


def worker_list(*, user, q: str = "", employment_form: str = "", org=None, status: str = ""):
    qs = restrict(Worker.objects.all(), user, VIEW).select_related("org", "employer")
    if q:
        qs = name_search(qs, q) if not q.isdigit() else qs.filter(mobile=q)
    if employment_form:
        qs = qs.filter(employment_form=employment_form)
    if org is not None:
        qs = qs.filter(org__path__startswith=org.path)
    if status:
        qs = qs.filter(memberships__status=status)
    return qs


def worker_get(*, user, pk, action: str = VIEW) -> Worker:
    return gate(Worker.objects.select_related("org", "employer", "street"), user, action, pk=pk)


def application_queue(*, user):
    """Applications and transfers waiting for a decision by the user's unions."""
    return (
        restrict(Membership.objects.all(), user, APPROVE)
        .filter(status=MembershipStatus.PENDING)
        .select_related("worker", "org", "transfer_from__org")
        .order_by("applied_at")
    )


def membership_get(*, user, pk, action: str = VIEW) -> Membership:
    return gate(Membership.objects.select_related("worker", "org"), user, action, pk=pk)


def my_worker(user) -> Worker | None:
    if not user.is_authenticated:
        return None
    return Worker.objects.filter(user=user).first()


def my_active_membership(user) -> Membership | None:
    if not user.is_authenticated:
        return None
    return (
        Membership.objects.select_related("org", "worker")
        .filter(worker__user=user, status=MembershipStatus.ACTIVE)
        .first()
    )


def my_memberships(user):
    return Membership.objects.select_related("org", "transfer_from__org").filter(worker__user=user)
