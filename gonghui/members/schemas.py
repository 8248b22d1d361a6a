"""API shapes for workers, memberships, applications and the card.

Resident IDs leave the server masked (`id_masked`) and mobiles masked (`mobile_masked`) in every
shape here; the one full number is the answer of the audited reveal endpoint.
"""

import datetime as dt

from django.core.exceptions import ValidationError
from ninja import Field, Schema
from pydantic import field_validator

from gonghui.core.choices import EmploymentForm
from gonghui.core.privacy import mask_mobile
from gonghui.core.validators import check_credit_code, check_mobile, check_resident_id


def _checked(check, value: str) -> str:
    try:
        return check(value)
    except ValidationError as exc:
        raise ValueError(str(exc.messages[0])) from None


class MemberFilters(Schema):
    q: str = Field("", max_length=50, description="Part of the name, or a whole mobile number")
    employment_form: EmploymentForm | None = None
    org_id: int | None = Field(None, description="Only members of this union and the unions under it")


class MemberOut(Schema):
    id: int
    name: str
    id_masked: str = Field(..., description="Resident ID with the birth date hidden")
    mobile_masked: str
    gender: str
    employment_form: str
    employment_form_label: str = Field(..., alias="get_employment_form_display")
    is_new_form: bool = Field(..., description="One of the new employment forms (新就业形态)")
    org_id: int | None
    org_name: str | None = None
    employer_id: int | None
    employer_name: str | None = None
    street_id: int | None
    created_at: dt.datetime

    @staticmethod
    def resolve_mobile_masked(obj) -> str:
        return mask_mobile(obj.mobile)

    @staticmethod
    def resolve_org_name(obj) -> str | None:
        return obj.org.name if obj.org_id else None

    @staticmethod
    def resolve_employer_name(obj) -> str | None:
        return obj.employer.name if obj.employer_id else None


class MembershipBrief(Schema):
    id: int
    org_id: int
    org_name: str = Field(..., alias="org.name")
    status: str
    status_label: str = Field(..., alias="get_status_display")
    card_no: str
    joined_on: dt.date | None
    ended_on: dt.date | None
    applied_at: dt.datetime
    is_transfer: bool


class MemberDetailOut(MemberOut):
    memberships: list[MembershipBrief]

    @staticmethod
    def resolve_memberships(obj):
        return list(obj.memberships.select_related("org").order_by("-applied_at", "-id"))


class RevealIn(Schema):
    reason: str = Field(..., max_length=500, description="Why the full number is needed (audited)")


class RevealOut(Schema):
    resident_id: str


class CardOut(Schema):
    card_no: str
    union_name: str
    joined_on: dt.date | None
    name_masked: str
    status: str
    status_label: str
    token: str = Field(..., description="Signed card token; valid for CARD_TOKEN_MAX_AGE seconds")
    verify_url: str


class ErrorOut(Schema):
    detail: str


class ApplicationIn(Schema):
    name: str = Field(..., min_length=1, max_length=50)
    resident_id: str = Field(..., description="18-character resident ID (GB 11643)")
    employment_form: EmploymentForm
    org_id: int = Field(..., description="The union to join (see /unions/suggest)")
    street_id: int | None = Field(None, description="The street or town where the worker works")
    employer_credit_code: str = Field("", description="The employer's unified social credit code, if any")
    mobile: str = Field("", description="Defaults to the account's mobile number")

    @field_validator("resident_id")
    @classmethod
    def _resident_id(cls, value):
        return _checked(check_resident_id, value)

    @field_validator("employer_credit_code")
    @classmethod
    def _employer(cls, value):
        return _checked(check_credit_code, value) if (value or "").strip() else ""

    @field_validator("mobile")
    @classmethod
    def _mobile(cls, value):
        return _checked(check_mobile, value) if (value or "").strip() else ""


class ApplicationFilters(Schema):
    mine: bool = Field(False, description="Cadres: list your own applications instead of the queue")


class ApplicationOut(Schema):
    id: int
    status: str
    status_label: str = Field(..., alias="get_status_display")
    org_id: int
    org_name: str = Field(..., alias="org.name")
    is_transfer: bool
    transfer_from_org_name: str | None = None
    applied_at: dt.datetime
    decided_at: dt.datetime | None
    note: str
    card_no: str
    worker_id: int
    worker_name: str = Field(..., alias="worker.name")
    worker_id_masked: str = Field(..., alias="worker.id_masked")
    worker_mobile_masked: str
    employment_form: str = Field(..., alias="worker.employment_form")

    @staticmethod
    def resolve_transfer_from_org_name(obj) -> str | None:
        return obj.transfer_from.org.name if obj.transfer_from_id else None

    @staticmethod
    def resolve_worker_mobile_masked(obj) -> str:
        return mask_mobile(obj.worker.mobile)


class RejectIn(Schema):
    reason: str = Field(..., max_length=300)
