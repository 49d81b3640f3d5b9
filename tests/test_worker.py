"""The background worker: Huey runs the SLA sweep every minute (`manage.py run_huey`)."""

import datetime as dt
from zoneinfo import ZoneInfo

import time_machine
from django.utils.module_loading import autodiscover_modules
from huey.contrib.djhuey import HUEY

from kesu.complaints import actions
from kesu.complaints.models import Event
from kesu.sla.tasks import sla_sweep_every_minute

SH = ZoneInfo("Asia/Shanghai")
T0 = dt.datetime(2026, 10, 12, 9, 30, tzinfo=SH)


def periodic_names(moment):
    return {task.name for task in HUEY.read_periodic(moment)}


def test_the_sweep_is_a_periodic_task_the_worker_finds_and_runs_every_minute():
    autodiscover_modules("tasks")  # what run_huey does at start-up
    name = sla_sweep_every_minute.task_class.__name__
    for moment in (
        dt.datetime(2026, 10, 12, 1, 30),
        dt.datetime(2026, 10, 12, 1, 31),
        dt.datetime(2026, 12, 31, 23, 59),
        dt.datetime(2027, 2, 28, 0, 0),
    ):
        assert name in periodic_names(moment), moment


def overdue_complaint(users):
    data = actions.ComplaintInput(
        channel="phone",
        customer=actions.CustomerInput(name="钱女士", phone="13411112222"),
        title="预约安装一直没人来",
        type_code="after_sales",
        received_at=T0,
    )
    return actions.do_create(data, actor=users["agent"], now=T0)[0]


def test_calling_the_task_runs_a_sweep(users, playbook):
    playbook("retail")
    c = overdue_complaint(users)
    with time_machine.travel(T0 + dt.timedelta(minutes=16), tick=False):
        assert sla_sweep_every_minute.call_local() == "reminders=0 breaches=1 escalations=0 penalties=0"
    [breach] = Event.objects.filter(complaint=c, action="sla_breach")
    assert breach.data["clock"] == "first_response"


def test_the_task_runs_in_huey_immediate_mode(users, playbook):
    playbook("retail")
    c = overdue_complaint(users)
    HUEY.immediate = True
    try:
        with time_machine.travel(T0 + dt.timedelta(hours=3), tick=False):
            sla_sweep_every_minute()  # enqueued and, in immediate mode, run at once (periodic: no result kept)
    finally:
        HUEY.immediate = False
    assert Event.objects.filter(complaint=c, action="sla_breach").count() == 3
