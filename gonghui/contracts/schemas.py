"""API shapes for collective contracts."""

import datetime as dt

from ninja import Field, Schema

from .models import Kind, Stage


class ContractFilters(Schema):
    kind: Kind | None = None
    stage: Stage | None = None
    org_id: int | None = Field(None, description="Only contracts of this union and the unions under it")
    expiring_within: int | None = Field(None, ge=1, le=3650, description="In force and expiring within N days")
    q: str = Field("", max_length=50, description="Part of the title or of a party's name")


class ContractOut(Schema):
    id: int
    title: str
    kind: str
    kind_label: str = Field(..., alias="get_kind_display")
    stage: str
    stage_label: str = Field(..., alias="get_stage_display")
    org_id: int
    org_name: str = Field(..., alias="org.name")
    employer_id: int | None
    employer_name: str | None = Field(None, alias="employer.name")
    employer_representative: str
    covered_workers: int
    term_years: int
    signed_on: dt.date | None
    expires_on: dt.date | None
    is_expired: bool


class ClockOut(Schema):
    label: str
    due: dt.date
    done: dt.date | None
    overdue: bool
    days_left: int | None


class EventOut(Schema):
    on: dt.date
    from_stage: str
    to_stage: str
    note: str
    at: dt.datetime


class ContractDetailOut(ContractOut):
    covered_enterprise_ids: list[int]
    topic_pay: bool
    topic_rest: bool
    topic_social_insurance: bool
    topic_algorithm: bool
    offered_on: dt.date | None
    replied_on: dt.date | None
    congress_on: dt.date | None
    congress_total: int | None
    congress_present: int | None
    congress_for: int | None
    filed_on: dt.date | None
    effective_on: dt.date | None
    clocks: list[ClockOut]
    events: list[EventOut]

    @staticmethod
    def resolve_covered_enterprise_ids(obj):
        return sorted(obj.covered_enterprises.values_list("pk", flat=True))

    @staticmethod
    def resolve_clocks(obj):
        return [{**c, "label": str(c["label"])} for c in obj.clocks()]

    @staticmethod
    def resolve_events(obj):
        return list(obj.events.all())


class StepIn(Schema):
    to_stage: Stage
    on: dt.date
    note: str = Field("", max_length=2000)
    total: int | None = Field(None, description="Workers' congress: members in total")
    present: int | None = Field(None, description="Workers' congress: members present")
    votes_for: int | None = Field(None, description="Workers' congress: votes for")


class CoverageOut(Schema):
    contracts: int
    enterprises: int = Field(..., description="Enterprises covered by a contract in force, each counted once")
    workers: int = Field(..., description="Census headcount of those enterprises")
    declared_workers: int = Field(..., description="Sum of the workers each contract says it covers")
