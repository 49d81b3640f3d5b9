"""E-mail in throughput: mails handled per second, in-process and through the SMTP receiver.

    env -u DATABASE_URL .venv/bin/python bench/mail.py                                   # SQLite
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kesu .venv/bin/python bench/mail.py  # PostgreSQL
    .venv/bin/python bench/mail.py --mails 3000 --clients 8

A benchmark, not a test (`make test` never runs it). It works in a database of its own (`--db-name`, default
kesu_bench_mail: a SQLite file under var/bench/, or a database of that name on the server DATABASE_URL names,
which itself is never touched), migrated and with the `service` playbook loaded, emptied of complaints first.

It writes `--mails` messages the way customers' clients do: new complaints from 1,000 addresses (GBK 8-bit,
GB2312 quoted-printable, UTF-8 base64 HTML; one in five with a photo), replies to earlier ones (the number in a
GBK subject, QQ-style quoted history), out-of-office auto-replies and mail delivered twice (the same Message-ID).
Then:

1. `direct`: `handle_message` on each mail, one after another in this process (what `receive_mail` on stdin
   and the IMAP poller do per message);
2. `smtp`: `manage.py receive_mail --port N` as its own process, `--clients` smtplib clients sending the same
   kind of mail (new Message-IDs) at once over their own connections.

It prints mails/s for each, and the outcomes (created / threaded / ignored / duplicate) to show the mix ran.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import os
import quopri
import random
import smtplib
import socket
import subprocess
import sys
import threading
import time
from email.header import Header
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

COMPLAINTS = "tousu@kesu-bench.cn"
TEXTS = [
    ("热水器漏电", "洗澡时热水器外壳有麻手的感觉，家里有老人小孩，太危险了，要求立即上门检测。"),
    ("冰箱不制冷", "新买的冰箱用了三天冷藏室就不制冷，食物都坏了，要求换货。"),
    ("快递延误一周未送达", "订单显示已发货七天，物流信息一直停在中转站，客服只会让我再等等。"),
    ("维修后故障再次出现", "洗衣机维修后不到两周又出现同样的E3报错，已经是第二次了。"),
    ("门店店员态度恶劣", "在门店咨询退换货政策，店员不耐烦还出言不逊，要求店长道歉。"),
    ("退款到账时间过长", "退货已签收十天，退款仍未到账，客服说系统处理中。"),
]
NAMES = ["王镕", "张喆", "李娜", "刘洋", "陈静", "赵敏", "孙磊", "周婷"]
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + bytes(range(256)) * 40 + b"\xff\xd9"


def _b64header(text: str, charset: str) -> str:
    return Header(text, charset).encode()


def new_mail(rng: random.Random, serial: int, sender: str, tag: str) -> bytes:
    title, text = rng.choice(TEXTS)
    name = rng.choice(NAMES)
    style = serial % 3
    headers = [
        f"From: {_b64header(name, 'gbk' if style < 2 else 'utf-8')} <{sender}>",
        f"To: {COMPLAINTS}",
        f"Subject: {_b64header(title, 'gbk' if style < 2 else 'utf-8')}",
        f"Message-ID: <{tag}.{serial}@mail.example.com>",
        "Date: Mon, 07 Dec 2026 10:00:00 +0800",
        "MIME-Version: 1.0",
    ]
    body = f"您好：\n{text}\n订单号 2026{serial:08d}。\n\n发自我的iPhone\n"
    if style == 0:
        part = b"Content-Type: text/plain; charset=GBK\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
        part += body.replace("\n", "\r\n").encode("gbk")
    elif style == 1:
        part = b"Content-Type: text/plain; charset=gb2312\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
        part += quopri.encodestring(body.replace("\n", "\r\n").encode("gbk"))
    else:
        markup = "<html><body>" + "".join(f"<p>{line}</p>" for line in body.splitlines()) + "</body></html>"
        part = b"Content-Type: text/html; charset=UTF-8\r\nContent-Transfer-Encoding: base64\r\n\r\n"
        part += base64.encodebytes(markup.encode())
    if serial % 5 == 0:
        boundary = f"b{serial}"
        photo = (
            f'Content-Type: image/jpeg; name="{_b64header("照片.jpg", "utf-8")}"\r\n'
            "Content-Transfer-Encoding: base64\r\nContent-Disposition: attachment\r\n\r\n"
        ).encode() + base64.encodebytes(JPEG)
        headers.append(f'Content-Type: multipart/mixed; boundary="{boundary}"')
        content = f"--{boundary}\r\n".encode() + part + f"\r\n--{boundary}\r\n".encode() + photo
        content += f"\r\n--{boundary}--\r\n".encode()
        return "\r\n".join(headers).encode() + b"\r\n\r\n" + content
    head, _sep, rest = part.partition(b"\r\n\r\n")
    return "\r\n".join(headers).encode() + b"\r\n" + head + b"\r\n\r\n" + rest


def reply_mail(serial: int, sender: str, number: str, tag: str) -> bytes:
    body = (
        f"师傅还没来，请问什么时候上门？\r\n\r\n------------------ 原始邮件 ------------------\r\n"
        f'发件人: "客诉中心"<{COMPLAINTS}>;\r\n发送时间: 2026年12月7日 上午10:20\r\n'
        f"主题: [{number}] 您的投诉已受理\r\n\r\n"
        f"您的投诉已受理，编号 {number}。\r\n"
    ).encode("gbk")
    headers = [
        f"From: {sender}",
        f"To: {COMPLAINTS}",
        f"Subject: {_b64header(f'回复：[{number}] 您的投诉已受理', 'gbk')}",
        f"Message-ID: <{tag}.reply.{serial}@qq.example.com>",
        "MIME-Version: 1.0",
        "Content-Type: text/plain; charset=GBK",
        "Content-Transfer-Encoding: base64",
    ]
    return "\r\n".join(headers).encode() + b"\r\n\r\n" + base64.encodebytes(body)


def auto_reply(serial: int, sender: str, tag: str) -> bytes:
    return (
        f"From: {sender}\r\nTo: {COMPLAINTS}\r\nSubject: {_b64header('自动回复：您的投诉已受理', 'utf-8')}\r\n"
        f"Message-ID: <{tag}.auto.{serial}@mail.example.com>\r\nAuto-Submitted: auto-replied\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n\r\n"
    ).encode() + "我正在休假，回来后回复您。\r\n".encode()


def crlf(raw: bytes) -> bytes:
    """Every line ended by CRLF, as SMTP carries mail (smtplib sends bytes as they are)."""
    return raw.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")


class Mix:
    """Mail in the proportions of a real complaints mailbox: 60 % new, 25 % replies, 10 % auto-replies, 5 %
    delivered twice. Replies name complaints the run created before (`created` is filled as they come back)."""

    def __init__(self, seed: int, tag: str):
        self.rng = random.Random(seed)
        self.tag = tag
        self.serial = 0
        self.sent: list[bytes] = []
        self.created: list[tuple[str, str]] = []  # (sender, number)
        self.lock = threading.Lock()

    def next(self) -> tuple[bytes, str]:
        with self.lock:
            self.serial += 1
            serial = self.serial
            roll = self.rng.random()
            sender = f"customer{self.rng.randrange(1000)}@example.com"
            if roll < 0.25 and self.created:
                sender, number = self.rng.choice(self.created)
                raw = reply_mail(serial, sender, number, self.tag)
            elif roll < 0.35:
                raw = auto_reply(serial, sender, self.tag)
            elif roll < 0.40 and self.sent:
                raw = self.rng.choice(self.sent)
            else:
                raw = new_mail(self.rng, serial, sender, self.tag)
                self.sent.append(raw)
            return crlf(raw), sender

    def note(self, sender: str, outcome) -> None:
        if outcome.outcome == "created" and not outcome.duplicate:
            with self.lock:
                self.created.append((sender, outcome.number))


# ---------------------------------------------------------------------------------------------------------------


def database_url(args) -> str:
    base = os.environ.get("DATABASE_URL", "")
    if base.startswith("postgres"):
        return urlunsplit(urlsplit(base)._replace(path=f"/{args.db_name}"))
    path = Path(os.environ.get("KESU_VAR_DIR") or ROOT / "var") / "bench" / f"{args.db_name}.sqlite3"
    path.parent.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{path}"


def prepare(args) -> str:
    url = database_url(args)
    if url.startswith("postgres"):
        import psycopg

        admin = urlunsplit(urlsplit(url)._replace(path="/postgres"))
        with psycopg.connect(admin, autocommit=True) as conn:
            if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [args.db_name]).fetchone():
                conn.execute(f'CREATE DATABASE "{args.db_name}"')
    os.environ["DATABASE_URL"] = url
    os.environ["KESU_COMPLAINTS_EMAIL"] = COMPLAINTS
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kesu.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    call_command("createcachetable", verbosity=0)
    from kesu.rules.playbooks import active_playbook, load

    if active_playbook() is None:
        load("service")
    return url


def tally(outcomes) -> str:
    counts: dict[str, int] = {}
    for o in outcomes:
        key = "duplicate" if o.duplicate else o.outcome
        counts[key] = counts.get(key, 0) + 1
    return ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))


def run_direct(args) -> float:
    from django.utils import timezone

    from kesu.channels.mail.receiver import handle_message

    mix = Mix(1, f"direct{int(time.time())}")
    mails = [mix.next() for _ in range(min(50, args.mails))]  # a warm-up, not counted
    for raw, sender in mails:
        mix.note(sender, handle_message(raw, now=timezone.now()))
    outcomes = []
    started = time.perf_counter()
    for _ in range(args.mails):
        raw, sender = mix.next()
        outcome = handle_message(raw, now=timezone.now())
        mix.note(sender, outcome)
        outcomes.append(outcome)
    elapsed = time.perf_counter() - started
    rate = args.mails / elapsed
    print(f"  direct: {args.mails} mails in {elapsed:.1f} s = {rate:.1f} mails/s ({tally(outcomes)})")
    return rate


class _Outcome:
    def __init__(self, reply: str):
        line = reply.split("OK ", 1)[-1]
        self.duplicate = False
        self.outcome = "ignored" if line.startswith("ignored:") else "sent"
        self.number = line


def run_smtp(args, url: str) -> float:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "DATABASE_URL": url, "KESU_COMPLAINTS_EMAIL": COMPLAINTS}
    proc = subprocess.Popen(
        [sys.executable, "manage.py", "receive_mail", "--port", str(port)], cwd=ROOT, env=env, stdout=subprocess.PIPE
    )
    deadline = time.monotonic() + 60
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            if time.monotonic() > deadline or proc.poll() is not None:
                raise SystemExit("the SMTP receiver did not start") from None
            time.sleep(0.1)
    mix = Mix(2, f"smtp{int(time.time())}")
    done: list[str] = []
    failures: list[str] = []
    per_client = args.mails // args.clients

    def client() -> None:
        with smtplib.SMTP("127.0.0.1", port, timeout=60) as smtp:
            smtp.ehlo()
            for _ in range(per_client):
                raw, sender = mix.next()
                smtp.mail(sender)
                smtp.rcpt(COMPLAINTS)
                code, reply = smtp.data(raw)
                if code != 250:
                    failures.append(f"{code} {reply!r}")
                    continue
                text = reply.decode()
                done.append(text)
                outcome = _Outcome(text)
                if outcome.outcome == "sent":
                    outcome.outcome = "created"  # a reply's number too: replies to it thread all the same
                    mix.note(sender, outcome)

    try:
        started = time.perf_counter()
        threads = [threading.Thread(target=client) for _ in range(args.clients)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.perf_counter() - started
    finally:
        proc.terminate()
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(10)
    total = len(done)
    ignored = sum(1 for d in done if "ignored:" in d)
    rate = total / elapsed
    print(
        f"  smtp ({args.clients} clients): {total} mails in {elapsed:.1f} s = {rate:.1f} mails/s "
        f"(ignored {ignored}, refused {len(failures)})"
    )
    if failures:
        print("   first refusal:", failures[0])
    return rate


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mails", type=int, default=1000)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--db-name", default="kesu_bench_mail")
    parser.add_argument("--skip-smtp", action="store_true")
    args = parser.parse_args()
    url = prepare(args)
    from django.db import connection

    print(f"e-mail in on {connection.vendor} ({args.mails} mails)")
    run_direct(args)
    connection.close()
    if not args.skip_smtp:
        run_smtp(args, url)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
