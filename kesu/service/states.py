"""The service order (派工单) lifecycle, declared once (R-SVC-1).

    new → scheduled → dispatched → on_site | taken_back → repaired → checked → completed → evaluated
    (any state before completed) → cancelled

Every state change is one named action; TRANSITIONS says which states it starts from, where it goes and which
roles may take it. kesu.service.actions enforces it, the pages offer exactly what `allowed_actions` returns, and the
diagram in the README is generated from this table (`python -m kesu.service.states`). Technician actions are taken
only by the technician the order was dispatched to (any handler); a failed quality check sends the work back to
where it was done (on site, or the workshop for goods taken back).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.translation import pgettext_lazy

from kesu.accounts.roles import Role


class Status(models.TextChoices):
    NEW = "new", pgettext_lazy("service status", "New")
    SCHEDULED = "scheduled", pgettext_lazy("service status", "Appointment agreed")
    DISPATCHED = "dispatched", pgettext_lazy("service status", "Dispatched")
    ON_SITE = "on_site", pgettext_lazy("service status", "Technician on site")
    TAKEN_BACK = "taken_back", pgettext_lazy("service status", "Taken back for repair")
    REPAIRED = "repaired", pgettext_lazy("service status", "Repaired, awaiting quality check")
    CHECKED = "checked", pgettext_lazy("service status", "Quality checked")
    COMPLETED = "completed", pgettext_lazy("service status", "Completed (signed by the customer)")
    EVALUATED = "evaluated", pgettext_lazy("service status", "Evaluated")
    CANCELLED = "cancelled", pgettext_lazy("service status", "Cancelled")


S = Status
# Before the work is done: the quote may still change and the customer still confirm it.
BEFORE_WORK = frozenset({S.NEW, S.SCHEDULED, S.DISPATCHED, S.ON_SITE, S.TAKEN_BACK})
OPEN_STATES = BEFORE_WORK | {S.REPAIRED, S.CHECKED}
ENDED_STATES = frozenset({S.COMPLETED, S.EVALUATED, S.CANCELLED})
# Work the technician holds (his load, and the phone view's list).
IN_HAND = frozenset({S.DISPATCHED, S.ON_SITE, S.TAKEN_BACK, S.REPAIRED, S.CHECKED})

FRONT_DESK = frozenset({Role.AGENT, Role.SUPERVISOR, Role.DIRECTOR, Role.MANAGER, Role.ADMIN})
# "technician": the handler the order is dispatched to (checked by the action, not by role alone).
TECHNICIAN = frozenset({Role.HANDLER})
QUALITY = frozenset({Role.QUALITY, Role.ADMIN})


@dataclass(frozen=True)
class Transition:
    action: str
    sources: frozenset[str]
    targets: tuple[str | None, ...]  # the first is the usual outcome; None = status unchanged
    roles: frozenset[str]
    technician_only: bool
    label: str

    @property
    def target(self) -> str | None:
        return self.targets[0]


def _t(action, sources, targets, roles, label, *, technician_only=False) -> Transition:
    return Transition(action, frozenset(sources), tuple(targets), frozenset(roles), technician_only, label)


TRANSITIONS: dict[str, Transition] = {
    t.action: t
    for t in [
        _t(
            "schedule",
            {S.NEW, S.SCHEDULED, S.DISPATCHED},
            [S.SCHEDULED, None],
            FRONT_DESK,
            pgettext_lazy("service action", "Agree the appointment"),
        ),
        _t(
            "dispatch",
            {S.NEW, S.SCHEDULED, S.DISPATCHED},
            [S.DISPATCHED],
            FRONT_DESK,
            pgettext_lazy("service action", "Dispatch a technician"),
        ),
        _t(
            "quote",
            BEFORE_WORK,
            [None],
            FRONT_DESK | TECHNICIAN,
            pgettext_lazy("service action", "Quote parts and labour"),
        ),
        _t(
            "confirm_quote",
            BEFORE_WORK,
            [None],
            FRONT_DESK,
            pgettext_lazy("service action", "Record the customer's confirmation of the quote"),
        ),
        _t(
            "arrive",
            {S.DISPATCHED},
            [S.ON_SITE],
            TECHNICIAN,
            pgettext_lazy("service action", "Start on site"),
            technician_only=True,
        ),
        _t(
            "receive",
            {S.DISPATCHED, S.ON_SITE},
            [S.TAKEN_BACK],
            TECHNICIAN,
            pgettext_lazy("service action", "Take the goods back (receipt)"),
            technician_only=True,
        ),
        _t(
            "repair",
            {S.ON_SITE, S.TAKEN_BACK},
            [S.REPAIRED],
            TECHNICIAN,
            pgettext_lazy("service action", "Finish the repair"),
            technician_only=True,
        ),
        _t(
            "check",
            {S.REPAIRED},
            [S.CHECKED, S.ON_SITE, S.TAKEN_BACK],
            QUALITY,
            pgettext_lazy("service action", "Quality check"),
        ),
        _t(
            "complete",
            {S.CHECKED},
            [S.COMPLETED],
            TECHNICIAN,
            pgettext_lazy("service action", "Complete with the customer's signature"),
            technician_only=True,
        ),
        _t(
            "evaluate",
            {S.COMPLETED},
            [S.EVALUATED],
            FRONT_DESK,
            pgettext_lazy("service action", "Record the customer's evaluation"),
        ),
        _t(
            "cancel",
            OPEN_STATES,
            [S.CANCELLED],
            FRONT_DESK,
            pgettext_lazy("service action", "Cancel"),
        ),
    ]
}

# What the customer may do through the order's signed link (no staff role).
CUSTOMER_ACTIONS = frozenset({"confirm_quote", "evaluate"})


def allowed_actions(order, user) -> list[str]:
    """The actions `user` may take on `order` now, in the table's order."""
    if user is None or not user.is_authenticated or not user.is_active:
        return []
    out = []
    for t in TRANSITIONS.values():
        if order.status not in t.sources or user.role not in t.roles:
            continue
        if t.technician_only and order.technician_id != user.pk:
            continue
        if t.action == "quote" and user.role in TECHNICIAN and order.technician_id != user.pk:
            continue
        out.append(t.action)
    return out


def mermaid() -> str:
    """The state diagram, generated from TRANSITIONS."""
    lines = ["stateDiagram-v2", "    [*] --> new"]
    for t in TRANSITIONS.values():
        for source in sorted(t.sources):
            for target in t.targets:
                if target is not None:
                    lines.append(f"    {source} --> {target}: {t.action}")
    lines.append("    evaluated --> [*]")
    return "\n".join(lines)


if __name__ == "__main__":  # pragma: no cover
    print(mermaid())
