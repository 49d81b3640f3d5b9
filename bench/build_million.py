"""A database of N varied complaints with their timelines, for the read-path benchmark (bench/read_paths.py).

    python bench/build_million.py --complaints 1000000 --db sqlite          # var/bench/kesu_bench_read.sqlite3
    python bench/build_million.py --complaints 1000000 --db postgres        # database kesu_bench_read

The database is migrated first (so every app's tables, indexes and triggers are the real ones), the
`manufacturing` playbook is loaded, an organisation of people is created, and then the rows go in with raw
multi-row inserts (`executemany` on SQLite, `COPY` on PostgreSQL), BATCH complaints with their timeline
events, deadlines, collaborating departments and call-in notifications per transaction. The actions are far
too slow for a million (each create classifies, routes and notifies).

What the data looks like (all relative to NOW, the minute the build started, recorded in the stamp):

- complaints spread evenly over the three years before NOW, numbered KS-YYYYMMDD-NNNNN by their local day
  (the daily number counters are set, so complaints created later get fresh numbers);
- 200,000 customers, 30 % of the complaints from the most frequent 2 % (repeats), some businesses;
- the manufacturing playbook's types, departments and A/B severity; priorities, levels, channels; products
  with product codes, batches (a few hundred complaints per batch) and orders (some shared);
- Chinese titles and descriptions composed from a product, one of ~40 problems and two of ~60 detail
  phrases: 质量 occurs in about 30 % of the complaints, 漏水 in about 7 %, 爆炸 in about 0.05 %;
- statuses across the lifecycle: of the complaints of the last 45 days about 75 % are open (new …
  reopened), older ones are closed, archived or rejected except a backlog of 0.3 % still open;
- a timeline for each: create, acknowledge, triage, assign, start, notes, propose_solution,
  customer_response, resolve, rate, close, archive, reject, reopen as its status implies (about 9 events
  a complaint); deadlines met, breached then met, running (due after NOW) or overdue (15 % of running ones);
- collaborating departments on 15 % of the assigned ones and a call-in notification (task_assigned) for a
  collaborating handler on 1 %, which is what the data-scope EXISTS subqueries read.

The stamp (table bench_stamp) records the generator version, N, NOW and the app's search-text function: a
database of another generator version or size is built again. `migrate` runs on every use, so migrations
added since (a search index recomputing search_text, say) are applied to the existing rows.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import enum
import importlib
import json
import os
import random
import sys
import time
import types
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

GENERATOR_VERSION = "read-paths-3"  # bump when the generated data changes
DEFAULT_DB_NAME = "kesu_bench_read"
SPAN_DAYS = 1095
RECENT_DAYS = 45
CUSTOMERS = 200_000
HOT_CUSTOMERS = 4_000  # the most frequent complainants: 30 % of the complaints
BATCH = 10_000
SEED = 20261207
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
BENCH_PASSWORD = "bench-pass-1234"

# product, model prefix, product-code prefix
PRODUCTS = [
    ("冰箱", "BCD", "REF"), ("空调", "KFR", "AC"), ("洗衣机", "XQG", "WM"), ("电热水器", "DSZF", "WH"),
    ("燃气热水器", "JSQ", "GWH"), ("油烟机", "CXW", "HD"), ("燃气灶", "JZT", "GS"), ("电饭煲", "MB", "RC"),
    ("微波炉", "MWO", "MW"), ("洗碗机", "WQP", "DW"), ("净水器", "MRO", "WP"), ("空气净化器", "KJ", "AP"),
    ("扫地机器人", "RV", "RB"), ("电视机", "LED", "TV"), ("汽车线束", "WH", "AWH"), ("车灯总成", "HL", "LMP"),
    ("座椅骨架", "SF", "SEA"), ("刹车片", "BP", "BRK"), ("散热器", "RD", "RAD"), ("门锁执行器", "DL", "ACT"),
]  # fmt: skip
# problem title suffix, sentence for the description; weights make 漏水 about 7 %
PROBLEMS = [
    ("漏水", "使用不到一个月就开始漏水,地板都泡了", 7),
    ("不制冷", "开机两个小时温度一点都降不下来", 4),
    ("噪音大", "运行时噪音很大,晚上根本睡不着", 5),
    ("异响", "工作时有明显的咔咔异响", 4),
    ("外观划伤", "收货开箱发现外壳有多处划伤和凹痕", 4),
    ("尺寸不符", "实测尺寸与图纸不符,装配时装不上", 3),
    ("无法开机", "插电后完全无法开机,指示灯也不亮", 4),
    ("频繁报错", "屏幕频繁显示E4故障代码", 3),
    ("安装不规范", "安装师傅没有按规范固定,机器晃动", 3),
    ("配件缺失", "包装里少了说明书和两个固定螺丝", 3),
    ("发货延误", "合同约定的交货期已经过了五天还没发货", 4),
    ("物流破损", "物流送到时外包装破损,内部零件变形", 3),
    ("错发型号", "收到的型号和订单上的不一致", 2),
    ("批量不良", "同一批次到货抽检不良率超过百分之五", 3),
    ("焊点开裂", "焊点开裂导致接触不良", 2),
    ("锈蚀", "零件表面出现大面积锈蚀", 2),
    ("异味", "使用时有很重的塑料烧焦异味", 3),
    ("漏电", "触碰外壳有麻手的感觉,怀疑漏电", 2),
    ("售后不响应", "报修三次售后一直没有人联系", 4),
    ("维修收费不合理", "保修期内维修还收取了高额费用", 3),
    ("服务态度差", "客服态度恶劣,说话不耐烦", 4),
    ("退款未到账", "退货已签收十天退款仍未到账", 3),
    ("发票未开具", "多次催促仍未开具增值税发票", 2),
    ("宣传不符", "实际功能与宣传页面描述不一致", 3),
    ("能耗偏高", "实际耗电量比标称值高出一倍", 2),
    ("温度不稳", "温度忽高忽低,控制不稳定", 2),
    ("漏气", "接头处有漏气声,闻到燃气味道", 2),
    ("停线", "来料不良导致主机厂总装线停线两小时", 1),
    ("包装不符", "包装标识不符合客户的包装规范", 2),
    ("尺寸超差", "关键尺寸超差,超出公差范围", 2),
    ("涂层脱落", "表面涂层成片脱落", 2),
    ("线路老化", "使用半年线路就出现老化发黑", 1),
    ("遥控失灵", "遥控器失灵,按键没有反应", 2),
    ("门封变形", "门封条变形,关不严", 2),
    ("排水不畅", "排水很慢,桶里总有积水", 2),
    ("显示屏故障", "显示屏出现花屏和黑屏", 2),
    ("螺丝松动", "多处螺丝松动,部件晃动", 2),
    ("材质不符", "材质检测结果与承认书不一致", 1),
    ("有害物质超标", "送检发现有害物质超标,不符合ROHS要求", 1),
    ("预约爽约", "预约上门的师傅没有来也没有通知", 3),
]
DETAILS = [
    "要求尽快上门处理", "要求退货退款", "要求换一台新的", "要求赔偿损失", "希望给出书面答复", "要求说明原因",
    "这是第二次反映这个问题", "已经影响正常生活", "家里有老人和小孩很担心安全", "要求三天内给出解决方案",
    "对产品质量非常失望", "怀疑是产品质量问题", "希望厂家重视质量管控", "请质量部门分析原因",
    "同小区邻居也遇到同样的问题", "已拍照和视频留存", "购买渠道是官方旗舰店", "在门店购买,有发票",
    "售后网点说要等配件", "师傅说是设计缺陷", "客户情绪比较激动", "客户表示会向消费者协会投诉",
    "客户要求领导回电", "主机厂要求提交8D报告", "要求24小时内提交初步分析", "要求对库存全部排查",
    "客户扣款并要求整改", "要求派人到现场确认", "已隔离可疑批次", "来料检验时发现",
    "装车前检测发现", "终端用户投诉后反馈", "保修期内", "刚过保修期一个月", "安装后第三天出现",
    "使用环境潮湿", "按说明书正常使用", "没有人为损坏", "外包装完好", "物流签收时未验货",
    "之前维修过一次", "更换过主板", "客服电话一直占线", "在线客服答复敷衍", "已经等待一周",
    "希望延长保修", "要求补偿优惠券", "要求开具检测报告", "关注产品质量稳定性", "批次质量一致性差",
    "质量问题反复出现", "要求提供质量追溯记录", "冬天使用时出现", "夏天高温时更明显", "晚上使用时出现",
    "第一次使用就出现", "长期使用后出现", "多个门店都有反馈", "经销商集中反映", "电商平台差评较多",
]  # fmt: skip
RARE = "使用过程中突然发生爆炸,幸好无人受伤"  # 爆炸: about 1 complaint in 2,000
RARE_SHARE = 0.0005
CHANNELS = ["phone"] * 40 + ["web"] * 15 + ["chat"] * 12 + ["email"] * 10 + ["store"] * 8 + ["social"] * 5
CHANNELS += ["letter", "regulator", "regulator", "api", "api", "api", "api", "api", "api", "api"]
OPEN_STATUSES = ["new"] * 8 + ["acknowledged"] * 8 + ["triaged"] * 10 + ["assigned"] * 18
OPEN_STATUSES += ["investigating"] * 26 + ["solution_proposed"] * 12 + ["resolved"] * 13 + ["reopened"] * 5
ENDED_STATUSES = ["closed"] * 78 + ["archived"] * 14 + ["rejected"] * 8
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董袁潘于蒋蔡余杜叶程苏魏吕丁"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀英华慧巧美霞平刚桂兰玉萍红娥玲芬燕彬辉鹏飞"
COMPANIES = ["长城汽车", "吉利汽车", "比亚迪", "上汽通用五菱", "广汽传祺", "奇瑞汽车", "万科物业", "锦江酒店",
             "华润万家", "苏宁易购", "国美电器", "京东自营", "恒大物业", "碧桂园服务", "如家酒店"]  # fmt: skip
STORES = [
    f"{city}{n}号店" for city in ("北京", "上海", "广州", "深圳", "杭州", "成都", "武汉", "西安") for n in range(1, 6)
]


def minute_of(moment: dt.datetime) -> int:
    return (moment - EPOCH) // dt.timedelta(minutes=1)


# ---------------------------------------------------------------------------------------------------------------
# The database


def bench_url(kind: str, name: str, *, fresh: bool, sqlite_path: str | None = None) -> str:
    """The URL of the bench database (created if missing; dropped first with `fresh`)."""
    if kind == "sqlite":
        if sqlite_path:
            path = Path(sqlite_path)
        else:
            path = Path(os.environ.get("KESU_VAR_DIR", ROOT / "var")) / "bench" / f"{name}.sqlite3"
        path.parent.mkdir(parents=True, exist_ok=True)
        if fresh:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
        return f"sqlite:///{path.resolve()}"
    import psycopg
    from psycopg import sql

    source = os.environ.get("PG_URL") or os.environ.get("DATABASE_URL") or "postgres://postgres@127.0.0.1:5432/postgres"
    if source.startswith("sqlite"):
        source = "postgres://postgres@127.0.0.1:5432/postgres"
    parts = urlsplit(source.replace("postgres://", "postgresql://", 1))
    with psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True) as conn:
        if fresh:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return urlunsplit(parts._replace(path=f"/{name}")).replace("postgresql://", "postgres://", 1)


# Where the app computes a complaint's search text, newest first: (module, function).
SEARCH_TEXT_FUNCTIONS = [
    ("kesu.search.documents", "complaint_document"),
    ("kesu.search", "search_text_for"),
    ("kesu.complaints.actions", "search_text_for"),
]


def search_text_function():
    """The app's own function computing a complaint's search text (kesu.search, or the complaint actions)."""
    for module_name, name in SEARCH_TEXT_FUNCTIONS:
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            continue
        fn = getattr(module, name, None)
        if callable(fn):
            return fn
    raise SystemExit("no function computing the search text found in kesu.search or kesu.complaints.actions")


def wanted_stamp(n: int) -> dict:
    """What the data set must have been built with (a different generator or size: built again). The search
    text function is recorded, not compared: a change of what it computes comes with a migration recomputing
    search_text (as kesu.search's first did), which `migrate` applies to the existing rows."""
    return {"generator": GENERATOR_VERSION, "complaints": str(n)}


def search_text_label() -> str:
    fn = search_text_function()
    return f"{fn.__module__}.{fn.__name__}"


def read_stamp(connection) -> dict:
    with connection.cursor() as cursor:
        if "bench_stamp" not in connection.introspection.table_names(cursor):
            return {}
        cursor.execute("SELECT key, value FROM bench_stamp")
        return dict(cursor.fetchall())


def write_stamp(connection, stamp: dict) -> None:
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE IF NOT EXISTS bench_stamp (key varchar(40) PRIMARY KEY, value text NOT NULL)")
        cursor.execute("DELETE FROM bench_stamp")
        for key, value in stamp.items():
            cursor.execute("INSERT INTO bench_stamp (key, value) VALUES (%s, %s)", [key, value])


class Writer:
    """Raw bulk inserts: executemany on SQLite, COPY on PostgreSQL (inside the caller's transaction)."""

    def __init__(self, connection):
        self.connection = connection
        self.sqlite = connection.vendor == "sqlite"
        self.suffix = "" if self.sqlite else "+00:00"
        self._cache: dict[int, str] = {}

    def at(self, minute: int | None) -> str | None:
        if minute is None:
            return None
        text = self._cache.get(minute)
        if text is None:
            text = self._cache[minute] = f"{(EPOCH + dt.timedelta(minutes=minute)).replace(tzinfo=None)}{self.suffix}"
        return text

    def flag(self, value: bool | None):
        return value

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


def template(model) -> tuple[list[str], list, dict[str, int]]:
    """Column names, a row of defaults and column → position for raw inserts into model's table."""
    from django.db import models

    columns, base = [], []
    for field in model._meta.concrete_fields:
        if field.has_default():
            value = field.get_default()
            if isinstance(value, enum.Enum):
                value = value.value
            if isinstance(field, models.JSONField):
                value = json.dumps(value)
        elif field.null:
            value = None
        elif isinstance(field, models.CharField | models.TextField):
            value = ""
        else:
            value = None
        columns.append(field.column)
        base.append(value)
    return columns, base, {c: i for i, c in enumerate(columns)}


# ---------------------------------------------------------------------------------------------------------------
# The organisation


@dataclasses.dataclass
class Org:
    departments: dict[str, int]
    categories: list[tuple[int, int | None, str, list[int]]]  # id, department, code, collaborating departments
    agents: list[int]
    handlers: dict[int, list[int]]  # department → handler/quality user ids
    ruleset: int | None
    clocks: dict[str, tuple[int, int]]  # code → (definition id, minutes)


def prepare_organisation() -> Org:
    from django.contrib.auth.hashers import make_password

    from kesu.accounts.models import Department, User
    from kesu.accounts.roles import Role
    from kesu.complaints.models import Category
    from kesu.rules import playbooks
    from kesu.rules.models import RuleSet
    from kesu.sla.models import ClockDefinition

    playbooks.load("manufacturing")
    departments = {d.code: d for d in Department.objects.all()}
    password = make_password(BENCH_PASSWORD)

    def person(username: str, role: str, name: str, department: Department | None) -> User:
        user, created = User.objects.get_or_create(
            username=username, defaults={"role": role, "display_name": name, "password": password}
        )
        if created and department is not None:
            user.departments.add(department)
        return user

    agents = [person(f"bench_agent{n:02d}", Role.AGENT, f"客服{n:02d}", departments.get("CS")).pk for n in range(1, 31)]
    person("bench_supervisor", Role.SUPERVISOR, "客服主管", departments.get("CS"))
    handlers: dict[int, list[int]] = {}
    for code, department in departments.items():
        head = person(f"bench_{code.lower()}_head", Role.SUPERVISOR, f"{department.name}负责人", department)
        role = Role.QUALITY if code == "QA" else Role.HANDLER
        handlers[department.id] = [
            person(f"bench_{code.lower()}_h{n}", role, f"{department.name}处理人{n}", department).pk
            for n in range(1, 7)
        ]
        if department.head_id is None:
            department.head = head
            department.save(update_fields=["head"])
    categories = [
        (c.id, c.department_id, c.code, [d.id for d in c.collaborating_departments.all()])
        for c in Category.objects.filter(active=True).prefetch_related("collaborating_departments")
    ]
    clocks: dict[str, tuple[int, int]] = {}
    for d in ClockDefinition.objects.filter(playbook__active=True).order_by("order", "id"):
        minutes = d.minutes if d.mode != "working_days" else max(1, d.days) * 1440
        clocks.setdefault(d.code, (d.id, minutes or 60))
    return Org(
        departments={code: d.id for code, d in departments.items()},
        categories=categories,
        agents=agents,
        handlers=handlers,
        ruleset=RuleSet.objects.filter(active=True, playbook__active=True).values_list("id", flat=True).first(),
        clocks=clocks,
    )


# ---------------------------------------------------------------------------------------------------------------
# The rows


def customer_rows(writer: Writer, now_minute: int) -> tuple[list[str], list[list]]:
    from kesu.complaints.models import Customer

    columns, base, ix = template(Customer)
    rng = random.Random(SEED)
    at = writer.at(now_minute - (SPAN_DAYS + 30) * 1440)
    rows = []
    for n in range(1, CUSTOMERS + 1):
        row = base.copy()
        row[ix["id"]] = n
        row[ix["name"]] = rng.choice(SURNAMES) + rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.6 else "")
        row[ix["phone"]] = f"1{3 + n % 6}{n:09d}"
        if n % 20 == 0:
            row[ix["kind"]] = "business"
            row[ix["company"]] = rng.choice(COMPANIES)
        elif n % 13 == 0:
            row[ix["kind"]] = "franchisee"
            row[ix["company"]] = rng.choice(STORES)
        row[ix["relationship"]] = "vip" if n % 25 == 0 else ("existing" if n % 3 else "new")
        row[ix["created_at"]] = row[ix["updated_at"]] = at
        rows.append(row)
    return columns, rows


class Generator:
    """Complaint i (0 … n-1) with its timeline, deadlines, collaborators and notifications: the same on every run."""

    def __init__(self, n: int, org: Org, writer: Writer, now_minute: int, customers: list[list], cix: dict):
        from zoneinfo import ZoneInfo

        from django.conf import settings

        from kesu.complaints.models import Complaint, Event
        from kesu.notifications.models import Notification
        from kesu.sla.models import Deadline

        self.n, self.org, self.writer, self.now = n, org, writer, now_minute
        self.span = SPAN_DAYS * 1440
        self.start = now_minute - self.span
        zone = ZoneInfo(settings.TIME_ZONE)
        self.offset = int(zone.utcoffset(dt.datetime(2026, 1, 1)).total_seconds() // 60)
        self.columns, self.base, self.ix = template(Complaint)
        self.event_columns = ["id", "complaint_id", "at", "actor_id", "actor_label", "action", "from_status",
                              "to_status", "data", "internal"]  # fmt: skip
        self.deadline_columns = ["complaint_id", "definition_id", "clock", "round", "mode", "started_at", "due_at",
                                 "remind_at", "reminded_at", "met_at", "breached_at", "cancelled_at", "paused_at",
                                 "paused_seconds"]  # fmt: skip
        self.collab_columns = ["complaint_id", "department_id"]
        self.notification_columns = ["user_id", "complaint_id", "kind", "title", "body", "key", "created_at",
                                     "read_at"]  # fmt: skip
        self.tables = {
            "complaint": Complaint._meta.db_table,
            "event": Event._meta.db_table,
            "deadline": Deadline._meta.db_table,
            "collab": Complaint.collaborators.through._meta.db_table,
            "notification": Notification._meta.db_table,
        }
        self.customers, self.cix = customers, cix
        self.search_text = search_text_function()
        self.days: dict[int, str] = {}
        self.day_counts: dict[int, int] = {}
        self.event_id = 0
        self.weights = [p[2] for p in PROBLEMS]
        from kesu.accounts.models import User

        self.labels = dict(User.objects.values_list("id", "display_name"))
        self.batches = [f"B{y % 100:02d}{m:02d}-{k:03d}" for y in (2024, 2025, 2026) for m in range(1, 13)
                        for k in range(1, 121)]  # fmt: skip

    def text_of(self, values: dict, customer: list) -> str:
        c = types.SimpleNamespace(name=customer[self.cix["name"]], company=customer[self.cix["company"]])
        names = ("number", "legacy_no", "title", "description", "product", "product_model", "product_code",
                 "batch_no", "order_no", "store")  # fmt: skip
        fields = {k: values.get(k, "") for k in names}
        try:
            return self.search_text(types.SimpleNamespace(**fields, customer=c))
        except AttributeError:
            from kesu.complaints.models import Complaint, Customer

            return self.search_text(Complaint(**fields, customer=Customer(name=c.name, company=c.company)))

    def batch(self, lo: int, hi: int) -> dict[str, list]:
        rng = random.Random(SEED * 1_000_003 + lo)
        out: dict[str, list] = {"complaint": [], "event": [], "deadline": [], "collab": [], "notification": []}
        for i in range(lo, hi):
            self.complaint(i, rng, out)
        return out

    def complaint(self, i: int, rng: random.Random, out: dict[str, list]) -> None:
        at, org, ix, now = self.writer.at, self.org, self.ix, self.now
        r = self.start + (i * self.span) // self.n + rng.randint(0, 59)
        r = min(r, now - 30)
        day = (r + self.offset) // 1440
        if day not in self.days:
            self.days[day] = (EPOCH + dt.timedelta(days=day)).strftime("%Y%m%d")
        seq = self.day_counts[day] = self.day_counts.get(day, 0) + 1
        age = now - r
        is_open = rng.random() < (0.75 if age < RECENT_DAYS * 1440 else 0.003)
        status = rng.choice(OPEN_STATUSES) if is_open else rng.choice(ENDED_STATUSES)
        if status == "archived" and age < 120 * 1440:
            status = "closed"
        x = rng.random()
        priority = "urgent" if x < 0.05 else ("important" if x < 0.3 else "routine")
        severity = "A" if rng.random() < 0.08 else "B"
        level = 3 if severity == "A" and rng.random() < 0.2 else (2 if severity == "A" or priority == "urgent" else 1)
        category_id, department_id, type_code, collaborating = rng.choice(org.categories)
        handlers = org.handlers.get(department_id) or next(iter(org.handlers.values()))
        product, model_prefix, code_prefix = rng.choice(PRODUCTS)
        title_word, problem, _w = rng.choices(PROBLEMS, weights=self.weights)[0]
        details = rng.sample(DETAILS, 2)
        description = f"{product}{problem},{details[0]},{details[1]}。"
        if rng.random() < RARE_SHARE:
            description = f"{product}{RARE},{details[0]}。"
        customer_id = rng.randrange(HOT_CUSTOMERS) + 1 if rng.random() < 0.3 else rng.randrange(CUSTOMERS) + 1
        customer = self.customers[customer_id - 1]
        business = customer[self.cix["kind"]] == "business"
        cid = i + 1
        agent = rng.choice(org.agents)
        owner = rng.choice(handlers)

        def step(after: int, lo_: int, hi_: int) -> int:
            return min(after + rng.randint(lo_, hi_), now - 1)

        ack = step(r, 2, 40)
        triage = step(ack, 3, 60)
        assign = step(triage, 5, 240)
        begin = step(assign, 10, 3000)
        propose = step(begin, 60, 5000)
        respond = step(propose, 30, 2000)
        resolve = step(respond, 60, 8000)
        rate = step(resolve, 1440, 7000)
        close = step(rate, 5, 600)
        archive = step(close, 20000, 60000)
        reject = step(triage, 60, 2880)
        reopen = step(resolve, 1440, 7000)

        values = {
            "number": f"KS-{self.days[day]}-{seq:05d}",
            "title": f"{product}{title_word}",
            "description": description,
            "product": product,
            "product_model": f"{model_prefix}-{rng.randrange(100, 999)}",
            "product_code": f"{code_prefix}-{rng.randrange(1, 16):04d}",
            "batch_no": rng.choice(self.batches) if business or rng.random() < 0.4 else "",
            "order_no": f"SO{day:05d}{rng.randrange(1000):03d}" if rng.random() < 0.7 else "",
            "store": rng.choice(STORES) if customer[self.cix["kind"]] == "franchisee" else "",
        }
        row = self.base.copy()
        for key, value in values.items():
            row[ix[key]] = value
        row[ix["id"]] = cid
        row[ix["status"]] = status
        row[ix["customer_id"]] = customer_id
        row[ix["channel"]] = rng.choice(CHANNELS)
        row[ix["received_at"]] = row[ix["created_at"]] = at(r)
        row[ix["category_id"]] = category_id
        row[ix["severity"]] = severity
        row[ix["priority"]] = priority
        row[ix["level"]] = level
        row[ix["ruleset_id"]] = org.ruleset
        row[ix["created_by_id"]] = agent
        row[ix["demand"]] = rng.choice(("refund", "exchange", "repair", "compensation", "apology", "improvement"))
        row[ix["suggestion"]] = json.dumps({"type_code": type_code, "severity": severity, "priority": priority})
        row[ix["search_text"]] = self.text_of(values, customer)
        if severity == "A":
            row[ix["rule_hits"]] = json.dumps(
                [{"rule": "batch_quality", "result": {"severity": "A"}, "reason": "批量"}]
            )
        if rng.random() < 0.3:
            row[ix["amount"]] = f"{rng.randrange(50, 20000)}.00"
        if rng.random() < 0.2:
            row[ix["quantity"]] = rng.randrange(1, 500)

        events: list[tuple] = []

        def event(minute: int, actor: int, action: str, before: str, after: str, data: dict) -> None:
            self.event_id += 1
            events.append(
                (self.event_id, cid, at(minute), actor, self.labels.get(actor, ""), action, before, after,
                 json.dumps(data, ensure_ascii=False), action not in ("rate", "customer_response"))
            )  # fmt: skip

        event(r, agent, "create", "", "new", {"channel": row[ix["channel"]], "received_at": at(r),
                                              "type_code": type_code, "customer": customer[self.cix["name"]],
                                              "repeat_of": []})  # fmt: skip
        path = {
            "new": [],
            "acknowledged": ["ack"],
            "triaged": ["ack", "triage"],
            "assigned": ["ack", "triage", "assign"],
            "investigating": ["ack", "triage", "assign", "start"],
            "solution_proposed": ["ack", "triage", "assign", "start", "propose"],
            "resolved": ["ack", "triage", "assign", "start", "propose", "respond", "resolve"],
            "reopened": ["ack", "triage", "assign", "start", "propose", "respond", "resolve", "reopen"],
            "closed": ["ack", "triage", "assign", "start", "propose", "respond", "resolve", "rate", "close"],
            "archived": ["ack", "triage", "assign", "start", "propose", "respond", "resolve", "rate", "close",
                         "archive"],
            "rejected": ["ack", "triage", "reject"],
        }[status]  # fmt: skip
        solution = rng.choice(("refund", "exchange", "repair", "apology", "compensation"))
        score = rng.choice((5, 5, 4, 4, 4, 3, 2, 1))
        s = "new"
        for stage in path:
            if stage == "ack":
                event(ack, agent, "acknowledge", s, "acknowledged", {"note": "已电话联系客户"})
                s = "acknowledged"
                row[ix["acknowledged_at"]] = at(ack)
            elif stage == "triage":
                event(triage, agent, "triage", s, "triaged", {"severity": severity, "type_code": type_code,
                                                              "priority": priority})  # fmt: skip
                s = "triaged"
            elif stage == "assign":
                event(assign, agent, "assign", s, "assigned", {"department": department_id, "owner": owner})
                s = "assigned"
                row[ix["owner_id"]] = owner
                row[ix["department_id"]] = department_id
            elif stage == "start":
                event(begin, owner, "start", s, "investigating", {})
                s = "investigating"
                for k in range(rng.choice((0, 0, 1, 1, 2, 3))):
                    event(min(begin + 30 * (k + 1), now - 1), owner, "note", s, s,
                          {"text": "已联系客户并安排现场确认", "internal": True})  # fmt: skip
            elif stage == "propose":
                event(propose, owner, "propose_solution", s, "solution_proposed",
                      {"solution_type": solution, "detail": "更换新品并补偿运费"})  # fmt: skip
                s = "solution_proposed"
                row[ix["solution_type"]] = solution
                row[ix["solution_detail"]] = "更换新品并补偿运费"
            elif stage == "respond":
                event(respond, agent, "customer_response", s, s, {"accepted": True})
                row[ix["customer_accepted"]] = True
            elif stage == "resolve":
                event(resolve, owner, "resolve", s, "resolved", {"summary": "已按方案处理完毕"})
                s = "resolved"
                row[ix["resolved_at"]] = at(resolve)
                row[ix["resolution_summary"]] = "已按方案处理完毕"
            elif stage == "rate":
                event(rate, agent, "rate", s, s, {"score": score})
                row[ix["satisfaction"]] = score
            elif stage == "close":
                event(close, agent, "close", s, "closed", {})
                s = "closed"
                row[ix["closed_at"]] = at(close)
            elif stage == "archive":
                event(archive, agent, "archive", s, "archived", {})
                s = "archived"
                row[ix["archived_at"]] = at(archive)
            elif stage == "reject":
                event(
                    reject, agent, "reject", s, "rejected", {"reason": "经核实不属于质量问题", "reply": "已向客户说明"}
                )
                s = "rejected"
                row[ix["justified"]] = False
                row[ix["reject_reason"]] = "经核实不属于质量问题"
            elif stage == "reopen":
                event(reopen, agent, "reopen", s, "reopened", {"reason": "客户反映问题再次出现"})
                s = "reopened"
                row[ix["round"]] = 2
        row[ix["updated_at"]] = events[-1][2]
        row[ix["version"]] = len(events)
        if row[ix["department_id"]] is None and status == "rejected":
            row[ix["department_id"]] = department_id

        # Deadlines: each clock met when its stop happened, or running (due after NOW; 15 % overdue).
        deadlines = out["deadline"]
        running: list[int] = []
        done_at = {"first_response": ack, "classification": triage, "assignment": assign, "relay": assign,
                   "investigation": propose, "solution": resolve}  # fmt: skip
        reached = {"first_response": "ack", "classification": "triage", "assignment": "assign", "relay": "assign",
                   "investigation": "propose", "solution": "resolve"}  # fmt: skip
        starts = {"investigation": begin, "solution": respond}
        needs = {"investigation": "start", "solution": "respond"}
        for code, (definition, minutes) in org.clocks.items():
            if code not in done_at or (needs.get(code) and needs[code] not in path):
                continue
            started = starts.get(code, r)
            due = started + minutes
            if reached[code] in path:
                done = done_at[code]
                deadlines.append((cid, definition, code, 1, "calendar", at(started), at(due), None, None, at(done),
                                  at(due) if done > due else None, None, None, 0))  # fmt: skip
            elif status in ("rejected", "closed", "archived"):
                deadlines.append((cid, definition, code, 1, "calendar", at(started), at(due), None, None, None, None,
                                  at(reject if status == "rejected" else close), None, 0))  # fmt: skip
            else:
                overdue = rng.random() < 0.15 or age > RECENT_DAYS * 1440
                due = now - rng.randint(10, 3000) if overdue else now + rng.randint(30, 5 * 1440)
                deadlines.append((cid, definition, code, 1, "calendar", at(min(started, due - 1)), at(due), None, None,
                                  None, at(due) if due < now else None, None, None, 0))  # fmt: skip
                running.append(due)
        if running:
            row[ix["next_due_at"]] = at(min(running))

        if row[ix["owner_id"]] is not None and collaborating and rng.random() < 0.15:
            helper_department = rng.choice(collaborating)
            out["collab"].append((cid, helper_department))
            if rng.random() < 0.07:
                helper = rng.choice(org.handlers.get(helper_department) or handlers)
                out["notification"].append((helper, cid, "task_assigned", f"协作任务 {values['number']}", "",
                                            f"bench:task:{cid}:{helper}", at(assign), None))  # fmt: skip
        out["complaint"].append(row)
        out["event"] += events


def load(n: int, org: Org, writer: Writer, now_minute: int) -> tuple[int, float]:
    from django.db import connection, transaction

    from kesu.complaints.models import Customer
    from kesu.core.models import DailySequence

    started = time.perf_counter()
    columns, customers = customer_rows(writer, now_minute)
    with transaction.atomic():
        writer.write(Customer._meta.db_table, columns, customers)
    gen = Generator(n, org, writer, now_minute, customers, {c: i for i, c in enumerate(columns)})
    rows = len(customers)
    if writer.sqlite:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA synchronous=OFF")
            cursor.execute("PRAGMA cache_size=-262144")
    report_every = max(BATCH, (n // 10) // BATCH * BATCH)
    for lo in range(0, n, BATCH):
        hi = min(lo + BATCH, n)
        out = gen.batch(lo, hi)
        with transaction.atomic():
            writer.write(gen.tables["complaint"], gen.columns, out["complaint"])
            writer.write(gen.tables["event"], gen.event_columns, out["event"])
            writer.write(gen.tables["deadline"], gen.deadline_columns, out["deadline"])
            writer.write(gen.tables["collab"], gen.collab_columns, out["collab"])
            writer.write(gen.tables["notification"], gen.notification_columns, out["notification"])
        rows += sum(len(v) for v in out.values())
        if hi % report_every == 0 or hi == n:
            spent = time.perf_counter() - started
            print(f"  {hi:>9,} complaints  {rows:>11,} rows  {spent:7.1f} s  {rows / spent:>8,.0f} rows/s", flush=True)
    DailySequence.objects.bulk_create(
        [
            DailySequence(prefix="KS", day=(EPOCH + dt.timedelta(days=d)).date(), value=v)
            for d, v in gen.day_counts.items()
        ],
        batch_size=1000,
    )
    return rows, time.perf_counter() - started


def settle(connection) -> None:
    """Sequences after explicit ids (PostgreSQL), planner statistics as autovacuum would gather them
    (PostgreSQL ANALYZE; SQLite stays as Django leaves it, without sqlite_stat1), the WAL folded in."""
    from django.apps import apps
    from django.core.management.color import no_style

    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            return
        models = [m for m in apps.get_models(include_auto_created=True)]
        for statement in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(statement)
        cursor.execute("VACUUM ANALYZE")


def ensure(n: int, kind: str, *, name: str = DEFAULT_DB_NAME, rebuild: bool = False, path: str | None = None) -> dict:
    """Make sure the bench database holds the stamped data set; build it when not. Runs in this process
    (Django set up on that database). Returns the stamp."""
    url = bench_url(kind, name, fresh=rebuild, sqlite_path=path)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kesu.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from kesu.complaints.models import Complaint

    call_command("migrate", interactive=False, verbosity=0)
    want = wanted_stamp(n)
    have = read_stamp(connection)
    if have and all(have.get(k) == v for k, v in want.items()):
        print(f"{kind}: reusing {connection.settings_dict['NAME']} ({n:,} complaints, built {have.get('built')})")
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:  # a migration may have rewritten every row (search_text)
                cursor.execute("ANALYZE")
        prepare_organisation()
        return have
    if have or Complaint.objects.exists():
        differs = {k: (have.get(k), v) for k, v in want.items() if have.get(k) != v}
        print(f"{kind}: the bench database was built differently ({differs}): building it again")
        connection.close()
        bench_url(kind, name, fresh=True, sqlite_path=path)  # the same name, dropped and created again
        call_command("migrate", interactive=False, verbosity=0)
    started = time.perf_counter()
    now = dt.datetime.now(dt.UTC).replace(second=0, microsecond=0)
    org = prepare_organisation()
    print(f"{kind}: loading {n:,} complaints into {connection.settings_dict['NAME']} (NOW = {now:%Y-%m-%d %H:%M} UTC)")
    rows, seconds = load(n, org, Writer(connection), minute_of(now))
    settle(connection)
    total = time.perf_counter() - started
    print(f"{kind}: {rows:,} rows in {seconds:.1f} s ({rows / seconds:,.0f} rows/s); with settling {total:.1f} s")
    stamp = {
        **want,
        "search_text": search_text_label(),
        "now": now.isoformat(),
        "built": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "build_seconds": f"{total:.0f}",
        "rows": str(rows),
    }
    write_stamp(connection, stamp)
    return stamp


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--complaints", type=int, default=1_000_000)
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--db-name", default=DEFAULT_DB_NAME, help="PostgreSQL database / SQLite file stem")
    parser.add_argument("--sqlite-path", help="the SQLite file (default var/bench/<db-name>.sqlite3)")
    parser.add_argument("--rebuild", action="store_true")
    args = parser.parse_args(argv)
    ensure(args.complaints, args.db, name=args.db_name, rebuild=args.rebuild, path=args.sqlite_path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
