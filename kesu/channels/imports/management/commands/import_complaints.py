"""manage.py import_complaints FILE [--dry-run]: import old complaint records from an .xlsx or .csv sheet."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from kesu.channels.imports.columns import guess_columns
from kesu.channels.imports.models import ImportRun, RunStatus
from kesu.channels.imports.reader import open_table
from kesu.channels.imports.services import ImportFailed, check_table, import_table, sha256_of
from kesu.core.errors import DomainError


class Command(BaseCommand):
    requires_system_checks: list = []
    help = (
        "Import old complaint records from FILE (.xlsx or .csv, UTF-8 or GB18030; headers in the first row, "
        "Chinese or English). All rows or none: each bad row is named on stderr as 'row R: COLUMN: message' "
        "and the exit status is 1. --dry-run checks only and stores nothing."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("file")
        parser.add_argument("--dry-run", action="store_true", help="check every row, store nothing; prints 'ok N'")

    def handle(self, *args, file: str, dry_run: bool, **options) -> None:
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"file: {file}: no such file")
        now = timezone.now()
        try:
            table = open_table(path)
        except DomainError as exc:
            raise CommandError(f"file: {exc.message}") from None
        columns = guess_columns(table.headers)
        if dry_run:
            report = check_table(table, columns, now=now, actor=None)
            if not report.ok:
                self._fail(report)
            self.stdout.write(f"ok {report.rows}")
            return
        run = ImportRun(
            file_name=path.name[:255],
            sha256=sha256_of(path),
            size=path.stat().st_size,
            headers=table.headers,
            columns={str(i): name for i, name in columns.items()},
            status=RunStatus.UPLOADED,
            created_at=now,
        )
        try:
            result = import_table(table, columns, now=now, actor=None, run=run, sha256=run.sha256)
        except ImportFailed as exc:
            self._fail(exc.report)
        self.stdout.write(f"imported {result.imported}")

    def _fail(self, report) -> None:
        for error in report.errors:
            self.stderr.write(error.line())
        raise SystemExit(1)
