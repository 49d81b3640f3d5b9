"""Background job of the reports package: the scheduled e-mails. Nothing else lives here.

Every hour at :05 the worker asks `mailing.send_due` (with one "now") whether a week's report (from Monday 08:00)
or a month's (from the 1st, 08:00) is due and not yet sent; deliveries are recorded, so the hourly runs after
the first send nothing, and retry only what failed.
"""

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from . import mailing


@db_periodic_task(crontab(minute="5"))
def send_due_reports_hourly() -> str:
    return "; ".join(str(outcome) for outcome in mailing.send_due(now=timezone.now()))
