"""Investigation, containment, the 8D report and CAPA (API.md "Investigation, 8D, CAPA"): thin edges over
kesu.quality. Every complaint is reached through access_complaint (404 outside the data scope), every CAPA
through the complaints it serves (or its owner)."""

from __future__ import annotations

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.errors import HttpError

from kesu.complaints.access import access_complaint
from kesu.documents.pdf import PdfUnavailable
from kesu.quality import actions, exports, selectors

from ..schemas.quality import (
    CapaIn,
    CapaList,
    CapaOut,
    CapaPatch,
    ContainmentIn,
    ContainmentList,
    ContainmentOut,
    DisciplineIn,
    EightDOut,
    ImpactOut,
    InvestigationIn,
    InvestigationOut,
    RevisionOut,
    VerifyIn,
    capa_json,
    containment_json,
    investigation_json,
)

router = Router(tags=["investigation"])


@router.get("/complaints/{number}/investigation", response=InvestigationOut, summary="The investigation record")
def get_investigation(request, number: str):
    complaint = access_complaint(request.user, number)
    return investigation_json(selectors.investigation_of(complaint))


@router.put("/complaints/{number}/investigation", response=InvestigationOut, summary="Save the investigation record")
def put_investigation(request, number: str, payload: InvestigationIn):
    """The whole record: data checked, responsibility (an internal department, or a partner of the register for a
    supplier, carrier or installer), root-cause category (5M1E) and text, impact range. `version` (optional): the
    version you last saw; another one → 409."""
    complaint = access_complaint(request.user, number)
    actions.do_save_investigation(
        complaint,
        actor=request.user,
        now=timezone.now(),
        checked=payload.checked or "",
        responsibility=payload.responsibility,
        responsible_department=payload.responsible_department,
        partner=payload.partner,
        root_cause_category=payload.root_cause_category or "",
        root_cause=payload.root_cause or "",
        impact=payload.impact or "",
        version=payload.version,
    )
    return investigation_json(selectors.investigation_of(complaint))


@router.get(
    "/complaints/{number}/impact", response=ImpactOut, summary="Other complaints of the same product, batch or order"
)
def get_impact(request, number: str):
    complaint = access_complaint(request.user, number)
    return selectors.impact_of(complaint, request.user)


@router.get("/complaints/{number}/containment", response=ContainmentList, summary="Containment rows and totals")
def list_containment(request, number: str):
    complaint = access_complaint(request.user, number)
    rows = selectors.containment_of(complaint)
    return {"items": [containment_json(r) for r in rows], "totals": selectors.containment_totals(rows)}


@router.post(
    "/complaints/{number}/containment", response={201: ContainmentOut}, summary="Record one place checked (containment)"
)
def add_containment(request, number: str, payload: ContainmentIn):
    complaint = access_complaint(request.user, number)
    row = actions.do_add_containment(
        complaint,
        actor=request.user,
        now=timezone.now(),
        place=payload.place,
        checked=payload.checked,
        suspect=payload.suspect,
        bad=payload.bad,
        action=payload.action,
        disposition=payload.disposition or "",
    )
    return Status(201, containment_json(row))


def _eightd(complaint) -> dict:
    disciplines = selectors.disciplines_of(complaint)
    return {
        "disciplines": {code: d.as_json() for code, d in disciplines.items()},
        "revisions": selectors.revision_numbers(complaint),
        "progress": selectors.progress(disciplines),
    }


@router.get("/complaints/{number}/8d", response=EightDOut, summary="The 8D report, discipline by discipline")
def get_8d(request, number: str):
    """A discipline nobody saved yet comes pre-filled from the complaint (D1 from the on-site team, D2 from the
    complaint, D4 from the investigation, D5/D7 from the CAPAs) with version 0."""
    return _eightd(access_complaint(request.user, number))


@router.post("/complaints/{number}/8d/revisions", response={201: RevisionOut}, summary="Freeze the 8D report as sent")
def freeze_8d(request, number: str):
    complaint = access_complaint(request.user, number)
    revision = actions.do_freeze_revision(complaint, actor=request.user, now=timezone.now())
    return Status(201, {"revision": revision.number})


def _document(download: exports.Download) -> HttpResponse:
    response = HttpResponse(download.content, content_type=download.content_type)
    response["Content-Disposition"] = f'attachment; filename="{download.filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


_LANG = Query(None, description="zh-hans (default) | en")
_REVISION = Query(None, ge=1, description="a frozen revision; default: the report as it is now")


@router.get("/complaints/{number}/8d.pdf", summary="The 8D report as PDF (Chinese; lang=en for English)")
def eightd_pdf(request, number: str, lang: str | None = _LANG, revision: int | None = _REVISION):
    complaint = access_complaint(request.user, number)
    try:
        return _document(exports.pdf(complaint, lang=lang, revision=revision))
    except PdfUnavailable as exc:
        raise HttpError(503, _("PDF printing is not installed on this server.")) from exc


@router.get("/complaints/{number}/8d.xlsx", summary="The 8D report as an Excel workbook")
def eightd_xlsx(request, number: str, lang: str | None = _LANG, revision: int | None = _REVISION):
    complaint = access_complaint(request.user, number)
    return _document(exports.xlsx(complaint, lang=lang, revision=revision))


@router.put("/complaints/{number}/8d/{code}", response=dict, summary="Save one discipline (d0 … d8)")
def put_discipline(request, number: str, code: str, payload: DisciplineIn):
    complaint = access_complaint(request.user, number)
    actions.do_save_discipline(
        complaint,
        actor=request.user,
        now=timezone.now(),
        code=code.lower(),
        content=payload.content,
        status=payload.status,
        owner=payload.owner,
        version=payload.version,
    )
    return selectors.disciplines_of(complaint)[code.lower()].as_json()


# ---------------------------------------------------------------------------------------------
# CAPA


@router.post("/capas", response={201: CapaOut}, summary="A corrective or preventive action for one or more complaints")
def create_capa(request, payload: CapaIn):
    numbers = list(dict.fromkeys(payload.complaints))
    complaints = [access_complaint(request.user, n) for n in numbers]
    capa = actions.do_create_capa(
        complaints,
        actor=request.user,
        now=timezone.now(),
        kind=payload.kind,
        action=payload.action,
        owner=payload.owner,
        due_at=payload.due_at,
    )
    capa = selectors.capa_for(request.user, capa.pk)
    return Status(201, capa_json(capa, selectors.capa_numbers(request.user, capa)))


@router.get("/capas", response=CapaList, summary="CAPAs in your data scope (and your own)")
def list_capas(
    request,
    owner: str | None = Query(None, max_length=150),
    status: str | None = Query(None, pattern="^(open|done|verified)$"),
    department: str | None = Query(None, max_length=20),
    overdue: bool = False,
    limit: int = Query(200, ge=1, le=500),
):
    capas = selectors.capa_list(
        request.user,
        now=timezone.now(),
        owner=owner,
        status=status,
        overdue=overdue,
        department=department,
        limit=limit,
    )
    return {"items": [capa_json(c, c.numbers) for c in capas]}


@router.get("/capas/{capa_id}", response=CapaOut, summary="One CAPA")
def get_capa(request, capa_id: int):
    capa = selectors.capa_for(request.user, capa_id)
    return capa_json(capa, selectors.capa_numbers(request.user, capa))


@router.patch("/capas/{capa_id}", response=CapaOut, summary="Report a CAPA done, with its evidence")
def patch_capa(request, capa_id: int, payload: CapaPatch):
    capa = selectors.capa_for(request.user, capa_id)
    actions.do_complete_capa(
        capa,
        actor=request.user,
        now=timezone.now(),
        evidence=payload.evidence,
        status=payload.status,
        version=payload.version,
    )
    capa = selectors.capa_for(request.user, capa_id)
    return capa_json(capa, selectors.capa_numbers(request.user, capa))


@router.post("/capas/{capa_id}/verify", response=CapaOut, summary="Verify a done CAPA's effectiveness (quality)")
def verify_capa(request, capa_id: int, payload: VerifyIn):
    """Effective: the CAPA is verified. Not effective: it is reopened with `new_due_at` (required then)."""
    capa = selectors.capa_for(request.user, capa_id)
    actions.do_verify_capa(
        capa,
        actor=request.user,
        now=timezone.now(),
        method=payload.method,
        result=payload.result,
        effective=payload.effective,
        new_due_at=payload.new_due_at,
        version=payload.version,
    )
    capa = selectors.capa_for(request.user, capa_id)
    return capa_json(capa, selectors.capa_numbers(request.user, capa))
