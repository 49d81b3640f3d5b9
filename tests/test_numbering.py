"""Complaint numbers: KS-YYYYMMDD-NNNNN, counted per local day, never reused."""

import datetime as dt
import re
from zoneinfo import ZoneInfo

import time_machine

from kesu.core.models import DailySequence, Organization
from kesu.core.numbering import complaint_number, next_in_sequence
from tests.factories import make_complaint

SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_numbers_count_up_within_a_day(users):
    with time_machine.travel(dt.datetime(2026, 11, 22, 10, 0, tzinfo=SHANGHAI), tick=True):
        numbers = [make_complaint(users["agent"]).number for _ in range(3)]
    assert numbers == ["KS-20261122-00001", "KS-20261122-00002", "KS-20261122-00003"]


def test_the_day_is_the_organisations_local_day(users):
    # 2026-11-22 17:30 UTC is already the 23rd in China.
    with time_machine.travel(dt.datetime(2026, 11, 22, 17, 30, tzinfo=dt.UTC), tick=True):
        first = make_complaint(users["agent"]).number
    with time_machine.travel(dt.datetime(2026, 11, 23, 15, 59, tzinfo=dt.UTC), tick=True):
        second = make_complaint(users["agent"]).number
    with time_machine.travel(dt.datetime(2026, 11, 23, 16, 0, tzinfo=dt.UTC), tick=True):
        third = make_complaint(users["agent"]).number
    assert (first, second, third) == ("KS-20261123-00001", "KS-20261123-00002", "KS-20261124-00001")


def test_the_prefix_comes_from_the_organisation(users):
    Organization.objects.update(complaint_prefix="HX")
    number = make_complaint(users["agent"]).number
    assert re.fullmatch(r"HX-\d{8}-00001", number)


def test_sequences_are_independent_per_prefix_and_day(db):
    day = dt.date(2026, 1, 1)
    assert [next_in_sequence("KS", day) for _ in range(3)] == [1, 2, 3]
    assert next_in_sequence("KS", day + dt.timedelta(days=1)) == 1
    assert next_in_sequence("HX", day) == 1
    assert DailySequence.objects.get(prefix="KS", day=day).value == 3
    assert complaint_number("KS", day) == "KS-20260101-00004"


def test_more_than_99999_a_day_still_gives_unique_numbers(db):
    day = dt.date(2026, 1, 2)
    DailySequence.objects.create(prefix="KS", day=day, value=99999)
    assert complaint_number("KS", day) == "KS-20260102-100000"
