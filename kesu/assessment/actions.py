"""Decisions on the assessment ledger (R-KPI-1): a supervisor confirms or waives each entry."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext as _

from kesu.accounts.models import User
from kesu.accounts.roles import Role
from kesu.core.errors import DomainError, Forbidden, NotFound, ValidationFailed

from .models import PenaltyEntry, PenaltyStatus

DECIDERS = frozenset({Role.SUPERVISOR, Role.DIRECTOR, Role.MANAGER, Role.ADMIN})


def penalties_visible_to(user: User):
    qs = PenaltyEntry.objects.select_related("person", "complaint", "decided_by")
    if user.role in DECIDERS:
        return qs
    return qs.filter(person=user)


def _decide(entry_id: int, *, actor: User, now: dt.datetime, status: str, note: str, amount=None) -> PenaltyEntry:
    if actor.role not in DECIDERS:
        raise Forbidden(_("Only supervisors and above decide on assessment entries."))
    note = (note or "").strip()
    if len(note) > 300:
        raise ValidationFailed(_("At most %(max)s characters.") % {"max": 300}, field="note")
    if status == PenaltyStatus.WAIVED and not note:
        raise ValidationFailed(_("Say why the entry is waived."), field="note")
    new_amount = None
    if amount not in (None, ""):
        try:
            new_amount = Decimal(str(amount)).quantize(Decimal("0.01"))
        except (InvalidOperation, ValueError):
            raise ValidationFailed(_("Enter an amount in yuan, such as 30.00."), field="amount") from None
        if not new_amount.is_finite() or new_amount < 0 or new_amount > Decimal("100000"):
            raise ValidationFailed(_("Enter an amount between 0 and 100000."), field="amount")
    with transaction.atomic():
        entry = PenaltyEntry.objects.select_for_update().filter(pk=entry_id).first()
        if entry is None:
            raise NotFound(_("Assessment entry not found."))
        if entry.status != PenaltyStatus.PENDING:
            raise DomainError("conflict", _("This entry was already decided."))
        if entry.person_id == actor.pk:
            raise Forbidden(_("Nobody decides on their own assessment entry."))
        entry.status = status
        entry.decided_by = actor
        entry.decided_at = now
        entry.decision_note = note
        fields = ["status", "decided_by", "decided_at", "decision_note"]
        if new_amount is not None and status == PenaltyStatus.CONFIRMED:
            entry.amount = new_amount
            fields.append("amount")
        entry.save(update_fields=fields)
    return entry


def do_confirm_penalty(entry_id: int, *, actor: User, now: dt.datetime, note: str = "", amount=None) -> PenaltyEntry:
    return _decide(entry_id, actor=actor, now=now, status=PenaltyStatus.CONFIRMED, note=note, amount=amount)


def do_waive_penalty(entry_id: int, *, actor: User, now: dt.datetime, note: str) -> PenaltyEntry:
    return _decide(entry_id, actor=actor, now=now, status=PenaltyStatus.WAIVED, note=note)
