"""Every change to a service order (派工单): one do_* action each (R-SVC-1..3).

Each action checks the transition table (kesu.service.states) and who may take it, validates its input (a refused
action raises DomainError naming the field and changes nothing), locks the linked complaint's row and then the
order's (that order, always), changes the order, writes the step on the order's own timeline and on the linked
complaint's, moves the order's clocks, and tells whoever acts next after commit. The caller has checked that the
actor may see the order (selectors.access_order) or the complaint (kesu.complaints.access.access_complaint).

Money is Decimal from the string typed to the database; a JSON float is refused, never rounded.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from kesu.accounts.models import User
from kesu.accounts.roles import Role
from kesu.complaints.attachments import sniff_content_type
from kesu.complaints.events import record_event
from kesu.complaints.models import Complaint, Customer
from kesu.complaints.models.complaint import Demand, SolutionType
from kesu.core.errors import DomainError, Forbidden, ValidationFailed
from kesu.core.numbering import complaint_number
from kesu.core.text import clean_text
from kesu.notifications.services import notify
from kesu.notifications.text import Text, msg

from . import rules
from .models import (
    FEE_FREE,
    PRICE_MAX,
    Clock,
    LineKind,
    Mode,
    QuoteState,
    ServiceClass,
    ServiceClock,
    ServiceEvent,
    ServiceLine,
    ServiceOrder,
    ServicePhoto,
    Technician,
)
from .states import FRONT_DESK, IN_HAND, TRANSITIONS, Status

PREFIX = "SO"
TEXT_MAX = 4000
MAX_LINES = 50
MAX_ITEMS = 30
SIGNATURE_MAX_BYTES = 512 * 1024
PHOTO_MAX_BYTES = 10 * 1024 * 1024
PHOTO_TYPES = frozenset({"image/jpeg", "image/png", "image/webp"})
CENT = Decimal("0.01")


# ---------------------------------------------------------------------------------------------------- input


def _collect(*checks) -> list[Any]:
    """Run each check; all their field errors at once, or their values."""
    values, fields = [], {}
    for fn in checks:
        try:
            values.append(fn())
        except DomainError as exc:
            values.append(None)
            for name, messages in exc.fields.items():
                fields.setdefault(name, []).extend(messages)
    if fields:
        raise ValidationFailed(_("Please correct the marked fields."), fields=fields)
    return values


def _choice(value: Any, choices, field: str, *, required: bool = True) -> str:
    if value in (None, ""):
        if required:
            raise ValidationFailed(_("This field is required."), field=field)
        return ""
    if not isinstance(value, str) or value not in choices.values:
        raise ValidationFailed(
            _("“%(value)s” is not one of: %(choices)s.") % {"value": value, "choices": ", ".join(choices.values)},
            field=field,
        )
    return value


def parse_money(value: Any, field: str, *, required: bool = True) -> Decimal | None:
    """A price or fee in CNY, 0 or more with at most two decimals, from a decimal string or a whole number."""
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise ValidationFailed(_("This field is required."), field=field)
        return None
    if isinstance(value, (bool, float)):
        raise ValidationFailed(_('Send the amount as a decimal string, such as "50.00".'), field=field)
    if not isinstance(value, (str, int, Decimal)):
        raise ValidationFailed(_('Enter an amount in yuan, such as "50.00".'), field=field)
    try:
        amount = Decimal(value.strip() if isinstance(value, str) else value)
    except (InvalidOperation, ValueError):
        raise ValidationFailed(_('Enter an amount in yuan, such as "50.00".'), field=field) from None
    if not amount.is_finite() or amount < 0:
        raise ValidationFailed(_("The amount cannot be negative."), field=field)
    if amount.as_tuple().exponent < -2:  # type: ignore[operator]
        raise ValidationFailed(_("Enter an amount in yuan with at most two decimals."), field=field)
    if amount > PRICE_MAX:
        raise ValidationFailed(_("At most %(max)s yuan.") % {"max": f"{PRICE_MAX:,.2f}"}, field=field)
    return amount.quantize(CENT)


def _quantity(value: Any, field: str) -> Decimal:
    if value is None or value == "":
        return Decimal("1")
    if isinstance(value, (bool, float)) or not isinstance(value, (str, int, Decimal)):
        raise ValidationFailed(_("Enter a quantity such as 1 or 0.5."), field=field)
    try:
        qty = Decimal(value.strip() if isinstance(value, str) else value)
    except (InvalidOperation, ValueError):
        raise ValidationFailed(_("Enter a quantity such as 1 or 0.5."), field=field) from None
    if not qty.is_finite() or qty <= 0 or qty > 10000 or qty.as_tuple().exponent < -2:  # type: ignore[operator]
        raise ValidationFailed(_("Enter a quantity above 0, with at most two decimals."), field=field)
    return qty.quantize(CENT)


def _date(value: Any, field: str, *, required: bool = False) -> dt.date | None:
    if value in (None, ""):
        if required:
            raise ValidationFailed(_("This field is required."), field=field)
        return None
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise ValidationFailed(_("Not a date; write it as YYYY-MM-DD."), field=field) from None


def _moment(value: Any, field: str, *, required: bool = False) -> dt.datetime | None:
    """An aware datetime from an ISO string or a datetime (naive: the organisation's time zone)."""
    if value in (None, ""):
        if required:
            raise ValidationFailed(_("This field is required."), field=field)
        return None
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value.strip())
        except ValueError:
            value = None
    if not isinstance(value, dt.datetime):
        raise ValidationFailed(_("Enter a date and time such as 2026-11-22T14:30:00+08:00."), field=field)
    return timezone.make_aware(value) if timezone.is_naive(value) else value


def _lines(value: Any, field: str, *, default_kind: str | None = None) -> list[dict[str, Any]]:
    """Part and labour lines: [{"kind"?, "description" (or "name"), "quantity"?, "unit_price"?}]."""
    if value in (None, ""):
        return []
    if not isinstance(value, list):
        raise ValidationFailed(_("Send a list of lines."), field=field)
    if len(value) > MAX_LINES:
        raise ValidationFailed(_("At most %(n)s lines.") % {"n": MAX_LINES}, field=field)
    out, fields = [], {}
    for i, row in enumerate(value):
        where = f"{field}[{i}]"
        if not isinstance(row, dict):
            fields.setdefault(where, []).append(_("Each line is an object with a description."))
            continue
        try:
            kind, text, qty, price = _collect(
                lambda row=row, where=where: _choice(
                    row.get("kind") or default_kind, LineKind, f"{where}.kind", required=True
                ),
                lambda row=row, where=where: clean_text(
                    row.get("description", row.get("name")), f"{where}.description", required=True, max_length=200
                ),
                lambda row=row, where=where: _quantity(row.get("quantity"), f"{where}.quantity"),
                lambda row=row, where=where: parse_money(row.get("unit_price", "0"), f"{where}.unit_price"),
            )
        except DomainError as exc:
            for name, messages in exc.fields.items():
                fields.setdefault(name, []).extend(messages)
            continue
        out.append({"kind": kind, "description": text, "quantity": qty, "unit_price": price})
    if fields:
        raise ValidationFailed(_("Please correct the marked fields."), fields=fields)
    return out


def _items(value: Any) -> list[dict[str, str]]:
    """The goods taken back: [{"name", "condition"?, "accessories"?, "serial"?}], at least one."""
    if not isinstance(value, list) or not value:
        raise ValidationFailed(_("List the goods you take back, at least one."), field="items")
    if len(value) > MAX_ITEMS:
        raise ValidationFailed(_("At most %(n)s items.") % {"n": MAX_ITEMS}, field="items")
    out, fields = [], {}
    for i, row in enumerate(value):
        if isinstance(row, str):
            row = {"name": row}
        if not isinstance(row, dict):
            fields.setdefault(f"items[{i}]", []).append(_("Each item is an object with a name."))
            continue
        try:
            name, condition, accessories, serial = _collect(
                lambda row=row, i=i: clean_text(row.get("name"), f"items[{i}].name", required=True, max_length=200),
                lambda row=row, i=i: clean_text(
                    row.get("condition"), f"items[{i}].condition", required=False, max_length=500
                ),
                lambda row=row, i=i: clean_text(
                    row.get("accessories"), f"items[{i}].accessories", required=False, max_length=500
                ),
                lambda row=row, i=i: clean_text(
                    row.get("serial"), f"items[{i}].serial", required=False, max_length=100
                ),
            )
        except DomainError as exc:
            for k, messages in exc.fields.items():
                fields.setdefault(k, []).extend(messages)
            continue
        out.append({"name": name, "condition": condition, "accessories": accessories, "serial": serial})
    if fields:
        raise ValidationFailed(_("Please correct the marked fields."), fields=fields)
    return out


def decode_signature(value: Any) -> bytes:
    """The customer's signature: a PNG, as a data URL ("data:image/png;base64,…"), base64 text or bytes."""
    if isinstance(value, (bytes, bytearray)):
        raw = bytes(value)
    elif isinstance(value, str) and value.strip():
        text = value.strip()
        if text.startswith("data:"):
            head, _sep, text = text.partition(",")
            if ";base64" not in head:
                raise ValidationFailed(_("The signature must be a base64 PNG image."), field="signature")
        try:
            raw = base64.b64decode(text, validate=True)
        except (binascii.Error, ValueError):
            raise ValidationFailed(_("The signature must be a base64 PNG image."), field="signature") from None
    else:
        raise ValidationFailed(_("The customer's signature is required."), field="signature")
    if len(raw) > SIGNATURE_MAX_BYTES:
        raise ValidationFailed(_("The signature image is too large."), field="signature")
    if sniff_content_type(raw[:16]) != "image/png":
        raise ValidationFailed(_("The signature must be a PNG image."), field="signature")
    return raw


# ---------------------------------------------------------------------------------------------------- helpers


def _lock(order: ServiceOrder) -> tuple[Complaint | None, ServiceOrder]:
    """The linked complaint's row, then the order's: the one lock order of every action."""
    complaint = None
    if order.complaint_id:
        complaint = Complaint.objects.select_for_update(of=("self",), no_key=True).get(pk=order.complaint_id)
    locked = ServiceOrder.objects.select_for_update(of=("self",)).select_related("customer").get(pk=order.pk)
    return complaint, locked


def _check(order: ServiceOrder, action: str, actor: User | None, *, version: Any = None) -> str:
    """Forbidden, invalid_transition or version_conflict when `actor` may not take `action` now; else the status
    it starts from."""
    t = TRANSITIONS[action]
    if actor is not None:
        if actor.role not in t.roles:
            raise Forbidden(
                _("Your role may not “%(action)s” a service order.") % {"action": t.label},
            )
        if t.technician_only and order.technician_id != actor.pk:
            raise Forbidden(_("Only the technician the order is dispatched to may do this."))
        if action == "quote" and actor.role == Role.HANDLER and order.technician_id != actor.pk:
            raise Forbidden(_("Only the technician the order is dispatched to may do this."))
    if order.status not in t.sources:
        raise DomainError(
            "invalid_transition",
            _("The order is “%(status)s”: “%(action)s” is not possible now.")
            % {"status": order.get_status_display(), "action": t.label},
            field="status",
        )
    if version is not None and version != order.version:
        raise DomainError(
            "version_conflict",
            _("Someone changed this order in the meantime (version %(now)s, you saw %(seen)s). Reload it.")
            % {"now": order.version, "seen": version},
            field="version",
        )
    return order.status


def _save(order: ServiceOrder, now: dt.datetime, fields: list[str]) -> None:
    order.updated_at = now
    order.version += 1
    order.save(update_fields=sorted({*fields, "updated_at", "version"}))


def _event(
    order: ServiceOrder,
    complaint: Complaint | None,
    *,
    actor: User | None,
    now: dt.datetime,
    action: str,
    from_status: str,
    data: dict[str, Any] | None = None,
) -> None:
    """The step on the order's timeline and, as `service_<action>`, on the linked complaint's."""
    payload = {k: v for k, v in (data or {}).items() if v not in (None, "", [])}
    ServiceEvent.objects.create(
        order=order,
        at=now,
        actor=actor,
        actor_label=str(actor) if actor else "",
        action=action,
        from_status=from_status,
        to_status=order.status,
        data=payload,
    )
    if complaint is not None:
        record_event(
            complaint,
            actor=actor,
            now=now,
            action=f"service_{action}",
            from_status=complaint.status,
            to_status=complaint.status,
            data={"service_order": order.number, "service_status": order.status, **payload},
        )


def _start_clock(order: ServiceOrder, clock: str, *, now: dt.datetime, due: dt.datetime, conf: dict) -> None:
    remind = due - dt.timedelta(minutes=conf["remind_before_minutes"]) if conf["remind_before_minutes"] else None
    ServiceClock.objects.update_or_create(
        order=order,
        clock=clock,
        defaults={
            "started_at": now,
            "due_at": due,
            "remind_at": remind if remind and remind > now else None,
            "reminded_at": None,
            "met_at": None,
            "breached_at": None,
            "stopped_at": None,
        },
    )


def _meet(order: ServiceOrder, clock: str, *, now: dt.datetime) -> None:
    ServiceClock.objects.filter(order=order, clock=clock, met_at__isnull=True, stopped_at__isnull=True).update(
        met_at=now
    )


def _stop_all(order: ServiceOrder, *, now: dt.datetime) -> None:
    ServiceClock.objects.filter(order=order, met_at__isnull=True, stopped_at__isnull=True).update(stopped_at=now)


def _money(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.2f}"


def _title(order: ServiceOrder, text: Text) -> Text:
    return msg("%(number)s: %(text)s", number=order.number, text=text)


def _front_desk_people(order: ServiceOrder, exclude: User | None) -> list[User]:
    people = [order.created_by] if order.created_by_id else []
    if not people:
        people = list(User.objects.filter(is_active=True, role=Role.SUPERVISOR).order_by("id")[:20])
    return [u for u in people if u is not None and (exclude is None or u.pk != exclude.pk)]


def quote_total(order: ServiceOrder) -> Decimal:
    return sum((line.amount for line in order.lines.all()), Decimal("0.00"))


def _fee(order: ServiceOrder, value: Any, *, required: bool) -> Decimal | None:
    """The fee, checked against the order's class: C and D carry none; A stays within a confirmed quote."""
    fee = parse_money(value, "fee", required=required)
    if fee is None:
        return None
    if order.service_class in FEE_FREE and fee > 0:
        raise ValidationFailed(
            _("A class %(cls)s order carries no fee: enter 0.") % {"cls": order.service_class}, field="fee"
        )
    if order.service_class == ServiceClass.PAID and order.quote_state == QuoteState.CONFIRMED:
        confirmed = quote_total(order)
        if fee > confirmed:
            raise ValidationFailed(
                _("The fee is above the quote the customer confirmed (%(total)s yuan).")
                % {"total": f"{confirmed:.2f}"},
                field="fee",
            )
    return fee


def _require_confirmed_quote(order: ServiceOrder, fee: Decimal | None) -> None:
    """A paid (class A) repair that costs the customer something needs their confirmation of the quote first."""
    if order.service_class != ServiceClass.PAID:
        return
    if order.quote_state == QuoteState.CONFIRMED:
        return
    if order.quote_state == QuoteState.PENDING or (fee or 0) > 0:
        raise DomainError(
            "conflict",
            _("The customer has not confirmed the quote yet: paid work starts only once they have."),
            field="quote",
        )


def _add_lines(order: ServiceOrder, lines: list[dict[str, Any]], *, used: bool) -> None:
    if lines:
        ServiceLine.objects.bulk_create([ServiceLine(order=order, used=used, **line) for line in lines])


def _customer(value: Any, *, actor: User | None) -> Customer:
    """The customer of a stand-alone order: found again by phone or e-mail, else recorded."""
    from kesu.complaints.actions import find_customer, normalise_phone

    if not isinstance(value, dict):
        raise ValidationFailed(_("Give the customer's name and phone, or the complaint."), field="customer")
    name, phone, email = _collect(
        lambda: clean_text(value.get("name"), "customer.name", required=True, max_length=100),
        lambda: normalise_phone(clean_text(value.get("phone"), "customer.phone", required=False, max_length=30)),
        lambda: clean_text(value.get("email"), "customer.email", required=False, max_length=254).lower(),
    )
    if phone and not all(ch.isdigit() or ch == "+" for ch in phone):
        raise ValidationFailed(_("Enter a phone number of digits only, such as 13812341234."), field="customer.phone")
    if not phone and not email:
        raise ValidationFailed(_("Give a phone number or an e-mail address."), field="customer.phone")
    found = find_customer(phone=phone, email=email)
    if found is not None:
        return found
    try:
        with transaction.atomic():
            return Customer.objects.create(name=name, phone=phone, email=email, created_by=actor)
    except IntegrityError:  # recorded at the same moment by someone else
        found = find_customer(phone=phone, email=email)
        if found is None:
            raise
        return found


def is_repair_request(complaint: Complaint) -> bool:
    return complaint.demand == Demand.REPAIR or complaint.solution_type == SolutionType.REPAIR


# ---------------------------------------------------------------------------------------------------- create


def do_create_order(
    *,
    actor: User | None,
    now: dt.datetime,
    complaint: Complaint | None = None,
    customer: Any = None,
    product: Any = "",
    product_code: Any = "",
    fault: Any = "",
    service_class: Any = None,
    mode: Any = Mode.ONSITE,
    appointment_at: Any = None,
    address: Any = "",
    area: Any = "",
    skill: Any = "",
    purchase_date: Any = None,
    contract_no: Any = "",
) -> ServiceOrder:
    """A service order from a repair request, or from a complaint (a `repair` demand or a repair solution).

    The class is decided by the warranty when not given: C within it, A after it. C needs the purchase date and a
    warranty still running; B needs the service contract's number. actor None: the customer, through the public
    form (only from their complaint)."""
    if actor is not None and actor.role not in FRONT_DESK:
        raise Forbidden(_("Service orders are created by the customer service desk."))
    if complaint is None and actor is None:
        raise ValidationFailed(_("Name the complaint."), field="complaint")
    if complaint is not None:
        if not is_repair_request(complaint):
            raise DomainError(
                "conflict",
                _("Complaint %(number)s asks for no repair: set its demand or its solution to repair first.")
                % {"number": complaint.number},
                field="complaint",
            )
        if complaint.status == "archived":
            raise DomainError("read_only", _("The complaint is archived."), field="complaint")
    conf = rules.settings_()
    (
        product_,
        product_code_,
        fault_,
        mode_,
        appointment_,
        address_,
        area_,
        skill_,
        purchase_,
        contract_,
        class_,
    ) = _collect(
        lambda: clean_text(
            product or (complaint.product if complaint else ""), "product", required=True, max_length=200
        ),
        lambda: clean_text(
            product_code or (complaint.product_code if complaint else ""),
            "product_code",
            required=False,
            max_length=64,
        ),
        lambda: clean_text(
            fault or (complaint.description if complaint else ""), "fault", required=True, max_length=TEXT_MAX
        ),
        lambda: _choice(mode or Mode.ONSITE, Mode, "mode"),
        lambda: _moment(appointment_at, "appointment_at"),
        lambda: clean_text(address, "address", required=False, max_length=300),
        lambda: clean_text(area, "area", required=False, max_length=100),
        lambda: clean_text(skill, "skill", required=False, max_length=100),
        lambda: _date(purchase_date, "purchase_date"),
        lambda: clean_text(contract_no, "contract_no", required=False, max_length=64),
        lambda: _choice(service_class, ServiceClass, "service_class", required=False),
    )
    today = timezone.localdate(now)
    if purchase_ and purchase_ > today:
        raise ValidationFailed(_("The purchase date is in the future."), field="purchase_date")
    if appointment_ and appointment_ <= now:
        raise ValidationFailed(_("The appointment must be in the future."), field="appointment_at")
    until = rules.warranty_until(purchase_, product_code=product_code_, product=product_, conf=conf)
    in_warranty = until is not None and today <= until
    if not class_:
        class_ = ServiceClass.FREE if in_warranty else ServiceClass.PAID
    if class_ == ServiceClass.FREE:
        if purchase_ is None:
            raise ValidationFailed(
                _("Free (warranty) service needs the purchase date to decide the warranty."), field="purchase_date"
            )
        if not in_warranty:
            raise ValidationFailed(
                _("The warranty ended on %(day)s: this is paid (A) or contract (B) service.") % {"day": until},
                field="service_class",
            )
    if class_ == ServiceClass.CONTRACT and not contract_:
        raise ValidationFailed(_("Contract service needs the service contract's number."), field="contract_no")
    with transaction.atomic():
        c = None
        if complaint is not None:
            c = Complaint.objects.select_for_update(of=("self",), no_key=True).get(pk=complaint.pk)
            cust = c.customer
        else:
            cust = _customer(customer, actor=actor)
        order = ServiceOrder.objects.create(
            number=complaint_number(PREFIX, timezone.localdate(now)),
            status=Status.NEW,
            complaint=c,
            customer=cust,
            contact_phone=cust.phone,
            address=address_,
            area=area_,
            product=product_,
            product_code=product_code_,
            skill=skill_,
            purchase_date=purchase_,
            warranty_until=until,
            fault=fault_,
            service_class=class_,
            contract_no=contract_,
            mode=mode_,
            appointment_at=appointment_,
            created_by=actor,
            created_at=now,
            updated_at=now,
        )
        _start_clock(order, Clock.RESPONSE, now=now, due=now + dt.timedelta(hours=conf["response_hours"]), conf=conf)
        finish = (
            now + dt.timedelta(days=conf["takeback_days"])
            if mode_ == Mode.TAKEBACK
            else now + dt.timedelta(hours=conf["completion_hours"])
        )
        _start_clock(order, Clock.COMPLETION, now=now, due=finish, conf=conf)
        _event(
            order,
            c,
            actor=actor,
            now=now,
            action="created",
            from_status="",
            data={
                "service_class": class_,
                "mode": mode_,
                "product": product_,
                "warranty_until": until.isoformat() if until else None,
                "appointment_at": appointment_.isoformat() if appointment_ else None,
            },
        )
        people = list(User.objects.filter(is_active=True, role=Role.SUPERVISOR).order_by("id")[:20])
        notify(
            [u for u in people if actor is None or u.pk != actor.pk],
            kind="service_order_new",
            complaint=c,
            key=f"service_new:{order.number}",
            now=now,
            title=_title(order, msg(gettext_noop("new service order to schedule and dispatch"))),
            body=fault_[:500],
        )
        return order


# ---------------------------------------------------------------------------------------------------- steps


def do_schedule(
    order: ServiceOrder,
    *,
    actor: User,
    now: dt.datetime,
    appointment_at: Any = None,
    appointment_end: Any = None,
    address: Any = None,
    area: Any = None,
    version: Any = None,
) -> ServiceOrder:
    """The appointment slot agreed with the customer; a dispatched order keeps its technician, whose arrival is
    then due by the slot's end."""
    conf = rules.settings_()
    start, end, address_, area_ = _collect(
        lambda: _moment(appointment_at, "appointment_at", required=True),
        lambda: _moment(appointment_end, "appointment_end"),
        lambda: None if address is None else clean_text(address, "address", required=False, max_length=300),
        lambda: None if area is None else clean_text(area, "area", required=False, max_length=100),
    )
    if start <= now:
        raise ValidationFailed(_("The appointment must be in the future."), field="appointment_at")
    end = end or start + dt.timedelta(hours=conf["slot_hours"])
    if end <= start:
        raise ValidationFailed(_("The slot must end after it starts."), field="appointment_end")
    with transaction.atomic():
        c, o = _lock(order)
        before = _check(o, "schedule", actor, version=version)
        o.appointment_at, o.appointment_end = start, end
        fields = ["appointment_at", "appointment_end"]
        if address_ is not None:
            o.address = address_
            fields.append("address")
        if area_ is not None:
            o.area = area_
            fields.append("area")
        if o.status != Status.DISPATCHED:
            o.status = Status.SCHEDULED
            fields.append("status")
        else:
            _start_clock(o, Clock.ARRIVAL, now=now, due=end, conf=conf)
        _save(o, now, fields)
        _meet(o, Clock.RESPONSE, now=now)
        _event(
            o,
            c,
            actor=actor,
            now=now,
            action="schedule",
            from_status=before,
            data={"appointment_at": start.isoformat(), "appointment_end": end.isoformat(), "address": o.address},
        )
        if o.technician_id:
            notify(
                [o.technician],
                kind="service_order_scheduled",
                complaint=c,
                key=f"service_schedule:{o.number}:{o.version}",
                now=now,
                title=_title(
                    o,
                    msg(gettext_noop("appointment %(when)s"), when=timezone.localtime(start).strftime("%m-%d %H:%M")),
                ),
                body=o.address,
            )
        return o


def do_dispatch(
    order: ServiceOrder, *, actor: User, now: dt.datetime, technician: Any = None, version: Any = None
) -> ServiceOrder:
    """Send a technician: the one named, or the first suggestion (skill, area, load). The reason is kept."""
    from .selectors import suggest_technicians

    if technician is not None and (not isinstance(technician, str) or not technician.strip()):
        raise ValidationFailed(_("Name the technician by username."), field="technician")
    conf = rules.settings_()
    with transaction.atomic():
        c, o = _lock(order)
        before = _check(o, "dispatch", actor, version=version)
        suggestions = suggest_technicians(o, now=now)
        if technician is None:
            chosen = next((s for s in suggestions if s["available"]), None)
            if chosen is None:
                raise DomainError(
                    "conflict", _("No technician is available: name one, or add technicians."), field="technician"
                )
        else:
            chosen = next((s for s in suggestions if s["user"].username == technician.strip()), None)
            if chosen is None:
                raise ValidationFailed(
                    _("“%(name)s” is not an active technician.") % {"name": technician.strip()}, field="technician"
                )
        user = chosen["user"]
        previous = o.technician.username if o.technician_id else ""
        o.technician = user
        o.dispatch_reason = chosen["reason"]
        o.dispatched_at = now
        o.status = Status.DISPATCHED
        _save(o, now, ["technician", "dispatch_reason", "dispatched_at", "status"])
        _meet(o, Clock.RESPONSE, now=now)
        due = (
            o.appointment_end
            if o.appointment_end and o.appointment_end > now
            else now + dt.timedelta(hours=conf["arrival_hours"])
        )
        _start_clock(o, Clock.ARRIVAL, now=now, due=due, conf=conf)
        _event(
            o,
            c,
            actor=actor,
            now=now,
            action="dispatch",
            from_status=before,
            data={"technician": user.username, "previous": previous, "reason": chosen["reason"]},
        )
        when = timezone.localtime(o.appointment_at).strftime("%m-%d %H:%M") if o.appointment_at else ""
        notify(
            [user],
            kind="service_order_dispatched",
            complaint=c,
            key=f"service_dispatch:{o.number}:{o.version}",
            now=now,
            title=_title(o, msg(gettext_noop("dispatched to you %(when)s"), when=when)),
            body=f"{o.address}\n{o.fault[:400]}",
        )
        return o


def do_quote(
    order: ServiceOrder, *, actor: User, now: dt.datetime, lines: Any = None, version: Any = None
) -> ServiceOrder:
    """The parts and labour the work will take, priced. It replaces the previous quote; a paid (class A) quote above
    0 waits for the customer's confirmation before the work."""
    lines_ = _lines(lines, "lines")
    if not lines_:
        raise ValidationFailed(_("Quote at least one part or labour line."), field="lines")
    with transaction.atomic():
        c, o = _lock(order)
        before = _check(o, "quote", actor, version=version)
        o.lines.filter(used=False).delete()
        _add_lines(o, lines_, used=False)
        total = quote_total(o)
        o.quote_state = QuoteState.PENDING if o.service_class == ServiceClass.PAID and total > 0 else QuoteState.NONE
        o.quote_confirmed_at, o.quote_confirmed_by = None, ""
        _save(o, now, ["quote_state", "quote_confirmed_at", "quote_confirmed_by"])
        _event(o, c, actor=actor, now=now, action="quote", from_status=before, data={"total": _money(total)})
        return o


def do_confirm_quote(
    order: ServiceOrder, *, actor: User | None, now: dt.datetime, by: Any = "", version: Any = None
) -> ServiceOrder:
    """The customer agrees to the quote: through the order's link (actor None), or as the agent records it."""
    with transaction.atomic():
        c, o = _lock(order)
        before = _check(o, "confirm_quote", actor, version=version)
        if o.quote_state != QuoteState.PENDING:
            raise DomainError("conflict", _("There is no quote waiting for confirmation."), field="quote")
        who = clean_text(by, "by", required=False, max_length=150)
        o.quote_state = QuoteState.CONFIRMED
        o.quote_confirmed_at = now
        o.quote_confirmed_by = who or (_("the customer, by the tracking link") if actor is None else str(actor))
        _save(o, now, ["quote_state", "quote_confirmed_at", "quote_confirmed_by"])
        _event(
            o,
            c,
            actor=actor,
            now=now,
            action="confirm_quote",
            from_status=before,
            data={"total": _money(quote_total(o)), "by": o.quote_confirmed_by, "via": "link" if actor is None else ""},
        )
        if o.technician_id:
            notify(
                [o.technician],
                kind="service_quote_confirmed",
                complaint=c,
                key=f"service_quote:{o.number}:{o.version}",
                now=now,
                title=_title(o, msg(gettext_noop("the customer confirmed the quote"))),
            )
        return o


def do_arrive(order: ServiceOrder, *, actor: User, now: dt.datetime, version: Any = None) -> ServiceOrder:
    """The technician is on site and starts."""
    with transaction.atomic():
        c, o = _lock(order)
        before = _check(o, "arrive", actor, version=version)
        o.status = Status.ON_SITE
        o.arrived_at = now
        _save(o, now, ["status", "arrived_at"])
        _meet(o, Clock.ARRIVAL, now=now)
        _event(o, c, actor=actor, now=now, action="arrive", from_status=before)
        return o


def do_receive(
    order: ServiceOrder,
    *,
    actor: User,
    now: dt.datetime,
    items: Any = None,
    promised_at: Any = None,
    version: Any = None,
) -> ServiceOrder:
    """携回修护: the technician takes the goods back, listing each with its condition and accessories; the customer
    gets the receipt (客户商品领取收据, receipt.pdf) with the promised return date."""
    conf = rules.settings_()
    items_, promised = _collect(lambda: _items(items), lambda: _date(promised_at, "promised_at"))
    today = timezone.localdate(now)
    promised = promised or today + dt.timedelta(days=conf["takeback_days"])
    if promised < today:
        raise ValidationFailed(_("The promised date is in the past."), field="promised_at")
    with transaction.atomic():
        c, o = _lock(order)
        before = _check(o, "receive", actor, version=version)
        o.status = Status.TAKEN_BACK
        o.mode = Mode.TAKEBACK
        o.items = items_
        o.received_at = now
        o.promised_at = promised
        if o.arrived_at is None:
            o.arrived_at = now
        _save(o, now, ["status", "mode", "items", "received_at", "promised_at", "arrived_at"])
        _meet(o, Clock.ARRIVAL, now=now)
        # The completion is now the promised return (end of that day).
        end = timezone.make_aware(dt.datetime.combine(promised, dt.time(23, 59)))
        ServiceClock.objects.filter(order=o, clock=Clock.COMPLETION, met_at__isnull=True).update(
            due_at=end,
            remind_at=end - dt.timedelta(minutes=conf["remind_before_minutes"]),
            reminded_at=None,
            breached_at=None,
        )
        _event(
            o,
            c,
            actor=actor,
            now=now,
            action="receive",
            from_status=before,
            data={"items": [i["name"] for i in items_], "promised_at": promised.isoformat()},
        )
        return o


def do_repair(
    order: ServiceOrder,
    *,
    actor: User,
    now: dt.datetime,
    work_done: Any = None,
    parts: Any = None,
    labour: Any = None,
    fee: Any = None,
    version: Any = None,
) -> ServiceOrder:
    """The technician finishes the work: what was done, the parts used, the fee (C and D: none). Quality checks
    next."""
    text, parts_, labour_ = _collect(
        lambda: clean_text(work_done, "work_done", required=True, max_length=TEXT_MAX),
        lambda: _lines(parts, "parts", default_kind=LineKind.PART),
        lambda: _lines(labour, "labour", default_kind=LineKind.LABOUR),
    )
    with transaction.atomic():
        c, o = _lock(order)
        before = _check(o, "repair", actor, version=version)
        fee_ = _fee(o, fee, required=False)
        _require_confirmed_quote(o, fee_)
        _add_lines(o, parts_ + labour_, used=True)
        if fee_ is None:
            fee_ = Decimal("0.00") if o.fee_free else quote_total(o)
            if o.service_class == ServiceClass.PAID and fee_ > 0 and o.quote_state != QuoteState.CONFIRMED:
                _require_confirmed_quote(o, fee_)
        o.work_done = text
        o.fee = fee_
        o.status = Status.REPAIRED
        o.repaired_at = now
        _save(o, now, ["work_done", "fee", "status", "repaired_at"])
        _event(
            o,
            c,
            actor=actor,
            now=now,
            action="repair",
            from_status=before,
            data={"work_done": text[:500], "parts": [p["description"] for p in parts_], "fee": _money(fee_)},
        )
        notify(
            list(User.objects.filter(is_active=True, role=Role.QUALITY).order_by("id")[:20]),
            kind="service_check",
            complaint=c,
            key=f"service_repair:{o.number}:{o.version}",
            now=now,
            title=_title(o, msg(gettext_noop("repaired, to quality-check"))),
            body=text[:500],
        )
        return o


def do_check(
    order: ServiceOrder, *, actor: User, now: dt.datetime, passed: Any = None, note: Any = "", version: Any = None
) -> ServiceOrder:
    """Quality checks the repair: passed → the customer signs for it next; failed → back to the technician (on
    site, or the workshop for goods taken back), with the reason."""
    if not isinstance(passed, bool):
        raise ValidationFailed(_("Say whether it passed: true or false."), field="passed")
    text = clean_text(note, "note", required=not passed, max_length=TEXT_MAX)
    with transaction.atomic():
        c, o = _lock(order)
        before = _check(o, "check", actor, version=version)
        o.check_passed = passed
        o.check_note = text
        o.checked_by = actor
        o.checked_at = now
        if passed:
            o.status = Status.CHECKED
        else:
            o.status = Status.TAKEN_BACK if o.received_at and not o.returned_at else Status.ON_SITE
        _save(o, now, ["check_passed", "check_note", "checked_by", "checked_at", "status"])
        _event(o, c, actor=actor, now=now, action="check", from_status=before, data={"passed": passed, "note": text})
        notify(
            [o.technician],
            kind="service_checked",
            complaint=c,
            key=f"service_check:{o.number}:{o.version}",
            now=now,
            title=_title(
                o, msg(gettext_noop("quality check passed") if passed else gettext_noop("quality check failed: rework"))
            ),
            body=text[:500],
        )
        return o


def do_complete(
    order: ServiceOrder,
    *,
    actor: User,
    now: dt.datetime,
    signed_by: Any = None,
    signature: Any = None,
    work_done: Any = None,
    parts: Any = None,
    fee: Any = None,
    version: Any = None,
) -> ServiceOrder:
    """The customer signs for the work (and takes back their goods: that closes the receipt). `work_done`,
    `parts` and `fee` complete or correct what the repair recorded; C and D carry no fee."""
    name, text, parts_ = _collect(
        lambda: clean_text(signed_by, "signed_by", required=True, max_length=100),
        lambda: None if work_done is None else clean_text(work_done, "work_done", required=False, max_length=TEXT_MAX),
        lambda: _lines(parts, "parts", default_kind=LineKind.PART),
    )
    png = decode_signature(signature) if signature not in (None, "") else None
    with transaction.atomic():
        c, o = _lock(order)
        before = _check(o, "complete", actor, version=version)
        fee_ = _fee(o, fee, required=o.fee is None and not o.fee_free)
        if fee_ is not None:
            _require_confirmed_quote(o, fee_)
        _add_lines(o, parts_, used=True)
        fields = ["status", "signed_by", "completed_at"]
        if fee_ is not None:
            o.fee = fee_
            fields.append("fee")
        elif o.fee is None:
            o.fee = Decimal("0.00")
            fields.append("fee")
        if text:
            o.work_done = text
            fields.append("work_done")
        if png is not None:
            o.signature.save(f"{o.number}.png", ContentFile(png), save=False)
            fields.append("signature")
        if o.received_at and not o.returned_at:
            o.returned_at = now
            fields.append("returned_at")
        o.status = Status.COMPLETED
        o.signed_by = name
        o.completed_at = now
        _save(o, now, fields)
        _meet(o, Clock.COMPLETION, now=now)
        _stop_all(o, now=now)
        _event(
            o,
            c,
            actor=actor,
            now=now,
            action="complete",
            from_status=before,
            data={
                "signed_by": name,
                "fee": _money(o.fee),
                "returned": bool(o.returned_at),
                "signature": bool(o.signature),
            },
        )
        notify(
            _front_desk_people(o, actor),
            kind="service_completed",
            complaint=c,
            key=f"service_complete:{o.number}",
            now=now,
            title=_title(o, msg(gettext_noop("completed, signed by %(name)s: ask for the evaluation"), name=name)),
        )
        return o


def do_evaluate(
    order: ServiceOrder,
    *,
    actor: User | None,
    now: dt.datetime,
    score: Any = None,
    comment: Any = "",
    version: Any = None,
) -> ServiceOrder:
    """The customer's evaluation of the visit, 5 (very satisfied) to 1 (very dissatisfied): recorded by the agent,
    or given through the order's link (actor None). At or below settings.service.bad_score it becomes a complaint
    linked to the order."""
    if isinstance(score, bool) or not isinstance(score, int) or not 1 <= score <= 5:
        raise ValidationFailed(_("Give a score from 1 to 5."), field="score")
    text = clean_text(comment, "comment", required=False, max_length=TEXT_MAX)
    conf = rules.settings_()
    with transaction.atomic():
        c, o = _lock(order)
        before = _check(o, "evaluate", actor, version=version)
        o.score = score
        o.evaluation_comment = text
        o.evaluated_at = now
        o.status = Status.EVALUATED
        fields = ["score", "evaluation_comment", "evaluated_at", "status"]
        follow_up = None
        if score <= conf["bad_score"]:
            follow_up = _complaint_from_evaluation(o, actor=actor, now=now, score=score, comment=text)
            o.follow_up_complaint = follow_up
            fields.append("follow_up_complaint")
        _save(o, now, fields)
        _event(
            o,
            c,
            actor=actor,
            now=now,
            action="evaluate",
            from_status=before,
            data={"score": score, "comment": text[:500], "complaint": follow_up.number if follow_up else None},
        )
        if follow_up is not None:
            record_event(
                follow_up,
                actor=actor,
                now=now,
                action="service_bad_evaluation",
                data={"service_order": o.number, "score": score},
            )
        return o


def _complaint_from_evaluation(order: ServiceOrder, *, actor: User | None, now: dt.datetime, score: int, comment: str):
    from kesu.complaints.actions import ComplaintInput, CustomerInput, do_create

    cust = order.customer
    title = _("Dissatisfied with service order %(number)s (%(score)s of 5)") % {"number": order.number, "score": score}
    lines = [
        _("The customer rated the service visit %(score)s of 5.") % {"score": score},
        _("Product: %(product)s") % {"product": order.product},
        _("Fault: %(fault)s") % {"fault": order.fault},
    ]
    if order.work_done:
        lines.append(_("Work done: %(work)s") % {"work": order.work_done})
    if comment:
        lines.append(_("The customer said: %(comment)s") % {"comment": comment})
    data = ComplaintInput(
        channel="web" if actor is None else "phone",
        customer=CustomerInput(name=cust.name, phone=cust.phone, email=cust.email),
        title=title[:200],
        description="\n".join(lines),
        product=order.product,
        product_code=order.product_code,
        demand=Demand.IMPROVEMENT,
    )
    created, _new = do_create(data, actor=actor, now=now, event_data={"service_order": order.number})
    return created


def do_cancel(
    order: ServiceOrder, *, actor: User, now: dt.datetime, reason: Any = None, version: Any = None
) -> ServiceOrder:
    """Cancel an order that is not done. Goods taken back are returned first (complete the order with the
    customer's signature)."""
    text = clean_text(reason, "reason", required=True, max_length=TEXT_MAX)
    with transaction.atomic():
        c, o = _lock(order)
        before = _check(o, "cancel", actor, version=version)
        if o.received_at and not o.returned_at:
            raise DomainError(
                "conflict",
                _("The customer's goods are still with us: return them before cancelling."),
                field="status",
            )
        o.status = Status.CANCELLED
        o.cancel_reason = text
        o.cancelled_at = now
        _save(o, now, ["status", "cancel_reason", "cancelled_at"])
        _stop_all(o, now=now)
        _event(o, c, actor=actor, now=now, action="cancel", from_status=before, data={"reason": text[:500]})
        if o.technician_id:
            notify(
                [o.technician],
                kind="service_cancelled",
                complaint=c,
                key=f"service_cancel:{o.number}",
                now=now,
                title=_title(o, msg(gettext_noop("cancelled"))),
                body=text[:500],
            )
        return o


def do_add_photo(
    order: ServiceOrder, *, actor: User, now: dt.datetime, content: bytes, filename: str = "", caption: Any = ""
) -> ServicePhoto:
    """A photo of the work by the technician (while he holds the order) or the service desk; checked by content."""
    if not (
        (actor.role == Role.HANDLER and order.technician_id == actor.pk and order.status in IN_HAND)
        or (actor.role in FRONT_DESK and order.status not in (Status.CANCELLED,))
    ):
        raise Forbidden(_("Only the technician holding the order adds photos of the work."))
    text = clean_text(caption, "caption", required=False, max_length=200)
    if not content:
        raise ValidationFailed(_("Choose a photo."), field="photo")
    if len(content) > PHOTO_MAX_BYTES:
        raise ValidationFailed(_("The photo is larger than 10 MB."), field="photo")
    kind = sniff_content_type(content[:64])
    if kind not in PHOTO_TYPES:
        raise ValidationFailed(_("Only JPEG, PNG or WebP photos."), field="photo")
    ext = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp"}[kind]
    with transaction.atomic():
        c, o = _lock(order)
        photo = ServicePhoto(order=o, content_type=kind, caption=text, uploaded_by=actor, uploaded_at=now)
        photo.file.save(f"{o.number}-{int(now.timestamp())}.{ext}", ContentFile(content), save=False)
        photo.save()
        _event(o, c, actor=actor, now=now, action="photo", from_status=o.status, data={"caption": text})
        return photo


ACTIONS = {
    "schedule": do_schedule,
    "dispatch": do_dispatch,
    "quote": do_quote,
    "confirm_quote": do_confirm_quote,
    "arrive": do_arrive,
    "receive": do_receive,
    "repair": do_repair,
    "check": do_check,
    "complete": do_complete,
    "evaluate": do_evaluate,
    "cancel": do_cancel,
}

# The fields each action takes (the API refuses any other), and those it needs.
ACTION_FIELDS: dict[str, tuple[str, ...]] = {
    "schedule": ("appointment_at", "appointment_end", "address", "area"),
    "dispatch": ("technician",),
    "quote": ("lines",),
    "confirm_quote": ("by",),
    "arrive": (),
    "receive": ("items", "promised_at"),
    "repair": ("work_done", "parts", "labour", "fee"),
    "check": ("passed", "note"),
    "complete": ("signed_by", "signature", "work_done", "parts", "fee"),
    "evaluate": ("score", "comment"),
    "cancel": ("reason",),
}


def technicians() -> list[Technician]:
    return list(
        Technician.objects.filter(active=True, user__is_active=True, user__role=Role.HANDLER)
        .select_related("user")
        .order_by("user__username")
    )


def do_open_from_public_form(complaint: Complaint, *, now: dt.datetime) -> ServiceOrder | None:
    """The customer chose "repair" on the public form: their complaint opens a service order at once (in the
    complaint's transaction), for the service desk to schedule. What the form does not ask (address, slot) the
    agent agrees with the customer when scheduling; a product left blank is named by the complaint's title."""
    if not is_repair_request(complaint):
        return None
    try:
        return do_create_order(
            actor=None,
            now=now,
            complaint=complaint,
            product=complaint.product or complaint.title or _("Not stated"),
            fault=complaint.description or complaint.title,
        )
    except ValidationFailed:
        return None  # nothing written: the complaint stands, and the agent makes the order from its page
