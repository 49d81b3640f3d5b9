"""POST /api/v1/imports: the import of old complaint records (R-IN-5) for other systems and scripts.

multipart: `file` (.xlsx or .csv, headers as `manage.py import_complaints` reads them), `dry_run` (true: check
only). 200 `{"run", "rows", "ok": true}` after a clean dry run; 201 `{"run", "rows", "imported", "first_number",
"last_number"}` after an import; 422 `{"error": {"code": "validation_error", "message", "rows": [{"row",
"column", "value", "message"}, …]}}` when any row is bad (nothing stored). Administrators, supervisors and
directors only (403)."""

from __future__ import annotations

from django.http import JsonResponse
from django.utils import timezone
from ninja import File, Form, Router
from ninja.files import UploadedFile

from kesu.channels.imports import runs
from kesu.channels.imports.services import ImportFailed

router = Router(tags=["imports"])


def _rejected(message: str, errors: list[dict]) -> JsonResponse:
    return JsonResponse(
        {"error": {"code": "validation_error", "message": message, "rows": errors}},
        status=422,
        json_dumps_params={"ensure_ascii": False},
    )


@router.post("/imports", summary="Import old complaint records from an .xlsx or .csv sheet")
def create_import(request, file: File[UploadedFile], dry_run: Form[bool] = False):
    now = timezone.now()
    run = runs.do_upload(file_name=file.name or "", chunks=file.chunks(), actor=request.user, now=now)
    try:
        report = runs.do_check(run, actor=request.user, now=now)
        if not report.ok:
            return _rejected(ImportFailed(report).message, [e.as_dict() for e in report.errors])
        if dry_run:
            return JsonResponse({"run": run.pk, "rows": report.rows, "ok": True})
        result = runs.do_import(run, actor=request.user, now=now)
    except ImportFailed as exc:
        return _rejected(exc.message, [e.as_dict() for e in exc.report.errors])
    finally:
        runs.discard_file(run)
    return JsonResponse(
        {
            "run": run.pk,
            "rows": run.rows,
            "imported": result.imported,
            "first_number": result.first_number,
            "last_number": result.last_number,
        },
        status=201,
    )
