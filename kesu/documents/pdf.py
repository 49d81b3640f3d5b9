"""Printable PDF from Django templates, with WeasyPrint: the one place kesu writes PDF.

    data = render_pdf("documents/report.html", {"organisation": org, ...})

Templates extend `documents/base.html`: A4 pages, the organisation's name in the running header, page
n / N in the footer, every text in Noto Sans CJK SC (Debian's fonts-noto-cjk) — a Chinese text never
falls back to empty boxes. WeasyPrint needs Pango and the fonts from the system; it is imported inside
`render_pdf`, so the rest of kesu (the API, the workbooks, the worker) runs where they are missing and
only a PDF request fails.
"""

from __future__ import annotations

import re
import zlib
from typing import Any

from django.template.loader import render_to_string

# The font family the templates ask for, first to last; the PDF embeds the glyphs it used.
FONT_FAMILY = '"Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "WenQuanYi Zen Hei", sans-serif'


class PdfUnavailable(RuntimeError):
    """WeasyPrint (or the Pango library it drives) is not installed on this machine."""


def render_html(template: str, context: dict[str, Any]) -> str:
    return render_to_string(template, {"font_family": FONT_FAMILY, **context})


def render_pdf(template: str, context: dict[str, Any]) -> bytes:
    """The template rendered with `context` (in the active language), as PDF bytes."""
    try:
        from weasyprint import HTML
    except (ImportError, OSError) as exc:  # OSError: the Python package is there but libpango is not
        raise PdfUnavailable(str(exc)) from exc
    html = render_html(template, context)
    # No base_url: templates carry their styles inline and fetch nothing, so rendering never reaches the
    # network or the file system on a template's behalf.
    return HTML(string=html, url_fetcher=_fetcher()).write_pdf()


def _fetcher():
    """Only data: URLs (an image inlined in the template: a logo, a seal), which reach neither the network nor the
    file system; anything else is refused."""
    try:
        from weasyprint.urls import URLFetcher
    except ImportError:  # WeasyPrint before 68: a plain function
        return _refuse
    return URLFetcher(allowed_protocols=("data",))


def _refuse(url: str, *args: Any, **kwargs: Any):
    raise ValueError(f"documents do not load external resources ({url[:80]})")


_PAGE = re.compile(rb"/Type\s*/Page(?![s\w])")
_FONT = re.compile(rb"/BaseFont\s*/(?:[A-Z]{6}\+)?([\w-]+)")
_STREAM = re.compile(rb">>\s*stream\r?\n")
_LENGTH = re.compile(rb"/Length\s+(\d+)(?!\s+\d+\s+R)")


def _objects(pdf: bytes) -> list[bytes]:
    """The file's bytes and every compressed stream decompressed: where WeasyPrint's PDF 1.7 object streams
    keep the page and font dictionaries. For tests and checks; not a general PDF parser."""
    parts = [pdf]
    for match in _STREAM.finditer(pdf):
        lengths = _LENGTH.findall(pdf, max(0, match.start() - 400), match.start())
        if not lengths:
            continue
        data = pdf[match.end() : match.end() + int(lengths[-1])]
        try:
            parts.append(zlib.decompress(data))
        except zlib.error:
            continue  # not deflated
    return parts


def page_count(pdf: bytes) -> int:
    return sum(len(_PAGE.findall(part)) for part in _objects(pdf))


def font_names(pdf: bytes) -> set[str]:
    """The fonts a PDF uses (subset prefixes removed), e.g. {"Noto-Sans-CJK-SC", "Noto-Sans-CJK-SC-Bold"}."""
    return {name.decode() for part in _objects(pdf) for name in _FONT.findall(part)}
