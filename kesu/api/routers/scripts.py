"""The scripts library (话术) and macros: list, search and render scripts; list and run macros."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router

from kesu.complaints.access import access_complaint
from kesu.core.errors import NotFound
from kesu.scripts import macros as macro_rules
from kesu.scripts.actions import do_render_script, do_run_macro
from kesu.scripts.models import Macro, Script
from kesu.scripts.rendering import search_scripts

from ..schemas.complaints import ComplaintOut, complaint_json
from ..schemas.scripts import MacroList, MacroRunIn, RenderedOut, ScriptList

router = Router(tags=["scripts"])


@router.get("/scripts", response=ScriptList, summary="The scripts library, filtered and searched (Chinese too)")
def list_scripts(request, situation: str = "", type_code: str = "", q: str = "", channel: str = "", language: str = ""):
    rows = search_scripts(situation=situation, type_code=type_code, q=q, channel=channel, language=language)
    return {"items": [{"id": s.id, "title": s.title, "situation": s.situation, "text": s.text} for s in rows]}


@router.get("/scripts/{script_id}/render", response=RenderedOut, summary="A script with a complaint's values")
def render_script(request, script_id: int, complaint: str):
    script = Script.objects.filter(pk=script_id, active=True).first()
    if script is None:
        raise NotFound(_("No such script."))
    target = access_complaint(request.user, complaint)
    return {"text": do_render_script(script, target, actor=request.user, now=timezone.now())}


@router.get("/macros", response=MacroList, summary="The macros the user's role may run")
def list_macros(request):
    rows = [m for m in Macro.objects.filter(active=True) if macro_rules.may_run(request.user, m.steps)]
    return {"items": [{"id": m.id, "name": m.name, "description": m.description, "steps": m.steps} for m in rows]}


@router.post(
    "/complaints/{number}/macros/{macro_id}", response=ComplaintOut, summary="Apply a macro: all steps or none"
)
def run_macro(request, number: str, macro_id: int, payload: MacroRunIn | None = None):
    complaint = access_complaint(request.user, number)
    macro = Macro.objects.filter(pk=macro_id, active=True).first()
    if macro is None:
        raise NotFound(_("No such macro."))
    version = payload.version if payload else None
    result = do_run_macro(complaint, macro, actor=request.user, now=timezone.now(), version=version)
    return complaint_json(result, user=request.user)
