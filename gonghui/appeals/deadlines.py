"""Deadlines on the working calendar and their state (on track / at risk / breached / met)."""

import datetime as dt

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gonghui.workcalendar.calendar import add_working_time, deadline_with_pauses

from .models import Appeal, Status
from .policy import AT_RISK_SHARE, time_limits


class DeadlineState(models.TextChoices):
    ON_TRACK = "on_track", _("On track")
    AT_RISK = "at_risk", _("At risk")
    BREACHED = "breached", _("Breached")
    MET = "met", _("Met")


def set_accept_deadline(appeal: Appeal) -> None:
    budget, _answer = time_limits(appeal.appeal_type, appeal.difficulty)
    appeal.accept_due = add_working_time(appeal.submitted_at, budget)
    appeal.accept_warn_at = add_working_time(appeal.submitted_at, budget * AT_RISK_SHARE)


def set_answer_deadline(appeal: Appeal, pauses: list[tuple[dt.datetime, dt.datetime]]) -> None:
    """The answer deadline from the clock start, not counting the (closed) pauses."""
    _accept, budget = time_limits(appeal.appeal_type, appeal.difficulty)
    appeal.answer_due = deadline_with_pauses(appeal.answer_clock_from, budget, pauses)
    appeal.answer_warn_at = deadline_with_pauses(appeal.answer_clock_from, budget * AT_RISK_SHARE, pauses)


def _state(due, warn_at, done_at, now) -> str:
    if done_at is not None:
        return DeadlineState.MET if done_at <= due else DeadlineState.BREACHED
    if now > due:
        return DeadlineState.BREACHED
    return DeadlineState.AT_RISK if now >= warn_at else DeadlineState.ON_TRACK


def deadline_states(appeal: Appeal, now: dt.datetime) -> dict[str, str]:
    """{"accept": state, "answer": state}. While the clock is paused it stands at the moment it stopped."""
    merged_at = appeal.closed_at if appeal.merged_into_id else None
    accepted = appeal.accepted_at or merged_at
    answered = None
    if appeal.status in (Status.ANSWERED, Status.RATED, Status.CLOSED):
        answered = appeal.answered_at or appeal.closed_at
    clock = appeal.paused_since or now
    return {
        "accept": _state(appeal.accept_due, appeal.accept_warn_at, accepted, now),
        "answer": _state(appeal.answer_due, appeal.answer_warn_at, answered, clock),
    }


# The same rules as database filters, for the queues.
_ACCEPT_PENDING = Q(status=Status.SUBMITTED, accepted_at__isnull=True)
_ANSWER_RUNNING = Q(status__in=[Status.SUBMITTED, Status.ACCEPTED, Status.IN_PROGRESS])


def accept_breached_q(now) -> Q:
    return _ACCEPT_PENDING & Q(accept_due__lt=now)


def answer_breached_q(now) -> Q:
    return (_ANSWER_RUNNING & Q(answer_due__lt=now)) | Q(status=Status.WAITING,
                                                         paused_since__gt=models.F("answer_due"))


def breached_q(now) -> Q:
    return accept_breached_q(now) | answer_breached_q(now)


def at_risk_q(now) -> Q:
    warned = (_ACCEPT_PENDING & Q(accept_warn_at__lte=now)) | (_ANSWER_RUNNING & Q(answer_warn_at__lte=now)) | Q(
        status=Status.WAITING, paused_since__gte=models.F("answer_warn_at"))
    return warned & ~breached_q(now)
