"""Background jobs of the workspace: a bulk action over many complaints (kesu.workspace.bulk), and every five
minutes the runs a dead worker left behind, queued again."""

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from . import bulk


@db_task()
def run_bulk(run_id: int) -> None:
    bulk.process_run(run_id, clock=timezone.now)


@db_periodic_task(crontab(minute="*/5"))
def recover_bulk_runs() -> None:
    bulk.recover_stale_runs(now=timezone.now())
