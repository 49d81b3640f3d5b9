"""Soak test: the production stack on PostgreSQL + Redis under a steady mixed load, for half an hour.

    python bench/soak.py --database-url postgres://postgres@127.0.0.1:5432/kesu --redis-url redis://127.0.0.1:6379/0
    python bench/soak.py … --minutes 2 --rate 10          # a short check first

A benchmark, not a test (`make test` never runs it). It works in a database of its own (`--db-name`, default
kesu_soak, dropped and created again at every run, on the server `--database-url` names: that database
itself is never touched) and a Huey queue of its own name in the Redis database `--redis-url` names (only
that queue's keys are removed). Then it

1. migrates, collects the static files, loads the `service` playbook, creates three API clients (two agents
   and a supervisor) and a handler in each responsible department, all with e-mail addresses, and a generic
   webhook for every complaint; e-mail goes to an SMTP sink and the webhook to an HTTP sink in this process,
   both on loopback, both recording every message;
2. starts the production stack, `python -m kesu.worker` with WEB_WORKERS=4 and JOB_WORKERS=2, on a free
   loopback port;
3. drives `--minutes` of load at `--rate` requests per second on an open-loop schedule (request i is due at
   start + i / rate whatever the answers so far, so a slow server does not lower the offered load; latency
   is counted from that due time): complaints created through the API with an Idempotency-Key (a few keys
   sent twice, which must return the first complaint), each complaint then taken through acknowledge,
   triage, assign, start, note, propose_solution, customer_response, resolve, rate and close by one of the
   clients, always sending the version it last saw, notes in between, lists, single complaints and
   timelines read, and now and then an action with a deliberately stale version (409 expected);
4. half-way, waits (up to a minute) until a batch of deliveries is claimed and unfinished, then kills the
   job worker that schedules the periodic tasks with SIGKILL; kesu.worker starts it again;
5. after the load, waits until every delivery is sent (a delivery the killed worker had claimed comes due
   again after its lease, 300 s here), stops the stack with SIGTERM and checks:
   errors per operation (any 5xx, any 4xx other than the deliberate 409, any network error), every
   successful action against the timeline in the database (exactly one event each), every created complaint
   there once, every delivery row sent and received by its sink exactly once; and reports p50/p95/p99 per
   operation, throughput, and the memory (RSS) of every web and job process at start, middle and end.

Everything is bounded: `rate × minutes × 60` requests, each with a 30 s timeout, the drain and the stop
with their own time limits; the stack is killed (its whole process group) however the script ends.
Figures: bench/README.md and README.md ("Production and load").
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import email
import email.policy
import http.client
import json
import os
import platform
import random
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

LEASE_SECONDS = 300  # delivery._lease() with EMAIL_TIMEOUT = KESU_WEBHOOK_TIMEOUT = 3 (its floor)
REQUEST_TIMEOUT = 30.0
PASSWORD = "soak-pass-1234"
CLIENTS = [("soak_agent1", "agent", "CS"), ("soak_agent2", "agent", "CS"), ("soak_sup", "supervisor", "CS")]
HANDLERS = {"QC": 2, "CS": 2, "LOG": 2, "FIN": 2}
TYPES = ["quality", "service", "after_sales", "delivery", "price"]
TEXTS = [
    ("空调安装后漏水", "师傅安装完第二天室内机就开始滴水,地板都泡了,要求上门处理。"),
    ("售后电话一直打不通", "连续三天拨打售后热线都无人接听,报修单号也查不到进度。"),
    ("快递延误一周未送达", "订单显示已发货七天,物流信息一直停在中转站。"),
    ("收费与宣传不符", "套餐宣传首月免费,结果第一个月就扣了199元,要求退还。"),
    ("门店店员态度恶劣", "在门店咨询退换货政策,店员不耐烦还出言不逊,要求道歉。"),
    ("维修后故障再次出现", "洗衣机维修后不到两周又出现同样的报错。"),
    ("发票迟迟开不出来", "申请电子发票已经半个月,多次催促仍未开具。"),
    ("退款到账时间过长", "退货已签收十天,退款仍未到账,客服说系统处理中。"),
]
# The lifecycle each complaint is taken through, one step per request.
STEPS: list[tuple[str, dict]] = [
    ("acknowledge", {"note": "已致电客户致歉,约定今天内回复。"}),
    ("triage", {"priority": "important", "reason": "客户第二次来电"}),
    ("assign", {}),
    ("start", {}),
    ("note", {"text": "已联系相关部门调查原因。", "internal": True}),
    ("propose_solution", {"solution_type": "repair", "detail": "安排师傅上门维修并赠送延保一年。"}),
    ("customer_response", {"accepted": True, "comment": "客户同意"}),
    ("complete_tasks", {"note": "协助部门已完成调查并反馈。"}),  # the collaboration tasks assign opened
    ("resolve", {"summary": "已上门维修完毕,客户确认正常使用。"}),
    ("rate", {"score": 1, "comment": "满意"}),
    ("close", {}),
]
# Share of the requests per operation (an action is the complaint's next step; `note` an extra note).
MIX = [
    ("create", 9),
    ("create_repeat", 1),
    ("action", 49),
    ("note", 6),
    ("stale", 3),
    ("list", 12),
    ("get", 10),
    ("timeline", 9),
]


# ---------------------------------------------------------------------------------------------------------------
# Sinks: SMTP and HTTP on loopback, recording what arrives.


class MailSink:
    """An SMTP server (aiosmtpd) recording (recipient, subject) of every message, each taking `delay` s."""

    def __init__(self, delay: float) -> None:
        from aiosmtpd.controller import Controller

        self.delay = delay
        self.received: Counter = Counter()
        self.lock = threading.Lock()
        self.controller = Controller(self, hostname="127.0.0.1", port=free_port())

    async def handle_DATA(self, server, session, envelope):
        await asyncio.sleep(self.delay)
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        subject = " ".join(str(message["Subject"]).split())
        with self.lock:
            for rcpt in envelope.rcpt_tos:
                self.received[(rcpt, subject)] += 1
        return "250 OK"

    @property
    def port(self) -> int:
        return self.controller.port

    def start(self) -> None:
        self.controller.start()

    def stop(self) -> None:
        self.controller.stop()


class HookSink:
    """An HTTP server recording the X-Kesu-Delivery header of every webhook call."""

    def __init__(self) -> None:
        self.received: Counter = Counter()
        sink = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                self.rfile.read(length)
                sink.received[self.headers.get("X-Kesu-Delivery", "")] += 1
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"{}")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.2,), daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hook"

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# ---------------------------------------------------------------------------------------------------------------
# The database, the queue and the data


def soak_database(source_url: str, name: str) -> str:
    """Drop and create the soak database on the server of `source_url`; its URL."""
    import psycopg
    from psycopg import sql

    parts = urlsplit(source_url.replace("postgres://", "postgresql://", 1))
    if not parts.scheme.startswith("postgres"):
        raise SystemExit("--database-url: the soak runs on PostgreSQL (postgres://…)")
    if parts.path.strip("/") == name:
        raise SystemExit(f"--database-url names {name} itself: give the server's usual database, e.g. /postgres")
    server = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(server, autocommit=True, connect_timeout=5) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return urlunsplit(parts._replace(path=f"/{name}"))


def clear_queue(redis_url: str, name: str) -> None:
    """Remove this queue's keys only (others may share the Redis database)."""
    import redis

    r = redis.Redis.from_url(redis_url)
    r.ping()
    keys = list(r.scan_iter(match=f"huey.*{name}*", count=1000))
    if keys:
        r.delete(*keys)


def redis_figures(redis_url: str, name: str) -> dict:
    import redis

    r = redis.Redis.from_url(redis_url)
    keys = list(r.scan_iter(match=f"huey.*{name}*", count=1000))
    sizes = {}
    for k in keys:
        kind = r.type(k).decode()
        sizes[k.decode()] = {"hash": r.hlen, "list": r.llen, "zset": r.zcard, "set": r.scard}.get(kind, lambda _k: 1)(k)
    return {"used_memory_mb": r.info("memory")["used_memory"] / 2**20, "queue_keys": sizes}


def prepare(env: dict, hook_url: str) -> dict[str, str]:
    """Migrate, load the playbook, create the users and the webhook: the clients' tokens."""
    import django
    from django.core.management import call_command

    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kesu.settings")
    django.setup()
    call_command("migrate", interactive=False, verbosity=0)
    call_command("createcachetable", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    call_command("load_playbook", "service", verbosity=0)

    from kesu.accounts.models import ApiToken, Department, User
    from kesu.notifications.models import DepartmentWebhook

    def user(username: str, role: str, department: str) -> User:
        call_command(
            "create_user",
            username,
            role=role,
            department=[department],
            password=PASSWORD,
            email=f"{username}@soak.example.com",
            verbosity=0,
        )
        return User.objects.get(username=username)

    tokens = {}
    for username, role, department in CLIENTS:
        tokens[username] = ApiToken.issue(user(username, role, department), name="soak")[1]
    for code, count in HANDLERS.items():
        Department.objects.get_or_create(code=code, defaults={"name": code})
        for i in range(count):
            user(f"soak_{code.lower()}{i}", "handler", code)
    DepartmentWebhook.objects.create(name="soak", kind="generic", secret="soak-secret", url=hook_url)
    return tokens


# ---------------------------------------------------------------------------------------------------------------
# The stack's processes


def children(pid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        if ppid == pid:
            found.append(int(entry))
    return sorted(found)


def cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def rss_mb(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def stack_processes(launcher: int) -> dict[str, int]:
    """{"web master": pid, "web 1": pid, …, "job 0": pid, …} under the kesu.worker process."""
    named: dict[str, int] = {}
    jobs = []
    for pid in children(launcher):
        line = cmdline(pid)
        if "gunicorn" in line:
            named["web master"] = pid
            for i, worker in enumerate(children(pid), start=1):
                named[f"web {i}"] = worker
        elif "run_huey" in line:
            jobs.append((0 if "--no-periodic" not in line else 1, pid))
    for i, (_periodic, pid) in enumerate(sorted(jobs)):
        named[f"job {i}{' (periodic)' if _periodic == 0 else ''}"] = pid
    return named


def sample_memory(launcher: int) -> dict[str, tuple[int, float]]:
    return {name: (pid, rss_mb(pid) or 0.0) for name, pid in stack_processes(launcher).items()}


# ---------------------------------------------------------------------------------------------------------------
# The clients


@dataclass
class Tracked:
    number: str
    version: int
    client: str
    step: int = 0
    busy: bool = False
    done: bool = False


@dataclass
class Record:
    op: str
    status: int  # HTTP status, 0 for a network error or timeout
    latency_ms: float
    service_ms: float
    outcome: str  # ok | stale_409 | background_409 | error
    detail: str = ""


@dataclass
class Ledger:
    """What the clients did, on their side."""

    records: list[Record] = field(default_factory=list)
    actions: Counter = field(default_factory=Counter)  # (number, action) → successful calls
    creates: dict[str, str] = field(default_factory=dict)  # Idempotency-Key → number
    creators: dict[str, str] = field(default_factory=dict)  # Idempotency-Key → client (keys are per client)
    repeat_mismatch: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, record: Record) -> None:
        with self.lock:
            self.records.append(record)


class Load:
    def __init__(self, base: str, tokens: dict[str, str], ledger: Ledger, rng: random.Random) -> None:
        self.host, self.port = urlsplit(base).hostname, urlsplit(base).port
        self.tokens = tokens
        self.ledger = ledger
        self.rng = rng
        self.rng_lock = threading.Lock()
        self.local = threading.local()
        self.complaints: list[Tracked] = []
        self.pool_lock = threading.Lock()
        self.bodies: dict[str, dict] = {}
        self.serial = 0
        self.mail: MailSink | None = None
        self.hooks: HookSink | None = None

    # HTTP, a new connection per request: a kept-alive one that gunicorn closes after its keep-alive time
    # (2 s) just as a request goes out fails without an answer, a race of the client's, not the server's.
    def call(self, method: str, path: str, client: str, body: dict | None = None, headers: dict | None = None):
        conn = self.local.conn = http.client.HTTPConnection(self.host, self.port, timeout=REQUEST_TIMEOUT)
        all_headers = {"Authorization": f"Bearer {self.tokens[client]}", "Accept": "application/json"}
        data = None
        if body is not None:
            data = json.dumps(body, ensure_ascii=False).encode()
            all_headers["Content-Type"] = "application/json"
        all_headers.update(headers or {})
        try:
            conn.request(method, f"/api/v1{path}", body=data, headers=all_headers)
            response = conn.getresponse()
            raw = response.read()
        except (OSError, http.client.HTTPException) as exc:
            conn.close()
            self.local.conn = None
            return 0, {"error": {"message": f"{type(exc).__name__}: {exc}"}}
        conn.close()
        self.local.conn = None
        try:
            return response.status, json.loads(raw or b"null")
        except ValueError:
            return response.status, {"error": {"message": raw[:200].decode(errors="replace")}}

    def pick(self, seq):
        with self.rng_lock:
            return self.rng.choice(seq)

    def chance(self) -> float:
        with self.rng_lock:
            return self.rng.random()

    def take(self, *, min_version: int = 1, extra_note: bool = False) -> Tracked | None:
        """A complaint no other request is acting on (marked busy)."""
        with self.pool_lock:
            free = [
                t
                for t in self.complaints[-400:]
                if not t.busy and not t.done and t.version >= min_version and (not extra_note or 0 < t.step < 9)
            ]
            if not free:
                return None
            with self.rng_lock:
                # The furthest along of three at random: complaints reach the end of their lifecycle.
                t = max(self.rng.sample(free, min(3, len(free))), key=lambda c: c.step)
            t.busy = True
            return t

    def release(self, t: Tracked) -> None:
        with self.pool_lock:
            t.busy = False

    # the operations: each returns (op, status, outcome, detail)
    def create(self, repeat: bool):
        client = self.pick(list(self.tokens))
        repeat = repeat and bool(self.ledger.creates)
        if repeat:
            with self.ledger.lock:
                key = self.pick(list(self.ledger.creates))
                client = self.ledger.creators[key]
            body = self.bodies[key]
        else:
            with self.pool_lock:
                self.serial += 1
                serial = self.serial
            key = f"soak-{serial}-{secrets.token_hex(4)}"
            title, description = self.pick(TEXTS)
            body = {
                "title": f"{title} #{serial}",
                "description": description,
                "channel": self.pick(["phone", "web", "chat", "email", "store"]),
                "customer": {"name": f"客户{serial}", "kind": "consumer", "phone": f"139{serial:08d}"[-11:]},
                "type_code": self.pick(TYPES),
                "amount": self.pick([None, "120.00", "899.00", "6200.00"]),
            }
            self.bodies[key] = body
        status, answer = self.call("POST", "/complaints", client, body, {"Idempotency-Key": key})
        op = "create (repeated key)" if repeat else "create"
        if repeat:
            if status == 200 and answer.get("number") == self.ledger.creates.get(key):
                return op, status, "ok", ""
            if status == 200:
                with self.ledger.lock:
                    self.ledger.repeat_mismatch += 1
            return op, status, "error", _message(answer)
        if status == 201:
            with self.ledger.lock:
                self.ledger.creates[key] = answer["number"]
                self.ledger.creators[key] = client
            with self.pool_lock:
                self.complaints.append(Tracked(answer["number"], answer["version"], client))
            return op, status, "ok", ""
        return op, status, "error", _message(answer)

    def act(self, t: Tracked, action: str, body: dict, *, version: int) -> tuple[int, dict]:
        client = self.pick(list(self.tokens))
        status, answer = self.call(
            "POST", f"/complaints/{t.number}/actions/{action}", client, {**body, "version": version}
        )
        if status == 200:
            with self.ledger.lock:
                self.ledger.actions[(t.number, action)] += 1
            t.version = answer["version"]
        return status, answer

    def step(self, extra_note: bool):
        t = self.take(extra_note=extra_note)
        if t is None:
            return self.create(False)
        try:
            action, body = (
                ("note", {"text": "客户来电询问进度,已告知。", "internal": False}) if extra_note else STEPS[t.step]
            )
            op = action
            if action == "complete_tasks":
                status, answer = self.complete_tasks(t, body["note"])
            else:
                status, answer = self.act(t, action, body, version=t.version)
            outcome = "ok" if status == 200 else "error"
            if status == 409:
                # Changed meanwhile by the worker (an SLA escalation raises the version)? Then again, once.
                s2, fresh = self.call("GET", f"/complaints/{t.number}", t.client)
                if s2 == 200 and fresh["version"] != t.version:
                    t.version = fresh["version"]
                    outcome = "background_409"
                    self.ledger.add(Record(op, status, 0.0, 0.0, outcome, _message(answer)))
                    status, answer = self.act(t, action, body, version=t.version)
                    outcome = "ok" if status == 200 else "error"
            if status == 200 and not extra_note:
                t.step += 1
                t.done = t.step >= len(STEPS)
            return op, status, outcome, "" if status == 200 else _message(answer)
        finally:
            self.release(t)

    def complete_tasks(self, t: Tracked, note: str) -> tuple[int, dict]:
        """The supervisor marks every open task of the complaint done (one timeline event each), then the
        client reloads the complaint for its version."""
        status, tasks = self.call("GET", f"/complaints/{t.number}/tasks", "soak_sup")
        if status != 200:
            return status, tasks
        for task in tasks:
            if task["status"] in ("done", "cancelled"):
                continue
            body = {"status": "done", "note": note, "version": task["version"]}
            status, answer = self.call("PATCH", f"/complaints/{t.number}/tasks/{task['id']}", "soak_sup", body)
            if status != 200:
                return status, answer
            with self.ledger.lock:
                self.ledger.actions[(t.number, "task_updated")] += 1
        status, fresh = self.call("GET", f"/complaints/{t.number}", t.client)
        if status == 200:
            t.version = fresh["version"]
        return status, fresh

    def stale(self):
        t = self.take(min_version=2)
        if t is None:
            return self.read("list")
        try:
            status, answer = self.act(t, "note", {"text": "过期版本", "internal": True}, version=t.version - 1)
            return "note (stale version)", status, "stale_409" if status == 409 else "error", _message(answer)
        finally:
            self.release(t)

    def read(self, kind: str):
        client = self.pick(list(self.tokens))
        with self.pool_lock:
            known = [t.number for t in self.complaints[-400:]]
        if kind == "list" or not known:
            path = self.pick(
                [
                    "/complaints?page_size=50",
                    "/complaints?status=new,acknowledged&page_size=20",
                    f"/complaints?q={quote('漏水')}",
                ]
            )
            op = "list"
        elif kind == "get":
            path, op = f"/complaints/{self.pick(known)}", "get"
        else:
            path, op = f"/complaints/{self.pick(known)}/events", "timeline"
        status, answer = self.call("GET", path, client)
        return op, status, "ok" if status == 200 else "error", "" if status == 200 else _message(answer)

    def run_one(self, kind: str, due: float) -> None:
        started = time.monotonic()
        try:
            if kind in ("create", "create_repeat"):
                op, status, outcome, detail = self.create(kind == "create_repeat")
            elif kind in ("action", "note"):
                op, status, outcome, detail = self.step(kind == "note")
            elif kind == "stale":
                op, status, outcome, detail = self.stale()
            else:
                op, status, outcome, detail = self.read(kind)
        except Exception as exc:  # a defect of this script: reported, never silently lost in the pool
            op, status, outcome, detail = kind, -1, "error", f"client exception {type(exc).__name__}: {exc}"
            conn, self.local.conn = getattr(self.local, "conn", None), None
            if conn is not None:
                conn.close()
        end = time.monotonic()
        self.ledger.add(Record(op, status, (end - due) * 1000, (end - started) * 1000, outcome, detail[:300]))


def _message(answer) -> str:
    if isinstance(answer, dict) and isinstance(answer.get("error"), dict):
        return str(answer["error"].get("message", ""))[:300]
    return ""


# ---------------------------------------------------------------------------------------------------------------
# The run


def percentile(values: list[float], p: float) -> float:
    if not values:
        return 0.0
    values = sorted(values)
    return values[min(len(values) - 1, max(0, round(p / 100 * len(values) + 0.5) - 1))]


def wait_healthy(base: str, proc: subprocess.Popen, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"the stack ended at start-up (exit {proc.returncode}); see its log")
        try:
            conn = http.client.HTTPConnection(urlsplit(base).hostname, urlsplit(base).port, timeout=5)
            conn.request("GET", "/api/v1/health")
            if conn.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.5)
    raise SystemExit("the stack did not answer /api/v1/health in time")


def leased_deliveries() -> int:
    """Deliveries claimed by a worker and not finished yet (their lease still runs)."""
    from django.db import connection
    from django.utils import timezone

    from kesu.notifications.models import Delivery

    try:
        return Delivery.objects.filter(
            status__in=["pending", "failed"], attempts__gte=1, next_attempt_at__gt=timezone.now()
        ).count()
    finally:
        connection.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", ""), help="a PostgreSQL server")
    parser.add_argument("--db-name", default="kesu_soak")
    parser.add_argument("--redis-url", default=os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"))
    parser.add_argument("--minutes", type=float, default=30.0)
    parser.add_argument("--rate", type=float, default=15.0, help="requests per second, open loop")
    parser.add_argument("--web-workers", type=int, default=4)
    parser.add_argument("--job-workers", type=int, default=2)
    parser.add_argument("--smtp-delay", type=float, default=0.05, help="seconds the SMTP sink takes per message")
    parser.add_argument("--warmup", type=float, default=60.0, help="seconds of load before the measured run")
    parser.add_argument("--no-kill", action="store_true", help="do not kill a job worker half-way")
    parser.add_argument("--out", default=str(ROOT / "var" / "soak"), help="folder for the logs and the report")
    parser.add_argument("--seed", type=int, default=20260101)
    args = parser.parse_args()
    if not args.database_url:
        raise SystemExit("--database-url (or DATABASE_URL): the PostgreSQL server to run on")

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    huey_name = args.db_name
    database_url = soak_database(args.database_url, args.db_name)
    clear_queue(args.redis_url, huey_name)
    mail, hooks = MailSink(args.smtp_delay), HookSink()
    mail.start()
    hooks.start()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {
        "DATABASE_URL": database_url,
        "REDIS_URL": args.redis_url,
        "HUEY_NAME": huey_name,
        "KESU_VAR_DIR": str(out / "var"),
        "SECRET_KEY": secrets.token_urlsafe(50),
        "DEBUG": "0",
        "ALLOWED_HOSTS": "127.0.0.1",
        "KESU_BASE_URL": base,
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(mail.port),
        "EMAIL_TIMEOUT": "3",
        "KESU_WEBHOOK_TIMEOUT": "3",
        "DEFAULT_FROM_EMAIL": "kesu@soak.example.com",
        "PORT": str(port),
        "WEB_WORKERS": str(args.web_workers),
        "JOB_WORKERS": str(args.job_workers),
        "ACCESS_LOG": str(out / "access.log"),
        "LOG_LEVEL": "WARNING",
    }
    t0 = time.monotonic()
    tokens = prepare(env, hooks.url)
    print(
        f"prepared in {time.monotonic() - t0:.1f} s: {database_url}, queue {huey_name} on {args.redis_url}", flush=True
    )

    log = open(out / "stack.log", "w")  # noqa: SIM115 (kept open for the stack's lifetime)
    stack = subprocess.Popen(
        [sys.executable, "-m", "kesu.worker"],
        cwd=ROOT,
        env={**os.environ, **env},
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )

    def kill_stack(*_args) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(stack.pid, signal.SIGKILL)

    def interrupted(*_args) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupted)
    report: dict = {}
    try:
        wait_healthy(base, stack)
        print(f"stack up on {base}: {stack_processes(stack.pid)}", flush=True)
        report = drive(args, base, tokens, stack, out, mail, hooks)
    finally:
        if stack.poll() is None:
            stack.send_signal(signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                stack.wait(timeout=60)
        kill_stack()
        mail.stop()
        hooks.stop()
        log.close()
    return 0 if report.get("clean") else 1


def drive(args, base: str, tokens: dict[str, str], stack: subprocess.Popen, out: Path, mail, hooks) -> dict:
    rng = random.Random(args.seed)
    ledger = Ledger()
    load = Load(base, tokens, ledger, rng)
    load.mail, load.hooks = mail, hooks
    total = int(args.rate * args.minutes * 60)
    kinds = [k for k, w in MIX for _ in range(w)]
    schedule = [rng.choice(kinds) for _ in range(total)]
    memory: dict[str, dict] = {}
    redis_at: dict[str, dict] = {}
    kill: dict = {}

    pool = ThreadPoolExecutor(max_workers=48)
    # Warm-up (not counted): the same mix for --warmup seconds, so every web process has loaded what it
    # keeps (code, catalogues, the risk lexicon) before the first memory sample.
    warm = time.monotonic()
    for i in range(int(args.rate * args.warmup)):
        delay = warm + i / args.rate - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        pool.submit(load.run_one, rng.choice(kinds), time.monotonic())
    pool.shutdown(wait=True)
    pool = ThreadPoolExecutor(max_workers=48)
    with ledger.lock:
        warm_errors = [r for r in ledger.records if r.outcome == "error"]
        ledger.records.clear()
    if warm_errors:
        print(f"warm-up: {len(warm_errors)} errors, e.g. {warm_errors[0]}", flush=True)
    memory["start"] = sample_memory(stack.pid)
    redis_at["start"] = redis_figures(args.redis_url, args.db_name)

    start = time.monotonic()
    half = total // 2
    max_lag = 0.0
    for i, kind in enumerate(schedule):
        due = start + i / args.rate
        delay = due - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        max_lag = max(max_lag, time.monotonic() - due)
        pool.submit(load.run_one, kind, due)
        if i == half:
            memory["middle"] = sample_memory(stack.pid)
            redis_at["middle"] = redis_figures(args.redis_url, args.db_name)
            if not args.no_kill and args.job_workers:
                threading.Thread(target=kill_a_worker, args=(stack, kill), daemon=True).start()
        if i and i % int(args.rate * 60) == 0:
            done = len(ledger.records)
            bad = sum(r.outcome == "error" for r in ledger.records)
            print(f"{(time.monotonic() - start) / 60:5.1f} min: {done} answered, {bad} errors", flush=True)
    pool.shutdown(wait=True)
    elapsed = time.monotonic() - start
    memory["end"] = sample_memory(stack.pid)
    redis_at["end"] = redis_figures(args.redis_url, args.db_name)
    print(f"load done in {elapsed:.0f} s; draining deliveries", flush=True)

    drained_in = drain(LEASE_SECONDS + 180)
    stop_started = time.monotonic()
    stack.send_signal(signal.SIGTERM)
    try:
        stack.wait(timeout=60)
        stopped = {"seconds": round(time.monotonic() - stop_started, 1), "exit": stack.returncode}
    except subprocess.TimeoutExpired:
        stopped = {"seconds": None, "exit": None}
    report = check(ledger, load, args, elapsed, max_lag, memory, redis_at, kill, drained_in, stopped)
    (out / "report.json").write_text(json.dumps(report, ensure_ascii=False, indent=2, default=str))
    text = render(report)
    (out / "report.md").write_text(text)
    print(text, flush=True)
    return report


def kill_a_worker(stack: subprocess.Popen, kill: dict) -> None:
    """SIGKILL the periodic job worker while a batch of deliveries is claimed (waiting up to a minute for one)."""
    deadline = time.monotonic() + 60
    leased = 0
    while time.monotonic() < deadline and not (leased := leased_deliveries()):
        time.sleep(0.05)
    jobs = {n: p for n, p in stack_processes(stack.pid).items() if n.startswith("job")}
    name = next((n for n in jobs if "periodic" in n), next(iter(jobs), None))
    if name is None:
        kill["error"] = "no job worker found"
        return
    pid = jobs[name]
    os.kill(pid, signal.SIGKILL)
    killed_at = time.monotonic()
    kill.update(worker=name, pid=pid, leased_at_kill=leased, at=time.strftime("%H:%M:%S"))
    while time.monotonic() - killed_at < 60:
        now = {n: p for n, p in stack_processes(stack.pid).items() if n.startswith("job")}
        if len(now) == len(jobs) and pid not in now.values():
            kill["restarted_after_s"] = round(time.monotonic() - killed_at, 1)
            kill["new_pid"] = now.get(name)
            return
        time.sleep(0.2)
    kill["restarted_after_s"] = None


def drain(limit: float) -> float | None:
    """Wait until no delivery is due or leased; seconds it took, None when the limit passed first."""
    from django.db import connection

    from kesu.notifications.models import Delivery

    started = time.monotonic()
    quiet = 0
    while time.monotonic() - started < limit:
        try:
            open_rows = Delivery.objects.filter(status__in=["pending", "failed"]).count()
        finally:
            connection.close()
        quiet = quiet + 1 if open_rows == 0 else 0
        if quiet >= 3:
            return round(time.monotonic() - started, 1)
        time.sleep(2)
    return None


def check(ledger, load, args, elapsed, max_lag, memory, redis_at, kill, drained_in, stopped) -> dict:
    from django.db import connection
    from django.db.models import Count

    from kesu.accounts.models import User
    from kesu.complaints.models import Complaint, Event
    from kesu.notifications import messages
    from kesu.notifications.models import Delivery, Notification

    # Operations
    by_op: dict[str, list[Record]] = defaultdict(list)
    for r in ledger.records:
        by_op[r.op].append(r)
    ops = {}
    for op, rows in sorted(by_op.items()):
        answered = [r for r in rows if r.outcome != "background_409"]
        latencies = [r.latency_ms for r in answered]
        ops[op] = {
            "requests": len(answered),
            "ok": sum(r.outcome == "ok" for r in rows),
            "stale_409": sum(r.outcome == "stale_409" for r in rows),
            "background_409": sum(r.outcome == "background_409" for r in rows),
            "errors": sum(r.outcome == "error" for r in rows),
            "p50_ms": round(percentile(latencies, 50), 1),
            "p95_ms": round(percentile(latencies, 95), 1),
            "p99_ms": round(percentile(latencies, 99), 1),
            "max_ms": round(max(latencies or [0]), 1),
        }
    errors = Counter((r.op, r.status, r.detail[:120]) for r in ledger.records if r.outcome == "error")

    # Timeline: every successful action exactly once, every complaint once
    clients = list(User.objects.filter(username__in=[c[0] for c in CLIENTS]))
    numbers = set(ledger.creates.values())
    acted = {a for _n, a in ledger.actions}
    in_db = Counter(
        Event.objects.filter(complaint__number__in=numbers, actor__in=clients, action__in=acted).values_list(
            "complaint__number", "action"
        )
    )
    lost_events = sum(max(0, n - in_db[k]) for k, n in ledger.actions.items())
    doubled_events = sum(max(0, n - ledger.actions[k]) for k, n in in_db.items())
    complaints_in_db = Complaint.objects.filter(number__in=numbers).count()
    created_by_clients = Complaint.objects.filter(created_by__in=clients).count()
    create_events = Counter(
        Event.objects.filter(complaint__number__in=numbers, action="create").values_list("complaint__number", flat=True)
    )
    bad_create_events = sum(1 for n in numbers if create_events[n] != 1)

    # Deliveries: all sent, each received once
    status = dict(Delivery.objects.values_list("status").annotate(n=Count("id")))
    expected_mail: Counter = Counter()
    expected_hooks: Counter = Counter()
    for d in Delivery.objects.filter(status="sent").only("channel", "target", "key", "payload"):
        if d.channel == "email":
            expected_mail[(d.target, " ".join(messages.subject(d.payload).split()))] += 1
        else:
            expected_hooks[d.key] += 1
    lost_mail = sum(max(0, n - load.mail.received[k]) for k, n in expected_mail.items())
    doubled_mail = sum(max(0, n - expected_mail[k]) for k, n in load.mail.received.items())
    lost_hooks = sum(max(0, n - load.hooks.received[k]) for k, n in expected_hooks.items())
    doubled_hooks = sum(max(0, n - expected_hooks[k]) for k, n in load.hooks.received.items())
    mailable = Notification.objects.filter(user__email__gt="").values_list("key", flat=True)
    email_keys = set(Delivery.objects.filter(channel="email").values_list("key", flat=True))
    unplanned = sum(1 for k in mailable if f"email:{k}" not in email_keys)
    recovered = Delivery.objects.filter(status="sent", attempts__gte=2).count()
    notifications = Notification.objects.count()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_database_size(current_database())")
        db_mb = cursor.fetchone()[0] / 2**20
    connection.close()

    requests = sum(v["requests"] for v in ops.values())
    total_errors = sum(v["errors"] for v in ops.values())
    integrity = {
        "complaints created": len(numbers),
        "complaints in the database (of those)": complaints_in_db,
        "complaints created by the clients in the database": created_by_clients,
        "complaints without exactly one create event": bad_create_events,
        "repeated keys answered with another complaint": ledger.repeat_mismatch,
        "successful actions": sum(ledger.actions.values()),
        "actions without their event (lost)": lost_events,
        "events without their action (doubled)": doubled_events,
        "notifications": notifications,
        "notifications to a user with e-mail without an e-mail delivery": unplanned,
        "deliveries by status": status,
        "e-mails sent / received": f"{sum(expected_mail.values())} / {sum(load.mail.received.values())}",
        "e-mails lost / doubled": f"{lost_mail} / {doubled_mail}",
        "webhook calls sent / received": f"{sum(expected_hooks.values())} / {sum(load.hooks.received.values())}",
        "webhook calls lost / doubled": f"{lost_hooks} / {doubled_hooks}",
        "deliveries sent on a later attempt (after a lease or a failure)": recovered,
    }
    clean = (
        total_errors == 0
        and lost_events == doubled_events == bad_create_events == ledger.repeat_mismatch == 0
        and complaints_in_db == len(numbers) == created_by_clients
        and set(status) <= {"sent"}
        and lost_mail == doubled_mail == lost_hooks == doubled_hooks == unplanned == 0
    )
    return {
        "clean": clean,
        "date": time.strftime("%Y-%m-%d %H:%M"),
        "machine": f"{os.cpu_count()} cores, {platform.platform()}, Python {platform.python_version()}",
        "load_average_end": os.getloadavg(),
        "minutes": args.minutes,
        "rate": args.rate,
        "requests": requests,
        "elapsed_s": round(elapsed, 1),
        "throughput_rps": round(requests / elapsed, 2) if elapsed else 0,
        "max_dispatch_lag_ms": round(max_lag * 1000, 1),
        "errors": total_errors,
        "operations": ops,
        "error_kinds": [{"op": o, "status": s, "message": m, "count": n} for (o, s, m), n in errors.most_common(20)],
        "integrity": integrity,
        "kill": kill,
        "drained_in_s": drained_in,
        "stop": stopped,
        "memory": memory,
        "redis": redis_at,
        "database_mb": round(db_mb, 1),
        "web_workers": args.web_workers,
        "job_workers": args.job_workers,
    }


def render(report: dict) -> str:
    lines = [
        f"# Soak {report['date']}: {report['minutes']} min at {report['rate']}/s, "
        f"{report['web_workers']} web + {report['job_workers']} job workers — "
        f"{'CLEAN' if report['clean'] else 'NOT CLEAN'}",
        "",
        f"{report['machine']}; load average at the end {', '.join(f'{x:.1f}' for x in report['load_average_end'])}",
        f"requests {report['requests']} in {report['elapsed_s']} s = {report['throughput_rps']}/s; "
        f"errors {report['errors']}; largest dispatch lag {report['max_dispatch_lag_ms']} ms",
        "",
        "| operation | requests | ok | 409 stale (expected) | 409 after a worker's change (retried) | errors "
        "| p50 ms | p95 ms | p99 ms | max ms |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for op, v in report["operations"].items():
        lines.append(
            f"| {op} | {v['requests']} | {v['ok']} | {v['stale_409']} | {v['background_409']} | {v['errors']} "
            f"| {v['p50_ms']} | {v['p95_ms']} | {v['p99_ms']} | {v['max_ms']} |"
        )
    if report["error_kinds"]:
        lines += ["", "Errors:"] + [
            f"- {e['count']} × {e['op']} → {e['status']}: {e['message']}" for e in report["error_kinds"]
        ]
    lines += ["", "| check | value |", "|---|---|"]
    lines += [f"| {k} | {v} |" for k, v in report["integrity"].items()]
    lines += [
        "",
        f"Killed: {report['kill']}; deliveries drained {report['drained_in_s']} s after the load; "
        f"stop (SIGTERM) {report['stop']}; database {report['database_mb']} MB",
        "",
        "| process | RSS start MB | middle MB | end MB | growth MB |",
        "|---|---|---|---|---|",
    ]
    memory = report["memory"]
    for name in memory.get("start", {}):
        start_pid, start_mb = memory["start"][name]
        cells = []
        for moment in ("middle", "end"):
            pid, mb = memory.get(moment, {}).get(name, (None, None))
            cells.append(f"{mb:.1f}" + ("" if pid == start_pid else " (new process)") if mb is not None else "—")
        end_pid, end_mb = memory.get("end", {}).get(name, (None, None))
        growth = f"{end_mb - start_mb:+.1f}" if end_pid == start_pid and end_mb is not None else "—"
        lines.append(f"| {name} | {start_mb:.1f} | {cells[0]} | {cells[1]} | {growth} |")
    redis = report["redis"]
    lines += [
        "",
        "Redis: "
        + "; ".join(f"{m} {r['used_memory_mb']:.1f} MB, queue keys {r['queue_keys']}" for m, r in redis.items() if r),
    ]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main())
