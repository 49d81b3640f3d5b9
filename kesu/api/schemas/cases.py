"""The case library: a teaching case as the API shows it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Schema
from pydantic import Field

from .common import Body
from .complaints import local_time


class CaseIn(Body):
    title: str | None = Field(None, max_length=200)
    lesson: str | None = Field(None, max_length=10000)
    tags: list[str] | None = Field(None, max_length=20)


class CaseOut(Schema):
    id: int
    complaint: str | None = Field(description="The complaint's number; null when it is outside your data scope")
    title: str
    lesson: str
    tags: list[str]
    type_code: str | None
    created_at: dt.datetime
    updated_at: dt.datetime


class CaseList(Schema):
    items: list[CaseOut]


def case_json(case) -> dict[str, Any]:
    """`case` as returned by kesu.cases.selectors (its `number` already follows the reader's scope)."""
    return {
        "id": case.pk,
        "complaint": getattr(case, "number", case.complaint.number),
        "title": case.title,
        "lesson": case.lesson,
        "tags": case.tags or [],
        "type_code": case.complaint.type_code,
        "created_at": local_time(case.created_at),
        "updated_at": local_time(case.updated_at),
    }
