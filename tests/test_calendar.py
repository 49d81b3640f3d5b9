"""The business calendar: working days with 调休, working hours, business minutes, and the 2026 holidays
as working-day deadlines see them (pure arithmetic, the database calendar, and through the API)."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from kesu.sla import calendar_store
from kesu.sla.calendars import Mode, WorkCalendar, due_at, extend_for_pause
from kesu.sla.models import BusinessCalendar, CalendarDay, CalendarYear

SH = ZoneInfo("Asia/Shanghai")


def at(y, m, d, hh=0, mm=0):
    return dt.datetime(y, m, d, hh, mm, tzinfo=SH)


def days(start, end):
    return {start + dt.timedelta(days=i) for i in range((end - start).days + 1)}


# The 2026 facts: Mid-Autumn Sep 25–27 and National Day Oct 1–7 off; Sun Sep 20 and Sat Oct 10 are worked.
HOLIDAYS_2026 = days(dt.date(2026, 9, 25), dt.date(2026, 9, 27)) | days(dt.date(2026, 10, 1), dt.date(2026, 10, 7))
CAL = WorkCalendar(
    holidays=frozenset(HOLIDAYS_2026),
    workdays=frozenset({dt.date(2026, 9, 20), dt.date(2026, 10, 10)}),
    covered_years=frozenset({2026}),
)

WORKING_DAY_CASES = [
    # received → + 1 working day
    (at(2026, 9, 30, 10), at(2026, 10, 8, 10)),  # Wed before National Day → Thu after it
    (at(2026, 10, 9, 10), at(2026, 10, 10, 10)),  # Fri → the make-up Saturday
    (at(2026, 10, 10, 10), at(2026, 10, 12, 10)),  # the make-up Saturday → Mon
    (at(2026, 10, 16, 20), at(2026, 10, 20, 9)),  # Fri evening counts from Mon 09:00 → Tue 09:00
    (at(2026, 10, 17, 10), at(2026, 10, 20, 9)),  # an ordinary Saturday likewise
    (at(2026, 10, 13, 7, 30), at(2026, 10, 14, 9)),  # before opening time: from that day's 09:00
    (at(2026, 9, 24, 15), at(2026, 9, 28, 15)),  # Thu before Mid-Autumn → Mon
    (at(2026, 9, 19, 11), at(2026, 9, 21, 9)),  # Sat 19th → Sun 20th (worked) 09:00 → Mon 09:00
]


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (dt.date(2026, 9, 20), True),  # Sunday, make-up working day
        (dt.date(2026, 9, 25), False),
        (dt.date(2026, 9, 26), False),
        (dt.date(2026, 9, 27), False),
        (dt.date(2026, 9, 28), True),
        (dt.date(2026, 10, 1), False),
        (dt.date(2026, 10, 5), False),  # a Monday inside the holiday
        (dt.date(2026, 10, 7), False),
        (dt.date(2026, 10, 8), True),
        (dt.date(2026, 10, 10), True),  # Saturday, make-up working day
        (dt.date(2026, 10, 11), False),  # the Sunday after it
        (dt.date(2026, 10, 17), False),  # an ordinary Saturday
    ],
)
def test_working_days_of_autumn_2026(day, working):
    assert CAL.is_working_day(day) is working


@pytest.mark.parametrize(("received", "due"), WORKING_DAY_CASES)
def test_one_working_day_after(received, due):
    assert CAL.add_working_days(received, 1) == due


def test_working_days_arithmetic_edges():
    assert CAL.add_working_days(at(2026, 10, 17, 10), 0) == at(2026, 10, 19, 9)  # 0 days = the working start
    assert CAL.add_working_days(at(2026, 9, 30, 10), 3) == at(2026, 10, 10, 10)  # Thu 8, Fri 9, Sat 10
    # Any time zone in, the same moment out; naive times are refused.
    assert CAL.add_working_days(at(2026, 9, 30, 10).astimezone(dt.UTC), 1) == at(2026, 10, 8, 10)
    with pytest.raises(ValueError):
        CAL.add_working_days(dt.datetime(2026, 9, 30, 10), 1)
    with pytest.raises(ValueError):
        CAL.add_working_days(at(2026, 9, 30, 10), -1)
    assert CAL.next_working_day(dt.date(2026, 9, 30)) == dt.date(2026, 10, 8)


def test_business_minutes_skip_nights_weekends_and_holidays_but_not_lunch():
    assert CAL.add_business_minutes(at(2026, 10, 13, 11, 30), 120) == at(2026, 10, 13, 13, 30)  # no lunch break
    assert CAL.add_business_minutes(at(2026, 10, 13, 17, 30), 60) == at(2026, 10, 14, 9, 30)  # overnight
    assert CAL.add_business_minutes(at(2026, 10, 16, 17, 30), 60) == at(2026, 10, 19, 9, 30)  # over a weekend
    assert CAL.add_business_minutes(at(2026, 9, 30, 17), 120) == at(2026, 10, 8, 10)  # over National Day
    assert CAL.add_business_minutes(at(2026, 10, 9, 17), 120) == at(2026, 10, 10, 10)  # into the make-up Saturday
    assert CAL.add_business_minutes(at(2026, 10, 17, 22), 30) == at(2026, 10, 19, 9, 30)  # from outside hours
    assert CAL.add_business_minutes(at(2026, 10, 13, 9), 540) == at(2026, 10, 13, 18)  # a whole day ends at 18:00


def test_business_minutes_between():
    assert CAL.business_minutes_between(at(2026, 10, 16, 17), at(2026, 10, 19, 10)) == 120  # Fri 17:00 → Mon 10:00
    assert CAL.business_minutes_between(at(2026, 10, 13, 0), at(2026, 10, 14, 0)) == 540
    assert CAL.business_minutes_between(at(2026, 10, 1, 9), at(2026, 10, 7, 18)) == 0  # all holiday
    assert CAL.business_minutes_between(at(2026, 10, 14), at(2026, 10, 13)) == 0
    assert CAL.business_minutes_between(at(2026, 9, 30, 17), at(2026, 10, 10, 12)) == 60 + 540 * 2 + 180


@pytest.mark.parametrize(
    "start", [at(2026, 9, 30, 9, 15), at(2026, 10, 9, 16, 40), at(2026, 10, 10, 12), at(2026, 9, 18, 17, 59)]
)
@pytest.mark.parametrize("minutes", [1, 30, 539, 540, 541, 2000])
def test_adding_then_counting_business_minutes_gives_the_same_number(start, minutes):
    assert CAL.business_minutes_between(start, CAL.add_business_minutes(start, minutes)) == minutes


def test_a_year_without_official_data_falls_back_to_monday_to_friday():
    assert CAL.uncovered_years([2026, 2027]) == [2027]
    assert CAL.is_working_day(dt.date(2027, 1, 1))  # New Year's Day 2027 is unknown: an ordinary Friday
    assert not CAL.is_working_day(dt.date(2027, 1, 2))
    assert CAL.add_working_days(at(2026, 12, 31, 10), 1) == at(2027, 1, 1, 10)


def test_due_at_counts_each_clock_its_own_way():
    start = at(2026, 10, 16, 17, 30)  # Friday afternoon
    assert due_at(CAL, start, mode=Mode.CALENDAR, minutes=60) == at(2026, 10, 16, 18, 30)
    assert due_at(CAL, start, mode=Mode.BUSINESS, minutes=60) == at(2026, 10, 19, 9, 30)
    assert due_at(CAL, start, mode=Mode.WORKING_DAYS, days=1) == at(2026, 10, 19, 17, 30)
    with pytest.raises(ValueError):
        due_at(CAL, start, mode="fortnightly", minutes=1)
    with pytest.raises(ValueError):
        WorkCalendar(work_start=dt.time(18), work_end=dt.time(9))


def test_a_pause_moves_a_deadline_by_the_time_paused_counted_the_clocks_way():
    due = at(2026, 10, 20, 10)
    paused_from, paused_to = at(2026, 10, 16, 17), at(2026, 10, 19, 10)  # Fri 17:00 → Mon 10:00
    assert extend_for_pause(CAL, due, mode=Mode.CALENDAR, paused_from=paused_from, paused_to=paused_to) == (
        due + (paused_to - paused_from)
    )
    # 120 working minutes stood still: a working-day deadline moves on by 120 working minutes.
    assert extend_for_pause(CAL, due, mode=Mode.WORKING_DAYS, paused_from=paused_from, paused_to=paused_to) == at(
        2026, 10, 20, 12
    )
    assert extend_for_pause(CAL, due, mode=Mode.BUSINESS, paused_from=paused_from, paused_to=paused_to) == at(
        2026, 10, 20, 12
    )
    # Paused only outside working time: nothing to add.
    assert (
        extend_for_pause(
            CAL, due, mode=Mode.WORKING_DAYS, paused_from=at(2026, 10, 16, 19), paused_to=at(2026, 10, 19, 8)
        )
        == due
    )


# -- the calendar in the database ------------------------------------------------------------------


def test_the_default_calendar_carries_the_official_2026_holidays(db):
    cal = calendar_store.default_calendar()
    for day in HOLIDAYS_2026:
        assert not cal.is_working_day(day), day
    assert cal.is_working_day(dt.date(2026, 9, 20))
    assert cal.is_working_day(dt.date(2026, 10, 10))
    for received, due in WORKING_DAY_CASES:
        assert cal.add_working_days(received, 1) == due
    assert 2026 in cal.covered_years and 2027 not in cal.covered_years


def test_missing_years_warns_about_this_year_and_next_from_november(db):
    assert calendar_store.missing_years(dt.date(2026, 6, 1)) == []
    assert calendar_store.missing_years(dt.date(2026, 11, 24)) == [2027]
    assert calendar_store.missing_years(dt.date(2027, 3, 1)) == [2027]
    row = BusinessCalendar.objects.get(is_default=True)
    CalendarYear.objects.create(calendar=row, year=2027)
    calendar_store.touch(row.pk)
    assert calendar_store.missing_years(dt.date(2026, 11, 24)) == []


def test_a_calendar_change_is_seen_once_the_revision_is_bumped(db):
    row = BusinessCalendar.objects.get(is_default=True)
    assert calendar_store.default_calendar().add_working_days(at(2026, 12, 31, 10), 1) == at(2027, 1, 1, 10)
    CalendarDay.objects.create(calendar=row, day=dt.date(2027, 1, 1), kind="holiday", name="元旦")
    calendar_store.touch(row.pk)
    assert calendar_store.default_calendar().add_working_days(at(2026, 12, 31, 10), 1) == at(2027, 1, 4, 10)


# -- through the API: the retail playbook's customer_contact clock (1 working day) -----------------


def create(api, received):
    body = {
        "title": "门店未按约定时间上门维修",
        "channel": "phone",
        "customer": {"name": "王女士", "phone": "13900001111"},
        "type_code": "after_sales",
        "received_at": received.isoformat(),
    }
    with time_machine.travel(received + dt.timedelta(minutes=3), tick=False):
        r = api("agent").post("/complaints", body)
    assert r.status_code == 201, r.content
    return r.json()


def contact_due(complaint):
    [clock] = [d for d in complaint["deadlines"] if d["clock"] == "customer_contact"]
    return dt.datetime.fromisoformat(clock["due_at"])


@pytest.mark.parametrize(("received", "due"), WORKING_DAY_CASES[:4])
def test_the_contact_deadline_of_a_retail_complaint(api, playbook, received, due):
    playbook("retail")
    c = create(api, received)
    assert contact_due(c) == due
    assert c["deadlines"][0]["due_at"].endswith("+08:00")
    assert (
        dt.datetime.fromisoformat(next(d for d in c["deadlines"] if d["clock"] == "customer_contact")["started_at"])
        == received
    )


def test_entering_2027_new_year_changes_the_deadline_of_later_complaints(api, playbook):
    playbook("service")
    before = create(api, at(2026, 12, 31, 10))
    assert contact_due(before) == at(2027, 1, 1, 10)  # 2027 not in the package: Monday–Friday
    assert calendar_store.missing_years(dt.date(2026, 12, 31)) == [2027]

    row = BusinessCalendar.objects.get(is_default=True)
    CalendarDay.objects.create(calendar=row, day=dt.date(2027, 1, 1), kind="holiday", name="元旦")
    calendar_store.touch(row.pk)
    after = create(api, at(2026, 12, 31, 10))
    assert contact_due(after) == at(2027, 1, 4, 10)
    # Deadlines already running keep what they were given.
    assert contact_due(api("agent").get(f"/complaints/{before['number']}").json()) == at(2027, 1, 1, 10)
