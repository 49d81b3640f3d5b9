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

from .script_views import script_from_form
from .views import _complaint_or_404, _render_complaint


@login_required
@require_POST
def send_reply(request, number: str):
    complaint = _complaint_or_404(request.user, number)
    channel = request.POST.get("channel", "")
    text = request.POST.get("text", "")
    subject = request.POST.get("subject", "") if channel == MessageChannel.EMAIL else ""
    script_id = request.POST.get("script", "")
    try:
        # The script the text was taken from (the picker sets it), recorded with the message.
        script = script_from_form(script_id)
        sent = do_send_message(
            complaint,
            actor=request.user,
            now=timezone.now(),
            channel=channel,
            text=text,
            subject=subject,
            script=script,
        )
    except DomainError as exc:
        errors = dict(exc.fields) or {"text": [exc.message]}
        request.reply_box_state = {
            "channel": channel,
            "text": text,
            "subject": subject,
            "script": script_id,
            "errors": errors,
        }
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
