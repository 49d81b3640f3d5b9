"""The customer's receipt for a service order as PDF, through the one PDF layer (kesu.documents.pdf), like the
letters: the organisation's logo and name, the order, and for goods taken back (携回修护) the 客户商品领取收据 —
each item with its condition and accessories, and the promised return date. Once the customer has signed, the same
document is the completion record: the work done, the parts and labour, the fee, the signature drawn on the
technician's phone, and the date the goods were returned (which closes the receipt).
"""

from __future__ import annotations

from typing import Any

from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from kesu.documents.letters import _data_uri, organisation
from kesu.documents.pdf import render_pdf

from .actions import quote_total
from .models import Mode, ServiceOrder
from .states import Status


def _day(value, code: str) -> str:
    if value is None:
        return ""
    if hasattr(value, "hour"):
        value = timezone.localtime(value)
        if code == "en":
            return formats.date_format(value, "j F Y H:i")
        return f"{value.year}年{value.month}月{value.day}日 {value:%H:%M}"
    if code == "en":
        return formats.date_format(value, "j F Y")
    return f"{value.year}年{value.month}月{value.day}日"


def receipt_context(order: ServiceOrder, *, code: str) -> dict[str, Any]:
    org = organisation()
    lines = list(order.lines.all())
    takeback = order.mode == Mode.TAKEBACK and order.received_at is not None
    title = _("Receipt for goods taken back for repair") if takeback else _("Service order")
    signature = ""
    if order.signature:
        signature = _data_uri(order.signature)
    return {
        "organisation": org["name"],
        "org": org,
        "document_title": f"{title} · {order.number}",
        "footer_note": _("Service order %(number)s") % {"number": order.number},
        "title": title,
        "order": order,
        "takeback": takeback,
        "customer_name": order.customer.name,
        "phone": order.contact_phone,
        "service_class": order.get_service_class_display(),
        "mode": order.get_mode_display(),
        "status": order.get_status_display(),
        "created": _day(order.created_at, code),
        "received": _day(order.received_at, code),
        "promised": _day(order.promised_at, code),
        "returned": _day(order.returned_at, code),
        "completed": _day(order.completed_at, code),
        "warranty_until": _day(order.warranty_until, code),
        "lines": lines,
        "total": quote_total(order) if lines else None,
        "fee": order.fee,
        "signature": signature,
        "completed_flag": order.status in (Status.COMPLETED, Status.EVALUATED),
        "technician": str(order.technician) if order.technician_id else "",
    }


def receipt_pdf(order: ServiceOrder, *, lang: str = "zh-hans") -> bytes:
    code = "en" if lang == "en" else "zh-hans"
    with translation.override(code):
        return render_pdf("service/receipt.html", receipt_context(order, code="en" if code == "en" else "zh"))
