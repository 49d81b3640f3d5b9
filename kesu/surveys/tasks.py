"""Background job of the surveys package: the reminders. Nothing else lives here.

Every day at 09:30 (UTC 01:30 is 09:30 in China) the worker asks `actions.remind_due` (with one "now") for the
customers who were sent a survey, have not answered, and last heard from us `reminder_days` ago (per survey);
a reminder moves that date, so a second run the same day sends nothing.
"""

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from . import actions


@db_periodic_task(crontab(hour="1", minute="30"))
def remind_survey_recipients_daily() -> str:
    return f"survey reminders={actions.remind_due(now=timezone.now())}"
