"""API shapes for questionnaires."""

import datetime as dt
from decimal import Decimal
from typing import Any

from ninja import Field, Schema


class QuestionnaireOut(Schema):
    id: int
    title: str
    org_name: str = Field(..., alias="org.name")
    target_org_name: str = Field(..., alias="target_org.name")
    worker_groups: list[str]
    anonymous: bool
    opens_at: dt.datetime
    closes_at: dt.datetime
    status: str
    phase: str

    @staticmethod
    def resolve_phase(obj):
        return obj.phase()


class MineOut(QuestionnaireOut):
    answered: bool


class CadreListOut(QuestionnaireOut):
    responses: int = Field(..., alias="answered")


class OptionOut(Schema):
    id: int
    label: str


class QuestionOut(Schema):
    id: int
    number: int
    kind: str
    text: str
    required: bool
    scale: int | None = Field(None, description="ratings go from 1 to this number")
    min_value: Decimal | None = None
    max_value: Decimal | None = None
    max_choices: int | None = None
    options: list[OptionOut]


class QuestionnaireDetailOut(Schema):
    id: int
    title: str
    org_name: str
    target_org_name: str
    worker_groups: list[str]
    anonymous: bool
    opens_at: dt.datetime
    closes_at: dt.datetime
    status: str
    phase: str
    answered: bool
    intro: str
    may_answer: bool
    refusal: str = Field("", description="why the caller cannot answer now, empty when they can")
    questions: list[QuestionOut]


class ResponseIn(Schema):
    answers: dict[str, Any] = Field(..., description=(
        'question id -> answer: an option id (single), a list of option ids (multiple), a whole number '
        '(rating), a number or its text (number), a text (text). Example: {"12": 40, "13": [41, 43], "14": 4}'))


class ResponseOut(Schema):
    received: bool = True
    submitted_at: dt.datetime


class ChoiceCount(Schema):
    id: int
    label: str
    count: int
    percent: Decimal
    need_recorded: bool


class RatingCount(Schema):
    value: int
    count: int
    percent: Decimal


class NumberStats(Schema):
    count: int
    min: Decimal | None
    max: Decimal | None
    mean: Decimal | None
    median: Decimal | None


class QuestionResult(Schema):
    id: int
    number: int
    kind: str
    text: str
    answered: int
    options: list[ChoiceCount] | None = None
    ratings: list[RatingCount] | None = None
    mean: Decimal | None = None
    stats: NumberStats | None = None
    texts: int | None = Field(None, description="number of written answers")


class ResultsOut(Schema):
    id: int
    title: str
    anonymous: bool
    responses: int
    eligible: int = Field(..., description="active members asked (in the groups asked)")
    rate: Decimal = Field(..., description="responses per eligible worker, in percent")
    questions: list[QuestionResult]
