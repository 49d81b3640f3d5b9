"""Reads of the investigation, containment, 8D report and CAPAs. The caller has the complaint from
kesu.complaints.access.access_complaint (so it is in the reader's data scope)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from kesu.complaints.access import scope_q, visible_numbers
from kesu.complaints.models import Complaint
from kesu.core.errors import NotFound
from kesu.core.models import Organization

from .models import (
    DISCIPLINES,
    Capa,
    CapaStatus,
    ContainmentRow,
    Discipline,
    DisciplineStatus,
    Investigation,
    Place,
    Responsibility,
    Revision,
    RootCauseCategory,
    Verification,
)

IMPACT_LIMIT = 200


def investigation_of(complaint: Complaint) -> Investigation | None:
    return (
        Investigation.objects.select_related("responsible_department", "partner", "updated_by")
        .filter(complaint=complaint)
        .first()
    )


def impact_of(complaint: Complaint, user) -> dict[str, Any]:
    """The other complaints with the same product code, batch or order: their numbers (those the reader may
    see), how many customers they come from, and which orders and batches they name."""
    keys = Q()
    for field in ("product_code", "batch_no", "order_no"):
        value = getattr(complaint, field)
        if value:
            keys |= Q(**{field: value})
    if not keys:
        return {"complaints": [], "customers": 0, "orders": [], "batches": [], "total": 0}
    others = Complaint.objects.filter(keys).exclude(pk=complaint.pk)
    rows = list(
        others.order_by("-received_at", "-id").values_list("number", "customer_id", "order_no", "batch_no")[
            :IMPACT_LIMIT
        ]
    )
    numbers = [r[0] for r in rows]
    visible = visible_numbers(user, numbers)
    return {
        "complaints": [n for n in numbers if n in visible],
        "customers": len({r[1] for r in rows} | {complaint.customer_id}) - 1 if rows else 0,
        "orders": sorted({r[2] for r in rows if r[2]}),
        "batches": sorted({r[3] for r in rows if r[3]}),
        "total": len(rows),
    }


def containment_of(complaint: Complaint) -> list[ContainmentRow]:
    return list(ContainmentRow.objects.filter(complaint=complaint).select_related("created_by").order_by("id"))


def containment_totals(rows: list[ContainmentRow]) -> dict[str, int]:
    return {
        "checked": sum(r.checked for r in rows),
        "suspect": sum(r.suspect for r in rows),
        "bad": sum(r.bad for r in rows),
    }


def _local(value: dt.datetime | None) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def _prefill(code: str, complaint: Complaint, investigation: Investigation | None, capas: list[Capa]) -> dict[str, Any]:
    """What a discipline nobody has saved yet starts with, taken from the complaint."""
    if code == "d1":
        from kesu.routing.models import Task, TaskKind

        team = [
            {
                "name": str(t.owner) if t.owner else "",
                "role": t.display_role,
                "department": t.department.display_name if t.department else "",
            }
            for t in Task.objects.filter(complaint=complaint, kind=TaskKind.ONSITE)
            .select_related("owner", "department")
            .order_by("id")
        ]
        return {"leader": str(complaint.owner) if complaint.owner else "", "team": team}
    if code == "d2":
        return {
            "what": complaint.title,
            "where": complaint.place or complaint.store,
            "when": _local(complaint.occurred_at or complaint.received_at),
            "who": complaint.product or "",
            "why": "",
            "how": "",
            "how_many": str(complaint.quantity) if complaint.quantity else "",
            "description": complaint.description,
        }
    if code == "d4" and investigation is not None and investigation.root_cause:
        fishbone = (
            {investigation.root_cause_category: investigation.root_cause} if investigation.root_cause_category else {}
        )
        return {
            "occurrence": investigation.root_cause,
            "escape": "",
            "whys": [],
            "escape_whys": [],
            "fishbone": fishbone,
        }
    if code == "d5" and capas:
        return {"actions": "\n".join(f"• {c.action}" for c in capas if c.kind == "corrective"), "verification": ""}
    if code == "d7" and capas:
        return {
            "documents": [],
            "documents_note": "",
            "lessons": "\n".join(f"• {c.action}" for c in capas if c.kind == "preventive"),
        }
    return {}


@dataclass
class DisciplineView:
    code: str
    content: dict[str, Any]
    owner: str | None
    owner_name: str
    status: str
    updated_at: dt.datetime | None
    version: int
    prefilled: bool

    def as_json(self) -> dict[str, Any]:
        return {
            "content": self.content,
            "owner": self.owner,
            "owner_name": self.owner_name,
            "status": self.status,
            "updated_at": self.updated_at.isoformat() if self.updated_at else None,
            "version": self.version,
        }


def disciplines_of(complaint: Complaint, *, investigation=None, capas=None) -> dict[str, DisciplineView]:
    rows = {d.code: d for d in Discipline.objects.filter(complaint=complaint).select_related("owner")}
    if investigation is None:
        investigation = investigation_of(complaint)
    if capas is None:
        capas = capas_of(complaint)
    out: dict[str, DisciplineView] = {}
    for code in DISCIPLINES:
        row = rows.get(code)
        if row is None:
            out[code] = DisciplineView(
                code, _prefill(code, complaint, investigation, capas), None, "", DisciplineStatus.OPEN, None, 0, True
            )
        else:
            out[code] = DisciplineView(
                code,
                row.content or {},
                row.owner.username if row.owner else None,
                str(row.owner) if row.owner else "",
                row.status,
                row.updated_at,
                row.version,
                False,
            )
    return out


def revision_numbers(complaint: Complaint) -> list[int]:
    return list(Revision.objects.filter(complaint=complaint).order_by("number").values_list("number", flat=True))


def revision_of(complaint: Complaint, number: int) -> Revision:
    revision = Revision.objects.filter(complaint=complaint, number=number).first()
    if revision is None:
        raise NotFound(_("Revision %(n)s of the 8D report was not found.") % {"n": number})
    return revision


def _verifications() -> Prefetch:
    return Prefetch(
        "verifications", queryset=Verification.objects.select_related("verified_by").order_by("verified_at", "id")
    )


def capas_of(complaint: Complaint) -> list[Capa]:
    return list(
        Capa.objects.filter(complaints=complaint)
        .select_related("owner", "department")
        .prefetch_related(_verifications())
        .order_by("due_at", "id")
    )


def eightd_report(complaint: Complaint, *, frozen: bool = False) -> dict[str, Any]:
    """The whole 8D report as plain data: what the PDF, the workbook and a frozen revision hold."""
    investigation = investigation_of(complaint)
    capas = capas_of(complaint)
    disciplines = disciplines_of(complaint, investigation=investigation, capas=capas)
    rows = containment_of(complaint)
    org = Organization.objects.first()
    return {
        "organisation": org.name if org else "",
        "organisation_short": (org.short_name or org.name) if org else "",
        "complaint": {
            "number": complaint.number,
            "title": complaint.title,
            "customer": complaint.customer.company or complaint.customer.name if complaint.customer_id else "",
            "product": complaint.product,
            "product_code": complaint.product_code,
            "batch_no": complaint.batch_no,
            "order_no": complaint.order_no,
            "severity": complaint.severity,
            "received_at": _local(complaint.received_at),
            "department": complaint.department.display_name if complaint.department_id else "",
            "owner": str(complaint.owner) if complaint.owner_id else "",
        },
        "investigation": {
            "checked": investigation.checked,
            "responsibility": investigation.responsibility,
            "responsible_department": investigation.responsible_department.display_name
            if investigation.responsible_department
            else "",
            "partner": investigation.partner.name if investigation.partner else "",
            "root_cause_category": investigation.root_cause_category,
            "root_cause": investigation.root_cause,
            "impact": investigation.impact,
        }
        if investigation
        else None,
        "containment": [
            {
                "place": r.place,
                "checked": r.checked,
                "suspect": r.suspect,
                "bad": r.bad,
                "action": r.action,
                "disposition": r.disposition,
                "at": _local(r.created_at),
            }
            for r in rows
        ],
        "containment_totals": containment_totals(rows),
        "disciplines": {
            code: {
                **d.as_json(),
                "updated_at": _local(d.updated_at) if frozen else (d.updated_at.isoformat() if d.updated_at else None),
            }
            for code, d in disciplines.items()
        },
        "capas": [
            {
                "id": c.pk,
                "kind": c.kind,
                "action": c.action,
                "owner": str(c.owner),
                "due_at": _local(c.due_at),
                "status": c.status,
                "evidence": c.evidence,
                "verifications": [
                    {
                        "method": v.method,
                        "result": v.result,
                        "effective": v.effective,
                        "at": _local(v.verified_at),
                        "by": str(v.verified_by),
                    }
                    for v in c.verifications.all()
                ],
            }
            for c in capas
        ],
    }


def progress(disciplines: dict[str, DisciplineView]) -> int:
    """How many of the nine disciplines are done."""
    return sum(1 for d in disciplines.values() if d.status == DisciplineStatus.DONE)


# ---------------------------------------------------------------------------------------------
# CAPA lists


def capas_visible_to(user) -> QuerySet[Capa]:
    """The CAPAs `user` may see: those serving a complaint in their data scope, and their own."""
    qs = Capa.objects.all()
    q = scope_q(user)
    if q is None:
        return qs
    through = Capa.complaints.through
    seen = through.objects.filter(capa_id=OuterRef("pk"), complaint__in=Complaint.objects.filter(q))
    return qs.filter(Q(owner=user) | Q(Exists(seen)))


def capa_for(user, capa_id: int) -> Capa:
    capa = (
        capas_visible_to(user)
        .select_related("owner", "department")
        .prefetch_related(_verifications())
        .filter(pk=capa_id)
        .first()
    )
    if capa is None:
        raise NotFound(_("Corrective action %(id)s was not found.") % {"id": capa_id})
    return capa


def capa_list(
    user,
    *,
    now: dt.datetime,
    owner: str | None = None,
    status: str | None = None,
    overdue: bool = False,
    department: str | None = None,
    limit: int = 200,
) -> list[Capa]:
    qs = capas_visible_to(user).select_related("owner", "department").prefetch_related(_verifications())
    if owner:
        qs = qs.filter(owner__username=owner)
    if status:
        qs = qs.filter(status=status)
    if department:
        qs = qs.filter(department__code=department)
    if overdue:
        qs = qs.filter(status=CapaStatus.OPEN, due_at__lt=now)
    capas = list(qs.order_by("due_at", "id")[:limit])
    numbers = dict_numbers([c.pk for c in capas])
    visible = visible_numbers(user, {n for ns in numbers.values() for n in ns})
    for c in capas:
        c.numbers = [n for n in numbers.get(c.pk, []) if n in visible]
    return capas


def dict_numbers(capa_ids: list[int]) -> dict[int, list[str]]:
    """Each CAPA's complaint numbers, in one query."""
    out: dict[int, list[str]] = {}
    through = Capa.complaints.through
    for capa_id, number in (
        through.objects.filter(capa_id__in=capa_ids)
        .order_by("complaint_id")
        .values_list("capa_id", "complaint__number")
    ):
        out.setdefault(capa_id, []).append(number)
    return out


def capa_numbers(user, capa: Capa) -> list[str]:
    numbers = dict_numbers([capa.pk]).get(capa.pk, [])
    visible = visible_numbers(user, numbers)
    return [n for n in numbers if n in visible]


def place_totals(rows: list[ContainmentRow]) -> list[tuple[str, str, int, int, int]]:
    """Per place: (code, label, checked, suspect, bad)."""
    out = []
    for place in Place:
        mine = [r for r in rows if r.place == place.value]
        if mine:
            out.append(
                (
                    place.value,
                    str(place.label),
                    *(sum(getattr(r, f) for r in mine) for f in ("checked", "suspect", "bad")),
                )
            )
    return out


def _scalar(qs, expression) -> Subquery:
    """One number per complaint from a correlated subquery (0 when there is nothing)."""
    return Coalesce(
        Subquery(
            qs.order_by().values("complaint_id").annotate(v=expression).values("v")[:1], output_field=IntegerField()
        ),
        0,
    )


def card_summary(complaint: Complaint) -> dict[str, Any]:
    """What the complaint page's investigation card shows, in one query: the investigation's responsibility,
    partner and root cause, and the counts (containment rows and totals, disciplines done, CAPAs and those
    verified)."""
    rows = ContainmentRow.objects.filter(complaint_id=OuterRef("pk"))
    done = Discipline.objects.filter(complaint_id=OuterRef("pk"), status=DisciplineStatus.DONE)
    through = Capa.complaints.through.objects.filter(complaint_id=OuterRef("pk"))
    investigation = Investigation.objects.filter(complaint_id=OuterRef("pk"))
    counts = (
        Complaint.objects.filter(pk=complaint.pk)
        .annotate(
            rows=_scalar(rows, Count("id")),
            checked=_scalar(rows, Sum("checked")),
            bad=_scalar(rows, Sum("bad")),
            done=_scalar(done, Count("id")),
            capa_count=_scalar(through, Count("id")),
            verified=_scalar(through.filter(capa__status=CapaStatus.VERIFIED), Count("id")),
            responsibility=Subquery(investigation.values("responsibility")[:1]),
            cause_category=Subquery(investigation.values("root_cause_category")[:1]),
            cause=Subquery(investigation.values("root_cause")[:1]),
            partner_name=Subquery(investigation.values("partner__name")[:1]),
        )
        .values(
            "rows",
            "checked",
            "bad",
            "done",
            "capa_count",
            "verified",
            "responsibility",
            "cause_category",
            "cause",
            "partner_name",
        )
        .get()
    )
    counts["capas"] = counts.pop("capa_count")
    counts["recorded"] = counts["responsibility"] is not None
    counts["responsibility_label"] = _choice_label(Responsibility, counts["responsibility"])
    counts["category_label"] = _choice_label(RootCauseCategory, counts["cause_category"])
    return counts


def _choice_label(choices, value: str | None) -> str:
    try:
        return str(choices(value).label) if value else ""
    except ValueError:
        return value or ""
