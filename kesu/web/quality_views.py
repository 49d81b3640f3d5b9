"""The investigation tab of a complaint (investigation record, containment, 8D, its CAPAs) and the CAPA list.

Thin views over kesu.quality: each POST parses the form, makes one domain call and shows the page again — with
the error next to its field and the input as typed when the domain refuses (400/403/409), nothing changed.
Who may see follows the complaint's data scope (access_complaint); who may change follows kesu.quality.actions.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from kesu.accounts.models import Department, User
from kesu.core.errors import DomainError, ValidationFailed
from kesu.documents.pdf import PdfUnavailable
from kesu.quality import actions, exports, selectors
from kesu.quality.actions import DOCUMENT_CODES, FIELDS, FISHBONE_KEYS
from kesu.quality.labels import DISCIPLINE_TITLES, DOCUMENT_LABELS, FIELD_LABELS
from kesu.quality.models import (
    CapaKind,
    CapaStatus,
    DisciplineStatus,
    Disposition,
    Partner,
    Place,
    Responsibility,
    RootCauseCategory,
)

from .views import _complaint_or_404, _error_page

TEAM_ROWS_EXTRA = 2
WHY_ROWS = 5


def _int(value: str, field: str) -> int:
    value = (value or "").strip()
    if not value:
        return 0
    try:
        return int(value)
    except ValueError:
        raise ValidationFailed(_("Enter a whole number."), field=field) from None


def _local_moment(value: str) -> dt.datetime | str:
    """A datetime-local input (2026-12-10T17:00) in the organisation's time zone; as typed when it is not one."""
    value = (value or "").strip()
    parsed = parse_datetime(value) if value else None
    if parsed is None:
        return value
    return timezone.make_aware(parsed) if timezone.is_naive(parsed) else parsed


def _input_value(value: dt.datetime | None) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%dT%H:%M") if value else ""


# ---------------------------------------------------------------------------------------------
# The investigation page


def _discipline_forms(disciplines, posted: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """Each discipline with the widgets its fields need, filled from the report (or what was just typed)."""
    out = []
    for code, spec in FIELDS.items():
        d = disciplines[code]
        content = (posted or {}).get(code, d.content) or {}
        fields = []
        for key, kind in spec.items():
            value = content.get(key)
            field: dict[str, Any] = {"key": key, "kind": kind, "label": FIELD_LABELS[key], "name": f"{code}-{key}"}
            if kind == "lines":
                lines = list(value or [])
                field["rows"] = lines + [""] * max(0, WHY_ROWS - len(lines))
            elif kind == "fishbone":
                field["rows"] = [(k, RootCauseCategory(k).label, (value or {}).get(k, "")) for k in FISHBONE_KEYS]
            elif kind == "documents":
                field["rows"] = [(k, DOCUMENT_LABELS[k], k in (value or [])) for k in DOCUMENT_CODES]
            elif kind == "team":
                team = list(value or [])
                field["rows"] = team + [{"name": "", "role": "", "department": ""}] * TEAM_ROWS_EXTRA
            else:
                field["value"] = value or ""
            fields.append(field)
        out.append(
            {
                "code": code,
                "title": DISCIPLINE_TITLES[code],
                "view": d,
                "fields": fields,
                "done": d.status == DisciplineStatus.DONE,
            }
        )
    return out


def _page(
    request,
    complaint,
    *,
    status: int = 200,
    errors: dict | None = None,
    posted: dict | None = None,
    tab: str = "investigation",
) -> HttpResponse:
    user = request.user
    investigation = selectors.investigation_of(complaint)
    capas = selectors.capas_of(complaint)
    disciplines = selectors.disciplines_of(complaint, investigation=investigation, capas=capas)
    rows = selectors.containment_of(complaint)
    posted = posted or {}
    context = {
        "nav": "inbox",
        "complaint": complaint,
        "c": complaint,
        "tab": tab,
        "errors": errors or {},
        "posted": posted,
        "may_edit": actions.may_edit(complaint, user),
        "may_verify": actions.may_verify(user),
        "investigation": investigation,
        "inv": posted.get("investigation")
        or {
            "checked": investigation.checked if investigation else "",
            "responsibility": investigation.responsibility if investigation else "",
            "responsible_department": investigation.responsible_department.code
            if investigation and investigation.responsible_department
            else (complaint.department.code if complaint.department_id else ""),
            "partner": investigation.partner.code if investigation and investigation.partner else "",
            "root_cause_category": investigation.root_cause_category if investigation else "",
            "root_cause": investigation.root_cause if investigation else "",
            "impact": investigation.impact if investigation else "",
            "version": investigation.version if investigation else 0,
        },
        "responsibilities": Responsibility.choices,
        "categories": RootCauseCategory.choices,
        "departments": Department.objects.filter(active=True).order_by("code"),
        "partners": Partner.objects.filter(active=True).order_by("kind", "code"),
        "rows": rows,
        "totals": selectors.containment_totals(rows),
        "place_totals": selectors.place_totals(rows),
        "places": Place.choices,
        "dispositions": Disposition.choices,
        "row_input": posted.get("containment") or {},
        "disciplines": _discipline_forms(disciplines, posted.get("disciplines")),
        "progress": selectors.progress(disciplines),
        "discipline_statuses": DisciplineStatus.choices,
        "revisions": selectors.revision_numbers(complaint),
        "capas": capas,
        "capa_kinds": CapaKind.choices,
        "capa_input": posted.get("capa") or {},
        "gate": actions.capa_gate_message(complaint),
        "people": User.objects.filter(is_active=True).order_by("username").only("username", "display_name"),
        "now": timezone.now(),
    }
    return render(request, "web/quality/investigation.html", context, status=status)


@login_required
@require_GET
def investigation_page(request, number: str) -> HttpResponse:
    complaint = _complaint_or_404(request.user, number)
    tab = request.GET.get("tab", "investigation")
    return _page(
        request, complaint, tab=tab if tab in ("investigation", "containment", "8d", "capa") else "investigation"
    )


def _refused(request, complaint, exc: DomainError, *, tab: str, posted: dict) -> HttpResponse:
    if exc.code in ("not_found",):
        return _error_page(request, exc)
    errors = dict(exc.fields) if exc.fields else {"__all__": [exc.message]}
    if exc.fields and exc.code != "validation_error":
        errors.setdefault("__all__", []).append(exc.message)
    return _page(request, complaint, status=exc.http_status, errors=errors, posted=posted, tab=tab)


def _back(number: str, tab: str, anchor: str = "") -> HttpResponse:
    return redirect(f"{reverse('web:investigation', args=[number])}?tab={tab}{anchor}")


@login_required
@require_POST
def investigation_save(request, number: str) -> HttpResponse:
    complaint = _complaint_or_404(request.user, number)
    p = request.POST
    values = {
        k: p.get(k, "")
        for k in (
            "checked",
            "responsibility",
            "responsible_department",
            "partner",
            "root_cause_category",
            "root_cause",
            "impact",
        )
    }
    values["version"] = p.get("version", "")
    try:
        version = _int(values["version"], "version") if values["version"] else None
        actions.do_save_investigation(
            complaint,
            actor=request.user,
            now=timezone.now(),
            checked=values["checked"],
            responsibility=values["responsibility"],
            responsible_department=values["responsible_department"]
            if values["responsibility"] == Responsibility.INTERNAL
            else None,
            partner=values["partner"] if values["responsibility"] in actions.PARTNER_RESPONSIBILITIES else None,
            root_cause_category=values["root_cause_category"],
            root_cause=values["root_cause"],
            impact=values["impact"],
            version=version,
        )
    except DomainError as exc:
        return _refused(request, complaint, exc, tab="investigation", posted={"investigation": values})
    messages.success(request, _("The investigation is saved."))
    return _back(number, "investigation")


@login_required
@require_GET
def impact_panel(request, number: str) -> HttpResponse:
    complaint = _complaint_or_404(request.user, number)
    impact = selectors.impact_of(complaint, request.user)
    return render(request, "web/quality/_impact.html", {"impact": impact, "c": complaint})


@login_required
@require_POST
def containment_add(request, number: str) -> HttpResponse:
    complaint = _complaint_or_404(request.user, number)
    p = request.POST
    values = {k: p.get(k, "") for k in ("place", "checked", "suspect", "bad", "action", "disposition")}
    try:
        actions.do_add_containment(
            complaint,
            actor=request.user,
            now=timezone.now(),
            place=values["place"],
            checked=_int(values["checked"], "checked"),
            suspect=_int(values["suspect"], "suspect"),
            bad=_int(values["bad"], "bad"),
            action=values["action"],
            disposition=values["disposition"],
        )
    except DomainError as exc:
        return _refused(request, complaint, exc, tab="containment", posted={"containment": values})
    messages.success(request, _("The containment row is recorded."))
    return _back(number, "containment", "#containment-new")


def _posted_content(code: str, post) -> dict[str, Any]:
    content: dict[str, Any] = {}
    for key, kind in FIELDS[code].items():
        name = f"{code}-{key}"
        if kind == "text":
            content[key] = post.get(name, "")
        elif kind == "lines":
            content[key] = [v for v in post.getlist(name) if v.strip()]
        elif kind == "fishbone":
            content[key] = {
                k: post.get(f"{name}-{k}", "") for k in FISHBONE_KEYS if post.get(f"{name}-{k}", "").strip()
            }
        elif kind == "documents":
            content[key] = post.getlist(name)
        elif kind == "team":
            names, roles, departments = (post.getlist(f"{name}-{f}") for f in ("name", "role", "department"))
            content[key] = [
                {"name": n, "role": r, "department": d}
                for n, r, d in zip(names, roles, departments, strict=False)
                if n.strip() or r.strip() or d.strip()
            ]
    return content


@login_required
@require_POST
def discipline_save(request, number: str, code: str) -> HttpResponse:
    complaint = _complaint_or_404(request.user, number)
    if code not in FIELDS:
        raise Http404(code)
    content = _posted_content(code, request.POST)
    try:
        version = request.POST.get("version", "")
        actions.do_save_discipline(
            complaint,
            actor=request.user,
            now=timezone.now(),
            code=code,
            content=content,
            status=request.POST.get("status", DisciplineStatus.OPEN),
            owner=request.POST.get("owner", "").strip() or None,
            version=_int(version, "version") if version.strip() else None,
        )
    except DomainError as exc:
        return _refused(request, complaint, exc, tab="8d", posted={"disciplines": {code: content}})
    messages.success(request, _("%(discipline)s is saved.") % {"discipline": code.upper()})
    return _back(number, "8d", f"#disc-{code}")


@login_required
@require_POST
def revision_freeze(request, number: str) -> HttpResponse:
    complaint = _complaint_or_404(request.user, number)
    try:
        revision = actions.do_freeze_revision(complaint, actor=request.user, now=timezone.now())
    except DomainError as exc:
        return _refused(request, complaint, exc, tab="8d", posted={})
    messages.success(request, _("Revision %(n)s of the 8D report is frozen.") % {"n": revision.number})
    return _back(number, "8d", "#revisions")


def _download(request, number: str, fmt: str) -> HttpResponse:
    complaint = _complaint_or_404(request.user, number)
    revision = request.GET.get("revision") or None
    try:
        number_ = int(revision) if revision else None
        if fmt == "pdf":
            download = exports.pdf(complaint, lang=request.GET.get("lang"), revision=number_)
        else:
            download = exports.xlsx(complaint, lang=request.GET.get("lang"), revision=number_)
    except ValueError:
        raise Http404(revision) from None
    except PdfUnavailable:
        return HttpResponse(_("PDF printing is not installed on this server."), status=503)
    except DomainError as exc:
        return _error_page(request, exc)
    response = HttpResponse(download.content, content_type=download.content_type)
    response["Content-Disposition"] = f'attachment; filename="{download.filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def eightd_pdf(request, number: str) -> HttpResponse:
    return _download(request, number, "pdf")


@login_required
@require_GET
def eightd_xlsx(request, number: str) -> HttpResponse:
    return _download(request, number, "xlsx")


# ---------------------------------------------------------------------------------------------
# CAPA


@login_required
@require_POST
def capa_create(request, number: str) -> HttpResponse:
    complaint = _complaint_or_404(request.user, number)
    p = request.POST
    values = {k: p.get(k, "") for k in ("kind", "action", "owner", "due_at", "others")}
    try:
        complaints = [complaint]
        for other in values["others"].replace("，", ",").replace("、", ",").split(","):
            other = other.strip()
            if other and other != complaint.number:
                try:
                    complaints.append(_complaint_or_404(request.user, other))
                except Http404:
                    raise ValidationFailed(
                        _("Complaint %(number)s was not found.") % {"number": other[:40]}, field="others"
                    ) from None
        actions.do_create_capa(
            complaints,
            actor=request.user,
            now=timezone.now(),
            kind=values["kind"],
            action=values["action"],
            owner=values["owner"],
            due_at=_local_moment(values["due_at"]),
        )
    except DomainError as exc:
        return _refused(request, complaint, exc, tab="capa", posted={"capa": values})
    messages.success(request, _("The corrective action is recorded."))
    return _back(number, "capa")


def _capa_or_404(user, capa_id: int):
    try:
        return selectors.capa_for(user, capa_id)
    except DomainError as exc:
        raise Http404(exc.message) from exc


def _capa_page(request, capa, *, status: int = 200, errors: dict | None = None, posted: dict | None = None):
    context = {
        "nav": "capas",
        "capa": capa,
        "numbers": selectors.capa_numbers(request.user, capa),
        "may_complete": actions.may_complete(capa, request.user, list(capa.complaints.all())),
        "may_verify": actions.may_verify(request.user),
        "errors": errors or {},
        "posted": posted or {},
        "now": timezone.now(),
    }
    return render(request, "web/quality/capa.html", context, status=status)


@login_required
@require_GET
def capa_detail(request, capa_id: int) -> HttpResponse:
    return _capa_page(request, _capa_or_404(request.user, capa_id))


def _capa_refused(request, capa, exc: DomainError, posted: dict) -> HttpResponse:
    errors = dict(exc.fields) if exc.fields else {}
    if not exc.fields or exc.code != "validation_error":
        errors.setdefault("__all__", []).append(exc.message)
    return _capa_page(
        request, _capa_or_404(request.user, capa.pk), status=exc.http_status, errors=errors, posted=posted
    )


def _next(request, capa) -> HttpResponse:
    target = request.POST.get("next", "")
    if target.startswith("/") and not target.startswith("//"):
        return redirect(target)
    return redirect("web:capa", capa_id=capa.pk)


@login_required
@require_POST
def capa_done(request, capa_id: int) -> HttpResponse:
    capa = _capa_or_404(request.user, capa_id)
    evidence = request.POST.get("evidence", "")
    try:
        actions.do_complete_capa(capa, actor=request.user, now=timezone.now(), evidence=evidence)
    except DomainError as exc:
        return _capa_refused(request, capa, exc, {"evidence": evidence})
    messages.success(request, _("The corrective action is reported done; quality verifies it next."))
    return _next(request, capa)


@login_required
@require_POST
def capa_verify(request, capa_id: int) -> HttpResponse:
    capa = _capa_or_404(request.user, capa_id)
    p = request.POST
    values = {k: p.get(k, "") for k in ("method", "result", "effective", "new_due_at")}
    effective = {"yes": True, "no": False}.get(values["effective"], values["effective"] or None)
    try:
        actions.do_verify_capa(
            capa,
            actor=request.user,
            now=timezone.now(),
            method=values["method"],
            result=values["result"],
            effective=effective,
            new_due_at=_local_moment(values["new_due_at"]) or None,
        )
    except DomainError as exc:
        return _capa_refused(request, capa, exc, values)
    if effective:
        messages.success(request, _("Verified effective."))
    else:
        messages.warning(request, _("Not effective: the action is reopened with its new due date."))
    return _next(request, capa)


CAPA_TABS = ("mine", "department", "overdue", "open", "all")


@login_required
@require_GET
def capa_list(request) -> HttpResponse:
    tab = request.GET.get("tab", "mine")
    if tab not in CAPA_TABS:
        tab = "mine"
    user = request.user
    now = timezone.now()
    filters: dict[str, Any] = {}
    departments = list(user.departments.values_list("code", flat=True))
    if tab == "mine":
        filters["owner"] = user.username
    elif tab == "overdue":
        filters["overdue"] = True
    elif tab == "open":
        filters["status"] = CapaStatus.OPEN
    capas = (
        selectors.capa_list(user, now=now, **filters)
        if tab != "department"
        else [c for code in departments for c in selectors.capa_list(user, now=now, department=code)]
    )
    context = {"nav": "capas", "tab": tab, "tabs": CAPA_TABS, "capas": capas, "now": now, "departments": departments}
    return render(request, "web/quality/capas.html", context)


urlpatterns: list = [
    path("complaints/<str:number>/investigation", investigation_page, name="investigation"),
    path("complaints/<str:number>/investigation/save", investigation_save, name="investigation_save"),
    path("complaints/<str:number>/investigation/impact", impact_panel, name="investigation_impact"),
    path("complaints/<str:number>/containment", containment_add, name="containment_add"),
    path("complaints/<str:number>/8d/revisions", revision_freeze, name="eightd_freeze"),
    path("complaints/<str:number>/8d.pdf", eightd_pdf, name="eightd_pdf"),
    path("complaints/<str:number>/8d.xlsx", eightd_xlsx, name="eightd_xlsx"),
    path("complaints/<str:number>/8d/<str:code>", discipline_save, name="discipline_save"),
    path("complaints/<str:number>/capas", capa_create, name="capa_create"),
    path("capas", capa_list, name="capas"),
    path("capas/<int:capa_id>", capa_detail, name="capa"),
    path("capas/<int:capa_id>/done", capa_done, name="capa_done"),
    path("capas/<int:capa_id>/verify", capa_verify, name="capa_verify"),
]
