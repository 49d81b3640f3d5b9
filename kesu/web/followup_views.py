"""After the handling: the revisits worklist and campaigns, the GM meeting agenda, and the customer's
rating page (a signed link, no login)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kesu.accounts.models import User
from kesu.accounts.roles import Role
from kesu.channels.public.selectors import customer_summary
from kesu.complaints import actions
from kesu.complaints.access import complaints_visible_to
from kesu.core.errors import DomainError, Forbidden, NotFound
from kesu.documents import letters
from kesu.followup import services as followup
from kesu.followup.models import AgendaItem, AgendaStatus, Campaign, Revisit, RevisitStatus

from .display import SATISFACTION, due_tone
from .forms import AgendaDecisionForm, CampaignForm, CustomerRatingForm, RevisitFilterForm, RevisitForm
from .views import _error_page, _partial, _show_errors

# Who sees the general manager's meeting agenda; followup.MEETING_ROLES record its decisions.
GM_MEETING_VIEWERS = frozenset({Role.DIRECTOR, Role.MANAGER, Role.ADMIN})
REVISIT_PAGE_SIZE = 50


# ---------------------------------------------------------------------------------------------
# Revisits (回访)


def _revisit_context(request, *, failed: RevisitForm | None = None, campaign_form: CampaignForm | None = None):
    user = request.user
    supervises = user.role in followup.CAMPAIGN_ROLES
    data = request.GET.copy()
    data.setdefault("status", RevisitStatus.PENDING)
    agents = []
    if supervises:
        agents = [
            (u.username, str(u)) for u in User.objects.filter(revisits__isnull=False).distinct().order_by("username")
        ]
    filters = RevisitFilterForm(data, agents=agents)
    status = filters.value("status", RevisitStatus.PENDING)
    qs = followup.revisits_for(user)
    if status != "all":
        qs = qs.filter(status=status)
    agent = filters.value("agent") if supervises else None
    if agent:
        qs = qs.filter(assigned_to__username=agent)
    page = Paginator(qs.order_by("due_at", "id"), REVISIT_PAGE_SIZE).get_page(request.GET.get("page"))
    now = timezone.now()
    rows = []
    for revisit in page.object_list:
        form = None
        if revisit.status == RevisitStatus.PENDING:
            form = (
                failed if failed is not None and failed.revisit_id == revisit.pk else RevisitForm(revisit_id=revisit.pk)
            )
        rows.append(
            {
                "revisit": revisit,
                "form": form,
                "failed": form is not None and form is failed,
                "contact_id": f"contact-r{revisit.pk}",
                "tone": due_tone(revisit.due_at, now) if revisit.status == RevisitStatus.PENDING else "",
            }
        )
    context: dict[str, Any] = {
        "nav": "revisits",
        "filters": filters,
        "status": status,
        "page": page,
        "rows": rows,
        "supervises": supervises,
        "now": now,
        "query": request.GET.urlencode(),
    }
    if supervises:
        context["campaign_form"] = campaign_form or CampaignForm()
        context["campaigns"] = list(
            Campaign.objects.select_related("created_by").annotate(
                total=Count("revisits"), done=Count("revisits", filter=~Q(revisits__status=RevisitStatus.PENDING))
            )[:20]
        )
    return context


def _render_revisits(request, *, status: int = 200, **extra) -> HttpResponse:
    context = _revisit_context(request, **extra)
    template = "web/_revisits_body.html" if _partial(request) else "web/revisits.html"
    response = render(request, template, context, status=status)
    patch_vary_headers(response, ("HX-Request",))
    return response


def _back_to_revisits(request) -> HttpResponse:
    url = reverse("web:revisits")
    query = request.GET.urlencode()
    return redirect(f"{url}?{query}" if query else url)


@login_required
@require_GET
def revisits(request):
    return _render_revisits(request)


@login_required
@require_POST
def revisit_record(request, revisit_id: int):
    form = RevisitForm(request.POST, revisit_id=revisit_id)
    status = 400
    if form.is_valid():
        d = form.cleaned_data
        try:
            followup.do_record_revisit(
                revisit_id,
                actor=request.user,
                now=timezone.now(),
                status=d["status"],
                result=d["result"],
                satisfaction=d["satisfaction"],
            )
        except NotFound as exc:
            raise Http404(exc.message) from exc
        except DomainError as exc:
            status = exc.http_status
            _show_errors(form, exc)
        else:
            messages.success(request, _("Revisit recorded."))
            if request.htmx:
                return _render_revisits(request)
            return _back_to_revisits(request)
    return _render_revisits(request, status=status, failed=form)


@login_required
@require_POST
def campaign_create(request):
    if request.user.role not in followup.CAMPAIGN_ROLES:
        return _error_page(request, Forbidden(_("Only supervisors and above start revisit campaigns.")))
    form = CampaignForm(request.POST)
    status = 400
    if form.is_valid():
        try:
            campaign = followup.do_create_campaign(actor=request.user, now=timezone.now(), **form.action_kwargs())
        except DomainError as exc:
            status = exc.http_status
            _show_errors(form, exc)
        else:
            count = campaign.revisits.count()
            messages.success(
                request,
                _("Campaign “%(name)s” started: %(count)s calls shared among %(agents)s agents.")
                % {"name": campaign.name, "count": count, "agents": len(form.cleaned_data["agents"])},
            )
            return _back_to_revisits(request)
    return _render_revisits(request, status=status, campaign_form=form)


# ---------------------------------------------------------------------------------------------
# The general manager's meeting (总经理会议)


def _satisfaction_history(complaint) -> list[dict[str, Any]]:
    """Every score the customer gave: each earlier round's, this round's, and the revisit calls'."""
    history = []
    for r in complaint.round_history or []:
        if r.get("satisfaction"):
            history.append({"when": r.get("ended_at"), "source": _("Round %(n)s") % {"n": r.get("round")}, **r})
    if complaint.satisfaction:
        history.append(
            {
                "when": None,
                "source": _("Round %(n)s") % {"n": complaint.round},
                "satisfaction": complaint.satisfaction,
                "satisfaction_comment": complaint.satisfaction_comment,
            }
        )
    for v in complaint.done_revisits:
        if v.satisfaction:
            history.append(
                {
                    "when": v.done_at,
                    "source": _("Revisit call"),
                    "satisfaction": v.satisfaction,
                    "satisfaction_comment": v.result,
                }
            )
    return history


def _gm_context(request, *, failed: AgendaDecisionForm | None = None) -> dict[str, Any]:
    user = request.user
    visible = complaints_visible_to(user).values("pk")
    base = AgendaItem.objects.filter(complaint__in=visible).select_related(
        "complaint",
        "complaint__customer",
        "complaint__category",
        "complaint__owner",
        "complaint__department",
        "added_by",
        "decided_by",
    )
    done_revisits = Prefetch(
        "complaint__revisits",
        queryset=Revisit.objects.exclude(status=RevisitStatus.PENDING).order_by("done_at", "id"),
        to_attr="done_revisits",
    )
    open_items = list(base.filter(status=AgendaStatus.OPEN).prefetch_related(done_revisits).order_by("added_at", "id"))
    decided = list(
        base.filter(status__in=[AgendaStatus.DECIDED, AgendaStatus.SETTLED]).order_by("-decided_at", "-id")[:50]
    )
    may_decide = user.role in followup.MEETING_ROLES
    items = []
    for item in open_items:
        form = None
        if may_decide:
            form = failed if failed is not None and failed.item_id == item.pk else AgendaDecisionForm(item_id=item.pk)
        items.append(
            {
                "item": item,
                "complaint": item.complaint,
                "form": form,
                "satisfaction": _satisfaction_history(item.complaint),
            }
        )
    return {"nav": "gm", "items": items, "decided": decided, "may_decide": may_decide, "now": timezone.now()}


def _gm_forbidden(request) -> HttpResponse | None:
    if request.user.role not in GM_MEETING_VIEWERS:
        message = _("The meeting agenda is for directors and the general manager's office.")
        return _error_page(request, Forbidden(message))
    return None


@login_required
@require_GET
def gm_meeting(request):
    return _gm_forbidden(request) or render(request, "web/gm_meeting.html", _gm_context(request))


@login_required
@require_POST
def gm_decide(request, item_id: int):
    denied = _gm_forbidden(request)
    if denied:
        return denied
    form = AgendaDecisionForm(request.POST, item_id=item_id)
    status = 400
    if form.is_valid():
        try:
            item = followup.do_decide_agenda_item(
                item_id,
                actor=request.user,
                now=timezone.now(),
                decision=form.cleaned_data["decision"],
                meeting_on=form.cleaned_data["meeting_on"],
            )
        except NotFound as exc:
            raise Http404(exc.message) from exc
        except DomainError as exc:
            status = exc.http_status
            _show_errors(form, exc)
        else:
            messages.success(request, _("Decision on %(number)s recorded.") % {"number": item.complaint.number})
            return redirect("web:gm_meeting")
    return render(request, "web/gm_meeting.html", _gm_context(request, failed=form), status=status)


# ---------------------------------------------------------------------------------------------
# The customer's rating page: a signed link, no login, no personal data on it


def _rate_page(request, context: dict[str, Any], *, status: int = 200) -> HttpResponse:
    context.setdefault("scale", [(k, v) for k, v in SATISFACTION.items()])
    # The customer sees whose service this is, and the complaint in the words of the customer's pages.
    context["brand"] = letters.organisation()
    if context.get("complaint") is not None:
        context["summary"] = customer_summary(context["complaint"])
    return render(request, "web/rate.html", context, status=status)


@require_http_methods(["GET", "POST"])
def rate(request, token: str):
    try:
        complaint, round_ = followup.complaint_for_rating(token)
    except NotFound:
        return _rate_page(request, {"state": "invalid"}, status=404)
    state = followup.rating_state(complaint, round_)
    context: dict[str, Any] = {"complaint": complaint, "state": state, "token": token}
    if state != "open":
        return _rate_page(request, context, status=409 if request.method == "POST" else 200)
    if request.method == "GET":
        return _rate_page(request, {**context, "form": CustomerRatingForm()})
    form = CustomerRatingForm(request.POST)
    if not form.is_valid():
        return _rate_page(request, {**context, "form": form}, status=400)
    try:
        actions.do_rate(
            complaint,
            actor=None,
            now=timezone.now(),
            score=form.cleaned_data["score"],
            comment=form.cleaned_data["comment"],
        )
    except DomainError as exc:
        # Someone else (an agent on the phone) recorded it a moment earlier, or the case moved on.
        return _rate_page(request, {**context, "state": "already", "error": exc}, status=exc.http_status)
    return redirect("web:rate_thanks", token=token)


@require_GET
def rate_thanks(request, token: str):
    try:
        complaint, round_ = followup.complaint_for_rating(token)
    except NotFound:
        return _rate_page(request, {"state": "invalid"}, status=404)
    if followup.rating_state(complaint, round_) == "open":
        return redirect("web:rate", token=token)  # nothing recorded yet
    reopened = complaint.round > round_
    return _rate_page(request, {"complaint": complaint, "state": "thanks", "reopened": reopened})
