"""The assign form's owner list, re-rendered by htmx when the department changes: only the people of the
chosen department, and a clear message at once when the owner already chosen is not one of them."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_GET

from kesu.complaints import actions

from .forms import AssignForm
from .views import _complaint_or_404


@login_required
@require_GET
def assign_owners(request, number: str):
    complaint = _complaint_or_404(request.user, number)
    if not any(t.action == "assign" for t in actions.allowed_actions(complaint, request.user)):
        return HttpResponse(status=403)
    form = AssignForm(request.GET, complaint=complaint, action="assign")
    form.is_valid()  # the owner's message, if the chosen owner is not in the department
    field = form["owner"]
    response = render(request, "web/_field.html", {"field": field, "inline": True})
    response["Cache-Control"] = "no-store"
    return response


urlpatterns = [
    path("complaints/<str:number>/assign/owners", assign_owners, name="assign_owners"),
]
