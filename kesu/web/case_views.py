"""The case library (案例分析, R-REP-4): browse and search teaching cases, read one (masked), and mark a
closed or archived complaint as a case from its page.

Teaching cases are for everyone's training: every staff user may read every case, in the masked form
kesu.cases.selectors builds; the complaint's number links to it only within the reader's data scope.
"""

from __future__ import annotations

import re

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from kesu.cases.actions import MAX_TAG_LENGTH, do_mark_case
from kesu.cases.selectors import case_facets, case_of_complaint, case_story, cases_search
from kesu.core.errors import DomainError

from .forms import BootstrapMixin
from .views import _complaint_or_404, _error_page, _show_errors

# Tags are typed in one box, separated by commas, 、, semicolons or spaces.
_TAG_SPLIT = re.compile(r"[,，、;；\s]+")


def split_tags(text: str) -> list[str]:
    return [t for t in _TAG_SPLIT.split(text or "") if t]


class CaseForm(BootstrapMixin, forms.Form):
    title = forms.CharField(label=gettext_lazy("Case title"), max_length=200)
    lesson = forms.CharField(
        label=gettext_lazy("Lesson"),
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("What others should learn from this complaint: what worked, what to avoid."),
    )
    tags = forms.CharField(
        label=gettext_lazy("Tags"),
        required=False,
        max_length=1000,
        help_text=gettext_lazy("Separated by commas, 、 or spaces, e.g. 换新, 上门"),
    )

    def clean_tags(self) -> list[str]:
        tags = split_tags(self.cleaned_data.get("tags", ""))
        if any(len(t) > MAX_TAG_LENGTH for t in tags):
            raise forms.ValidationError(
                _("A tag has at most %(max)s characters.") % {"max": MAX_TAG_LENGTH}, code="too_long"
            )
        return tags


def case_form_for(case) -> CaseForm:
    if case is None:
        return CaseForm()
    return CaseForm(initial={"title": case.title, "lesson": case.lesson, "tags": ", ".join(case.tags or [])})


@login_required
@require_GET
def case_library(request) -> HttpResponse:
    q = (request.GET.get("q") or "").strip()[:200]
    type_code = (request.GET.get("type") or "").strip()[:40] or None
    tag = (request.GET.get("tag") or "").strip()[:40] or None
    cases = cases_search(request.user, q=q, type_code=type_code, tag=tag)
    context = {
        "nav": "cases",
        "cases": cases,
        "facets": case_facets(request.user),
        "q": q,
        "type_code": type_code,
        "tag": tag,
    }
    return render(request, "web/cases/library.html", context)


@login_required
@require_GET
def case_detail(request, case_id: int) -> HttpResponse:
    try:
        story = case_story(request.user, case_id)
    except DomainError as exc:
        return _error_page(request, exc)
    return render(request, "web/cases/detail.html", {"nav": "cases", "story": story, "case": story.case})


@login_required
@require_POST
def case_mark(request, number: str) -> HttpResponse:
    complaint = _complaint_or_404(request.user, number)
    form = CaseForm(request.POST)
    if form.is_valid():
        try:
            _case, created = do_mark_case(
                complaint,
                actor=request.user,
                now=timezone.now(),
                title=form.cleaned_data["title"],
                lesson=form.cleaned_data["lesson"],
                tags=form.cleaned_data["tags"],
            )
        except DomainError as exc:
            if exc.code != "validation_error":
                return _error_page(request, exc)
            _show_errors(form, exc)
        else:
            if created:
                messages.success(request, _("The complaint is now a teaching case in the case library."))
            else:
                messages.success(request, _("The teaching case is updated."))
            return redirect("web:complaint", number=complaint.number)
    context = {"complaint": complaint, "form": form, "case": case_of_complaint(complaint)}
    return render(request, "web/cases/mark.html", context, status=400)
