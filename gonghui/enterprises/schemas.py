"""API shapes for the enterprise census."""

import datetime as dt

from django.core.exceptions import ValidationError
from ninja import Field, Schema
from pydantic import field_validator

from gonghui.core.choices import Industry
from gonghui.core.validators import check_credit_code

from .models import Ownership


def _credit_code(value: str) -> str:
    try:
        return check_credit_code(value)
    except ValidationError as exc:
        raise ValueError(str(exc.messages[0])) from None


class EnterpriseOut(Schema):
    id: int
    credit_code: str
    name: str
    industry: str
    industry_label: str = Field(..., alias="get_industry_display")
    ownership: str
    ownership_label: str = Field(..., alias="get_ownership_display")
    headcount: int
    street_id: int
    street_name: str = Field(..., alias="street.name")
    union_id: int | None
    union_name: str | None = Field(None, alias="union.name")
    address: str
    is_non_public: bool = Field(..., description="Non-public (非公) ownership: neither state nor collective")
    has_union: bool
    created_at: dt.datetime
    updated_at: dt.datetime


class EnterpriseFilters(Schema):
    street_id: int | None = None
    has_union: bool | None = None
    q: str = Field("", max_length=50, description="Part of the name, or a whole credit code")


class EnterpriseIn(Schema):
    credit_code: str = Field(..., description="Unified social credit code (GB 32100)")
    name: str = Field(..., min_length=1, max_length=200)
    industry: Industry
    ownership: Ownership
    headcount: int = Field(0, ge=0, le=10_000_000)
    street_id: int
    union_id: int | None = None
    address: str = Field("", max_length=200)

    @field_validator("credit_code")
    @classmethod
    def _check_code(cls, value):
        return _credit_code(value)


class EnterprisePatch(Schema):
    """Send only the fields to change; `union_id: null` removes the covering union."""

    credit_code: str = None
    name: str = Field(None, min_length=1, max_length=200)
    industry: Industry = None
    ownership: Ownership = None
    headcount: int = Field(None, ge=0, le=10_000_000)
    street_id: int = None
    union_id: int | None = None
    address: str = Field(None, max_length=200)

    @field_validator("credit_code")
    @classmethod
    def _check_code(cls, value):
        return _credit_code(value)
