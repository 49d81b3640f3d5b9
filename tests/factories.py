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
