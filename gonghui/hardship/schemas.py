"""API shapes for the hardship files: names and resident IDs always masked, no mobile at all."""

import datetime as dt
from decimal import Decimal

from ninja import Field, Schema

from gonghui.core.privacy import mask_name

from .models import Cause, FileStatus


class FileFilters(Schema):
    status: FileStatus | None = None
    cause: Cause | None = None
    overdue: bool = Field(False, description="Only filed files not reviewed for a year")
    never_assisted: bool = Field(False, description="Only filed files that never received assistance")
    org_id: int | None = Field(None, description="Only files of this org and the orgs under it")


class FamilyMemberOut(Schema):
    name_masked: str
    relation: str
    birth_year: int
    id_masked: str
    health: str
    work_or_school: str
    left_on: dt.date | None

    @staticmethod
    def resolve_birth_year(obj) -> int:
        return obj.birth_date.year


class EventOut(Schema):
    at: dt.datetime
    from_status: str
    to_status: str


class FileOut(Schema):
    id: int
    householder_name_masked: str
    householder_id_masked: str = Field(..., alias="householder.id_masked")
    org_id: int
    org_name: str = Field(..., alias="org.name")
    status: str
    status_label: str = Field(..., alias="get_status_display")
    source: str
    main_cause: str
    secondary_causes: list[str]
    income_per_head: Decimal
    employment: str
    initial_income_per_head: Decimal
    initial_employment: str
    publicity_start: dt.date | None
    publicity_ends_at: dt.datetime | None
    filed_on: dt.date | None
    last_reviewed_on: dt.date | None
    closed_on: dt.date | None
    created_at: dt.datetime

    @staticmethod
    def resolve_householder_name_masked(obj) -> str:
        return mask_name(obj.householder.name)


class AssistanceOut(Schema):
    given_on: dt.date
    kind: str
    amount: Decimal
    giver_org_name: str = Field(..., alias="giver_org.name")


class FileDetailOut(FileOut):
    family: list[FamilyMemberOut]
    events: list[EventOut]
    assistance: list[AssistanceOut]

    @staticmethod
    def resolve_family(obj):
        return list(obj.family.all())

    @staticmethod
    def resolve_events(obj):
        return list(obj.events.all())

    @staticmethod
    def resolve_assistance(obj):
        return list(obj.assistance.select_related("giver_org"))


class ErrorOut(Schema):
    detail: str
