"""Factories for tests: real rows in the real database, built through the domain where it matters."""

from __future__ import annotations

import itertools

import factory
from django.utils import timezone

from kesu.accounts.models import ApiToken, Department, User
from kesu.complaints import actions
from kesu.complaints.models import Complaint

_phone = itertools.count(13800000001)


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"D{n}")
    name = factory.LazyAttribute(lambda o: f"部门{o.code}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    role = "agent"
    display_name = factory.LazyAttribute(lambda o: o.username)
    password = factory.PostGenerationMethodCall("set_password", "secret-pass-1")

    @factory.post_generation
    def departments(self, create, extracted, **kwargs):
        if create and extracted:
            for dept in extracted:
                self.departments.add(dept if isinstance(dept, Department) else DepartmentFactory(code=dept))
        if create:
            self.save()


def token_for(user: User) -> str:
    _token, raw = ApiToken.issue(user)
    return raw


def make_complaint(actor: User, **overrides) -> Complaint:
    """A complaint recorded through the real create action (status new, event written)."""
    customer = overrides.pop("customer", None) or actions.CustomerInput(
        name="张三", phone=str(next(_phone)), kind="consumer"
    )
    data = actions.ComplaintInput(
        channel=overrides.pop("channel", "phone"),
        customer=customer,
        title=overrides.pop("title", "冰箱漏水"),
        description=overrides.pop("description", "买了三天的冰箱一直漏水,地板都泡了。"),
        type_code=overrides.pop("type_code", "quality"),
        **overrides,
    )
    complaint, _created = actions.do_create(data, actor=actor, now=timezone.now())
    return complaint


# The usual road of a complaint, as (status reached, action, arguments). `advance` drives a complaint
# along it through the real actions, so tests start from a state the way users reach it.
_ROAD: list[tuple[str, str, dict]] = [
    ("acknowledged", "acknowledge", {}),
    ("triaged", "triage", {}),
    ("assigned", "assign", {}),
    ("investigating", "start", {}),
    ("solution_proposed", "propose_solution", {"solution_type": "exchange", "detail": "换新机一台"}),
    ("accepted", "customer_response", {"accepted": True}),
    ("resolved", "resolve", {"summary": "已上门换新"}),
    ("rated", "rate", {"score": 2}),
    ("closed", "close", {}),
    ("archived", "archive", {}),
]
ROAD_STOPS = [stop for stop, _action, _kwargs in _ROAD]


def advance(complaint: Complaint, actor: User, to: str, *, department: str = "PROD", owner: str | None = None):
    """Drive `complaint` through the real actions up to `to` (a stop of ROAD_STOPS, or "rejected").

    `actor` must be allowed every action on the way (an admin is). `department`/`owner` are where the
    assign step routes it. Returns the complaint re-read from the database.
    """
    if to == "rejected":
        complaint = advance(complaint, actor, "acknowledged")
        actions.do_reject(complaint, actor=actor, now=timezone.now(), reason="不属于质量问题", reply="已向客户说明")
        complaint.refresh_from_db()
        return complaint
    if to not in ROAD_STOPS:
        raise ValueError(f"unknown stop {to!r}; use one of {ROAD_STOPS}")
    complaint.refresh_from_db()
    start = 0 if complaint.status in ("new", "reopened") else ROAD_STOPS.index(complaint.status) + 1
    for _stop, action, kwargs in _ROAD[start : ROAD_STOPS.index(to) + 1]:
        if action == "assign":
            kwargs = {"department": department, "owner": owner}
        actions.ACTIONS[action](complaint, actor=actor, now=timezone.now(), **kwargs)
        complaint.refresh_from_db()
    return complaint


def snapshot(number: str) -> dict:
    """Everything a refused request must leave alone: the complaint row, its collaborators and events."""
    row = Complaint.objects.filter(number=number).values().get()
    complaint = Complaint.objects.get(number=number)
    row["collaborators"] = sorted(complaint.collaborators.values_list("code", flat=True))
    row["event_count"] = complaint.events.count()
    row["attachment_count"] = complaint.attachments.count()
    return row
