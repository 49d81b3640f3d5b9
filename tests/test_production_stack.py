"""The production stack: `python -m kesu.worker` with WEB_WORKERS web and JOB_WORKERS job processes, stopped by
SIGTERM; a job worker killed mid-delivery loses nothing; a job leaves nothing behind in the queue storage.

The long run under load is bench/soak.py (not a test)."""

from __future__ import annotations

import datetime as dt
import http.client
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import huey
import pytest
import time_machine
from django.utils import timezone
from huey.contrib.djhuey import HUEY

from kesu import worker
from kesu.notifications import delivery
from kesu.notifications.models import Delivery
from kesu.notifications.tasks import deliver_due_every_minute
from tests.factories import UserFactory
from tests.test_notifications_delivery import SmtpPeer, free_port, tell

ROOT = Path(__file__).resolve().parent.parent


def children(pid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry))
    return found


def cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def layout(launcher: int) -> tuple[list[int], list[int], list[str]]:
    """(gunicorn masters, their web workers, the job workers' command lines) under the launcher."""
    masters, web, jobs = [], [], []
    for pid in children(launcher):
        line = cmdline(pid)
        if "gunicorn" in line:
            masters.append(pid)
            web += children(pid)
        elif "run_huey" in line:
            jobs.append(line)
    return masters, web, jobs


def wait_for(condition, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"not within {timeout} s: {what}")


def healthy(port: int) -> bool:
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        conn.request("GET", "/api/v1/health")
        return conn.getresponse().status == 200
    except OSError:
        return False


def test_the_launcher_starts_n_web_and_n_job_workers_restarts_a_killed_one_and_stops_on_sigterm(tmp_path):
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(
        KESU_VAR_DIR=str(tmp_path),  # an SQLite database and queue of its own
        PORT=str(port),
        WEB_WORKERS="3",
        JOB_WORKERS="2",
        HUEY_WORKERS="1",
        ACCESS_LOG=str(tmp_path / "access.log"),
        STOP_TIMEOUT="30",
    )
    launcher = subprocess.Popen([sys.executable, "-m", "kesu.worker"], cwd=ROOT, env=env, start_new_session=True)
    try:
        wait_for(lambda: healthy(port), 60, "the web server answers /api/v1/health")

        def complete():
            found = layout(launcher.pid)
            return found if len(found[1]) == 3 and len(found[2]) == 2 else None

        masters, web, jobs = wait_for(complete, 30, "3 web and 2 job processes")
        assert len(masters) == 1
        # One job worker schedules the periodic tasks (sweep, catch-up); the other only takes jobs.
        assert sorted("--no-periodic" in line for line in jobs) == [False, True]

        # A job worker killed with SIGKILL is started again.
        killed = next(p for p in children(launcher.pid) if "run_huey" in cmdline(p))
        os.kill(killed, signal.SIGKILL)
        wait_for(
            lambda: len(layout(launcher.pid)[2]) == 2 and killed not in children(launcher.pid),
            20,
            "the killed job worker replaced",
        )
        assert sorted("--no-periodic" in line for line in layout(launcher.pid)[2]) == [False, True]
        everyone = children(launcher.pid) + web

        started = time.monotonic()
        launcher.send_signal(signal.SIGTERM)
        assert launcher.wait(timeout=45) == 0
        assert time.monotonic() - started < 40
        assert not [p for p in everyone if Path(f"/proc/{p}").exists() and "zombie" not in _state(p)]
        assert not healthy(port)
    finally:
        if launcher.poll() is None:
            os.killpg(launcher.pid, signal.SIGKILL)
            launcher.wait()


def _state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/status").read_text().split("State:", 1)[1].split("\n", 1)[0].lower()
    except (OSError, IndexError):
        return "zombie"


def test_the_first_job_worker_schedules_the_periodic_tasks_unless_another_machine_does(monkeypatch):
    assert "--no-periodic" not in worker.job_command(0)
    assert "--no-periodic" in worker.job_command(1)
    monkeypatch.setenv("JOB_PERIODIC", "0")
    assert "--no-periodic" in worker.job_command(0)


def test_worker_counts_must_be_whole_numbers(monkeypatch):
    monkeypatch.setenv("WEB_WORKERS", "four")
    with pytest.raises(SystemExit, match="WEB_WORKERS must be a whole number"):
        worker.web_command()
    monkeypatch.setenv("WEB_WORKERS", "0")
    with pytest.raises(SystemExit, match="WEB_WORKERS must be at least 1"):
        worker.web_command()


@pytest.fixture
def mail(settings):
    peer = SmtpPeer(free_port())
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", peer.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5
    peer.start()
    yield peer
    peer.stop()


def test_deliveries_claimed_by_a_worker_that_died_are_sent_once_after_the_lease(mail, users, complaint):
    people = [UserFactory(username=f"mail{i}", email=f"mail{i}@example.com") for i in range(3)]
    now = timezone.now()
    tell(people, complaint, key="burst", now=now)
    # A worker claims the batch and is killed before sending anything: the rows stay leased to it.
    claimed = delivery._claim(now=now, size=50)
    assert len(claimed) == 3
    assert delivery.deliver_due(now=now + dt.timedelta(minutes=1)).claimed == 0  # nobody else takes them yet
    assert mail.messages == []
    # After the lease the minute's catch-up job (run by any worker) sends each of them, once.
    with time_machine.travel(now + delivery._lease() + dt.timedelta(seconds=1), tick=False):
        deliver_due_every_minute.call_local()
        deliver_due_every_minute.call_local()
    assert sorted(m["To"] for m in mail.messages) == [p.email for p in people]
    assert set(Delivery.objects.values_list("status", "attempts")) == {("sent", 2)}


def test_a_job_leaves_nothing_behind_in_the_queue_storage(tmp_path):
    """A task's return value is never read: were results kept, every delivery kick (one per action that
    notifies someone) would leave one entry in the queue storage (Redis) for ever."""
    queue = huey.SqliteHuey(filename=str(tmp_path / "queue.sqlite3"), results=HUEY.results, utc=True)

    @queue.task()
    def kick() -> str:
        return "sent=3 failed=0 dead=0"

    kick()
    queue.execute(queue.dequeue())
    assert queue.pending_count() == 0
    assert queue.result_count() == 0
