"""Background job of the workspace: a bulk action over many complaints (kesu.workspace.bulk)."""

from django.utils import timezone
from huey.contrib.djhuey import db_task

from . import bulk


@db_task()
def run_bulk(run_id: int) -> None:
    bulk.process_run(run_id, clock=timezone.now)
