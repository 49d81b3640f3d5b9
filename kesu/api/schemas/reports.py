"""Shapes of the report answers (API.md "Reports, search, early warning, case library")."""

from __future__ import annotations

from ninja import Schema
from pydantic import Field


class SlaClockOut(Schema):
    met: int = Field(description="deadlines met in time")
    breached: int = Field(description="deadlines breached (met late or not at all)")
    compliance: float | None = Field(description="met / (met + breached); null when neither")


class SatisfactionOut(Schema):
    rated: int = Field(description="ratings given (every round's)")
    average: float | None = Field(description="1 = very satisfied … 5 = very dissatisfied (seed 001 §5.3.1.6)")
    distribution: dict[str, int]


class ProductCountOut(Schema):
    product_code: str
    count: int


class SummaryOut(Schema):
    total: int
    by_type: dict[str, int]
    by_severity: dict[str, int]
    by_priority: dict[str, int]
    by_level: dict[str, int]
    by_channel: dict[str, int]
    by_department: dict[str, int]
    by_status: dict[str, int]
    sla: dict[str, SlaClockOut]
    satisfaction: SatisfactionOut
    top_products: list[ProductCountOut]
    open: int
    overdue: int
    compensation_total: str = Field(description='CNY, a decimal string such as "5000.00"')


class KpiRowOut(Schema):
    key: str = Field(description="username (by=person) or department code (by=department)")
    handled: int
    first_response_minutes_avg: float | None
    sla_compliance: float | None
    resolution_hours_avg: float | None
    reopen_rate: float | None
    satisfaction_avg: float | None
    repeat_rate: float | None
    compensation_paid: str


class KpisOut(Schema):
    rows: list[KpiRowOut]
