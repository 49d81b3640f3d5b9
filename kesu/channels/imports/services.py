"""Checking and importing a sheet of old complaints: every bad row reported, and all rows or none stored.

    table = open_table(path)
    columns = guess_columns(table.headers)                   # {column index: field}, or the user's mapping
    report = check_table(table, columns, now=now, actor=user)  # the dry run: report.rows, report.errors
    result = import_table(table, columns, now=now, actor=user, run=run)  # ImportFailed(errors) → nothing stored

The import validates and inserts in one pass inside one transaction (on SQLite behind the intakes' write queue):
the first bad row stops the inserting, the check goes on to the last row so that every bad row is named, and the
transaction is rolled back.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from kesu.accounts.models import User
from kesu.complaints import writequeue
from kesu.complaints.actions import ComplaintInput, CustomerInput
from kesu.complaints.importing import Importer, ImportResult, ImportRow
from kesu.complaints.models import Channel
from kesu.core.errors import DomainError

from .columns import DEFAULT_CHANNEL, FIELD_BY_NAME, FIELDS, REQUIRED, channel_of, status_of
from .models import ImportRun, RunStatus
from .reader import Table, cell_text, parse_moment, shown_value

# Who may import old records: an import writes history for the whole organisation.
IMPORT_ROLES = frozenset({"admin", "supervisor", "director"})
PREVIEW_ROWS = 10

# The intake's field names (actions._validate_create) → the sheet's fields.
_INTAKE_FIELDS = {
    "customer.name": "customer_name",
    "customer.phone": "phone",
    "customer.email": "email",
    "customer.external_id": "phone",
    "legacy_no": "legacy_number",
}


def may_import(user: Any) -> bool:
    return bool(user and user.is_authenticated and user.is_active and user.role in IMPORT_ROLES)


def max_bytes() -> int:
    return int(getattr(settings, "KESU_IMPORT_MAX_BYTES", 200 * 1024 * 1024))


@dataclass(frozen=True)
class RowError:
    row: int  # as the spreadsheet numbers rows: the header is row 1
    column: str  # the header as the sheet writes it (the documented header if the sheet lacks the column)
    value: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def line(self) -> str:
        return f"row {self.row}: {self.column}: {self.message}"


@dataclass
class Report:
    rows: int = 0
    errors: list[RowError] = field(default_factory=list)
    preview: list[dict[str, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


class ImportFailed(DomainError):
    def __init__(self, report: Report) -> None:
        super().__init__(
            "validation_error",
            _("%(count)s rows have errors; nothing was imported.") % {"count": len({e.row for e in report.errors})},
        )
        self.report = report


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with Path(path).open("rb") as f:
        while chunk := f.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def column_headers(table: Table, columns: dict[int, str]) -> dict[str, str]:
    """{field: the header it is read from}, and the documented header for a field the sheet lacks."""
    names = {f.name: f.header for f in FIELDS}
    names.update({name: table.headers[index] or FIELD_BY_NAME[name].header for index, name in columns.items()})
    return names


def check_table(table: Table, columns: dict[int, str], *, now: dt.datetime, actor: User | None) -> Report:
    """The dry run: every bad row of the sheet, and a preview of its first rows; nothing is written."""
    importer = Importer(actor=actor, now=now, source={})
    return _walk(table, columns, importer, insert=False)


def import_table(
    table: Table,
    columns: dict[int, str],
    *,
    now: dt.datetime,
    actor: User | None,
    run: ImportRun,
    sha256: str,
) -> ImportResult:
    """Import every row or none: ImportFailed (with the report of every bad row) leaves the database as it was.
    `run` is saved with the outcome inside the same transaction (a new run gets its id there)."""
    with writequeue.turn(), transaction.atomic():
        done = (
            ImportRun.objects.filter(sha256=sha256, status=RunStatus.IMPORTED).exclude(pk=run.pk).order_by("id").first()
        )
        if done is not None:
            report = Report(
                errors=[
                    RowError(
                        table.header_row,
                        _("file"),
                        run.file_name,
                        _("This file was imported already (import #%(id)s of %(date)s).")
                        % {
                            "id": done.pk,
                            "date": formats.date_format(timezone.localtime(done.created_at), "Y-m-d H:i"),
                        },
                    )
                ]
            )
            raise ImportFailed(report)
        run.save()
        importer = Importer(actor=actor, now=now, source={"file": run.file_name, "run": run.pk})
        report = _walk(table, columns, importer, insert=True)
        if not report.ok:
            raise ImportFailed(report)
        result = importer.finish()
        run.status = RunStatus.IMPORTED
        run.rows = report.rows
        run.imported = result.imported
        run.errors = []
        run.first_number, run.last_number = result.first_number, result.last_number
        run.first_complaint_id, run.last_complaint_id = result.first_id, result.last_id
        run.finished_at = now
        run.save()
        return result


def _walk(table: Table, columns: dict[int, str], importer: Importer, *, insert: bool) -> Report:
    report = Report()
    headers = column_headers(table, columns)
    for name in REQUIRED:
        if name not in columns.values():
            report.errors.append(
                RowError(table.header_row, headers[name], "", _("The sheet has no column for this (required)."))
            )
    legacy_rows: dict[str, int] = {}
    for number, values in table.rows():
        report.rows += 1
        raw = {name: values[index] for index, name in columns.items()}
        row, problems = to_row(number, raw, importer)
        clean = None
        try:
            clean = importer.check(row)
        except DomainError as exc:
            for name, messages in exc.fields.items():
                target = _INTAKE_FIELDS.get(name, name)
                if name == "title" and "description" in problems:
                    continue  # "give a title or a description": the missing description says it
                if target in problems:
                    continue  # the cell's own problem was said already (a date that is no date)
                problems.setdefault(target, []).extend(messages)
        legacy = row.data.legacy_no
        if legacy:
            if legacy in legacy_rows:
                problems.setdefault("legacy_number", []).append(
                    _("The legacy number %(number)s is in row %(row)s too.")
                    % {"number": legacy, "row": legacy_rows[legacy]}
                )
            else:
                legacy_rows[legacy] = number
        if problems:
            for name, messages in sorted(problems.items(), key=lambda item: _field_order(item[0])):
                for message in messages:
                    report.errors.append(
                        RowError(number, headers.get(name, name), shown_value(raw.get(name)), str(message))
                    )
            continue
        if len(report.preview) < PREVIEW_ROWS:
            report.preview.append(_preview(row, clean or {}))
        if insert and report.ok and clean is not None:
            importer.add(row, clean)
    return report


def _field_order(name: str) -> int:
    for index, f in enumerate(FIELDS):
        if f.name == name:
            return index
    return len(FIELDS)


def to_row(number: int, raw: dict[str, Any], importer: Importer) -> tuple[ImportRow, dict[str, list[str]]]:
    """The row as an intake's input, and what is wrong with its cells before the intake's rules look at it."""
    problems: dict[str, list[str]] = {}
    text = {name: cell_text(value) for name, value in raw.items()}

    def moment(name: str) -> dt.datetime | None:
        try:
            return parse_moment(raw.get(name))
        except (ValueError, OverflowError, TypeError):
            problems.setdefault(name, []).append(_("Enter a date such as 2024-03-05, 2024/3/5 or 2024年3月5日 14:30."))
            return None

    received_at = moment("received_at")
    closed_at = moment("closed_at")
    status = status_of(text.get("status", ""))
    if status is None:
        problems.setdefault("status", []).append(
            _(
                "Unknown status “%(value)s”: write 已结案 (closed), 已归档 (archived), "
                "or leave it empty for an open complaint."
            )
            % {"value": text["status"]}
        )
        status = "new"
    elif closed_at is not None and not text.get("status"):
        status = "closed"  # a closing date and no status: it was closed
    elif status == "new":
        closed_at = None
    channel = DEFAULT_CHANNEL
    if text.get("channel"):
        found = channel_of(text["channel"])
        if found is None:
            problems.setdefault("channel", []).append(
                _("Unknown channel “%(value)s”; use one of: %(choices)s.")
                % {"value": text["channel"], "choices": "、".join(str(c.label) for c in Channel)}
            )
        else:
            channel = found
    if not text.get("description"):
        problems.setdefault("description", []).append(_("This field is required."))
    data = ComplaintInput(
        channel=channel,
        customer=CustomerInput(
            name=text.get("customer_name", ""), phone=text.get("phone", ""), email=text.get("email", "")
        ),
        title=text.get("title", ""),
        description=text.get("description", ""),
        type_code=importer.type_code(text.get("type_code", "")),
        product=text.get("product", ""),
        product_model=text.get("product_model", ""),
        product_code=text.get("product_code", ""),
        batch_no=text.get("batch_no", ""),
        order_no=text.get("order_no", ""),
        store=text.get("store", ""),
        legacy_no=text.get("legacy_number", ""),
        received_at=received_at,
    )
    return ImportRow(row=number, data=data, status=status, closed_at=closed_at), problems


def _preview(row: ImportRow, clean: dict[str, Any]) -> dict[str, str]:
    from kesu.complaints.states import Status

    received = clean.get("received_at")
    category = clean.get("category")
    return {
        "row": str(row.row),
        "received_at": formats.date_format(timezone.localtime(received), "Y-m-d H:i") if received else "",
        "customer_name": clean.get("customer_name", ""),
        "phone": clean.get("customer_phone", ""),
        "title": clean.get("title", ""),
        "type": category.display_name if category else "",
        "channel": str(Channel(clean["channel"]).label) if clean.get("channel") else "",
        "status": str(Status(row.status).label),
        "legacy_number": clean.get("legacy_no", ""),
    }


def errors_workbook(errors: list[dict[str, Any]] | list[RowError], *, file_name: str) -> bytes:
    """The report of bad rows as an .xlsx (row, column, value, message), through kesu.documents.excel."""
    from kesu.documents.excel import Column, Workbook

    rows: Iterator[tuple[Any, ...]] = (
        (e["row"], e["column"], e["value"], e["message"])
        if isinstance(e, dict)
        else (e.row, e.column, e.value, e.message)
        for e in errors
    )
    book = Workbook()
    book.table_sheet(
        _("Errors"),
        [
            Column(_("Row"), width=8, kind="int"),
            Column(_("Column"), width=16),
            Column(_("Value"), width=30),
            Column(_("Message"), width=60, kind="wrap"),
        ],
        rows,
        captions=[_("Rows that cannot be imported: %(file)s") % {"file": file_name}],
    )
    return book.save()
