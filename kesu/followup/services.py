"""After the handling: revisits (回访, R-SAT-3), revisit campaigns, the GM meeting agenda (R-ESC-3) and the
signed link a customer rates with (R-SAT-1)."""

from __future__ import annotations

import datetime as dt
from itertools import cycle
from typing import Any

from django.core import signing
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from kesu.accounts.models import User
from kesu.accounts.roles import Role
from kesu.core.errors import DomainError, Forbidden, NotFound, ValidationFailed
from kesu.notifications.services import notify
from kesu.notifications.text import msg
from kesu.rules.playbooks import active_playbook
from kesu.sla.calendar_store import default_calendar

from .models import AgendaItem, AgendaStatus, Campaign, Revisit, RevisitStatus

FRONT_DESK = {Role.AGENT, Role.SUPERVISOR, Role.DIRECTOR, Role.MANAGER, Role.ADMIN}
CAMPAIGN_ROLES = {Role.SUPERVISOR, Role.DIRECTOR, Role.MANAGER, Role.ADMIN}
MEETING_ROLES = {Role.MANAGER, Role.ADMIN}


# -- revisits ------------------------------------------------------------------------------------


def schedule_revisit(complaint, *, now: dt.datetime) -> Revisit | None:
    """A revisit N days after closure (playbook `revisit_after_days`), for whoever took the complaint in."""
    playbook = active_playbook()
    days = int(playbook.setting("revisit_after_days", 3)) if playbook else 3
    if days <= 0:
        return None
    due = default_calendar().working_start(now + dt.timedelta(days=days))
    person = complaint.created_by if complaint.created_by and complaint.created_by.role in FRONT_DESK else None
    person = person or complaint.owner
    revisit, created = Revisit.objects.get_or_create(
        complaint=complaint,
        round=complaint.round,
        campaign=None,
        defaults={"assigned_to": person, "due_at": due, "created_at": now},
    )
    return revisit if created else None


def cancel_pending_revisits(complaint) -> int:
    """The complaint is being handled again: its pending revisits no longer ask about anything."""
    return Revisit.objects.filter(complaint=complaint, status=RevisitStatus.PENDING).update(
        status=RevisitStatus.CANCELLED
    )


def revisits_for(user):
    qs = Revisit.objects.select_related("complaint", "complaint__customer", "assigned_to", "campaign")
    if user.role in CAMPAIGN_ROLES:
        return qs
    return qs.filter(assigned_to=user)


def do_record_revisit(
    revisit_id: int,
    *,
    actor: User,
    now: dt.datetime,
    status: str,
    result: str,
    satisfaction: int | None = None,
) -> Revisit:
    from kesu.complaints.events import record_event

    if status not in (RevisitStatus.DONE, RevisitStatus.UNREACHABLE):
        raise ValidationFailed(_("Choose done or unreachable."), field="status")
    result = (result or "").strip()
    if not result:
        raise ValidationFailed(_("Write down what the customer said."), field="result")
    if satisfaction is not None and (isinstance(satisfaction, bool) or satisfaction not in (1, 2, 3, 4, 5)):
        raise ValidationFailed(_("The score must be a whole number from 1 to 5."), field="satisfaction")
    with transaction.atomic():
        revisit = (
            # of=("self",): PostgreSQL refuses FOR UPDATE on the nullable side of the outer join (assigned_to).
            Revisit.objects.select_for_update(of=("self",))
            .select_related("complaint", "assigned_to")
            .filter(pk=revisit_id)
            .first()
        )
        if revisit is None or not (revisit.assigned_to_id == actor.pk or actor.role in CAMPAIGN_ROLES):
            raise NotFound(_("Revisit not found."))
        if revisit.status != RevisitStatus.PENDING:
            raise DomainError("conflict", _("This revisit is already recorded."))
        revisit.status = status
        revisit.result = result
        revisit.satisfaction = satisfaction
        revisit.done_by = actor
        revisit.done_at = now
        revisit.save(update_fields=["status", "result", "satisfaction", "done_by", "done_at"])
        complaint = revisit.complaint
        record_event(
            complaint,
            actor=actor,
            now=now,
            action="revisit",
            from_status=complaint.status,
            to_status=complaint.status,
            data={"status": status, "result": result, "satisfaction": satisfaction, "campaign": revisit.campaign_id},
        )
        if satisfaction is not None and satisfaction >= 4:
            from kesu.routing.services import superiors

            notify(
                [*superiors(complaint.department), complaint.owner],
                kind="revisit_dissatisfied",
                complaint=complaint,
                key=f"revisit-bad:{revisit.pk}",
                now=now,
                title=msg(
                    gettext_noop("%(number)s: the customer is not satisfied at the revisit"), number=complaint.number
                ),
                body=result,
            )
    return revisit


def do_create_campaign(
    *,
    actor: User,
    now: dt.datetime,
    name: str,
    agents: list[str],
    filters: dict[str, Any],
    due_at: dt.datetime,
    note: str = "",
) -> Campaign:
    """Pick closed complaints by `filters` and share them among `agents` in turn."""
    from kesu.complaints.access import complaints_visible_to

    if actor.role not in CAMPAIGN_ROLES:
        raise Forbidden(_("Only supervisors and above start revisit campaigns."))
    name = (name or "").strip()
    if not name:
        raise ValidationFailed(_("Give the campaign a name."), field="name")
    people = list(User.objects.filter(username__in=agents or [], is_active=True, role__in=list(FRONT_DESK)))
    missing = sorted(set(agents or []) - {p.username for p in people})
    if not people or missing:
        raise ValidationFailed(
            _("Choose active agents; unknown or not allowed: %(names)s.") % {"names": ", ".join(missing) or "-"},
            field="agents",
        )
    qs = complaints_visible_to(actor).filter(status__in=["closed", "archived"])
    if filters.get("closed_from"):
        qs = qs.filter(closed_at__date__gte=filters["closed_from"])
    if filters.get("closed_to"):
        qs = qs.filter(closed_at__date__lte=filters["closed_to"])
    if filters.get("type_code"):
        qs = qs.filter(category__code=filters["type_code"])
    if filters.get("department"):
        qs = qs.filter(department__code=filters["department"])
    if filters.get("store"):
        qs = qs.filter(store__contains=filters["store"])
    if filters.get("satisfaction_gte"):
        qs = qs.filter(Q(satisfaction__gte=int(filters["satisfaction_gte"])))
    complaints = list(qs.order_by("closed_at", "id")[:5000])
    if not complaints:
        raise ValidationFailed(_("No closed complaint matches these filters."), field="filters")
    with transaction.atomic():
        campaign = Campaign.objects.create(
            name=name[:100],
            filters={k: str(v) for k, v in filters.items() if v},
            note=note,
            created_by=actor,
            created_at=now,
        )
        turn = cycle(people)
        Revisit.objects.bulk_create(
            [
                Revisit(
                    complaint=c, campaign=campaign, round=c.round, assigned_to=next(turn), due_at=due_at, created_at=now
                )
                for c in complaints
            ]
        )
    for person in people:
        notify(
            [person],
            kind="revisit_campaign",
            key=f"campaign:{campaign.pk}",
            now=now,
            title=msg(gettext_noop("Revisit campaign “%(name)s”: calls for you"), name=campaign.name),
        )
    return campaign


# -- the general manager's meeting --------------------------------------------------------------


def add_to_agenda(complaint, *, reason: str, now: dt.datetime, actor=None) -> AgendaItem | None:
    """Put a complaint on the GM meeting agenda once (while an item for it is open)."""
    if AgendaItem.objects.filter(complaint=complaint, status=AgendaStatus.OPEN).exists():
        return None
    item = AgendaItem.objects.create(complaint=complaint, reason=reason[:300], added_at=now, added_by=actor)
    notify(
        User.objects.filter(is_active=True).filter(Q(role=Role.MANAGER) | Q(departments__code="GMO")).distinct(),
        kind="gm_meeting",
        complaint=complaint,
        key=f"agenda:{item.pk}",
        now=now,
        title=msg(gettext_noop("%(number)s is on the general manager's meeting agenda"), number=complaint.number),
        body=reason,
    )
    return item


def settle_agenda(event) -> None:
    """After the commit of a rating or an archiving: an open agenda item of a complaint the customer is now
    satisfied with, or that is archived, leaves the open agenda (it no longer waits for the meeting)."""
    from kesu.complaints.events import record_event
    from kesu.complaints.states import Status

    if event.action == "rate" and event.to_status == Status.REOPENED:
        return  # still dissatisfied: the item stays for the meeting
    if event.action == "rate":
        reason = _("The customer is satisfied with the new handling (rating %(score)s; 1 is very satisfied).") % {
            "score": (event.data or {}).get("score", "—")
        }
    else:
        reason = _("The complaint was archived before the meeting decided.")
    with transaction.atomic():
        item = (
            AgendaItem.objects.select_for_update()
            .select_related("complaint")
            .filter(complaint_id=event.complaint_id, status=AgendaStatus.OPEN)
            .first()
        )
        if item is None:
            return
        item.status = AgendaStatus.SETTLED
        item.decision = reason
        item.decided_at = event.at
        item.meeting_on = None
        item.save(update_fields=["status", "decision", "decided_at", "meeting_on"])
        record_event(
            item.complaint,
            actor=None,
            now=event.at,
            action="agenda_settled",
            from_status=item.complaint.status,
            to_status=item.complaint.status,
            data={"reason": reason},
        )


def do_decide_agenda_item(
    item_id: int, *, actor: User, now: dt.datetime, decision: str, meeting_on: dt.date | None = None
) -> AgendaItem:
    from kesu.complaints.events import record_event

    if actor.role not in MEETING_ROLES:
        raise Forbidden(_("Only the general manager's office records meeting decisions."))
    decision = (decision or "").strip()
    if not decision:
        raise ValidationFailed(_("Write down the meeting's decision."), field="decision")
    with transaction.atomic():
        item = AgendaItem.objects.select_for_update().select_related("complaint").filter(pk=item_id).first()
        if item is None:
            raise NotFound(_("Agenda item not found."))
        if item.status != AgendaStatus.OPEN:
            raise DomainError("conflict", _("The meeting already decided on this item."))
        item.status = AgendaStatus.DECIDED
        item.decision = decision
        item.decided_by = actor
        item.decided_at = now
        item.meeting_on = meeting_on or now.date()
        item.save(update_fields=["status", "decision", "decided_by", "decided_at", "meeting_on"])
        record_event(
            item.complaint,
            actor=actor,
            now=now,
            action="gm_decision",
            from_status=item.complaint.status,
            to_status=item.complaint.status,
            data={"decision": decision, "meeting_on": str(item.meeting_on)},
        )
    return item


# -- the customer's rating link ------------------------------------------------------------------

RATING_SALT = "kesu.rating-link"
RATING_MAX_AGE = 30 * 24 * 3600


def rating_token(complaint) -> str:
    return signing.TimestampSigner(salt=RATING_SALT).sign_object({"n": complaint.number, "r": complaint.round})


def read_rating_token(token: str) -> tuple[str, int]:
    """(number, round) from a link; NotFound when it was altered or has expired."""
    try:
        data = signing.TimestampSigner(salt=RATING_SALT).unsign_object(token, max_age=RATING_MAX_AGE)
        return str(data["n"]), int(data["r"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise NotFound(_("This link is not valid or has expired.")) from None


def complaint_for_rating(token: str):
    """(complaint, round) a rating link is for. The link is the customer's credential, so no user scope
    applies; NotFound when it was altered, has expired or names no complaint."""
    from kesu.complaints.models import Complaint

    number, round_ = read_rating_token(token)
    complaint = Complaint.objects.select_related("customer").filter(number=number).first()
    if complaint is None or round_ > complaint.round:
        raise NotFound(_("This link is not valid or has expired."))
    return complaint, round_


def rating_state(complaint, round_: int) -> str:
    """ "open" while the link may be used; "already" once this round was rated (or a later one began);
    "not_waiting" when the complaint is not waiting for a rating."""
    if round_ < complaint.round or complaint.satisfaction is not None:
        return "already"
    if complaint.status != "resolved":
        return "not_waiting"
    return "open"


def do_rate_by_link(token: str, *, now: dt.datetime, score: int, comment: str = ""):
    """The customer's rating through the signed link (R-SAT-1/2): the same action as an agent's, by nobody."""
    from kesu.complaints.actions import do_rate

    complaint, round_ = complaint_for_rating(token)
    if round_ != complaint.round:  # a link from an earlier handling round
        raise NotFound(_("This link is not valid or has expired."))
    state = rating_state(complaint, round_)
    if state == "already":
        raise DomainError("conflict", _("Thank you — your rating for this complaint is already recorded."))
    if state == "not_waiting":
        raise DomainError("invalid_transition", _("This complaint is not waiting for your rating."))
    return do_rate(complaint, actor=None, now=now, score=score, comment=comment)
