"""API shapes of the coverage figures (R2.5): counts and rates only, no personal data.

A rate is a fraction (0..1, as in /api/v1/cockpit), null when its denominator is zero.
"""

import datetime as dt

from ninja import Field, Schema


class CoverageCensusRowOut(Schema):
    key: str = Field(description='The street id, industry code or ownership value; "none" for the line of members '
                                 "without a street or without a census employer; \"total\" or \"non_public\"")
    label: str
    org_id: int | None = Field(None, description="Streets only: the street's org id")
    non_public: bool | None = Field(None, description="Ownerships only: a non-public ownership")
    enterprises: int
    covered: int
    uncovered: int
    establishment_rate: float | None
    headcount: int
    uncovered_headcount: int
    members: int
    membership_rate: float | None


class CoverageFormRowOut(Schema):
    key: str
    label: str
    new_form: bool
    members: int
    workers: int = Field(description="Workers on record in scope with this employment form")
    non_members: int = Field(description="Workers on record without an active membership")


class CoverageTrendPointOut(Schema):
    month_end: dt.date
    as_of: dt.date = Field(description="The month end, or today for the month not over yet")
    members: int
    covered: int
    establishment_rate: float | None
    membership_rate: float | None


class UnionCoverageOut(Schema):
    org_id: int | None = Field(description="The drill-down org; null for the caller's whole scope")
    name: str
    as_of: dt.date
    total: CoverageCensusRowOut
    streets: list[CoverageCensusRowOut]
    industries: list[CoverageCensusRowOut]
    ownerships: list[CoverageCensusRowOut]
    non_public: CoverageCensusRowOut
    forms: list[CoverageFormRowOut]
    new_forms: CoverageFormRowOut
    trend: list[CoverageTrendPointOut]
