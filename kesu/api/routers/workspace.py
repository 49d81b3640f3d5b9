"""Bulk actions and saved views (API.md: "The agent's workspace")."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from ninja import Router, Schema, Status

from kesu.workspace import bulk, saved
from kesu.workspace.bulk import BULK_ACTIONS

router = Router(tags=["workspace"])


class BulkIn(Schema):
    numbers: Any = None
    action: Any = None
    body: Any = None
    versions: Any = None  # optional {"KS-…": version}: a complaint changed since is refused (409)


class BulkResult(Schema):
    number: str
    status: int
    code: str | None = None
    error: str | None = None


class BulkOut(Schema):
    results: list[BulkResult]


@router.post(
    "/complaints/bulk",
    response=BulkOut,
    summary="One action over many complaints, each through its normal action",
    description="Actions: " + ", ".join(BULK_ACTIONS) + ". Each complaint on its own: status 200, 403, 404 or 409.",
    exclude_none=True,
)
def bulk_action(request, payload: BulkIn):
    numbers, body, versions = bulk.check_request(payload.numbers, payload.action, payload.body, payload.versions)
    return {"results": bulk.run_now(request.user, numbers, payload.action, body, now=timezone.now(), versions=versions)}


class ViewIn(Schema):
    name: Any = None
    filters: Any = None
    shared: Any = False
    department: str | None = None


class ViewOut(Schema):
    id: int
    name: str
    filters: dict[str, Any]
    shared: bool
    department: str | None
    owner: str
    count: int


def _view_json(view, *, user, now) -> dict[str, Any]:
    return {
        "id": view.pk,
        "name": view.name,
        "filters": view.filters,
        "shared": view.shared,
        "department": view.department.code if view.department else None,
        "owner": view.owner.username,
        "count": saved.count(user, view.filters, now=now),
    }


@router.get("/views", response=list[ViewOut], summary="Your saved views and those shared with your department")
def list_views(request):
    now = timezone.now()
    return [_view_json(v, user=request.user, now=now) for v in saved.views_for(request.user)]


@router.post("/views", response={201: ViewOut}, summary="Save filters and sort under a name")
def save_view(request, payload: ViewIn):
    now = timezone.now()
    view = saved.do_save_view(
        user=request.user,
        name=payload.name if isinstance(payload.name, str) else "",
        filters=payload.filters if payload.filters is not None else {},
        shared=payload.shared,
        department=payload.department,
        now=now,
    )
    return Status(201, _view_json(view, user=request.user, now=now))


@router.get("/views/{view_id}", response=ViewOut, summary="One saved view")
def get_view(request, view_id: int):
    return _view_json(saved.view_for(request.user, view_id), user=request.user, now=timezone.now())


@router.delete("/views/{view_id}", response={204: None}, summary="Delete a saved view (its owner only)")
def delete_view(request, view_id: int):
    saved.do_delete_view(user=request.user, view_id=view_id)
    return Status(204, None)
