"""Time limits for workers' requests: the one table (a module constant, reviewed like code).

Limits are WORKING time on the business calendar (gonghui.workcalendar): with the default
working hours a working day is 7 hours (09:00–12:00, 13:30–17:30). The answer clock starts when
the request is filed and stops while the union waits for the worker (waiting_for_worker).
"""

import datetime as dt

from .models import AppealType, Difficulty

DAY = 7  # working hours in one working day under the default periods

# Acceptance (受理) by difficulty: one working day; urgent matters within two working hours.
ACCEPT_HOURS = {
    Difficulty.GENERAL: DAY,
    Difficulty.DIFFICULT: DAY,
    Difficulty.COMPLEX: DAY,
    Difficulty.URGENT: 2,
}

# Answer (办结答复) by type, in working days, for a general request.
ANSWER_DAYS = {
    AppealType.CONSULTATION: 3,
    AppealType.HELP: 5,
    AppealType.COMPLAINT: 10,
    AppealType.LEGAL_AID: 10,
    AppealType.SUGGESTION: 10,
}
# Harder requests get more time; an urgent one must be answered within one working day whatever its type.
ANSWER_FACTOR = {Difficulty.GENERAL: 1, Difficulty.DIFFICULT: 2, Difficulty.COMPLEX: 3}
URGENT_ANSWER_DAYS = 1

# A deadline is "at risk" once this share of its working time is used up.
AT_RISK_SHARE = 0.75

# A supervision order (督办) gives the responsible union this many working days.
SUPERVISION_DAYS = 3

TIME_LIMITS: dict[tuple[str, str], tuple[dt.timedelta, dt.timedelta]] = {
    (kind, level): (
        dt.timedelta(hours=ACCEPT_HOURS[level]),
        dt.timedelta(hours=DAY * (URGENT_ANSWER_DAYS if level == Difficulty.URGENT
                                  else ANSWER_DAYS[kind] * ANSWER_FACTOR[level])),
    )
    for kind in AppealType.values for level in Difficulty.values
}


def time_limits(appeal_type: str, difficulty: str) -> tuple[dt.timedelta, dt.timedelta]:
    """(acceptance budget, answer budget) in working time."""
    return TIME_LIMITS[(appeal_type, difficulty)]
