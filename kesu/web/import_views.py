"""Importing old complaint records (R-IN-5): upload a sheet → map its columns → check it (the dry run: every bad
row on the page and as an .xlsx) → import all rows or none. For administrators, supervisors and directors
(checked here on every request, not only by hiding the link)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from kesu.channels.imports import runs
from kesu.channels.imports.columns import FIELDS
from kesu.channels.imports.models import ImportMapping, ImportRun, RunStatus
from kesu.channels.imports.services import ImportFailed, errors_workbook, may_import
from kesu.core.errors import DomainError, Forbidden

from .views import _error_page

ERRORS_SHOWN = 500
SAMPLE_ROWS = 5


def _allowed(request) -> HttpResponse | None:
    if not may_import(request.user):
        return _error_page(request, Forbidden(_("Your role may not import complaint records.")))
    return None


def _run_or_404(run_id: int) -> ImportRun:
    run = ImportRun.objects.filter(pk=run_id).select_related("created_by").first()
    if run is None:
        raise Http404(_("No such import."))
    return run


@login_required
@require_http_methods(["GET", "POST"])
def imports(request) -> HttpResponse:
    if (denied := _allowed(request)) is not None:
        return denied
    error = None
    if request.method == "POST":
        upload = request.FILES.get("file")
        mapping = None
        if request.POST.get("mapping"):
            mapping = (
                ImportMapping.objects.filter(pk=request.POST["mapping"]).first()
                if request.POST["mapping"].isdigit()
                else None
            )
        if upload is None:
            error = _("Choose the .xlsx or .csv file to import.")
        else:
            try:
                run = runs.do_upload(
                    file_name=upload.name,
                    chunks=upload.chunks(),
                    actor=request.user,
                    now=timezone.now(),
                    mapping=mapping,
                )
            except DomainError as exc:
                error = exc.message
            else:
                return redirect("web:import_run", run_id=run.pk)
    context = {
        "nav": "imports",
        "runs": ImportRun.objects.select_related("created_by").defer("errors", "preview")[:30],
        "mappings": ImportMapping.objects.all(),
        "fields": FIELDS,
        "error": error,
    }
    return render(request, "web/imports/index.html", context, status=400 if error else 200)


@login_required
@require_http_methods(["GET", "POST"])
def import_run(request, run_id: int) -> HttpResponse:
    """The mapping with a sample of the file; after the check its report (errors or a preview) and the import."""
    if (denied := _allowed(request)) is not None:
        return denied
    run = _run_or_404(run_id)
    field_errors: dict[str, list[str]] = {}
    status = 200
    if request.method == "POST":
        columns = {}
        for index in range(len(run.headers)):
            columns[index] = (request.POST.get(f"col_{index}") or "").strip()
        now = timezone.now()
        try:
            runs.do_map(run, columns=columns, actor=request.user, now=now, save_as=request.POST.get("save_as", ""))
            report = runs.do_check(run, actor=request.user, now=now)
        except DomainError as exc:
            if not exc.fields:
                return _error_page(request, exc)
            field_errors = exc.fields
            status = 400
        else:
            if report.ok:
                messages.success(request, _("All %(count)s rows can be imported.") % {"count": report.rows})
            return redirect("web:import_run", run_id=run.pk)
    chosen = runs.run_columns(run)
    if status == 400:
        chosen = {i: (request.POST.get(f"col_{i}") or "") for i in range(len(run.headers))}
    sample: list[list] = []
    if run.stored_path and run.status != RunStatus.IMPORTED:
        try:
            table = runs.run_table(run)
            for _number, values in table.rows():
                sample.append(values)
                if len(sample) >= SAMPLE_ROWS:
                    break
        except DomainError:
            sample = []
    columns = [
        {
            "index": index,
            "header": header,
            "field": chosen.get(index, ""),
            "errors": field_errors.get(f"col_{index}", []),
            "sample": [row[index] if index < len(row) else "" for row in sample],
        }
        for index, header in enumerate(run.headers)
    ]
    error_rows = len({e["row"] for e in run.errors})
    context = {
        "nav": "imports",
        "run": run,
        "columns": columns,
        "fields": FIELDS,
        "mapped": set(chosen.values()),
        "errors": run.errors[:ERRORS_SHOWN],
        "error_count": len(run.errors),
        "error_rows": error_rows,
        "errors_cut": len(run.errors) > ERRORS_SHOWN,
        "form_error": field_errors.get("save_as", []),
        "save_as": request.POST.get("save_as", "") if request.method == "POST" else "",
    }
    return render(request, "web/imports/run.html", context, status=status)


@login_required
@require_POST
def import_start(request, run_id: int) -> HttpResponse:
    if (denied := _allowed(request)) is not None:
        return denied
    run = _run_or_404(run_id)
    try:
        result = runs.do_import(run, actor=request.user, now=timezone.now())
    except ImportFailed as exc:
        messages.error(request, exc.message)
        return redirect("web:import_run", run_id=run.pk)
    except DomainError as exc:
        return _error_page(request, exc)
    messages.success(request, _("%(count)s complaints were imported.") % {"count": result.imported})
    return redirect("web:import_run", run_id=run.pk)


@login_required
def import_errors(request, run_id: int) -> HttpResponse:
    """Every bad row of the last check as an .xlsx: row, column, value, message."""
    if (denied := _allowed(request)) is not None:
        return denied
    run = _run_or_404(run_id)
    data = errors_workbook(run.errors, file_name=run.file_name)
    response = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="import-{run.pk}-errors.xlsx"'
    return response


urlpatterns: list = [
    path("imports/", imports, name="imports"),
    path("imports/<int:run_id>/", import_run, name="import_run"),
    path("imports/<int:run_id>/import", import_start, name="import_start"),
    path("imports/<int:run_id>/errors.xlsx", import_errors, name="import_errors"),
]
