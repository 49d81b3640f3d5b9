"""The agent workspace: thin views that parse input, make one domain call and render the answer."""

from __future__ import annotations

import re
from types import SimpleNamespace
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Case, F, IntegerField, Value, When
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kesu.alerts.selectors import alerts_for_complaint
from kesu.api.routers.complaints import attachment_response
from kesu.cases.selectors import case_mark_for
from kesu.complaints import actions, explain
from kesu.complaints.access import (
    access_complaint,
    complaints_visible_to,
    customer_identified,
    customers_identified_for,
    mask_name,
    scope_event_data,
)
from kesu.complaints.attachments import check_upload_size, do_add_attachment
from kesu.complaints.models import Category
from kesu.complaints.selectors import ComplaintFilters, complaint_list, complaint_timeline
from kesu.complaints.states import HANDLING, Status
from kesu.core import links
from kesu.core.errors import DomainError, Forbidden, ValidationFailed
from kesu.followup import services as followup
from kesu.routing import tasks_actions
from kesu.search import selectors as search
from kesu.sla.calendar_store import missing_years
from kesu.sla.clocks import deadlines_of
from kesu.workspace.filters import FILTER_KEYS, complaint_filters

from .display import (
    PRIORITY_ORDER,
    STATUS_ORDER,
    clock_rows,
    due_tone,
    event_details,
    mark_evidence,
    rule_reason,
    rule_result,
    rules_by_code,
    suggestion_rows,
    timeline_names,
    triage_view,
)
from .forms import (
    ACTION_FORMS,
    DEFAULT_SORT,
    SORTS,
    TABS,
    AttachmentForm,
    ComplaintForm,
    InboxFilterForm,
    TaskForm,
    TaskUpdateForm,
)

PAGE_SIZE = 20
CONTACT_BLOCK = re.compile(r"contact-[a-z0-9-]{1,40}")


def _complaint_or_404(user, number: str):
    try:
        return access_complaint(user, number)
    except DomainError as exc:  # missing and out of scope look the same
        raise Http404(exc.message) from exc


def _partial(request) -> bool:
    """htmx asks for a fragment; a history restore (back button after the cache is gone) needs the page."""
    return bool(request.htmx) and not request.htmx.boosted and not request.htmx.history_restore_request


def _error_page(request, exc: DomainError) -> HttpResponse:
    return render(request, "web/error.html", {"error": exc}, status=exc.http_status)


# ---------------------------------------------------------------------------------------------
# Inbox


def _rank(field: str, order: list[str]) -> Case:
    return Case(
        *[When(**{field: value}, then=Value(i)) for i, value in enumerate(order)],
        default=Value(len(order)),
        output_field=IntegerField(),
    )


# The inbox's sort columns that may be empty; and the rank columns, computed only when sorted on.
NULLABLE_SORTS = frozenset({"level", "next_due_at"})
RANKS = {
    "status_rank": lambda: _rank("status", STATUS_ORDER),
    "priority_rank": lambda: _rank("priority", PRIORITY_ORDER),
}
INBOX_COUNT_CAP = 1000


class CappedPaginator(Paginator):
    """Counts the matches only up to `cap` + 1 (a count of a million rows is most of a page's time); the
    page shows "more than `cap`" then, and the pages up to there."""

    def __init__(self, object_list, per_page, *, cap: int):
        super().__init__(object_list, per_page)
        self.cap = cap

    @cached_property
    def count(self) -> int:
        return self.object_list.order_by().values("pk")[: self.cap + 1].count()

    @property
    def capped(self) -> bool:
        return self.count > self.cap


def inbox_queryset(user, data, *, now):
    """The inbox's form, filters, sort and ordered complaints for `data` (its query parameters): what the page
    lists, and what "all N matching" of a bulk action acts on."""
    data = data.copy()
    data.setdefault("sort", DEFAULT_SORT)
    form = InboxFilterForm(data)
    form.is_valid()
    filters: ComplaintFilters = complaint_filters(
        {name: form.value(name) for name in FILTER_KEYS} | {"tab": form.value("tab") or "all"}, now=now
    )
    sort = form.value("sort") or DEFAULT_SORT
    column = sort.lstrip("-")
    qs = complaint_list(user=user, filters=filters)
    if SORTS[column] in RANKS:
        qs = qs.annotate(**{SORTS[column]: RANKS[SORTS[column]]()})
    # Empty values sort last either way; a column that cannot be empty (or, overdue only, the due time) is
    # sorted plainly, so the database reads it in index order and stops after the page.
    nullable = column in NULLABLE_SORTS and not (column == "next_due_at" and filters.overdue)
    field = F(SORTS[column])
    if sort.startswith("-"):
        ordering = field.desc(nulls_last=True) if nullable else field.desc()
    else:
        ordering = field.asc(nulls_last=True) if nullable else field.asc()
    return form, filters, sort, qs.order_by(ordering, "-id")


@login_required
@require_GET
def inbox(request):
    # The views (default and saved, with counts), what is urgent for me, selection and paging live with the
    # workspace: kesu.web.workspace_views.
    from .workspace_views import inbox_data, inbox_extras

    user = request.user
    now = timezone.now()
    form, filters, sort, qs = inbox_queryset(user, inbox_data(request), now=now)
    tab = form.value("tab") or "all"
    size = form.value("page_size") or PAGE_SIZE
    number = form.value("page", 1)
    page = CappedPaginator(qs, size, cap=max(INBOX_COUNT_CAP, number * size)).get_page(number)
    if filters.q:  # matches marked; ranked within the page unless the user chose a column to sort by
        found = list(page.object_list)
        page.object_list = found if "sort" in request.GET else search.ranked(found, filters.q)
        for c in page.object_list:
            c.search_highlight = search.highlighted(c, filters.q)
    identified = customers_identified_for(user, [c.customer_id for c in page.object_list])
    for c in page.object_list:
        if identified is not None and c.customer_id not in identified:
            c.customer = _unidentified_customer(c.customer)  # shown only, never saved (a GET)
    partial = _partial(request)
    context = {
        "form": form,
        "tab": tab,
        "tabs": TABS,
        "sort": sort,
        "sort_column": sort.lstrip("-"),
        "page": page,
        "complaints": page.object_list,
        "filter_fields": [form[name] for name in ("status", "severity", "priority", "type", "sort")],
        "report_fields": [form[name] for name in InboxFilterForm.REPORT_FIELDS if form.value(name)],
        "nav": "inbox",
        "now": now,
        **inbox_extras(request, form=form, page=page, now=now, partial=partial),
    }
    if not partial and user.role == "admin":
        context["missing_years"] = missing_years(timezone.localdate())
    response = render(request, "web/_inbox_results.html" if partial else "web/inbox.html", context)
    patch_vary_headers(response, ("HX-Request",))
    return response


# ---------------------------------------------------------------------------------------------
# Recording a complaint


def _require_handling(user) -> None:
    if user.role not in HANDLING:
        raise Forbidden(_("Your role may not record complaints."))


@login_required
@require_http_methods(["GET", "POST"])
def complaint_new(request):
    try:
        _require_handling(request.user)
    except DomainError as exc:
        return _error_page(request, exc)
    if request.method == "GET":
        return render(request, "web/complaint_new.html", {"form": ComplaintForm(), "nav": "new"})
    form = ComplaintForm(request.POST)
    if form.is_valid():
        try:
            complaint, _created = actions.do_create(
                form.to_input(),
                actor=request.user,
                now=timezone.now(),
                idempotency_key=form.cleaned_data["idempotency_key"] or None,
            )
        except DomainError as exc:
            form.add_domain_errors(exc.fields, exc.message)
        else:
            messages.success(request, _("Complaint %(number)s recorded.") % {"number": complaint.number})
            return redirect("web:complaint", number=complaint.number)
    else:
        # The record's own checks on what the form could read, so every mistake is shown in one round.
        try:
            actions._validate_create(form.to_input(), timezone.now())
        except DomainError as exc:
            form.add_domain_errors(exc.fields, exc.message)
    return render(request, "web/complaint_new.html", {"form": form, "nav": "new"}, status=400)


# ---------------------------------------------------------------------------------------------
# One complaint


# What comes next from each state, in order of preference (a note, an escalation or a rejection are there when
# needed but are not the next step).
NEXT_STEPS: dict[str, tuple[str, ...]] = {
    "new": ("acknowledge",),
    "reopened": ("acknowledge",),
    "acknowledged": ("triage",),
    "triaged": ("assign",),
    "assigned": ("start",),
    "investigating": ("propose_solution",),
    "solution_proposed": ("customer_response", "resolve"),
    "resolved": ("rate", "close"),
    "closed": ("review", "archive"),
    "rejected": ("archive",),
}


def _action_forms(complaint, user, *, failed: Any = None) -> list[dict[str, Any]]:
    result = []
    for transition in actions.allowed_actions(complaint, user):
        if transition.action not in ACTION_FORMS:  # merge and link: on the links card (link_views)
            continue
        if failed is not None and failed.action == transition.action:
            form = failed
        else:
            form = ACTION_FORMS[transition.action](
                complaint=complaint, action=transition.action, initial={"version": complaint.version}
            )
        result.append({"transition": transition, "form": form, "open": form is failed, "primary": False})
    # The next step: the move along the lifecycle from where the complaint stands, if this user may make it.
    by_action = {item["transition"].action: item for item in result}
    primary = next((by_action[a] for a in NEXT_STEPS.get(complaint.status, ()) if a in by_action), None)
    if primary is not None:
        primary["primary"] = True
    return result


def _timeline(complaint, type_names: dict[str, str], user) -> list:
    # The intake event names the earlier complaints it repeats: only those the user may see.
    events = scope_event_data(
        user, list(complaint_timeline(complaint)), identified=customer_identified(user, complaint.customer)
    )
    names = {**type_names, **timeline_names(events)}
    for event in events:
        event.details = event_details(event.action, event.data, type_names=names)
    return events


def _unidentified_customer(customer):
    """The same record with the identity masked, for a list (a model instance, as a foreign key needs)."""
    masked = type(customer)(pk=customer.pk, name=mask_name(customer.name), kind=customer.kind, phone=customer.phone)
    return masked


def _unidentified(customer) -> SimpleNamespace:
    """A customer the user may not know (outside their data scope): masked name, no company or ids."""
    return SimpleNamespace(
        pk=customer.pk,
        name=mask_name(customer.name),
        kind=customer.kind,
        phone=customer.phone,
        email="",
        id_number="",
        external_id="",
        relationship="",
        company="",
    )


def _rule_hits(complaint) -> list[dict[str, Any]]:
    hits = [h for h in complaint.rule_hits or [] if isinstance(h, dict)]
    rules = rules_by_code(complaint.ruleset_id, [h.get("rule") for h in hits]) if hits else {}
    return [
        {
            "code": h.get("rule", ""),
            "name": rules[h.get("rule")].display_name if h.get("rule") in rules else h.get("rule", ""),
            "result": rule_result(h.get("result")),
            "reason": rule_reason(h.get("reason", ""), rules.get(h.get("rule"))),
        }
        for h in hits
    ]


def _task_rows(complaint, user, now, *, failed: TaskUpdateForm | None = None) -> list[dict[str, Any]]:
    may_cancel = tasks_actions.may_cancel_task(complaint, user)
    rows = []
    for task in tasks_actions.tasks_of(complaint):
        form = None
        if failed is not None and failed.task.pk == task.pk:
            form = failed
        elif not complaint.is_read_only and task.status != "cancelled" and tasks_actions.may_update_task(task, user):
            form = TaskUpdateForm(task=task, may_cancel=may_cancel)
        rows.append(
            {
                "task": task,
                "form": form,
                "open": form is not None and form is failed,
                "tone": due_tone(task.due_at, now, started=task.created_at) if task.is_open else "",
            }
        )
    return rows


def _rating_url(complaint) -> str:
    """The signed link the customer rates the handling with (no login), as the API gives it."""
    if complaint.status != Status.RESOLVED:
        raise DomainError("invalid_transition", _("Satisfaction is asked once the complaint is resolved."))
    if complaint.satisfaction is not None:
        raise DomainError("conflict", _("The customer's satisfaction is already recorded."))
    return links.absolute(reverse("web:rate", args=[followup.rating_token(complaint)]))


def _complaint_context(
    request,
    complaint,
    *,
    failed=None,
    action_error=None,
    upload_form=None,
    revealed=None,
    task_form=None,
    failed_task=None,
    rating_link=None,
):
    user = request.user
    now = timezone.now()
    allowed = _action_forms(complaint, user, failed=failed)
    type_names = {c.code: c.display_name for c in Category.objects.only("code", "name", "name_en")}
    triage = triage_view(complaint.suggestion, type_names)
    if task_form is None and tasks_actions.may_add_tasks(complaint, user):
        task_form = TaskForm()
    return {
        "complaint": complaint,
        "customer": complaint.customer
        if customer_identified(user, complaint.customer)
        else _unidentified(complaint.customer),
        "revealed": revealed,
        "actions": allowed,
        "why_nothing": "" if allowed else explain.why_nothing(complaint, user),
        "action_error": action_error,
        "failed_shown": failed is not None and any(a["form"] is failed for a in allowed),
        "collaborators": list(complaint.collaborators.all()),
        "attachments": list(complaint.attachments.select_related("uploaded_by", "merged_from")),
        "events": _timeline(complaint, type_names, user),
        "clocks": clock_rows(deadlines_of(complaint), now),
        "rule_hits": _rule_hits(complaint),
        "suggestion_rows": suggestion_rows(complaint, type_names),
        "triage": triage,
        "description_marked": mark_evidence(complaint.description, triage["evidence"]),
        "linked": list(
            complaints_visible_to(user)
            .filter(linked=complaint)
            .select_related("category")
            .order_by("-received_at", "-id")
        ),
        "tasks": _task_rows(complaint, user, now, failed=failed_task),
        "task_form": task_form,
        "watchers": list(complaint.watchers.select_related("user", "added_by").order_by("created_at", "id")),
        "rating_link": rating_link,
        "offer_rating_link": complaint.status == Status.RESOLVED and complaint.satisfaction is None,
        "upload_form": upload_form or AttachmentForm(),
        "may_upload": user.role in HANDLING and not complaint.is_read_only,
        "now": now,
        "complaint_alerts": alerts_for_complaint(user, complaint),
        "case_mark": case_mark_for(user, complaint),
    }


def _render_complaint(request, complaint, *, status: int = 200, **extra) -> HttpResponse:
    context = _complaint_context(request, complaint, **extra)
    template = "web/_complaint_body.html" if _partial(request) else "web/complaint.html"
    response = render(request, template, context, status=status)
    patch_vary_headers(response, ("HX-Request",))
    return response


@login_required
@require_GET
def complaint_detail(request, number: str):
    return _render_complaint(request, _complaint_or_404(request.user, number))


@login_required
@require_POST
def complaint_action(request, number: str, action: str):
    complaint = _complaint_or_404(request.user, number)
    form_class = ACTION_FORMS.get(action)
    if form_class is None:
        raise Http404(_("Unknown action “%(action)s”.") % {"action": action})
    form = form_class(request.POST, complaint=complaint, action=action)
    status, error = 400, None
    if form.is_valid():
        try:
            actions.ACTIONS[action](
                complaint,
                actor=request.user,
                now=timezone.now(),
                version=form.cleaned_data.get("version"),
                **form.action_kwargs(),
            )
        except DomainError as exc:
            status, error = exc.http_status, exc
            _show_errors(form, exc)
        else:
            messages.success(request, _("Done: %(action)s.") % {"action": actions.TRANSITIONS[action].label})
            if request.htmx:
                return _render_complaint(request, _complaint_or_404(request.user, number))
            return redirect("web:complaint", number=number)
    # Nothing changed. Show the complaint as it is now, with the form as it was typed.
    current = _complaint_or_404(request.user, number)
    if error is not None and error.code == "version_conflict":
        # The page now shows the current version; sending the form again is a deliberate choice.
        data = request.POST.copy()
        data["version"] = str(current.version)
        form = form_class(data, complaint=current, action=action)
        form.is_valid()
        form.add_error(None, error.message)
    return _render_complaint(
        request,
        current,
        status=status,
        failed=form,
        action_error={"label": actions.TRANSITIONS[action].label, "message": error.message if error else ""},
    )


def _show_errors(form, exc: DomainError) -> None:
    """Each message next to its field; those of fields the form lacks (and the summary) above it."""
    shown = False
    for name, msgs in exc.fields.items():
        target = name if name in form.fields and name != "version" else None
        for msg in msgs:
            form.add_error(target, msg)
            shown = True
    if not shown:
        form.add_error(None, exc.message)


@login_required
@require_POST
def reveal_contact(request, number: str):
    complaint = _complaint_or_404(request.user, number)
    # Which block asked (a list shows one per customer) and whether it is the one-line kind.
    block = request.POST.get("block", "")
    shown = {
        "complaint": complaint,
        "contact_id": block if CONTACT_BLOCK.fullmatch(block) else "",
        "compact": request.POST.get("compact") == "1",
    }
    try:
        customer = actions.do_reveal_contact(complaint, actor=request.user, now=timezone.now())
    except DomainError as exc:
        if request.htmx:
            return render(
                request, "web/_contact.html", {**shown, "customer": complaint.customer, "error": exc}, status=403
            )
        return _error_page(request, exc)
    if request.htmx:
        return render(request, "web/_contact.html", {**shown, "customer": customer, "revealed": True})
    return _render_complaint(request, complaint, revealed=True)


@login_required
@require_POST
def attachment_upload(request, number: str):
    complaint = _complaint_or_404(request.user, number)
    form = AttachmentForm(request.POST, request.FILES)
    status = 400
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            if upload is None:
                raise ValidationFailed(_("Choose a file to upload."), field="file")
            check_upload_size(upload.size)
            attachment = do_add_attachment(
                complaint,
                actor=request.user,
                now=timezone.now(),
                content=upload.read(),
                filename=upload.name or "file",
                source=form.cleaned_data["source"],
                captured_at=form.cleaned_data["captured_at"],
                description=form.cleaned_data["description"],
                declared_type=upload.content_type or "",
            )
        except DomainError as exc:
            status = exc.http_status
            _show_errors(form, exc)
        else:
            messages.success(request, _("Evidence “%(name)s” added.") % {"name": attachment.original_name})
            if request.htmx:
                return _render_complaint(request, _complaint_or_404(request.user, number))
            return redirect(reverse("web:complaint", kwargs={"number": number}) + "#attachments")
    return _render_complaint(request, _complaint_or_404(request.user, number), status=status, upload_form=form)


@login_required
@require_GET
def attachment_download(request, number: str, attachment_id: int):
    complaint = _complaint_or_404(request.user, number)
    attachment = complaint.attachments.filter(id=attachment_id).first()
    if attachment is None:
        raise Http404(_("Attachment not found."))
    return attachment_response(attachment)


# ---------------------------------------------------------------------------------------------
# Tasks on a complaint, and the customer's rating link


def _task_done(request, number: str, message: str) -> HttpResponse:
    messages.success(request, message)
    if request.htmx:
        return _render_complaint(request, _complaint_or_404(request.user, number))
    return redirect(reverse("web:complaint", kwargs={"number": number}) + "#tasks")


@login_required
@require_POST
def task_add(request, number: str):
    complaint = _complaint_or_404(request.user, number)
    form = TaskForm(request.POST)
    status = 400
    if form.is_valid():
        try:
            task = tasks_actions.do_create_task(
                complaint, actor=request.user, now=timezone.now(), **form.action_kwargs()
            )
        except DomainError as exc:
            status = exc.http_status
            _show_errors(form, exc)
        else:
            return _task_done(request, number, _("Task “%(title)s” added.") % {"title": task.title})
    return _render_complaint(request, _complaint_or_404(request.user, number), status=status, task_form=form)


@login_required
@require_POST
def task_update(request, number: str, task_id: int):
    complaint = _complaint_or_404(request.user, number)
    task = tasks_actions.tasks_of(complaint).filter(pk=task_id).first()
    if task is None:
        raise Http404(_("Task not found."))
    may_cancel = tasks_actions.may_cancel_task(complaint, request.user)
    form = TaskUpdateForm(request.POST, task=task, may_cancel=may_cancel)
    status = 400
    if form.is_valid():
        try:
            task = tasks_actions.do_update_task(
                complaint, task.pk, actor=request.user, now=timezone.now(), **form.action_kwargs()
            )
        except DomainError as exc:
            status = exc.http_status
            _show_errors(form, exc)
        else:
            return _task_done(request, number, _("Task “%(title)s” updated.") % {"title": task.title})
    return _render_complaint(request, _complaint_or_404(request.user, number), status=status, failed_task=form)


@login_required
@require_POST
def rating_link(request, number: str):
    complaint = _complaint_or_404(request.user, number)
    try:
        url = _rating_url(complaint)
    except DomainError as exc:
        if request.htmx:
            return render(
                request, "web/_rating_link.html", {"complaint": complaint, "error": exc}, status=exc.http_status
            )
        return _error_page(request, exc)
    if request.htmx:
        return render(request, "web/_rating_link.html", {"complaint": complaint, "rating_link": url})
    return _render_complaint(request, complaint, rating_link=url)
