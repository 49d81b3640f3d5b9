"""Read paths at a million complaints: the production server under 4 concurrent clients.

    python bench/read_paths.py                                  # SQLite, 1,000,000 complaints
    python bench/read_paths.py --db both --duration 10          # SQLite, then PostgreSQL (database kesu_bench_read)
    python bench/read_paths.py --only list,detail_api --complaints 100000

For each database it

1. builds the bench database with bench/build_million.py, or reuses it when its stamp matches (the first
   build of a million takes about 8 minutes on SQLite and 12 on PostgreSQL on 2 shared cores), and always
   runs `migrate` on it;
2. creates the benchmark's sign-ins (API tokens and web sessions for an agent, who sees the whole
   organisation, and a handler of the busiest department, whose data scope applies) and picks the
   complaints, owner, department, month and week the requests ask for;
3. serves it with the production server, `python -m kesu.worker` with WEB_WORKERS=2 and JOB_WORKERS=0, on
   a free loopback port;
4. drives each operation for --duration seconds with --clients concurrent keep-alive clients (after a
   short warm-up that is not counted) and prints p50/p95/p99 and requests per second per operation, then a
   Markdown table with the targets. An operation whose endpoint answers 404 (not built yet) is "n/a".

Creating complaints (`create`) runs last, since it adds complaints; the other operations only read.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import http.client
import json
import os
import platform
import random
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

# operation → (target p95 ms, what it is)
LIST_MS, DETAIL_MS, SEARCH_MS = 50, 20, 200
TARGETS = {
    "list_api": LIST_MS, "list_api_status": LIST_MS, "list_api_severity": LIST_MS, "list_api_department": LIST_MS,
    "list_api_overdue": LIST_MS, "list_api_owner": LIST_MS, "list_api_handler": LIST_MS, "list_api_next_page": LIST_MS,
    "inbox_web": LIST_MS, "inbox_web_open": LIST_MS, "inbox_web_due": LIST_MS, "inbox_web_handler": LIST_MS,
    "detail_api": DETAIL_MS, "events_api": DETAIL_MS, "detail_api_handler": DETAIL_MS, "detail_web": DETAIL_MS,
    "search_common": SEARCH_MS, "search_common2": SEARCH_MS, "search_rare": SEARCH_MS, "search_web": SEARCH_MS,
    "summary_month": 500, "dashboard": 500, "weekly_xlsx": 2000, "kpis_month": 1000, "create": 100,
}  # fmt: skip
CREATE_RATE = 180.0
OPERATIONS = list(TARGETS)
DESCRIPTIONS = {
    "list_api": "API list, default (newest first, page of 50)",
    "list_api_status": "API list, status=investigating",
    "list_api_severity": "API list, severity=A",
    "list_api_department": "API list, department",
    "list_api_overdue": "API list, overdue=true",
    "list_api_owner": "API list, owner",
    "list_api_handler": "API list, as a handler (data scope)",
    "list_api_next_page": "API list, a later page (cursor)",
    "inbox_web": "web inbox, default",
    "inbox_web_open": "web inbox, all open",
    "inbox_web_due": "web inbox, overdue, by deadline",
    "inbox_web_handler": "web inbox, handler's tab",
    "detail_api": "API one complaint",
    "events_api": "API timeline",
    "detail_api_handler": "API one complaint, as a handler",
    "detail_web": "web complaint page",
    "search_common": "search 漏水 (common)",
    "search_common2": "search 质量 (common)",
    "search_rare": "search 爆炸 (rare)",
    "search_web": "web inbox search 漏水",
    "summary_month": "report summary, one month",
    "dashboard": "dashboard page",
    "weekly_xlsx": "weekly report .xlsx",
    "kpis_month": "KPIs by person, one month",
    "create": "create (POST /complaints)",
}
DASHBOARD_PATHS = ["/dashboard", "/reports/dashboard", "/reports", "/reports/"]
TITLES = [("冰箱漏水", "买了三天的冰箱一直漏水,地板都泡了。"), ("空调不制冷", "开机两小时温度降不下来,要求上门。"),
          ("洗衣机噪音大", "脱水时噪音很大,邻居都来敲门。"), ("快递延误", "订单显示已发货七天仍未送达。"),
          ("售后态度差", "客服说话不耐烦,要求道歉。"), ("热水器漏电", "洗澡时感觉麻手,非常危险。")]  # fmt: skip


# ---------------------------------------------------------------------------------------------------------------
# Preparation (in a child process: Django is set up on the bench database there)


def prepare(args) -> dict:
    import build_million

    stamp = build_million.ensure(
        args.complaints, args.prepare, name=args.db_name, rebuild=args.rebuild, path=args.sqlite_path
    )
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.db.models import Count
    from django.utils.module_loading import import_string

    from kesu.accounts.models import ApiToken, Department, User
    from kesu.complaints.models import Complaint

    def signin(username: str) -> dict:
        user = User.objects.get(username=username)
        ApiToken.objects.filter(user=user, name="read-paths bench").delete()
        _token, raw = ApiToken.issue(user, name="read-paths bench")
        store = import_string(settings.SESSION_ENGINE + ".SessionStore")()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.set_expiry(86400)
        store.save()
        return {"username": username, "token": raw, "cookie": f"{settings.SESSION_COOKIE_NAME}={store.session_key}"}

    busiest = (
        Complaint.objects.exclude(department=None)
        .values("department")
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()["department"]
    )
    department = Department.objects.get(pk=busiest)
    handler = User.objects.filter(username__startswith=f"bench_{department.code.lower()}_h").order_by("username")[0]
    owner = (
        Complaint.objects.filter(owner__isnull=False, status="investigating")
        .values_list("owner__username", flat=True)
        .first()
    )
    top = Complaint.objects.order_by("-id").values_list("id", flat=True).first()
    rng = random.Random(7)
    ids = [rng.randint(1, top) for _ in range(400)]
    numbers = list(Complaint.objects.filter(id__in=ids).values_list("number", flat=True))
    scoped = list(
        Complaint.objects.filter(id__in=[rng.randint(1, top) for _ in range(4000)], department=department).values_list(
            "number", flat=True
        )[:300]
    )
    now = dt.datetime.fromisoformat(stamp["now"])
    first_of_month = now.date().replace(day=1)
    last_month_end = first_of_month - dt.timedelta(days=1)
    last_month = last_month_end.replace(day=1)
    week = (now.date() - dt.timedelta(days=7)).isocalendar()
    cursor_id = top - 5000
    import base64

    cursor = base64.urlsafe_b64encode(f"id:{cursor_id}".encode()).decode().rstrip("=")
    return {
        "engine": f"{'SQLite' if args.prepare == 'sqlite' else 'PostgreSQL'} {_server_version()}",
        "url": os.environ["DATABASE_URL"],
        "stamp": stamp,
        "agent": signin("bench_agent01"),
        "handler": signin(handler.username),
        "supervisor": signin("bench_supervisor"),
        "department": department.code,
        "owner": owner,
        "numbers": numbers,
        "scoped_numbers": scoped or numbers,
        "month": [last_month.isoformat(), last_month_end.isoformat()],
        "week": f"{week[0]}-W{week[1]:02d}",
        "cursor": cursor,
        "complaints": Complaint.objects.count(),
    }


def _server_version() -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("select sqlite_version()")
            return cursor.fetchone()[0]
        cursor.execute("SHOW server_version")
        return cursor.fetchone()[0].split()[0]


# ---------------------------------------------------------------------------------------------------------------
# The server


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def serve(url: str, log: Path):
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "PORT": str(port),
        "HOST": "127.0.0.1",
        "WEB_WORKERS": "2",
        "JOB_WORKERS": "0",
        "ACCESS_LOG": os.devnull,
        "DEBUG": "0",
    }
    log.parent.mkdir(parents=True, exist_ok=True)
    with open(log, "ab") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "kesu.worker"], cwd=ROOT, env=env, stdout=out, stderr=out, start_new_session=True
        )
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise SystemExit(f"the server ended (exit {process.returncode}); see {log}")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                conn.request("GET", "/api/v1/health")
                if conn.getresponse().status == 200:
                    conn.close()
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise SystemExit(f"the server did not answer /api/v1/health within 60 s; see {log}")
            time.sleep(0.3)
        yield port
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=40)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


# ---------------------------------------------------------------------------------------------------------------
# The load


@dataclass
class Request:
    method: str
    path: str
    headers: dict
    body: bytes | None = None


@dataclass
class Result:
    op: str
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    statuses: dict = field(default_factory=dict)
    seconds: float = 0.0
    missing: bool = False
    sample_error: str = ""

    def pct(self, p: float) -> float:
        values = sorted(self.latencies)
        if not values:
            return float("nan")
        return values[min(len(values) - 1, round(p / 100 * (len(values) - 1)))]

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds else 0.0


def request_maker(op: str, ctx: dict):
    """A function rng → Request for operation `op`."""
    agent, handler = ctx["agent"], ctx["handler"]
    api = {"Authorization": f"Bearer {agent['token']}", "Accept": "application/json"}
    api_h = {"Authorization": f"Bearer {handler['token']}", "Accept": "application/json"}
    web = {"Cookie": agent["cookie"]}
    web_h = {"Cookie": handler["cookie"]}
    sup = {"Authorization": f"Bearer {ctx['supervisor']['token']}", "Accept": "application/json"}
    web_sup = {"Cookie": ctx["supervisor"]["cookie"]}
    numbers, scoped = ctx["numbers"], ctx["scoped_numbers"]
    month_from, month_to = ctx["month"]

    def get(path: str, headers: dict, params: dict | None = None):
        full = path + ("?" + urlencode(params) if params else "")
        return lambda rng: Request("GET", full, headers)

    lists = "/api/v1/complaints"
    makers = {
        "list_api": get(lists, api),
        "list_api_status": get(lists, api, {"status": "investigating"}),
        "list_api_severity": get(lists, api, {"severity": "A"}),
        "list_api_department": get(lists, api, {"department": ctx["department"]}),
        "list_api_overdue": get(lists, api, {"overdue": "true"}),
        "list_api_owner": get(lists, api, {"owner": ctx["owner"] or "nobody"}),
        "list_api_handler": get(lists, api_h),
        "list_api_next_page": get(lists, api, {"cursor": ctx["cursor"]}),
        "inbox_web": get("/", web),
        "inbox_web_open": get("/", web, {"status": "open"}),
        "inbox_web_due": get("/", web, {"overdue": "on", "sort": "next_due_at"}),
        "inbox_web_handler": get("/", web_h),
        "detail_api": lambda rng: Request("GET", f"{lists}/{rng.choice(numbers)}", api),
        "events_api": lambda rng: Request("GET", f"{lists}/{rng.choice(numbers)}/events", api),
        "detail_api_handler": lambda rng: Request("GET", f"{lists}/{rng.choice(scoped)}", api_h),
        "detail_web": lambda rng: Request("GET", f"/complaints/{rng.choice(numbers)}", web),
        "search_common": get(lists, api, {"q": "漏水"}),
        "search_common2": get(lists, api, {"q": "质量"}),
        "search_rare": get(lists, api, {"q": "爆炸"}),
        "search_web": get("/", web, {"q": "漏水"}),
        "summary_month": get("/api/v1/reports/summary", sup, {"from": month_from, "to": month_to}),
        "dashboard": get(ctx.get("dashboard_path") or DASHBOARD_PATHS[0], web_sup),
        "weekly_xlsx": get("/api/v1/reports/weekly.xlsx", sup, {"week": ctx["week"]}),
        "kpis_month": get("/api/v1/reports/kpis", sup, {"from": month_from, "to": month_to, "by": "person"}),
    }
    if op == "create":

        def create(rng):
            title, description = rng.choice(TITLES)
            body = {
                "title": title,
                "description": description,
                "channel": rng.choice(["phone", "web", "email", "chat"]),
                "customer": {"name": "张三", "kind": "consumer", "phone": f"139{rng.randrange(10**8):08d}"},
                "product": "冰箱",
                "product_code": f"REF-{rng.randrange(1, 16):04d}",
            }
            headers = {**api, "Content-Type": "application/json"}
            return Request("POST", lists, headers, json.dumps(body, ensure_ascii=False).encode())

        return create
    return makers[op]


def run_op(port: int, op: str, ctx: dict, *, clients: int, duration: float, warmup: int = 3) -> Result:
    make = request_maker(op, ctx)
    result = Result(op)
    ok = {"create": (200, 201)}.get(op, (200,))
    probe = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    req = make(random.Random(0))
    probe.request(req.method, req.path, body=req.body, headers=req.headers)
    response = probe.getresponse()
    text = response.read()
    probe.close()
    if response.status == 404 and op not in ("detail_api", "events_api", "detail_api_handler", "detail_web"):
        result.missing = True
        return result
    if response.status not in ok:
        result.sample_error = f"{response.status} {text[:200]!r}"
    lock = threading.Lock()
    stop_at = [0.0]
    barrier = threading.Barrier(clients + 1)

    def client(n: int) -> None:
        rng = random.Random(hash((op, n)))
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        mine: list[float] = []
        errors = 0
        statuses: dict[int, int] = {}
        sample = ""

        def once(record: bool) -> None:
            nonlocal conn, errors, sample
            r = make(rng)
            started = time.perf_counter()
            try:
                conn.request(r.method, r.path, body=r.body, headers=r.headers)
                response = conn.getresponse()
                payload = response.read()
                status = response.status
                if response.getheader("Connection", "").lower() == "close":
                    conn.close()
                    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            except (OSError, http.client.HTTPException) as exc:
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                status, payload = 0, str(exc).encode()
            elapsed = (time.perf_counter() - started) * 1000
            if not record:
                return
            statuses[status] = statuses.get(status, 0) + 1
            if status in ok:
                mine.append(elapsed)
            else:
                errors += 1
                sample = sample or f"{status} {payload[:200]!r}"

        for _ in range(warmup):
            once(False)
        barrier.wait()
        while time.perf_counter() < stop_at[0]:
            once(True)
        conn.close()
        with lock:
            result.latencies += mine
            result.errors += errors
            for k, v in statuses.items():
                result.statuses[k] = result.statuses.get(k, 0) + v
            result.sample_error = result.sample_error or sample

    threads = [threading.Thread(target=client, args=(n,), daemon=True) for n in range(clients)]
    for t in threads:
        t.start()
    stop_at[0] = float("inf")
    barrier.wait()
    started = time.perf_counter()
    stop_at[0] = started + duration
    for t in threads:
        t.join()
    result.seconds = time.perf_counter() - started
    return result


def find_dashboard(port: int, ctx: dict) -> str | None:
    for path in DASHBOARD_PATHS:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        conn.request("GET", path, headers={"Cookie": ctx["supervisor"]["cookie"]})
        response = conn.getresponse()
        response.read()
        conn.close()
        if response.status == 200:
            return path
    return None


def verdict(op: str, r: Result) -> str:
    if r.missing:
        return "n/a"
    if not r.latencies:
        return "errors"
    p95 = r.pct(95)
    good = p95 < TARGETS[op] and (op != "create" or r.rate >= CREATE_RATE) and r.errors == 0
    return "met" if good else "missed"


def fmt(x: float) -> str:
    return "—" if x != x else (f"{x:.0f}" if x >= 100 else f"{x:.1f}")


def run_database(kind: str, args, ops: list[str]) -> tuple[dict, dict[str, Result]]:
    started = time.perf_counter()
    command = [sys.executable, __file__, "--prepare", kind, "--complaints", str(args.complaints),
               "--db-name", args.db_name]  # fmt: skip
    if args.rebuild:
        command.append("--rebuild")
    if args.sqlite_path:
        command += ["--sqlite-path", args.sqlite_path]
    env = {**os.environ}
    if kind == "postgres":
        env.setdefault("PG_URL", os.environ.get("DATABASE_URL", "") or "postgres://postgres@127.0.0.1:5432/postgres")
    out = subprocess.run(command, env=env, stdout=subprocess.PIPE, text=True, check=False)
    if out.returncode != 0:
        raise SystemExit(f"{kind}: preparing the bench database failed (exit {out.returncode})")
    ctx = json.loads(out.stdout.strip().splitlines()[-1])
    stamp = ctx["stamp"]
    print(
        f"{ctx['engine']}: {ctx['complaints']:,} complaints ready in {time.perf_counter() - started:.0f} s "
        f"(built {stamp.get('built')}, the build took {stamp.get('build_seconds')} s)",
        flush=True,
    )
    results: dict[str, Result] = {}
    log = Path(os.environ.get("KESU_VAR_DIR", ROOT / "var")) / "bench" / f"read_paths_{kind}.log"
    with serve(ctx["url"], log) as port:
        ctx["dashboard_path"] = find_dashboard(port, ctx)
        for op in [o for o in ops if o != "create"] + [o for o in ops if o == "create"]:
            if op == "dashboard" and ctx["dashboard_path"] is None:
                results[op] = Result(op, missing=True)
            else:
                results[op] = run_op(port, op, ctx, clients=args.clients, duration=args.duration)
            r = results[op]
            if r.missing:
                print(f"  {op:<20} n/a (404: not built yet)", flush=True)
                continue
            print(
                f"  {op:<20} n={len(r.latencies):>6}  p50 {fmt(r.pct(50)):>6}  p95 {fmt(r.pct(95)):>6}  "
                f"p99 {fmt(r.pct(99)):>6} ms  {r.rate:7.1f}/s  errors {r.errors}  "
                f"target p95 < {TARGETS[op]} ms: {verdict(op, r)}"
                + (f"  first error: {r.sample_error}" if r.sample_error else ""),
                flush=True,
            )
    return ctx, results


def table(runs: list[tuple[dict, dict[str, Result]]], ops: list[str]) -> str:
    head = ["operation", "target"]
    for ctx, _ in runs:
        head += [f"{ctx['engine']} p50 / p95 / p99 ms", "req/s", ""]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for op in ops:
        target = f"p95 < {TARGETS[op]} ms" + (f", ≥ {CREATE_RATE:.0f}/s" if op == "create" else "")
        cells = [DESCRIPTIONS[op], target]
        for _ctx, results in runs:
            r = results.get(op)
            if r is None or r.missing:
                cells += ["n/a", "", ""]
            else:
                cells += [f"{fmt(r.pct(50))} / {fmt(r.pct(95))} / {fmt(r.pct(99))}", f"{r.rate:.0f}", verdict(op, r)]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--complaints", type=int, default=1_000_000)
    parser.add_argument("--db", choices=("sqlite", "postgres", "both"), default="sqlite")
    parser.add_argument("--duration", type=float, default=8.0, help="seconds per operation (default 8)")
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--rebuild", action="store_true", help="build the bench database again")
    parser.add_argument("--only", help="comma-separated operations: " + ",".join(OPERATIONS))
    parser.add_argument("--db-name", default="kesu_bench_read", help="PostgreSQL database / SQLite file stem")
    parser.add_argument("--sqlite-path", help="the SQLite file (default var/bench/<db-name>.sqlite3)")
    parser.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    parser.add_argument("--prepare", choices=("sqlite", "postgres"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.prepare:
        ctx = prepare(args)
        sys.stdout.flush()
        print(json.dumps(ctx, ensure_ascii=False))
        return 0

    ops = OPERATIONS
    if args.only:
        ops = [o.strip() for o in args.only.split(",") if o.strip()]
        unknown = [o for o in ops if o not in TARGETS]
        if unknown:
            parser.error(f"unknown operations: {', '.join(unknown)}")
    kinds = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    print(f"{platform.node()}: {os.cpu_count()} CPUs, Python {platform.python_version()}, load {_load()}", flush=True)
    runs = [run_database(kind, args, ops) for kind in kinds]
    print(f"\nload average now: {_load()}; {args.clients} clients, {args.duration:.0f} s per operation\n")
    print(table(runs, ops))
    missed = any(verdict(op, r) in ("missed", "errors") for _ctx, results in runs for op, r in results.items())
    return 1 if missed and args.check else 0


def _load() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


if __name__ == "__main__":
    sys.exit(main())
