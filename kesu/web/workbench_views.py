"""The user's own things: notifications, and the assessment ledger (考核台账)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncMonth
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from kesu.accounts.models import User
from kesu.accounts.roles import Role
from kesu.assessment.actions import DECIDERS, do_confirm_penalty, do_waive_penalty, penalties_visible_to
from kesu.assessment.models import PenaltyEntry, PenaltyStatus
from kesu.core.errors import DomainError, Forbidden, NotFound
from kesu.notifications.grouping import ESCALATION_KINDS, group
from kesu.notifications.models import EmailMode, Notification
from kesu.notifications.services import mark_read, preferences_of, set_preferences

from .forms import LedgerFilterForm, PenaltyDecisionForm
from .views import _error_page, _partial, _show_errors

NOTIFICATION_PAGE_SIZE = 30
# Who gets the escalations view of their notifications (tiers, breaches, major complaints, the GM agenda).
ESCALATION_VIEWERS = frozenset({Role.SUPERVISOR, Role.DIRECTOR, Role.MANAGER, Role.ADMIN})
LEDGER_PAGE_SIZE = 50


# ---------------------------------------------------------------------------------------------
# Notifications


def _notification_context(request) -> dict[str, Any]:
    show = request.GET.get("show") or "all"
    unread_only = show == "unread"
    qs = Notification.objects.filter(user=request.user).select_related("complaint")
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    elif show == "escalations":
        qs = qs.filter(kind__in=ESCALATION_KINDS)
    page = Paginator(qs.order_by("-created_at", "-id"), NOTIFICATION_PAGE_SIZE).get_page(request.GET.get("page"))
    return {
        "nav": "notifications",
        "page": page,
        # What happened to one complaint at once is one notice (kesu.notifications.grouping).
        "notices": group(page.object_list),
        "show": show,
        "unread_only": unread_only,
        "may_see_escalations": request.user.role in ESCALATION_VIEWERS,
        "preferences": preferences_of(request.user),
        "email_modes": EmailMode.choices,
        "query": request.GET.urlencode(),
    }


@login_required
@require_GET
def notifications(request):
    template = "web/_notifications_body.html" if _partial(request) else "web/notifications.html"
    response = render(request, template, _notification_context(request))
    patch_vary_headers(response, ("HX-Request",))
    return response


@require_GET
def notification_badge(request):
    """The navbar bell, polled by htmx; nothing to swap once the session has ended."""
    if not request.user.is_authenticated:
        return HttpResponse(status=204)
    return render(request, "web/_notification_badge.html")


@login_required
@require_POST
def notifications_read(request):
    """Mark one (`id`) or all of the user's notifications as read."""
    raw = request.POST.get("id")
    ids = None
    if raw is not None:  # one notification, or the ids of one notice ("12,13,14")
        try:
            ids = [int(part) for part in raw.split(",") if part.strip()]
        except ValueError:
            raise Http404(_("Notification not found.")) from None
    mark_read(request.user, ids, now=timezone.now())
    if request.htmx:
        return render(request, "web/_notifications_body.html", {**_notification_context(request), "oob_badge": True})
    url = reverse("web:notifications")
    query = request.GET.urlencode()
    return redirect(f"{url}?{query}" if query else url)


@login_required
@require_POST
def notification_preferences(request):
    """E-mail on or off, and each at once or as an hourly / daily digest."""
    try:
        set_preferences(
            request.user,
            email=request.POST.get("email") == "on",
            email_mode=request.POST.get("email_mode") or None,
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Your notification settings are saved."))
    if request.htmx:
        return render(request, "web/_notifications_body.html", _notification_context(request))
    return redirect("web:notifications")


@login_required
@require_GET
def notification_open(request, notification_id: int):
    """Follow a notification to its complaint, marking it read on the way."""
    mine = Notification.objects.filter(user=request.user).select_related("complaint")
    notification = mine.filter(pk=notification_id).first()
    if notification is None:
        raise Http404(_("Notification not found."))
    mark_read(request.user, [notification.pk], now=timezone.now())
    if notification.complaint_id:
        return redirect("web:complaint", number=notification.complaint.number)
    return redirect("web:notifications")


# ---------------------------------------------------------------------------------------------
# The assessment ledger


def _month_range(year: int, month: int) -> tuple[dt.datetime, dt.datetime]:
    start = dt.datetime(year, month, 1)
    end = dt.datetime(year + (month == 12), month % 12 + 1, 1)
    return timezone.make_aware(start), timezone.make_aware(end)


def _totals(qs) -> dict[str, Decimal]:
    sums = qs.aggregate(
        confirmed=Sum("amount", filter=Q(status=PenaltyStatus.CONFIRMED)),
        pending=Sum("amount", filter=Q(status=PenaltyStatus.PENDING)),
        waived=Sum("amount", filter=Q(status=PenaltyStatus.WAIVED)),
        count=Count("id"),
    )
    return {k: (v if v is not None else Decimal("0")) for k, v in sums.items()}


def _ledger_context(request, *, failed: PenaltyDecisionForm | None = None) -> dict[str, Any]:
    user = request.user
    people = [
        (u.username, str(u)) for u in User.objects.filter(penalties__isnull=False).distinct().order_by("username")
    ]
    filters = LedgerFilterForm(request.GET, people=people)
    qs = penalties_visible_to(user)
    if filters.value("status"):
        qs = qs.filter(status=filters.value("status"))
    if filters.value("person"):
        qs = qs.filter(person__username=filters.value("person"))
    if filters.value("month"):
        start, end = _month_range(*filters.value("month"))
        qs = qs.filter(created_at__gte=start, created_at__lt=end)
    page = Paginator(qs.order_by("-created_at", "-id"), LEDGER_PAGE_SIZE).get_page(request.GET.get("page"))
    rows = []
    for entry in page.object_list:
        form = None
        if entry.status == PenaltyStatus.PENDING and entry.person_id != user.pk:
            if failed is not None and failed.entry_id == entry.pk:
                form = failed
            else:
                form = PenaltyDecisionForm(entry_id=entry.pk, amount=entry.amount)
        rows.append({"entry": entry, "form": form, "failed": form is not None and form is failed})
    return {
        "nav": "ledger",
        "filters": filters,
        "page": page,
        "rows": rows,
        "totals": _totals(qs),
        "query": request.GET.urlencode(),
        "filtered": any(filters.value(name) for name in ("status", "person", "month")),
    }


def _deciders_only(request) -> HttpResponse | None:
    if request.user.role not in DECIDERS:
        return _error_page(request, Forbidden(_("Only supervisors and above see the whole ledger.")))
    return None


@login_required
@require_GET
def ledger(request):
    denied = _deciders_only(request)
    if denied:
        return denied
    template = "web/_ledger_body.html" if _partial(request) else "web/ledger.html"
    response = render(request, template, _ledger_context(request))
    patch_vary_headers(response, ("HX-Request",))
    return response


@login_required
@require_POST
def ledger_decide(request, entry_id: int):
    denied = _deciders_only(request)
    if denied:
        return denied
    form = PenaltyDecisionForm(request.POST, entry_id=entry_id)
    status = 400
    if form.is_valid():
        d = form.cleaned_data
        try:
            if d["decision"] == "confirm":
                entry = do_confirm_penalty(
                    entry_id, actor=request.user, now=timezone.now(), note=d["note"], amount=d["amount"] or None
                )
                message = _("Entry confirmed: %(amount)s CNY for %(person)s.")
            else:
                entry = do_waive_penalty(entry_id, actor=request.user, now=timezone.now(), note=d["note"])
                message = _("Entry waived: %(amount)s CNY for %(person)s.")
        except NotFound as exc:
            raise Http404(exc.message) from exc
        except DomainError as exc:
            status = exc.http_status
            _show_errors(form, exc)
        else:
            messages.success(request, message % {"amount": entry.amount, "person": entry.person or "—"})
            if request.htmx:
                return render(request, "web/_ledger_body.html", _ledger_context(request))
            url = reverse("web:ledger")
            query = request.GET.urlencode()
            return redirect(f"{url}?{query}" if query else url)
    template = "web/_ledger_body.html" if request.htmx else "web/ledger.html"
    return render(request, template, _ledger_context(request, failed=form), status=status)


def _person_page(request, person: User) -> HttpResponse:
    qs = PenaltyEntry.objects.filter(person=person)
    months = list(
        qs.annotate(month=TruncMonth("created_at"))
        .values("month")
        .annotate(
            confirmed=Sum("amount", filter=Q(status=PenaltyStatus.CONFIRMED)),
            pending=Sum("amount", filter=Q(status=PenaltyStatus.PENDING)),
            waived=Sum("amount", filter=Q(status=PenaltyStatus.WAIVED)),
            count=Count("id"),
        )
        .order_by("-month")
    )
    entries = list(qs.select_related("complaint", "decided_by").order_by("-created_at", "-id")[:200])
    context = {
        "nav": "ledger",
        "person": person,
        "own": person.pk == request.user.pk,
        "months": months,
        "entries": entries,
        "totals": _totals(qs),
    }
    return render(request, "web/ledger_person.html", context)


@login_required
@require_GET
def ledger_me(request):
    return _person_page(request, request.user)


@login_required
@require_GET
def ledger_person(request, username: str):
    if username == request.user.username:
        return redirect("web:ledger_me")
    denied = _deciders_only(request)
    if denied:
        return denied
    person = User.objects.filter(username=username).first()
    if person is None:
        raise Http404(_("No such person."))
    return _person_page(request, person)
