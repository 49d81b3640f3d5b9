"""SLA sweep benchmark: one million complaints, and how long `kesu.sla.sweep.run` takes on them.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kesu python bench/sla_sweep.py --complaints 1000000 --due 10000
    python bench/sla_sweep.py --complaints 1000000 --due 10000          # SQLite under var/bench/

The benchmark never touches the database DATABASE_URL names: it works in a dedicated one (SQLite:
var/bench/kesu_bench.sqlite3; PostgreSQL: the database `kesu_bench` on the same server), migrates it, loads
the `service` playbook, and bulk-loads N complaints with their deadlines once. Later runs find the
complaints there and go straight to the timings. Then it times

1. the sweep with nothing due (median of 5 runs), and shows the plans of the two claims it sent;
2. the sweep after `--due` running deadlines of open complaints were made overdue (escalating clocks,
   clocks with a penalty and plain ones): every breach recorded, notified, escalated, penalised;
3. the sweep again, with nothing left to do.

All data is relative to a fixed instant (NOW below), passed to the sweep as `now`, so repeated runs on
different days see the same database. Each run consumes `--due` running deadlines; a million complaints
leave enough for about 4 runs with full penalties and 7 with full escalations (`--fresh` reloads).
Figures and where the time goes: bench/README.md.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import functools
import os
import pstats
import random
import re
import statistics
import sys
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from build_million import template  # noqa: E402  (the raw-insert row template both benchmarks use)

TARGET_IDLE_MS = 50.0
TARGET_DUE_S = 10.0
NOW = dt.datetime(2025, 6, 2, 2, 0, tzinfo=dt.UTC)  # Monday 10:00 in Asia/Shanghai
SPAN_DAYS = 730  # complaints are spread over two years before NOW
OPEN_WINDOW_DAYS = 60  # complaints received in the last 60 days are mostly still open
OPEN_SHARE = 0.7
CUSTOMERS = 50_000
BATCH = 10_000  # complaints per load transaction (with their ~40,000 deadlines)
SEED = 20250602
EPOCH = dt.datetime(1970, 1, 1)


def minute_of(moment: dt.datetime) -> int:
    """Minutes since 1970-01-01 UTC (Django sets the process time zone, so no naive .timestamp())."""
    return (moment - EPOCH.replace(tzinfo=dt.UTC)) // dt.timedelta(minutes=1)


# title, description, product — what customers of a service company write about
TEXTS = [
    ("空调安装后漏水", "师傅安装完第二天室内机就开始滴水,地板都泡了,要求上门处理并赔偿。", "空调"),
    ("售后电话一直打不通", "连续三天拨打售后热线都无人接听,报修单号也查不到进度。", "售后服务"),
    ("快递延误一周未送达", "订单显示已发货七天,物流信息一直停在中转站,客服只说再等等。", "配送"),
    ("收费与宣传不符", "套餐宣传首月免费,结果第一个月就扣了199元,要求退还。", "会员套餐"),
    ("门店店员态度恶劣", "在门店咨询退换货政策,店员不耐烦还出言不逊,要求道歉。", "门店服务"),
    ("维修后故障再次出现", "洗衣机维修后不到两周又出现同样的报错,已经是第二次投诉了。", "洗衣机"),
    ("发票迟迟开不出来", "申请电子发票已经半个月,多次催促仍未开具,影响公司报销。", "发票"),
    ("上门服务迟到三小时", "预约上午九点上门,师傅十二点才到,也没有提前电话通知。", "上门服务"),
    ("商品与描述不一致", "页面写的是不锈钢内胆,收到的是涂层内胆,要求退货退款。", "电饭煲"),
    ("退款到账时间过长", "退货已签收十天,退款仍未到账,客服说系统处理中。", "退款"),
    ("会员积分被清零", "账户里的三千多积分突然清零,没有任何通知,要求恢复。", "会员积分"),
    ("热水器安装收取高额材料费", "安装师傅现场收了480元材料费,没有收费标准也不给发票。", "电热水器"),
]
CHANNELS = (
    ["phone"] * 45 + ["web"] * 20 + ["chat"] * 15 + ["email"] * 8 + ["store"] * 7 + ["social"] * 4 + ["regulator"]
)
OPEN_STATUSES = (
    ["new"] * 10
    + ["acknowledged"] * 10
    + ["triaged"] * 10
    + ["assigned"] * 20
    + ["investigating"] * 25
    + ["solution_proposed"] * 10
    + ["resolved"] * 10
    + ["reopened"] * 5
)
ENDED_STATUSES = ["closed"] * 80 + ["archived"] * 12 + ["rejected"] * 8
WORKING_DAY_MINUTES = {1: 1440, 10: 20160}  # stored deadlines only need a plausible span, not the calendar


# ---------------------------------------------------------------------------------------------------------------
# The dedicated database


def bench_database(source_url: str, name: str, *, fresh: bool) -> tuple[str, str]:
    """(URL of the bench database, engine label); creates it, or drops and recreates it with `fresh`."""
    if not source_url or source_url.startswith("sqlite"):
        folder = Path(os.environ.get("KESU_VAR_DIR", ROOT / "var")) / "bench"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{name}.sqlite3"
        if fresh:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
        return f"sqlite:///{path}", "SQLite"

    import psycopg
    from psycopg import sql

    parts = urlsplit(source_url.replace("postgres://", "postgresql://", 1))
    server = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(server, autocommit=True) as conn:
        if fresh:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        version = conn.execute("SHOW server_version").fetchone()[0]
    return urlunsplit(parts._replace(path=f"/{name}")), f"PostgreSQL {version.split()[0]}"


def drop_database(url: str, name: str) -> None:
    if url.startswith("sqlite"):
        path = url.removeprefix("sqlite:///")
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return
    import psycopg
    from psycopg import sql

    server = urlunsplit(urlsplit(url)._replace(path="/postgres"))
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


# ---------------------------------------------------------------------------------------------------------------
# Organisation: playbook, people


def prepare_organisation() -> dict:
    from kesu.accounts.models import Department, User
    from kesu.accounts.roles import Role
    from kesu.complaints.models import Category
    from kesu.rules import playbooks
    from kesu.rules.models import RuleSet
    from kesu.sla.models import ClockDefinition, Deadline

    playbooks.load("service")
    clocks = ClockDefinition.objects.filter(playbook__active=True)
    if not clocks.filter(penalty_amount__isnull=False).exists():
        # The service playbook has no penalty; the benchmark gives one to the 1-working-day contact clock.
        clocks.filter(code="customer_contact").update(penalty_amount=30, penalty_rule="未在1个工作日内联系客户 30元")
    definitions = list(clocks.order_by("order", "id"))
    # A playbook reloaded since the data was loaded replaced its clocks (deadlines then lost their
    # definition): point them at the current one of the same code.
    for code in {d.code for d in definitions}:
        last = [d for d in definitions if d.code == code][-1]
        Deadline.objects.filter(definition__isnull=True, clock=code).update(definition=last)

    departments = {d.code: d for d in Department.objects.all()}
    people: dict[str, list[int]] = {"agents": []}
    made = []

    def person(username: str, role: str, name: str, department: Department | None) -> User:
        user, created = User.objects.get_or_create(
            username=username, defaults={"role": role, "display_name": name, "password": "!"}
        )
        if created and department:
            made.append((user, department))
        return user

    for n in range(1, 21):
        people["agents"].append(person(f"bench_agent{n:02d}", Role.AGENT, f"客服{n:02d}", departments["CS"]).pk)
    for code, department in departments.items():
        head = person(f"bench_{code.lower()}_head", Role.SUPERVISOR, f"{department.name}负责人", department)
        person(f"bench_{code.lower()}_sup", Role.SUPERVISOR, f"{department.name}主管", department)
        handlers = [
            person(f"bench_{code.lower()}_h{n}", Role.HANDLER, f"{department.name}处理人{n}", department).pk
            for n in range(1, 4)
        ]
        people[code] = handlers
        if department.head_id is None:
            department.head = head
            department.save(update_fields=["head"])
    for user, department in made:
        user.departments.add(department)

    categories = [(c.id, c.department_id, c.code) for c in Category.objects.filter(active=True).order_by("sort_order")]
    handlers_by_department = {departments[code].id: ids for code, ids in people.items() if code != "agents"}
    return {
        "agents": people["agents"],
        "handlers": handlers_by_department,
        "categories": categories,
        "ruleset": RuleSet.objects.filter(active=True, playbook__active=True).values_list("id", flat=True).first(),
        "definitions": definitions,
    }


# ---------------------------------------------------------------------------------------------------------------
# Bulk load


class Writer:
    """Raw bulk inserts: executemany on SQLite, COPY on PostgreSQL (both inside the caller's transaction)."""

    def __init__(self, connection):
        self.connection = connection
        self.sqlite = connection.vendor == "sqlite"
        suffix = "" if self.sqlite else "+00:00"
        # Django keeps datetimes as naive UTC text on SQLite ("YYYY-MM-DD HH:MM:SS"); PostgreSQL parses the same.
        self.fmt = functools.lru_cache(maxsize=None)(lambda minute: f"{EPOCH + dt.timedelta(minutes=minute)}{suffix}")

    def at(self, minute: int | None) -> str | None:
        return None if minute is None else self.fmt(minute)

    def write(self, table: str, columns: list[str], rows: list) -> None:
        if not rows:
            return
        quote = self.connection.ops.quote_name
        names = ", ".join(quote(c) for c in columns)
        if self.sqlite:
            self.connection.ensure_connection()
            marks = ", ".join("?" for _ in columns)
            self.connection.connection.executemany(f"INSERT INTO {quote(table)} ({names}) VALUES ({marks})", rows)
            return
        with self.connection.cursor() as cursor, cursor.cursor.copy(f"COPY {quote(table)} ({names}) FROM STDIN") as cp:
            for row in rows:
                cp.write_row(row)


def load_customers(writer: Writer) -> int:
    from django.db import transaction

    from kesu.complaints.models import Customer

    if Customer.objects.exists():
        return 0
    columns, base, ix = template(Customer)
    rng = random.Random(SEED)
    surnames = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
    given = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超"
    at = writer.at(minute_of(NOW - dt.timedelta(days=SPAN_DAYS + 30)))
    rows = []
    for n in range(1, CUSTOMERS + 1):
        row = base.copy()
        row[ix["id"]] = n
        row[ix["name"]] = rng.choice(surnames) + rng.choice(given)
        row[ix["phone"]] = f"1{rng.choice('3589')}{rng.randrange(10**9):09d}"
        row[ix["relationship"]] = "vip" if n % 25 == 0 else ("existing" if n % 3 else "new")
        row[ix["created_at"]] = row[ix["updated_at"]] = at
        rows.append(row)
    with transaction.atomic():
        writer.write(Customer._meta.db_table, columns, rows)
    return len(rows)


class Generator:
    """Complaint i (0 … n-1) and its deadlines, the same on every run (one random stream per load batch)."""

    def __init__(self, n: int, org: dict, writer: Writer):
        from zoneinfo import ZoneInfo

        from django.conf import settings

        from kesu.complaints.models import Complaint
        from kesu.rules.engine import Facts, matches

        self.n = n
        self.writer = writer
        self.now = minute_of(NOW)
        self.span = SPAN_DAYS * 1440
        self.start = self.now - self.span
        offset = ZoneInfo(settings.TIME_ZONE).utcoffset(NOW.replace(tzinfo=None))
        self.offset = int(offset.total_seconds() // 60)
        self.org = org
        self.columns, self.base, self.ix = template(Complaint)
        self.deadline_columns = [
            "complaint_id", "definition_id", "clock", "round", "mode", "started_at", "due_at", "remind_at",
            "reminded_at", "met_at", "breached_at", "cancelled_at", "paused_at", "paused_seconds",
        ]  # fmt: skip
        # The clock definition each (clock, priority) gets, chosen by the playbook's own `applies` conditions.
        self.clock: dict[tuple[str, str], object] = {}
        for priority in ("urgent", "important", "routine"):
            for d in org["definitions"]:
                key = (d.code, priority)
                if key not in self.clock and matches(d.applies or {}, Facts(priority=priority))[0]:
                    self.clock[key] = d
        self.days: dict[int, str] = {}

    def _minutes(self, d, start: int) -> int:
        return start + (d.minutes if d.mode != "working_days" else WORKING_DAY_MINUTES.get(d.days, d.days * 1440))

    def batch(self, lo: int, hi: int) -> tuple[list, list]:
        rng = random.Random(SEED * 1_000_003 + lo)
        complaints, deadlines = [], []
        for i in range(lo, hi):
            row, rows = self.complaint(i, rng)
            complaints.append(row)
            deadlines += rows
        return complaints, deadlines

    def complaint(self, i: int, rng: random.Random) -> tuple[list, list[tuple]]:
        at = self.writer.at
        org, ix, now, n, span, start = self.org, self.ix, self.now, self.n, self.span, self.start
        r = start + (i * span) // n
        day = (r + self.offset) // 1440
        first_of_day = -((-(day * 1440 - self.offset - start) * n) // span)
        if day not in self.days:
            self.days[day] = (EPOCH + dt.timedelta(days=day)).strftime("%Y%m%d")
        is_open = now - r < OPEN_WINDOW_DAYS * 1440 and rng.random() < OPEN_SHARE
        status = rng.choice(OPEN_STATUSES if is_open else ENDED_STATUSES)
        x = rng.random()
        priority = "urgent" if x < 0.05 else ("important" if x < 0.3 else "routine")
        category_id, department_id, _code = rng.choice(org["categories"])
        handlers = org["handlers"].get(department_id) or org["handlers"][next(iter(org["handlers"]))]
        title, description, product = rng.choice(TEXTS)

        # When each step happened (clamped to before NOW).
        def step(after: int, lo_: int, hi_: int) -> int:
            return min(after + rng.randint(lo_, hi_), now - 1)

        ack = step(r, 2, 25)
        triage = step(ack, 3, 40)
        assign = step(triage, 5, 150)
        begin = step(assign, 10, 3000)
        propose = step(begin, 60, 4000)
        resolve = step(propose, 60, 10000)
        close = step(resolve, 1440, 10080)
        archive = step(close, 20000, 40000)
        reject = step(triage, 60, 2880)
        reopen = step(resolve, 1440, 7000)

        row = self.base.copy()
        cid = i + 1
        row[ix["id"]] = cid
        row[ix["number"]] = f"KS-{self.days[day]}-{i - first_of_day + 1:05d}"
        row[ix["status"]] = status
        row[ix["customer_id"]] = rng.randrange(CUSTOMERS) + 1
        row[ix["channel"]] = rng.choice(CHANNELS)
        row[ix["received_at"]] = at(r)
        row[ix["product"]] = product
        row[ix["title"]] = title
        row[ix["description"]] = description
        row[ix["search_text"]] = f"{title}\n{description}\n{product}".lower()
        row[ix["category_id"]] = category_id
        row[ix["department_id"]] = department_id
        row[ix["priority"]] = priority
        row[ix["level"]] = 2 if priority == "urgent" and rng.random() < 0.5 else 1
        row[ix["ruleset_id"]] = org["ruleset"]
        row[ix["created_by_id"]] = rng.choice(org["agents"])
        row[ix["created_at"]] = at(r)
        if rng.random() < 0.3:
            row[ix["amount"]] = str(rng.randrange(50, 20000))
        if status not in ("new", "acknowledged", "triaged", "rejected"):
            row[ix["owner_id"]] = rng.choice(handlers)
        if status != "new":
            row[ix["acknowledged_at"]] = at(ack)

        rows: list[tuple] = []
        running: list[int] = []
        paused = is_open and status in ("investigating", "solution_proposed") and rng.random() < 0.02
        pause_at = now - rng.randint(60, 2000) if paused else None

        def met(code: str, started: int, done: int, round_: int = 1) -> None:
            d = self.clock[(code, priority)]
            due = self._minutes(d, started)
            remind = due - d.remind_before_minutes if d.remind_before_minutes else None
            if remind is not None and remind <= started:
                remind = None
            rows.append(
                (cid, d.id, d.code, round_, d.mode, at(started), at(due), at(remind),
                 at(remind) if remind is not None and done > remind else None,
                 at(done), at(due) if done > due else None, None, None, 0)
            )  # fmt: skip

        def cancelled(code: str, started: int, done: int) -> None:
            d = self.clock[(code, priority)]
            due = self._minutes(d, started)
            rows.append((cid, d.id, d.code, 1, d.mode, at(started), at(due), None, None, None, None, at(done), None, 0))

        def runs(code: str, started: int, round_: int = 1) -> None:
            # Running clocks are due after NOW, and not even in their reminder window yet.
            d = self.clock[(code, priority)]
            due = now + d.remind_before_minutes + rng.randint(30, 7 * 1440)
            remind = due - d.remind_before_minutes if d.remind_before_minutes else None
            rows.append(
                (cid, d.id, d.code, round_, d.mode, at(started), at(due), at(remind), None, None, None, None,
                 at(pause_at), 0)
            )  # fmt: skip
            if not paused:
                running.append(due)

        if status in ("closed", "archived"):
            met("first_response", r, ack)
            met("customer_contact", r, ack)
            met("handling", r, begin)
            met("resolution", r, resolve)
            row[ix["resolved_at"]] = at(resolve)
            row[ix["closed_at"]] = at(close)
            row[ix["satisfaction"]] = rng.choice((3, 4, 4, 5, 5, 5, 2, 1))
            row[ix["solution_type"]] = rng.choice(("refund", "exchange", "repair", "apology", "compensation"))
            row[ix["resolution_summary"]] = "已按方案处理完毕,客户确认。"
            row[ix["updated_at"]] = at(close)
            if status == "archived":
                row[ix["archived_at"]] = at(archive)
                row[ix["updated_at"]] = at(archive)
        elif status == "rejected":
            met("first_response", r, ack)
            met("customer_contact", r, ack)
            cancelled("handling", r, reject)
            cancelled("resolution", r, reject)
            row[ix["justified"]] = False
            row[ix["reject_reason"]] = "经核实不属于公司责任范围。"
            row[ix["updated_at"]] = at(reject)
        elif status == "new":
            for code in ("first_response", "customer_contact", "handling", "resolution"):
                runs(code, r)
            row[ix["updated_at"]] = at(r)
        elif status in ("acknowledged", "triaged", "assigned"):
            met("first_response", r, ack)
            met("customer_contact", r, ack)
            runs("handling", r)
            runs("resolution", r)
            row[ix["updated_at"]] = at({"acknowledged": ack, "triaged": triage, "assigned": assign}[status])
        elif status == "investigating":
            met("first_response", r, ack)
            met("customer_contact", r, ack)
            met("handling", r, begin)
            runs("investigation", begin)
            runs("progress_update", begin)
            runs("resolution", r)
            row[ix["updated_at"]] = at(begin)
        elif status == "solution_proposed":
            met("first_response", r, ack)
            met("customer_contact", r, ack)
            met("handling", r, begin)
            met("investigation", begin, propose)
            runs("progress_update", propose)
            runs("resolution", r)
            row[ix["solution_type"]] = "refund"
            row[ix["solution_detail"]] = "全额退款并补偿50元优惠券。"
            row[ix["updated_at"]] = at(propose)
        elif status == "resolved":
            met("first_response", r, ack)
            met("customer_contact", r, ack)
            met("handling", r, begin)
            met("investigation", begin, propose)
            met("resolution", r, resolve)
            row[ix["resolved_at"]] = at(resolve)
            row[ix["updated_at"]] = at(resolve)
        elif status == "reopened":
            met("first_response", r, ack)
            met("customer_contact", r, ack)
            met("handling", r, begin)
            met("investigation", begin, propose)
            met("resolution", r, resolve)
            runs("customer_contact", reopen, 2)
            runs("resolution", reopen, 2)
            row[ix["round"]] = 2
            row[ix["resolved_at"]] = at(resolve)
            row[ix["updated_at"]] = at(reopen)
        if paused:
            row[ix["clock_paused_at"]] = at(pause_at)
        if running:
            row[ix["next_due_at"]] = at(min(running))
        return row, rows


def load_complaints(n: int, org: dict, writer: Writer, *, existing: int) -> tuple[int, int, float]:
    """Load complaints existing … n-1 in transactions of BATCH; returns (complaints, deadlines, seconds)."""
    from django.db import connection, transaction

    from kesu.complaints.models import Complaint
    from kesu.sla.models import Deadline

    gen = Generator(n, org, writer)
    started = time.perf_counter()
    made_c = made_d = 0
    report_every = max(BATCH, (n // 10) // BATCH * BATCH)
    if writer.sqlite:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA synchronous=OFF")
            cursor.execute("PRAGMA cache_size=-262144")
    for lo in range(existing, n, BATCH):
        hi = min(lo + BATCH, n)
        complaints, deadlines = gen.batch(lo, hi)
        with transaction.atomic():
            writer.write(Complaint._meta.db_table, gen.columns, complaints)
            writer.write(Deadline._meta.db_table, gen.deadline_columns, deadlines)
        made_c += len(complaints)
        made_d += len(deadlines)
        if hi % report_every == 0 or hi == n:
            spent = time.perf_counter() - started
            print(
                f"  {hi:>9,} complaints  {made_c + made_d:>10,} rows  {spent:7.1f} s  "
                f"{(made_c + made_d) / spent:>9,.0f} rows/s",
                flush=True,
            )
    seconds = time.perf_counter() - started
    if not writer.sqlite:
        from django.core.management.color import no_style

        from kesu.complaints.models import Customer

        with connection.cursor() as cursor:
            for statement in connection.ops.sequence_reset_sql(no_style(), [Customer, Complaint]):
                cursor.execute(statement)
    return made_c, made_d, seconds


def settle(connection) -> float:
    """After the load: PostgreSQL gets the planner statistics autovacuum would gather; SQLite stays as
    Django leaves it (no ANALYZE, so no sqlite_stat1) and only folds its write-ahead log back in."""
    started = time.perf_counter()
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        else:
            cursor.execute("ANALYZE")
    return time.perf_counter() - started


# ---------------------------------------------------------------------------------------------------------------
# Timings


def query_plans(now: dt.datetime) -> list[str]:
    """The plans of the statements an idle sweep runs (its claims of reminders and of due rows): EXPLAIN
    (ANALYZE, BUFFERS) on PostgreSQL, EXPLAIN QUERY PLAN on SQLite, of exactly the SQL the sweep sent."""
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from kesu.sla import sweep

    with CaptureQueriesContext(connection) as queries:
        sweep.run(now=now)
    plans = []
    for query in queries.captured_queries:
        sql = query["sql"]
        if not sql.startswith("SELECT"):
            continue
        with transaction.atomic(), connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
                plan = "\n".join(row[0] for row in cursor.fetchall())
            else:
                cursor.execute(f"EXPLAIN QUERY PLAN {sql}")
                plan = "\n".join(str(row[-1]) for row in cursor.fetchall())
        plans.append(f"{sql}\n{plan}")
    return plans


def make_due(count: int, now: dt.datetime) -> Counter:
    """Put `count` running deadlines of open complaints in the past: 60 % on escalating clocks, 20 % on
    clocks with a penalty, the rest plain. Returns how many of each kind."""
    from django.db import transaction

    from kesu.complaints.models import Complaint
    from kesu.complaints.states import WORKING_STATES
    from kesu.sla.models import ClockDefinition, Deadline

    definitions = list(ClockDefinition.objects.filter(playbook__active=True))
    kinds = {
        "escalating": {d.id for d in definitions if d.escalate_on_breach},
        "penalty": {d.id for d in definitions if d.penalty_amount is not None and not d.escalate_on_breach},
    }
    kinds["plain"] = {d.id for d in definitions} - kinds["escalating"] - kinds["penalty"]
    wanted = {"escalating": count * 6 // 10, "penalty": count * 2 // 10}
    wanted["plain"] = count - wanted["escalating"] - wanted["penalty"]
    candidates = Deadline.objects.filter(
        met_at__isnull=True,
        breached_at__isnull=True,
        cancelled_at__isnull=True,
        paused_at__isnull=True,
        due_at__gt=now,
        complaint__status__in=list(WORKING_STATES),
    ).order_by("due_at", "id")
    chosen: dict[str, list[int]] = {}
    taken: set[int] = set()
    for kind in ("escalating", "penalty", "plain"):
        ids = list(candidates.filter(definition_id__in=kinds[kind]).values_list("id", flat=True)[: wanted[kind]])
        chosen[kind] = ids
        taken.update(ids)
    short = count - len(taken)
    if short > 0:  # one kind ran short: fill up with any running deadline
        extra = [i for i in candidates.values_list("id", flat=True)[: short + len(taken)] if i not in taken][:short]
        chosen["plain"] += extra
        taken.update(extra)
    ids = sorted(taken)
    with transaction.atomic():
        for n, lo in enumerate(range(0, len(ids), 500)):
            chunk = ids[lo : lo + 500]
            due = now - dt.timedelta(minutes=1 + n % 600)
            Deadline.objects.filter(id__in=chunk).update(due_at=due)
            complaint_ids = Deadline.objects.filter(id__in=chunk).values_list("complaint_id", flat=True)
            Complaint.objects.filter(id__in=list(complaint_ids)).update(next_due_at=due)
    return Counter({kind: len(v) for kind, v in chosen.items()})


def timed_sweep(now: dt.datetime, cpu: list[float] | None = None):
    """(wall seconds, result); appends this process's CPU seconds to `cpu` when given."""
    from kesu.sla import sweep

    started, started_cpu = time.perf_counter(), time.process_time()
    result = sweep.run(now=now)
    if cpu is not None:
        cpu.append(time.process_time() - started_cpu)
    return time.perf_counter() - started, result


def profile_sweep(count: int, now: dt.datetime, top: int = 30) -> None:
    """Run one more sweep over `count` fresh breaches under cProfile, counting its statements by kind."""
    from django.db import connection

    kinds = make_due(count, now)
    counts: Counter = Counter()
    spent: Counter = Counter()

    def count_statements(execute, sql, params, many, context):
        key = re.sub(r"\d+", "N", re.sub(r"\s+", " ", sql)[:80])
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            counts[key] += 1
            spent[key] += time.perf_counter() - started

    profiler = cProfile.Profile()
    with connection.execute_wrapper(count_statements):
        profiler.enable()
        seconds, result = timed_sweep(now)
        profiler.disable()
    print(f"\nprofiled sweep of {dict(kinds)}: {seconds:.2f} s, {result}, {sum(counts.values()):,} statements")
    print(f"  {'count':>7}  {'seconds':>7}  statement")
    for key, _n in counts.most_common(15):
        print(f"  {counts[key]:>7,}  {spent[key]:7.2f}  {key}")
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(top)


def _load() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--complaints", type=int, default=1_000_000, help="complaints to load (default 1,000,000)")
    parser.add_argument("--due", type=int, default=10_000, help="deadlines to make due (default 10,000)")
    parser.add_argument("--db-name", default="kesu_bench", help="bench database (PostgreSQL) or file stem (SQLite)")
    parser.add_argument("--fresh", action="store_true", help="drop and recreate the bench database first")
    parser.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    parser.add_argument("--profile", action="store_true", help="profile one more sweep of --due breaches")
    parser.add_argument("--cleanup", action="store_true", help="drop the bench database at the end")
    args = parser.parse_args(argv)

    url, engine = bench_database(os.environ.get("DATABASE_URL", ""), args.db_name, fresh=args.fresh)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kesu.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from kesu.complaints.models import Complaint
    from kesu.notifications.models import Notification
    from kesu.sla.models import Deadline

    print(f"database: {engine} ({connection.settings_dict['NAME']}); {os.cpu_count()} CPUs, load {_load()}")
    started = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    org = prepare_organisation()
    print(f"migrated, playbook and people ready: {time.perf_counter() - started:.1f} s")

    writer = Writer(connection)
    existing = Complaint.objects.count()
    if existing > args.complaints or (existing % BATCH and existing != args.complaints):
        print(f"the bench database holds {existing:,} complaints, not {args.complaints:,}: run with --fresh")
        return 2
    if existing < args.complaints:
        print(f"loading {args.complaints - existing:,} complaints (from {existing:,}) …", flush=True)
        customers = load_customers(writer)
        made_c, made_d, seconds = load_complaints(args.complaints, org, writer, existing=existing)
        rows = customers + made_c + made_d
        stats_seconds = settle(connection)
        print(
            f"loaded {customers:,} customers, {made_c:,} complaints, {made_d:,} deadlines in {seconds:.1f} s "
            f"({rows / seconds:,.0f} rows/s); settled in {stats_seconds:.1f} s"
        )
    else:
        print(f"the bench database already holds {existing:,} complaints: no load")
    deadlines = Deadline.objects.count()
    running = Deadline.objects.filter(met_at__isnull=True, cancelled_at__isnull=True, breached_at__isnull=True)
    print(f"deadlines: {deadlines:,} ({running.count():,} running)")

    now = NOW
    idle = []
    for _ in range(5):
        seconds, result = timed_sweep(now)
        idle.append(seconds * 1000)
        if result.breaches or result.reminders:
            print(f"warning: the idle sweep found work: {result}")
    idle_ms = statistics.median(idle)
    print(f"sweep with nothing due: median {idle_ms:.1f} ms (runs: {', '.join(f'{x:.1f}' for x in idle)})")
    for plan in query_plans(now):
        print("\n".join(f"  {line}" for line in plan.splitlines()))
        sql, steps = plan.split("\n", 1)
        index = "deadline_remind_idx" if "remind_at" in sql else "deadline_due_idx"
        if index not in steps:
            print(f"  warning: this claim does not use {index}")

    kinds = make_due(args.due, now)
    print(f"made {sum(kinds.values()):,} deadlines due: {dict(kinds)}")
    before = Notification.objects.count()
    cpu: list[float] = []
    due_s, result = timed_sweep(now, cpu)
    notifications = Notification.objects.count() - before
    print(
        f"sweep with {sum(kinds.values()):,} due: {due_s:.2f} s (Python process CPU {cpu[0]:.2f} s)  {result}  "
        f"notifications={notifications}"
    )
    after_s, after = timed_sweep(now)
    print(f"sweep again, nothing left: {after_s * 1000:.1f} ms  {after}")

    print(f"load average now: {_load()} (other work on the machine slows every figure above)")
    header = ["database", "complaints", "deadlines", "sweep idle ms", f"sweep {args.due:,} due s", "breaches",
              "escalations", "penalties", "notifications", "sweep after ms"]  # fmt: skip
    values = [engine, f"{Complaint.objects.count():,}", f"{deadlines:,}", f"{idle_ms:.1f}", f"{due_s:.2f}",
              f"{result.breaches:,}", f"{result.escalations:,}", f"{result.penalties:,}", f"{notifications:,}",
              f"{after_s * 1000:.1f}"]  # fmt: skip
    print("\n| " + " | ".join(header) + " |\n|" + "---|" * len(header) + "\n| " + " | ".join(values) + " |")

    if args.profile:
        profile_sweep(args.due, now)

    missed = []
    if idle_ms >= TARGET_IDLE_MS:
        missed.append(f"idle sweep {idle_ms:.1f} ms ≥ {TARGET_IDLE_MS:.0f} ms")
    if after_s * 1000 >= TARGET_IDLE_MS:
        missed.append(f"sweep after the breaches {after_s * 1000:.1f} ms ≥ {TARGET_IDLE_MS:.0f} ms")
    if due_s >= TARGET_DUE_S:
        missed.append(f"sweep of {args.due:,} due {due_s:.2f} s ≥ {TARGET_DUE_S:.0f} s")
    if result.breaches != sum(kinds.values()):
        missed.append(f"{result.breaches:,} breaches recorded, {sum(kinds.values()):,} were due")
    for line in missed:
        print(f"target missed: {line}")

    if args.cleanup:
        connection.close()
        drop_database(url, args.db_name)
        print("bench database dropped")
    return 1 if missed and args.check else 0


if __name__ == "__main__":
    sys.exit(main())
