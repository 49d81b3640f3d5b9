"""The agent's workspace in the inbox: default and saved views with counts, what is urgent for me now, paging
with a page size and a jump, bulk actions with one result per complaint (long runs polled while the worker
goes), and the Excel list of a selection."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from kesu.accounts.models import Department, User
from kesu.complaints.access import complaints_visible_to
from kesu.complaints.classification import Priority
from kesu.complaints.selectors import ComplaintFilters, complaint_list
from kesu.complaints.states import HANDLING
from kesu.core.errors import DomainError
from kesu.workspace import bulk, exports, saved
from kesu.workspace.bulk import BULK_ACTIONS
from kesu.workspace.filters import DUE_SOON_HOURS, FILTER_KEYS, LANDING_VIEW, normalised

from . import display
from .forms import PAGE_SIZES

URGENT_LIMIT = 5
STALE_AFTER = dt.timedelta(days=1)  # overdue longer than this: shown calmly with its age, not as an alarm
PAGE_WINDOW = 2  # page links either side of the current one


# ---------------------------------------------------------------------------------------------
# The inbox's parts (kesu.web.views.inbox calls these)


def inbox_data(request) -> QueryDict:
    """The query parameters the inbox lists by: the landing view (我待办) when the address names no filter.
    They replace request.GET, so the sort headers and page links built from it stay within that view."""
    data = landing_or(request.GET)
    data._mutable = False
    request.GET = data
    return data


def landing_or(query: QueryDict) -> QueryDict:
    data = query.copy()
    if not any(query.get(key) for key in FILTER_KEYS):
        for key, value in LANDING_VIEW.filters.items():
            data[key] = "1" if value is True else str(value)
    return data


def _query(filters: dict[str, Any]) -> str:
    return urlencode({k: ("1" if v is True else v) for k, v in filters.items() if v not in (None, "", False)})


def _current_filters(form) -> dict[str, Any]:
    values = {name: form.value(name) for name in FILTER_KEYS}
    values["tab"] = values.get("tab") or "all"
    return {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in values.items()}


def _due(c, now: dt.datetime) -> dict[str, str] | None:
    """How the due column reads: overdue for a while → quiet grey with its age; overdue just now → red;
    coming within hours (or the last quarter of its time) → amber; otherwise plain."""
    due = c.next_due_at
    if due is None:
        return None
    tone = display.due_tone(due, now, started=display.nearest_started(c))
    if tone == "overdue" and now - due > STALE_AFTER:
        tone = "stale"
    elif tone == "ok" and due - now < dt.timedelta(hours=DUE_SOON_HOURS):
        tone = "soon"  # what the 即将超时 view lists
    return {"tone": tone, "words": display.due_words(due, now), "at": display.format_datetime(due)}


def _page_links(page) -> list[int | None]:
    """1 … 4 5 [6] 7 8 … 20: the first, the last and a window round the current page; None is a gap."""
    last = page.paginator.num_pages
    wanted = {1, last, *range(page.number - PAGE_WINDOW, page.number + PAGE_WINDOW + 1)}
    links: list[int | None] = []
    for n in sorted(n for n in wanted if 1 <= n <= last):
        if links and links[-1] is not None and n - links[-1] > 1:
            links.append(None)
        links.append(n)
    return links


def _urgent_for(user, now: dt.datetime) -> list:
    """Mine (owned or a task I hold), open, whose nearest deadline comes within hours or has just passed."""
    qs = complaint_list(user=user, filters=ComplaintFilters(mine=True, open_only=True))
    until = now + dt.timedelta(hours=DUE_SOON_HOURS)
    found = list(
        qs.filter(next_due_at__lt=until, next_due_at__gte=now - STALE_AFTER).order_by("next_due_at")[:URGENT_LIMIT]
    )
    for c in found:
        c.due_view = _due(c, now)
    return found


def _owner_choices() -> list[dict[str, Any]]:
    people = User.objects.filter(is_active=True, role__in=list(HANDLING)).prefetch_related("departments")
    return [
        {
            "username": u.username,
            "label": f"{u} · {u.get_role_display()}",
            "departments": [d.code for d in u.departments.all()],
        }
        for u in people.order_by("username")
    ]


def inbox_extras(request, *, form, page, now: dt.datetime, partial: bool) -> dict[str, Any]:
    user = request.user
    for c in page.object_list:
        c.due_view = _due(c, now)
        c.is_mine = c.owner_id == user.pk
    current = _current_filters(form)
    keep = {k: ("1" if v is True else v) for k, v in current.items() if v not in (None, "", False)}
    extras: dict[str, Any] = {
        "page_links": _page_links(page) if page.paginator.num_pages > 1 else [],
        "page_sizes": PAGE_SIZES,
        "page_size": page.paginator.per_page,
        "keep_params": list(keep.items()),
        "filters_query": urlencode(keep),
    }
    if partial:
        return extras
    defaults, saved_views = saved.counted_views(user, now=now)
    shown = normalised(current)
    active = None
    for view in [*defaults, *saved_views]:
        view["query"] = _query(view["filters"])
        if active is None and normalised(view["filters"]) == shown:
            active = view["key"]
    extras.update(
        {
            "default_views": defaults,
            "saved_views": saved_views,
            "active_view": active,
            "urgent": _urgent_for(user, now),
            "due_soon_hours": DUE_SOON_HOURS,
            "bulk_actions": list(BULK_ACTIONS.values()),
            "bulk_departments": Department.objects.filter(active=True).order_by("code"),
            "bulk_owners": _owner_choices(),
            "priorities": Priority.choices,
            "share_departments": Department.objects.filter(id__in=user.department_ids(), active=True).order_by("code"),
        }
    )
    return extras


# ---------------------------------------------------------------------------------------------
# Bulk actions

BODY_FIELDS = ("department", "owner", "reason", "priority", "text")


def _selection(request, *, now: dt.datetime) -> list[str]:
    """The complaints chosen: the ticked numbers, or every complaint the inbox's filters match."""
    if request.POST.get("all_matching") == "1":
        from .views import inbox_queryset

        query = landing_or(QueryDict(request.POST.get("query", "").lstrip("?")))
        _form, _filters, _sort, qs = inbox_queryset(request.user, query, now=now)
        return list(qs.values_list("number", flat=True)[: bulk.MAX_NUMBERS + 1])
    return [n for n in request.POST.getlist("numbers") if n]


def _titles(user, numbers: list[str]) -> dict[str, str]:
    return dict(complaints_visible_to(user).filter(number__in=numbers).values_list("number", "title"))


def _results_context(user, results: list[dict], action: str) -> dict[str, Any]:
    titles = _titles(user, [r["number"] for r in results])
    rows = [{**r, "title": titles.get(r["number"], "")} for r in results]
    refused = [r for r in rows if r["status"] != 200]
    return {
        "rows": rows,
        "action": BULK_ACTIONS[action],
        "succeeded": len(rows) - len(refused),
        "refused": len(refused),
        "status_labels": {
            200: _("Done"),
            403: _("Not allowed"),
            404: _("Not found"),
            409: _("Refused"),
        },
    }


def _render_bulk(request, template: str, context: dict[str, Any], *, status: int = 200, done: bool = False):
    if request.htmx:
        response = render(request, f"web/workspace/_{template}.html", context, status=status)
        if done:
            response["HX-Trigger"] = "kesu:bulk-done"
        return response
    return render(request, "web/workspace/bulk_page.html", {**context, "part": template}, status=status)


@login_required
@require_POST
def bulk_apply(request):
    now = timezone.now()
    action = request.POST.get("action", "")
    fields = BULK_ACTIONS[action].fields if action in BULK_ACTIONS else ()
    body = {k: request.POST.get(k, "").strip() for k in fields if request.POST.get(k, "").strip()}
    try:
        numbers, body, _versions = bulk.check_request(_selection(request, now=now), action, body)
    except DomainError as exc:
        return _render_bulk(request, "bulk_error", {"error": exc}, status=400)
    if len(numbers) > bulk.WORKER_THRESHOLD:
        run = bulk.start_run(request.user, numbers, action, body, now=now)
        return _render_bulk(request, "bulk_run", {"run": run, "action": BULK_ACTIONS[action]})
    results = bulk.run_now(request.user, numbers, action, body, now=now)
    return _render_bulk(request, "bulk_results", _results_context(request.user, results, action), done=True)


@login_required
@require_GET
def bulk_run(request, run_id: int):
    try:
        run = bulk.run_for(request.user, run_id)
    except DomainError as exc:
        return _render_bulk(request, "bulk_error", {"error": exc}, status=404)
    context: dict[str, Any] = {"run": run, "action": BULK_ACTIONS.get(run.action)}
    if run.finished:
        context.update(_results_context(request.user, run.results, run.action))
        return _render_bulk(request, "bulk_results", context, done=True)
    return _render_bulk(request, "bulk_run", context)


@login_required
@require_POST
def bulk_export(request):
    numbers = _selection(request, now=timezone.now())[: bulk.MAX_NUMBERS]
    if not numbers:
        messages.error(request, _("Select the complaints to export first."))
        return redirect(reverse("web:inbox"))
    data, _count = exports.complaints_xlsx(request.user, numbers)
    response = HttpResponse(data, content_type=exports.XLSX)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="complaints-{stamp}.xlsx"'
    return response


# ---------------------------------------------------------------------------------------------
# Saved views


def _filters_from_query(query: str) -> dict[str, Any]:
    data = QueryDict(query)
    return {key: data.get(key) for key in FILTER_KEYS if data.get(key)}


@login_required
@require_POST
def view_save(request):
    query = request.POST.get("query", "")
    try:
        view = saved.do_save_view(
            user=request.user,
            name=request.POST.get("name", ""),
            filters=_filters_from_query(query),
            shared=request.POST.get("shared") in ("1", "on", "true"),
            department=request.POST.get("department") or None,
            now=timezone.now(),
        )
    except DomainError as exc:
        problems = "; ".join(m for msgs in exc.fields.values() for m in msgs) or exc.message
        messages.error(request, _("The view was not saved: %(problems)s") % {"problems": problems})
        return redirect(f"{reverse('web:inbox')}?{query}")
    messages.success(request, _("Saved the view “%(name)s”.") % {"name": view.name})
    return redirect(f"{reverse('web:inbox')}?{_query(view.filters)}")


@login_required
@require_POST
def view_delete(request, view_id: int):
    try:
        view = saved.view_for(request.user, view_id)
        name = view.name
        saved.do_delete_view(user=request.user, view_id=view_id)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Deleted the view “%(name)s”.") % {"name": name})
    return redirect(reverse("web:inbox"))


urlpatterns = [
    path("complaints/bulk", bulk_apply, name="bulk"),
    path("complaints/bulk/export", bulk_export, name="bulk_export"),
    path("complaints/bulk/runs/<int:run_id>", bulk_run, name="bulk_run"),
    path("views/save", view_save, name="view_save"),
    path("views/<int:view_id>/delete", view_delete, name="view_delete"),
]
