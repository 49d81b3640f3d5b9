"""Reads of alerts, always through the reader's data scope.

An alert is shown to a user who may see at least one of its complaints, and only those complaints'
numbers are shown; a churn alert's customer is named as the complaint access rules allow (王** when the
reader may not know who it is). Each selector runs a fixed number of queries, whatever the number of
alerts and complaints.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Exists, OuterRef, QuerySet
from django.utils.translation import gettext as _

from kesu.complaints.access import customers_identified_for, mask_name, scope_q
from kesu.complaints.models import Complaint
from kesu.core.errors import NotFound

from .models import LIVE, Alert, AlertComplaint, AlertKey

LIST_LIMIT = 200


def _members_visible_to(user) -> QuerySet[AlertComplaint]:
    members = AlertComplaint.objects.all()
    q = scope_q(user)
    if q is not None:
        members = members.filter(complaint__in=Complaint.objects.filter(q).values("pk"))
    return members


def _visible_alerts(user) -> QuerySet[Alert]:
    members = _members_visible_to(user).filter(alert_id=OuterRef("pk"))
    return Alert.objects.filter(Exists(members)).select_related("customer", "acknowledged_by", "closed_by")


def _annotate(user, alerts: list[Alert]) -> list[Alert]:
    """Set `numbers` (the visible complaints, oldest first) and `key` ({"product_code": …} and so on)."""
    if not alerts:
        return alerts
    numbers: dict[int, list[str]] = {a.pk: [] for a in alerts}
    rows = (
        _members_visible_to(user)
        .filter(alert_id__in=list(numbers))
        .order_by("complaint__received_at", "complaint_id")
        .values_list("alert_id", "complaint__number")
    )
    for alert_id, number in rows:
        numbers[alert_id].append(number)
    customers = [a.customer_id for a in alerts if a.customer_id]
    identified = customers_identified_for(user, customers) if customers else set()
    for alert in alerts:
        alert.numbers = numbers[alert.pk]
        alert.key = {alert.key_field: alert_key_label(alert, identified=identified)}
    return alerts


def alert_key_label(alert: Alert, *, identified: set[int] | None) -> str:
    """The group as a reader may see it: the product code, the batch, or the customer's (masked) name."""
    if alert.key_field != AlertKey.CUSTOMER:
        return alert.key_value
    name = alert.customer.name if alert.customer_id else ""
    return name if identified is None or alert.customer_id in identified else mask_name(name)


def alerts_visible_to(user, status: str | None = "open", *, limit: int = LIST_LIMIT) -> list[Alert]:
    """The alerts `user` may see, newest first; `status` "open", "acknowledged", "closed", "live" (open or
    acknowledged) or None for all. Each has `numbers` and `key` set."""
    alerts = _visible_alerts(user)
    if status == "live":
        alerts = alerts.filter(status__in=LIVE)
    elif status:
        alerts = alerts.filter(status=status)
    return _annotate(user, list(alerts[:limit]))


def alerts_for_complaint(user, complaint: Complaint, *, live_only: bool = True) -> list[Alert]:
    """The alerts whose group holds `complaint` (open and acknowledged ones unless live_only=False)."""
    alerts = _visible_alerts(user).filter(members__complaint=complaint)
    if live_only:
        alerts = alerts.filter(status__in=LIVE)
    return _annotate(user, list(alerts.distinct()))


def alert_for(user, alert_id: int) -> Alert:
    """The alert if `user` may see at least one of its complaints; NotFound if missing OR out of scope."""
    alert = _visible_alerts(user).filter(pk=alert_id).first()
    if alert is None:
        raise NotFound(_("Alert %(id)s was not found.") % {"id": alert_id})
    return _annotate(user, [alert])[0]


def alert_complaints(user, alert: Alert) -> list[Complaint]:
    """The complaints of the alert's group that `user` may see, oldest first (the alert page's list)."""
    q = scope_q(user)
    qs = Complaint.objects.filter(alert_memberships__alert=alert)
    if q is not None:
        qs = qs.filter(q)
    return list(qs.select_related("customer", "category", "department", "owner").order_by("received_at", "id"))


def live_alert_counts(alerts: Iterable[Alert]) -> dict[str, int]:
    """How many of `alerts` there are of each kind (the dashboard panel's heading)."""
    counts = {"batch": 0, "churn": 0}
    for alert in alerts:
        counts[alert.kind] = counts.get(alert.kind, 0) + 1
    return counts
