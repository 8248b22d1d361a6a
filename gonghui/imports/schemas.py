from datetime import datetime

from django.urls import reverse
from ninja import Schema


class FieldErrorOut(Schema):
    field: str
    message: str


class ErrorOut(Schema):
    """The shared error body of gonghui.core.api."""

    detail: str
    errors: list[FieldErrorOut] = []


class ImportErrorOut(Schema):
    row: int
    column: str
    reason: str


class ImportJobOut(Schema):
    """An import job and its progress. Errors list the first rows only; `report_url` has them all."""

    id: int
    kind: str
    status: str
    status_label: str
    org_id: int
    org_name: str
    file_name: str
    total_rows: int
    processed_rows: int
    percent: int
    created: int
    updated: int
    unchanged: int
    failed: int
    message: str
    errors: list[ImportErrorOut]
    report_url: str | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None

    @staticmethod
    def resolve_status_label(obj) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_org_name(obj) -> str:
        return obj.org.name

    @staticmethod
    def resolve_created(obj) -> int:
        return obj.created_count

    @staticmethod
    def resolve_updated(obj) -> int:
        return obj.updated_count

    @staticmethod
    def resolve_unchanged(obj) -> int:
        return obj.unchanged_count

    @staticmethod
    def resolve_failed(obj) -> int:
        return obj.failed_count

    @staticmethod
    def resolve_errors(obj) -> list:
        return obj.errors_preview or []

    @staticmethod
    def resolve_report_url(obj) -> str | None:
        return reverse("api:imports_report", kwargs={"job_id": obj.pk}) if obj.report else None
