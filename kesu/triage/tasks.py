"""Background job of the triage package: retrain the suggester every hour when agents decided triages since."""

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from .training import retrain


@db_periodic_task(crontab(minute="17"))
def retrain_triage_hourly() -> str:
    return retrain(now=timezone.now(), force=False).decision
