"""Forms of the agent workspace. They parse what was typed; the domain actions decide what is valid."""

from __future__ import annotations

import re
import unicodedata
import uuid
from decimal import Decimal
from typing import Any

from django import forms
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kesu.accounts.models import Department, User
from kesu.complaints.actions import ComplaintInput, CustomerInput
from kesu.complaints.classification import Flag, Level, Priority, Severity
from kesu.complaints.models import Category, Channel, CustomerKind, Demand, Relationship
from kesu.complaints.models.attachment import EvidenceSource
from kesu.complaints.models.complaint import SolutionType
from kesu.complaints.states import HANDLING, Status

from .display import SATISFACTION

DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


def _datetime_widget() -> forms.DateTimeInput:
    return forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL)


def _blank(label) -> list[tuple[str, Any]]:
    return [("", label)]


class BootstrapMixin:
    """Gives every widget the Bootstrap class it needs, so templates only lay fields out."""

    compact = False

    def _style(self) -> None:
        for field in self.fields.values():  # type: ignore[attr-defined]
            widget = field.widget
            if isinstance(widget, forms.CheckboxSelectMultiple | forms.RadioSelect | forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select"
            elif isinstance(widget, forms.HiddenInput):
                continue
            else:
                css = "form-control"
            if self.compact and css != "form-check-input":
                css += f" {css}-sm"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()


def category_choices() -> list[tuple[str, str]]:
    """Active complaint types, children indented under their parents."""
    from django.utils.translation import get_language

    language = get_language() or ""
    categories = list(Category.objects.filter(active=True).order_by("sort_order", "code"))
    by_parent: dict[int | None, list[Category]] = {}
    ids = {c.id for c in categories}
    for c in categories:
        by_parent.setdefault(c.parent_id if c.parent_id in ids else None, []).append(c)
    result: list[tuple[str, str]] = []

    def walk(parent: int | None, depth: int) -> None:
        for c in by_parent.get(parent, []):
            result.append((c.code, "\u3000" * depth + c.label(language)))
            walk(c.id, depth + 1)

    walk(None, 0)
    return result


# ---------------------------------------------------------------------------------------------
# Inbox

TABS = {
    "mine": pgettext_lazy("inbox tab", "Mine"),
    "departments": pgettext_lazy("inbox tab", "My departments"),
    "created": pgettext_lazy("inbox tab", "Created by me"),
    "following": pgettext_lazy("inbox tab", "Following"),
    "all": pgettext_lazy("inbox tab", "Everything I may see"),
}
PAGE_SIZES = (20, 50, 100)

# Column → what it sorts on. Status and priority sort in workflow/urgency order, not alphabetically.
SORTS = {
    "number": "number",
    "received_at": "received_at",
    "status": "status_rank",
    "severity": "severity",
    "priority": "priority_rank",
    "level": "level",
    "updated_at": "updated_at",
    "next_due_at": "next_due_at",
}
SORT_LABELS = {
    "number": _("Number"),
    "received_at": _("Received"),
    "status": _("Status"),
    "severity": _("Severity"),
    "priority": _("Priority"),
    "level": _("Level"),
    "updated_at": _("Last change"),
    "next_due_at": _("Next deadline"),
}
DEFAULT_SORT = "-received_at"


def sort_choices() -> list[tuple[str, str]]:
    result = []
    for key, label in SORT_LABELS.items():
        result.append((f"-{key}", _("%(column)s ↓") % {"column": label}))
        result.append((key, _("%(column)s ↑") % {"column": label}))
    return result


class InboxFilterForm(BootstrapMixin, forms.Form):
    compact = True
    tab = forms.ChoiceField(choices=list(TABS.items()), required=False, widget=forms.HiddenInput)
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=200,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("Number, title, customer, product, batch, order…")}
        ),
    )
    status = forms.ChoiceField(label=_("Status"), required=False)
    severity = forms.ChoiceField(
        label=_("Severity"), required=False, choices=_blank(_("Any severity")) + list(Severity.choices)
    )
    priority = forms.ChoiceField(
        label=_("Priority"), required=False, choices=_blank(_("Any priority")) + list(Priority.choices)
    )
    type = forms.ChoiceField(label=_("Type"), required=False)
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)
    due_soon = forms.BooleanField(label=_("Due within 4 hours"), required=False)
    sort = forms.ChoiceField(label=_("Sort by"), required=False)
    page = forms.IntegerField(label=_("Page"), required=False, min_value=1, widget=forms.HiddenInput)
    page_size = forms.TypedChoiceField(
        label=_("Per page"), required=False, coerce=int, choices=[(n, n) for n in PAGE_SIZES], empty_value=None
    )
    # What a dashboard chart counted: kept as hidden fields, so changing another filter keeps them.
    department = forms.CharField(label=_("Department"), required=False, max_length=20, widget=forms.HiddenInput)
    channel = forms.ChoiceField(label=_("Channel"), required=False, choices=Channel.choices, widget=forms.HiddenInput)
    level = forms.IntegerField(label=_("Level"), required=False, min_value=1, max_value=3, widget=forms.HiddenInput)
    product_code = forms.CharField(label=_("Product code"), required=False, max_length=64, widget=forms.HiddenInput)
    batch_no = forms.CharField(label=_("Batch / lot no."), required=False, max_length=64, widget=forms.HiddenInput)
    received_from = forms.DateField(label=_("Received from"), required=False, widget=forms.HiddenInput)
    received_to = forms.DateField(label=_("Received to"), required=False, widget=forms.HiddenInput)

    REPORT_FIELDS = ("received_from", "received_to", "department", "channel", "level", "product_code", "batch_no")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = (
            _blank(_("Any status"))
            + [("open", _("All open"))]
            + [(s.value, s.label) for s in Status]
            + [("closed_review", _("Closed, awaiting review")), ("closed_ready", _("Closed, ready to archive"))]
        )
        self.fields["type"].choices = _blank(_("Any type")) + category_choices()
        self.fields["sort"].choices = sort_choices()
        self._style()

    def value(self, name: str, default: Any = None) -> Any:
        """The cleaned value of one filter; an invalid one is ignored rather than failing the page."""
        if not hasattr(self, "cleaned_data"):
            self.is_valid()
        return self.cleaned_data.get(name) or default


# ---------------------------------------------------------------------------------------------
# New complaint

# DomainError field keys → the form field that shows the message.
CREATE_FIELD_MAP = {
    "customer.phone": "customer_phone",
    "customer.name": "customer_name",
    "customer.kind": "customer_kind",
    "customer.relationship": "customer_relationship",
    "customer.email": "customer_email",
    "customer.company": "customer_company",
    "customer.external_id": "customer_phone",
    "Idempotency-Key": None,
}


class ComplaintForm(BootstrapMixin, forms.Form):
    """The 投诉记录表, in the order a phone call gives it: who calls, then what happened."""

    customer_phone = forms.CharField(
        label=_("Customer phone"),
        required=False,
        max_length=30,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off", "autofocus": True}),
    )
    # Marked required exactly as do_create requires them: the name, the channel, a title or a description,
    # and one way to reach the customer (phone, e-mail or customer id). The messages come from do_create.
    customer_name = forms.CharField(label=_("Customer name"), max_length=100)
    customer_kind = forms.ChoiceField(
        label=_("Customer kind"), required=False, choices=CustomerKind.choices, initial=CustomerKind.CONSUMER
    )
    customer_relationship = forms.ChoiceField(
        label=_("Relationship"),
        required=False,
        choices=_blank(pgettext_lazy("relationship", "Automatic")) + list(Relationship.choices),
    )
    customer_email = forms.CharField(label=_("E-mail"), required=False, max_length=254)
    customer_company = forms.CharField(label=_("Company"), required=False, max_length=200)

    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices, initial=Channel.PHONE)
    received_at = forms.DateTimeField(
        label=_("Received at"),
        required=False,
        widget=_datetime_widget(),
        help_text=_("When the company received it; back-date a complaint taken earlier."),
    )
    title = forms.CharField(label=_("Title"), required=False, max_length=200)
    description = forms.CharField(label=_("What happened"), required=False, widget=forms.Textarea(attrs={"rows": 5}))
    type_code = forms.ChoiceField(label=_("Type"), required=False)
    demand = forms.ChoiceField(
        label=_("Customer demand"), required=False, choices=_blank(_("Not stated")) + list(Demand.choices)
    )
    product = forms.CharField(label=_("Product"), required=False, max_length=200)
    product_model = forms.CharField(label=_("Model"), required=False, max_length=100)
    product_code = forms.CharField(label=_("Product code"), required=False, max_length=64)
    batch_no = forms.CharField(label=_("Batch / lot no."), required=False, max_length=64)
    order_no = forms.CharField(label=_("Order no."), required=False, max_length=64)
    store = forms.CharField(label=_("Store / site"), required=False, max_length=200)
    amount = forms.CharField(
        label=_("Amount involved (CNY)"),
        required=False,
        max_length=30,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "placeholder": "5,200.00"}),
        help_text=_("As the customer says it: 5200, 5,200元, ￥5,200.50 or 1.2万."),
    )
    quantity = forms.IntegerField(label=_("Quantity affected"), required=False, min_value=0)
    occurred_at = forms.DateTimeField(label=_("Occurred at"), required=False, widget=_datetime_widget())
    place = forms.CharField(label=_("Place"), required=False, max_length=200)
    people_involved = forms.CharField(label=_("People involved"), required=False, max_length=200)
    flags = forms.MultipleChoiceField(
        label=_("Flags"), required=False, choices=Flag.choices, widget=forms.CheckboxSelectMultiple
    )
    # Sent once per rendered form, so a double click or a resubmitted page records one complaint.
    idempotency_key = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "initial",
            {"received_at": timezone.localtime().replace(second=0, microsecond=0), "idempotency_key": uuid.uuid4().hex},
        )
        super().__init__(*args, **kwargs)
        self.fields["type_code"].choices = _blank(_("Classify later")) + category_choices()
        self.fields["title"].help_text = _("A title or a description is needed.")
        self._style()

    def clean_amount(self) -> str:
        return parse_amount(self.cleaned_data.get("amount") or "")

    def to_input(self) -> ComplaintInput:
        # Fields that failed their own check count as empty here, so do_create's checks can run on the
        # rest and every error is shown in one round.
        cleaned = getattr(self, "cleaned_data", {})
        d: dict[str, Any] = {}
        for name in self.fields:
            value = cleaned.get(name)
            if value is None and name not in ("quantity", "occurred_at", "received_at"):
                value = [] if name == "flags" else ""
            d[name] = value
        return ComplaintInput(
            channel=d["channel"],
            customer=CustomerInput(
                name=d["customer_name"],
                kind=d["customer_kind"] or CustomerKind.CONSUMER,
                phone=d["customer_phone"],
                email=d["customer_email"],
                relationship=d["customer_relationship"],
                company=d["customer_company"],
            ),
            title=d["title"],
            description=d["description"],
            type_code=d["type_code"],
            product=d["product"],
            product_model=d["product_model"],
            product_code=d["product_code"],
            batch_no=d["batch_no"],
            order_no=d["order_no"],
            store=d["store"],
            quantity=d["quantity"],
            amount=d["amount"] or None,
            demand=d["demand"],
            occurred_at=d["occurred_at"],
            received_at=d["received_at"],
            place=d["place"],
            people_involved=d["people_involved"],
            flags=list(d["flags"]),
        )

    def add_domain_errors(self, fields: dict[str, list[str]], message: str) -> None:
        for key, messages in fields.items():
            name = CREATE_FIELD_MAP.get(key, key)
            if name in self.errors:
                continue  # its own check said it already
            for msg in messages:
                self.add_error(name if name in self.fields else None, msg)
        if not fields:
            self.add_error(None, message)


_AMOUNT_NOISE = re.compile(r"(人民币|rmb|cny|元整|元|块钱|块|[¥￥\s\u00a0\u2009\u202f\u3000])", re.IGNORECASE)
_AMOUNT = re.compile(r"^(?P<int>\d{1,3}(?:,\d{3})+|\d+)(?:\.(?P<frac>\d+))?(?P<wan>万)?$")


def parse_amount(raw: str) -> str:
    """An amount as people type it ("5,200元", "5200元", "￥5,200.50", "5 200", "1.2万") → "5200.00" style
    text for do_create; anything else → a message naming what is accepted."""
    text = unicodedata.normalize("NFKC", raw or "").strip()
    if not text:
        return ""
    text = _AMOUNT_NOISE.sub("", text).replace("，", ",")
    if text.startswith("-"):
        raise forms.ValidationError(_("The amount cannot be negative."))
    match = _AMOUNT.match(text)
    if not match:
        raise forms.ValidationError(
            _("“%(value)s” is not an amount. Enter yuan, such as 5200, 5,200元 or ￥5,200.50.") % {"value": raw.strip()}
        )
    value = Decimal(match["int"].replace(",", "") + ("." + match["frac"] if match["frac"] else ""))
    if match["wan"]:
        value *= 10000
    if value != value.quantize(Decimal("0.01")):
        raise forms.ValidationError(_("Enter an amount in yuan with at most two decimals."))
    return f"{value:.2f}"


# ---------------------------------------------------------------------------------------------
# Lifecycle actions: one small form each, posted with the version the page showed.

YES_NO = [("yes", _("Yes")), ("no", _("No"))]


def _yes_no(label) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label, choices=YES_NO, coerce=lambda v: v == "yes", widget=forms.RadioSelect, empty_value=None
    )


def _text(label, *, rows: int = 2, required: bool = False) -> forms.CharField:
    # Required-ness is the action's to decide; its message lands next to the field all the same.
    return forms.CharField(label=label, required=required, widget=forms.Textarea(attrs={"rows": rows}))


class ActionForm(BootstrapMixin, forms.Form):
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, complaint=None, action: str = "", **kwargs):
        kwargs.setdefault("auto_id", f"id_{action}_%s")
        super().__init__(*args, **kwargs)
        self.complaint = complaint
        self.action = action
        self.setup()
        self._style()

    def setup(self) -> None:
        """Fill choices that come from the database."""

    def action_kwargs(self) -> dict[str, Any]:
        """The keyword arguments for the do_<action> function."""
        return {k: v for k, v in self.cleaned_data.items() if k != "version"}


class AcknowledgeForm(ActionForm):
    note = _text(_("Note (how the customer was contacted)"))


class TriageForm(ActionForm):
    type_code = forms.ChoiceField(label=_("Type"), required=False)
    severity = forms.ChoiceField(
        label=_("Severity"), required=False, choices=_blank(_("Not set")) + list(Severity.choices)
    )
    priority = forms.ChoiceField(
        label=_("Priority"), required=False, choices=_blank(_("Not set")) + list(Priority.choices)
    )
    level = forms.TypedChoiceField(
        label=_("Level"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=_blank(_("Not set")) + [(str(v), label) for v, label in Level.choices],
    )
    reason = _text(_("Reason (needed when correcting a value)"))

    def setup(self) -> None:
        self.fields["type_code"].choices = _blank(_("Not set")) + category_choices()
        c = self.complaint
        if c is not None and not self.is_bound:
            self.initial.update(
                {"type_code": c.type_code or "", "severity": c.severity, "priority": c.priority, "level": c.level}
            )

    def action_kwargs(self) -> dict[str, Any]:
        d = self.cleaned_data
        kwargs: dict[str, Any] = {"reason": d["reason"]}
        for name in ("type_code", "severity", "priority", "level"):
            if d.get(name) not in (None, ""):
                kwargs[name] = d[name]
        return kwargs


class AssignForm(ActionForm):
    department = forms.ChoiceField(label=_("Responsible department"), required=False)
    owner = forms.ChoiceField(label=_("Owner"), required=False)
    reason = _text(_("Reason (needed when re-assigning)"))

    def setup(self) -> None:
        departments = list(Department.objects.filter(active=True).order_by("code"))
        self.fields["department"].choices = _blank(_("By the routing matrix")) + [(d.code, str(d)) for d in departments]
        c = self.complaint
        if c is not None and not self.is_bound:
            self.initial.update(
                {
                    "department": c.department.code if c.department_id else "",
                    "owner": c.owner.username if c.owner_id else "",
                }
            )
        # The owner list follows the department chosen (htmx re-renders it on change: assign_views): the people
        # of that department; with none chosen, those of the complaint's department, else every handler.
        code = (self.data.get(self.add_prefix("department")) if self.is_bound else self.initial.get("department")) or ""
        self.chosen_department = next((d for d in departments if d.code == code), None)
        if self.chosen_department is None and c is not None and c.department_id and not code:
            self.chosen_department = c.department
        owners = User.objects.filter(is_active=True, role__in=list(HANDLING))
        if self.chosen_department is not None:
            owners = owners.filter(departments=self.chosen_department)
        choices = []
        for u in owners.prefetch_related("departments").order_by("username"):
            codes = ", ".join(d.code for d in u.departments.all())
            choices.append((u.username, f"{u} · {u.get_role_display()}" + (f" ({codes})" if codes else "")))
        self.fields["owner"].choices = _blank(_("The least busy handler of the department")) + choices
        # Someone outside the list is refused by clean() with a message naming the department, not as an unknown choice.
        self.fields["owner"].valid_value = lambda value: True  # type: ignore[method-assign]
        dept = self.fields["department"].widget
        if c is not None:
            dept.attrs.update(
                {
                    "hx-get": reverse("web:assign_owners", args=[c.number]),
                    "hx-trigger": "change",
                    "hx-target": f"#{self.auto_id % 'owner'}_field",
                    "hx-swap": "outerHTML",
                    "hx-include": "closest form",
                }
            )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        owner = self.data.get(self.add_prefix("owner")) or ""
        if owner and "owner" not in self.errors:
            dept = self.chosen_department
            user = User.objects.filter(username=owner, is_active=True).prefetch_related("departments").first()
            if dept is not None and user is not None and not user.departments.filter(pk=dept.pk).exists():
                self.add_error(
                    "owner",
                    _("%(user)s is not in %(department)s: choose someone of that department, or leave Owner empty.")
                    % {"user": user, "department": dept.display_name},
                )
        return cleaned

    def action_kwargs(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {"department": d["department"] or None, "owner": d["owner"] or None, "reason": d["reason"]}


class _AnyChoiceField(forms.ChoiceField):
    """Offers the choices it has, but passes any value on: the action decides (and names the field)."""

    def valid_value(self, value) -> bool:
        return True


class ProposeSolutionForm(ActionForm):
    solution_type = forms.ChoiceField(
        label=_("Solution type"), required=False, choices=_blank("—") + list(SolutionType.choices)
    )
    detail = _text(_("Solution"), rows=3)
    # The compensation the proposal carries: one of the complaint's approved ones (kesu.solutions), by number.
    compensation = _AnyChoiceField(label=_("Compensation"), required=False)

    def setup(self) -> None:
        from kesu.solutions.models import GRANTED, Compensation
        from kesu.solutions.rules import solution_types

        c = self.complaint
        offered = solution_types(c.type_code if c is not None else None)
        labels = dict(SolutionType.choices)
        self.fields["solution_type"].choices = _blank("—") + [(v, labels[v]) for v in offered]
        granted = (
            Compensation.objects.filter(complaint_id=c.pk, status__in=GRANTED).order_by("requested_at", "id")
            if c is not None
            else Compensation.objects.none()
        )
        self.fields["compensation"].choices = _blank(_("None")) + [
            (str(comp.pk), f"#{comp.pk} {comp.get_kind_display()} ¥{comp.amount:.2f} · {comp.get_status_display()}")
            for comp in granted
        ]
        self.fields["compensation"].help_text = _(
            "Only approved compensation can be offered: request it on the compensation card first."
        )

    def clean_compensation(self):
        value = (self.cleaned_data.get("compensation") or "").strip()
        if not value:
            return None
        if not value.isdigit():
            raise forms.ValidationError(_("Choose one of the complaint's approved compensations."))
        return int(value)

    def action_kwargs(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {
            "solution_type": d["solution_type"],
            "detail": d["detail"],
            "compensation_id": d["compensation"],
        }


class CustomerResponseForm(ActionForm):
    accepted = _yes_no(_("Did the customer accept the solution?"))
    comment = _text(_("The customer's words"))


class ResolveForm(ActionForm):
    summary = _text(_("Resolution summary"), rows=3)


class RateForm(ActionForm):
    score = forms.TypedChoiceField(
        label=_("Customer's satisfaction"),
        coerce=int,
        empty_value=None,
        widget=forms.RadioSelect,
        choices=[(str(k), f"{k} · {v}") for k, v in SATISFACTION.items()],
    )
    comment = _text(_("Comment"))


class CloseForm(ActionForm):
    reason = _text(_("Reason (needed when no satisfaction could be recorded)"))


class ReviewForm(ActionForm):
    approved = _yes_no(_("Approve the closure?"))
    comment = _text(_("Comment (needed when sending it back)"))


class RejectForm(ActionForm):
    reason = _text(_("Why the complaint is not justified"))
    reply = _text(_("Reply to the customer"), rows=3)


class ReasonForm(ActionForm):
    reason = _text(_("Reason"))


class NoteForm(ActionForm):
    text = _text(_("Note"), rows=3)
    internal = forms.BooleanField(label=_("Internal (not shown to the customer)"), required=False, initial=True)

    def setup(self) -> None:
        # "@" in the note lists the colleagues who may see the complaint (kesu/web/static/web/people.js).
        if self.complaint is not None:
            self.fields["text"].help_text = _("Type @ and a name to tell a colleague who may see this complaint.")
            self.fields["text"].widget.attrs.update(
                {
                    "data-people-url": reverse("web:complaint_people", args=[self.complaint.number]),
                    "data-people-mode": "mention",
                }
            )


ACTION_FORMS: dict[str, type[ActionForm]] = {
    "acknowledge": AcknowledgeForm,
    "triage": TriageForm,
    "assign": AssignForm,
    "start": ActionForm,
    "propose_solution": ProposeSolutionForm,
    "customer_response": CustomerResponseForm,
    "resolve": ResolveForm,
    "rate": RateForm,
    "close": CloseForm,
    "review": ReviewForm,
    "archive": ActionForm,
    "reject": RejectForm,
    "reopen": ReasonForm,
    "escalate": ReasonForm,
    "note": NoteForm,
    "pause_clock": ReasonForm,
    "resume_clock": ReasonForm,
}


class AttachmentForm(BootstrapMixin, forms.Form):
    file = forms.FileField(label=_("File"), required=False)
    source = forms.ChoiceField(label=_("Source"), choices=EvidenceSource.choices, initial=EvidenceSource.CUSTOMER)
    captured_at = forms.DateTimeField(label=_("Taken at"), required=False, widget=_datetime_widget())
    description = forms.CharField(label=_("Description"), required=False, max_length=200)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "id_attachment_%s")
        super().__init__(*args, **kwargs)
        self._style()


# ---------------------------------------------------------------------------------------------
# Collaboration and on-site tasks


def department_choices() -> list[tuple[str, str]]:
    return [(d.code, str(d)) for d in Department.objects.filter(active=True).order_by("code")]


def handler_choices() -> list[tuple[str, str]]:
    people = User.objects.filter(is_active=True, role__in=list(HANDLING)).order_by("username")
    return [(u.username, f"{u} · {u.get_role_display()}") for u in people]


class TaskForm(BootstrapMixin, forms.Form):
    """A new task on a complaint: what is to be done, by which department or person, by when."""

    compact = True
    title = forms.CharField(label=_("Task"), required=False, max_length=200)
    department = forms.ChoiceField(label=_("Department"), required=False)
    owner = forms.ChoiceField(label=_("Owner"), required=False)
    due_at = forms.DateTimeField(label=_("Due at"), required=False, widget=_datetime_widget())
    required = forms.BooleanField(label=_("Must be done before resolving"), required=False, initial=True)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "id_task_%s")
        super().__init__(*args, **kwargs)
        self.fields["department"].choices = _blank("—") + department_choices()
        self.fields["owner"].choices = _blank(_("Anyone in the department")) + handler_choices()
        self._style()

    def action_kwargs(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {
            "title": d["title"],
            "department": d["department"] or None,
            "owner": d["owner"] or None,
            "due_at": d["due_at"],
            "required": d["required"],
        }


class TaskUpdateForm(BootstrapMixin, forms.Form):
    compact = True
    status = forms.ChoiceField(label=_("Status"), required=False)
    note = forms.CharField(
        label=_("Result / note"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 2})
    )
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, task=None, may_cancel: bool = False, **kwargs):
        from kesu.routing.models import TaskStatus

        self.task = task
        kwargs.setdefault("auto_id", f"id_task{task.pk if task else ''}_%s")
        if task is not None and not args and "data" not in kwargs:
            kwargs.setdefault("initial", {"status": task.status, "note": task.note, "version": task.version})
        super().__init__(*args, **kwargs)
        statuses = [s for s in TaskStatus if may_cancel or s != TaskStatus.CANCELLED]
        self.fields["status"].choices = [(s.value, s.label) for s in statuses]
        self._style()

    def action_kwargs(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {"status": d["status"] or None, "note": d["note"], "version": d["version"]}


# ---------------------------------------------------------------------------------------------
# Revisits, campaigns, the GM meeting, the assessment ledger


def satisfaction_choices() -> list[tuple[str, str]]:
    return [(str(k), f"{k} · {v}") for k, v in SATISFACTION.items()]


class RevisitFilterForm(BootstrapMixin, forms.Form):
    compact = True
    status = forms.ChoiceField(label=_("Status"), required=False)
    agent = forms.ChoiceField(label=_("Agent"), required=False)

    def __init__(self, *args, agents: list[tuple[str, str]] | None = None, **kwargs):
        from kesu.followup.models import RevisitStatus

        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [(s.value, s.label) for s in RevisitStatus] + [("all", _("All"))]
        self.fields["agent"].choices = _blank(_("Everyone")) + (agents or [])
        self._style()

    def value(self, name: str, default: Any = None) -> Any:
        if not hasattr(self, "cleaned_data"):
            self.is_valid()
        return self.cleaned_data.get(name) or default


class RevisitForm(BootstrapMixin, forms.Form):
    compact = True
    status = forms.ChoiceField(
        label=_("Outcome"),
        required=False,
        widget=forms.RadioSelect,
        choices=[("done", pgettext_lazy("revisit", "Reached the customer")), ("unreachable", _("Unreachable"))],
        initial="done",
    )
    result = forms.CharField(
        label=_("What the customer said"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 2})
    )
    satisfaction = forms.TypedChoiceField(label=_("Satisfaction"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args, revisit_id: int | None = None, **kwargs):
        self.revisit_id = revisit_id
        kwargs.setdefault("auto_id", f"id_revisit{revisit_id or ''}_%s")
        super().__init__(*args, **kwargs)
        self.fields["satisfaction"].choices = _blank(_("Not asked")) + satisfaction_choices()
        self._style()


def front_desk_choices() -> list[tuple[str, str]]:
    from kesu.followup.services import FRONT_DESK

    people = User.objects.filter(is_active=True, role__in=list(FRONT_DESK)).order_by("role", "username")
    return [(u.username, f"{u} · {u.get_role_display()}") for u in people]


class CampaignForm(BootstrapMixin, forms.Form):
    """A batch revisit: closed complaints picked by the filters, shared among the chosen agents."""

    compact = True
    name = forms.CharField(label=_("Campaign name"), required=False, max_length=100)
    agents = forms.MultipleChoiceField(
        label=_("Agents who call"), required=False, widget=forms.SelectMultiple(attrs={"size": 5})
    )
    due_at = forms.DateTimeField(label=_("Calls due by"), required=False, widget=_datetime_widget())
    note = forms.CharField(
        label=_("Script / note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    closed_from = forms.DateField(
        label=_("Closed from"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    closed_to = forms.DateField(
        label=_("Closed until"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    type_code = forms.ChoiceField(label=_("Type"), required=False)
    department = forms.ChoiceField(label=_("Responsible department"), required=False)
    store = forms.CharField(label=_("Store / site"), required=False, max_length=200)
    satisfaction_gte = forms.TypedChoiceField(
        label=_("Satisfaction score this or worse (1 best, 5 worst)"), required=False, coerce=int, empty_value=None
    )

    FILTERS = ("closed_from", "closed_to", "type_code", "department", "store", "satisfaction_gte")

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "id_campaign_%s")
        super().__init__(*args, **kwargs)
        self.fields["agents"].choices = front_desk_choices()
        self.fields["type_code"].choices = _blank(_("Any type")) + category_choices()
        self.fields["department"].choices = _blank(_("Any department")) + department_choices()
        self.fields["satisfaction_gte"].choices = _blank(_("Any score")) + satisfaction_choices()
        self._style()

    def clean_due_at(self):
        value = self.cleaned_data.get("due_at")
        if value is None:
            raise forms.ValidationError(_("Say by when the calls are due."))
        if value <= timezone.now():
            raise forms.ValidationError(_("The deadline must be in the future."))
        return value

    def action_kwargs(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {
            "name": d["name"],
            "agents": list(d["agents"]),
            "due_at": d["due_at"],
            "note": d["note"],
            "filters": {k: d[k] for k in self.FILTERS if d.get(k) not in (None, "")},
        }


class AgendaDecisionForm(BootstrapMixin, forms.Form):
    compact = True
    decision = forms.CharField(
        label=_("The meeting's decision"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
    meeting_on = forms.DateField(
        label=_("Meeting date"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def __init__(self, *args, item_id: int | None = None, **kwargs):
        self.item_id = item_id
        kwargs.setdefault("auto_id", f"id_agenda{item_id or ''}_%s")
        super().__init__(*args, **kwargs)
        self._style()


class LedgerFilterForm(BootstrapMixin, forms.Form):
    compact = True
    status = forms.ChoiceField(label=_("Status"), required=False)
    person = forms.ChoiceField(label=_("Person"), required=False)
    month = forms.CharField(
        label=_("Month"),
        required=False,
        max_length=7,
        widget=forms.TextInput(attrs={"type": "month", "placeholder": "2025-03"}),
    )

    def __init__(self, *args, people: list[tuple[str, str]] | None = None, **kwargs):
        from kesu.assessment.models import PenaltyStatus

        super().__init__(*args, **kwargs)
        self.fields["status"].choices = _blank(_("Any status")) + list(PenaltyStatus.choices)
        self.fields["person"].choices = _blank(_("Everyone")) + (people or [])
        self._style()

    def clean_month(self):
        value = (self.cleaned_data.get("month") or "").strip()
        if not value:
            return None
        try:
            year, month = (int(p) for p in value.split("-"))
            if not (2000 <= year <= 2100 and 1 <= month <= 12):
                raise ValueError
        except ValueError:
            raise forms.ValidationError(_("Enter a month such as 2025-03.")) from None
        return (year, month)

    def value(self, name: str, default: Any = None) -> Any:
        if not hasattr(self, "cleaned_data"):
            self.is_valid()
        return self.cleaned_data.get(name) or default


class PenaltyDecisionForm(BootstrapMixin, forms.Form):
    compact = True
    decision = forms.ChoiceField(choices=[("confirm", _("Confirm")), ("waive", _("Waive"))], widget=forms.HiddenInput)
    amount = forms.CharField(
        label=_("Amount (CNY)"),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "placeholder": "0.00"}),
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=300)

    def __init__(self, *args, entry_id: int | None = None, amount=None, **kwargs):
        self.entry_id = entry_id
        kwargs.setdefault("auto_id", f"id_penalty{entry_id or ''}_%s")
        super().__init__(*args, **kwargs)
        if amount is not None:  # left empty, the entry keeps the amount its rule wrote
            self.fields["amount"].widget.attrs["placeholder"] = f"{amount:.2f}"
        self._style()


# ---------------------------------------------------------------------------------------------
# The customer's rating page (no login)


class CustomerRatingForm(BootstrapMixin, forms.Form):
    score = forms.TypedChoiceField(
        label=_("How satisfied are you with how your complaint was handled?"),
        coerce=int,
        empty_value=None,
        widget=forms.RadioSelect,
        error_messages={"required": _("Please choose one of the five answers.")},
    )
    comment = forms.CharField(
        label=_("Anything you would like to tell us (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "id_rating_%s")
        super().__init__(*args, **kwargs)
        self.fields["score"].choices = [(str(k), str(v)) for k, v in SATISFACTION.items()]
        self._style()
