"""Reads of mediation, scoped to the acting user: cadres through the committee's org subtree,
a mediator through the cases assigned to them (and nothing else)."""

import datetime as dt

from django.db.models import Q
from django.http import Http404
from django.utils import timezone

from gonghui.core.scoping import MANAGE, VIEW, restrict, scope_q

from .models import MEDIATION_DAYS, OPEN_STATUSES, MediationCase, MediationCommittee, Mediator

CASE_RELATED = ("committee", "committee__org", "mediator", "mediator__user", "appeal")


def is_mediator(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active
                and Mediator.objects.filter(user=user, active=True).exists())


def committee_list(*, user, action: str = VIEW):
    return restrict(MediationCommittee.objects.select_related("org"), user, action).order_by("org__path", "name")


def mediator_list(*, user, action: str = VIEW, committee=None):
    qs = restrict(Mediator.objects.select_related("committee", "user"), user, action)
    if committee is not None:
        qs = qs.filter(committee=committee)
    return qs.order_by("committee__name", "name", "pk")


def case_list(*, user, status: str = "", action: str = VIEW):
    """The cases of the committees in the user's org subtrees (the cadre's view)."""
    qs = restrict(MediationCase.objects.select_related(*CASE_RELATED), user, action)
    return qs.filter(status=status) if status else qs


def my_cases(*, user, status: str = ""):
    """The cases assigned to the user as an active mediator, and only those."""
    if not (user and user.is_authenticated and user.is_active):
        return MediationCase.objects.none()
    qs = MediationCase.objects.select_related(*CASE_RELATED).filter(mediator__user=user, mediator__active=True)
    return qs.filter(status=status) if status else qs


def _reachable_q(user, action: str) -> Q:
    mine = Q(mediator__user=user, mediator__active=True)
    scoped = scope_q(MediationCase, user.scope_paths(action), user, action)
    return mine | scoped if scoped is not None else mine


def case_get(*, user, pk, action: str = VIEW) -> MediationCase:
    """One case the user may see (or act on): in their org scope or assigned to them; 404 otherwise."""
    if not (user and user.is_authenticated and user.is_active):
        raise Http404
    try:
        return MediationCase.objects.select_related(*CASE_RELATED).filter(_reachable_q(user, action)).get(pk=pk)
    except (MediationCase.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def overdue_cases(now: dt.datetime | None = None):
    """Open cases opened more than 15 days ago (not scoped: for the periodic job)."""
    now = now or timezone.now()
    return MediationCase.objects.filter(status__in=OPEN_STATUSES,
                                        opened_at__lte=now - dt.timedelta(days=MEDIATION_DAYS)).order_by("pk")


def may_manage_case(user, case: MediationCase) -> bool:
    """Cadres managing the committee's org, for assignment and opening."""
    return restrict(MediationCase.objects.filter(pk=case.pk), user, MANAGE).exists()


def may_mediate(user, case: MediationCase) -> bool:
    """The assigned mediator, or a cadre managing the committee: sessions, agreement, failure."""
    return bool(case.mediator_id and case.mediator.user_id == user.pk and case.mediator.active) \
        or may_manage_case(user, case)


def case_reachable(*, user, status: str = ""):
    """Every case the user may see: in their org scope as a cadre, or assigned to them as a mediator."""
    if not (user and user.is_authenticated and user.is_active):
        return MediationCase.objects.none()
    qs = MediationCase.objects.select_related(*CASE_RELATED).filter(_reachable_q(user, VIEW))
    return qs.filter(status=status) if status else qs
