"""Messages to and from the customer of a complaint: the conversation, and the agent's reply (e-mail or SMS)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from ninja import Router, Schema, Status

from kesu.channels.outbound.actions import do_send_message
from kesu.channels.outbound.selectors import messages_of
from kesu.complaints.access import access_complaint

router = Router(tags=["messages"])


class MessageIn(Schema):
    channel: str
    text: str
    subject: str = ""


class MessageOut(Schema):
    id: str
    at: dt.datetime
    direction: str  # "in" (from the customer) | "out" (to the customer)
    channel: str  # email | sms | web | api | phone
    to: str  # masked address of an outgoing message
    subject: str
    text: str
    automatic: bool
    status: str  # pending | sent | failed | dead (deliveries); received | posted
    status_text: str
    by: str


@router.get("/complaints/{number}/messages", response=list[MessageOut], summary="Messages to and from the customer")
def list_messages(request, number: str):
    complaint = access_complaint(request.user, number)
    return messages_of(complaint)


@router.post("/complaints/{number}/messages", response={201: MessageOut}, summary="Write to the customer")
def send_message(request, number: str, payload: MessageIn):
    complaint = access_complaint(request.user, number)
    message = do_send_message(
        complaint,
        actor=request.user,
        now=timezone.now(),
        channel=payload.channel,
        text=payload.text,
        subject=payload.subject,
    )
    row = next(r for r in messages_of(complaint) if r["id"] == f"out:{message.pk}")
    return Status(201, row)
