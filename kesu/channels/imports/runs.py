"""The steps of an import in the web (or any caller that keeps the file between steps): upload, map the
columns, check (the dry run), import. Each step is one function that records its outcome on the ImportRun.

    run = do_upload(file_name=…, chunks=request.FILES["file"].chunks(), actor=user, now=now)
    do_map(run, columns={0: "received_at", 3: "description"}, actor=user, now=now, save_as="旧系统导出")
    report = do_check(run, actor=user, now=now)            # run.status: checked | invalid, run.errors
    result = do_import(run, actor=user, now=now)           # ImportFailed: nothing stored, run.errors say why
"""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from collections.abc import Iterable
from pathlib import Path

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from kesu.accounts.models import User
from kesu.complaints.importing import ImportResult
from kesu.core.errors import DomainError, Forbidden, ValidationFailed
from kesu.core.text import clean_text

from .columns import FIELD_BY_NAME, column_map_from_saved, guess_columns
from .models import ImportMapping, ImportRun, RunStatus
from .reader import Table, file_error, open_table
from .services import ImportFailed, Report, check_table, import_table, max_bytes, may_import

UPLOAD_DIR = "imports"


def _check_role(actor: User) -> None:
    if not may_import(actor):
        raise Forbidden(_("Your role may not import complaint records."))


def stored_file(run: ImportRun) -> Path:
    return Path(settings.MEDIA_ROOT) / run.stored_path


def run_table(run: ImportRun) -> Table:
    path = stored_file(run)
    if not run.stored_path or not path.is_file():
        raise DomainError("invalid_transition", _("The uploaded file is no longer kept: upload it again."))
    return open_table(path, name=run.file_name)


def run_columns(run: ImportRun) -> dict[int, str]:
    return {int(index): name for index, name in (run.columns or {}).items()}


def do_upload(
    *,
    file_name: str,
    chunks: Iterable[bytes],
    actor: User,
    now: dt.datetime,
    mapping: ImportMapping | None = None,
) -> ImportRun:
    """Keep the uploaded sheet, read its headers and guess (or apply `mapping` to) its columns."""
    _check_role(actor)
    name = Path(file_name or "").name[:255]
    suffix = Path(name).suffix.lower()
    if suffix not in (".xlsx", ".xlsm", ".csv", ".txt", ".tsv"):
        open_table(Path(name or "upload"), name=name)  # raises the message for the format
        raise file_error(_("Upload an .xlsx workbook or a .csv file."))
    directory = Path(settings.MEDIA_ROOT) / UPLOAD_DIR
    directory.mkdir(parents=True, exist_ok=True)
    relative = f"{UPLOAD_DIR}/{uuid.uuid4().hex}{suffix}"
    target = Path(settings.MEDIA_ROOT) / relative
    digest, size, limit = hashlib.sha256(), 0, max_bytes()
    try:
        with target.open("wb") as f:
            for chunk in chunks:
                size += len(chunk)
                if size > limit:
                    raise DomainError(
                        "too_large",
                        _("The file is larger than %(max)s MB.") % {"max": limit // (1024 * 1024)},
                        field="file",
                    )
                digest.update(chunk)
                f.write(chunk)
        if size == 0:
            raise file_error(_("The file is empty."))
        table = open_table(target, name=name)
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    if mapping is not None:
        columns = column_map_from_saved(table.headers, mapping.columns)
    else:
        columns = guess_columns(table.headers)
    return ImportRun.objects.create(
        file_name=name,
        sha256=digest.hexdigest(),
        size=size,
        stored_path=relative,
        headers=table.headers,
        columns={str(i): f for i, f in columns.items()},
        status=RunStatus.UPLOADED,
        created_by=actor,
        created_at=now,
    )


def do_map(run: ImportRun, *, columns: dict[int, str], actor: User, now: dt.datetime, save_as: str = "") -> ImportRun:
    """Set which column holds which field (each field at most once); `save_as` keeps it as a named mapping."""
    _check_role(actor)
    if run.status == RunStatus.IMPORTED:
        raise DomainError("invalid_transition", _("This file has been imported."))
    seen: dict[str, int] = {}
    errors: dict[str, list[str]] = {}
    for index, name in sorted(columns.items()):
        if not name:
            continue
        if name not in FIELD_BY_NAME or not 0 <= index < len(run.headers):
            errors.setdefault(f"col_{index}", []).append(_("Unknown field."))
        elif name in seen:
            errors.setdefault(f"col_{index}", []).append(
                _("“%(field)s” is already read from the column “%(header)s”.")
                % {"field": FIELD_BY_NAME[name].label, "header": run.headers[seen[name]]}
            )
        else:
            seen[name] = index
    save_as = clean_text(save_as, "save_as", required=False, max_length=100)
    if errors:
        raise DomainError("validation_error", _("Please correct the marked fields."), fields=errors)
    run.columns = {str(i): n for i, n in sorted(columns.items()) if n}
    run.status = RunStatus.UPLOADED
    run.errors, run.preview, run.rows = [], [], 0
    with transaction.atomic():
        run.save(update_fields=["columns", "status", "errors", "preview", "rows"])
        if save_as:
            saved = {run.headers[i]: n for i, n in sorted(columns.items()) if n and run.headers[i]}
            try:
                with transaction.atomic():
                    ImportMapping.objects.update_or_create(
                        name=save_as, defaults={"columns": saved, "created_by": actor, "created_at": now}
                    )
            except IntegrityError:  # pragma: no cover - a concurrent save of the same name
                raise ValidationFailed(_("A mapping of this name exists already."), field="save_as") from None
    return run


def do_check(run: ImportRun, *, actor: User, now: dt.datetime) -> Report:
    """The dry run: every bad row recorded on the run (status invalid), or the run ready to import (checked)."""
    _check_role(actor)
    if run.status == RunStatus.IMPORTED:
        raise DomainError("invalid_transition", _("This file has been imported."))
    report = check_table(run_table(run), run_columns(run), now=now, actor=actor)
    run.rows = report.rows
    run.errors = [e.as_dict() for e in report.errors]
    run.preview = report.preview
    run.status = RunStatus.CHECKED if report.ok else RunStatus.INVALID
    run.save(update_fields=["rows", "errors", "preview", "status"])
    return report


def do_import(run: ImportRun, *, actor: User, now: dt.datetime) -> ImportResult:
    """Import a checked run: all rows in one transaction. ImportFailed leaves nothing stored and the run invalid
    with the errors found (the file may have been checked before a type was retired, or imported meanwhile)."""
    _check_role(actor)
    if run.status != RunStatus.CHECKED:
        raise DomainError("invalid_transition", _("Check the file (dry run) without errors before importing it."))
    table = run_table(run)
    try:
        result = import_table(table, run_columns(run), now=now, actor=actor, run=run, sha256=run.sha256)
    except ImportFailed as exc:
        run.refresh_from_db()
        run.status = RunStatus.INVALID
        run.errors = [e.as_dict() for e in exc.report.errors]
        run.save(update_fields=["status", "errors"])
        raise
    discard_file(run)
    return result


def discard_file(run: ImportRun) -> None:
    """Forget the stored upload (a caller that will not come back for it: the API after a dry run or a refusal)."""
    if run.stored_path:
        stored_file(run).unlink(missing_ok=True)
        ImportRun.objects.filter(pk=run.pk).update(stored_path="")
        run.stored_path = ""
