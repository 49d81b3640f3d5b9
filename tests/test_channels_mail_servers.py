"""E-mail in against real servers: Debian's dovecot (IMAPS and STARTTLS) polled by `fetch_mail`, and the SMTP
receiver `manage.py receive_mail --port N` run as its own process and spoken to with smtplib.

Dovecot is started by the fixture with a configuration of its own in a temporary folder, on free ports, with a
self-signed certificate made by `openssl req` for 127.0.0.1 (`make test` installs dovecot-imapd)."""

from __future__ import annotations

import imaplib
import os
import shutil
import smtplib
import socket
import ssl
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from kesu.channels.mail.models import InboundMail
from kesu.complaints.models import Complaint, Event
from tests.test_channels_mail import encoded_sample, sample

DOVECOT = "/usr/sbin/dovecot"
ROOT = Path(__file__).resolve().parent.parent
COMPLAINTS = "tousu@kesu-test.cn"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port: int, *, process: subprocess.Popen, seconds: float = 15) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"exited with {process.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing listens on {port}")


@pytest.fixture(autouse=True)
def _addresses(settings):
    settings.KESU_COMPLAINTS_EMAIL = f"客诉中心 <{COMPLAINTS}>"
    settings.DEFAULT_FROM_EMAIL = "noreply@kesu-test.cn"


# ---------------------------------------------------------------------------------------------
# Dovecot


class Dovecot:
    def __init__(self, folder: Path):
        self.folder = folder
        self.imaps_port = free_port()
        self.imap_port = free_port()
        self.cert = folder / "cert.pem"
        self.passwd = folder / "passwd"
        self.users = 0

    def start(self) -> None:
        folder = self.folder
        subprocess.run(
            [
                *("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1"),
                *("-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(folder / "key.pem"), "-out", str(self.cert)),
            ],
            check=True,
            capture_output=True,
        )
        # Every test's mailbox made now: dovecot may not notice a line added later in the same second.
        self.passwd.write_text("".join(f"org{n}:{{PLAIN}}p@ss/{n}\n" for n in range(1, 41)))
        home = folder / "home"
        home.mkdir()
        if os.geteuid() == 0:
            # Dovecot's login processes never run as root, nor mail as uid 0: the package's own users.
            internal, login, mail = "dovecot", "dovenull", "dovecot"
            shutil.chown(home, "dovecot", "dovecot")
        else:
            import pwd

            internal = login = mail = pwd.getpwuid(os.getuid()).pw_name
        (folder / "dovecot.conf").write_text(
            f"""
protocols = imap
listen = 127.0.0.1
base_dir = {folder}/run
state_dir = {folder}/state
instance_name = kesu-test-{self.imaps_port}
log_path = {folder}/dovecot.log
ssl = yes
ssl_cert = <{self.cert}
ssl_key = <{folder}/key.pem
disable_plaintext_auth = yes
auth_mechanisms = plain
first_valid_uid = 1
mail_location = maildir:{home}/%u/Maildir:LAYOUT=fs
default_internal_user = {internal}
default_internal_group = {internal}
default_login_user = {login}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {self.passwd}
}}
userdb {{
  driver = static
  args = uid={mail} gid={mail} home={home}/%u
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    port = {self.imap_port}
  }}
  inet_listener imaps {{
    port = {self.imaps_port}
    ssl = yes
  }}
}}
service anvil {{
  chroot =
}}
"""
        )
        self.process = subprocess.Popen(
            [DOVECOT, "-F", "-c", str(folder / "dovecot.conf")], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        wait_for_port(self.imaps_port, process=self.process)
        wait_for_port(self.imap_port, process=self.process)

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(10)

    def new_user(self) -> tuple[str, str]:
        """A mailbox of its own for each test: (user, password)."""
        self.users += 1
        return f"org{self.users}", f"p@ss/{self.users}"

    def client(self, user: str, password: str) -> imaplib.IMAP4_SSL:
        conn = imaplib.IMAP4_SSL(
            "127.0.0.1", self.imaps_port, ssl_context=ssl.create_default_context(cafile=str(self.cert))
        )
        conn.login(user, password)
        return conn

    def deliver(self, user: str, password: str, *messages: bytes) -> None:
        conn = self.client(user, password)
        for raw in messages:
            assert conn.append("INBOX", None, None, raw)[0] == "OK"
        conn.logout()

    def uids(self, user: str, password: str, folder: str, criteria: str = "ALL") -> list[bytes]:
        conn = self.client(user, password)
        typ, _data = conn.select(f'"{folder}"')
        if typ != "OK":
            conn.logout()
            return []
        found = conn.uid("SEARCH", None, criteria)[1][0].split()
        conn.logout()
        return found


@pytest.fixture(scope="module")
def dovecot():
    if not os.path.exists(DOVECOT):
        pytest.skip("dovecot is not installed (make test installs dovecot-imapd)")
    folder = Path(tempfile.mkdtemp(prefix="kesu-dovecot-"))
    folder.chmod(0o755)  # dovecot's own users read the configuration's files and sockets
    server = Dovecot(folder)
    server.start()
    yield server
    server.stop()
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def mailbox(dovecot, settings):
    """A fresh mailbox, KESU_IMAP_URL pointing at it over IMAPS and the test certificate trusted."""
    user, password = dovecot.new_user()
    settings.KESU_IMAP_CA_FILE = str(dovecot.cert)
    settings.KESU_IMAP_URL = f"imaps://{user}:{quote(password, safe='')}@127.0.0.1:{dovecot.imaps_port}/INBOX"
    return user, password


def fetch_mail() -> str:
    from io import StringIO

    out = StringIO()
    call_command("fetch_mail", stdout=out)
    return out.getvalue().strip()


def test_fetch_mail_over_imaps_creates_threads_ignores_and_moves(db, dovecot, mailbox):
    dovecot.deliver(*mailbox, sample("gbk_8bit.eml"), sample("bulk.eml"))
    assert fetch_mail() == "created 1, ignored 1"
    assert dovecot.uids(*mailbox, "INBOX") == []
    assert len(dovecot.uids(*mailbox, "kesu/processed")) == 2
    (c,) = Complaint.objects.all()
    assert c.title == "热水器漏电，要求上门检测" and c.customer.email == "wang.rong@example.com"
    assert InboundMail.objects.get(complaint=c).via == "imap"

    # The same mail delivered again and the customer's reply: stored once, the reply threaded.
    dovecot.deliver(*mailbox, sample("gbk_8bit.eml"), encoded_sample("qq_reply.eml", c.number))
    assert fetch_mail() == "duplicate 1, threaded 1"
    assert Complaint.objects.count() == 1
    (message,) = Event.objects.filter(complaint=c, action="customer_message")
    assert message.data["text"] == "师傅还没来，请问什么时候上门？"
    assert fetch_mail() == "no new mail"


def test_starttls_and_flagging_instead_of_moving(db, dovecot, mailbox, settings):
    user, password = mailbox
    settings.KESU_IMAP_URL = f"imap://{user}:{quote(password, safe='')}@127.0.0.1:{dovecot.imap_port}/INBOX"
    settings.KESU_IMAP_PROCESSED_FOLDER = ""
    dovecot.deliver(user, password, sample("gb18030_base64.eml"))
    assert fetch_mail() == "created 1"
    assert len(dovecot.uids(user, password, "INBOX", "SEEN KEYWORD $KesuProcessed")) == 1
    assert fetch_mail() == "no new mail"
    assert Complaint.objects.count() == 1


def test_the_worker_task_polls_only_when_configured(db, dovecot, mailbox, settings):
    from kesu.channels.mail.tasks import fetch_mail_every_minute

    dovecot.deliver(*mailbox, sample("gb2312_qp.eml"))
    assert fetch_mail_every_minute.call_local() == "created 1"
    settings.KESU_IMAP_URL = ""
    assert fetch_mail_every_minute.call_local() == "off"


def test_a_wrong_password_or_an_untrusted_certificate_is_a_clear_error(db, dovecot, mailbox, settings):
    user, password = mailbox
    settings.KESU_IMAP_URL = f"imaps://{user}:wrong-secret@127.0.0.1:{dovecot.imaps_port}/INBOX"
    with pytest.raises(CommandError) as refused:
        fetch_mail()
    assert "wrong-secret" not in str(refused.value) and "127.0.0.1" in str(refused.value)
    settings.KESU_IMAP_URL = f"imaps://{user}:{quote(password, safe='')}@127.0.0.1:{dovecot.imaps_port}/INBOX"
    settings.KESU_IMAP_CA_FILE = ""
    with pytest.raises(CommandError, match="CERTIFICATE_VERIFY_FAILED"):
        fetch_mail()
    settings.KESU_IMAP_URL = "pop3://x@127.0.0.1/INBOX"
    with pytest.raises(CommandError, match="imaps://"):
        fetch_mail()


# ---------------------------------------------------------------------------------------------
# The SMTP receiver, as its own process


def database_url() -> str:
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{s['NAME']}"
    auth = quote(s["USER"] or "", safe="") + (":" + quote(s["PASSWORD"], safe="") if s.get("PASSWORD") else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


@pytest.fixture
def receiver(transactional_db):
    if connection.vendor == "sqlite" and "memory" in str(connection.settings_dict["NAME"]):
        pytest.skip("the receiver process needs the test database in a file")
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "KESU_COMPLAINTS_EMAIL": COMPLAINTS,
        "DEFAULT_FROM_EMAIL": "noreply@kesu-test.cn",
    }
    process = subprocess.Popen(
        [sys.executable, "manage.py", "receive_mail", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        wait_for_port(port, process=process, seconds=30)
    except RuntimeError:
        process.kill()
        raise RuntimeError(process.communicate()[1].decode()) from None
    yield port
    process.terminate()
    process.wait(10)
    connection.close()


def send(port: int, raw: bytes, *, sender: str = "wang.rong@example.com", to: str = COMPLAINTS) -> tuple[int, str]:
    with smtplib.SMTP("127.0.0.1", port, timeout=30) as smtp:
        smtp.ehlo()
        smtp.mail(sender)
        code, reply = smtp.rcpt(to)
        if code != 250:
            return code, reply.decode()
        code, reply = smtp.data(raw)
        return code, reply.decode()


def test_mail_over_smtp_becomes_a_complaint_its_reply_threads_auto_replies_and_bounces_are_dropped(receiver):
    code, reply = send(receiver, sample("gbk_8bit.eml"))
    assert code == 250
    (c,) = Complaint.objects.all()
    assert reply.endswith(c.number)
    assert c.title == "热水器漏电，要求上门检测" and c.customer.name == "王镕"
    assert InboundMail.objects.get().via == "smtp"

    code, reply = send(receiver, encoded_sample("qq_reply.eml", c.number))
    assert code == 250 and reply.endswith(c.number)
    assert Event.objects.filter(complaint=c, action="customer_message").count() == 1

    code, reply = send(receiver, encoded_sample("auto_reply.eml", c.number))
    assert (code, reply.split("OK ", 1)[1]) == (250, "ignored: auto_submitted")
    code, reply = send(receiver, sample("gbk_8bit.eml"))  # delivered twice: the first answer again
    assert code == 250 and reply.endswith(c.number)
    assert Complaint.objects.count() == 1
    assert Event.objects.filter(complaint=c, action="customer_message").count() == 1

    # No open relay; a delivery report (null sender) is accepted and dropped, never bounced back.
    code, _reply = send(receiver, sample("gb2312_qp.eml"), to="someone@elsewhere.example")
    assert code == 550
    plain = b"From: a@example.com\r\nSubject: hello\r\nMessage-ID: <n@example.com>\r\n\r\nbody\r\n"
    code, reply = send(receiver, plain, sender="")
    assert (code, reply.split("OK ", 1)[1]) == (250, "ignored: bounce")
    assert Complaint.objects.count() == 1
