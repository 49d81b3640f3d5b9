"""Formatted Excel workbooks (openpyxl): the one place kesu writes .xlsx.

    book = Workbook()
    sheet = book.report_sheet(_("Summary"), widths=[24, 12, 12])
    sheet.caption(_("Weekly complaint report"))
    sheet.table([Column(_("Type")), Column(_("Complaints"), kind="int")], [("质量", 12), ("服务", 3)])
    book.table_sheet(_("Complaints"), columns, rows)        # a long list: header frozen, autofilter
    data = book.save()                                     # bytes of the .xlsx

Every cell is written in the CJK font FONT_NAME with the number format of its column's kind (dates,
times, money, percentages). Text is always stored as text, never as a formula: a customer's "=HYPERLINK(…)"
stays a string.

Speed. openpyxl spends ~8 µs per cell serialising XML (even in write-only mode), which makes a 20,000-row
list two to four seconds. `table_sheet` therefore lets openpyxl write the sheet's frame (widths, frozen
header, autofilter, styles) and writes the data rows itself as plain SpreadsheetML strings (inline strings,
the style ids openpyxl registered), spliced into the saved file: about ten times faster, and the same file
openpyxl itself reads back (tests/test_reports_exports.py opens every workbook with it).
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal

from django.utils import timezone
from openpyxl import Workbook as _OpenpyxlWorkbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side
from openpyxl.utils import get_column_letter

# The font every cell is written in. The workbooks are read mostly in Excel or WPS on Windows, where
# 微软雅黑 (Microsoft YaHei) is always present; charset 134 (GB2312) tells Excel and LibreOffice to fall
# back to a Chinese font (Noto Sans CJK SC on Debian) where it is not.
FONT_NAME = "Microsoft YaHei"
FONT_CHARSET = 134
MAX_CELL_TEXT = 32_767  # Excel's limit for one cell

Kind = Literal["text", "wrap", "int", "number", "money", "percent", "date", "datetime"]

NUMBER_FORMATS: dict[str, str] = {
    "int": "0",
    "number": "0.0",
    "money": "#,##0.00",
    "percent": "0.0%",
    "date": "yyyy-mm-dd",
    "datetime": "yyyy-mm-dd hh:mm",
}


@dataclass(frozen=True)
class Column:
    header: str
    width: float = 14
    kind: Kind = "text"


def _font(**kwargs: Any) -> Font:
    return Font(name=FONT_NAME, charset=FONT_CHARSET, **kwargs)


_THIN = Side(style="thin", color="BFBFBF")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)


def _named_styles() -> list[NamedStyle]:
    styles = [
        NamedStyle(
            "kesu_caption", font=_font(bold=True, size=14), alignment=Alignment(vertical="center", wrap_text=False)
        ),
        NamedStyle("kesu_note", font=_font(size=9, color="595959")),
        NamedStyle("kesu_section", font=_font(bold=True, size=11, color="1F4E79")),
        NamedStyle(
            "kesu_header",
            font=_font(bold=True, color="FFFFFF"),
            fill=PatternFill("solid", fgColor="1F4E79"),
            border=_BORDER,
            alignment=Alignment(horizontal="center", vertical="center", wrap_text=True),
        ),
        NamedStyle("kesu_text", font=_font(), border=_BORDER, alignment=Alignment(vertical="top")),
        NamedStyle("kesu_wrap", font=_font(), border=_BORDER, alignment=Alignment(vertical="top", wrap_text=True)),
    ]
    for kind, number_format in NUMBER_FORMATS.items():
        styles.append(
            NamedStyle(
                f"kesu_{kind}",
                font=_font(),
                border=_BORDER,
                number_format=number_format,
                alignment=Alignment(vertical="top", horizontal="right" if kind not in ("date", "datetime") else None),
            )
        )
    return styles


def _excel_value(value: Any) -> Any:
    """What a cell may hold: local naive times (Excel has no time zones), text without XML-illegal characters."""
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.replace(tzinfo=None, microsecond=0)
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)[:MAX_CELL_TEXT]
    return value


class Workbook:
    """A write-only openpyxl workbook with kesu's styles; `save()` returns the bytes."""

    def __init__(self) -> None:
        self._book = _OpenpyxlWorkbook(write_only=True)
        for style in _named_styles():
            self._book.add_named_style(style)
        self._spliced: dict[int, list[str]] = {}  # sheet number (1-based) → its data rows as XML
        self._pending: list[ReportSheet] = []

    def _sheet(self, title: str, widths: Sequence[float]):
        # Excel refuses sheet names longer than 31 characters or with any of []:*?/\
        sheet = self._book.create_sheet(re.sub(r"[\[\]:*?/\\]", " ", title)[:31])
        for index, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = width
        sheet.page_setup.orientation = "landscape"
        sheet.page_setup.paperSize = "9"  # A4
        sheet.page_setup.fitToWidth = 1
        sheet.page_setup.fitToHeight = 0
        sheet.sheet_properties.pageSetUpPr.fitToPage = True
        return sheet

    def _cell(self, sheet, value: Any, style: str) -> WriteOnlyCell:
        cell = WriteOnlyCell(sheet, value=_excel_value(value))
        cell.style = style
        if isinstance(cell.value, str) and cell.data_type == "f":
            cell.data_type = "s"  # text that starts with "=" is text
        return cell

    def report_sheet(self, title: str, *, widths: Sequence[float]) -> ReportSheet:
        """A sheet of captions and small tables one under the other (summaries, counts). Rows above
        `ReportSheet.freeze_here()` stay in view when scrolling."""
        sheet = ReportSheet(self, self._sheet(title, widths))
        self._pending.append(sheet)
        return sheet

    def table_sheet(
        self,
        title: str,
        columns: Sequence[Column],
        rows: Iterable[Sequence[Any]],
        *,
        captions: Sequence[str] = (),
        intro: Callable[[ReportSheet], None] | None = None,
    ) -> int:
        """One long table under optional caption lines and an `intro` (small tables written on the
        ReportSheet it is given); the rows down to the table's header are frozen, an autofilter covers the
        table. `rows` is iterated once (a queryset iterator is fine). Returns the number of data rows."""
        sheet = self._sheet(title, [c.width for c in columns])
        top = ReportSheet(self, sheet)
        for index, caption in enumerate(captions):
            top.caption(caption, note=index > 0)
        if intro is not None:
            intro(top)
        header_row = len(top._rows) + 1
        sheet.freeze_panes = f"A{header_row + 1}"
        sheet.print_title_rows = f"{header_row}:{header_row}"
        top._flush()
        sheet.append([self._cell(sheet, c.header, "kesu_header") for c in columns])
        styles = []
        for column in columns:
            probe = WriteOnlyCell(sheet)
            probe.style = f"kesu_{column.kind}"
            styles.append(probe.style_id)  # registers the style with the workbook; its xf index
        body, count = _rows_xml(rows, styles, first_row=header_row + 1)
        last = get_column_letter(len(columns))
        sheet.auto_filter.ref = f"A{header_row}:{last}{header_row + max(count, 1)}"
        self._spliced[len(self._book.worksheets)] = body
        return count

    def save(self) -> bytes:
        for sheet in self._pending:
            sheet._flush()
        self._pending = []
        raw = io.BytesIO()
        self._book.save(raw)
        if not self._spliced:
            return raw.getvalue()
        raw.seek(0)
        out = io.BytesIO()
        with zipfile.ZipFile(raw) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
            for item in source.infolist():
                data = source.read(item.filename)
                match = re.fullmatch(r"xl/worksheets/sheet(\d+)\.xml", item.filename)
                if match and int(match[1]) in self._spliced:
                    rows = "".join(self._spliced[int(match[1])]).encode()
                    data = data.replace(b"</sheetData>", rows + b"</sheetData>", 1)
                target.writestr(item, data, compress_type=zipfile.ZIP_DEFLATED, compresslevel=1)
        return out.getvalue()


class ReportSheet:
    """Captions and small tables written top to bottom (kept until the workbook is saved, so that the
    frozen rows can be chosen after they are written)."""

    def __init__(self, book: Workbook, sheet) -> None:
        self._book = book
        self._sheet = sheet
        self._rows: list[list[WriteOnlyCell]] = []
        self._frozen = 0

    def _append(self, values: Sequence[Any], styles: Sequence[str]) -> None:
        self._rows.append([self._book._cell(self._sheet, v, s) for v, s in zip(values, styles, strict=False)])

    def caption(self, text: str, *, note: bool = False) -> None:
        self._append([text], ["kesu_note" if note else "kesu_caption"])

    def section(self, heading: str) -> None:
        self._append([heading], ["kesu_section"])

    def blank(self) -> None:
        self._rows.append([])

    def freeze_here(self) -> None:
        """Keep the rows written so far in view when scrolling."""
        self._frozen = len(self._rows)

    def table(self, columns: Sequence[Column], rows: Iterable[Sequence[Any]]) -> None:
        """A small table (a header row and its rows) and a blank row after it."""
        self._append([c.header for c in columns], ["kesu_header"] * len(columns))
        kinds = [f"kesu_{c.kind}" for c in columns]
        for row in rows:
            self._append(row, kinds)
        self.blank()

    def _flush(self) -> None:
        if self._frozen:
            self._sheet.freeze_panes = f"A{self._frozen + 1}"
        for row in self._rows:
            self._sheet.append(row)
        self._rows = []


_EXCEL_EPOCH = dt.datetime(1899, 12, 30)  # day 0 of Excel's 1900 date system (dates after 1900-03-01)
_XML_TEXT = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})


def _text_xml(value: str) -> str:
    if not value.isprintable():  # only then can it hold a control character XML refuses
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    text = value[:MAX_CELL_TEXT].translate(_XML_TEXT)
    space = ' xml:space="preserve"' if text[:1].isspace() or text[-1:].isspace() else ""
    return f'" t="inlineStr"><is><t{space}>{text}</t></is></c>'


def _rows_xml(rows: Iterable[Sequence[Any]], styles: list[int], *, first_row: int) -> tuple[list[str], int]:
    """SpreadsheetML <row> elements for `rows`: inline strings, numbers, Excel serial dates, booleans.

    The hot loop of every long sheet: one time zone lookup for all the rows, dates turned into Excel serial
    numbers by arithmetic, no per-cell objects."""
    tz = timezone.get_current_timezone()
    heads = [f'<c r="{get_column_letter(i)}' for i in range(1, len(styles) + 1)]
    parts: list[str] = []
    append = parts.append
    number = first_row
    for row in rows:
        tail = f'{number}" s="'
        cells = [f'<row r="{number}">']
        for head, style, value in zip(heads, styles, row, strict=False):
            if value is None or value == "":
                continue
            start = f"{head}{tail}{style}"
            if isinstance(value, str):
                cells.append(start + _text_xml(value))
            elif isinstance(value, bool):
                cells.append(f'{start}" t="b"><v>{int(value)}</v></c>')
            elif isinstance(value, (int, float, Decimal)):
                cells.append(f'{start}"><v>{value}</v></c>')
            elif isinstance(value, dt.datetime):
                local = value.astimezone(tz).replace(tzinfo=None) if value.tzinfo is not None else value
                delta = local - _EXCEL_EPOCH
                cells.append(f'{start}"><v>{delta.days + delta.seconds / 86400}</v></c>')
            elif isinstance(value, dt.date):
                cells.append(f'{start}"><v>{(value - _EXCEL_EPOCH.date()).days}</v></c>')
            else:
                cells.append(start + _text_xml(str(value)))
        cells.append("</row>")
        append("".join(cells))
        number += 1
    return parts, number - first_row
