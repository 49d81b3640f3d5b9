"""Reading old complaint sheets: .xlsx (openpyxl, read-only, streamed) and .csv (UTF-8 with or without BOM,
GB18030, UTF-16 as Excel's "Unicode text"), their header row, and the cell values old sheets hold (dates
written every which way, phone numbers stored as numbers).

    table = open_table(path)           # DomainError naming "file" if it cannot be read
    table.headers                      # ["受理时间", "客户名称", …] as written
    table.header_row                   # spreadsheet number of the header row (1 unless a title is above it)
    for number, values in table.rows():  # spreadsheet row numbers; wholly empty rows are skipped
        ...
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from kesu.core.errors import DomainError

from .columns import guess_columns

# A title row ("2024年投诉记录表") may sit above the headers: the header row is the first of these many rows in
# which at least two cells are known headers.
HEADER_SEARCH_ROWS = 10
CSV_SNIFF_BYTES = 64 * 1024


def file_error(message: str) -> DomainError:
    return DomainError("validation_error", message, field="file")


@dataclass
class Table:
    headers: list[str]
    header_row: int
    _rows: Callable[[], Iterator[tuple[int, list[Any]]]]

    def rows(self) -> Iterator[tuple[int, list[Any]]]:
        """(row number as the spreadsheet numbers it, one value per header) for every non-empty row below the
        headers; a file may be read several times (a check, then the import)."""
        width = len(self.headers)
        for number, values in self._rows():
            if number <= self.header_row:
                continue
            values = list(values[:width])
            if not any(_present(v) for v in values):
                continue
            values.extend([None] * (width - len(values)))
            yield number, values


def _present(value: Any) -> bool:
    return value is not None and not (isinstance(value, str) and not value.strip())


def open_table(path: Path | str, *, name: str | None = None) -> Table:
    """The table in the file at `path`; `name` (the uploaded file's name) decides the format, else the path's."""
    path = Path(path)
    suffix = Path(name or path.name).suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        reader = _xlsx_rows(path)
    elif suffix in (".csv", ".txt", ".tsv"):
        reader = _csv_rows(path)
    elif suffix in (".xls", ".et"):
        raise file_error(_("Old .xls workbooks cannot be read: save the sheet as .xlsx or .csv in Excel or WPS."))
    else:
        raise file_error(_("Upload an .xlsx workbook or a .csv file."))
    header_row, headers = _find_headers(reader)
    if not any(headers):
        raise file_error(_("The file has no header row."))
    return Table(headers=headers, header_row=header_row, _rows=reader)


def _find_headers(reader: Callable[[], Iterator[tuple[int, list[Any]]]]) -> tuple[int, list[str]]:
    first: tuple[int, list[str]] | None = None
    for index, (number, values) in enumerate(reader()):
        if index >= HEADER_SEARCH_ROWS:
            break
        headers = [_header_text(v) for v in values]
        while headers and not headers[-1]:
            headers.pop()
        if not headers:
            continue
        if first is None:
            first = (number, headers)
        if len(guess_columns(headers)) >= 2:
            return number, headers
    return first or (1, [])


def _header_text(value: Any) -> str:
    if value is None:
        return ""
    return re.sub(r"\s+", " ", str(value)).strip()


# --- .xlsx -------------------------------------------------------------------------------------------------------


def _xlsx_rows(path: Path) -> Callable[[], Iterator[tuple[int, list[Any]]]]:
    from openpyxl import load_workbook

    try:
        # Loaded once for every pass: a sheet without a <dimension> (files written by streaming tools) is read
        # in full to size it when the workbook is opened.
        book = load_workbook(path, read_only=True, data_only=True)
        sheet = book.worksheets[0]
    except Exception:  # openpyxl raises many kinds for a file that is not a workbook
        raise file_error(_("The file is not a readable .xlsx workbook.")) from None
    # Some tools write a wrong <dimension>: read every cell there is instead of trusting it.
    sheet.reset_dimensions()

    def rows() -> Iterator[tuple[int, list[Any]]]:
        # openpyxl yields an empty row for each row the file leaves out, so rows count from 1 as Excel's do.
        for number, values in enumerate(sheet.iter_rows(min_row=1, values_only=True), start=1):
            yield number, list(values)

    return rows


# --- .csv --------------------------------------------------------------------------------------------------------


def detect_encoding(path: Path) -> str:
    """utf-8-sig, utf-16 (by their byte-order marks), utf-8 if the whole file decodes as such, else gb18030."""
    with path.open("rb") as f:
        head = f.read(4)
        if head.startswith(codecs.BOM_UTF8):
            return "utf-8-sig"
        if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return "utf-16"
        f.seek(0)
        decoder = codecs.getincrementaldecoder("utf-8")()
        try:
            while chunk := f.read(1 << 20):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
            return "utf-8"
        except UnicodeDecodeError:
            pass
        f.seek(0)
        decoder = codecs.getincrementaldecoder("gb18030")()
        try:
            while chunk := f.read(1 << 20):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            raise file_error(_("The file is neither UTF-8 nor GB18030 text.")) from None
        return "gb18030"


def _csv_rows(path: Path) -> Callable[[], Iterator[tuple[int, list[Any]]]]:
    encoding = detect_encoding(path)
    with path.open(encoding=encoding, newline="") as f:
        sample = f.read(CSV_SNIFF_BYTES)
    if "\x00" in sample:
        raise file_error(_("The file is not a text file."))
    try:
        dialect: Any = csv.Sniffer().sniff(sample.split("\n", 1)[0] or sample, delimiters=",\t;|")
    except csv.Error:
        dialect = csv.excel

    def numbered() -> Iterator[tuple[int, list[Any]]]:
        # Excel shows each record as one row, even one whose quoted cell spans lines: count records.
        with path.open(encoding=encoding, newline="") as f:
            yield from enumerate(csv.reader(f, dialect), start=1)

    return numbered


# --- cell values -------------------------------------------------------------------------------------------------

_DATE_RE = re.compile(
    r"^(?P<y>\d{4})\s*(?:[-/.年])\s*(?P<m>\d{1,2})\s*(?:[-/.月])\s*(?P<d>\d{1,2})\s*日?"
    r"(?:\s*[T\s]\s*(?P<H>\d{1,2})\s*[:：时点]\s*(?P<M>\d{1,2})\s*(?:[:：分]\s*(?P<S>\d{1,2})(?:\.\d+)?\s*秒?)?\s*分?)?"
    r"\s*(?P<tz>Z|[+-]\d{2}:?\d{2})?$"
)
_COMPACT_RE = re.compile(r"^(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})(?:\s*(?P<H>\d{2}):?(?P<M>\d{2})(?::?(?P<S>\d{2}))?)?$")
_SERIAL_RE = re.compile(r"^\d{5}(?:\.\d+)?$")
# Excel's serial days: 1 = 1900-01-01, with the 1900 leap-year bug (day 60); every date after March 1900 counts
# from 1899-12-30. Serials this side of 1982 … 2173 are dates a complaint could have.
_EXCEL_EPOCH = dt.datetime(1899, 12, 30)
_SERIAL_MIN, _SERIAL_MAX = 30000, 100000


def parse_moment(value: Any) -> dt.datetime | None:
    """An aware datetime from a cell (local time, the organisation's zone, unless it says otherwise), None for an
    empty cell; ValueError for what is no date."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        moment = value
    elif isinstance(value, dt.date):
        moment = dt.datetime.combine(value, dt.time())
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        moment = _from_serial(float(value))
    else:
        text = str(value).strip().replace("\u3000", " ")
        if not text:
            return None
        moment = _from_text(text)
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


def _from_serial(serial: float) -> dt.datetime:
    if not _SERIAL_MIN <= serial < _SERIAL_MAX:
        raise ValueError("serial out of range")
    moment = _EXCEL_EPOCH + dt.timedelta(days=serial)
    # Serials carry float noise (…:59.9999): round to the second.
    return (moment + dt.timedelta(microseconds=500_000)).replace(microsecond=0)


def _from_text(text: str) -> dt.datetime:
    text = re.sub(r"日(?=\d)", "日 ", text)  # 2024年3月5日14时30分
    match = _DATE_RE.match(text) or _COMPACT_RE.match(text)
    if match:
        parts = match.groupdict()
        moment = dt.datetime(
            int(parts["y"]),
            int(parts["m"]),
            int(parts["d"]),
            int(parts.get("H") or 0),
            int(parts.get("M") or 0),
            int(parts.get("S") or 0),
        )
        zone = parts.get("tz")
        if zone:
            moment = dt.datetime.fromisoformat(moment.isoformat() + (zone if zone != "Z" else "+00:00"))
        return moment
    if _SERIAL_RE.match(text):
        return _from_serial(float(text))
    return dt.datetime.fromisoformat(text)


def cell_text(value: Any) -> str:
    """A cell as text: numbers as written (13812341234, not 13812341234.0), dates as yyyy-mm-dd [hh:mm]."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e16:
            return str(int(value))
        return repr(value)
    if isinstance(value, dt.datetime):
        return f"{value:%Y-%m-%d %H:%M}" if (value.hour, value.minute) != (0, 0) else f"{value:%Y-%m-%d}"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def shown_value(value: Any) -> str:
    """A cell as an error report shows it."""
    return cell_text(value)[:200]


__all__ = ["Table", "cell_text", "detect_encoding", "file_error", "open_table", "parse_moment", "shown_value"]
