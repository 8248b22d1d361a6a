"""API shapes of the three lists. A resource's contact phone is always masked here."""

import datetime as dt
from decimal import Decimal

from ninja import Field, Schema

from gonghui.core.choices import EmploymentForm

from .models import NeedCategory, NeedSource, NeedStatus, ProjectStatus, ResourceKind, Urgency


class NeedFilters(Schema):
    status: NeedStatus | None = None
    category: NeedCategory | None = None
    source: NeedSource | None = None
    worker_group: EmploymentForm | None = None
    org_id: int | None = Field(None, description="Only needs of this org and the orgs under it")


class NeedIn(Schema):
    org_id: int
    title: str = Field(..., min_length=1, max_length=120)
    source: NeedSource
    category: NeedCategory
    headcount: int = Field(..., ge=1, le=10_000_000)
    urgency: Urgency = Urgency.NORMAL
    worker_group: EmploymentForm | None = None
    place: str = Field("", max_length=120)
    detail: str = Field("", max_length=4000)


class NeedOut(Schema):
    id: int
    org_id: int
    org_name: str = Field(..., alias="org.name")
    title: str
    detail: str
    source: str
    source_ref: str
    worker_group: str
    category: str
    urgency: str
    headcount: int
    place: str
    status: str
    status_label: str = Field(..., alias="get_status_display")
    project_id: int | None
    decline_reason: str
    created_at: dt.datetime
    closed_at: dt.datetime | None


class ResourceFilters(Schema):
    kind: ResourceKind | None = None
    category: NeedCategory | None = None
    available: bool | None = Field(None, description="Only resources available today (true) or not (false)")


class ResourceOut(Schema):
    id: int
    org_id: int
    org_name: str = Field(..., alias="org.name")
    kind: str
    name: str
    categories: list[str]
    capacity: int
    remaining: int
    amount: Decimal | None
    available: bool
    available_until: dt.date | None
    contact_name: str
    contact_phone_masked: str = Field(..., alias="phone_masked")


class ProjectFilters(Schema):
    status: ProjectStatus | None = None
    org_id: int | None = Field(None, description="Only projects of this org and the orgs under it")


class MilestoneOut(Schema):
    title: str
    due_on: dt.date
    done_on: dt.date | None


class ProjectOut(Schema):
    id: int
    org_id: int
    org_name: str = Field(..., alias="org.name")
    title: str
    budget: Decimal
    status: str
    starts_on: dt.date | None
    ends_on: dt.date | None
    beneficiaries: int | None
    need_ids: list[int]
    milestones: list[MilestoneOut]

    @staticmethod
    def resolve_need_ids(obj) -> list[int]:
        return [n.pk for n in obj.needs.all()]

    @staticmethod
    def resolve_milestones(obj):
        return list(obj.milestones.all())


class ReportFilters(Schema):
    org_id: int | None = Field(None, description="The org whose subtree is counted; the caller's scope by default")
    created_from: dt.date | None = None
    created_to: dt.date | None = None
    category: NeedCategory | None = None
    worker_group: EmploymentForm | None = None


class LoopRowOut(Schema):
    org_id: int
    org_name: str
    total: int
    open: int
    in_project: int
    answered: int
    declined: int
    share_answered_percent: float | None
    median_days_to_answer: float | None
    mean_days_to_answer: float | None
    open_over_30_days: int


class ReportOut(Schema):
    org_id: int
    org_name: str
    total: LoopRowOut
    children: list[LoopRowOut]


class ErrorOut(Schema):
    detail: str
