"""Reads of the collective contracts, always scoped to the acting user (through the union party)."""

import datetime as dt

from django.db.models import Count, Q, Sum
from django.utils import timezone

from gonghui.core.scoping import VIEW, gate, restrict
from gonghui.enterprises.models import Enterprise

from .models import Contract, ExpiryReminder, Stage


def contract_list(*, user, kind: str = "", stage: str = "", org=None, q: str = "", action: str = VIEW):
    """Contracts the user may `action` on; `org` keeps those of that union's subtree."""
    qs = restrict(Contract.objects.all(), user, action).select_related("org", "employer")
    if kind:
        qs = qs.filter(kind=kind)
    if stage:
        qs = qs.filter(stage=stage)
    if org is not None:
        qs = qs.filter(org__path__startswith=org.path)
    q = (q or "").strip()
    if q:
        qs = qs.filter(Q(title__contains=q) | Q(employer__name__contains=q) | Q(employer_representative__contains=q))
    return qs.order_by("-created_at", "-pk")


def contract_get(*, user, pk, action: str = VIEW) -> Contract:
    """One contract the user may `action` on; Http404 for missing and out-of-scope alike."""
    return gate(Contract.objects.select_related("org", "employer"), user, action, pk=pk)


def contracts_expiring(*, user, within_days: int, today: dt.date | None = None):
    """Contracts in force whose expiry falls in the next `within_days` days (today included), soonest first."""
    today = today or timezone.localdate()
    return contract_list(user=user, stage=Stage.EFFECTIVE).filter(
        expires_on__gte=today, expires_on__lte=today + dt.timedelta(days=within_days)).order_by("expires_on", "pk")


def reminder_list(*, user):
    return restrict(ExpiryReminder.objects.all(), user, VIEW).select_related("contract", "contract__org")


def coverage(*, user, org, today: dt.date | None = None) -> dict:
    """For the subtree of `org` (as far as the user may see it), the contracts in force and what they cover.

    `enterprises` counts each covered enterprise once, however many contracts cover it; `workers` is the census
    headcount of those enterprises (so nobody is counted twice); `declared_workers` adds up the workers each
    contract says it covers (a worker under a comprehensive and a wage contract counts twice there).
    """
    today = today or timezone.localdate()
    in_force = contract_list(user=user, stage=Stage.EFFECTIVE, org=org).filter(expires_on__gte=today)
    enterprises = Enterprise.objects.filter(pk__in=Contract.covered_enterprises.through.objects.filter(
        contract__in=in_force.values("pk")).values("enterprise_id"))
    covered = enterprises.order_by().aggregate(n=Count("*"), workers=Sum("headcount"))
    totals = in_force.order_by().aggregate(contracts=Count("*"), declared=Sum("covered_workers"))
    return {"contracts": totals["contracts"], "enterprises": covered["n"], "workers": covered["workers"] or 0,
            "declared_workers": totals["declared"] or 0}
