import pytest
from django.test import Client

from tests.factories import DepartmentFactory, UserFactory, make_complaint, token_for


@pytest.fixture(autouse=True)
def _media_root(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def departments(db):
    return {
        code: DepartmentFactory(code=code, name=name)
        for code, name in [("CS", "客服部"), ("QA", "质量部"), ("LOG", "物流部"), ("FIN", "财务部"),
                           ("PROD", "生产部"), ("SALES", "销售部")]
    }


@pytest.fixture
def users(departments):
    """One user of every role; handlers and quality engineers belong to departments."""
    return {
        "agent": UserFactory(username="agent", role="agent", departments=["CS"]),
        "agent2": UserFactory(username="agent2", role="agent", departments=["CS"]),
        "supervisor": UserFactory(username="supervisor", role="supervisor", departments=["CS"]),
        "director": UserFactory(username="director", role="director", departments=["SALES"]),
        "quality": UserFactory(username="quality", role="quality", departments=["QA"]),
        "handler": UserFactory(username="handler", role="handler", departments=["PROD"]),
        "handler_log": UserFactory(username="handler_log", role="handler", departments=["LOG"]),
        "archivist": UserFactory(username="archivist", role="archivist", departments=["CS"]),
        "manager": UserFactory(username="manager", role="manager"),
        "admin": UserFactory(username="admin", role="admin", is_staff=True, is_superuser=True),
    }


class ApiClient:
    """A Django test client speaking the v1 API with a user's bearer token."""

    def __init__(self, user):
        self.user = user
        self.client = Client()
        self.headers = {"Authorization": f"Bearer {token_for(user)}"}

    def get(self, path, **params):
        return self.client.get(f"/api/v1{path}", params, headers=self.headers)

    def post(self, path, body=None, headers=None):
        return self.client.post(
            f"/api/v1{path}", body if body is not None else {}, content_type="application/json",
            headers={**self.headers, **(headers or {})},
        )

    def act(self, number, action, body=None):
        return self.post(f"/complaints/{number}/actions/{action}", body or {})


@pytest.fixture
def api(users):
    """api("agent") → an ApiClient for that demo user."""
    cache = {}

    def get(name):
        if name not in cache:
            cache[name] = ApiClient(users[name])
        return cache[name]

    return get


@pytest.fixture
def complaint(users):
    return make_complaint(users["agent"])
