"""`python -m kesu.worker`: the web server and the background workers, started and stopped together.

`make run` and `make serve` use it, so one command serves the product with its jobs running:

- one gunicorn master with WEB_WORKERS web processes (default 2), WEB_THREADS threads each (default 4),
  bound to HOST:PORT (default 127.0.0.1:8000), a request cancelled after WEB_TIMEOUT seconds (default 60);
- JOB_WORKERS Huey consumer processes (default 1), HUEY_WORKERS threads each. Only the first consumer
  enqueues the periodic tasks (SLA sweep, delivery catch-up: once a minute, not once per consumer); the
  others start with `--no-periodic` and take tasks from the same queue. With several consumers the queue
  must be shared: set REDIS_URL (the SQLite queue is per machine). On a second machine serving the same
  Redis queue, JOB_PERIODIC=0 leaves the schedule to the first (twice would be harmless: the sweep and
  the deliveries do each thing once however many run at a time, but it is work done for nothing).

A consumer that dies (killed, out of memory) is started again; a delivery it had claimed is sent after
its lease by the catch-up task. Anything else ending stops the rest. SIGTERM or SIGINT (Ctrl-C) stops
everything gracefully: gunicorn finishes the requests in flight, each consumer the tasks it is running
(SIGTERM is Huey's graceful signal in settings.HUEY); whatever is still running after STOP_TIMEOUT
seconds (default 30) is killed.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

RESTART_WINDOW = 60.0  # a consumer dying more than RESTARTS_PER_WINDOW times in this many seconds is a fault
RESTARTS_PER_WINDOW = 5


def _int_env(name: str, default: int, *, minimum: int = 1) -> int:
    raw = os.environ.get(name, "").strip() or str(default)
    try:
        value = int(raw)
    except ValueError:
        raise SystemExit(f"{name} must be a whole number, not {raw!r}") from None
    if value < minimum:
        raise SystemExit(f"{name} must be at least {minimum}, not {value}")
    return value


def web_command() -> list[str]:
    bindir = os.path.dirname(sys.executable)
    host = os.environ.get("HOST", "127.0.0.1")
    port = os.environ.get("PORT", "8000")
    stop_timeout = _int_env("STOP_TIMEOUT", 30)
    return [
        os.path.join(bindir, "gunicorn"),
        "kesu.wsgi",
        "--bind",
        f"{host}:{port}",
        "--workers",
        str(_int_env("WEB_WORKERS", 2)),
        "--threads",
        str(_int_env("WEB_THREADS", 4)),
        "--graceful-timeout",
        str(max(1, stop_timeout - 5)),
        "--timeout",
        str(_int_env("WEB_TIMEOUT", 60)),
        "--access-logfile",
        os.environ.get("ACCESS_LOG", "-"),
        # gunicorn's control socket lives at one path per user (~/.gunicorn): a second server on the machine
        # (another port, a test) would take it over. Nothing here uses it.
        "--no-control-socket",
    ]


def job_command(index: int) -> list[str]:
    command = [sys.executable, "manage.py", "run_huey", "--quiet"]
    if index > 0 or os.environ.get("JOB_PERIODIC", "1") == "0":
        command.append("--no-periodic")  # the first consumer alone schedules the periodic tasks
    return command


class Stack:
    """The running processes: one gunicorn master and the job consumers."""

    def __init__(self) -> None:
        self.jobs = _int_env("JOB_WORKERS", 1, minimum=0)
        self.web: subprocess.Popen | None = None
        self.consumers: list[subprocess.Popen | None] = [None] * self.jobs
        self.restarts: list[float] = []
        self.stopping = False

    def start(self) -> None:
        self.web = subprocess.Popen(web_command())
        for i in range(self.jobs):
            self.consumers[i] = subprocess.Popen(job_command(i))

    def processes(self) -> list[subprocess.Popen]:
        return [p for p in [self.web, *self.consumers] if p is not None]

    def watch(self) -> int:
        """Until a stop is asked or the web server ends: restart a consumer that died."""
        while not self.stopping:
            if self.web is None or self.web.poll() is not None:
                return self.web.returncode if self.web is not None else 1
            for i, p in enumerate(self.consumers):
                if p is not None and p.poll() is not None and not self.stopping:
                    now = time.monotonic()
                    self.restarts = [t for t in self.restarts if now - t < RESTART_WINDOW] + [now]
                    if len(self.restarts) > RESTARTS_PER_WINDOW:
                        print(f"kesu: job worker {i} keeps dying (exit {p.returncode}): stopping", file=sys.stderr)
                        return p.returncode or 1
                    print(f"kesu: job worker {i} ended (exit {p.returncode}): starting it again", file=sys.stderr)
                    self.consumers[i] = subprocess.Popen(job_command(i))
            time.sleep(0.5)
        return 0

    def stop(self, *_args) -> None:
        self.stopping = True
        for p in self.processes():
            if p.poll() is None:
                p.terminate()  # gunicorn and Huey (graceful_signal TERM): finish what is running

    def wait(self) -> int:
        deadline = time.monotonic() + _int_env("STOP_TIMEOUT", 30)
        codes = []
        for p in self.processes():
            try:
                codes.append(p.wait(timeout=max(0.1, deadline - time.monotonic())))
            except subprocess.TimeoutExpired:
                p.kill()
                codes.append(p.wait())
        # A process stopped by our SIGTERM (gunicorn exits 0, Huey may report -15) ended as asked.
        return max((0 if c in (0, -signal.SIGTERM) else abs(c)) for c in codes) if codes else 0


def main() -> int:
    stack = Stack()
    signal.signal(signal.SIGTERM, stack.stop)
    signal.signal(signal.SIGINT, stack.stop)
    stack.start()
    code = 0
    try:
        code = stack.watch()
    finally:
        stack.stop()
        code = max(code, stack.wait())
    return code


if __name__ == "__main__":
    sys.exit(main())
