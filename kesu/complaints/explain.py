"""Why a user can do nothing on a complaint now, and who acts next: said on the complaint page instead of a bare
"nothing to do" (an archivist who finds no button must learn that the director's review comes first)."""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext as _

from kesu.accounts.roles import REVIEW_RANK, Role

from .models import Complaint
from .models.complaint import ReviewState
from .states import REVIEW_RANK_FOR_LEVEL, TRANSITIONS
from .states import Status as S

# Steps that are not the next step of the handling (they are possible in most states).
_ASIDE = frozenset({"note", "pause_clock", "resume_clock", "escalate", "link", "unlink", "merge", "customer_message"})


def _reviewer_role(complaint: Complaint) -> str:
    from kesu.routing import services as routing

    needed = routing.reviewer_rank(complaint.level) or REVIEW_RANK_FOR_LEVEL.get(complaint.level or 1, 1)
    for role, rank in sorted(REVIEW_RANK.items(), key=lambda item: item[1]):
        if rank >= needed:
            return str(Role(role).label)
    return str(Role.MANAGER.label)


def _join(items: list[str]) -> str:
    return ("、" if (translation.get_language() or "").startswith("zh") else ", ").join(items)


def why_nothing(complaint: Complaint, user) -> str:
    """One or two sentences for a user who has no action on `complaint` now."""
    status = complaint.status
    if status == S.ARCHIVED:
        return _("It is archived: an archived complaint is read-only.")
    if status == S.MERGED:
        into = complaint.merged_into.number if getattr(complaint, "merged_into_id", None) else "—"
        return _("It was merged into %(number)s: work on that one.") % {"number": into}
    if status == S.CLOSED and complaint.review_state == ReviewState.PENDING:
        return _(
            "It is waiting for the review of its closure by a %(role)s. It can be archived once the review is done."
        ) % {"role": _reviewer_role(complaint)}
    if status == S.SOLUTION_PROPOSED and complaint.customer_accepted is None:
        return _(
            "It is waiting for the customer's answer to the proposed solution (on the tracking link, or recorded "
            "by the front desk after a call)."
        )
    steps = [t for t in TRANSITIONS.values() if status in t.sources and t.roles and t.action not in _ASIDE]
    if complaint.review_state != ReviewState.PENDING:
        steps = [t for t in steps if t.action != "review"]
    if not steps:
        return _("No step is open on it in its state “%(status)s”.") % {"status": S(status).label}
    labels = _join([str(t.label) for t in steps])
    roles = sorted({r for t in steps for r in t.roles} - {Role.ADMIN}, key=lambda r: list(Role).index(Role(r)))
    mine = str(Role(user.role).label) if getattr(user, "role", "") in Role.values else ""
    text = _("The next step here (%(steps)s) is for: %(roles)s.") % {
        "steps": labels,
        "roles": _join([str(Role(r).label) for r in roles]),
    }
    if mine:
        text += " " + _("Your role (%(role)s) may not take it.") % {"role": mine}
    return text
