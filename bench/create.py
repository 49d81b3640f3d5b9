"""Create throughput: N clients recording complaints through POST /api/v1/complaints on the production stack.

    env -u DATABASE_URL .venv/bin/python bench/create.py                       # SQLite, 4 clients, 30 s
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kesu .venv/bin/python bench/create.py
    .venv/bin/python bench/create.py --clients 8 --seconds 60 --threads 2    # gunicorn threads per worker
    .venv/bin/python bench/create.py --profile 300                           # in-process: cProfile + queries

A benchmark, not a test (`make test` never runs it). It works in a database of its own (`--db-name`, default
kesu_bench_create: a SQLite file under var/bench/, or a database of that name on the server DATABASE_URL names,
which itself is never touched), made once: migrated, the `service` playbook loaded, an agent with one API token
per client, and `--complaints` complaints (default 10,000) over the last 120 days for 3,000 customers, inserted in
bulk with their create events. A later run reuses it (`--fresh` starts again).

Then it starts `python -m kesu.worker` (WEB_WORKERS=2 gunicorn processes with `--threads` threads each, one job
worker) on a free loopback port, and each of `--clients` clients posts complaints back to back for `--seconds`
(after a short warm-up): varied Chinese complaints of every type, some with amounts, flags, risk words (media,
regulator, safety, lawyer), an order number now and then, half of them from customers already on file (so
repeats are linked and customers updated). It reports creates/s and the latency p50/p95/p99/max, and fails on
any answer other than 201.

`--profile N` instead records N complaints in this process, one after another, under cProfile, in a fresh copy of
the bench database (`<db-name>_profile`: every run starts from the same state), and prints the queries per create
(by kind), the time per create and the functions that took it (all, then kesu's own).
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CUSTOMERS = 3000
AGENT = "bench_create_agent"

# (title, description, type hint) — what customers write, every type of the service playbook.
TEXTS = [
    ("空调安装后漏水", "师傅安装完第二天室内机就开始滴水，地板都泡了，要求尽快上门处理。"),
    ("售后电话一直打不通", "连续三天拨打售后热线都无人接听，报修单号也查不到进度，太让人失望了。"),
    ("快递延误一周未送达", "订单显示已发货七天，物流信息一直停在中转站，客服只会让我再等等。"),
    ("收费与宣传不符", "套餐宣传首月免费，结果第一个月就扣了199元，要求退还多收的费用。"),
    ("门店店员态度恶劣", "在门店咨询退换货政策，店员不耐烦还出言不逊，要求店长道歉。"),
    ("维修后故障再次出现", "洗衣机维修后不到两周又出现同样的E3报错，已经是第二次了。"),
    ("发票迟迟开不出来", "申请电子发票已经半个月，多次催促仍未开具，公司报销受影响。"),
    ("退款到账时间过长", "退货已签收十天，退款仍未到账，客服说系统处理中，再不处理我就投诉到12315。"),
    ("热水器漏电", "洗澡时热水器外壳有麻手的感觉，家里有老人小孩，太危险了，要求立即上门检测并赔偿。"),
    ("冰箱不制冷", "新买的冰箱用了三天冷藏室就不制冷，食物都坏了，要求换货。"),
    ("烤箱起火", "烤箱使用时突然冒烟起火，幸好及时断电，厨房墙面被熏黑，要求赔偿损失，否则找媒体曝光。"),
    ("配送员把货放在门口", "配送员没打电话就把电视放在小区门口，外包装破损，屏幕有裂纹。"),
    ("价格刚买就降价", "上周刚买的洗碗机今天降价了600元，要求退差价，不然就退货。"),
    ("会员积分被清零", "我的会员积分无缘无故被清零了，客服说是系统升级，要求恢复积分。"),
    ("安装师傅乱收费", "安装师傅额外收取了300元材料费，事先没有说明，也没有给收据。"),
    ("产品有异味", "新买的空气净化器开机后有很重的塑料味，用了一周还没散，担心对健康有害。"),
    ("客服答应回电没回", "上周客服说48小时内回电，到现在都没人联系我，问题一直没解决。"),
    ("批次质量问题", "同一批次的20台电机都出现异响，已影响我们产线，要求派质量工程师到现场。"),
    ("律师函警告", "多次沟通无果，我已经委托律师，如果三天内不给答复将起诉贵公司。"),
    ("网上商城下单后被取消", "在官方商城下单付款成功后订单被无故取消，钱也没退回来。"),
    ("电视画面闪屏", "电视使用两个月后开始闪屏，售后检测说是屏幕问题，但要我自己付费维修。"),
    ("上门服务迟到", "预约上午十点上门维修，师傅下午三点才到，我请了一天假白等。"),
    ("换货后还是坏的", "第一次换来的微波炉又不加热，已经是第三次投诉同一个问题了，非常愤怒。"),
    ("说明书与实物不符", "说明书上写有定时功能，实际产品根本没有这个按钮，属于虚假宣传。"),
]
PRODUCTS = [("空调", "KFR-35GW"), ("洗衣机", "XQG100"), ("冰箱", "BCD-520"), ("热水器", "JSQ30"), ("电视", "55E8")]
CHANNELS = ["phone", "email", "web", "store", "chat", "social", "api"]
DEMANDS = ["refund", "exchange", "repair", "compensation", "apology", None]


def phone_of(i: int) -> str:
    return f"139{i:08d}"


def payload(rng: random.Random, serial: int) -> dict:
    title, description = rng.choice(TEXTS)
    product, model = rng.choice(PRODUCTS)
    body: dict = {
        "channel": rng.choice(CHANNELS),
        "title": title,
        "description": f"{description}（第{serial}号来电）",
        "product": product,
        "product_model": model,
        "product_code": f"{model}-{rng.randint(1, 2000)}",
        "demand": rng.choice(DEMANDS),
        "customer": {"name": rng.choice("王李张刘陈杨赵黄周吴") + rng.choice(["先生", "女士", "伟", "芳", "敏"])},
    }
    if rng.random() < 0.5:
        body["customer"]["phone"] = phone_of(rng.randrange(CUSTOMERS))  # on file: repeats, customer updates
    else:
        body["customer"]["phone"] = f"138{rng.randrange(10**8):08d}"
    if rng.random() < 0.3:
        body["amount"] = f"{rng.choice([199, 600, 1500, 5200, 12000, 60000])}.00"
    if rng.random() < 0.2:
        body["order_no"] = f"SO{rng.randrange(5000):06d}"
    if rng.random() < 0.05:
        body["flags"] = [rng.choice(["safety", "media", "batch"])]
    return body


# ---------------------------------------------------------------------------------------------------------------
# The database


def database_url(args) -> str:
    base = os.environ.get("DATABASE_URL", "")
    if base.startswith("postgres"):
        parts = urlsplit(base)
        return urlunsplit(parts._replace(path=f"/{args.db_name}"))
    path = Path(os.environ.get("KESU_VAR_DIR") or ROOT / "var") / "bench" / f"{args.db_name}.sqlite3"
    path.parent.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{path}"


def prepare(args) -> dict[str, str]:
    """Create (or reuse) the bench database; the tokens of the clients."""
    url = database_url(args)
    if url.startswith("postgres"):
        import psycopg

        admin = urlunsplit(urlsplit(url)._replace(path="/postgres"))
        with psycopg.connect(admin, autocommit=True) as conn:
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [args.db_name]).fetchone()
            if exists and args.fresh:
                conn.execute(f'DROP DATABASE "{args.db_name}" WITH (FORCE)')
                exists = None
            if not exists:
                conn.execute(f'CREATE DATABASE "{args.db_name}"')
    elif args.fresh:
        path = Path(urlsplit(url).path)
        for suffix in ("", "-wal", "-shm"):
            with contextlib.suppress(FileNotFoundError):
                Path(f"{path}{suffix}").unlink()
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kesu.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    call_command("createcachetable", verbosity=0)
    from kesu.rules.playbooks import active_playbook, load

    if active_playbook() is None:
        load("service")
    _load_complaints(args.complaints)
    return _tokens(args.clients)


def _tokens(clients: int) -> dict[str, str]:
    """A fresh token per client (raw tokens are shown once); the old ones revoked."""
    from kesu.accounts.models import ApiToken, Department, User

    agent = User.objects.filter(username=AGENT).first()
    if agent is None:
        agent = User.objects.create_user(AGENT, password="bench-pass-1234", role="agent", first_name="压测")
        agent.departments.add(Department.objects.get(code="CS"))
    ApiToken.objects.filter(user=agent).update(revoked=True)
    return {f"client{i}": ApiToken.issue(agent, name=f"bench {i}")[1] for i in range(clients)}


def _load_complaints(total: int) -> None:
    import datetime as dt

    from django.db import transaction
    from django.utils import timezone

    from kesu.accounts.models import User
    from kesu.complaints.models import Category, Complaint, Customer, Event
    from kesu.core.models import DailySequence

    have = Complaint.objects.count()
    if have >= total:
        return
    started = time.monotonic()
    rng = random.Random(7)
    creator = User.objects.filter(username=AGENT).first() or User.objects.create_user(
        AGENT, password="bench-pass-1234", role="agent", first_name="压测"
    )
    with transaction.atomic():
        existing = set(Customer.objects.filter(phone__startswith="139").values_list("phone", flat=True))
        Customer.objects.bulk_create(
            [
                Customer(name=f"客户{i}", phone=phone_of(i), relationship="existing", created_by=creator)
                for i in range(CUSTOMERS)
                if phone_of(i) not in existing
            ],
            batch_size=500,
        )
    customers = list(Customer.objects.filter(phone__startswith="139").values_list("id", flat=True))
    categories = list(Category.objects.filter(active=True).values_list("id", flat=True))
    now = timezone.now()
    todo = total - have
    per_day: dict[dt.date, int] = {}
    for chunk_start in range(0, todo, 2000):
        rows = []
        with transaction.atomic():
            for _ in range(min(2000, todo - chunk_start)):
                received = now - dt.timedelta(days=1 + rng.random() * 119)
                day = timezone.localdate(received)
                seq = DailySequence.objects.filter(prefix="KSB", day=day).first()
                base = per_day.get(day, seq.value if seq else 0) + 1
                per_day[day] = base
                title, description = rng.choice(TEXTS)
                product, model = rng.choice(PRODUCTS)
                rows.append(
                    Complaint(
                        number=f"KSB-{day:%Y%m%d}-{base:05d}",
                        status=rng.choice(["new", "acknowledged", "investigating", "closed", "closed", "closed"]),
                        customer_id=rng.choice(customers),
                        channel=rng.choice(CHANNELS),
                        received_at=received,
                        title=title,
                        description=description,
                        product=product,
                        product_model=model,
                        product_code=f"{model}-{rng.randint(1, 2000)}",
                        order_no=f"SO{rng.randrange(5000):06d}" if rng.random() < 0.2 else "",
                        category_id=rng.choice(categories),
                        severity=rng.choice(["A", "B", "C", "C"]),
                        priority=rng.choice(["routine", "routine", "important", "urgent"]),
                        level=1,
                        search_text=f"{title}\n{description}".lower(),
                        created_by=creator,
                        created_at=received,
                        updated_at=received,
                    )
                )
            Complaint.objects.bulk_create(rows, batch_size=500)
            for day, value in per_day.items():
                DailySequence.objects.update_or_create(prefix="KSB", day=day, defaults={"value": value})
            numbers = [r.number for r in rows]
            stored = Complaint.objects.filter(number__in=numbers).values_list("id", "received_at", "channel")
            Event.objects.bulk_create(
                [
                    Event(
                        complaint_id=pk,
                        at=at,
                        actor=creator,
                        actor_label=str(creator),
                        action="create",
                        to_status="new",
                        data={"channel": channel},
                    )
                    for pk, at, channel in stored
                ],
                batch_size=500,
            )
    print(f"loaded {todo} complaints in {time.monotonic() - started:.1f} s", flush=True)


# ---------------------------------------------------------------------------------------------------------------
# The load


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_stack(args, port: int) -> subprocess.Popen:
    env = {
        **os.environ,
        "PORT": str(port),
        "HOST": "127.0.0.1",
        "WEB_WORKERS": str(args.workers),
        "WEB_THREADS": str(args.threads),
        "JOB_WORKERS": "1",
        "ACCESS_LOG": os.devnull,
        "DEBUG": "0",
        "SECRET_KEY": os.environ.get("SECRET_KEY", "bench-create-secret-key-not-for-production-0123456789"),
        "HUEY_NAME": f"bench-create-{port}",
    }
    proc = subprocess.Popen([sys.executable, "-m", "kesu.worker"], cwd=ROOT, env=env, start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError):
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/api/v1/openapi.json")
            if conn.getresponse().status < 500:
                return proc
        if proc.poll() is not None:
            raise SystemExit("the server did not start")
        time.sleep(0.3)
    stop_stack(proc)
    raise SystemExit("the server did not answer within 60 s")


def stop_stack(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=40)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


class Client(threading.Thread):
    def __init__(self, port: int, token: str, seed: int, until: float, warm_until: float) -> None:
        super().__init__(daemon=True)
        self.port, self.token, self.until, self.warm_until = port, token, until, warm_until
        self.rng = random.Random(seed)
        self.latencies: list[float] = []
        self.errors: list[str] = []
        self.serial = seed * 1_000_000

    def run(self) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        headers = {"Authorization": f"Bearer {self.token}", "Content-Type": "application/json"}
        while time.monotonic() < self.until:
            self.serial += 1
            body = json.dumps(payload(self.rng, self.serial), ensure_ascii=False).encode()
            started = time.monotonic()
            try:
                conn.request("POST", "/api/v1/complaints", body=body, headers=headers)
                answer = conn.getresponse()
                text = answer.read()
                if answer.getheader("Connection", "").lower() == "close":
                    conn.close()
            except (OSError, http.client.HTTPException) as exc:
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
                self.errors.append(repr(exc))
                continue
            took = time.monotonic() - started
            if answer.status != 201:
                self.errors.append(f"{answer.status}: {text[:200]!r}")
            elif started >= self.warm_until:
                self.latencies.append(took)
        conn.close()


def _children(pid: int) -> list[int]:
    found = []
    with contextlib.suppress(OSError):
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as f:
                found += [int(x) for x in f.read().split()]
    return found


def _spy(args, stack_pid: int, warm_until: float) -> list[subprocess.Popen]:
    """py-spy (installed separately: it is no dependency of kesu) on each web worker for the measured seconds,
    samples in --spy DIR as collapsed stacks (with idle frames: the waits for the write lock show)."""
    time.sleep(max(0.0, warm_until - time.monotonic()))
    spy = Path(sys.executable).with_name("py-spy")
    out = Path(args.spy)
    out.mkdir(parents=True, exist_ok=True)
    masters = [c for c in _children(stack_pid) if "gunicorn" in Path(f"/proc/{c}/cmdline").read_text()]
    workers = [w for m in masters for w in _children(m)]
    return [
        subprocess.Popen(
            [
                str(spy),
                "record",
                "--pid",
                str(w),
                "-d",
                str(args.seconds - 1),
                "--format",
                "raw",
                "--idle",
                "--nonblocking",
                "-o",
                str(out / f"worker-{w}.txt"),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for w in workers
    ]


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def run_load(args, tokens: dict[str, str]) -> int:
    from django.db import connection

    engine = connection.vendor
    connection.close()
    port = free_port()
    proc = start_stack(args, port)
    try:
        start = time.monotonic()
        warm_until = start + args.warmup
        until = warm_until + args.seconds
        clients = [Client(port, tok, i + 1, until, warm_until) for i, tok in enumerate(tokens.values())]
        for c in clients:
            c.start()
        spies = _spy(args, proc.pid, warm_until) if args.spy else []
        for c in clients:
            c.join()
        for spy in spies:
            spy.wait()
    finally:
        stop_stack(proc)
    latencies = [x for c in clients for x in c.latencies]
    errors = [e for c in clients for e in c.errors]
    if not latencies:
        print("no request answered", errors[:5])
        return 1
    rate = len(latencies) / args.seconds
    ms = [x * 1000 for x in latencies]
    print(
        f"{engine}, {args.clients} clients, {args.workers} workers × {args.threads} threads, {args.seconds} s: "
        f"{len(latencies)} creates, {rate:.1f}/s; latency ms p50 {statistics.median(ms):.0f} "
        f"p95 {percentile(ms, 95):.0f} p99 {percentile(ms, 99):.0f} max {max(ms):.0f}; errors {len(errors)}"
    )
    for e in errors[:5]:
        print("  error:", e)
    return 1 if errors else 0


# ---------------------------------------------------------------------------------------------------------------
# The profile


def _profile_copy(args) -> None:
    """Point this process at a fresh copy of the bench database (`<db-name>_profile`), so that every profile run
    starts from the same state: the complaints one run records would otherwise make the next one's repeats and
    alerts more frequent."""
    from django.db import connection

    source = connection.settings_dict["NAME"]
    copy = f"{args.db_name}_profile"
    if connection.vendor == "postgresql":
        import psycopg

        connection.close()
        admin = urlunsplit(urlsplit(os.environ["DATABASE_URL"])._replace(path="/postgres"))
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{copy}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{copy}" TEMPLATE "{source}"')
        connection.settings_dict["NAME"] = copy
    else:
        import sqlite3

        connection.close()
        target = Path(str(source)).with_name(f"{copy}.sqlite3")
        for suffix in ("", "-wal", "-shm"):
            with contextlib.suppress(FileNotFoundError):
                Path(f"{target}{suffix}").unlink()
        with sqlite3.connect(str(source)) as src, sqlite3.connect(str(target)) as dst:
            src.backup(dst)
        connection.settings_dict["NAME"] = str(target)
    connection.close()


def profile(args) -> int:
    import cProfile
    import io
    import pstats
    from collections import Counter

    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from kesu.accounts.models import User
    from kesu.complaints import actions

    _profile_copy(args)
    agent = User.objects.get(username=AGENT)
    rng = random.Random(3)

    def one(serial: int) -> None:
        body = payload(rng, serial)
        cust = body.pop("customer")
        data = actions.ComplaintInput(
            customer=actions.CustomerInput(**cust),
            **{k: ("" if v is None else v) for k, v in body.items()},
        )
        actions.do_create(data, actor=agent, now=timezone.now())

    for i in range(20):  # warm caches and imports
        one(900_000_000 + i)
    kinds: Counter[str] = Counter()
    with CaptureQueriesContext(connection) as queries:
        for i in range(20):
            one(910_000_000 + i)
    for q in queries.captured_queries:
        sql = q["sql"].lstrip()
        verb = sql.split(None, 1)[0].upper()
        table = ""
        for word in (" FROM ", "INSERT INTO ", "UPDATE "):
            if word in sql:
                table = sql.split(word, 1)[1].split(None, 1)[0].strip('"')
                break
        kinds[f"{verb} {table}"] += 1
    print(f"queries per create: {len(queries.captured_queries) / 20:.1f}")
    for kind, n in kinds.most_common():
        print(f"  {n / 20:5.1f}  {kind}")
    profiler = cProfile.Profile()
    started = time.perf_counter()
    profiler.enable()
    for i in range(args.profile):
        one(920_000_000 + i)
    profiler.disable()
    took = (time.perf_counter() - started) / args.profile
    print(f"{connection.vendor}: {took * 1000:.1f} ms per create (under cProfile), {args.profile} creates")
    out = io.StringIO()
    if args.profile_out:
        profiler.dump_stats(args.profile_out)
    stats = pstats.Stats(profiler, stream=out).sort_stats("cumulative")
    stats.print_stats(45)
    print(out.getvalue())
    out = io.StringIO()
    stats.stream = out
    stats.print_stats(r"/kesu/", 40)  # kesu's own functions, by cumulative time
    print(out.getvalue().split("function)", 1)[-1])
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument("--warmup", type=float, default=3.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=int(os.environ.get("WEB_THREADS", "4")))
    parser.add_argument("--complaints", type=int, default=10_000)
    parser.add_argument("--db-name", default="kesu_bench_create")
    parser.add_argument("--fresh", action="store_true")
    parser.add_argument("--profile", type=int, default=0, metavar="N")
    parser.add_argument("--profile-out", metavar="FILE", help="with --profile: also write the cProfile stats to FILE")
    parser.add_argument("--spy", metavar="DIR", help="sample the web workers with py-spy into DIR")
    args = parser.parse_args()
    tokens = prepare(args)
    if args.profile:
        return profile(args)
    return run_load(args, tokens)


if __name__ == "__main__":
    sys.exit(main())
