"""Investigation, containment, 8D and CAPA as the API takes and shows them (API.md "Investigation, 8D, CAPA")."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from ninja import Schema
from pydantic import Field

from .common import Body, Count, Version
from .complaints import local_time

Responsibility = Literal["internal", "supplier", "carrier", "installer", "customer", "none"]
Category = Literal["man", "machine", "material", "method", "environment", "measurement", ""]


class InvestigationIn(Body):
    checked: str | None = Field(None, max_length=10000, description="what data was checked")
    responsibility: Responsibility
    responsible_department: str | None = Field(None, max_length=20, description="department code (internal)")
    partner: str | None = Field(None, max_length=40, description="partner code from the partner register")
    root_cause_category: Category | None = Field(None, description="5M1E; empty: not known yet")
    root_cause: str | None = Field(None, max_length=10000)
    impact: str | None = Field(None, max_length=10000)
    version: Version | None = None


class InvestigationOut(Schema):
    checked: str
    responsibility: str
    responsible_department: str | None
    partner: str | None
    root_cause_category: str
    root_cause: str
    impact: str
    version: int
    updated_by: str | None
    updated_at: dt.datetime | None


class ImpactOut(Schema):
    complaints: list[str] = Field(
        description="other complaints with the same product code, batch or order (in your scope)"
    )
    customers: int = Field(description="how many other customers those complaints come from")
    orders: list[str]
    batches: list[str]
    total: int = Field(description="all such complaints, also outside your scope")


class ContainmentIn(Body):
    place: Literal["stock", "wip", "transit", "customer"]
    checked: Count = 0
    suspect: Count = 0
    bad: Count = 0
    action: str = Field(..., max_length=10000)
    disposition: Literal["special_acceptance", "rework", "return", "scrap"] | None = None


class ContainmentOut(Schema):
    id: int
    place: str
    checked: int
    suspect: int
    bad: int
    action: str
    disposition: str | None
    created_by: str | None
    created_at: dt.datetime


class ContainmentList(Schema):
    items: list[ContainmentOut]
    totals: dict[str, int]


class DisciplineIn(Body):
    content: dict[str, Any]
    owner: str | None = Field(None, max_length=150, description="username")
    status: Literal["open", "done"] = "open"
    version: Version | None = None


class EightDOut(Schema):
    disciplines: dict[str, dict[str, Any]]
    revisions: list[int]
    progress: int = Field(description="disciplines done, of nine")


class RevisionOut(Schema):
    revision: int


class CapaIn(Body):
    complaints: list[str] = Field(..., min_length=1, max_length=50)
    kind: Literal["corrective", "preventive"]
    action: str = Field(..., max_length=10000)
    owner: str = Field(..., max_length=150)
    due_at: dt.datetime


class CapaPatch(Body):
    status: Literal["done"]
    evidence: str = Field(..., max_length=10000)
    version: Version | None = None


class VerifyIn(Body):
    method: str = Field(..., max_length=10000)
    result: str = Field(..., max_length=10000)
    effective: bool
    new_due_at: dt.datetime | None = None
    version: Version | None = None


class VerificationOut(Schema):
    method: str
    result: str
    effective: bool
    new_due_at: dt.datetime | None
    verified_by: str
    verified_at: dt.datetime


class CapaOut(Schema):
    id: int
    complaints: list[str]
    kind: str
    action: str
    owner: str
    department: str | None
    status: str
    due_at: dt.datetime
    breached: bool
    evidence: str
    done_at: dt.datetime | None
    verified_at: dt.datetime | None
    verifications: list[VerificationOut]
    version: int
    created_at: dt.datetime


class CapaList(Schema):
    items: list[CapaOut]


def investigation_json(record) -> dict[str, Any]:
    if record is None:
        return {
            "checked": "",
            "responsibility": "",
            "responsible_department": None,
            "partner": None,
            "root_cause_category": "",
            "root_cause": "",
            "impact": "",
            "version": 0,
            "updated_by": None,
            "updated_at": None,
        }
    return {
        "checked": record.checked,
        "responsibility": record.responsibility,
        "responsible_department": record.responsible_department.code if record.responsible_department else None,
        "partner": record.partner.code if record.partner else None,
        "root_cause_category": record.root_cause_category,
        "root_cause": record.root_cause,
        "impact": record.impact,
        "version": record.version,
        "updated_by": record.updated_by.username if record.updated_by else None,
        "updated_at": local_time(record.updated_at),
    }


def containment_json(row) -> dict[str, Any]:
    return {
        "id": row.pk,
        "place": row.place,
        "checked": row.checked,
        "suspect": row.suspect,
        "bad": row.bad,
        "action": row.action,
        "disposition": row.disposition or None,
        "created_by": row.created_by.username if row.created_by else None,
        "created_at": local_time(row.created_at),
    }


def capa_json(capa, numbers: list[str]) -> dict[str, Any]:
    return {
        "id": capa.pk,
        "complaints": numbers,
        "kind": capa.kind,
        "action": capa.action,
        "owner": capa.owner.username,
        "department": capa.department.code if capa.department else None,
        "status": capa.status,
        "due_at": local_time(capa.due_at),
        "breached": capa.breached,
        "evidence": capa.evidence,
        "done_at": local_time(capa.done_at),
        "verified_at": local_time(capa.verified_at),
        "verifications": [
            {
                "method": v.method,
                "result": v.result,
                "effective": v.effective,
                "new_due_at": local_time(v.new_due_at),
                "verified_by": v.verified_by.username,
                "verified_at": local_time(v.verified_at),
            }
            for v in capa.verifications.all()
        ],
        "version": capa.version,
        "created_at": local_time(capa.created_at),
    }
