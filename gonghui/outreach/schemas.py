"""API shapes for the establishment plans (一企一策).

The enterprise is shown by its name and credit code (not personal data). People appear by username
only, as in the console's visit and history tables. Free text (visit notes, event notes, next step, reason for
declining) is shown as the console shows it, except that anything looking like a mobile or resident
ID number typed into it comes out masked.
"""

import datetime as dt

from ninja import Field, Schema

from gonghui.core.privacy import mask_numbers

from .models import Answer, Concern, Stage


def _username(user) -> str | None:
    return user.username if user is not None else None


class PlanFilters(Schema):
    stage: Stage | None = None
    street_id: int | None = Field(None, description="Only plans of enterprises in this street/town")
    demonstration: bool | None = Field(None, description="Only demonstration enterprises (true) or the others (false)")
    mine: bool = Field(False, description="Only plans whose union commissioner is the caller")
    commissioner_id: int | None = Field(None, description="Only plans with this union commissioner")


class PlanEnterpriseOut(Schema):
    id: int
    name: str
    credit_code: str
    industry: str
    industry_label: str = Field(..., alias="get_industry_display")
    headcount: int


class PlanOrgOut(Schema):
    id: int
    name: str


class PlanOut(Schema):
    id: int
    enterprise: PlanEnterpriseOut
    street: PlanOrgOut = Field(..., alias="enterprise.street")
    stage: str
    stage_label: str = Field(..., alias="get_stage_display")
    commissioner_username: str | None
    last_visit_on: dt.date | None = Field(None, description="Date of the latest visit")
    next_step: str
    target_date: dt.date | None
    demonstration: bool
    updated_at: dt.datetime

    @staticmethod
    def resolve_commissioner_username(obj) -> str | None:
        return _username(obj.commissioner)

    @staticmethod
    def resolve_next_step(obj) -> str:
        return mask_numbers(obj.next_step)


class PlanVisitOut(Schema):
    id: int
    visited_on: dt.date
    commissioner_username: str | None
    concerns: list[str]
    concern_labels: list[str]
    answer: str
    answer_label: str = Field(..., alias="get_answer_display")
    notes: str

    @staticmethod
    def resolve_commissioner_username(obj) -> str | None:
        return _username(obj.commissioner)

    @staticmethod
    def resolve_concern_labels(obj) -> list[str]:
        return obj.concern_labels()

    @staticmethod
    def resolve_notes(obj) -> str:
        return mask_numbers(obj.notes)


class PlanEventOut(Schema):
    at: dt.datetime
    actor_username: str | None
    from_stage: str
    from_stage_label: str = Field(..., alias="get_from_stage_display")
    to_stage: str
    to_stage_label: str = Field(..., alias="get_to_stage_display")
    note: str

    @staticmethod
    def resolve_actor_username(obj) -> str | None:
        return _username(obj.actor)

    @staticmethod
    def resolve_note(obj) -> str:
        return mask_numbers(obj.note)


class PlanDetailOut(PlanOut):
    declined_reason: str
    union: PlanOrgOut | None = Field(None, alias="enterprise.union", description="The union covering the enterprise")
    allowed_stages: list[str] = Field(..., description="The stages this plan may move to next")
    visits: list[PlanVisitOut]
    events: list[PlanEventOut] = Field(..., description="Stage history, newest first")
    may_manage: bool = Field(False, description="Whether the caller may record visits and move the stage")

    @staticmethod
    def resolve_declined_reason(obj) -> str:
        return mask_numbers(obj.declined_reason)

    @staticmethod
    def resolve_allowed_stages(obj) -> list[str]:
        return [str(s) for s in obj.allowed_stages()]

    @staticmethod
    def resolve_visits(obj):
        return list(obj.visits.select_related("commissioner"))

    @staticmethod
    def resolve_events(obj):
        return list(obj.events.select_related("actor"))

    @staticmethod
    def resolve_last_visit_on(obj) -> dt.date | None:
        return obj.visits.order_by("-visited_on").values_list("visited_on", flat=True).first()


class PlanVisitIn(Schema):
    visited_on: dt.date
    answer: Answer
    concerns: list[Concern] = Field(default_factory=list)
    notes: str = Field("", max_length=4000)
    commissioner_id: int | None = Field(
        None, description="The union commissioner who visited; left out: the plan's commissioner, null: nobody")


class PlanStageIn(Schema):
    to_stage: Stage
    note: str = Field("", max_length=2000)
    reason: str = Field("", max_length=2000, description="Required when the enterprise declines")
    union_name: str = Field("", max_length=120, description="When established: the new grassroots union's name")
    chair_name: str = Field("", max_length=50, description="When established: the union chair")
    founded_on: dt.date | None = Field(None, description="When established: the founding date")
