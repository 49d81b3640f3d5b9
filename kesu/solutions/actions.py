"""Every change to a compensation: requested, decided, executed, cancelled — one do_* action each (R-SOL-2).

Each action checks who may do it, validates its input (a refused action raises DomainError naming the field and
changes nothing), locks the complaint row and then the compensation row (that order, always), writes the timeline
event on the complaint and notifies whoever acts next, after commit. The caller has checked that the actor may see
the complaint (kesu.complaints.access.access_complaint) or the compensation (selectors.access_compensation).
Amounts are Decimal from the string the user typed to the database: a JSON float is refused, never rounded.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from kesu.accounts.models import User
from kesu.accounts.roles import Role
from kesu.complaints.events import record_event
from kesu.complaints.models import Complaint, Event
from kesu.complaints.states import OPEN_STATES
from kesu.complaints.states import Status as ComplaintStatus
from kesu.core.errors import DomainError, Forbidden, ValidationFailed
from kesu.core.text import clean_text
from kesu.notifications.services import notify
from kesu.notifications.text import in_each_language, msg

from . import rules
from .models import AMOUNT_MAX, GRANTED, Compensation, Kind, Status

REASON_MAX = 2000
COMMENT_MAX = 2000
REFERENCE_MAX = 100
# Who may request a compensation on a complaint they see: everyone but the archive.
REQUEST_ROLES = frozenset(set(Role.values) - {Role.ARCHIVIST})
# Who executes any compensation: the supervisors' ranks; besides them the handlers of finance and logistics.
EXECUTE_ROLES = frozenset({Role.SUPERVISOR, Role.DIRECTOR, Role.MANAGER, Role.ADMIN})
# What "executed" means for each kind, and the order of the steps: paid or shipped, then done.
EXECUTION_STEPS: dict[str, tuple[str, ...]] = {
    Kind.REFUND: (Status.PAID, Status.DONE),
    Kind.CASH: (Status.PAID, Status.DONE),
    Kind.GOODS: (Status.SHIPPED, Status.DONE),
    Kind.VOUCHER: (Status.DONE,),
    Kind.SERVICE: (Status.DONE,),
    Kind.POINTS: (Status.DONE,),
}
NEEDS_REFERENCE = frozenset({Status.PAID, Status.SHIPPED})
# Who cancels a request besides its requester, before it is executed.
CANCEL_ROLES = EXECUTE_ROLES
CANCELLABLE = (Status.PENDING, Status.APPROVED)


def parse_amount(value: Any, field: str = "amount") -> Decimal:
    """A positive amount in CNY with at most two decimals, from a decimal string (or a whole JSON number)."""
    if isinstance(value, (bool, float)):
        raise ValidationFailed(_('Send the amount as a decimal string, such as "50.00".'), field=field)
    if value is None or (isinstance(value, str) and not value.strip()):
        raise ValidationFailed(_("This field is required."), field=field)
    if not isinstance(value, (str, int, Decimal)):
        raise ValidationFailed(_('Enter an amount in yuan, such as "50.00".'), field=field)
    try:
        amount = Decimal(value.strip() if isinstance(value, str) else value)
    except (InvalidOperation, ValueError):
        raise ValidationFailed(_('Enter an amount in yuan, such as "50.00".'), field=field) from None
    if not amount.is_finite() or amount <= 0:
        raise ValidationFailed(_("The amount must be above 0."), field=field)
    if amount.as_tuple().exponent < -2:  # type: ignore[operator]
        raise ValidationFailed(_("Enter an amount in yuan with at most two decimals."), field=field)
    if amount > AMOUNT_MAX:
        raise ValidationFailed(
            _("At most %(max)s yuan in one compensation.") % {"max": f"{AMOUNT_MAX:,.2f}"}, field=field
        )
    return amount.quantize(Decimal("0.01"))


def _kind(value: Any) -> str:
    if value in (None, ""):
        raise ValidationFailed(_("This field is required."), field="kind")
    if not isinstance(value, str) or value not in Kind.values:
        raise ValidationFailed(
            _("“%(value)s” is not one of: %(choices)s.") % {"value": value, "choices": ", ".join(Kind.values)},
            field="kind",
        )
    return value


def _collect(*checks) -> list[Any]:
    values, fields = [], {}
    for fn in checks:
        try:
            values.append(fn())
        except ValidationFailed as exc:
            values.append(None)
            for name, messages in exc.fields.items():
                fields.setdefault(name, []).extend(messages)
    if fields:
        raise ValidationFailed(_("Please correct the marked fields."), fields=fields)
    return values


def _lock(compensation: Compensation) -> tuple[Complaint, Compensation]:
    complaint = Complaint.objects.select_for_update(of=("self",), no_key=True).get(pk=compensation.complaint_id)
    locked = (
        Compensation.objects.select_for_update(of=("self",))
        .select_related("requested_by", "complaint")
        .get(pk=compensation.pk)
    )
    return complaint, locked


def _hours(key: str, default: int, settings: dict[str, Any]) -> dt.timedelta:
    return dt.timedelta(hours=rules.hours(key, default, settings))


def _money(amount: Decimal) -> str:
    return f"{amount:.2f}"


def _data(comp: Compensation, **extra) -> dict[str, Any]:
    return {"compensation": comp.pk, "kind": comp.kind, "amount": _money(comp.amount), **extra}


def approvers(role: str) -> list[User]:
    return list(User.objects.filter(is_active=True, role=role).order_by("id"))


def executors(comp: Compensation) -> list[User]:
    """The handlers of the departments that execute this kind (finance: money, vouchers, points; logistics: goods
    and free service)."""
    codes = rules.finance_departments() if comp.kind in rules.FINANCE_KINDS else rules.logistics_departments()
    return list(
        User.objects.filter(is_active=True, role=Role.HANDLER, departments__code__in=codes).distinct().order_by("id")
    )


def may_decide(comp: Compensation, user: User | None, table=None) -> bool:
    if user is None or not user.is_active or user.pk == comp.requested_by_id:
        return False
    table = rules.limits() if table is None else table
    return rules.covers(user.role, comp.amount, table) and user.role in (*rules.APPROVER_RANKS, Role.ADMIN)


def executing_department_codes(user: User, kind: str) -> set[str]:
    codes = set(user.departments.values_list("code", flat=True))
    wanted = rules.finance_departments() if kind in rules.FINANCE_KINDS else rules.logistics_departments()
    return codes & set(wanted)


def may_execute(comp: Compensation, user: User | None) -> bool:
    if user is None or not user.is_active:
        return False
    if user.role in EXECUTE_ROLES:
        return True
    return user.role == Role.HANDLER and bool(executing_department_codes(user, comp.kind))


def next_steps(comp: Compensation) -> tuple[str, ...]:
    """The execution statuses this compensation may move to now."""
    steps = EXECUTION_STEPS[comp.kind]
    if comp.status == Status.APPROVED:
        return steps
    if comp.status in steps and comp.status != Status.DONE:
        return steps[steps.index(comp.status) + 1 :]
    return ()


def amount_warnings(complaint: Complaint, amount: Decimal, settings: dict[str, Any] | None = None) -> list[str]:
    """What is unusual about this amount for this complaint: above the amount the complaint involves, or above
    the playbook's ceiling for one compensation. Each needs the requester's confirmation, never a refusal."""
    out = []
    if complaint.amount is not None and amount > complaint.amount:
        out.append(
            _("%(amount)s yuan is more than the %(involved)s yuan this complaint involves.")
            % {"amount": _money(amount), "involved": _money(complaint.amount)}
        )
    ceiling = rules.ceiling(settings)
    if amount > ceiling:
        out.append(
            _("%(amount)s yuan is above the ceiling of %(ceiling)s yuan for one compensation.")
            % {"amount": _money(amount), "ceiling": f"{ceiling:,.2f}"}
        )
    return out


class ConfirmationRequired(DomainError):
    """A request the requester must confirm (400 naming `amount`); sent again with confirm it goes through."""

    def __init__(self, warnings: list[str]) -> None:
        message = " ".join(warnings) + " " + _("Check the amount and confirm it to request it all the same.")
        super().__init__("confirmation_required", message, fields={"amount": [message]})
        self.warnings = warnings


def do_request_compensation(
    complaint: Complaint,
    *,
    actor: User,
    now: dt.datetime,
    kind: Any,
    amount: Any,
    reason: Any,
    confirm: bool = False,
) -> Compensation:
    """Request a compensation for the customer. Within the requester's own limit it is approved at once;
    above it, it waits for the lowest rank whose limit covers it, and they are told. An amount above the
    complaint's amount involved or above the playbook's ceiling is taken only with `confirm`."""
    if actor.role not in REQUEST_ROLES:
        raise Forbidden(_("The archive does not request compensation."))
    if not isinstance(confirm, bool):
        raise ValidationFailed(_("Say whether you confirm the amount: true or false."), field="confirm")
    kind_, amount_, reason_ = _collect(
        lambda: _kind(kind),
        lambda: parse_amount(amount),
        lambda: clean_text(reason, "reason", required=True, max_length=REASON_MAX),
    )
    table = rules.limits()
    settings = rules.settings_()
    with transaction.atomic():
        c = Complaint.objects.select_for_update(of=("self",), no_key=True).get(pk=complaint.pk)
        if c.status not in OPEN_STATES:
            raise DomainError(
                "invalid_transition",
                _("The complaint is “%(status)s”: compensation is requested only while it is open.")
                % {"status": c.get_status_display()},
            )
        warnings = amount_warnings(c, amount_, settings)
        if warnings and not confirm:
            raise ConfirmationRequired(warnings)
        on_the_spot = rules.covers(actor.role, amount_, table)
        role = actor.role if on_the_spot and actor.role in rules.APPROVER_RANKS else rules.approver_role(amount_, table)
        comp = Compensation(
            complaint=c,
            kind=kind_,
            amount=amount_,
            reason=reason_,
            requested_by=actor,
            requested_at=now,
            approver_role=role,
        )
        if on_the_spot:
            comp.status = Status.APPROVED
            comp.decided_by = actor
            comp.decided_at = now
            comp.due_at = now + _hours("execution_hours", rules.DEFAULT_EXECUTION_HOURS, settings)
        else:
            comp.status = Status.PENDING
            comp.due_at = now + _hours("approval_hours", rules.DEFAULT_APPROVAL_HOURS, settings)
        comp.save()
        record_event(
            c,
            actor=actor,
            now=now,
            action="compensation_requested",
            from_status=c.status,
            to_status=c.status,
            data=_data(
                comp,
                reason=reason_[:500],
                approver_role=role,
                status=comp.status,
                **({"confirmed": warnings} if warnings else {}),
            ),
        )
        if on_the_spot:
            record_event(
                c,
                actor=actor,
                now=now,
                action="compensation_approved",
                from_status=c.status,
                to_status=c.status,
                data=_data(comp, comment=_("Within the requester's own limit.")),
            )
            people = [u for u in executors(comp) if u.pk != actor.pk]
            title = msg(
                gettext_noop("%(number)s: compensation of %(amount)s yuan to execute"),
                number=c.number,
                amount=_money(amount_),
            )
            kind_key = "compensation_execute"
        else:
            people = [u for u in approvers(role) if u.pk != actor.pk]
            title = msg(
                gettext_noop("%(number)s: compensation of %(amount)s yuan awaits your approval"),
                number=c.number,
                amount=_money(amount_),
            )
            kind_key = "compensation_approval"
        notify(
            people,
            kind=kind_key,
            complaint=c,
            key=f"{kind_key}:{comp.pk}",
            now=now,
            title=title,
            body=reason_[:500],
        )
        return comp


def do_decide_compensation(
    compensation: Compensation, *, actor: User, now: dt.datetime, approved: Any, comment: Any = ""
) -> Compensation:
    """Approve or reject a pending request: by someone whose limit covers the amount, never the requester."""
    if not isinstance(approved, bool):
        raise ValidationFailed(_("Say whether it is approved: true or false."), field="approved")
    text = clean_text(comment, "comment", required=not approved, max_length=COMMENT_MAX)
    if actor.pk == compensation.requested_by_id:
        raise Forbidden(_("Nobody decides on his own request."))
    if not may_decide(compensation, actor):
        raise Forbidden(
            _("Your approval limit does not cover %(amount)s yuan.") % {"amount": _money(compensation.amount)}
        )
    with transaction.atomic():
        c, comp = _lock(compensation)
        if comp.status != Status.PENDING:
            raise DomainError(
                "conflict",
                _("The compensation is “%(status)s” already: someone decided first.")
                % {"status": comp.get_status_display()},
                field="compensation",
            )
        comp.decided_by = actor
        comp.decided_at = now
        comp.decision_comment = text
        comp.breached_at = None
        if approved:
            comp.status = Status.APPROVED
            comp.due_at = now + _hours("execution_hours", rules.DEFAULT_EXECUTION_HOURS, rules.settings_())
        else:
            comp.status = Status.REJECTED
            comp.due_at = None
        comp.save(update_fields=["status", "decided_by", "decided_at", "decision_comment", "due_at", "breached_at"])
        record_event(
            c,
            actor=actor,
            now=now,
            action="compensation_approved" if approved else "compensation_rejected",
            from_status=c.status,
            to_status=c.status,
            data=_data(comp, comment=text[:500]),
        )
        values = {"number": c.number, "amount": _money(comp.amount)}
        people = [comp.requested_by]
        if approved:
            people += executors(comp)
            title = msg(gettext_noop("%(number)s: compensation of %(amount)s yuan approved"), **values)
        else:
            title = msg(gettext_noop("%(number)s: compensation of %(amount)s yuan rejected"), **values)
        people = [u for u in people if u.pk != actor.pk]
        notify(
            people,
            kind="compensation_decided",
            complaint=c,
            key=f"compensation_decided:{comp.pk}",
            now=now,
            title=title,
            body=text[:500],
        )
        return comp


def do_execute_compensation(
    compensation: Compensation, *, actor: User, now: dt.datetime, status: Any, reference: Any = ""
) -> Compensation:
    """Finance marks money paid (with the payment reference), logistics goods shipped (with the waybill number);
    done closes it. The execution clock stops at the first of these."""
    if not may_execute(compensation, actor):
        raise Forbidden(_("Only supervisors and the finance and logistics departments execute compensation."))
    ref = clean_text(reference, "reference", required=False, max_length=REFERENCE_MAX)
    if status not in (Status.PAID, Status.SHIPPED, Status.DONE):
        raise ValidationFailed(
            _("“%(value)s” is not one of: %(choices)s.") % {"value": status, "choices": "paid, shipped, done"},
            field="status",
        )
    if status not in EXECUTION_STEPS[compensation.kind]:
        raise ValidationFailed(
            _("A compensation of kind “%(kind)s” is marked %(steps)s.")
            % {"kind": compensation.get_kind_display(), "steps": ", ".join(EXECUTION_STEPS[compensation.kind])},
            field="status",
        )
    if status in NEEDS_REFERENCE and not ref:
        raise ValidationFailed(
            _("Enter the payment reference.") if status == Status.PAID else _("Enter the waybill number."),
            field="reference",
        )
    with transaction.atomic():
        c, comp = _lock(compensation)
        if status not in next_steps(comp):
            raise DomainError(
                "invalid_transition",
                _("The compensation is “%(status)s”: it cannot be marked “%(target)s” now.")
                % {"status": comp.get_status_display(), "target": Status(status).label},
                field="status",
            )
        fields = ["status"]
        if comp.executed_at is None:
            comp.executed_at = now
            comp.executed_by = actor
            comp.due_at = None
            fields += ["executed_at", "executed_by", "due_at"]
        if ref:
            comp.reference = ref
            fields.append("reference")
        comp.status = status
        comp.save(update_fields=fields)
        # The customer-facing side of it: what was promised is now paid / shipped / given (R-SOL-5).
        record_event(
            c,
            actor=actor,
            now=now,
            action=f"compensation_{status}",
            from_status=c.status,
            to_status=c.status,
            data=_data(comp, reference=comp.reference),
            internal=False,
        )
        people = [u for u in (comp.requested_by,) if u.pk != actor.pk]
        title = msg(
            gettext_noop("%(number)s: compensation of %(amount)s yuan marked %(status)s"),
            number=c.number,
            amount=_money(comp.amount),
            status=in_each_language(comp.get_status_display),
        )
        notify(
            people,
            kind="compensation_executed",
            complaint=c,
            key=f"compensation_{status}:{comp.pk}",
            now=now,
            title=title,
            body=comp.reference,
        )
        return comp


def may_cancel(comp: Compensation, user: User | None) -> bool:
    if user is None or not user.is_active or comp.status not in CANCELLABLE:
        return False
    return user.pk == comp.requested_by_id or user.role in CANCEL_ROLES


def _promised(complaint: Complaint, comp: Compensation) -> bool:
    """Whether the solution now put to the customer carries this compensation."""
    if complaint.status not in (ComplaintStatus.SOLUTION_PROPOSED, ComplaintStatus.RESOLVED):
        return False
    last = (
        Event.objects.filter(complaint_id=complaint.pk, action="propose_solution")
        .order_by("-at", "-id")
        .values_list("data", flat=True)
        .first()
    )
    return isinstance(last, dict) and last.get("compensation") == comp.pk


def do_cancel_compensation(compensation: Compensation, *, actor: User, now: dt.datetime, reason: Any) -> Compensation:
    """Withdraw a request before it is executed: by its requester, or a supervisor or above. Not once the solution
    put to the customer carries it (propose another solution first)."""
    if actor.pk != compensation.requested_by_id and actor.role not in CANCEL_ROLES:
        raise Forbidden(_("Only the requester or a supervisor cancels a compensation."))
    text = clean_text(reason, "reason", required=True, max_length=COMMENT_MAX)
    with transaction.atomic():
        c, comp = _lock(compensation)
        if comp.status not in CANCELLABLE:
            raise DomainError(
                "invalid_transition",
                _("The compensation is “%(status)s”: only one not yet executed can be cancelled.")
                % {"status": comp.get_status_display()},
                field="compensation",
            )
        if _promised(c, comp):
            raise DomainError(
                "conflict",
                _("The solution put to the customer carries this compensation: propose another one first."),
                field="compensation",
            )
        before = comp.status
        comp.status = Status.CANCELLED
        comp.due_at = None
        comp.save(update_fields=["status", "due_at"])
        record_event(
            c,
            actor=actor,
            now=now,
            action="compensation_cancelled",
            from_status=c.status,
            to_status=c.status,
            data=_data(comp, reason=text[:500], was=before),
        )
        people = [comp.requested_by, *(approvers(comp.approver_role) if before == Status.PENDING else executors(comp))]
        people = list({u.pk: u for u in people if u.pk != actor.pk}.values())
        notify(
            people,
            kind="compensation_cancelled",
            complaint=c,
            key=f"compensation_cancelled:{comp.pk}",
            now=now,
            title=msg(
                gettext_noop("%(number)s: compensation of %(amount)s yuan cancelled"),
                number=c.number,
                amount=_money(comp.amount),
            ),
            body=text[:500],
        )
        return comp


def proposal_compensation(complaint: Complaint, *, compensation_id: Any, amount: Decimal | None) -> Compensation | None:
    """The approved compensation a solution proposal carries (called by do_propose_solution, the complaint row
    locked). `compensation_id` names it; a bare `compensation_amount` (the older form) must equal the amount of an
    approved compensation of this complaint. Anything else is a 409 naming `compensation`: a proposal never
    promises money nobody approved."""
    if compensation_id is None and amount is None:
        return None
    if compensation_id is not None and (isinstance(compensation_id, bool) or not isinstance(compensation_id, int)):
        raise ValidationFailed(_("Name the compensation by its number."), field="compensation_id")
    qs = Compensation.objects.filter(complaint_id=complaint.pk)
    if compensation_id is not None:
        comp = qs.filter(pk=compensation_id).first()
        if comp is None:
            raise DomainError(
                "conflict",
                _("Compensation %(id)s is not one of this complaint's.") % {"id": compensation_id},
                field="compensation",
            )
    else:
        comp = qs.filter(amount=amount, status__in=GRANTED).order_by("-requested_at", "-id").first()
        if comp is None:
            raise DomainError(
                "conflict",
                _("No approved compensation of %(amount)s yuan: request it and have it approved first.")
                % {"amount": _money(amount)},  # type: ignore[arg-type]
                field="compensation",
            )
    if comp.status not in GRANTED:
        raise DomainError(
            "conflict",
            _("Compensation %(id)s is “%(status)s”: a proposal carries only approved compensation.")
            % {"id": comp.pk, "status": comp.get_status_display()},
            field="compensation",
        )
    if amount is not None and amount != comp.amount:
        raise DomainError(
            "conflict",
            _("The amount differs from the approved compensation (%(amount)s yuan).") % {"amount": _money(comp.amount)},
            field="compensation",
        )
    return comp
