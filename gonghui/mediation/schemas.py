"""API shapes for mediation cases. Parties are named in full (they are the case); no IDs or mobiles."""

import datetime as dt
from decimal import Decimal

from ninja import Field, Schema

from .models import Status


class CaseFilters(Schema):
    status: Status | None = None


class CaseOut(Schema):
    id: int
    number: str
    status: str
    status_label: str = Field(..., alias="get_status_display")
    committee_id: int
    committee_name: str = Field(..., alias="committee.name")
    mediator_id: int | None
    mediator_name: str | None = Field(None, alias="mediator.name")
    worker_name: str
    employer_name: str
    category: str
    opened_at: dt.datetime
    closed_at: dt.datetime | None


class SessionOut(Schema):
    held_on: dt.date
    place: str
    attendees: str
    notes: str


class CaseDetailOut(CaseOut):
    appeal_id: int | None
    claim_summary: str
    agreement_terms: str
    agreement_amount: Decimal | None
    arbitration_advice: str
    failed_automatically: bool
    sessions: list[SessionOut]

    @staticmethod
    def resolve_sessions(obj):
        return list(obj.sessions.all())
