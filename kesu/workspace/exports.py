"""The selected complaints as an Excel list (kesu.documents.excel), as their reader may see them."""

from __future__ import annotations

from django.utils.translation import gettext as _

from kesu.complaints.access import complaints_visible_to, customers_identified_for, mask_name
from kesu.complaints.classification import Priority, Severity
from kesu.complaints.selectors import with_list_relations
from kesu.documents.excel import Column, Workbook


def _label(choices, value: str) -> str:
    return str(choices(value).label) if value in choices.values else value or ""


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def complaints_xlsx(user, numbers: list[str]) -> tuple[bytes, int]:
    """(the workbook, how many complaints it lists): those of `numbers` in the user's scope, in that order.
    A customer the user may not identify shows as 王** (kesu.complaints.access)."""
    found = {c.number: c for c in with_list_relations(complaints_visible_to(user).filter(number__in=numbers))}
    rows = [found[n] for n in numbers if n in found]
    identified = customers_identified_for(user, [c.customer_id for c in rows])
    columns = [
        Column(_("Number"), 16),
        Column(_("Title"), 40, "wrap"),
        Column(_("Customer"), 14),
        Column(_("Status"), 12),
        Column(_("Severity"), 8),
        Column(_("Priority"), 10),
        Column(_("Level"), 6, "int"),
        Column(_("Type"), 14),
        Column(_("Department"), 14),
        Column(_("Owner"), 12),
        Column(_("Received"), 17, "datetime"),
        Column(_("Next deadline"), 17, "datetime"),
    ]

    def customer(c) -> str:
        name = c.customer.name if c.customer_id else ""
        return name if identified is None or c.customer_id in identified else mask_name(name)

    book = Workbook()
    book.table_sheet(
        _("Complaints"),
        columns,
        (
            (
                c.number,
                c.title,
                customer(c),
                c.get_status_display(),
                _label(Severity, c.severity),
                _label(Priority, c.priority),
                c.level,
                c.category.display_name if c.category else "",
                c.department.display_name if c.department else "",
                str(c.owner) if c.owner else "",
                c.received_at,
                c.next_due_at,
            )
            for c in rows
        ),
        captions=[_("Selected complaints (%(count)s)") % {"count": len(rows)}],
    )
    return book.save(), len(rows)
