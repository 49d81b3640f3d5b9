"""Raising, acknowledging and closing alerts (R-REP-3, seed 002 预警).

`on_intake` runs inside the intake's transaction, after the complaint is saved: a batch alert opens when
complaints about one product code, or one batch, reach the playbook's threshold within its window
(`batch_alert_threshold` 3 within `batch_alert_window_hours` 72), a churn alert when one customer reaches
`churn_alert_threshold` 3 within `churn_alert_window_days` 90. A live alert (open or acknowledged)
collects the group's later complaints; a closed one does not, and the group's next burst — complaints
received after it closed — opens a new alert. The database allows one live alert per group
(`alert_one_live_per_group`); on PostgreSQL the intakes of one group also take a transaction-level
advisory lock, so two concurrent intakes count each other's complaints instead of both falling short.

Cost per intake: the playbook (none: the intake passes its cached rules), the group's live (or recently closed)
alerts and one conditional count over the complaints of the window — indexed on (product_code, received_at),
(batch_no, received_at) and (customer, received_at). Only an opening reads the group's complaints. A customer the
intake created has only this complaint: no churn group to look at (unless its threshold is 1); an intake without
product code and batch of a new customer costs nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from dataclasses import dataclass
from functools import partial

from django.db import IntegrityError, connection, transaction
from django.db.models import Count, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from kesu.accounts.models import User
from kesu.accounts.roles import Role
from kesu.complaints.events import record_event, record_events
from kesu.complaints.models import Complaint
from kesu.core.errors import DomainError, Forbidden
from kesu.core.text import clean_text
from kesu.notifications.services import notify
from kesu.notifications.text import in_each_language, msg
from kesu.rules.playbooks import active_playbook

from .models import LIVE, Alert, AlertComplaint, AlertKey, AlertKind, AlertStatus
from .selectors import alert_for

logger = logging.getLogger(__name__)

# Who may acknowledge or close an alert (among those who may see it).
ALERT_ROLES = frozenset({Role.QUALITY, Role.SUPERVISOR, Role.DIRECTOR, Role.MANAGER, Role.ADMIN})

# The complaints an opening gathers are those of its window; a group larger than this is cut to the newest.
MAX_GATHERED = 500


@dataclass(frozen=True)
class Group:
    kind: str
    field: str
    value: str
    threshold: int
    window: dt.timedelta

    @property
    def q(self) -> Q:
        if self.field == AlertKey.CUSTOMER:
            return Q(customer_id=int(self.value))
        return Q(**{self.field: self.value})

    @property
    def alert_q(self) -> Q:
        return Q(kind=self.kind, key_field=self.field, key_value=self.value)

    @property
    def lock_id(self) -> int:
        digest = hashlib.blake2b(f"alert:{self.kind}:{self.field}:{self.value}".encode(), digest_size=8).digest()
        return int.from_bytes(digest, "big", signed=True)


@dataclass(frozen=True)
class Rules:
    batch_threshold: int
    batch_window: dt.timedelta
    churn_threshold: int
    churn_window: dt.timedelta
    notify_roles: tuple[str, ...]
    notify_departments: tuple[str, ...]
    churn_notify_roles: tuple[str, ...]


def rules_from(playbook) -> Rules:
    def setting(key, default):
        return playbook.setting(key, default) if playbook is not None else default

    return Rules(
        batch_threshold=int(setting("batch_alert_threshold", 3)),
        batch_window=dt.timedelta(hours=int(setting("batch_alert_window_hours", 72))),
        churn_threshold=int(setting("churn_alert_threshold", 3)),
        churn_window=dt.timedelta(days=int(setting("churn_alert_window_days", 90))),
        notify_roles=tuple(setting("alert_notify_roles", [Role.QUALITY, Role.SUPERVISOR])),
        notify_departments=tuple(setting("alert_notify_departments", ["QA"])),
        churn_notify_roles=tuple(setting("churn_alert_notify_roles", [Role.SUPERVISOR])),
    )


def groups_of(complaint: Complaint, rules: Rules) -> list[Group]:
    """The groups this complaint belongs to whose rule is on (a threshold of 0 turns a rule off)."""
    groups = []
    if rules.batch_threshold > 0:
        for field in (AlertKey.PRODUCT_CODE, AlertKey.BATCH_NO):
            value = getattr(complaint, field)
            if value:
                groups.append(Group(AlertKind.BATCH, field, value, rules.batch_threshold, rules.batch_window))
    if rules.churn_threshold > 0 and complaint.customer_id:
        value = str(complaint.customer_id)
        groups.append(Group(AlertKind.CHURN, AlertKey.CUSTOMER, value, rules.churn_threshold, rules.churn_window))
    return groups


def _lock(groups: list[Group]) -> None:
    """Serialise the intakes of these groups until commit (PostgreSQL; SQLite has one writer anyway).
    Sorted, so that two intakes sharing two groups take their locks in the same order."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(k) FROM unnest(%s::bigint[]) AS k", [sorted({g.lock_id for g in groups})]
        )


def on_intake(
    complaint: Complaint, *, now: dt.datetime, rules: Rules | None = None, new_customer: bool = False
) -> list[Alert]:
    """Open or join the alerts of the new complaint's groups; returns the alerts it is now in.

    `rules`: rules_from(the active playbook) when the caller read it already. `new_customer`: the customer was
    created by this intake, so this is their only complaint: no churn alert of theirs is live, and their count
    (1) reaches a churn threshold of 1 only."""
    if rules is None:
        rules = rules_from(active_playbook())
    groups = groups_of(complaint, rules)
    if new_customer and rules.churn_threshold > 1:
        groups = [g for g in groups if g.field != AlertKey.CUSTOMER]
    if not groups:
        return []
    _lock(groups)
    received = complaint.received_at
    any_group = Q()
    for g in groups:
        any_group |= g.alert_q
    live: dict[tuple[str, str], Alert] = {}
    closed_at: dict[tuple[str, str], dt.datetime] = {}
    longest = max(g.window for g in groups)
    for alert in Alert.objects.filter(any_group).filter(Q(status__in=LIVE) | Q(closed_at__gte=received - longest)):
        k = (alert.key_field, alert.key_value)
        if alert.is_live:
            live[k] = alert
        elif alert.closed_at and (k not in closed_at or alert.closed_at > closed_at[k]):
            closed_at[k] = alert.closed_at

    joined = [g for g in groups if (g.field, g.value) in live]
    counted = [g for g in groups if (g.field, g.value) not in live]
    starts = {g: max(received - g.window, closed_at.get((g.field, g.value), received - g.window)) for g in counted}
    reached: list[tuple[Group, dt.datetime]] = []
    if counted:
        window = Q()
        for g in counted:
            window |= g.q & Q(received_at__gte=starts[g])
        counts = Complaint.objects.filter(window, received_at__lte=received).aggregate(
            **{
                f"n{i}": Count("pk", filter=g.q & Q(received_at__gte=starts[g], received_at__lte=received))
                for i, g in enumerate(counted)
            }
        )
        reached = [(g, starts[g]) for i, g in enumerate(counted) if counts[f"n{i}"] >= g.threshold]

    result = [_join(live[(g.field, g.value)], complaint, now=now) for g in joined]
    for g, since in reached:
        result.append(_open(g, complaint, since=since, now=now))
    return result


def _open(group: Group, complaint: Complaint, *, since: dt.datetime, now: dt.datetime) -> Alert:
    try:
        with transaction.atomic():
            alert = Alert.objects.create(
                kind=group.kind,
                key_field=group.field,
                key_value=group.value,
                customer_id=complaint.customer_id if group.field == AlertKey.CUSTOMER else None,
                threshold=group.threshold,
                window_hours=int(group.window.total_seconds() // 3600),
                opened_at=now,
                last_complaint_at=now,
            )
    except IntegrityError:
        # Another intake opened it between our look and our insert: this complaint joins that alert.
        existing = Alert.objects.filter(group.alert_q, status__in=LIVE).first()
        if existing is None:
            raise
        return _join(existing, complaint, now=now)
    members = list(
        Complaint.objects.filter(group.q, received_at__gte=since, received_at__lte=complaint.received_at)
        .select_related("customer")
        .order_by("-received_at", "-id")[:MAX_GATHERED]
    )
    if complaint.pk not in {c.pk for c in members}:
        members.insert(0, complaint)
    members.reverse()
    AlertComplaint.objects.bulk_create(
        [AlertComplaint(alert=alert, complaint=c, joined_at=now) for c in members], ignore_conflicts=True
    )
    numbers = [c.number for c in members]
    data = {**_event_key(alert, complaint), "complaints": numbers, "count": len(numbers)}
    # A timeline is written forwards: a complaint already changed after `now` (only when intake runs with a
    # past `now`, as the demo's generator does) is in the alert but gets no row in its past.
    record_events(
        [
            {"complaint": c, "action": "alert_opened", "from_status": c.status, "to_status": c.status, "data": data}
            for c in members
            if c.pk == complaint.pk or c.updated_at <= now
        ],
        now=now,
    )
    transaction.on_commit(partial(notify_opened, alert.pk, now=now), robust=True)
    return alert


def _join(alert: Alert, complaint: Complaint, *, now: dt.datetime) -> Alert:
    member = AlertComplaint(alert=alert, complaint=complaint, joined_at=now)
    AlertComplaint.objects.bulk_create([member], ignore_conflicts=True)
    Alert.objects.filter(pk=alert.pk).update(last_complaint_at=now)
    record_event(
        complaint,
        actor=None,
        now=now,
        action="alert_joined",
        from_status=complaint.status,
        to_status=complaint.status,
        data=_event_key(alert, complaint),
    )
    return alert


def _event_key(alert: Alert, complaint: Complaint) -> dict:
    """What a timeline row says about the alert. A customer's name under "customer" is masked for readers
    who may not know who it is (kesu.complaints.access.scope_event_data)."""
    data: dict = {"alert": alert.pk, "kind": alert.kind, "key_field": alert.key_field}
    if alert.key_field == AlertKey.CUSTOMER:
        data["customer"] = complaint.customer.name
    else:
        data[alert.key_field] = alert.key_value
    return data


def recipients(alert: Alert, rules: Rules) -> list[User]:
    """Batch: the quality roles and department(s) and the supervisors (playbook `alert_notify_roles`,
    `alert_notify_departments`). Churn: the supervisors (`churn_alert_notify_roles`) and whoever owns the
    customer's complaints in the group."""
    if alert.kind == AlertKind.CHURN:
        owners = User.objects.filter(is_active=True, owned_complaints__alert_memberships__alert=alert)
        people = list(User.objects.filter(is_active=True, role__in=rules.churn_notify_roles)) + list(owners)
    else:
        people = list(
            User.objects.filter(is_active=True)
            .filter(Q(role__in=rules.notify_roles) | Q(departments__code__in=rules.notify_departments))
            .distinct()
        )
    return list({u.pk: u for u in people}.values())


def notify_opened(alert_id: int, *, now: dt.datetime) -> None:
    """After the intake commits: tell the alert's recipients. No complaint numbers in the message: a
    recipient sees on the alert page those of the group's complaints their data scope allows."""
    alert = Alert.objects.select_related("customer").filter(pk=alert_id).first()
    if alert is None:
        return
    count = alert.members.count()
    if alert.kind == AlertKind.CHURN:
        title = msg(
            gettext_noop("Churn warning: a customer has complained %(count)s times within %(days)s days"),
            count=count,
            days=alert.window_days,
        )
    else:
        title = msg(
            gettext_noop("Batch problem: %(count)s complaints about %(field)s %(value)s within %(hours)s hours"),
            count=count,
            field=in_each_language(AlertKey(alert.key_field).label),
            value=alert.key_value,
            hours=alert.window_hours,
        )
    notify(
        recipients(alert, rules_from(active_playbook())),
        kind=f"alert_{alert.kind}",
        title=title,
        body=msg(gettext_noop("Early warning no. %(id)s: see the early warning page."), id=alert.pk),
        key=f"alert:{alert.pk}",
        now=now,
    )


def _locked(actor: User, alert_id: int) -> Alert:
    alert_for(actor, alert_id)  # NotFound when out of the actor's scope
    if actor.role not in ALERT_ROLES:
        raise Forbidden(_("Your role may not handle early warnings."))
    return Alert.objects.select_for_update().get(pk=alert_id)


def _timeline(alert: Alert, *, actor: User, now: dt.datetime, action: str, data: dict) -> None:
    members = list(Complaint.objects.filter(alert_memberships__alert=alert).only("id", "status"))
    record_events(
        [
            {
                "complaint": c,
                "action": action,
                "from_status": c.status,
                "to_status": c.status,
                "data": {"alert": alert.pk, "kind": alert.kind, **data},
            }
            for c in members
        ],
        now=now,
        actor=actor,
    )


def do_acknowledge_alert(alert_id: int, *, actor: User, now: dt.datetime) -> Alert:
    """Someone has taken the alert up. It keeps collecting the group's complaints. Acknowledging an
    acknowledged alert changes nothing; a closed one is a conflict."""
    with transaction.atomic():
        alert = _locked(actor, alert_id)
        if alert.status == AlertStatus.CLOSED:
            raise DomainError("conflict", _("This alert is closed."))
        if alert.status == AlertStatus.OPEN:
            alert.status = AlertStatus.ACKNOWLEDGED
            alert.acknowledged_by = actor
            alert.acknowledged_at = now
            alert.save(update_fields=["status", "acknowledged_by", "acknowledged_at"])
            _timeline(alert, actor=actor, now=now, action="alert_acknowledged", data={})
    return alert_for(actor, alert_id)


def do_close_alert(alert_id: int, *, actor: User, now: dt.datetime, reason: str) -> Alert:
    """The problem is dealt with (or was none). A closed alert collects nothing more; the group's next
    burst opens a new one."""
    reason = clean_text(reason, field="reason", required=True, max_length=2000)
    with transaction.atomic():
        alert = _locked(actor, alert_id)
        if alert.status == AlertStatus.CLOSED:
            raise DomainError("conflict", _("This alert is already closed."))
        alert.status = AlertStatus.CLOSED
        alert.closed_by = actor
        alert.closed_at = now
        alert.close_reason = reason
        alert.save(update_fields=["status", "closed_by", "closed_at", "close_reason"])
        _timeline(alert, actor=actor, now=now, action="alert_closed", data={"reason": reason})
    return alert_for(actor, alert_id)
