"""Import rate: rows per second of `manage.py import_complaints` for a 100,000-row 投诉记录表.

    env -u DATABASE_URL .venv/bin/python bench/import_rate.py                   # SQLite
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kesu .venv/bin/python bench/import_rate.py
    .venv/bin/python bench/import_rate.py --rows 20000 --format csv

A benchmark, not a test (`make test` never runs it). It writes a sheet of `--rows` realistic old records (Chinese
headers; received dates over the last three years written as Excel dates in the .xlsx and as 2024/3/5 14:30 or
2024年3月5日 text in the .csv; 60,000 customers for 100,000 rows, so two in five complaints are by a returning
customer; four in five closed or archived; every type of the service playbook by its Chinese name; a legacy
number each; kept under var/bench/ and reused by the next run unless --regenerate), then for each format imports
it into a fresh database of its own (`--db-name`, default
kesu_bench_import: a SQLite file under var/bench/, or a database of that name on the server DATABASE_URL names,
which itself is never touched) — migrated, the `service` playbook loaded — and prints rows/s of the dry run and of
the import, and the peak memory of the process.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import datetime as dt
import os
import random
import resource
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红鹏辉"
TEXTS = [
    ("空调安装后漏水", "师傅安装完第二天室内机就开始滴水，地板都泡了，要求尽快上门处理。", "空调"),
    ("售后电话一直打不通", "连续三天拨打售后热线都无人接听，报修单号也查不到进度，太让人失望了。", ""),
    ("快递延误一周未送达", "订单显示已发货七天，物流信息一直停在中转站，客服只会让我再等等。", ""),
    ("收费与宣传不符", "套餐宣传首月免费，结果第一个月就扣了199元，要求退还多收的费用。", ""),
    ("门店店员态度恶劣", "在门店咨询退换货政策，店员不耐烦还出言不逊，要求店长道歉。", ""),
    ("维修后故障再次出现", "洗衣机维修后不到两周又出现同样的E3报错，已经是第二次了。", "洗衣机"),
    ("发票迟迟开不出来", "申请电子发票已经半个月，多次催促仍未开具，公司报销受影响。", ""),
    ("冰箱不制冷", "新买的冰箱用了三天冷藏室就不制冷，食物都坏了，要求换货。", "冰箱"),
    ("热水器外壳麻手", "洗澡时热水器外壳有麻手的感觉，家里有老人小孩，要求上门检测。", "热水器"),
    ("", "电视开机黑屏，有声音没图像，刚过保修期一个月，希望能免费维修。", "电视"),
]
CHANNELS = ["电话", "电话", "电话", "邮件", "门店", "在线客服", "微博", "12315"]
STATUSES = ["已结案"] * 6 + ["已归档"] * 2 + ["", "处理中"]
HEADERS = ["受理时间", "客户名称", "联系电话", "邮箱", "标题", "投诉内容", "投诉类型", "产品", "产品编码", "批号"]
HEADERS += ["订单号", "渠道", "状态", "原编号"]


def sheet_rows(n: int, type_names: list[str], seed: int = 12) -> list[list]:
    rng = random.Random(seed)
    customers = max(1, n * 3 // 5)
    now = dt.datetime.now().replace(microsecond=0)
    rows = []
    for i in range(n):
        k = rng.randrange(customers)
        name = SURNAMES[k % len(SURNAMES)] + GIVEN[(k // len(SURNAMES)) % len(GIVEN)] + (GIVEN[k % 7] if k % 3 else "")
        phone = f"13{k:09d}"
        email = f"c{k}@example.com" if k % 4 == 0 else ""
        title, text, product = TEXTS[i % len(TEXTS)]
        received = now - dt.timedelta(days=rng.randrange(3, 1095), minutes=rng.randrange(24 * 60))
        rows.append(
            [
                received,
                name,
                phone,
                email,
                title,
                f"{text}（记录{i}）",
                type_names[i % len(type_names)] if type_names else "",
                product,
                f"P{rng.randrange(1000):04d}" if product else "",
                f"B{received:%y%m}{rng.randrange(100):02d}" if product else "",
                f"SO{received:%Y%m%d}{i:06d}" if i % 3 == 0 else "",
                CHANNELS[i % len(CHANNELS)],
                STATUSES[i % len(STATUSES)],
                f"TS-{received:%Y}-{i:06d}",
            ]
        )
    return rows


def write_xlsx(path: Path, rows: list[list]) -> None:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("投诉记录表")
    sheet.append(HEADERS)
    for row in rows:
        sheet.append(row)
    book.save(path)


def write_csv(path: Path, rows: list[list]) -> None:
    with path.open("w", encoding="gb18030", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(HEADERS)
        for i, row in enumerate(rows):
            received = row[0]
            text = f"{received:%Y/%-m/%-d %H:%M}" if i % 2 else f"{received:%Y年%-m月%-d日}"
            writer.writerow([text, *row[1:]])


def database_url(db_name: str) -> str:
    base = os.environ.get("DATABASE_URL", "")
    if base.startswith("postgres"):
        return urlunsplit(urlsplit(base)._replace(path=f"/{db_name}"))
    path = Path(os.environ.get("KESU_VAR_DIR") or ROOT / "var") / "bench" / f"{db_name}.sqlite3"
    path.parent.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{path}"


def fresh_database(url: str, db_name: str) -> None:
    if url.startswith("postgres"):
        import psycopg

        admin = urlunsplit(urlsplit(url)._replace(path="/postgres"))
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{db_name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{db_name}"')
    else:
        path = Path(urlsplit(url).path)
        for suffix in ("", "-wal", "-shm"):
            with contextlib.suppress(FileNotFoundError):
                Path(f"{path}{suffix}").unlink()


def manage(url: str, *args: str) -> tuple[float, float, str, float]:
    """Run manage.py in a process of its own; (wall seconds, its CPU seconds, last line of its output, peak RSS in
    MB of the children so far). CPU seconds say what the import costs on a machine busy with other work."""
    env = {**os.environ, "DATABASE_URL": url}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args], env=env, capture_output=True, text=True, check=False
    )
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"manage.py {' '.join(args)} failed ({done.returncode}):\n{done.stderr[-3000:]}")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return seconds, cpu, (done.stdout.strip().splitlines() or [""])[-1], after.ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--format", choices=["xlsx", "csv", "both"], default="both")
    parser.add_argument("--db-name", default="kesu_bench_import")
    parser.add_argument("--regenerate", action="store_true", help="write the sheets again (else reused)")
    args = parser.parse_args()

    url = database_url(args.db_name)
    engine = "PostgreSQL" if url.startswith("postgres") else "SQLite"
    work = Path(os.environ.get("KESU_VAR_DIR") or ROOT / "var") / "bench"
    work.mkdir(parents=True, exist_ok=True)
    import yaml

    playbook = yaml.safe_load((ROOT / "playbooks" / "service.yaml").read_text(encoding="utf-8"))
    type_names = [t.get("name", "") for t in playbook.get("categories", []) if t.get("name")]
    start = time.perf_counter()
    files = []
    if args.format in ("xlsx", "both"):
        files.append(work / f"import_{args.rows}.xlsx")
    if args.format in ("csv", "both"):
        files.append(work / f"import_{args.rows}.csv")
    missing = [f for f in files if args.regenerate or not f.exists()]
    if missing:
        rows = sheet_rows(args.rows, type_names)
        for path in missing:
            # Written under another name first: a concurrent run never reads a half-written sheet.
            partial = path.with_name(f".{path.name}.{os.getpid()}")
            (write_xlsx if path.suffix == ".xlsx" else write_csv)(partial.with_suffix(path.suffix), rows)
            partial.with_suffix(path.suffix).replace(path)
        print(f"wrote {', '.join(f.name for f in missing)} ({args.rows:,} rows) in {time.perf_counter() - start:.1f} s")
    for path in files:
        fresh_database(url, args.db_name)
        manage(url, "migrate", "--verbosity", "0")
        manage(url, "load_playbook", "service")
        for label, extra in (("dry run", ["--dry-run"]), ("import ", [])):
            seconds, cpu, line, peak = manage(url, "import_complaints", str(path), *extra)
            print(
                f"{engine} {path.suffix[1:]:4} {label}: {line:>15} {seconds:6.1f} s {args.rows / seconds:6,.0f} rows/s"
                f"  (CPU {cpu:5.1f} s of the process: {args.rows / cpu:6,.0f} rows/s; peak memory ≤ {peak:,.0f} MB)"
            )
            sys.stdout.flush()


if __name__ == "__main__":
    main()
