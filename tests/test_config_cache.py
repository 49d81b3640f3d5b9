"""The intake's configuration is cached per process and follows every change at once, in every process.

The database gives kesu.core.config's stamp a new random token in each transaction that writes one of the watched
tables (triggers), whoever writes; each process reads the token (one query) and rebuilds its cached configuration
when it changed.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kesu.complaints import actions
from kesu.core import config
from kesu.core.models import Organization
from tests.factories import make_complaint

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def _organization(db):
    # A flush (after a transactional test) empties the table the migration filled; an update needs its row.
    if not Organization.objects.exists():
        Organization.objects.create(name="本公司", complaint_prefix="KS")


def _customer(phone: str) -> actions.CustomerInput:
    return actions.CustomerInput(name="王女士", phone=phone)


def _create(agent, phone: str = "13911112222", **fields):
    data = actions.ComplaintInput(
        title=fields.pop("title", "热水器漏电"),
        description=fields.pop("description", "洗澡时热水器外壳麻手。"),
        channel="phone",
        customer=_customer(phone),
        **fields,
    )
    return actions.do_create(data, actor=agent, now=timezone.now())[0]


def test_every_trigger_is_installed():
    """A migration that remakes a watched table on SQLite drops its triggers: it must install them again
    (kesu.core.config.install_triggers), or every intake reads the whole configuration again."""
    assert config.stamp() is not None


def test_a_write_to_any_watched_table_changes_the_token(playbook, users):
    from kesu.accounts.models import Department
    from kesu.complaints.models import Category
    from kesu.rules.models import Rule
    from kesu.sla.calendar_store import default_calendar
    from kesu.sla.models import BusinessCalendar, CalendarDay, ClockDefinition

    playbook("service")
    default_calendar()
    calendar = BusinessCalendar.objects.get(is_default=True)
    writes = [
        lambda: Organization.objects.update(complaint_prefix="QQ"),
        lambda: Category.objects.filter(code=Category.objects.first().code).update(name="改名"),
        lambda: Category.objects.first().collaborating_departments.clear(),
        lambda: Rule.objects.filter(pk=Rule.objects.first().pk).delete(),
        lambda: ClockDefinition.objects.update(minutes=99),
        lambda: CalendarDay.objects.create(calendar=calendar, day="2031-01-02", kind="holiday"),
        lambda: Department.objects.create(code="NEW", name="新部门"),
    ]
    for write in writes:
        before = config.stamp()
        write()
        assert config.stamp() not in (None, before)


def test_a_rolled_back_change_and_another_change_never_meet_the_same_token(users):
    base = config.stamp()
    with pytest.raises(RuntimeError), transaction.atomic():
        Organization.objects.update(complaint_prefix="AA")
        first = config.stamp()
        raise RuntimeError
    assert config.stamp() == base
    Organization.objects.update(complaint_prefix="BB")
    assert config.stamp() not in (base, first)


def test_the_configuration_is_read_once_then_only_the_stamp(playbook, users):
    playbook("service")
    _create(users["agent"], "13900000001")
    with CaptureQueriesContext(connection) as ctx:
        _create(users["agent"], "13900000002")
    sql = " ".join(q["sql"] for q in ctx.captured_queries)
    for table in ("core_organization", "rules_rule", "complaints_category", "sla_clockdefinition", "triage_"):
        assert table not in sql
    assert sql.count("core_configstamp") == 1


def test_a_change_in_this_process_counts_for_the_next_intake(playbook, users):
    playbook("service")
    assert _create(users["agent"], "13900000001").number.startswith("KS-")
    Organization.objects.update(complaint_prefix="QQ")
    assert _create(users["agent"], "13900000002").number.startswith("QQ-")


def test_without_its_triggers_the_configuration_is_read_every_time(playbook, users):
    playbook("service")
    _create(users["agent"], "13900000001")
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute('DROP TRIGGER "kesu_config_core_organization_update"')
        else:
            cursor.execute('DROP TRIGGER "kesu_config_core_organization" ON "core_organization"')
    assert config.stamp() is None
    Organization.objects.update(complaint_prefix="QQ")  # no trigger: the token stays
    assert _create(users["agent"], "13900000002").number.startswith("QQ-")


def test_a_new_customers_intake_looks_for_no_churn_alert(playbook, users):
    playbook("service")
    with CaptureQueriesContext(connection) as ctx:
        _create(users["agent"], "13900000009")
    assert not [q for q in ctx.captured_queries if "alerts_alert" in q["sql"]]
    third = [make_complaint(users["agent"], customer=_customer("13900000009"), type_code="") for _ in range(2)][-1]
    assert third.alert_memberships.get().alert.kind == "churn"  # the first one counted


# --- Two processes ------------------------------------------------------------------------------------------

OTHER_PROCESS = """
import json, os, sys
import django
django.setup()
from django.utils import timezone
from kesu.accounts.models import User
from kesu.complaints import actions
from kesu.core.models import Organization
agent = User.objects.get(username=sys.argv[1])
for line in sys.stdin:
    command, arg = line.split()
    if command == "create":
        data = actions.ComplaintInput(title="冰箱不制冷", description="冷藏室不制冷。", channel="phone",
                                      customer=actions.CustomerInput(name="张三", phone=arg))
        answer = actions.do_create(data, actor=agent, now=timezone.now())[0].number
    else:
        answer = Organization.objects.update(complaint_prefix=arg)
    print(json.dumps(answer), flush=True)
"""


def _database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.mark.django_db(transaction=True)
def test_a_change_made_in_one_process_counts_at_once_in_the_other(playbook, users):
    playbook("service")
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "DJANGO_SETTINGS_MODULE": "kesu.settings",
        "KESU_VAR_DIR": str(settings.VAR_DIR),
    }
    other = subprocess.Popen(
        [sys.executable, "-c", OTHER_PROCESS, users["agent"].username],
        cwd=ROOT,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )

    def ask(line: str):
        other.stdin.write(line + "\n")
        other.stdin.flush()
        return json.loads(other.stdout.readline())

    try:
        assert ask("create 13900000001").startswith("KS-")  # the other process has cached its configuration
        assert _create(users["agent"], "13900000002").number.startswith("KS-")  # and so has this one
        Organization.objects.update(complaint_prefix="QQ")
        assert ask("create 13900000003").startswith("QQ-")
        assert ask("prefix RR") == 1
        assert _create(users["agent"], "13900000004").number.startswith("RR-")
    finally:
        other.stdin.close()
        other.wait(timeout=30)
