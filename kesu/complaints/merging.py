"""Merging duplicates and linking related complaints (the agent's workspace).

`do_merge(duplicate, into=…)` joins a duplicate into the complaint that carries on (the survivor): the survivor
gets a copy of every message of the duplicate's timeline (notes, the customer's messages, what was sent to the
customer — each marked with the complaint it came from and when it was first written), a copy of each piece of
evidence (the same stored file, marked "came with KS-…"), and the duplicate's customer as a further contact
(`merged_contacts`). The duplicate's running clocks stop; the survivor's clocks rule, except that a clock
running on both keeps the earlier deadline — the customer has waited since the duplicate came in, and a merge
must not give the company more time (a breach the duplicate had already recorded goes with it, so it is not
counted twice). The duplicate ends in status `merged`, read-only, linked to the survivor as its duplicate; both
timelines show the merge.

`do_link` / `do_unlink` keep ComplaintLink rows (related, duplicate of, follow-up of), read from both ends
(`links_of`). The repeats intake finds (Complaint.linked, repeats.py) are shown beside them as kind "repeat".

`suggest_duplicates` is what the new-complaint form and GET /complaints/{number}/duplicates offer: complaints in
the user's data scope received within the playbook's `duplicate_window_days` (default: its repeat window, 90)
by the same customer, about the same order, batch or product code, or with a similar text (character bigrams).

Both rows are locked in id order (the duplicate's and the survivor's), so two merges at once — one into the
other, or two duplicates into one survivor — run one after the other and lose nothing.
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from kesu.accounts.models import User
from kesu.core.errors import DomainError, ValidationFailed
from kesu.core.text import clean_text
from kesu.sla import clocks
from kesu.sla.models import Deadline

from .access import complaints_visible_to
from .events import record_event, record_events
from .models import Attachment, Complaint, ComplaintLink, Customer, LinkKind
from .states import OPEN_STATES, READ_ONLY_STATES, TRANSITIONS, Status

S = Status
# Timeline rows that are part of the conversation: copied onto the survivor when a duplicate is merged.
MESSAGE_ACTIONS = ("note", "customer_message", "message_sent", "customer_response", "merged_message")
# The kind shown for repeats found at intake (Complaint.linked): not made by hand, not removable.
REPEAT_KIND = "repeat"
MAX_SUGGESTIONS = 5
# How many recent complaints the text comparison reads at most (newest first).
TEXT_CANDIDATES = 300
TEXT_SIMILARITY = 0.3


def survivor_of(complaint: Complaint) -> Complaint:
    """The complaint a merged one lives on in (following merges of survivors), or the complaint itself."""
    seen = {complaint.pk}
    while complaint.status == S.MERGED and complaint.merged_into_id and complaint.merged_into_id not in seen:
        seen.add(complaint.merged_into_id)
        complaint = Complaint.objects.select_related("customer", "category").get(pk=complaint.merged_into_id)
    return complaint


def _target(actor: User, number: Any, field_name: str) -> Complaint:
    """The other complaint of a merge or link, by number, if the actor may see it (else a field error)."""
    number = clean_text(number, field_name, required=True, max_length=32)
    found = complaints_visible_to(actor).filter(number=number).first()
    if found is None:
        raise ValidationFailed(
            _("There is no complaint %(number)s that you may see.") % {"number": number}, field=field_name
        )
    return found


def _lock_pair(a: Complaint, b: Complaint) -> None:
    """Row locks on both complaints, lower id first: the order every merge and link takes them in."""
    for pk in sorted((a.pk, b.pk)):
        Complaint.objects.select_for_update(of=("self",), no_key=True).filter(pk=pk).values_list("pk").get()


def _locked(pk: int) -> Complaint:
    return (
        Complaint.objects.select_for_update(of=("self",), no_key=True)
        .select_related("customer", "category", "owner", "department")
        .get(pk=pk)
    )


# ---------------------------------------------------------------------------------------------
# Merge


def do_merge(
    complaint: Complaint,
    *,
    actor: User,
    now: dt.datetime,
    into: str = "",
    reason: str = "",
    version: int | None = None,
) -> Complaint:
    """Merge `complaint` (the duplicate) into the complaint numbered `into` (the survivor). Returns the duplicate."""
    # Who may merge, and from which state, is said before anything about the body (re-checked under the lock).
    _actions.check_allowed(complaint, actor, TRANSITIONS["merge"])
    errors: dict[str, list[str]] = {}
    for name, value in (("into", into), ("reason", reason)):
        try:
            clean_text(value, name, required=True, max_length=2000)
        except DomainError as exc:
            errors.update(exc.fields)
    if errors:
        raise DomainError("validation_error", _("Please correct the marked fields."), fields=errors)
    reason = reason.strip()
    if str(into).strip() == complaint.number:
        raise ValidationFailed(_("A complaint cannot be merged into itself."), field="into")
    survivor = _target(actor, into, "into")
    with transaction.atomic():
        _lock_pair(complaint, survivor)
        dup, _t = _actions._lock(complaint, actor=actor, action="merge", version=version)
        surv = _locked(survivor.pk)
        _check_survivor(surv)
        copies = _message_copies(dup, surv)
        files = _copy_attachments(dup, surv)
        adopted = _adopt_earlier_deadlines(dup, surv, now=now)
        ComplaintLink.objects.filter(
            Q(from_complaint=dup, to_complaint=surv) | Q(from_complaint=surv, to_complaint=dup)
        ).delete()
        ComplaintLink.objects.create(
            from_complaint=dup,
            to_complaint=surv,
            kind=LinkKind.DUPLICATE,
            note=reason,
            created_by=actor,
            created_at=now,
        )
        before = dup.status
        dup.status = S.MERGED
        dup.merged_into = surv
        dup.merged_at = now
        # The duplicate's clocks stop ("merge" ends them, as a closure does).
        _actions._save(
            dup,
            actor=actor,
            now=now,
            action="merge",
            from_status=before,
            fields=["status", "merged_into", "merged_at"],
            data={"into": surv.number, "reason": reason, "messages": len(copies), "files": len(files)},
            clock_events=("merge",),
        )
        data: dict[str, Any] = {
            "from": dup.number,
            "reason": reason,
            "title": dup.title,
            "description": dup.description,
            "channel": dup.channel,
            "received_at": dup.received_at.isoformat(),
            "messages": len(copies),
            "files": len(files),
        }
        if dup.customer_id != surv.customer_id:
            data["customer"] = dup.customer.name
        if adopted:
            data["earlier_deadlines"] = adopted
        surv.version += 1
        surv.updated_at = now
        surv.save(update_fields=["version", "updated_at"])
        # Recorded before the copies (the same time, a lower id): the timeline reads "merged in", then what came.
        record_event(
            surv, actor=actor, now=now, action="merged_in", from_status=surv.status, to_status=surv.status, data=data
        )
        if copies:
            record_events(copies, now=now, actor=actor)
        if adopted:
            clocks.refresh_next_due(surv)
        return dup


def _check_survivor(surv: Complaint) -> None:
    if surv.status == S.MERGED:
        number = surv.merged_into.number if surv.merged_into_id else ""
        raise DomainError(
            "invalid_transition",
            _("%(number)s was itself merged into %(survivor)s: merge into that one instead.")
            % {"number": surv.number, "survivor": number},
            field="into",
        )
    if surv.status in READ_ONLY_STATES:
        raise DomainError(
            "read_only",
            _("%(number)s is archived and read-only: a complaint cannot be merged into it.") % {"number": surv.number},
            field="into",
        )
    if surv.status not in OPEN_STATES:
        raise DomainError(
            "invalid_transition",
            _(
                "%(number)s is “%(status)s”: merge only into a complaint still being handled "
                "(reopen it, or link this one to it as a follow-up)."
            )
            % {"number": surv.number, "status": Status(surv.status).label},
            field="into",
        )


def _message_copies(dup: Complaint, surv: Complaint) -> list[dict[str, Any]]:
    """The duplicate's conversation as `merged_message` rows for the survivor's timeline (record_events rows),
    each saying which complaint it came from, what it was and when it was first written."""
    rows = []
    for event in dup.events.filter(action__in=MESSAGE_ACTIONS).select_related("actor").order_by("at", "id"):
        data = dict(event.data or {})
        origin = data.pop("from", None) if event.action == "merged_message" else None
        original_action = data.pop("original_action", event.action)
        original_at = data.pop("original_at", event.at.isoformat())
        by = data.pop("by", None) or (event.actor.username if event.actor_id and event.actor else "")
        data.pop("attachments", None)  # ids of the duplicate's files; the copies are on the evidence list
        rows.append(
            {
                "complaint": surv,
                "action": "merged_message",
                "from_status": surv.status,
                "to_status": surv.status,
                "internal": event.internal,
                "data": {
                    **data,
                    "from": origin or dup.number,
                    "original_action": original_action,
                    "original_at": original_at,
                    "by": by,
                },
            }
        )
    return rows


def _copy_attachments(dup: Complaint, surv: Complaint) -> list[Attachment]:
    """Each piece of the duplicate's evidence, on the survivor too: the same stored file, marked where it came
    from (the duplicate, or the complaint merged into the duplicate before)."""
    copies = [
        Attachment(
            complaint=surv,
            file=a.file.name,
            original_name=a.original_name,
            content_type=a.content_type,
            size=a.size,
            sha256=a.sha256,
            source=a.source,
            captured_at=a.captured_at,
            description=a.description,
            uploaded_by_id=a.uploaded_by_id,
            uploaded_at=a.uploaded_at,
            merged_from_id=a.merged_from_id or dup.pk,
        )
        for a in dup.attachments.all()
    ]
    return Attachment.objects.bulk_create(copies) if copies else []


def _adopt_earlier_deadlines(dup: Complaint, surv: Complaint, *, now: dt.datetime) -> list[dict[str, str]]:
    """A clock running on both keeps the earlier deadline (and its reminder and breach, if any)."""
    running = Q(met_at__isnull=True, cancelled_at__isnull=True)
    theirs: dict[str, Deadline] = {}
    for d in Deadline.objects.filter(running, complaint=dup).order_by("due_at"):
        theirs.setdefault(d.clock, d)
    adopted = []
    changed = []
    for mine in Deadline.objects.filter(running, complaint=surv):
        other = theirs.get(mine.clock)
        if other is None or other.due_at >= mine.due_at:
            continue
        adopted.append({"clock": mine.clock, "from": mine.due_at.isoformat(), "to": other.due_at.isoformat()})
        mine.due_at = other.due_at
        mine.remind_at = other.remind_at
        mine.reminded_at = mine.reminded_at or other.reminded_at
        mine.breached_at = mine.breached_at or other.breached_at
        changed.append(mine)
    if changed:
        Deadline.objects.bulk_update(changed, ["due_at", "remind_at", "reminded_at", "breached_at"])
    return [{"clock": a["clock"], "due_at": a["to"], "was": a["from"]} for a in adopted]


def merged_contacts(complaint: Complaint) -> list[tuple[Complaint, Customer]]:
    """The complaints merged into this one whose customer record is another one: (duplicate, its customer)."""
    rows = complaint.merged_complaints.select_related("customer").exclude(customer_id=complaint.customer_id)
    return [(c, c.customer) for c in rows.order_by("merged_at", "id")]


# ---------------------------------------------------------------------------------------------
# Links


def _link_between(a: Complaint, b: Complaint) -> ComplaintLink | None:
    return ComplaintLink.objects.filter(
        Q(from_complaint=a, to_complaint=b) | Q(from_complaint=b, to_complaint=a)
    ).first()


def do_link(
    complaint: Complaint,
    *,
    actor: User,
    now: dt.datetime,
    to: str = "",
    kind: str = LinkKind.RELATED,
    note: str = "",
    version: int | None = None,
) -> Complaint:
    """Link `complaint` to the complaint numbered `to`: related to it, a duplicate of it, or a follow-up of it.

    Shown on both complaints' links cards and timelines (not on the timeline of an archived one, which no
    longer changes). A link between the two already there (either way round) is refused: remove it first."""
    _actions.check_allowed(complaint, actor, TRANSITIONS["link"])
    kind = kind or LinkKind.RELATED
    if kind not in LinkKind.values:
        raise ValidationFailed(
            _("“%(value)s” is not one of: %(choices)s.") % {"value": kind, "choices": ", ".join(LinkKind.values)},
            field="kind",
        )
    note = clean_text(note, "note", required=False, max_length=500)
    if str(to or "").strip() == complaint.number:
        raise ValidationFailed(_("A complaint cannot be linked to itself."), field="to")
    other = _target(actor, to, "to")
    with transaction.atomic():
        _lock_pair(complaint, other)
        c, _t = _actions._lock(complaint, actor=actor, action="link", version=version)
        other = _locked(other.pk)
        if other.status == S.MERGED:
            survivor = other.merged_into.number if other.merged_into_id else ""
            raise DomainError(
                "invalid_transition",
                _("%(number)s was merged into %(survivor)s: link to that one instead.")
                % {"number": other.number, "survivor": survivor},
                field="to",
            )
        existing = _link_between(c, other)
        if existing is not None:
            raise DomainError(
                "conflict",
                _("%(a)s and %(b)s are already linked (%(kind)s). Remove that link first to change it.")
                % {"a": c.number, "b": other.number, "kind": LinkKind(existing.kind).label},
                field="to",
            )
        ComplaintLink.objects.create(
            from_complaint=c, to_complaint=other, kind=kind, note=note, created_by=actor, created_at=now
        )
        data: dict[str, Any] = {"to": other.number, "kind": kind}
        if note:
            data["note"] = note
        _actions._save(
            c, actor=actor, now=now, action="link", from_status=c.status, fields=[], data=data, clock_events=()
        )
        if not other.is_read_only:
            record_event(
                other,
                actor=actor,
                now=now,
                action="link",
                from_status=other.status,
                to_status=other.status,
                data={"from": c.number, "kind": kind, **({"note": note} if note else {})},
            )
        return c


def do_unlink(
    complaint: Complaint, *, actor: User, now: dt.datetime, to: str = "", version: int | None = None
) -> Complaint:
    """Remove the link between `complaint` and the complaint numbered `to` (made on either of them).

    The link a merge made (the duplicate to its survivor) stays: it is how the duplicate points to it."""
    _actions.check_allowed(complaint, actor, TRANSITIONS["unlink"])
    if str(to or "").strip() == complaint.number:
        raise ValidationFailed(_("A complaint is not linked to itself."), field="to")
    other = _target(actor, to, "to")
    with transaction.atomic():
        _lock_pair(complaint, other)
        c, _t = _actions._lock(complaint, actor=actor, action="unlink", version=version)
        other = _locked(other.pk)
        link = _link_between(c, other)
        if link is None:
            raise ValidationFailed(
                _("%(a)s and %(b)s are not linked.") % {"a": c.number, "b": other.number}, field="to"
            )
        kind = link.kind
        link.delete()
        _actions._save(
            c,
            actor=actor,
            now=now,
            action="unlink",
            from_status=c.status,
            fields=[],
            data={"to": other.number, "kind": kind},
            clock_events=(),
        )
        if not other.is_read_only:
            record_event(
                other,
                actor=actor,
                now=now,
                action="unlink",
                from_status=other.status,
                to_status=other.status,
                data={"from": c.number, "kind": kind},
            )
        return c


@dataclass
class LinkRow:
    """One line of a links card: the other complaint, the kind, and which way the link reads."""

    complaint: Complaint
    kind: str
    direction: str  # "out": this complaint is the duplicate / follow-up; "in": the other one is; "both": related
    removable: bool
    note: str = ""
    created_by: str = ""
    created_at: dt.datetime | None = None

    @property
    def number(self) -> str:
        return self.complaint.number


def links_of(complaint: Complaint, *, user, repeats: bool = True) -> list[LinkRow]:
    """Every link of `complaint` whose other end `user` may see: those made by hand, either way round, and
    (with `repeats`) the repeats found at intake. Three queries at most."""
    rows: list[LinkRow] = []
    visible = complaints_visible_to(user)
    made = ComplaintLink.objects.filter(Q(from_complaint=complaint) | Q(to_complaint=complaint)).select_related(
        "created_by"
    )
    others = {
        c.pk: c
        for c in visible.filter(Q(links_out__to_complaint=complaint) | Q(links_in__from_complaint=complaint))
        .select_related("category")
        .distinct()
    }
    seen: set[int] = set()
    for link in made.order_by("created_at", "id"):
        outgoing = link.from_complaint_id == complaint.pk
        other = others.get(link.to_complaint_id if outgoing else link.from_complaint_id)
        if other is None:
            continue
        seen.add(other.pk)
        merge_link = link.kind == LinkKind.DUPLICATE and (
            complaint.merged_into_id == other.pk or other.merged_into_id == complaint.pk
        )
        rows.append(
            LinkRow(
                complaint=other,
                kind=link.kind,
                direction="both" if link.kind == LinkKind.RELATED else ("out" if outgoing else "in"),
                removable=not merge_link,
                note=link.note,
                created_by=link.created_by.username if link.created_by_id and link.created_by else "",
                created_at=link.created_at,
            )
        )
    if repeats:
        for other in visible.filter(linked=complaint).select_related("category").order_by("-received_at", "-id"):
            if other.pk not in seen:
                rows.append(LinkRow(complaint=other, kind=REPEAT_KIND, direction="both", removable=False))
    return rows


def links_json(complaint: Complaint, *, user) -> list[dict[str, Any]]:
    """The complaint object's "links": [{"number", "kind", "direction", "status"}] (see attach_links)."""
    if getattr(complaint, "_links_json", None) is None:
        attach_links([complaint], user=user)
    return complaint._links_json


# ---------------------------------------------------------------------------------------------
# Suggested duplicates


@dataclass
class Probe:
    """What is known of a complaint being recorded (or of a recorded one): what duplicates are looked for by."""

    phone: str = ""
    email: str = ""
    external_id: str = ""
    product: str = ""
    product_code: str = ""
    batch_no: str = ""
    order_no: str = ""
    text: str = ""
    received_at: dt.datetime | None = None
    exclude: int | None = None

    @classmethod
    def of(cls, complaint: Complaint) -> Probe:
        customer = complaint.customer
        return cls(
            phone=customer.phone,
            email=customer.email,
            external_id=customer.external_id,
            product=complaint.product,
            product_code=complaint.product_code,
            batch_no=complaint.batch_no,
            order_no=complaint.order_no,
            text=f"{complaint.title} {complaint.description}",
            received_at=complaint.received_at,
            exclude=complaint.pk,
        )


@dataclass
class Suggestion:
    complaint: Complaint
    score: float
    reasons: list[str] = field(default_factory=list)
    codes: list[str] = field(default_factory=list)

    @property
    def number(self) -> str:
        return self.complaint.number


def bigrams(text: str) -> set[str]:
    """The character pairs of a text's letters and digits (Chinese needs no segmentation for this)."""
    chars = [ch for ch in (text or "").lower() if ch.isalnum()]
    return {a + b for a, b in itertools.pairwise(chars)}


def similarity(a: set[str], b: set[str]) -> float:
    """Overlap of two bigram sets relative to the smaller one (a short new text inside a long one counts)."""
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))


def window_days() -> int:
    from kesu.rules.playbooks import active_playbook

    playbook = active_playbook()
    if not playbook:
        return 90
    return int(playbook.setting("duplicate_window_days", playbook.setting("repeat_window_days", 90)))


def suggest_duplicates(probe: Probe, *, user, now: dt.datetime, limit: int = MAX_SUGGESTIONS) -> list[Suggestion]:
    """Likely duplicates of what `probe` describes, best first, among the complaints `user` may see that were
    received within the window before it (or now) and are not merged: each with the reasons it was chosen."""
    from .actions import normalise_phone

    until = probe.received_at or now
    since = until - dt.timedelta(days=window_days())
    base = (
        complaints_visible_to(user)
        .filter(received_at__gte=since, received_at__lte=max(until, now))
        .exclude(status=S.MERGED)
        .select_related("customer", "category")
    )
    if probe.exclude:
        base = base.exclude(pk=probe.exclude)
    found: dict[int, Suggestion] = {}

    def add(c: Complaint, score: float, code: str, reason: str) -> None:
        s = found.setdefault(c.pk, Suggestion(complaint=c, score=0.0))
        if code not in s.codes:
            s.codes.append(code)
            s.reasons.append(reason)
            s.score += score

    keys = []
    phone = normalise_phone(probe.phone or "")
    if len(phone) >= 5:
        keys.append(Q(customer__phone=phone))
    if probe.email.strip():
        keys.append(Q(customer__email=probe.email.strip().lower()))
    if probe.external_id.strip():
        keys.append(Q(customer__external_id=probe.external_id.strip()))
    if keys:
        same_customer = keys[0]
        for k in keys[1:]:
            same_customer |= k
        for c in base.filter(same_customer).order_by("-received_at", "-id")[:20]:
            add(c, 3.0, "customer", _("same customer"))
    for attr, score, label in (
        ("order_no", 3.0, _("same order")),
        ("batch_no", 2.0, _("same batch")),
        ("product_code", 1.0, _("same product code")),
    ):
        value = (getattr(probe, attr) or "").strip()
        if value:
            for c in base.filter(**{attr: value}).order_by("-received_at", "-id")[:20]:
                add(c, score, attr, f"{label} {value}")
    wanted = bigrams(probe.text)
    if len(wanted) >= 4:
        product = (probe.product or "").strip()
        pool = base.order_by("-received_at", "-id")
        if product:
            pool = pool.filter(Q(product=product) | Q(search_text__contains=product.lower()))
        for c in pool.only(
            "id", "number", "title", "description", "status", "received_at", "customer", "category", "product"
        )[:TEXT_CANDIDATES]:
            score = similarity(wanted, bigrams(f"{c.title} {c.description}"))
            if score >= TEXT_SIMILARITY:
                add(c, 2.0 * score, "text", _("similar text (%(pct)s%%)") % {"pct": round(score * 100)})
    if found:
        full = {c.pk: c for c in base.filter(pk__in=list(found))}
        for pk, s in found.items():
            s.complaint = full.get(pk, s.complaint)
    ranked = sorted(found.values(), key=lambda s: (-s.score, -s.complaint.received_at.timestamp()))
    return ranked[:limit]


def suggestion_json(s: Suggestion) -> dict[str, Any]:
    c = s.complaint
    return {
        "number": c.number,
        "title": c.title,
        "status": c.status,
        "received_at": c.received_at,
        "score": round(s.score, 2),
        "reasons": s.codes,
        "explanation": "; ".join(str(r) for r in s.reasons),
    }


def may_merge(complaint: Complaint, user) -> bool:
    return user.role in TRANSITIONS["merge"].roles and complaint.status in TRANSITIONS["merge"].sources


def may_link(complaint: Complaint, user) -> bool:
    return user.role in TRANSITIONS["link"].roles and complaint.status in TRANSITIONS["link"].sources


# Last: complaints.actions registers this module's actions at its own end, whichever of the two is imported first.
from . import actions as _actions  # noqa: E402

__all__ = [
    "LinkRow",
    "Probe",
    "Suggestion",
    "do_link",
    "do_merge",
    "do_unlink",
    "links_json",
    "links_of",
    "merged_contacts",
    "suggest_duplicates",
    "survivor_of",
]


def attach_links(complaints: list[Complaint], *, user) -> None:
    """Set each complaint's links (what links_json gives) and the survivor's number for a page of complaints:
    one query for the links made by hand and the repeats together, one more for a user with a limited scope."""
    from django.db.models import CharField, F, IntegerField, Value

    from .access import scope_q

    ids = [c.pk for c in complaints]
    if not ids:
        return
    columns = ("from_complaint_id", "to_complaint_id", "k", "o", "fn", "tn", "fs", "ts")
    ends = {
        "fn": F("from_complaint__number"),
        "tn": F("to_complaint__number"),
        "fs": F("from_complaint__status"),
        "ts": F("to_complaint__status"),
    }
    made = (
        ComplaintLink.objects.filter(Q(from_complaint_id__in=ids) | Q(to_complaint_id__in=ids))
        .annotate(k=F("kind"), o=F("id"), **ends)
        .order_by()
        .values_list(*columns)
    )
    through = Complaint.linked.through
    repeats = (
        through.objects.filter(from_complaint_id__in=ids)
        .annotate(k=Value(REPEAT_KIND, output_field=CharField()), o=Value(0, output_field=IntegerField()), **ends)
        .order_by()
        .values_list(*columns)
    )
    rows = sorted(made.union(repeats, all=True), key=lambda r: (r[2] == REPEAT_KIND, r[3], -r[1]))
    # A merged complaint's link to its survivor (made by the merge) names the survivor: no query of its own.
    survivor_numbers = {(f, t): tn for f, t, kind, _o, _fn, tn, _fs, _ts in rows if kind == LinkKind.DUPLICATE}
    numbers = {r[4] for r in rows} | {r[5] for r in rows}
    q = scope_q(user)
    if q is None:
        visible = numbers
    elif numbers:
        visible = set(Complaint.objects.filter(q, number__in=numbers).values_list("number", flat=True))
    else:
        visible = set()
    for c in complaints:
        out: list[dict[str, Any]] = []
        seen: set[str] = set()
        for f, t, kind, _o, fn, tn, fs, ts in rows:
            if c.pk not in (f, t):
                continue
            outgoing = f == c.pk
            number, status = (tn, ts) if outgoing else (fn, fs)
            if number not in visible or number in seen or (kind == REPEAT_KIND and not outgoing):
                continue
            seen.add(number)
            direction = "both" if kind in (LinkKind.RELATED, REPEAT_KIND) else ("out" if outgoing else "in")
            out.append({"number": number, "kind": kind, "direction": direction, "status": status})
        c._links_json = out
        if c.merged_into_id:
            number = survivor_numbers.get((c.pk, c.merged_into_id), "")
            c._merged_into_number = number if number in visible else ""  # "": not in the reader's scope
