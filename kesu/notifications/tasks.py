"""Background jobs of the notifications package: send due e-mails and webhook calls.

`deliver_pending` is enqueued after a commit that queued deliveries; the periodic task catches up on
anything a lost kick or a crashed worker left, and on retries coming due.
"""

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from . import delivery, digest


@db_task()
def deliver_pending() -> str:
    return str(delivery.deliver_due(clock=timezone.now))


@db_periodic_task(crontab(minute="*"))
def deliver_due_every_minute() -> str:
    return str(delivery.deliver_due(clock=timezone.now))


@db_periodic_task(crontab(minute="0"))
def send_digests_every_hour() -> str:
    return str(digest.send_digests(now=timezone.now()))
