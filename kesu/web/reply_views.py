"""The reply box's form: the agent writes to the customer by e-mail or SMS (kesu.channels.outbound)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kesu.channels.outbound.actions import do_send_message
from kesu.channels.outbound.models import MessageChannel
from kesu.core.errors import DomainError

from .views import _complaint_or_404, _render_complaint


@login_required
@require_POST
def send_reply(request, number: str):
    complaint = _complaint_or_404(request.user, number)
    channel = request.POST.get("channel", "")
    text = request.POST.get("text", "")
    subject = request.POST.get("subject", "") if channel == MessageChannel.EMAIL else ""
    try:
        sent = do_send_message(
            complaint, actor=request.user, now=timezone.now(), channel=channel, text=text, subject=subject
        )
    except DomainError as exc:
        errors = dict(exc.fields) or {"text": [exc.message]}
        request.reply_box_state = {"channel": channel, "text": text, "subject": subject, "errors": errors}
        return _render_complaint(request, _complaint_or_404(request.user, number), status=exc.http_status)
    messages.success(
        request,
        _("Sent to the customer by %(channel)s (%(to)s).")
        % {"channel": MessageChannel(sent.channel).label, "to": sent.masked_to},
    )
    if request.htmx:
        return _render_complaint(request, _complaint_or_404(request.user, number))
    return redirect("web:complaint", number=number)


urlpatterns: list = [
    path("complaints/<str:number>/messages", send_reply, name="send_reply"),
]
