"""Background jobs of the SLA package: the sweep, every minute. Nothing else lives here."""

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from . import sweep


@db_periodic_task(crontab(minute="*"))
def sla_sweep_every_minute() -> str:
    return str(sweep.run(now=timezone.now()))
