"""The complaint lifecycle, declared once (R-FLOW).

Every state change is one named action. TRANSITIONS says, for each action, which states it may
start from, where it goes and which roles may take it. complaints.actions enforces it; the web UI
shows exactly the actions `allowed_actions` returns; docs/architecture.md's diagram is generated
from this table (`python -m kesu.complaints.states`).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.translation import pgettext_lazy

from kesu.accounts.roles import Role


class Status(models.TextChoices):
    NEW = "new", pgettext_lazy("status", "New")
    ACKNOWLEDGED = "acknowledged", pgettext_lazy("status", "Acknowledged")
    TRIAGED = "triaged", pgettext_lazy("status", "Triaged")
    ASSIGNED = "assigned", pgettext_lazy("status", "Assigned")
    INVESTIGATING = "investigating", pgettext_lazy("status", "Investigating")
    SOLUTION_PROPOSED = "solution_proposed", pgettext_lazy("status", "Solution proposed")
    RESOLVED = "resolved", pgettext_lazy("status", "Resolved, awaiting revisit")
    CLOSED = "closed", pgettext_lazy("status", "Closed")
    ARCHIVED = "archived", pgettext_lazy("status", "Archived")
    REJECTED = "rejected", pgettext_lazy("status", "Not justified")
    REOPENED = "reopened", pgettext_lazy("status", "Reopened")
    # A duplicate joined into another complaint (the survivor): read-only, it points to the survivor.
    MERGED = "merged", pgettext_lazy("status", "Merged into another")


S = Status
OPEN_STATES = frozenset(
    {S.NEW, S.ACKNOWLEDGED, S.TRIAGED, S.ASSIGNED, S.INVESTIGATING, S.SOLUTION_PROPOSED, S.RESOLVED, S.REOPENED}
)
WORKING_STATES = OPEN_STATES - {S.RESOLVED}
ENDED_STATES = frozenset({S.CLOSED, S.ARCHIVED, S.REJECTED, S.MERGED})
# Nothing changes these any more: every action but viewing is refused.
READ_ONLY_STATES = frozenset({S.ARCHIVED, S.MERGED})
# Links between complaints may be made and removed on these (not on a read-only one).
LINKABLE_STATES = OPEN_STATES | {S.CLOSED, S.REJECTED}

FRONT_DESK = frozenset({Role.AGENT, Role.SUPERVISOR, Role.DIRECTOR, Role.MANAGER, Role.ADMIN})
HANDLING = FRONT_DESK | {Role.QUALITY, Role.HANDLER}
REVIEWERS = frozenset({Role.SUPERVISOR, Role.DIRECTOR, Role.MANAGER, Role.ADMIN})


@dataclass(frozen=True)
class Transition:
    action: str
    sources: frozenset[str]
    targets: tuple[str | None, ...]  # the first is the usual outcome; None = status unchanged
    roles: frozenset[str]
    label: str

    @property
    def target(self) -> str | None:
        return self.targets[0]


def _t(action, sources, targets, roles, label) -> Transition:
    return Transition(action, frozenset(sources), tuple(targets), frozenset(roles), label)


TRANSITIONS: dict[str, Transition] = {
    t.action: t
    for t in [
        _t(
            "acknowledge",
            {S.NEW, S.REOPENED},
            [S.ACKNOWLEDGED],
            FRONT_DESK,
            pgettext_lazy("action", "Acknowledge (customer contacted)"),
        ),
        _t(
            "triage",
            {S.ACKNOWLEDGED, S.TRIAGED, S.ASSIGNED, S.INVESTIGATING},
            [S.TRIAGED, None],
            FRONT_DESK | {Role.QUALITY},
            pgettext_lazy("action", "Classify"),
        ),
        _t(
            "assign",
            {S.TRIAGED, S.ASSIGNED, S.INVESTIGATING},
            [S.ASSIGNED],
            FRONT_DESK | {Role.QUALITY},
            pgettext_lazy("action", "Assign"),
        ),
        _t("start", {S.ASSIGNED}, [S.INVESTIGATING], HANDLING, pgettext_lazy("action", "Start investigation")),
        _t(
            "propose_solution",
            {S.INVESTIGATING, S.SOLUTION_PROPOSED},
            [S.SOLUTION_PROPOSED],
            HANDLING,
            pgettext_lazy("action", "Propose solution"),
        ),
        _t(
            "customer_response",
            {S.SOLUTION_PROPOSED},
            [None, S.INVESTIGATING],
            FRONT_DESK,
            pgettext_lazy("action", "Record customer's answer"),
        ),
        _t("resolve", {S.SOLUTION_PROPOSED}, [S.RESOLVED], HANDLING, pgettext_lazy("action", "Mark resolved")),
        _t("rate", {S.RESOLVED}, [None, S.REOPENED], FRONT_DESK, pgettext_lazy("action", "Record satisfaction")),
        _t("close", {S.RESOLVED}, [S.CLOSED], FRONT_DESK, pgettext_lazy("action", "Close")),
        _t("review", {S.CLOSED}, [None, S.INVESTIGATING], REVIEWERS, pgettext_lazy("action", "Review closure")),
        _t(
            "archive",
            {S.CLOSED, S.REJECTED},
            [S.ARCHIVED],
            {Role.ARCHIVIST, Role.ADMIN},
            pgettext_lazy("action", "Archive"),
        ),
        _t(
            "reject",
            {S.NEW, S.ACKNOWLEDGED, S.TRIAGED},
            [S.REJECTED],
            FRONT_DESK,
            pgettext_lazy("action", "Judge not justified"),
        ),
        _t("reopen", {S.RESOLVED, S.CLOSED, S.REJECTED}, [S.REOPENED], FRONT_DESK, pgettext_lazy("action", "Reopen")),
        _t("escalate", WORKING_STATES, [None], HANDLING, pgettext_lazy("action", "Escalate")),
        _t("note", OPEN_STATES | {S.CLOSED, S.REJECTED}, [None], HANDLING, pgettext_lazy("action", "Add note")),
        _t("pause_clock", WORKING_STATES, [None], HANDLING, pgettext_lazy("action", "Pause clock")),
        _t("resume_clock", WORKING_STATES, [None], HANDLING, pgettext_lazy("action", "Resume clock")),
        # Merge a duplicate into the complaint that carries on (the survivor): its messages, evidence and
        # contacts go with it, its clocks stop, it ends as "merged" (kesu.complaints.merging).
        _t("merge", OPEN_STATES, [S.MERGED], FRONT_DESK, pgettext_lazy("action", "Merge into another complaint")),
        _t("link", LINKABLE_STATES, [None], HANDLING, pgettext_lazy("action", "Link a complaint")),
        _t("unlink", LINKABLE_STATES, [None], HANDLING, pgettext_lazy("action", "Remove a link")),
        # The customer writes in (tracking page, e-mail reply, SMS): no staff role takes this action.
        _t(
            "customer_message",
            OPEN_STATES | {S.CLOSED, S.REJECTED},
            [None],
            frozenset(),
            pgettext_lazy("action", "Customer's message"),
        ),
    ]
}

# What a customer may do on their own complaint (the signed link of the self-service page).
CUSTOMER_ACTIONS = frozenset({"rate", "customer_response", "customer_message"})

# Which reviewer the closure of each level needs (R-FLOW-3, seed 001 §5.1): level 1 → supervisor,
# level 2 → director, level 3 → director as well (the GM office may always review).
REVIEW_RANK_FOR_LEVEL = {1: 1, 2: 2, 3: 2}


def mermaid() -> str:
    """The state diagram, generated from TRANSITIONS."""
    lines = ["stateDiagram-v2", "    [*] --> new"]
    for t in TRANSITIONS.values():
        for source in sorted(t.sources):
            for target in t.targets:
                if target is not None:
                    lines.append(f"    {source} --> {target}: {t.action}")
    lines.append("    archived --> [*]")
    return "\n".join(lines)


if __name__ == "__main__":  # pragma: no cover
    print(mermaid())
