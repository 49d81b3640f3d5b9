from __future__ import annotations

from typing import Any

from django.http import FileResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import File, Form, Header, Query, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import Field

from kesu.complaints import actions
from kesu.complaints.access import (
    access_complaint,
    customer_identified,
    customers_identified_for,
    scope_event_data,
)
from kesu.complaints.attachments import check_upload_size, do_add_attachment
from kesu.complaints.merging import attach_links
from kesu.complaints.models import Attachment
from kesu.complaints.selectors import ComplaintFilters, complaint_list, complaint_page, complaint_timeline
from kesu.core.errors import DomainError, Forbidden, NotFound
from kesu.routing.customers import attach_workspace
from kesu.routing.services import playbook_reviewers
from kesu.search import selectors as search
from kesu.service.selectors import attach_order_numbers

from ..schemas.complaints import (
    ActionIn,
    ComplaintIn,
    ComplaintOut,
    ComplaintPage,
    CustomerOut,
    EventOut,
    complaint_input,
    complaint_json,
    customer_json,
    event_json,
    list_item_json,
)

router = Router(tags=["complaints"])


def _reload(number: str, user):
    return access_complaint(user, number)


@router.post("/complaints", response={200: ComplaintOut, 201: ComplaintOut}, summary="Record a complaint")
def create_complaint(
    request, payload: ComplaintIn, idempotency_key: str | None = Header(None, alias="Idempotency-Key")
):
    complaint, created = actions.do_create(
        complaint_input(payload), actor=request.user, now=timezone.now(), idempotency_key=idempotency_key or None
    )
    stored = _reload(complaint.number, request.user)
    if created:
        # The deadlines and collaborators the intake just wrote, as do_create left them: not read back.
        stored._prefetched_objects_cache = getattr(complaint, "_prefetched_objects_cache", {})
    return Status(201 if created else 200, complaint_json(stored, user=request.user))


class ListQuery(Schema):
    status: str | None = Field(None, description="One status or several separated by commas.")
    severity: str | None = None
    priority: str | None = None
    type_code: str | None = None
    department: str | None = None
    owner: str | None = None
    overdue: bool | None = None
    q: str | None = Field(
        None,
        max_length=200,
        description="Full text over title, description, customer, "
        "product, batch and order; two-character Chinese words match.",
    )
    cursor: str | None = None
    page_size: int = Field(50, ge=1, le=200)


@router.get("/complaints", response=ComplaintPage, summary="List complaints in your data scope")
def list_complaints(request, filters: Query[ListQuery]):
    qs = complaint_list(
        user=request.user,
        filters=ComplaintFilters(
            status=[s for s in (filters.status or "").split(",") if s] or None,
            severity=filters.severity,
            priority=filters.priority,
            type_code=filters.type_code,
            department=filters.department,
            owner=filters.owner,
            overdue=filters.overdue,
            q=(filters.q or "").strip() or None,
        ),
    )
    items, next_cursor = complaint_page(qs, cursor=filters.cursor, page_size=filters.page_size)
    q = (filters.q or "").strip()
    if q:  # each page in id order (the cursor), ranked within by relevance
        items = search.ranked(items, q)
    reviewers = playbook_reviewers()
    attach_workspace(items)
    attach_links(items, user=request.user)
    attach_order_numbers(items)
    identified = customers_identified_for(request.user, [c.customer_id for c in items])
    memo: dict = {}
    out = [
        list_item_json(c, user=request.user, reviewers=reviewers, identified=identified, actions_memo=memo)
        for c in items
    ]
    if q:
        for c, item in zip(items, out, strict=True):
            item["highlight"] = search.highlighted(c, q)
    # Each item is already what ComplaintListItem validation gives (list_item_json): sent as it is.
    from ..app import api  # the app imports this module

    return api.create_response(request, {"items": out, "next_cursor": next_cursor}, status=200)


@router.get("/complaints/{number}", response=ComplaintOut, summary="One complaint")
def get_complaint(request, number: str):
    return complaint_json(access_complaint(request.user, number), user=request.user)


@router.get("/complaints/{number}/events", response=list[EventOut], summary="The complaint's timeline")
def list_events(request, number: str):
    complaint = access_complaint(request.user, number)
    events = scope_event_data(
        request.user,
        list(complaint_timeline(complaint)),
        identified=customer_identified(request.user, complaint.customer),
    )
    return [event_json(e) for e in events]


# Which ActionIn fields each action passes on to its do_<action> function.
ACTION_FIELDS: dict[str, tuple[str, ...]] = {
    "acknowledge": ("note",),
    "triage": ("type_code", "severity", "priority", "level", "justified", "reason"),
    "assign": ("department", "owner", "reason"),
    "start": (),
    "propose_solution": ("solution_type", "detail", "compensation_id", "compensation_amount"),
    "customer_response": ("accepted", "comment"),
    "resolve": ("summary",),
    "rate": ("score", "comment"),
    "close": ("reason",),
    "review": ("approved", "comment"),
    "archive": (),
    "reject": ("reason", "reply"),
    "reopen": ("reason",),
    "escalate": ("reason",),
    "note": ("text", "internal", "kind"),
    "pause_clock": ("reason",),
    "resume_clock": ("reason",),
    "merge": ("into", "reason"),
    "link": ("to", "kind", "note"),
    "unlink": ("to",),
}
REQUIRED: dict[str, tuple[str, ...]] = {
    "propose_solution": ("solution_type", "detail"),
    "customer_response": ("accepted",),
    "resolve": ("summary",),
    "rate": ("score",),
    "review": ("approved",),
    "reject": ("reason", "reply"),
    "reopen": ("reason",),
    "escalate": ("reason",),
    "note": ("text",),
    "pause_clock": ("reason",),
    "merge": ("into", "reason"),
    "link": ("to",),
    "unlink": ("to",),
}


@router.post(
    "/complaints/{number}/actions/{action}",
    response=ComplaintOut,
    summary="Change a complaint's state",
    description="Actions: " + ", ".join(ACTION_FIELDS),
)
def act(request, number: str, action: str, payload: ActionIn | None = None):
    do = actions.ACTIONS.get(action)
    if do is None:
        raise NotFound(_("Unknown action “%(action)s”.") % {"action": action})
    body: dict[str, Any] = payload.model_dump(exclude_unset=True) if payload else {}
    foreign = [name for name in body if name != "version" and name not in ACTION_FIELDS[action]]
    if foreign:
        raise DomainError(
            "validation_error",
            _("Please correct the marked fields."),
            fields={name: [_("“%(action)s” does not take this field.") % {"action": action}] for name in foreign},
        )
    missing = [name for name in REQUIRED.get(action, ()) if body.get(name) is None]
    if missing:
        raise DomainError(
            "validation_error",
            _("Please correct the marked fields."),
            fields={name: [_("This field is required.")] for name in missing},
        )
    kwargs = {name: body[name] for name in ACTION_FIELDS[action] if body.get(name) is not None}
    complaint = access_complaint(request.user, number)
    do(complaint, actor=request.user, now=timezone.now(), version=body.get("version"), **kwargs)
    return complaint_json(_reload(number, request.user), user=request.user)


@router.post(
    "/complaints/{number}/contact/reveal",
    response=CustomerOut,
    summary="The customer's unmasked contact details (the view is logged on the timeline)",
)
def reveal_contact(request, number: str):
    complaint = access_complaint(request.user, number)
    if not customer_identified(request.user, complaint.customer):
        raise Forbidden(_("This customer's details are outside your data scope."))
    customer = actions.do_reveal_contact(complaint, actor=request.user, now=timezone.now())
    return customer_json(customer, unmasked=True)


class AttachmentOut(Schema):
    id: int
    name: str
    content_type: str
    size: int
    source: str
    captured_at: Any = None
    description: str
    uploaded_by: str | None
    uploaded_at: Any
    download_url: str


def _attachment_json(a: Attachment, number: str) -> dict[str, Any]:
    return {
        "id": a.id,
        "name": a.original_name,
        "content_type": a.content_type,
        "size": a.size,
        "source": a.source,
        "captured_at": timezone.localtime(a.captured_at) if a.captured_at else None,
        "description": a.description,
        "uploaded_by": a.uploaded_by.username if a.uploaded_by else None,
        "uploaded_at": timezone.localtime(a.uploaded_at),
        "download_url": f"/api/v1/complaints/{number}/attachments/{a.id}",
    }


@router.get("/complaints/{number}/attachments", response=list[AttachmentOut], summary="Evidence on a complaint")
def list_attachments(request, number: str):
    complaint = access_complaint(request.user, number)
    return [_attachment_json(a, number) for a in complaint.attachments.select_related("uploaded_by")]


@router.post(
    "/complaints/{number}/attachments",
    response={201: AttachmentOut},
    summary="Add evidence",
    description="multipart/form-data: file, source (customer|staff|store|system), captured_at, description. "
    "The content decides the type: photos, PDF, Office, text, audio, video; others → 415.",
)
def add_attachment(
    request,
    number: str,
    file: File[UploadedFile],
    source: Form[str] = "customer",
    captured_at: Form[str] = "",
    description: Form[str] = "",
):
    from django.utils.dateparse import parse_datetime

    complaint = access_complaint(request.user, number)
    when = None
    if captured_at:
        when = parse_datetime(captured_at)
        if when is None:
            raise DomainError(
                "validation_error", _("Enter a date and time such as 2026-11-22T14:30:00+08:00."), field="captured_at"
            )
        if timezone.is_naive(when):
            when = timezone.make_aware(when)
    check_upload_size(file.size)
    attachment = do_add_attachment(
        complaint,
        actor=request.user,
        now=timezone.now(),
        content=file.read(),
        filename=file.name or "file",
        source=source,
        captured_at=when,
        description=description,
        declared_type=file.content_type or "",
    )
    return Status(201, _attachment_json(attachment, number))


@router.get(
    "/complaints/{number}/attachments/{attachment_id}", summary="Download one piece of evidence", response={200: None}
)
def download_attachment(request, number: str, attachment_id: int):
    complaint = access_complaint(request.user, number)
    attachment = complaint.attachments.filter(id=attachment_id).first()
    if attachment is None:
        raise NotFound(_("Attachment not found."))
    return attachment_response(attachment)


def attachment_response(attachment: Attachment) -> FileResponse:
    inline = attachment.content_type.startswith("image/") or attachment.content_type == "application/pdf"
    response = FileResponse(
        attachment.file.open("rb"),
        content_type=attachment.content_type,
        as_attachment=not inline,
        filename=attachment.original_name,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"
    return response
