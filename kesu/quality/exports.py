"""The 8D report as a document to send to the customer: PDF (WeasyPrint, through kesu.documents.pdf) in Chinese by
default or English (`lang=en`, for foreign car makers), and an Excel workbook (kesu.documents.excel). Either of the
report as it is now, or of a frozen revision exactly as it was sent."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from kesu.complaints.models import Complaint
from kesu.core.errors import ValidationFailed
from kesu.documents.excel import Column, Workbook
from kesu.documents.letters import organisation
from kesu.documents.pdf import render_pdf

from .actions import FIELDS, FISHBONE_KEYS
from .labels import DISCIPLINE_TITLES, DOCUMENT_LABELS, FIELD_LABELS
from .models import CapaKind, CapaStatus, DisciplineStatus, Disposition, Place, Responsibility, RootCauseCategory
from .selectors import eightd_report, revision_of

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF = "application/pdf"
LANGUAGES = {"zh": "zh-hans", "zh-hans": "zh-hans", "zh-cn": "zh-hans", "en": "en"}


@dataclass(frozen=True)
class Download:
    content: bytes
    content_type: str
    filename: str


def language(value: str | None) -> str:
    if not value:
        return "zh-hans"
    code = LANGUAGES.get(value.strip().lower())
    if code is None:
        raise ValidationFailed(_("Choose zh-hans or en."), field="lang")
    return code


def _label(choices, value: str) -> str:
    try:
        return str(choices(value).label) if value else ""
    except ValueError:
        return value


def sections(report: dict[str, Any]) -> list[dict[str, Any]]:
    """Each discipline as the documents print it: title, owner, status, date and its fields in order."""
    out = []
    for code, spec in FIELDS.items():
        d = report["disciplines"].get(code) or {}
        content = d.get("content") or {}
        fields = []
        for key, kind in spec.items():
            value = content.get(key)
            if kind == "fishbone":
                value = [(_label(RootCauseCategory, k), (value or {}).get(k, "")) for k in FISHBONE_KEYS]
                if not any(text for _l, text in value):
                    value = []
            elif kind == "documents":
                value = [str(DOCUMENT_LABELS.get(v, v)) for v in value or []]
            if value:
                fields.append({"key": key, "kind": kind, "label": str(FIELD_LABELS[key]), "value": value})
        updated = d.get("updated_at") or ""
        if updated and "T" in updated:
            parsed = dt.datetime.fromisoformat(updated)
            updated = timezone.localtime(parsed).strftime("%Y-%m-%d %H:%M")
        out.append(
            {
                "code": code,
                "title": str(DISCIPLINE_TITLES[code]),
                "owner": d.get("owner_name") or d.get("owner") or "",
                "status": _label(DisciplineStatus, d.get("status") or "open"),
                "done": d.get("status") == DisciplineStatus.DONE,
                "updated_at": updated,
                "fields": fields,
            }
        )
    return out


def _report_for(complaint: Complaint, revision: int | None) -> tuple[dict[str, Any], int | None]:
    if revision is None:
        return eightd_report(complaint), None
    return revision_of(complaint, revision).report, revision


def context(report: dict[str, Any], revision: int | None) -> dict[str, Any]:
    inv = report.get("investigation") or {}
    containment = [
        {
            **row,
            "place_label": _label(Place, row["place"]),
            "disposition_label": _label(Disposition, row.get("disposition") or ""),
        }
        for row in report["containment"]
    ]
    capas = [
        {**c, "kind_label": _label(CapaKind, c["kind"]), "status_label": _label(CapaStatus, c["status"])}
        for c in report["capas"]
    ]
    org = report.get("organisation") or ""
    short = report.get("organisation_short") or org
    return {
        "report": report,
        "organisation": org,
        "monogram": short[:1] or "K",
        # The logo the administrator uploaded (Organization.logo), as the letters print it; else the monogram.
        "logo": organisation()["logo"],
        "document_title": _("8D report %(number)s") % {"number": report["complaint"]["number"]},
        "footer_note": (_("Revision %(n)s") % {"n": revision}) if revision else _("Working draft"),
        "revision": revision,
        "generated_at": timezone.localtime().strftime("%Y-%m-%d %H:%M"),
        "sections": sections(report),
        "containment": containment,
        "capas": capas,
        "investigation": {
            **inv,
            "responsibility_label": _label(Responsibility, inv.get("responsibility") or ""),
            "category_label": _label(RootCauseCategory, inv.get("root_cause_category") or ""),
        }
        if inv
        else None,
    }


def pdf(complaint: Complaint, *, lang: str | None = None, revision: int | None = None) -> Download:
    code = language(lang)
    report, number = _report_for(complaint, revision)
    with translation.override(code):
        content = render_pdf("quality/8d.html", context(report, number))
    return Download(content, PDF, _filename(complaint, number, "pdf"))


def _filename(complaint: Complaint, revision: int | None, ext: str) -> str:
    return f"8D-{complaint.number}{f'-rev{revision}' if revision else ''}.{ext}"


def xlsx(complaint: Complaint, *, lang: str | None = None, revision: int | None = None) -> Download:
    code = language(lang)
    report, number = _report_for(complaint, revision)
    with translation.override(code):
        ctx = context(report, number)
        book = Workbook()
        sheet = book.report_sheet(pgettext("8D", "8D report"), widths=[26, 60, 16, 14, 18])
        sheet.caption(f"{ctx['organisation']} {ctx['document_title']}")
        sheet.caption(ctx["footer_note"], note=True)
        c = report["complaint"]
        sheet.section(_("Complaint"))
        sheet.table(
            [Column(_("Field"), kind="text"), Column(_("Value"), kind="wrap")],
            [
                (_("Number"), c["number"]),
                (_("Title"), c["title"]),
                (_("Customer"), c["customer"]),
                (_("Product"), c["product"]),
                (_("Product code"), c["product_code"]),
                (_("Batch / lot no."), c["batch_no"]),
                (_("Order no."), c["order_no"]),
                (_("Severity"), c["severity"]),
                (_("Received at"), c["received_at"]),
            ],
        )
        for s in ctx["sections"]:
            sheet.blank()
            sheet.section(f"{s['title']} · {s['status']} · {s['owner'] or '—'} · {s['updated_at'] or '—'}")
            rows = []
            for f in s["fields"]:
                rows.append((f["label"], _flat(f)))
            if s["code"] == "d3":
                for row in ctx["containment"]:
                    rows.append(
                        (
                            row["place_label"],
                            _("checked %(c)s, suspect %(s)s, bad %(b)s: %(action)s %(disposition)s")
                            % {
                                "c": row["checked"],
                                "s": row["suspect"],
                                "b": row["bad"],
                                "action": row["action"],
                                "disposition": row["disposition_label"],
                            },
                        )
                    )
            if rows:
                sheet.table([Column(_("Field"), kind="text"), Column(_("Content"), kind="wrap")], rows)
        if ctx["capas"]:
            sheet.blank()
            sheet.section(_("Corrective and preventive actions (CAPA)"))
            sheet.table(
                [
                    Column(_("Kind")),
                    Column(_("Action"), kind="wrap"),
                    Column(_("Owner")),
                    Column(_("Due at")),
                    Column(_("Status")),
                ],
                [(x["kind_label"], x["action"], x["owner"], x["due_at"], x["status_label"]) for x in ctx["capas"]],
            )
        content = book.save()
    return Download(content, XLSX, _filename(complaint, number, "xlsx"))


def _flat(field: dict[str, Any]) -> str:
    value = field["value"]
    if field["kind"] == "team":
        return "\n".join(" / ".join(x for x in (m.get("name"), m.get("role"), m.get("department")) if x) for m in value)
    if field["kind"] == "fishbone":
        return "\n".join(f"{label}: {text}" for label, text in value if text)
    if isinstance(value, list):
        return "\n".join(f"{i}. {v}" if field["kind"] == "lines" else str(v) for i, v in enumerate(value, 1))
    return str(value)
