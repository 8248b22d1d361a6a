"""API shapes for aid campaigns. No resident ID, mobile or full bank account ever leaves here."""

import datetime as dt
from decimal import Decimal

from ninja import Field, Schema


class CategoryOut(Schema):
    id: int
    name: str
    amount: Decimal
    school_levels: list[str]
    min_child_age: int | None
    max_child_age: int | None
    requires_hardship_file: bool


class CampaignOut(Schema):
    id: int
    kind: str
    kind_label: str = Field(..., alias="get_kind_display")
    title: str
    org_name: str = Field(..., alias="org.name")
    opens_on: dt.date
    closes_on: dt.date
    required_evidence: list[str]
    categories: list[CategoryOut]

    @staticmethod
    def resolve_categories(obj):
        return list(obj.categories.all())


class ApplicationIn(Schema):
    category_id: int
    child_name: str = Field("", max_length=50)
    child_age: int | None = Field(None, ge=0, le=30)
    school_level: str = ""
    income_per_head: Decimal = Field(..., description="Household income per member, yuan per month")
    bank_name: str = Field(..., max_length=80)
    bank_account: str = Field(..., max_length=40, description="Stored encrypted, shown masked")
    hardship_file: bool = False
    evidence: list[str] = []
    evidence_notes: str = Field("", max_length=1000)


class ApplicationOut(Schema):
    id: int
    campaign_id: int
    campaign_title: str = Field(..., alias="campaign.title")
    category_name: str = Field(..., alias="category.name")
    status: str
    status_label: str = Field(..., alias="get_status_display")
    precheck_ok: bool
    grant_amount: Decimal | None
    paid: bool = Field(..., description="The grant has been put into a payment")
    reject_reason: str
    bank_account_masked: str
    submitted_at: dt.datetime
