"""The complaint page's followers card (抄送) and the people picker of the note box (@mentions)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from kesu.core.errors import DomainError
from kesu.routing import followers

from .views import _complaint_or_404, _render_complaint


def _card(request, complaint, *, error: str = "", typed: str = "", status: int = 200) -> HttpResponse:
    """Only the card, with the message next to the name box (the rest of the page did not change)."""
    response = render(
        request,
        "web/workspace/_followers.html",
        {
            "complaint": complaint,
            "watchers": followers.followers_of(complaint),
            "follower_error": error,
            "follower_typed": typed,
        },
        status=status,
    )
    response["HX-Retarget"] = "#followers-card"
    response["HX-Reswap"] = "outerHTML"
    return response


def _done(request, number: str) -> HttpResponse:
    if request.htmx:
        return _render_complaint(request, _complaint_or_404(request.user, number))
    return redirect("web:complaint", number=number)


@login_required
@require_POST
def add_follower(request, number: str):
    complaint = _complaint_or_404(request.user, number)
    username = (request.POST.get("username") or "").strip()
    try:
        watcher = followers.do_follow(complaint, actor=request.user, username=username, now=timezone.now())
    except DomainError as exc:
        if request.htmx:
            return _card(request, complaint, error=exc.message, typed=username, status=exc.http_status)
        messages.error(request, exc.message)
        return redirect("web:complaint", number=number)
    if watcher.user_id == request.user.pk:
        messages.success(request, _("You follow %(number)s now.") % {"number": number})
    else:
        messages.success(request, _("%(name)s follows %(number)s now.") % {"name": watcher.user, "number": number})
    return _done(request, number)


@login_required
@require_POST
def remove_follower(request, number: str, username: str):
    complaint = _complaint_or_404(request.user, number)
    try:
        followers.do_unfollow(complaint, actor=request.user, username=username, now=timezone.now())
    except DomainError as exc:
        if request.htmx:
            return _card(request, complaint, error=exc.message, status=exc.http_status)
        messages.error(request, exc.message)
        return redirect("web:complaint", number=number)
    messages.success(request, _("%(name)s no longer follows %(number)s.") % {"name": username, "number": number})
    return _done(request, number)


@login_required
@require_GET
def people(request, number: str):
    """The people who may see the complaint whose name starts with `q`: the options of the follower box
    and of the note box after "@" (a listbox the keyboard moves through, see kesu/web/static/web/people.js)."""
    complaint = _complaint_or_404(request.user, number)
    term = request.GET.get("q", "")
    return render(
        request,
        "web/workspace/_people.html",
        {"people": followers.suggest_people(complaint, term), "term": term.strip().lstrip("@")},
    )


urlpatterns: list = [
    path("complaints/<str:number>/followers", add_follower, name="follower_add"),
    path("complaints/<str:number>/followers/<str:username>/remove", remove_follower, name="follower_remove"),
    path("complaints/<str:number>/people", people, name="complaint_people"),
]
