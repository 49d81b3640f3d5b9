"""`manage.py load_demo`: what a new user sees after `make run`."""

from collections import Counter
from io import StringIO
from itertools import pairwise

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.db.models import Count
from django.utils import timezone, translation

from kesu.accounts.models import Department, User
from kesu.accounts.roles import Role
from kesu.complaints import demo_data
from kesu.complaints.models import Category, Channel, Complaint, Customer, CustomerKind, Event
from kesu.core.models import Organization

# Hashing kesu1234 with the production hasher costs a second per login; the test needs no such cost.
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def load_demo() -> str:
    out = StringIO()
    with translation.override("en"):
        call_command("load_demo", stdout=out)
    return out.getvalue()


def database_state() -> dict:
    return {
        "complaints": list(Complaint.objects.order_by("id").values_list("id", "status", "version", "updated_at")),
        "events": Event.objects.count(),
        "customers": Customer.objects.count(),
        "users": list(User.objects.order_by("id").values_list("username", "password", "role")),
        "departments": list(Department.objects.order_by("id").values_list("code", "name", "head_id")),
        "organisation": list(Organization.objects.values_list("name", "demo_loaded_at")),
    }


# Loading the demo drives ~1,600 real actions, so it is loaded once and each check below reads the result.
@pytest.mark.django_db
def test_load_demo(settings):
    settings.PASSWORD_HASHERS = FAST_HASHERS
    output = load_demo()
    check_about_200_complaints_in_most_states(output)
    check_every_type_channel_and_kind_of_customer_appears()
    check_organisation_departments_and_routing()
    check_every_role_can_sign_in_with_the_printed_password(output)
    check_timelines_are_real()
    check_a_second_run_changes_nothing()


def check_about_200_complaints_in_most_states(output):
    statuses = Counter(Complaint.objects.values_list("status", flat=True))
    assert 190 <= sum(statuses.values()) <= 210
    assert len(statuses) >= 8, statuses
    closed = Counter(Complaint.objects.filter(status="closed").values_list("review_state", flat=True))
    assert closed["pending"] and closed["approved"], "some closures await review, some are approved"
    assert Complaint.objects.filter(status="rejected").exclude(reject_reason="").exclude(reject_reply="").exists()
    assert Complaint.objects.filter(status="reopened", round=2).exists()
    assert Complaint.objects.filter(clock_paused_at__isnull=False).exists()
    assert "200 complaints" in output


def check_every_type_channel_and_kind_of_customer_appears():
    assert set(Complaint.objects.values_list("category__code", flat=True)) >= set(demo_data.ROUTING)
    assert set(Complaint.objects.values_list("channel", flat=True)) == set(Channel.values)
    assert set(Customer.objects.values_list("kind", flat=True)) == set(CustomerKind.values)
    assert Customer.objects.annotate(n=Count("complaints")).filter(n__gte=2).exists(), "repeat customers"
    assert Customer.objects.filter(relationship="vip").exists()
    assert set(Complaint.objects.exclude(severity="").values_list("severity", flat=True)) == {"A", "B"}
    assert set(Complaint.objects.exclude(level=None).values_list("level", flat=True)) == {1, 2, 3}


def check_organisation_departments_and_routing():
    org = Organization.objects.get()
    assert org.name == demo_data.ORGANIZATION["name"] and org.hotline and org.complaints_email
    assert org.demo_loaded_at is not None
    codes = set(Department.objects.values_list("code", flat=True))
    assert {"CS", "QA", "LOG", "FIN", "PROD", "SALES"} <= codes
    assert not Department.objects.filter(code__in=["CS", "QA", "LOG", "FIN", "PROD", "SALES"], head=None).exists()
    quality = Category.objects.get(code="quality")
    assert quality.department.code == "QA"
    assert set(quality.collaborating_departments.values_list("code", flat=True)) == {"PROD", "SALES"}
    assert Category.objects.get(code="delivery").department.code == "LOG"


def check_every_role_can_sign_in_with_the_printed_password(output):
    for role in Role.values:
        user = User.objects.filter(role=role).first()
        assert user is not None, f"no demo user with role {role}"
        assert user.display_name, user.username
        assert authenticate(None, username=user.username, password=demo_data.DEMO_PASSWORD) == user
        assert user.username in output
    assert demo_data.DEMO_PASSWORD in output
    admin = User.objects.get(username="admin")
    assert admin.is_staff and admin.is_superuser
    assert not User.objects.filter(is_superuser=True).exclude(username="admin").exists()


def check_timelines_are_real():
    """Every timeline starts with the create event and its status changes chain up to the status."""
    statuses = dict(Complaint.objects.values_list("id", "status"))
    received = dict(Complaint.objects.values_list("id", "received_at"))
    timelines: dict[int, list[tuple]] = {}
    for row in Event.objects.order_by("complaint_id", "at", "id").values_list(
        "complaint_id", "action", "from_status", "to_status", "at"
    ):
        timelines.setdefault(row[0], []).append(row[1:])
    assert set(timelines) == set(statuses)
    now = timezone.now()
    for complaint_id, events in timelines.items():
        action, from_status, to_status, at = events[0]
        assert (action, from_status, to_status) == ("create", "", "new")
        assert at >= received[complaint_id]
        for (_a, _f, previous_to, _at), (action, from_status, _to, _at2) in pairwise(events):
            assert from_status == previous_to, (complaint_id, action)
        assert events[-1][2] == statuses[complaint_id]
        assert events[-1][3] <= now, "nothing in the demo happens in the future"


def check_a_second_run_changes_nothing():
    before = database_state()
    output = load_demo()
    assert "already loaded" in output
    assert "kesu1234" in output  # `make run` shows the logins every time
    assert database_state() == before


@pytest.mark.django_db
def test_an_installation_with_its_own_users_is_left_alone():
    User.objects.create_user(username="admin", password="a-real-secret-1", role="admin")
    before = database_state()
    output = load_demo()
    assert "Nothing changed" in output
    assert database_state() == before
    assert Organization.objects.get().demo_loaded_at is None
