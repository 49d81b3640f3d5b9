"""The case library (R-REP-4): closed complaints marked as teaching cases, searchable by everyone."""

from __future__ import annotations

from django.utils import timezone
from ninja import Query, Router, Status

from kesu.cases.actions import do_mark_case
from kesu.cases.selectors import case_for, cases_search
from kesu.complaints.access import access_complaint

from ..schemas.cases import CaseIn, CaseList, CaseOut, case_json

router = Router(tags=["cases"])


@router.post(
    "/complaints/{number}/case",
    response={200: CaseOut, 201: CaseOut},
    summary="Mark a closed or archived complaint as a teaching case (again: edit it)",
)
def mark_case(request, number: str, payload: CaseIn):
    complaint = access_complaint(request.user, number)
    case, created = do_mark_case(
        complaint, actor=request.user, now=timezone.now(), title=payload.title, lesson=payload.lesson, tags=payload.tags
    )
    return Status(201 if created else 200, case_json(case_for(request.user, case.pk)))


@router.get("/cases", response=CaseList, summary="Search the case library")
def list_cases(
    request,
    q: str = Query("", max_length=200),
    type_code: str | None = Query(None, max_length=40),
    tag: str | None = Query(None, max_length=40),
    limit: int = Query(200, ge=1, le=500),
):
    """`q` looks in the title, the lesson, the tags and the complaint's type. Every staff user may read
    every case; the complaint number is shown only within your data scope."""
    cases = cases_search(request.user, q=q, type_code=type_code, tag=tag, limit=limit)
    return {"items": [case_json(c) for c in cases]}
