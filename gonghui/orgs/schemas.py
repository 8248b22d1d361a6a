"""API shapes for the org tree. Field validators reuse core.validators, so messages match the forms."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import Field, Schema
from pydantic import field_validator

from gonghui.core.choices import EmploymentForm, Industry
from gonghui.core.validators import check_credit_code

from .models import JointArea, OrgKind, OrgStatus


def credit_code_or_none(value: str | None) -> str | None:
    """A blank union credit code means "none"; anything else must pass GB 32100."""
    if value is None or not value.strip():
        return None
    try:
        return check_credit_code(value)
    except ValidationError as exc:
        raise ValueError(str(exc.messages[0])) from None


def choice_or_blank(value: str, choices) -> str:
    value = (value or "").strip()
    if value and value not in choices.values:
        raise ValueError(_("Please choose one of the allowed values."))
    return value


class OrgOut(Schema):
    id: int
    name: str
    kind: str
    kind_label: str = Field(..., alias="get_kind_display")
    parent_id: int | None
    street_id: int | None
    path: str
    depth: int
    status: str
    chair_name: str
    founded_on: dt.date | None
    credit_code: str | None
    address: str
    joint_area: str
    industry: str
    serves_forms: list[str]


class OrgFilters(Schema):
    kind: OrgKind | None = None
    q: str = Field("", max_length=50, description="Part of the name")


class OrgFields(Schema):
    """The editable fields shared by create and update."""

    chair_name: str = Field("", max_length=50)
    founded_on: dt.date | None = None
    credit_code: str | None = Field(None, description="Union credit code (GB 32100, usually starting with 81)")
    address: str = Field("", max_length=200)
    joint_area: str = Field("", description="Only for joint unions: business_district, park, building, community")
    industry: str = Field("", description="GB/T 4754 section letter, for industry unions")
    serves_forms: list[EmploymentForm] = Field(
        default_factory=list, description="Employment forms this union takes in directly"
    )

    @field_validator("credit_code")
    @classmethod
    def _credit_code(cls, value):
        return credit_code_or_none(value)

    @field_validator("joint_area")
    @classmethod
    def _joint_area(cls, value):
        return choice_or_blank(value, JointArea)

    @field_validator("industry")
    @classmethod
    def _industry(cls, value):
        return choice_or_blank(value, Industry)


class OrgIn(OrgFields):
    parent_id: int
    name: str = Field(..., min_length=1, max_length=120)
    kind: OrgKind


class OrgPatch(OrgFields):
    """Send only the fields to change."""

    name: str = Field(None, min_length=1, max_length=120)
    status: OrgStatus = None


class UnionOut(Schema):
    """Public facts about a union a worker can join."""

    id: int
    name: str
    kind: str
    kind_label: str = Field(..., alias="get_kind_display")
    street_id: int | None
    address: str
    serves_forms: list[str]


class UnionSuggestQuery(Schema):
    employment_form: EmploymentForm
    street_id: int | None = None
    employer_credit_code: str = ""

    @field_validator("employer_credit_code")
    @classmethod
    def _employer(cls, value):
        return credit_code_or_none(value) or ""
