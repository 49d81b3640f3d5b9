"""`python -m kesu.worker`: the web server and the background worker, started and stopped together.

`make run` uses it so one command serves the product with its SLA jobs running. Either process
ending stops the other; Ctrl-C stops both.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time


def main() -> int:
    port = os.environ.get("PORT", "8000")
    bindir = os.path.dirname(sys.executable)
    web = [
        os.path.join(bindir, "gunicorn"),
        "kesu.wsgi",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        os.environ.get("WEB_WORKERS", "2"),
        "--threads",
        "4",
        "--access-logfile",
        "-",
    ]
    worker = [sys.executable, "manage.py", "run_huey", "--quiet"]
    procs = [subprocess.Popen(web), subprocess.Popen(worker)]

    def stop(*_args) -> None:
        for p in procs:
            if p.poll() is None:
                p.terminate()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    try:
        while all(p.poll() is None for p in procs):
            time.sleep(0.5)
    finally:
        stop()
        deadline = time.monotonic() + 10
        for p in procs:
            try:
                p.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                p.kill()
    return max((p.returncode or 0) for p in procs)


if __name__ == "__main__":
    sys.exit(main())
