"""Followers (抄送) and @mentions of a complaint.

A follower is a `Watcher` row: copied at dispatch (seed 002 step 3), following a complaint themselves, or
put on it by a colleague. Only someone who may see the complaint (its data scope) can follow it or be
mentioned. Followers hear of every change on the complaint's timeline through their own channels (in-app
always, e-mail when they chose it: kesu.notifications); the one who made the change is not told of it.
`@username` in an internal note tells that person; a note naming someone unknown or outside the scope is
refused and nothing is saved.

The notifications leave after the commit (complaints.events.subscribe_all / subscribe), keyed by the
event, so a handler that runs twice tells each person once.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from kesu.accounts.models import User
from kesu.accounts.roles import ORG_WIDE_ROLES, REVIEW_RANK
from kesu.complaints.access import CALLED_IN, complaints_visible_to
from kesu.complaints.events import record_event
from kesu.complaints.models import Complaint, Event
from kesu.complaints.states import TRANSITIONS
from kesu.core.errors import Forbidden, NotFound, ValidationFailed
from kesu.notifications.models import Notification
from kesu.notifications.services import notify
from kesu.notifications.text import in_each_language, msg

from .models import Watcher

# Timeline rows followers are not told about: a privacy audit row, and the follower list's own changes
# (the person added is told directly).
QUIET_ACTIONS = frozenset({"reveal_contact", "follower_added", "follower_removed"})

# "@name": not inside an e-mail address or a word; a username is letters, digits and . + - _ (Django's).
MENTION = re.compile(r"(?<![\w@.+-])@([\w.+-]+)")
ASCII_NAME = re.compile(r"[A-Za-z0-9_.+-]+")

SUGGEST_LIMIT = 8


# ---------------------------------------------------------------------------------------------
# Scope


def may_see(user: User | None, complaint: Complaint) -> bool:
    """Whether `user` may open the complaint: the one rule of kesu.complaints.access."""
    if user is None or not user.is_active:
        return False
    return complaints_visible_to(user).filter(pk=complaint.pk).exists()


def people_in_scope(complaint: Complaint) -> QuerySet[User]:
    """The active users who may see `complaint`, as one query (access.scope_q read from the other side:
    whole-organisation roles, its departments' and collaborators' members, its owner and recorder, and
    whoever the playbook called in on it)."""
    collaborating = Complaint.collaborators.through.objects.filter(complaint_id=complaint.pk).values("department_id")
    called_in = Notification.objects.filter(complaint_id=complaint.pk, user_id=OuterRef("pk"), kind__in=CALLED_IN)
    member = User.departments.through.objects.filter(user_id=OuterRef("pk")).filter(
        Q(department_id=complaint.department_id) | Q(department_id__in=collaborating)
    )
    q = Q(role__in=ORG_WIDE_ROLES) | Q(Exists(member)) | Q(Exists(called_in))
    for pk in (complaint.owner_id, complaint.created_by_id):
        if pk:
            q |= Q(pk=pk)
    return User.objects.filter(q, is_active=True)


def suggest_people(complaint: Complaint, term: str, *, limit: int = SUGGEST_LIMIT) -> list[User]:
    """Who may be mentioned or added on `complaint` whose username or name starts with (or holds) `term`."""
    term = (term or "").strip().lstrip("@")[:50]
    qs = people_in_scope(complaint)
    if term:
        qs = qs.filter(
            Q(username__istartswith=term)
            | Q(display_name__icontains=term)
            | Q(first_name__istartswith=term)
            | Q(last_name__istartswith=term)
        )
    # Usernames that start with what was typed first, then the rest, alphabetically.
    people = list(qs.order_by("username")[: limit * 3])
    people.sort(key=lambda u: (not u.username.lower().startswith(term.lower()), u.username))
    return people[:limit]


# ---------------------------------------------------------------------------------------------
# Followers


def followers_of(complaint: Complaint) -> list[Watcher]:
    return list(complaint.watchers.select_related("user", "added_by").order_by("created_at", "id"))


def follower_usernames(complaint: Complaint) -> list[str]:
    return sorted(complaint.watchers.values_list("user__username", flat=True))


def _who(user: User) -> str:
    """王工 (wanggong), or the username alone when it is their only name."""
    name = str(user)
    return name if name == user.username else f"{name} ({user.username})"


def _person(username: str, field: str = "username") -> User:
    name = (username or "").strip().lstrip("@")
    if not name:
        raise ValidationFailed(_("Name the person (their username)."), field=field)
    user = User.objects.filter(username=name, is_active=True).first()
    if user is None:
        raise ValidationFailed(_("There is no active user “%(name)s”.") % {"name": name}, field=field)
    return user


def do_follow(complaint: Complaint, *, actor: User, username: str, now: dt.datetime) -> Watcher:
    """Put `username` (the actor themselves or a colleague) on the complaint's followers.

    The caller has checked that the actor sees the complaint (access_complaint). Following twice changes
    nothing and answers the existing row."""
    user = _person(username)
    if not may_see(user, complaint):
        raise ValidationFailed(
            _("%(name)s may not see complaint %(number)s (outside their data scope), so cannot follow it.")
            % {"name": _who(user), "number": complaint.number},
            field="username",
        )
    existing = Watcher.objects.filter(complaint=complaint, user=user).select_related("user", "added_by").first()
    if existing is not None:
        return existing
    reason = "self" if user.pk == actor.pk else "added"
    try:
        with transaction.atomic():
            watcher = Watcher.objects.create(
                complaint=complaint, user=user, reason=reason, added_by=actor, created_at=now
            )
            record_event(
                complaint,
                actor=actor,
                now=now,
                action="follower_added",
                data={"follower": user.username, "follower_name": str(user)},
            )
            if user.pk != actor.pk:
                notify(
                    [user],
                    kind="follower_added",
                    title=msg(
                        gettext_noop("%(actor)s added you as a follower of %(number)s"),
                        actor=str(actor),
                        number=complaint.number,
                    ),
                    body=complaint.title,
                    complaint=complaint,
                    key=f"follower:{watcher.pk}",
                    now=now,
                )
    except IntegrityError:  # the same person added at the same moment by someone else
        return Watcher.objects.select_related("user", "added_by").get(complaint=complaint, user=user)
    return watcher


def may_remove(watcher: Watcher, actor: User, complaint: Complaint) -> bool:
    """Yourself always; someone else if you added them, own the complaint, or review (supervisor and up)."""
    return (
        watcher.user_id == actor.pk
        or watcher.added_by_id == actor.pk
        or complaint.owner_id == actor.pk
        or actor.role in REVIEW_RANK
    )


def do_unfollow(complaint: Complaint, *, actor: User, username: str, now: dt.datetime) -> None:
    name = (username or "").strip().lstrip("@")
    watcher = Watcher.objects.filter(complaint=complaint, user__username=name).select_related("user").first()
    if watcher is None:
        raise NotFound(_("%(name)s is not following %(number)s.") % {"name": name, "number": complaint.number})
    if not may_remove(watcher, actor, complaint):
        raise Forbidden(
            _("Only %(name)s, whoever added them, the complaint's owner or a supervisor may take them off.")
            % {"name": watcher.user}
        )
    with transaction.atomic():
        deleted, _rows = Watcher.objects.filter(pk=watcher.pk).delete()
        if deleted:
            record_event(
                complaint,
                actor=actor,
                now=now,
                action="follower_removed",
                data={"follower": watcher.user.username, "follower_name": str(watcher.user)},
            )


# ---------------------------------------------------------------------------------------------
# @mentions


def mentioned_names(text: str) -> list[str]:
    """The names written after "@" in `text`, in order, once each (trailing punctuation left out)."""
    seen: dict[str, None] = {}
    for match in MENTION.finditer(text or ""):
        name = match.group(1).rstrip(".+-")
        if name:
            seen.setdefault(name, None)
    return list(seen)


def mentions_in(complaint: Complaint, text: str, *, field: str = "text") -> list[User]:
    """The people `text` mentions, each of whom may see `complaint`; ValidationFailed naming every one
    who is unknown or outside its scope (then nothing is saved)."""
    names = mentioned_names(text)
    if not names:
        return []
    # "@王工请看" has no space after the name: the username is then its leading Latin part.
    candidates = {n: [n] for n in names}
    for n in names:
        head = ASCII_NAME.match(n)
        if head and head.group(0) != n:
            candidates[n].append(head.group(0).rstrip(".+-"))
    wanted = {c for cs in candidates.values() for c in cs}
    users = {u.username: u for u in User.objects.filter(username__in=wanted, is_active=True)}
    found: dict[int, User] = {}
    unknown, outside = [], []
    for name in names:
        user = next((users[c] for c in candidates[name] if c in users), None)
        if user is None:
            unknown.append("@" + name)
        elif not may_see(user, complaint):
            outside.append(f"@{user.username}" + ("" if str(user) == user.username else f" ({user})"))
        else:
            found.setdefault(user.pk, user)
    problems = []
    if unknown:
        problems.append(_("no such user: %(names)s") % {"names": ", ".join(unknown)})
    if outside:
        problems.append(
            _("outside the complaint's data scope (they may not see it): %(names)s") % {"names": ", ".join(outside)}
        )
    if problems:
        raise ValidationFailed(
            _("The note was not saved. It mentions someone who cannot be told: %(problems)s.")
            % {"problems": "; ".join(problems)},
            field=field,
        )
    return list(found.values())


# ---------------------------------------------------------------------------------------------
# After the commit: who hears of an event


def _what(event: Event) -> str:
    if event.action in TRANSITIONS:
        return str(TRANSITIONS[event.action].label)
    return {
        "attachment_added": _("evidence added"),
        "customer_message": _("message from the customer"),
        "message_sent": _("message sent to the customer"),
        "task_added": _("task added"),
        "task_updated": _("task updated"),
        "sla_breach": _("deadline missed"),
        "reassign": _("re-assigned"),
        "customer_updated": _("customer record updated"),
    }.get(event.action, event.action.replace("_", " "))


def _body(event: Event) -> str:
    data = event.data or {}
    for key in ("text", "note", "reason", "summary", "comment"):
        value = data.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()[:500]
    return ""


def tell_followers(events: Iterable[Event]) -> None:
    """Every follower of each event's complaint, except its actor and whoever the action told already
    (the owner it was assigned to, …), is told — if they may still see the complaint."""
    events = [e for e in events if e.action not in QUIET_ACTIONS and e.pk]
    if not events:
        return
    by_complaint: dict[int, list[Event]] = {}
    for event in events:
        by_complaint.setdefault(event.complaint_id, []).append(event)
    watchers = Watcher.objects.filter(complaint_id__in=list(by_complaint)).select_related("user", "complaint")
    followers: dict[int, list[Watcher]] = {}
    for w in watchers:
        if w.user.is_active:
            followers.setdefault(w.complaint_id, []).append(w)
    for complaint_id, rows in followers.items():
        complaint = rows[0].complaint
        people = [w.user for w in rows if may_see(w.user, complaint)]
        if not people:
            continue
        for event in by_complaint[complaint_id]:
            told = set(
                Notification.objects.filter(
                    complaint_id=complaint_id, created_at=event.at, user__in=[p.pk for p in people]
                ).values_list("user_id", flat=True)
            )
            mentioned = set((event.data or {}).get("mentions") or [])  # told by tell_mentioned instead
            recipients = [
                p for p in people if p.pk != event.actor_id and p.pk not in told and p.username not in mentioned
            ]
            if not recipients:
                continue
            notify(
                recipients,
                kind="followed_update",
                title=msg(
                    gettext_noop("%(number)s: %(what)s (%(actor)s)"),
                    number=complaint.number,
                    what=in_each_language(lambda event=event: _what(event)),
                    actor=event.actor_label or msg(gettext_noop("System")),
                ),
                body=_body(event),
                complaint=complaint,
                key=f"follow:{event.pk}",
                now=event.at,
            )


def tell_mentioned(event: Event) -> None:
    """The people an internal note mentions (its data holds their usernames, checked when it was saved)."""
    names = (event.data or {}).get("mentions") or []
    if not names:
        return
    complaint = Complaint.objects.get(pk=event.complaint_id)
    people = [
        u
        for u in User.objects.filter(username__in=names, is_active=True)
        if u.pk != event.actor_id and may_see(u, complaint)
    ]
    notify(
        people,
        kind="mention",
        title=msg(
            gettext_noop("%(actor)s mentioned you on %(number)s"), actor=event.actor_label, number=complaint.number
        ),
        body=_body(event),
        complaint=complaint,
        key=f"mention:{event.pk}",
        now=event.at,
    )
