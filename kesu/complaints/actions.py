"""Every change to a complaint, one function per action (R-FLOW-1).

Each `do_<verb>(complaint, *, actor, now, …)` locks the complaint row, checks the optimistic
`version`, the transition table (states.py) and the actor's permission, validates its input, changes
the record and writes its timeline event — all in one transaction. A refused action raises
DomainError and changes nothing. Views, the API, tasks and commands call these; nothing else saves a
complaint or assigns its status.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from kesu.accounts.models import Department, User
from kesu.accounts.roles import REVIEW_RANK
from kesu.alerts import actions as alerts
from kesu.core import config
from kesu.core.dates import day_start
from kesu.core.errors import DomainError, Forbidden, ValidationFailed
from kesu.core.models import Organization
from kesu.core.numbering import complaint_number
from kesu.core.text import clean_text
from kesu.followup import services as followup
from kesu.notifications.services import notify
from kesu.notifications.text import msg
from kesu.routing import services as routing
from kesu.rules import feedback
from kesu.rules.classify import classify, complaint_text, text_risks
from kesu.rules.playbooks import active_playbook, active_rules
from kesu.sla import clocks
from kesu.sla.models import Deadline
from kesu.triage import suggest

from . import writequeue
from .classification import MAX_LEVEL, Flag, Level, Priority, Severity
from .events import record_event, record_events
from .models import Category, Channel, Complaint, Customer, CustomerKind, Demand, IdempotencyKey, Relationship
from .models.attachment import EvidenceSource
from .models.complaint import ReviewState, SolutionType
from .repeats import find_repeats
from .states import CUSTOMER_ACTIONS, HANDLING, REVIEW_RANK_FOR_LEVEL, TRANSITIONS, Status, Transition

S = Status
MONEY_MAX = Decimal("999999999999.99")
QUANTITY_MAX = 10_000_000
# What a complaint's dates may be: nothing received before the system's era (2000) or more than a few
# minutes ahead of the clock, nothing that happened before 1990 or after it was received. Outside these a
# date is a typo (or a probe): year 1 overflows the repeat window, 1900 shows the zone's local mean time.
EARLIEST_RECEIVED = dt.date(2000, 1, 1)
EARLIEST_OCCURRED = dt.date(1990, 1, 1)
CLOCK_SKEW = dt.timedelta(minutes=5)


# ---------------------------------------------------------------------------------------------
# Shared machinery


def _lock(complaint: Complaint, *, actor: User, action: str, version: int | None) -> tuple[Complaint, Transition]:
    """Re-read the complaint under a row lock and check version, state and role."""
    locked = (
        # of=("self",): PostgreSQL refuses FOR UPDATE on the nullable side of the outer joins.
        # no_key=True: does not block the key-share locks that inserting the complaint's timeline rows and
        # deadlines takes, so a user's action and the SLA sweep never deadlock.
        Complaint.objects.select_for_update(of=("self",), no_key=True)
        .select_related("customer", "category", "owner", "department")
        .get(pk=complaint.pk)
    )
    transition = TRANSITIONS[action]
    # A stale version is reported before the state: whoever acted on an old view (two people pressing
    # the same button at once) is told to reload, not that the action no longer fits.
    if version is not None and version != locked.version and (actor is None or actor.role in transition.roles):
        raise DomainError(
            "version_conflict",
            _(
                "The complaint was changed by someone else (version %(current)s, you sent %(sent)s). "
                "Reload it and try again."
            )
            % {"current": locked.version, "sent": version},
            field="version",
        )
    check_allowed(locked, actor, transition)
    return locked, transition


def check_allowed(complaint: Complaint, actor: User | None, transition: Transition) -> None:
    """actor None is the customer (through a signed link): only the customer's own actions."""
    if actor is None:
        if transition.action not in CUSTOMER_ACTIONS:
            raise Forbidden(_("Customers may not do “%(action)s”.") % {"action": transition.label})
    elif actor.role not in transition.roles:
        raise Forbidden(_("Your role may not do “%(action)s”.") % {"action": transition.label})
    if complaint.status == S.ARCHIVED:
        raise DomainError("read_only", _("Archived complaints are read-only."))
    if complaint.status == S.MERGED:
        raise DomainError(
            "read_only",
            _("This complaint was merged into %(number)s and is read-only: work on that one.")
            % {"number": complaint.merged_into.number if complaint.merged_into_id else "—"},
        )
    if complaint.status not in transition.sources:
        raise DomainError(
            "invalid_transition",
            _("“%(action)s” is not possible while the complaint is “%(status)s”.")
            % {"action": transition.label, "status": Status(complaint.status).label},
        )


def allowed_actions(complaint: Complaint, actor: User, *, reviewers: dict | None = None) -> list[Transition]:
    """The actions `actor` may take on `complaint` now, for the UI. The actions re-check everything.

    `reviewers` (routing.playbook_reviewers()) saves a query per complaint when listing many."""
    result = []
    for transition in TRANSITIONS.values():
        try:
            check_allowed(complaint, actor, transition)
        except DomainError:
            continue
        if transition.action == "review" and not _may_review(complaint, actor, reviewers=reviewers):
            continue
        if transition.action == "archive" and complaint.review_state == ReviewState.PENDING:
            continue
        if transition.action == "resolve" and complaint.customer_accepted is not True:
            continue
        if transition.action == "customer_response" and complaint.customer_accepted is not None:
            continue
        if transition.action == "pause_clock" and complaint.clock_paused_at:
            continue
        if transition.action == "resume_clock" and not complaint.clock_paused_at:
            continue
        if transition.action == "escalate" and (complaint.level or 1) >= MAX_LEVEL:
            continue
        result.append(transition)
    return result


def _save(
    complaint: Complaint,
    *,
    actor: User | None,
    now: dt.datetime,
    action: str,
    from_status: str,
    fields: list[str],
    data: dict[str, Any] | None = None,
    internal: bool = True,
    clock_events: tuple[str, ...] | None = None,
) -> Complaint:
    complaint.version += 1  # the row is locked: a plain increment is safe
    complaint.updated_at = now
    complaint.save(update_fields=[*fields, "version", "updated_at"])
    record_event(
        complaint,
        actor=actor,
        now=now,
        action=action,
        from_status=from_status,
        to_status=complaint.status,
        data=data,
        internal=internal,
    )
    events = (action,) if clock_events is None else clock_events
    if events:
        clocks.on_events(complaint, events, now=now)
    return complaint


def _money(value: Any, field_name: str) -> Decimal | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):  # JSON true is not 1.00 yuan
        raise ValidationFailed(_("Enter an amount in yuan, such as 5000.00."), field=field_name)
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise ValidationFailed(_("Enter an amount in yuan, such as 5000.00."), field=field_name) from None
    if not amount.is_finite() or amount < 0:
        raise ValidationFailed(_("The amount cannot be negative."), field=field_name)
    if amount > MONEY_MAX or amount.as_tuple().exponent < -2:  # type: ignore[operator]
        raise ValidationFailed(_("Enter an amount in yuan with at most two decimals."), field=field_name)
    return amount.quantize(Decimal("0.01"))


def _choice(value: Any, choices, field_name: str, *, required: bool = False) -> str:
    if value in (None, ""):
        if required:
            raise ValidationFailed(_("This field is required."), field=field_name)
        return ""
    valid = [str(c) for c in choices.values]
    if str(value) not in valid:
        raise ValidationFailed(
            _("“%(value)s” is not one of: %(choices)s.") % {"value": value, "choices": ", ".join(valid)},
            field=field_name,
        )
    return str(value)


def _changes(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    return {k: [before[k], after[k]] for k in after if before.get(k) != after[k]}


def _json_value(value: Any) -> Any:
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, dt.datetime):
        return value.isoformat()
    return value


# ---------------------------------------------------------------------------------------------
# Create


@dataclass
class CustomerInput:
    name: str = ""
    kind: str = CustomerKind.CONSUMER
    phone: str = ""
    email: str = ""
    external_id: str = ""
    relationship: str = ""
    id_number: str = ""
    company: str = ""


@dataclass
class ComplaintInput:
    channel: str = ""
    customer: CustomerInput = field(default_factory=CustomerInput)
    title: str = ""
    description: str = ""
    type_code: str = ""
    product: str = ""
    product_model: str = ""
    product_code: str = ""
    batch_no: str = ""
    order_no: str = ""
    store: str = ""
    legacy_no: str = ""
    quantity: int | None = None
    amount: Any = None
    demand: str = ""
    occurred_at: dt.datetime | None = None
    received_at: dt.datetime | None = None
    place: str = ""
    people_involved: str = ""
    flags: list[str] = field(default_factory=list)

    def fingerprint(self) -> str:
        payload = json.dumps(asdict(self), sort_keys=True, default=str, ensure_ascii=False)
        return hashlib.sha256(payload.encode()).hexdigest()


def _validate_create(
    data: ComplaintInput, now: dt.datetime, *, categories: dict[str, Category] | None = None
) -> dict[str, Any]:
    """Check every field, collecting all errors at once so a form can show them together.

    `categories`: the active types by code when the caller read them already."""
    errors: dict[str, list[str]] = {}

    def check(fn):
        try:
            return fn()
        except DomainError as exc:
            for name, messages in exc.fields.items():
                errors.setdefault(name, []).extend(messages)
            return None

    clean: dict[str, Any] = {}
    clean["title"] = check(lambda: clean_text(data.title, "title", required=False, max_length=200)) or ""
    clean["description"] = check(lambda: clean_text(data.description, "description", required=False)) or ""
    if not clean["title"] and not clean["description"] and "title" not in errors:
        errors.setdefault("title", []).append(_("Give a title or a description."))
    if not clean["title"] and clean["description"]:
        first_line = clean["description"].splitlines()[0]
        clean["title"] = first_line[:60] + ("…" if len(first_line) > 60 else "")
    clean["channel"] = check(lambda: _choice(data.channel, Channel, "channel", required=True))
    clean["demand"] = check(lambda: _choice(data.demand, Demand, "demand")) or ""
    for name, limit in [
        ("product", 200),
        ("product_model", 100),
        ("product_code", 64),
        ("batch_no", 64),
        ("order_no", 64),
        ("store", 200),
        ("legacy_no", 64),
        ("place", 200),
        ("people_involved", 200),
    ]:
        clean[name] = (
            check(lambda n=name, lim=limit: clean_text(getattr(data, n), n, required=False, max_length=lim)) or ""
        )
    clean["amount"] = check(lambda: _money(data.amount, "amount"))
    quantity = data.quantity
    if quantity is not None and (
        isinstance(quantity, bool) or not isinstance(quantity, int) or not 0 <= quantity <= QUANTITY_MAX
    ):
        errors.setdefault("quantity", []).append(
            _("Enter a whole number of pieces from 0 to %(max)s.") % {"max": f"{QUANTITY_MAX:,}"}
        )
    clean["quantity"] = quantity
    flags = []
    valid_flags = set(Flag.values)
    for flag in data.flags or []:
        if flag not in valid_flags:
            errors.setdefault("flags", []).append(
                _("Unknown flag “%(flag)s”; use: %(choices)s.") % {"flag": flag, "choices": ", ".join(Flag.values)}
            )
        elif flag not in flags:
            flags.append(flag)
    clean["flags"] = flags
    received_at = check(lambda: _moment(data.received_at, "received_at")) or now
    if received_at < day_start(EARLIEST_RECEIVED):
        errors.setdefault("received_at", []).append(
            _("The complaint cannot have been received before %(date)s.") % {"date": EARLIEST_RECEIVED.isoformat()}
        )
    elif received_at > now + CLOCK_SKEW:
        errors.setdefault("received_at", []).append(_("The complaint cannot be received in the future."))
    clean["received_at"] = received_at
    occurred_at = check(lambda: _moment(data.occurred_at, "occurred_at"))
    if occurred_at is not None:
        if occurred_at < day_start(EARLIEST_OCCURRED):
            errors.setdefault("occurred_at", []).append(
                _("The event cannot have happened before %(date)s.") % {"date": EARLIEST_OCCURRED.isoformat()}
            )
        elif occurred_at > now + CLOCK_SKEW:
            errors.setdefault("occurred_at", []).append(_("The event cannot have happened in the future."))
        elif occurred_at > received_at and "received_at" not in errors:
            errors.setdefault("occurred_at", []).append(
                _("The event cannot have happened after the complaint was received.")
            )
    clean["occurred_at"] = occurred_at

    category = None
    type_code = check(lambda: clean_text(data.type_code, "type_code", required=False, max_length=40))
    if type_code:
        if categories is None:
            category = Category.objects.filter(code=type_code, active=True).first()
        else:
            category = categories.get(type_code)
        if category is None:
            errors.setdefault("type_code", []).append(_("Unknown complaint type “%(code)s”.") % {"code": type_code})
    clean["category"] = category

    cust = data.customer
    clean["customer_name"] = check(lambda: clean_text(cust.name, "customer.name", required=True, max_length=100))
    clean["customer_kind"] = check(lambda: _choice(cust.kind or CustomerKind.CONSUMER, CustomerKind, "customer.kind"))
    clean["customer_relationship"] = check(lambda: _choice(cust.relationship, Relationship, "customer.relationship"))
    phone = normalise_phone(check(lambda: clean_text(cust.phone, "customer.phone", required=False)) or "")
    if phone and not (phone.lstrip("+").isdigit() and 5 <= len(phone) <= 20):
        errors.setdefault("customer.phone", []).append(_("Enter a phone number of digits only, such as 13812341234."))
    clean["customer_phone"] = phone
    email = (check(lambda: clean_text(cust.email, "customer.email", required=False)) or "").lower()
    if email and ("@" not in email or "." not in email.split("@")[-1] or len(email) > 254):
        errors.setdefault("customer.email", []).append(_("Enter a valid e-mail address."))
    clean["customer_email"] = email
    for attr, limit in (("external_id", 64), ("id_number", 32), ("company", 200)):
        clean[f"customer_{attr}"] = (
            check(
                lambda a=attr, lim=limit: clean_text(getattr(cust, a), f"customer.{a}", required=False, max_length=lim)
            )
            or ""
        )
    if not (phone or email or clean["customer_external_id"]) and "customer.phone" not in errors:
        errors.setdefault("customer.phone", []).append(_("Give the customer's phone, e-mail or customer id."))
    if errors:
        raise DomainError("validation_error", _("Please correct the marked fields."), fields=errors)
    return clean


def normalise_phone(value: str) -> str:
    """The form a phone number is stored and found by: no spaces, dashes or brackets."""
    return "".join(ch for ch in (value or "").strip() if ch not in " -()\u3000")


def _moment(value: Any, field_name: str) -> dt.datetime | None:
    """An aware datetime from an input one (naive: the organisation's time zone), or a field error."""
    if value is None or value == "":
        return None
    if not isinstance(value, dt.datetime):
        raise ValidationFailed(_("Enter a date and time such as 2026-11-22T14:30:00+08:00."), field=field_name)
    if timezone.is_naive(value):
        try:
            value = timezone.make_aware(value)
        except (OverflowError, ValueError):
            raise ValidationFailed(
                _("Enter a date and time such as 2026-11-22T14:30:00+08:00."), field=field_name
            ) from None
    return value


def find_customer(*, phone: str = "", email: str = "", external_id: str = "") -> Customer | None:
    """The customer already on file with this external id, phone or e-mail (in that order)."""
    for name, value in (("external_id", external_id), ("phone", phone), ("email", email)):
        if value:
            found = Customer.objects.filter(**{name: value}).order_by("-id").first()
            if found:
                return found
    return None


def _locked_customer(keys: dict[str, str]) -> Customer | None:
    """find_customer's customer, locked (PostgreSQL: FOR UPDATE; SQLite: the transaction holds the write lock)."""
    for name in ("external_id", "phone", "email"):
        if keys[name]:
            found = Customer.objects.select_for_update().filter(**{name: keys[name]}).order_by("-id").first()
            if found:
                return found
    return None


# Who may change what is stored about a customer they record a complaint for (today: the relationship,
# e.g. to VIP): the roles that see every customer and their contact details. A handler or quality engineer
# records the complaint, but the stored record keeps its values. Every change is an event on the timeline.
CUSTOMER_EDIT_ROLES = frozenset({"agent", "supervisor", "director", "manager", "admin"})


def _customer_for(clean: dict[str, Any], *, actor: User | None) -> tuple[Customer, dict[str, list[Any]], bool]:
    """The customer this complaint is about, what intake changed on a known one ({field: [old, new]}), and
    whether this intake created it.

    Found or created so that concurrent intakes for one new phone meet on one record: the unique keys
    refuse the second insert, which then reads the first one's. The row stays locked until the complaint
    is stored, so the repeat count of each of those intakes sees all earlier ones."""
    keys = {
        "phone": clean["customer_phone"],
        "email": clean["customer_email"],
        "external_id": clean["customer_external_id"],
    }
    customer = _locked_customer(keys)
    if customer is None:
        try:
            with transaction.atomic():
                customer = Customer.objects.create(
                    name=clean["customer_name"],
                    kind=clean["customer_kind"] or CustomerKind.CONSUMER,
                    id_number=clean["customer_id_number"],
                    company=clean["customer_company"],
                    relationship=clean["customer_relationship"] or Relationship.NEW,
                    created_by=actor,
                    **keys,
                )
            return customer, {}, True
        except IntegrityError:
            customer = _locked_customer(keys)
            if customer is None:  # pragma: no cover - the key that collided is there now
                raise
    changes: dict[str, list[Any]] = {}
    # Fill what was missing (never overwrite), unless another customer already holds that key.
    for attr, key in (
        ("phone", "customer_phone"),
        ("email", "customer_email"),
        ("external_id", "customer_external_id"),
        ("id_number", "customer_id_number"),
        ("company", "customer_company"),
    ):
        if clean[key] and not getattr(customer, attr):
            if attr in keys and Customer.objects.filter(**{attr: clean[key]}).exclude(pk=customer.pk).exists():
                continue
            changes[attr] = ["", clean[key]]
    wanted = clean["customer_relationship"]
    if wanted and wanted != customer.relationship and actor is not None and actor.role in CUSTOMER_EDIT_ROLES:
        changes["relationship"] = [customer.relationship, wanted]
    elif customer.relationship == Relationship.NEW:
        changes["relationship"] = [customer.relationship, Relationship.EXISTING]  # a second complaint
    if changes:
        for attr, (_old, new) in changes.items():
            setattr(customer, attr, new)
        try:
            with transaction.atomic():
                customer.save(update_fields=[*changes, "updated_at"])
        except IntegrityError:  # a key filled in by a concurrent intake in the meantime: keep the record as is
            customer.refresh_from_db()
            changes = {}
    # What the timeline may show of a change to contact keys: whether it happened, not the values.
    shown = {
        attr: ([old, new] if attr in ("relationship", "company") else ["", "***"])
        for attr, (old, new) in changes.items()
    }
    return customer, shown, False


def search_text_for(complaint: Complaint) -> str:
    """The token document the full-text index reads (kesu.search: bigrams of Chinese, whole words)."""
    from kesu.search.documents import complaint_document

    return complaint_document(complaint)


def do_create(
    data: ComplaintInput,
    *,
    actor: User | None,
    now: dt.datetime,
    idempotency_key: str | None = None,
    event_data: dict[str, Any] | None = None,
    on_created: Callable[[Complaint], None] | None = None,
) -> tuple[Complaint, bool]:
    """Record a complaint. Returns (complaint, created); created is False for an idempotent replay.

    actor None is the customer, through a public channel (the web form, an e-mail): no role to check, and
    no Idempotency-Key (those are per user; the channels deduplicate on their own keys). `event_data` is
    added to the timeline's "create" event (which channel, which file, which source); `on_created` runs
    inside the intake's transaction with the new complaint, so a channel's own record of the intake (the
    mail's Message-ID, the caller's event id) is stored with it or not at all."""
    if actor is not None and actor.role not in HANDLING:
        raise Forbidden(_("Your role may not record complaints."))
    fingerprint = data.fingerprint()
    if idempotency_key and actor is not None:
        replay = _idempotent_replay(actor, idempotency_key, fingerprint)
        if replay:
            return replay, False
    reference = _Reference.read()
    clean = _validate_create(data, now, categories=reference.categories)
    intake = _analyse_intake(clean, reference)
    try:
        # On SQLite this takes the database's one write lock (IMMEDIATE): everything above ran without it.
        with writequeue.turn(), transaction.atomic():
            complaint = _insert_complaint(clean, intake, actor=actor, now=now, event_data=event_data)
            if on_created is not None:
                on_created(complaint)
            if idempotency_key and actor is not None:
                IdempotencyKey.objects.create(
                    user=actor, key=idempotency_key, body_hash=fingerprint, complaint=complaint
                )
    except IntegrityError:
        # Another request with the same key won the race: answer with its complaint.
        if idempotency_key and actor is not None:
            replay = _idempotent_replay(actor, idempotency_key, fingerprint)
            if replay:
                return replay, False
        raise
    return complaint, True


def _idempotent_replay(actor: User, key: str, fingerprint: str) -> Complaint | None:
    if len(key) > 200:
        raise ValidationFailed(_("The Idempotency-Key is longer than 200 characters."), field="Idempotency-Key")
    existing = IdempotencyKey.objects.filter(user=actor, key=key).select_related("complaint").first()
    if existing is None:
        return None
    if existing.body_hash != fingerprint:
        raise DomainError(
            "idempotency_mismatch",
            _("This Idempotency-Key was already used with a different request body."),
            field="Idempotency-Key",
        )
    return existing.complaint


@dataclass
class _Reference:
    """What an intake reads of the configuration (active playbook, its rules and clocks, the types, the business
    calendar, the number prefix, the triage model), read before the write lock is taken — and once per change of
    the configuration in each process (kesu.core.config: one query of the stamp per intake). Shared by the
    process's threads: read-only."""

    prefix: str
    playbook: Any
    rules: tuple[Any, list]
    categories: dict[str, Category]
    definitions: list
    calendar: Any
    triage: tuple[Any, Any, dict[str, float]]

    @classmethod
    def read(cls) -> _Reference:
        return config.cached("intake_reference", cls._build)

    @classmethod
    def _build(cls) -> _Reference:
        from kesu.sla.calendar_store import default_calendar
        from kesu.triage.suggester import current_model

        prefix = Organization.objects.values_list("complaint_prefix", flat=True).first()
        return cls(
            prefix=prefix or "KS",
            playbook=active_playbook(),
            rules=active_rules(),
            categories={c.code: c for c in Category.objects.filter(active=True).order_by("sort_order", "code")},
            definitions=clocks.definitions(),
            calendar=default_calendar(),
            triage=current_model(),
        )

    def setting(self, key: str, default: Any) -> Any:
        return self.playbook.setting(key, default) if self.playbook else default


@dataclass
class _Intake:
    """The pure part of classifying a complaint being recorded: its text's risks and the triage suggestion, and
    the type it takes. Computed before the write lock; the rules run under it, once the customer and the repeat
    count (which concurrent intakes change) are known."""

    reference: _Reference
    hits: list
    suggestion: dict[str, Any]
    category: Category | None


def _analyse_intake(clean: dict[str, Any], reference: _Reference) -> _Intake:
    probe = Complaint(title=clean["title"], description=clean["description"])
    hits = text_risks(probe)
    suggestion = suggest(complaint_text(probe), types=list(reference.categories), hits=hits, model=reference.triage)
    category = clean["category"]
    if category is None and suggestion.get("type_code"):
        category = reference.categories.get(suggestion["type_code"])
    return _Intake(reference=reference, hits=hits, suggestion=suggestion, category=category)


def _insert_complaint(
    clean: dict[str, Any],
    intake: _Intake,
    *,
    actor: User | None,
    now: dt.datetime,
    event_data: dict[str, Any] | None = None,
) -> Complaint:
    """Inside the intake's transaction: the customer, the repeats, the rules, then one insert of the complaint
    with its classification and next deadline, and its links, events and deadlines in one insert each."""
    reference = intake.reference
    customer, customer_changes, new_customer = _customer_for(clean, actor=actor)
    complaint = Complaint(
        status=S.NEW,
        customer=customer,
        channel=clean["channel"],
        received_at=clean["received_at"],
        title=clean["title"],
        description=clean["description"],
        demand=clean["demand"],
        category=intake.category,
        amount=clean["amount"],
        quantity=clean["quantity"],
        occurred_at=clean["occurred_at"],
        flags=clean["flags"],
        created_by=actor,
        created_at=now,
        updated_at=now,
        **{
            k: clean[k]
            for k in (
                "product",
                "product_model",
                "product_code",
                "batch_no",
                "order_no",
                "store",
                "legacy_no",
                "place",
                "people_involved",
            )
        },
    )
    earlier = _classify_at_intake(complaint, intake)
    deadlines = clocks.intake_deadlines(
        complaint, definitions=reference.definitions, calendar=reference.calendar, now=now
    )
    complaint.next_due_at = clocks.nearest_due(deadlines)
    complaint.number = complaint_number(reference.prefix, timezone.localdate(now))
    complaint.search_text = search_text_for(complaint)
    complaint.save(force_insert=True)
    if earlier:
        through = Complaint.linked.through
        through.objects.bulk_create(
            [
                row
                for e in earlier
                for row in (
                    through(from_complaint_id=complaint.pk, to_complaint_id=e.pk),
                    through(from_complaint_id=e.pk, to_complaint_id=complaint.pk),
                )
            ]
        )
    events: list[dict[str, Any]] = [
        {
            "complaint": complaint,
            "action": "create",
            "to_status": S.NEW,
            "data": {
                "channel": complaint.channel,
                "received_at": complaint.received_at.isoformat(),
                "type_code": complaint.type_code,
                "customer": customer.name,
                "suggestion": complaint.suggestion,
                "repeat_of": [e.number for e in earlier],
                **(event_data or {}),
            },
        }
    ]
    if customer_changes:
        events.append(
            {
                "complaint": complaint,
                "action": "customer_updated",
                "from_status": S.NEW,
                "to_status": S.NEW,
                "data": {"customer": customer.id, "changes": customer_changes},
            }
        )
    record_events(events, now=now, actor=actor)
    if deadlines:
        Deadline.objects.bulk_create(deadlines)
    # What the response shows of the new complaint, known without reading it back.
    complaint._prefetched_objects_cache = {
        "deadlines": _known(complaint.deadlines.all(), deadlines),
        "collaborators": _known(complaint.collaborators.all(), []),
    }
    _after_classification(
        complaint, old_level=None, actor=actor, now=now, trigger="intake", major=reference.setting("major", {})
    )
    alerts.on_intake(complaint, now=now, rules=alerts.rules_from(reference.playbook), new_customer=new_customer)
    return complaint


def _known(qs, rows: list):
    """A related queryset whose rows are already known, as a prefetch leaves it: iterating it costs no query,
    while `.get()` / `.filter()` on the manager still query the database."""
    qs._result_cache = rows
    qs._prefetch_done = True
    return qs


def _after_classification(
    c: Complaint,
    *,
    old_level: int | None,
    actor,
    now: dt.datetime,
    trigger: str,
    reason: str = "",
    major: dict[str, Any] | None = None,
) -> None:
    """A serious classification acts at once: the tier is told, a major complaint informs leadership and
    forms the on-site team (R-ESC-1, R-ESC-4). Also after an escalation for an overdue clock.

    `major`: the active playbook's major-complaint rule when the caller read it already."""
    if (c.level or 1) > 1:
        reason = reason or "; ".join(h["reason"] for h in c.rule_hits if "level" in h.get("result", {}))
        routing.notify_tier(c, old_level=old_level, now=now, reason=reason, trigger=trigger)
    major_response = routing.respond_to_major(c, actor=actor, now=now, rule=major)
    if major_response:
        record_event(
            c,
            actor=actor,
            now=now,
            action="major_reported",
            from_status=c.status,
            to_status=c.status,
            data=major_response,
        )


def _classify_at_intake(c: Complaint, intake: _Intake) -> list[Complaint]:
    """Link repeats and run the playbook's rules over the suggested type and risks: the results classify the
    complaint and are kept as the suggestion the agent confirms or corrects at triage (R-CLS-2..4). A complaint
    recorded without a type takes the suggested one. Sets the fields; the caller inserts the complaint."""
    window = int(intake.reference.setting("repeat_window_days", 90))
    earlier = find_repeats(c, window_days=window)
    c.repeat_count = len(earlier)
    result = classify(c, suggestion=intake.suggestion, hits=intake.hits, rules=intake.reference.rules)
    c.severity = result.values.get("severity", "")
    c.priority = result.values.get("priority", "")
    c.level = result.values.get("level")
    c.flags = list(dict.fromkeys([*c.flags, *result.values.get("flags", [])]))
    c.rule_hits = result.hits
    c.ruleset = result.ruleset
    c.suggestion = result.suggestion()
    return earlier


# ---------------------------------------------------------------------------------------------
# Lifecycle actions


def do_acknowledge(
    complaint: Complaint, *, actor: User, now: dt.datetime, note: str = "", version: int | None = None
) -> Complaint:
    note = clean_text(note, "note", required=False, max_length=2000)
    with transaction.atomic():
        c, _t = _lock(complaint, actor=actor, action="acknowledge", version=version)
        before = c.status
        c.status = S.ACKNOWLEDGED
        c.acknowledged_at = c.acknowledged_at or now
        return _save(
            c,
            actor=actor,
            now=now,
            action="acknowledge",
            from_status=before,
            fields=["status", "acknowledged_at"],
            data={"note": note} if note else {},
            clock_events=("acknowledge", "customer_update"),
        )


def do_triage(
    complaint: Complaint,
    *,
    actor: User,
    now: dt.datetime,
    type_code: str | None = None,
    severity: str | None = None,
    priority: str | None = None,
    level: int | None = None,
    justified: bool | None = None,
    reason: str = "",
    version: int | None = None,
) -> Complaint:
    reason = clean_text(reason, "reason", required=False, max_length=2000)
    severity = _choice(severity, Severity, "severity") if severity is not None else None
    priority = _choice(priority, Priority, "priority") if priority is not None else None
    if level is not None and level not in Level.values:
        raise ValidationFailed(_("The level must be 1, 2 or 3."), field="level")
    if justified is False:
        raise ValidationFailed(
            _("To judge a complaint not justified, use “Judge not justified” with a reason and a reply."),
            field="justified",
        )
    category = None
    if type_code is not None:
        category = Category.objects.filter(code=type_code, active=True).first()
        if category is None:
            raise ValidationFailed(_("Unknown complaint type “%(code)s”.") % {"code": type_code}, field="type_code")
    with transaction.atomic():
        c, _t = _lock(complaint, actor=actor, action="triage", version=version)
        before = {
            "type_code": c.type_code,
            "severity": c.severity,
            "priority": c.priority,
            "level": c.level,
            "justified": c.justified,
        }
        after = dict(before)
        if category is not None:
            after["type_code"] = category.code
        if severity is not None:
            after["severity"] = severity
        if priority is not None:
            after["priority"] = priority
        if level is not None:
            after["level"] = level
        if justified is True:
            after["justified"] = True
        changes = _changes(before, after)
        # Setting an empty value is classifying; replacing one is a correction and needs a reason.
        corrected = [k for k, (old, _new) in changes.items() if old not in (None, "")]
        if corrected and not reason:
            names = [
                str(Complaint._meta.get_field(k).verbose_name) if k != "type_code" else str(_("type"))
                for k in corrected
            ]
            raise ValidationFailed(
                _("Give a reason for changing %(fields)s.") % {"fields": ", ".join(names)}, field="reason"
            )
        before_status = c.status
        if category is not None:
            c.category = category
        c.severity, c.priority, c.level, c.justified = (
            after["severity"],
            after["priority"],
            after["level"],
            after["justified"],
        )
        first_triage = c.status == S.ACKNOWLEDGED
        if first_triage:
            c.status = S.TRIAGED
        data: dict[str, Any] = {"changes": changes}
        if reason:
            data["reason"] = reason
        result = classify(c, overrides={"severity": c.severity, "priority": c.priority, "level": c.level})
        c.rule_hits = result.hits
        c.ruleset = result.ruleset or c.ruleset
        if first_triage and c.suggestion:
            # Suggested and final classification side by side: what suggestion accuracy is measured on.
            final = {"type_code": c.type_code, "severity": c.severity, "priority": c.priority, "level": c.level}
            data["suggested"] = {k: c.suggestion.get(k) for k in final}
            data["final"] = final
            # What the text analyser raised (risk families and the rules' other signals), kept or overturned:
            # terms agents keep overturning switch off (feedback.disabled_terms).
            raised = [*(c.suggestion.get("risks") or []), *(c.suggestion.get("signals") or [])]
            if raised:
                feedback.record(raised, kept=not feedback.was_downgraded(c.suggestion, final))
        c = _save(
            c,
            actor=actor,
            now=now,
            action="triage",
            from_status=before_status,
            fields=["category", "severity", "priority", "level", "justified", "status", "rule_hits", "ruleset"],
            data=data,
            clock_events=("triage", "classified"),
        )
        _after_classification(c, old_level=before["level"], actor=actor, now=now, trigger="triage")
        return c


def _eligible_owner(user: User, department: Department | None) -> bool:
    if not user.is_active or user.role not in HANDLING:
        return False
    if department is None or user.sees_whole_organisation:
        return True
    return department.id in user.department_ids()


def do_assign(
    complaint: Complaint,
    *,
    actor: User,
    now: dt.datetime,
    department: str | None = None,
    owner: str | None = None,
    reason: str = "",
    version: int | None = None,
) -> Complaint:
    reason = clean_text(reason, "reason", required=False, max_length=2000)
    dept = None
    if department:
        dept = Department.objects.filter(code=department, active=True).first()
        if dept is None:
            raise ValidationFailed(_("Unknown department “%(code)s”.") % {"code": department}, field="department")
    owner_user = None
    if owner:
        owner_user = User.objects.filter(username=owner).first()
        if owner_user is None:
            raise ValidationFailed(_("Unknown user “%(username)s”.") % {"username": owner}, field="owner")
    with transaction.atomic():
        c, _t = _lock(complaint, actor=actor, action="assign", version=version)
        routed_by = "manual"
        if dept is None and owner_user is None:
            category = c.category
            if category is None or category.department_id is None:
                raise ValidationFailed(
                    _("No routing rule covers this complaint's type; choose a department."), field="department"
                )
            dept = category.department
            routed_by = "matrix"
        if dept is None and owner_user is not None:
            dept = c.department
        if owner_user is not None and not _eligible_owner(owner_user, dept):
            raise ValidationFailed(
                _("%(user)s cannot own this complaint: they need a handling role in the responsible department.")
                % {"user": owner_user},
                field="owner",
            )
        choice_facts: dict[str, Any] = {}
        if owner_user is None and dept is not None:
            owner_user, choice_facts = routing.choose(c, dept, now=now)
        is_reassignment = c.department_id is not None or c.owner_id is not None
        if (
            is_reassignment
            and not reason
            and ((dept and dept.id != c.department_id) or (owner_user and owner_user.id != c.owner_id))
        ):
            raise ValidationFailed(_("Re-assignment needs a reason."), field="reason")
        before = {
            "department": c.department.code if c.department else None,
            "owner": c.owner.username if c.owner else None,
        }
        before_status = c.status
        c.department = dept
        c.owner = owner_user
        c.status = S.ASSIGNED
        after = {"department": dept.code if dept else None, "owner": owner_user.username if owner_user else None}
        data: dict[str, Any] = {"changes": _changes(before, after), "reason": reason, "routed_by": routed_by}
        if choice_facts and owner_user is not None:
            data["owner_choice"] = {**choice_facts, "explanation": routing.explain(owner_user, choice_facts)}
        collaborating = []
        if routed_by == "matrix" and c.category is not None:
            collaborating = [d for d in c.category.collaborating_departments.all() if d.id != dept.id]
            data["collaborators"] = [d.code for d in collaborating]
        c = _save(
            c,
            actor=actor,
            now=now,
            action="reassign" if is_reassignment else "assign",
            from_status=before_status,
            fields=["department", "owner", "status"],
            data=data,
            clock_events=("assign",),
        )
        if dept is not None:
            c.collaborators.remove(dept)  # the responsible department is not its own collaborator
        if collaborating:
            c.collaborators.add(*collaborating)
            routing.create_collaboration_tasks(c, collaborating, actor=actor, now=now)
        routing.add_watchers(c, routing.watchers_for(c, dept), reason="dispatch", now=now)
        if owner_user is not None and owner_user.pk != actor.pk:
            notify(
                [owner_user],
                kind="assigned",
                complaint=c,
                key=f"assigned:{c.pk}:{c.version}",
                now=now,
                title=msg(gettext_noop("%(number)s was assigned to you"), number=c.number),
                body=c.title,
            )
        return c


def do_start(complaint: Complaint, *, actor: User, now: dt.datetime, version: int | None = None) -> Complaint:
    with transaction.atomic():
        c, _t = _lock(complaint, actor=actor, action="start", version=version)
        before = c.status
        c.status = S.INVESTIGATING
        fields = ["status"]
        data: dict[str, Any] = {}
        if c.owner_id is None:
            c.owner = actor  # whoever starts an unowned investigation takes it
            fields.append("owner")
            data["owner"] = actor.username
        return _save(c, actor=actor, now=now, action="start", from_status=before, fields=fields, data=data)


def do_propose_solution(
    complaint: Complaint,
    *,
    actor: User,
    now: dt.datetime,
    solution_type: str,
    detail: str,
    compensation_amount: Any = None,
    compensation_id: Any = None,
    version: int | None = None,
) -> Complaint:
    """Propose a solution; any compensation it carries is an approved one of kesu.solutions (`compensation_id`,
    or a `compensation_amount` equal to one), else a 409 naming `compensation`."""
    from kesu.solutions.actions import proposal_compensation

    errors: dict[str, list[str]] = {}
    for fn in (
        lambda: _choice(solution_type, SolutionType, "solution_type", required=True),
        lambda: clean_text(detail, "detail", required=True, max_length=5000),
        lambda: _money(compensation_amount, "compensation_amount"),
    ):
        try:
            fn()
        except DomainError as exc:
            errors.update(exc.fields)
    if errors:
        raise DomainError("validation_error", _("Please correct the marked fields."), fields=errors)
    amount = _money(compensation_amount, "compensation_amount")
    with transaction.atomic():
        c, _t = _lock(complaint, actor=actor, action="propose_solution", version=version)
        granted = proposal_compensation(c, compensation_id=compensation_id, amount=amount)
        amount = granted.amount if granted is not None else None
        before = c.status
        c.status = S.SOLUTION_PROPOSED
        c.solution_type = solution_type
        c.solution_detail = detail.strip()
        c.compensation_amount = amount
        c.customer_accepted = None
        c.customer_comment = ""
        return _save(
            c,
            actor=actor,
            now=now,
            action="propose_solution",
            from_status=before,
            fields=[
                "status",
                "solution_type",
                "solution_detail",
                "compensation_amount",
                "customer_accepted",
                "customer_comment",
            ],
            data={
                "solution_type": solution_type,
                "detail": c.solution_detail,
                "compensation_amount": _json_value(amount),
                **({"compensation": granted.pk, "compensation_kind": granted.kind} if granted else {}),
            },
            internal=False,
            clock_events=("propose_solution", "customer_update"),
        )


def do_customer_response(
    complaint: Complaint,
    *,
    actor: User,
    now: dt.datetime,
    accepted: bool,
    comment: str = "",
    version: int | None = None,
) -> Complaint:
    if not isinstance(accepted, bool):
        raise ValidationFailed(_("Say whether the customer accepted: true or false."), field="accepted")
    comment = clean_text(comment, "comment", required=False, max_length=5000)
    with transaction.atomic():
        c, _t = _lock(complaint, actor=actor, action="customer_response", version=version)
        if c.customer_accepted is not None:
            raise DomainError("invalid_transition", _("The customer's answer to this proposal is already recorded."))
        before = c.status
        c.customer_accepted = accepted
        c.customer_comment = comment
        if not accepted:
            c.status = S.INVESTIGATING  # back to work on a better proposal
        return _save(
            c,
            actor=actor,
            now=now,
            action="customer_response",
            from_status=before,
            fields=["customer_accepted", "customer_comment", "status"],
            data={"accepted": accepted, "comment": comment},
            internal=False,
            clock_events=("customer_response", "customer_accepted") if accepted else ("customer_response",),
        )


def do_resolve(
    complaint: Complaint, *, actor: User, now: dt.datetime, summary: str, version: int | None = None
) -> Complaint:
    summary = clean_text(summary, "summary", required=True, max_length=5000)
    with transaction.atomic():
        c, _t = _lock(complaint, actor=actor, action="resolve", version=version)
        if c.customer_accepted is not True:
            raise DomainError(
                "invalid_transition", _("A complaint is resolved only after the customer accepted the solution.")
            )
        waiting = routing.open_required_tasks(c)
        if waiting:
            raise DomainError(
                "conflict",
                _("Tasks still open: %(tasks)s.") % {"tasks": "; ".join(t.title for t in waiting)},
                field="tasks",
            )
        before = c.status
        c.status = S.RESOLVED
        c.resolution_summary = summary
        c.resolved_at = now
        return _save(
            c,
            actor=actor,
            now=now,
            action="resolve",
            from_status=before,
            fields=["status", "resolution_summary", "resolved_at"],
            data={"summary": summary},
        )


def _round_snapshot(c: Complaint, *, now: dt.datetime, ended_by: str) -> dict[str, Any]:
    return {
        "round": c.round,
        "ended_at": now.isoformat(),
        "ended_by": ended_by,
        "department": c.department.code if c.department else None,
        "owner": c.owner.username if c.owner else None,
        "solution_type": c.solution_type,
        "solution_detail": c.solution_detail,
        "compensation_amount": _json_value(c.compensation_amount),
        "customer_accepted": c.customer_accepted,
        "resolution_summary": c.resolution_summary,
        "satisfaction": c.satisfaction,
        "satisfaction_comment": c.satisfaction_comment,
    }


def _start_new_round(c: Complaint, *, now: dt.datetime, ended_by: str) -> list[str]:
    """Keep the finished round as history and clear the handling form for the next one (R-FLOW-4)."""
    c.round_history = [*c.round_history, _round_snapshot(c, now=now, ended_by=ended_by)]
    c.round += 1
    c.status = S.REOPENED
    c.solution_type = ""
    c.solution_detail = ""
    c.compensation_amount = None
    c.customer_accepted = None
    c.customer_comment = ""
    c.resolution_summary = ""
    c.satisfaction = None
    c.satisfaction_comment = ""
    c.review_state = ReviewState.NOT_NEEDED
    c.reviewed_by = None
    c.resolved_at = None
    c.closed_at = None
    return [
        "round_history",
        "round",
        "status",
        "solution_type",
        "solution_detail",
        "compensation_amount",
        "customer_accepted",
        "customer_comment",
        "resolution_summary",
        "satisfaction",
        "satisfaction_comment",
        "review_state",
        "reviewed_by",
        "resolved_at",
        "closed_at",
    ]


def do_rate(
    complaint: Complaint, *, actor: User, now: dt.datetime, score: int, comment: str = "", version: int | None = None
) -> Complaint:
    """Satisfaction 1–5 (R-SAT-1/2): 1–3 completes the case; 4–5 raises the level and reopens it."""
    if isinstance(score, bool) or not isinstance(score, int) or not 1 <= score <= 5:
        raise ValidationFailed(_("The score must be a whole number from 1 to 5."), field="score")
    comment = clean_text(comment, "comment", required=False, max_length=5000)
    with transaction.atomic():
        c, _t = _lock(complaint, actor=actor, action="rate", version=version)
        before = c.status
        c.satisfaction = score
        c.satisfaction_comment = comment
        data: dict[str, Any] = {"score": score, "comment": comment}
        fields = ["satisfaction", "satisfaction_comment"]
        old_level = c.level or 1
        if score >= 4:
            c.level = min(old_level + 1, MAX_LEVEL)
            data["level"] = [old_level, c.level]
            data["round"] = [c.round, c.round + 1]
            fields += ["level", *_start_new_round(c, now=now, ended_by="dissatisfied")]
        if actor is None:
            data["by"] = "customer"
        c = _save(
            c,
            actor=actor,
            now=now,
            action="rate",
            from_status=before,
            fields=fields,
            data=data,
            internal=actor is not None,
            clock_events=("rate", "reopen", "classified") if score >= 4 else ("rate",),
        )
        if score >= 4:
            # R-SAT-2: one level up with a new handling round; a level-3 complaint still unsatisfied goes to
            # the general manager's meeting (R-ESC-3).
            reason = _("Customer dissatisfied (score %(score)s)") % {"score": score}
            routing.notify_tier(c, old_level=old_level, now=now, reason=reason, trigger="dissatisfied")
            if old_level >= MAX_LEVEL:
                followup.add_to_agenda(c, reason=f"{reason}: {comment}" if comment else reason, now=now, actor=actor)
        return c


def _may_review(c: Complaint, actor: User | None, *, reviewers: dict | None = None) -> bool:
    if actor is None:
        return False
    needed = routing.reviewer_rank(c.level, reviewers=reviewers) or REVIEW_RANK_FOR_LEVEL.get(c.level or 1, 1)
    return REVIEW_RANK.get(actor.role, 0) >= needed


def do_close(
    complaint: Complaint, *, actor: User, now: dt.datetime, reason: str = "", version: int | None = None
) -> Complaint:
    reason = clean_text(reason, "reason", required=False, max_length=2000)
    with transaction.atomic():
        c, _t = _lock(complaint, actor=actor, action="close", version=version)
        # R-INV-4: where the playbook requires CAPA, every one verified effective first (409, field capa).
        # Imported here: kesu.quality imports the complaints.
        from kesu.quality.actions import check_capa_gate

        check_capa_gate(c)
        if c.satisfaction is None and not reason:
            raise ValidationFailed(
                _("Record the customer's satisfaction first, or give the reason why none could be had."),
                field="reason",
            )
        before = c.status
        c.status = S.CLOSED
        c.closed_at = now
        c.close_reason = reason
        # Review gate (R-FLOW-3): a closure is reviewed by someone of the rank its level needs;
        # a closer who already holds that rank approves it by closing.
        if _may_review(c, actor):
            c.review_state, c.reviewed_by = ReviewState.APPROVED, actor
        else:
            c.review_state, c.reviewed_by = ReviewState.PENDING, None
        revisit = followup.schedule_revisit(c, now=now)
        data: dict[str, Any] = {"reason": reason, "review": c.review_state or "approved"}
        if revisit is not None:
            data["revisit"] = {
                "due_at": revisit.due_at.isoformat(),
                "assigned_to": revisit.assigned_to.username if revisit.assigned_to else None,
            }
        c = _save(
            c,
            actor=actor,
            now=now,
            action="close",
            from_status=before,
            fields=["status", "closed_at", "close_reason", "review_state", "reviewed_by"],
            data=data,
        )
        if c.review_state == ReviewState.PENDING:
            notify(
                routing.superiors(c.department) or routing.tier_people(2),
                kind="review_needed",
                complaint=c,
                key=f"review:{c.pk}:{c.round}:{c.version}",
                now=now,
                title=msg(gettext_noop("%(number)s was closed and waits for your review"), number=c.number),
                body=c.title,
            )
        return c


def do_review(
    complaint: Complaint,
    *,
    actor: User,
    now: dt.datetime,
    approved: bool,
    comment: str = "",
    version: int | None = None,
) -> Complaint:
    if not isinstance(approved, bool):
        raise ValidationFailed(_("Say whether the closure is approved: true or false."), field="approved")
    comment = clean_text(comment, "comment", required=not approved, max_length=2000)
    with transaction.atomic():
        c, _t = _lock(complaint, actor=actor, action="review", version=version)
        if c.review_state != ReviewState.PENDING:
            raise DomainError("invalid_transition", _("This closure is not waiting for review."))
        if not _may_review(c, actor):
            raise Forbidden(
                _("A level-%(level)s closure must be reviewed by a more senior reviewer.") % {"level": c.level or 1}
            )
        before = c.status
        if approved:
            c.review_state, c.reviewed_by = ReviewState.APPROVED, actor
        else:
            # Sent back: handling starts again in the same round; the closure is undone.
            c.review_state, c.reviewed_by = ReviewState.NOT_NEEDED, None
            c.status = S.INVESTIGATING
            c.closed_at = None
            c.customer_accepted = None
        return _save(
            c,
            actor=actor,
            now=now,
            action="review",
            from_status=before,
            fields=["review_state", "reviewed_by", "status", "closed_at", "customer_accepted"],
            data={"approved": approved, "comment": comment},
        )


def do_archive(complaint: Complaint, *, actor: User, now: dt.datetime, version: int | None = None) -> Complaint:
    with transaction.atomic():
        c, _t = _lock(complaint, actor=actor, action="archive", version=version)
        if c.review_state == ReviewState.PENDING:
            raise DomainError("invalid_transition", _("The closure must be reviewed before it is archived."))
        before = c.status
        c.status = S.ARCHIVED
        c.archived_at = now
        return _save(c, actor=actor, now=now, action="archive", from_status=before, fields=["status", "archived_at"])


def do_reject(
    complaint: Complaint, *, actor: User, now: dt.datetime, reason: str, reply: str, version: int | None = None
) -> Complaint:
    errors: dict[str, list[str]] = {}
    for name, value in (("reason", reason), ("reply", reply)):
        try:
            clean_text(value, name, required=True, max_length=5000)
        except DomainError as exc:
            errors.update(exc.fields)
    if errors:
        raise DomainError("validation_error", _("Please correct the marked fields."), fields=errors)
    with transaction.atomic():
        c, _t = _lock(complaint, actor=actor, action="reject", version=version)
        before = c.status
        c.status = S.REJECTED
        c.justified = False
        c.reject_reason = reason.strip()
        c.reject_reply = reply.strip()
        c.closed_at = now
        return _save(
            c,
            actor=actor,
            now=now,
            action="reject",
            from_status=before,
            fields=["status", "justified", "reject_reason", "reject_reply", "closed_at"],
            data={"reason": c.reject_reason, "reply": c.reject_reply},
            internal=False,
        )


def do_reopen(
    complaint: Complaint, *, actor: User, now: dt.datetime, reason: str, version: int | None = None
) -> Complaint:
    reason = clean_text(reason, "reason", required=True, max_length=2000)
    with transaction.atomic():
        c, _t = _lock(complaint, actor=actor, action="reopen", version=version)
        before = c.status
        data = {"reason": reason, "round": [c.round, c.round + 1]}
        fields = _start_new_round(c, now=now, ended_by="reopened")
        if c.justified is False:
            c.justified = None
            fields.append("justified")
        followup.cancel_pending_revisits(c)
        # A new round: its clocks start again as for a new complaint, handling included.
        return _save(
            c,
            actor=actor,
            now=now,
            action="reopen",
            from_status=before,
            fields=fields,
            data=data,
            clock_events=("reopen", "classified"),
        )


def do_escalate(
    complaint: Complaint, *, actor: User, now: dt.datetime, reason: str, version: int | None = None
) -> Complaint:
    reason = clean_text(reason, "reason", required=True, max_length=2000)
    with transaction.atomic():
        c, _t = _lock(complaint, actor=actor, action="escalate", version=version)
        old = c.level or 1
        if old >= MAX_LEVEL:
            raise DomainError("invalid_transition", _("The complaint is already at the highest level (3)."))
        c.level = old + 1
        c = _save(
            c,
            actor=actor,
            now=now,
            action="escalate",
            from_status=c.status,
            fields=["level"],
            data={"reason": reason, "level": [old, c.level], "trigger": "manual"},
            clock_events=("escalate", "classified"),
        )
        _after_classification(c, old_level=old, actor=actor, now=now, trigger="manual")
        return c


NOTE_KINDS = ("", "progress", "initial_report")


def do_note(
    complaint: Complaint,
    *,
    actor: User,
    now: dt.datetime,
    text: str,
    internal: bool = True,
    kind: str = "",
    version: int | None = None,
) -> Complaint:
    """A progress note (internal) or a message to the customer (internal=False, R-SOL-5).

    kind "initial_report" marks the A-class initial corrective report, which stops that clock.
    """
    text = clean_text(text, "text", required=True, max_length=10000)
    if not isinstance(internal, bool):
        raise ValidationFailed(_("Say whether the note is internal: true or false."), field="internal")
    if kind not in NOTE_KINDS:
        raise ValidationFailed(
            _("“%(value)s” is not one of: %(choices)s.")
            % {"value": kind, "choices": ", ".join(k for k in NOTE_KINDS if k)},
            field="kind",
        )
    events = ["note"]
    if not internal:
        events.append("customer_update")
    if kind == "initial_report":
        events.append("initial_report")
    with transaction.atomic():
        c, _t = _lock(complaint, actor=actor, action="note", version=version)
        data: dict[str, Any] = {"text": text, "internal": internal}
        if kind:
            data["kind"] = kind
        if internal:
            # "@username" tells that colleague (kesu.routing.followers); someone who may not see it: refused.
            from kesu.routing.followers import mentions_in

            mentioned = mentions_in(c, text)
            if mentioned:
                data["mentions"] = [u.username for u in mentioned]
        return _save(
            c,
            actor=actor,
            now=now,
            action="note",
            from_status=c.status,
            fields=[],
            data=data,
            internal=internal,
            clock_events=tuple(events),
        )


CUSTOMER_MESSAGE_VIA = ("web", "email", "sms", "api", "phone")


def do_customer_message(
    complaint: Complaint,
    *,
    now: dt.datetime,
    text: str,
    via: str,
    attachments: list[tuple[str, bytes]] | None = None,
    data: dict[str, Any] | None = None,
) -> Complaint:
    """The customer writes in about their complaint (R-SOL-5): a message from the tracking page, a reply
    by e-mail or SMS, or a transfer from another system. A timeline event (action "customer_message",
    public), its files stored as the customer's evidence, and the owner told — or, while nobody owns
    the complaint, the responsible department's head and supervisors (the front desk's supervisors
    before it is routed). Not on an archived complaint (read-only): the channels take a new one then.

    `via`: one of CUSTOMER_MESSAGE_VIA. `attachments`: (file name, content) pairs, each checked by its
    content as every upload is. `data`: what the channel adds to the event (a mail's subject, Message-ID)."""
    from .attachments import do_add_attachment

    text = clean_text(text, "text", required=not attachments, max_length=20000)
    if via not in CUSTOMER_MESSAGE_VIA:
        raise ValidationFailed(
            _("“%(value)s” is not one of: %(choices)s.") % {"value": via, "choices": ", ".join(CUSTOMER_MESSAGE_VIA)},
            field="via",
        )
    with transaction.atomic():
        c, _t = _lock(complaint, actor=None, action="customer_message", version=None)
        stored = [
            do_add_attachment(c, actor=None, now=now, content=content, filename=name, source=EvidenceSource.CUSTOMER)
            for name, content in (attachments or [])
        ]
        event: dict[str, Any] = {"text": text, "via": via, **(data or {})}
        if stored:
            event["attachments"] = [a.id for a in stored]
        _save(
            c,
            actor=None,
            now=now,
            action="customer_message",
            from_status=c.status,
            fields=[],
            data=event,
            internal=False,
        )
        if c.owner_id and c.owner.is_active:
            recipients = [c.owner]
        elif c.department_id:
            recipients = routing.superiors(c.department)
        else:
            recipients = list(User.objects.filter(is_active=True, role="supervisor"))
        notify(
            recipients,
            kind="customer_message",
            complaint=c,
            key=f"customer_message:{c.pk}:{c.version}",
            now=now,
            title=msg(gettext_noop("%(number)s: the customer wrote"), number=c.number),
            body=(text or "")[:300],
        )
        return c


def do_pause_clock(
    complaint: Complaint, *, actor: User, now: dt.datetime, reason: str, version: int | None = None
) -> Complaint:
    reason = clean_text(reason, "reason", required=True, max_length=2000)
    with transaction.atomic():
        c, _t = _lock(complaint, actor=actor, action="pause_clock", version=version)
        if c.clock_paused_at:
            raise DomainError("invalid_transition", _("The clock is already paused."))
        c.clock_paused_at = now
        paused = clocks.pause(c, now=now)
        return _save(
            c,
            actor=actor,
            now=now,
            action="pause_clock",
            from_status=c.status,
            fields=["clock_paused_at", "next_due_at"],
            data={"reason": reason, "clocks": paused},
            clock_events=(),
        )


def do_resume_clock(
    complaint: Complaint, *, actor: User, now: dt.datetime, reason: str = "", version: int | None = None
) -> Complaint:
    reason = clean_text(reason, "reason", required=False, max_length=2000)
    with transaction.atomic():
        c, _t = _lock(complaint, actor=actor, action="resume_clock", version=version)
        if not c.clock_paused_at:
            raise DomainError("invalid_transition", _("The clock is not paused."))
        paused_seconds = int((now - c.clock_paused_at).total_seconds())
        c.clock_paused_at = None
        clocks.resume(c, now=now)
        return _save(
            c,
            actor=actor,
            now=now,
            action="resume_clock",
            from_status=c.status,
            fields=["clock_paused_at"],
            data={"reason": reason, "paused_seconds": paused_seconds},
            clock_events=(),
        )


# ---------------------------------------------------------------------------------------------
# Not state changes, but on the timeline all the same


def do_reveal_contact(complaint: Complaint, *, actor: User, now: dt.datetime) -> Customer:
    """Show the customer's unmasked phone, e-mail and ID number, and log that it was shown (R-REC-8)."""
    if not actor.may_unmask:
        raise Forbidden(_("Your role may not see customers' full contact details."))
    with transaction.atomic():
        record_event(
            complaint,
            actor=actor,
            now=now,
            action="reveal_contact",
            from_status=complaint.status,
            to_status=complaint.status,
            data={"customer": complaint.customer_id},
        )
    return complaint.customer


ACTIONS = {
    "acknowledge": do_acknowledge,
    "triage": do_triage,
    "assign": do_assign,
    "start": do_start,
    "propose_solution": do_propose_solution,
    "customer_response": do_customer_response,
    "resolve": do_resolve,
    "rate": do_rate,
    "close": do_close,
    "review": do_review,
    "archive": do_archive,
    "reject": do_reject,
    "reopen": do_reopen,
    "escalate": do_escalate,
    "note": do_note,
    "pause_clock": do_pause_clock,
    "resume_clock": do_resume_clock,
}
# Merging and linking (the agent's workspace) live in their own module, which uses this one's machinery.
from .merging import do_link, do_merge, do_unlink  # noqa: E402

ACTIONS.update({"merge": do_merge, "link": do_link, "unlink": do_unlink})
# Taken by the customer alone, through the channels (no actor argument); not on the staff's action endpoint.
CUSTOMER_ONLY_ACTIONS = {"customer_message": do_customer_message}
assert set(ACTIONS) | set(CUSTOMER_ONLY_ACTIONS) == set(TRANSITIONS), "every transition has exactly one action function"
