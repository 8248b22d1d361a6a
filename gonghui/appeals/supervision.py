"""Supervision orders (督办): issued by a higher level by hand, or by the periodic escalation of a missed deadline.

`appeals_escalate` opens at most one order per request, missed deadline and round (times the
request was reopened): the UniqueConstraint "one_escalation_per_breach" refuses a second even
when two runs overlap, and only the run whose insert succeeded notifies anyone.
"""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from gonghui.audit.services import audit_record
from gonghui.core.scoping import MANAGE, can
from gonghui.orgs.models import Org
from gonghui.workcalendar.calendar import add_working_time

from . import clock
from .deadlines import accept_breached_q, answer_breached_q
from .models import Action, Appeal, Breach, SupervisionOrder
from .policy import DAY, SUPERVISION_DAYS
from .services import _event, _locked, _tell_org, _text


def level_above(org: Org) -> Org:
    return org.parent or org


def may_supervise(user, appeal: Appeal) -> bool:
    """Only a level above the responsible union supervises it."""
    parent = appeal.org.parent
    return parent is not None and can(user, MANAGE, parent)


def _due(now: dt.datetime, days: int) -> dt.datetime:
    return add_working_time(now, dt.timedelta(hours=DAY * days))


@transaction.atomic
def supervision_issue(*, actor, appeal: Appeal, instruction: str, days: int = SUPERVISION_DAYS,
                      request=None) -> SupervisionOrder:
    appeal = _locked(appeal)
    if not may_supervise(actor, appeal):
        raise PermissionDenied
    errors: dict[str, str] = {}
    instruction = _text(instruction, "instruction", errors, required=True, limit=2000,
                        message=_("Please write what the union must do."))
    if not isinstance(days, int) or isinstance(days, bool) or not 1 <= days <= 30:
        errors["days"] = _("Please give between 1 and 30 working days.")
    if not appeal.is_open:
        errors["instruction"] = _("Only an open request can be supervised.")
    if errors:
        raise ValidationError(errors)
    # The issuing org is the highest org above the request that the actor manages from.
    issuer = next(o for o in Org.objects.filter(pk__in=appeal.org.ancestor_ids()[:-1]).order_by("depth")
                  if can(actor, MANAGE, o))
    now = clock.now()
    order = SupervisionOrder.objects.create(appeal=appeal, issued_by_org=issuer, issued_by=actor,
                                            instruction=instruction, due_at=_due(now, days), created_at=now)
    _event(appeal, actor=actor, action=Action.SUPERVISE, org=issuer, note=instruction)
    audit_record(actor=actor, action="appeals.supervise", target=appeal, request=request, detail={"order": order.pk})
    _tell_org(appeal.org, appeal, _("Supervision order on %(ref)s") % {"ref": appeal.reference}, instruction,
              sms=True)
    return order


def _escalate_one(appeal: Appeal, breach: str, now: dt.datetime) -> SupervisionOrder | None:
    above = level_above(appeal.org)
    instruction = (_("The acceptance deadline of %(ref)s was missed; accept it now.") if breach == Breach.ACCEPT
                   else _("The answer deadline of %(ref)s was missed; answer the worker now.")) % {
        "ref": appeal.reference}
    try:
        with transaction.atomic():
            order = SupervisionOrder.objects.create(
                appeal=appeal, issued_by_org=above, breach=breach, round=appeal.reopen_count,
                instruction=instruction, due_at=_due(now, SUPERVISION_DAYS), created_at=now)
    except IntegrityError:
        return None  # already escalated (possibly by a run overlapping this one)
    _event(appeal, actor=None, action=Action.SUPERVISE, org=above, note=instruction)
    audit_record(actor=None, action="appeals.escalate", target=appeal, detail={"order": order.pk, "breach": breach})
    _tell_org(above, appeal, _("Deadline missed: %(ref)s") % {"ref": appeal.reference}, instruction, sms=True)
    _tell_org(appeal.org, appeal, _("Supervision order on %(ref)s") % {"ref": appeal.reference}, instruction)
    return order


def appeals_escalate(*, now: dt.datetime | None = None) -> int:
    """Open a supervision order for every missed deadline not yet escalated; returns how many were opened."""
    now = now or clock.now()
    opened = 0
    for breach, condition in ((Breach.ACCEPT, accept_breached_q(now)), (Breach.ANSWER, answer_breached_q(now))):
        candidates = Appeal.objects.filter(condition).select_related("org", "org__parent").exclude(
            supervision_orders__breach=breach, supervision_orders__round=F("reopen_count"))
        for appeal in candidates.iterator(chunk_size=200):
            with transaction.atomic():
                opened += _escalate_one(appeal, breach, now) is not None
    return opened

