"""API shapes for workers' requests. An anonymous reporter's name and mobile never leave the server;
other reporters appear masked."""

import datetime as dt
from typing import Literal

from ninja import Field, Schema

from . import selectors
from .models import AppealType, Category, Difficulty, Status


class AppealIn(Schema):
    appeal_type: AppealType
    category: Category
    description: str = Field(..., max_length=2000)
    difficulty: Difficulty = Difficulty.GENERAL
    mobile: str = Field("", max_length=11, description="The reporter's verified mobile (platforms and stations)")
    contact_name: str = Field("", max_length=50)
    anonymous: bool = False
    do_not_share: bool = Field(False, description="Do not share with the worker's workplace union")
    station_id: int | None = Field(None, description="The station (an org) where the request was made")
    client_key: str | None = Field(None, max_length=64, description="Idempotency key: a retry returns the same request")


class AppealFilters(Schema):
    queue: Literal["mine", "union", "subtree", "at_risk", "breached", "supervised"] = "subtree"
    status: Status | None = None
    appeal_type: AppealType | None = None
    category: Category | None = None


class AppealOut(Schema):
    id: int
    reference: str
    channel: str
    appeal_type: str
    category: str
    difficulty: str
    status: str
    status_label: str = Field(..., alias="get_status_display")
    description: str
    org_id: int
    org_name: str = Field(..., alias="org.name")
    do_not_share: bool
    anonymous: bool
    reporter: str
    mobile_masked: str
    submitted_at: dt.datetime
    accept_due: dt.datetime
    answer_due: dt.datetime
    accept_state: str
    answer_state: str
    answer: str
    rating: str

    @staticmethod
    def resolve_reporter(obj) -> str:
        return obj.reporter_for_cadre()

    @staticmethod
    def resolve_mobile_masked(obj) -> str:
        return obj.mobile_for_cadre()

    @staticmethod
    def resolve_accept_state(obj) -> str:
        return str(selectors.states(obj)["accept"].value)

    @staticmethod
    def resolve_answer_state(obj) -> str:
        return str(selectors.states(obj)["answer"].value)
