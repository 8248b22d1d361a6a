"""The business calendar: holidays and 调休 from chinesecalendar, local overrides, working hours, pauses."""

import datetime as dt
import logging
from zoneinfo import ZoneInfo

import chinese_calendar
import pytest
from django.core.exceptions import ImproperlyConfigured
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from gonghui.workcalendar import calendar as wc
from gonghui.workcalendar.calendar import BusinessCalendar, LocalDay, load_local_days

CST = ZoneInfo("Asia/Shanghai")
UTC = dt.UTC


def cst(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=CST)


@pytest.fixture(autouse=True)
def _fresh_default_calendar():
    wc.reset_default_calendar()
    yield
    wc.reset_default_calendar()


# The library's data, as the tests rely on it --------------------------------------------------------


def test_library_national_day_2025_matches_the_notice():
    holidays = [dt.date(2025, 10, d) for d in range(1, 9)]
    assert all(chinese_calendar.is_holiday(d) for d in holidays)
    # Make-up working days: Sunday 28 September and Saturday 11 October.
    assert dt.date(2025, 9, 28).weekday() == 6 and chinese_calendar.is_workday(dt.date(2025, 9, 28))
    assert dt.date(2025, 10, 11).weekday() == 5 and chinese_calendar.is_workday(dt.date(2025, 10, 11))
    assert chinese_calendar.is_workday(dt.date(2025, 9, 30)) and chinese_calendar.is_workday(dt.date(2025, 10, 9))


def test_library_spring_festival_2026_matches_the_notice():
    assert all(
        chinese_calendar.get_holiday_detail(dt.date(2026, 2, d)) == (True, "Spring Festival") for d in range(15, 24)
    )
    assert chinese_calendar.get_holiday_detail(dt.date(2026, 2, 14)) == (False, "Spring Festival")  # Saturday
    assert chinese_calendar.get_holiday_detail(dt.date(2026, 2, 28)) == (False, "Spring Festival")  # Saturday


def test_without_local_entries_the_calendar_agrees_with_the_library_every_day_2024_to_2026():
    calendar = BusinessCalendar()
    day = dt.date(2024, 1, 1)
    while day.year <= 2026:
        assert calendar.is_workday(day) == chinese_calendar.is_workday(day), day
        day += dt.timedelta(days=1)


# Working time over holidays ---------------------------------------------------------------------------


def test_eight_working_hours_from_the_afternoon_before_national_day_2025_end_on_9_october():
    deadline = wc.add_working_time(cst(2025, 9, 30, 15, 0), 8)
    # 15:00–17:30 on 30 Sep (2.5 h), 1–8 Oct off, 9 Oct 09:00–12:00 (3 h) and 13:30–16:00 (2.5 h).
    assert deadline == cst(2025, 10, 9, 16, 0)
    assert deadline.tzinfo is UTC and deadline == dt.datetime(2025, 10, 9, 8, 0, tzinfo=UTC)
    assert wc.working_time_between(cst(2025, 9, 30, 15, 0), deadline) == dt.timedelta(hours=8)


def test_make_up_saturday_is_a_working_day():
    assert wc.is_workday(dt.date(2025, 10, 11))
    assert wc.is_workday(dt.date(2025, 9, 28))
    assert not wc.is_workday(dt.date(2025, 10, 12))
    assert wc.day_info(dt.date(2025, 10, 11)) == wc.DayInfo(dt.date(2025, 10, 11), True, "National Day", "library")
    assert wc.add_working_time(cst(2025, 10, 11, 9, 0), 2) == cst(2025, 10, 11, 11, 0)
    assert wc.add_working_days(cst(2025, 10, 11, 10, 0), 0) == cst(2025, 10, 11, 17, 30)
    # Friday 10 Oct + 1 working day = the make-up Saturday, not Monday.
    assert wc.add_working_days(cst(2025, 10, 10, 10, 0), 1) == cst(2025, 10, 11, 17, 30)


def test_spring_festival_2026():
    # Friday 13 Feb 16:00: 1.5 h that day, then the make-up Saturday 14 Feb counts.
    assert wc.add_working_time(cst(2026, 2, 13, 16, 0), 8) == cst(2026, 2, 14, 17, 0)
    # From the make-up Saturday's last hour straight over the nine-day holiday to Tuesday 24 Feb.
    assert wc.add_working_time(cst(2026, 2, 14, 17, 0), 1) == cst(2026, 2, 24, 9, 30)
    assert wc.add_working_days(cst(2026, 2, 14, 10, 0), 1) == cst(2026, 2, 24, 17, 30)
    assert wc.working_time_between(cst(2026, 2, 14, 17, 30), cst(2026, 2, 24, 9, 0)) == dt.timedelta(0)
    assert not any(wc.is_workday(dt.date(2026, 2, d)) for d in range(15, 24))


def test_a_request_at_night_starts_the_next_working_morning():
    tuesday_night = cst(2025, 11, 4, 20, 0)
    assert wc.next_working_moment(tuesday_night) == cst(2025, 11, 5, 9, 0)
    assert wc.add_working_time(tuesday_night, 1) == cst(2025, 11, 5, 10, 0)
    assert wc.add_working_days(tuesday_night, 1) == cst(2025, 11, 6, 17, 30)
    # Friday night: the weekend is skipped.
    assert wc.add_working_time(cst(2025, 11, 7, 20, 0), 0.5) == cst(2025, 11, 10, 9, 30)
    # Lunch break: 12:30 counts from 13:30.
    assert wc.add_working_time(cst(2025, 11, 5, 12, 30), 1) == cst(2025, 11, 5, 14, 30)


def test_working_time_ending_exactly_at_close_stays_on_that_day():
    assert wc.add_working_time(cst(2025, 11, 5, 9, 0), 7) == cst(2025, 11, 5, 17, 30)
    assert wc.add_working_time(cst(2025, 11, 5, 9, 0), 3) == cst(2025, 11, 5, 12, 0)


def test_add_working_days_counts_from_the_start_day():
    assert wc.add_working_days(cst(2025, 11, 5, 10, 0), 0) == cst(2025, 11, 5, 17, 30)
    assert wc.add_working_days(cst(2025, 11, 5, 10, 0), 3) == cst(2025, 11, 10, 17, 30)  # Wed + 3 = Mon
    assert wc.add_working_days(cst(2025, 9, 30, 15, 0), 1) == cst(2025, 10, 9, 17, 30)


def test_inputs_in_other_zones_and_bad_inputs():
    utc_start = dt.datetime(2025, 9, 30, 7, 0, tzinfo=UTC)  # 15:00 in Shanghai
    assert wc.add_working_time(utc_start, 8) == cst(2025, 10, 9, 16, 0)
    with pytest.raises(ValueError, match="timezone-aware"):
        wc.add_working_time(dt.datetime(2025, 9, 30, 15, 0), 8)  # noqa: DTZ001
    with pytest.raises(ValueError):
        wc.add_working_time(utc_start, -1)
    with pytest.raises(ValueError):
        wc.add_working_time(utc_start, float("nan"))
    with pytest.raises(ValueError):
        wc.add_working_days(utc_start, -1)


def test_working_time_between_is_antisymmetric_and_counts_only_working_hours():
    a, b = cst(2025, 11, 3, 8, 0), cst(2025, 11, 4, 20, 0)  # Monday 08:00 to Tuesday 20:00
    assert wc.working_time_between(a, b) == dt.timedelta(hours=14)
    assert wc.working_time_between(b, a) == -dt.timedelta(hours=14)
    assert wc.working_time_between(a, a) == dt.timedelta(0)


# Pauses ------------------------------------------------------------------------------------------------


def test_a_pause_shifts_the_deadline_by_exactly_the_paused_working_time():
    start = cst(2025, 11, 3, 9, 0)  # Monday
    budget = dt.timedelta(hours=16)
    plain = wc.deadline_with_pauses(start, budget, [])
    assert plain == cst(2025, 11, 5, 11, 0)  # 7 h a day: Monday, Tuesday, then 2 h on Wednesday
    pause = (cst(2025, 11, 3, 14, 0), cst(2025, 11, 5, 14, 0))  # two days waiting for the worker
    paused = wc.deadline_with_pauses(start, budget, [pause])
    assert paused == cst(2025, 11, 7, 11, 0)
    assert wc.working_time_between(plain, paused) == wc.working_time_between(*pause) == dt.timedelta(hours=14)


def test_pauses_overlapping_unsorted_or_before_the_start_count_once():
    start = cst(2025, 11, 3, 9, 0)
    budget = dt.timedelta(hours=16)
    pauses = [
        (cst(2025, 11, 4, 9, 0), cst(2025, 11, 4, 12, 0)),
        (cst(2025, 11, 3, 14, 0), cst(2025, 11, 3, 15, 0)),
        (cst(2025, 11, 4, 10, 0), cst(2025, 11, 4, 14, 30)),  # overlaps the first
        (cst(2025, 10, 1, 9, 0), cst(2025, 11, 3, 9, 0)),  # ends at the start: no effect
    ]
    deadline = wc.deadline_with_pauses(start, budget, pauses)
    paused_working_time = dt.timedelta(hours=1) + dt.timedelta(hours=4)  # 14–15 Mon; 09–12 and 13:30–14:30 Tue
    assert wc.working_time_between(start, deadline) == budget + paused_working_time
    # A pause that started before the request and runs into it delays the start.
    late = wc.deadline_with_pauses(start, dt.timedelta(hours=1), [(cst(2025, 11, 2, 9, 0), cst(2025, 11, 3, 10, 0))])
    assert late == cst(2025, 11, 3, 11, 0)


def test_a_deadline_reached_before_the_pause_ignores_it():
    start = cst(2025, 11, 3, 9, 0)
    pause = (cst(2025, 11, 3, 11, 0), cst(2025, 11, 10, 9, 0))
    assert wc.deadline_with_pauses(start, dt.timedelta(hours=2), [pause]) == cst(2025, 11, 3, 11, 0)


def test_an_open_pause_means_no_deadline_yet():
    start = cst(2025, 11, 3, 9, 0)
    pauses = [(cst(2025, 11, 3, 10, 0), cst(2025, 11, 3, 11, 0)), (cst(2025, 11, 4, 10, 0), None)]
    assert wc.deadline_with_pauses(start, dt.timedelta(hours=16), pauses) is None


# The local data file and unknown years ------------------------------------------------------------------


LOCAL_FILE = """
"2027-01-01" = { kind = "holiday", name = "New Year's Day" }
"2027-01-09" = { kind = "workday", name = "New Year's Day" }
"2025-10-11" = { kind = "holiday", name = "Local correction" }
"2025-11-05" = { kind = "holiday", name = "District day off" }
"""


@pytest.fixture
def local_file(tmp_path, settings):
    path = tmp_path / "holidays.toml"
    path.write_text(LOCAL_FILE, encoding="utf-8")
    settings.WORKCALENDAR_DATA_FILE = path
    wc.reset_default_calendar()
    return path


def test_local_entries_for_a_new_year_are_honoured(local_file, caplog):
    with caplog.at_level(logging.WARNING, logger="gonghui.workcalendar"):
        assert dt.date(2027, 1, 1).weekday() == 4 and not wc.is_workday(dt.date(2027, 1, 1))
        assert dt.date(2027, 1, 9).weekday() == 5 and wc.is_workday(dt.date(2027, 1, 9))
        assert wc.is_workday(dt.date(2027, 1, 4))  # an ordinary Monday
        assert wc.add_working_time(cst(2026, 12, 31, 17, 0), 1) == cst(2027, 1, 4, 9, 30)
    assert caplog.records == []  # 2027 is known through the local file
    assert wc.day_info(dt.date(2027, 1, 1)).source == "local"


def test_local_entries_win_over_the_library(local_file):
    assert chinese_calendar.is_workday(dt.date(2025, 10, 11))
    assert not wc.is_workday(dt.date(2025, 10, 11))
    assert not wc.is_workday(dt.date(2025, 11, 5))
    assert wc.day_info(dt.date(2025, 11, 5)).name == "District day off"
    assert wc.add_working_time(cst(2025, 11, 4, 17, 0), 1) == cst(2025, 11, 6, 9, 30)


def test_the_shipped_data_file_loads():
    assert isinstance(load_local_days(wc.DEFAULT_DATA_FILE), dict)


@pytest.mark.parametrize(
    "text",
    [
        '"2027-13-01" = { kind = "holiday", name = "x" }',
        '"2027-01-01" = { kind = "day-off", name = "x" }',
        '"2027-01-01" = { kind = "holiday" }',
        '"2027-01-01" = "holiday"',
        '"2027-01-01" = { kind = "holiday", name = "x", extra = 1 }',
        "not toml =",
    ],
)
def test_a_malformed_data_file_is_refused(tmp_path, text):
    path = tmp_path / "bad.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ImproperlyConfigured, match="bad.toml"):
        load_local_days(path)


def test_a_year_nobody_knows_falls_back_to_weekends_and_warns_once(caplog):
    calendar = BusinessCalendar(local_days={dt.date(2027, 1, 1): LocalDay("holiday", "New Year's Day")})
    with caplog.at_level(logging.WARNING, logger="gonghui.workcalendar"):
        assert calendar.is_workday(dt.date(2099, 1, 1))  # a Thursday; New Year's Day is unknown here
        assert not calendar.is_workday(dt.date(2099, 1, 3))  # Saturday
        assert calendar.day_info(dt.date(2099, 1, 2)).source == "weekend-fallback"
        assert calendar.add_working_time(dt.datetime(2099, 1, 2, 17, 0, tzinfo=CST), 1) == cst(2099, 1, 5, 9, 30)
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and "2099" in warnings[0].getMessage()


def test_working_hours_are_configurable(settings):
    settings.WORKCALENDAR_WORKING_PERIODS = [("08:30", "12:00"), ("14:00", "18:00")]
    wc.reset_default_calendar()
    assert wc.add_working_time(cst(2025, 11, 3, 8, 0), 4) == cst(2025, 11, 3, 14, 30)
    with pytest.raises(ImproperlyConfigured):
        BusinessCalendar(working_periods=[("13:00", "12:00")])
    with pytest.raises(ImproperlyConfigured):
        BusinessCalendar(working_periods=[("09:00", "12:00"), ("11:00", "17:00")])


# Property: adding working time and measuring it agree ---------------------------------------------------

_PROPERTY_CALENDAR = BusinessCalendar()  # one instance, so the 2027 fallback warning is logged once


@hypothesis_settings(max_examples=200, deadline=None)
@given(
    start=st.datetimes(
        min_value=dt.datetime(2024, 1, 1),  # noqa: DTZ001
        max_value=dt.datetime(2026, 12, 31, 23, 59, 59),  # noqa: DTZ001
        timezones=st.sampled_from([CST, UTC, ZoneInfo("Europe/Berlin"), ZoneInfo("America/New_York")]),
    ),
    hours=st.floats(min_value=0, max_value=200, allow_nan=False, allow_infinity=False),
)
def test_add_working_time_then_measure_gives_the_hours_back(start, hours):
    end = _PROPERTY_CALENDAR.add_working_time(start, hours)
    assert end.tzinfo is UTC and end >= start
    assert _PROPERTY_CALENDAR.working_time_between(start, end) == dt.timedelta(hours=hours)
