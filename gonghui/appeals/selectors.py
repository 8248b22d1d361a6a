"""Reads of workers' requests, always scoped to the acting user (cadres through the responsible union,
workers through their own account)."""

from django.db.models import Exists, OuterRef, Q

from gonghui.core.privacy import blind_index
from gonghui.core.scoping import VIEW, gate, restrict_to_orgs
from gonghui.core.validators import check_mobile
from gonghui.members.selectors import worker_list

from . import clock
from .deadlines import at_risk_q, breached_q, deadline_states
from .models import Appeal, SupervisionOrder


class Queue:
    MINE = "mine"
    UNION = "union"
    SUBTREE = "subtree"
    AT_RISK = "at_risk"
    BREACHED = "breached"
    SUPERVISED = "supervised"
    ALL = (MINE, UNION, SUBTREE, AT_RISK, BREACHED, SUPERVISED)


def _scoped(user, action=VIEW):
    """The requests of the user's org subtrees (`restrict_to_orgs`: no "or my own", which listed a cadre's own
    request filed elsewhere in their console queue and kept the count from starting at the subtree's
    unions). A worker's own requests are `my_appeals`."""
    return restrict_to_orgs(Appeal.objects.all(), user, action).select_related("org", "worker")


def appeal_list(*, user, queue: str = Queue.SUBTREE, status: str = "", appeal_type: str = "", category: str = "",
                now=None):
    """Requests in a console queue. The scope is always the user's subtrees; the queue narrows it."""
    now = now or clock.now()
    qs = _scoped(user)
    if queue == Queue.MINE:
        qs = qs.filter(handler=user)
    elif queue == Queue.UNION:
        qs = qs.filter(org__in=user.grants.exclude(org__isnull=True).values("org"))
    elif queue == Queue.AT_RISK:
        qs = qs.filter(at_risk_q(now))
    elif queue == Queue.BREACHED:
        qs = qs.filter(breached_q(now))
    elif queue == Queue.SUPERVISED:
        open_orders = SupervisionOrder.objects.filter(appeal=OuterRef("pk"), resolved_at__isnull=True)
        qs = qs.filter(Exists(open_orders))
    if status:
        qs = qs.filter(status=status)
    if appeal_type:
        qs = qs.filter(appeal_type=appeal_type)
    if category:
        qs = qs.filter(category=category)
    return qs.order_by("answer_due", "pk")


def appeal_get(*, user, pk, action: str = VIEW) -> Appeal:
    """One request the user may see as a cadre or as its reporter; Http404 for missing and forbidden alike."""
    return gate(Appeal.objects.select_related("org", "org__parent", "worker", "handler", "merged_into", "station"),
                user, action, pk=pk)


def my_appeals(*, user):
    if not user.is_authenticated:
        return Appeal.objects.none()
    return Appeal.objects.filter(user=user).select_related("org")


def my_appeal_get(*, user, pk) -> Appeal:
    return gate(my_appeals(user=user), user, VIEW, pk=pk)


def timeline(appeal: Appeal):
    return appeal.events.select_related("actor", "org")


def return_visits(appeal: Appeal):
    return appeal.return_visits.select_related("done_by")  # the page names who made each call


def supervision_orders(appeal: Appeal):
    return appeal.supervision_orders.select_related("issued_by_org", "issued_by")


def states(appeal: Appeal, now=None) -> dict[str, str]:
    """{"accept": ..., "answer": ...}, each on_track / at_risk / breached / met."""
    return deadline_states(appeal, now or clock.now())


def hotline_lookup(*, user, mobile: str) -> tuple[list, list]:
    """The members with this mobile number (in the cadre's scope) and their earlier requests.

    Anonymous requests are left out: the operator hears the caller's number, and listing the
    anonymous requests made from it would undo the anonymity.
    """
    mobile = check_mobile(mobile)
    workers = list(worker_list(user=user, q=mobile)[:10])
    earlier = _scoped(user).filter(Q(mobile_hash=blind_index(mobile)) | Q(worker__in=workers), anonymous=False)
    return workers, list(earlier.distinct().order_by("-submitted_at")[:20])
