import pytest
from django.test import Client

from tests.factories import DepartmentFactory, UserFactory, make_complaint, token_for


@pytest.fixture(autouse=True)
def _media_root(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    # The users fixture hashes ten passwords per test; PBKDF2 would spend seconds on them.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def departments(db):
    return {
        code: DepartmentFactory(code=code, name=name)
        for code, name in [
            ("CS", "客服部"),
            ("QA", "质量部"),
            ("LOG", "物流部"),
            ("FIN", "财务部"),
            ("PROD", "生产部"),
            ("SALES", "销售部"),
        ]
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
            f"/api/v1{path}",
            body if body is not None else {},
            content_type="application/json",
            headers={**self.headers, **(headers or {})},
        )

    def patch(self, path, body=None):
        return self.client.patch(
            f"/api/v1{path}", body if body is not None else {}, content_type="application/json", headers=self.headers
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
def web(client, users):
    """web("agent") → the test client signed in (session) as that user; web("agent", "en") in English."""
    from django.conf import settings

    def as_user(name, language=None):
        if language:
            client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        client.force_login(users[name])
        return client

    return as_user


@pytest.fixture
def api_for(db):
    """api_for(user) → an ApiClient for any user a test created (one client per user)."""
    cache = {}

    def get(user):
        if user.pk not in cache:
            cache[user.pk] = ApiClient(user)
        return cache[user.pk]

    return get


@pytest.fixture
def complaint(users):
    return make_complaint(users["agent"])


@pytest.fixture(autouse=True)
def _fresh_calendar_cache():
    # The business calendar is cached per revision; a rolled-back test may leave a revision number
    # behind that the next test reuses with different days.
    from kesu.sla import calendar_store

    calendar_store._cache.clear()
    # The public address links start with is kept in the process; a rolled-back test must not leave its own.
    from kesu.core import links

    links.forget()


@pytest.fixture
def playbook(db):
    """playbook("retail") → loads that preset through kesu.rules.playbooks.load and returns its LoadResult."""
    from kesu.rules import playbooks

    return lambda name: playbooks.load(name)


class Scenario:
    """Drives complaints through the v1 API the way users do (create, then one action after another)."""

    ROAD = [
        ("acknowledged", "acknowledge", {}),
        ("triaged", "triage", {}),
        ("assigned", "assign", {}),
        ("investigating", "start", {}),
        ("solution_proposed", "propose_solution", {"solution_type": "exchange", "detail": "换新一台"}),
        ("accepted", "customer_response", {"accepted": True}),
        ("resolved", "resolve", {"summary": "已换新,客户确认"}),
    ]
    _phones = iter(range(13900000001, 13999999999))

    def create(self, client, **overrides):
        body = {
            "title": "冰箱漏水",
            "description": "买了三天的冰箱一直漏水。",
            "channel": "phone",
            "customer": {"name": "张三", "phone": str(next(self._phones))},
            "type_code": "quality",
        }
        body.update(overrides)
        r = client.post("/complaints", body)
        assert r.status_code == 201, r.content
        return r.json()

    def walk(self, client, number, to, *, assign=None):
        """Take the complaint from where it is up to `to` (a stop of ROAD); `assign` is the assign body."""
        stops = [stop for stop, _a, _b in self.ROAD]
        current = client.get(f"/complaints/{number}").json()
        status = current["status"]
        if status == "solution_proposed" and (current.get("solution") or {}).get("accepted"):
            status = "accepted"
        start = 0 if status in ("new", "reopened") else stops.index(status) + 1
        c = None
        for _stop, action, body in self.ROAD[start : stops.index(to) + 1]:
            r = client.act(number, action, assign if action == "assign" and assign is not None else body)
            assert r.status_code == 200, (action, r.content)
            c = r.json()
        return c


@pytest.fixture
def scenario(db):
    return Scenario()


@pytest.fixture
def monday_morning():
    """The clock set to Monday 2026-11-16 10:00 in Shanghai (an ordinary working week), still ticking;
    `.shift(timedelta)` moves it on."""
    import datetime as dt
    from zoneinfo import ZoneInfo

    import time_machine

    with time_machine.travel(dt.datetime(2026, 11, 16, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai")), tick=True) as t:
        yield t


@pytest.fixture(autouse=True, scope="session")
def _jobs_queue_in_memory():
    """Jobs queued by the code under test go to an in-memory queue (nothing runs them unless a test does):
    no test writes to the real job queue under var/."""
    from huey.contrib.djhuey import HUEY
    from huey.storage import MemoryStorage

    real = HUEY.storage
    HUEY.storage = MemoryStorage(HUEY.name)
    yield
    HUEY.storage = real
