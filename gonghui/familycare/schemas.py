"""API shapes for summer classes and nursing rooms."""

import datetime as dt
from decimal import Decimal

from ninja import Field, Schema


class SummerClassOut(Schema):
    id: int
    name: str
    org_name: str = Field(..., alias="org.name")
    year: int
    capacity: int
    enrolled: int
    waiting: int
    min_age: int
    max_age: int
    starts_on: dt.date
    ends_on: dt.date
    sessions: str
    address: str


class EnrolIn(Schema):
    child_name: str = Field(..., max_length=50)
    child_birth_date: dt.date


class EnrolmentOut(Schema):
    id: int
    summer_class_id: int
    summer_class_name: str = Field(..., alias="summer_class.name")
    child_name: str = Field(..., alias="child.name")
    year: int
    status: str
    status_label: str = Field(..., alias="get_status_display")
    waiting_position: int | None = Field(None, description="1 for the first on the waiting list")

    @staticmethod
    def resolve_waiting_position(obj):
        if hasattr(obj, "queue_position"):  # set by a list that computed every position at once
            return obj.queue_position
        from .selectors import waiting_position

        return waiting_position(obj)


class NursingRoomOut(Schema):
    id: int
    name: str
    org_name: str = Field(..., alias="org.name")
    address: str
    area_m2: Decimal
    lockable: bool
    changing_table: bool
    sink: bool
    fridge: bool
    below_standard: bool
    shortfalls: list[str]
    opening_hours: str
    latitude: Decimal | None
    longitude: Decimal | None
