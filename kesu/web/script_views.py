"""The scripts picker in the reply box and the macro menu on the complaint page (kesu.scripts).

The picker lists the scripts for the complaint (its type and the reply's channel first), previewed with the
complaint's values; inserting one renders it through `do_render_script` (a counted use) and the reply box
records it with the message. A macro runs through `do_run_macro`: every step or none."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from kesu.channels.outbound import services as outbound
from kesu.complaints.states import HANDLING
from kesu.core.errors import DomainError, ValidationFailed
from kesu.scripts import rendering
from kesu.scripts.actions import do_render_script, do_run_macro
from kesu.scripts.models import Macro, Script, Situation

from .views import _complaint_or_404, _render_complaint

PICKER_LIMIT = 30


def script_from_form(value: str) -> Script | None:
    """The script a reply was written from (the picker's hidden field): None when none, refused when unknown."""
    value = (value or "").strip()
    if not value:
        return None
    script = Script.objects.filter(pk=int(value), active=True).first() if value.isdigit() else None
    if script is None:
        raise ValidationFailed(_("No such script."), field="script")
    return script


def _handling_complaint(request, number: str):
    if request.user.role not in HANDLING:
        raise Http404(_("Your role may not write to customers."))
    return _complaint_or_404(request.user, number)


@login_required
@require_GET
def script_picker(request, number: str):
    """The picker's results (htmx): search in Chinese or English, a situation, the reply's channel."""
    complaint = _handling_complaint(request, number)
    situation = request.GET.get("situation", "")
    if situation not in Situation.values:
        situation = ""
    channel = request.GET.get("channel", "")
    q = request.GET.get("q", "").strip()[:100]
    picks = rendering.picker_scripts(
        complaint, q=q, situation=situation, channel=channel, language=outbound.customer_language(complaint)
    )
    return render(
        request,
        "web/channels/_script_results.html",
        {
            "complaint": complaint,
            "picks": picks[:PICKER_LIMIT],
            "more": max(len(picks) - PICKER_LIMIT, 0),
            "q": q,
            "situation": situation,
            "type_name": complaint.category.display_name if complaint.category_id else "",
        },
    )


@login_required
@require_POST
def script_use(request, number: str, script_id: int):
    """Insert a script into the reply: its text filled from the complaint, the use counted (JSON)."""
    complaint = _handling_complaint(request, number)
    script = Script.objects.filter(pk=script_id).first()
    if script is None:
        return JsonResponse({"error": _("No such script.")}, status=404)
    try:
        text = do_render_script(script, complaint, actor=request.user, now=timezone.now())
    except DomainError as exc:
        return JsonResponse({"error": exc.message}, status=exc.http_status)
    return JsonResponse({"id": script.pk, "title": script.title, "text": text})


@login_required
@require_POST
def macro_run(request, number: str, macro_id: int):
    """One click on the macro menu: every step as this user, or (the first refusal shown) nothing."""
    complaint = _complaint_or_404(request.user, number)
    macro = Macro.objects.filter(pk=macro_id, active=True).first()
    if macro is None:
        raise Http404(_("No such macro."))
    version = request.POST.get("version", "")
    try:
        do_run_macro(
            complaint,
            macro,
            actor=request.user,
            now=timezone.now(),
            version=int(version) if version.isdigit() else None,
        )
    except DomainError as exc:
        request.macro_state = {"macro": macro.pk, "error": exc.message}
        return _render_complaint(request, _complaint_or_404(request.user, number), status=exc.http_status)
    messages.success(
        request,
        _("Macro “%(name)s” applied: %(count)s steps.") % {"name": macro.name, "count": len(macro.steps)},
    )
    if request.htmx:
        return _render_complaint(request, _complaint_or_404(request.user, number))
    return redirect("web:complaint", number=number)


urlpatterns: list = [
    path("complaints/<str:number>/scripts", script_picker, name="script_picker"),
    path("complaints/<str:number>/scripts/<int:script_id>/use", script_use, name="script_use"),
    path("complaints/<str:number>/macros/<int:macro_id>", macro_run, name="macro_run"),
]
