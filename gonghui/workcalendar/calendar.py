"""The business calendar that appeal deadlines run on.

Which days are working days:

1. an entry in the local data file (`data/holidays.toml`, or the path in the setting
   `WORKCALENDAR_DATA_FILE`) wins; it lets the federation add a year before the library ships it
   or correct a day;
2. otherwise the `chinesecalendar` library (module `chinese_calendar`), which transcribes the State
   Council's holiday notices, public holidays and make-up working days (调休) included;
3. for a year that neither the local file nor the library knows, the calendar falls back to
   weekends only (Monday to Friday are working days) and logs a warning once per year, because a
   deadline computed that way ignores the holidays of that year.

Working hours come from the setting `WORKCALENDAR_WORKING_PERIODS` (default 09:00–12:00 and
13:30–17:30) in the zone `WORKCALENDAR_TIME_ZONE` (default Asia/Shanghai).

Every function takes timezone-aware datetimes (any zone) and returns aware datetimes in UTC, the
way the database stores them. The module functions use one calendar built from the settings on
first use; `reset_default_calendar()` drops it (tests that change the settings call it).
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import threading
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo

import chinese_calendar
from django.core.exceptions import ImproperlyConfigured

logger = logging.getLogger(__name__)

DEFAULT_DATA_FILE = Path(__file__).resolve().parent / "data" / "holidays.toml"
DEFAULT_TIME_ZONE = "Asia/Shanghai"
DEFAULT_WORKING_PERIODS = (("09:00", "12:00"), ("13:30", "17:30"))
# A search for the next working moment gives up after this many days without one (a data error).
_MAX_SEARCH_DAYS = 3 * 366
_ZERO = dt.timedelta(0)

Kind = Literal["holiday", "workday"]
Source = Literal["local", "library", "weekend-fallback"]


@dataclass(frozen=True)
class LocalDay:
    """One entry of the local data file."""

    kind: Kind
    name: str


@dataclass(frozen=True)
class DayInfo:
    """What the calendar knows about one date: whether people work, the holiday's name, and where that came from."""

    date: dt.date
    is_workday: bool
    name: str | None
    source: Source


def load_local_days(path: Path | str) -> dict[dt.date, LocalDay]:
    """Read a local data file: a TOML table of `"YYYY-MM-DD" = { kind = "holiday"|"workday", name = "..." }`.

    A missing file means no local entries. A malformed one raises ImproperlyConfigured naming the file and key.
    """
    path = Path(path)
    if not path.exists():
        return {}
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ImproperlyConfigured(f"{path}: not valid TOML: {exc}") from exc
    days: dict[dt.date, LocalDay] = {}
    for key, value in raw.items():
        try:
            day = dt.date.fromisoformat(str(key))
        except ValueError as exc:
            raise ImproperlyConfigured(f"{path}: {key!r} is not a date in YYYY-MM-DD form") from exc
        if not isinstance(value, dict) or set(value) - {"kind", "name"}:
            raise ImproperlyConfigured(f"{path}: {key!r} must be {{ kind = ..., name = ... }}")
        kind, name = value.get("kind"), value.get("name")
        if kind not in ("holiday", "workday"):
            raise ImproperlyConfigured(f'{path}: {key!r} kind must be "holiday" or "workday", got {kind!r}')
        if not isinstance(name, str) or not name.strip():
            raise ImproperlyConfigured(f"{path}: {key!r} needs a name")
        days[day] = LocalDay(kind=kind, name=name.strip())
    return days


def _parse_periods(periods: Iterable[Sequence[str | dt.time]]) -> tuple[tuple[dt.time, dt.time], ...]:
    parsed: list[tuple[dt.time, dt.time]] = []
    for pair in periods:
        start, end = (p if isinstance(p, dt.time) else dt.time.fromisoformat(p) for p in pair)
        if start >= end:
            raise ImproperlyConfigured(f"working period {start}–{end} must start before it ends")
        if parsed and start < parsed[-1][1]:
            raise ImproperlyConfigured("working periods must be in order and must not overlap")
        parsed.append((start, end))
    if not parsed:
        raise ImproperlyConfigured("at least one working period is needed")
    return tuple(parsed)


def _require_aware(value: dt.datetime, name: str) -> None:
    if not isinstance(value, dt.datetime) or value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be a timezone-aware datetime, got {value!r}")


class BusinessCalendar:
    """Working days and working hours; see the module docstring for the rules."""

    def __init__(
        self,
        *,
        local_days: dict[dt.date, LocalDay] | None = None,
        working_periods: Iterable[Sequence[str | dt.time]] = DEFAULT_WORKING_PERIODS,
        time_zone: str = DEFAULT_TIME_ZONE,
    ) -> None:
        self.local_days = dict(local_days or {})
        self.local_years = frozenset(day.year for day in self.local_days)
        self.periods = _parse_periods(working_periods)
        self.tz = ZoneInfo(time_zone)
        self._warned_years: set[int] = set()
        self._lock = threading.Lock()

    # Days ---------------------------------------------------------------------------------------

    def day_info(self, day: dt.date) -> DayInfo:
        if isinstance(day, dt.datetime):
            day = day.astimezone(self.tz).date() if day.tzinfo else day.date()
        local = self.local_days.get(day)
        if local is not None:
            return DayInfo(day, local.kind == "workday", local.name, "local")
        try:
            on_holiday, name = chinese_calendar.get_holiday_detail(day)
        except NotImplementedError:  # the library has no data for this year
            if day.year not in self.local_years:
                self._warn_unknown_year(day.year)
            return DayInfo(day, day.weekday() < 5, None, "weekend-fallback")
        return DayInfo(day, not on_holiday, name, "library")

    def is_workday(self, day: dt.date) -> bool:
        return self.day_info(day).is_workday

    def _warn_unknown_year(self, year: int) -> None:
        with self._lock:
            if year in self._warned_years:
                return
            self._warned_years.add(year)
        logger.warning(
            "No holiday data for %s (neither the local data file nor chinesecalendar knows it): "
            "deadlines in %s count Monday to Friday as working days and ignore public holidays",
            year,
            year,
        )

    def _periods_on(self, day: dt.date) -> list[tuple[dt.datetime, dt.datetime]]:
        if not self.is_workday(day):
            return []
        return [
            (dt.datetime.combine(day, start, tzinfo=self.tz), dt.datetime.combine(day, end, tzinfo=self.tz))
            for start, end in self.periods
        ]

    def _periods_from(self, moment: dt.datetime):
        """Working periods (local, aware) that end after `moment`, clipped to start no earlier than it."""
        day = moment.astimezone(self.tz).date()
        idle_days = 0
        while True:
            found = False
            for start, end in self._periods_on(day):
                if end > moment:
                    found = True
                    yield max(start, moment), end
            idle_days = 0 if found else idle_days + 1
            if idle_days > _MAX_SEARCH_DAYS:
                raise ValueError(f"no working day within {_MAX_SEARCH_DAYS} days after {moment.isoformat()}")
            day += dt.timedelta(days=1)

    # Moments ------------------------------------------------------------------------------------

    def next_working_moment(self, moment: dt.datetime) -> dt.datetime:
        """`moment` itself if it falls in working hours, else the start of the next working period."""
        _require_aware(moment, "moment")
        start, _end = next(self._periods_from(moment))
        return start.astimezone(dt.UTC)

    def add_working_time(self, start: dt.datetime, hours: float | dt.timedelta) -> dt.datetime:
        """The moment when `hours` of working time have passed since `start`.

        A start outside working hours counts from the next working moment. When the time runs out
        exactly at the end of a working period the result is that end (e.g. 17:30), not the next
        morning; zero hours give the next working moment.
        """
        _require_aware(start, "start")
        if isinstance(hours, dt.timedelta):
            remaining = hours
        else:
            if not math.isfinite(hours):
                raise ValueError(f"hours must be a finite number, got {hours!r}")
            remaining = dt.timedelta(hours=hours)
        if remaining < _ZERO:
            raise ValueError("hours must not be negative")
        for period_start, period_end in self._periods_from(start):
            available = period_end - period_start
            if remaining <= available:
                return (period_start + remaining).astimezone(dt.UTC)
            remaining -= available
        raise AssertionError("unreachable")  # pragma: no cover

    def add_working_days(self, start: dt.datetime, days: int) -> dt.datetime:
        """The end of the last working period of the `days`-th working day after the start day.

        The start day is the day of the next working moment, so a request that arrives outside
        working hours (at night, on a holiday) starts on the next working day. `days=0` gives the
        end of the start day itself.
        """
        _require_aware(start, "start")
        if not isinstance(days, int) or days < 0:
            raise ValueError(f"days must be a non-negative integer, got {days!r}")
        day = self.next_working_moment(start).astimezone(self.tz).date()
        counted = 0
        while counted < days:
            day += dt.timedelta(days=1)
            if self.is_workday(day):
                counted += 1
        return self._periods_on(day)[-1][1].astimezone(dt.UTC)

    def working_time_between(self, a: dt.datetime, b: dt.datetime) -> dt.timedelta:
        """The working time from `a` to `b`; negative when `b` is before `a`."""
        _require_aware(a, "a")
        _require_aware(b, "b")
        if b < a:
            return -self.working_time_between(b, a)
        total = _ZERO
        day = a.astimezone(self.tz).date()
        last = b.astimezone(self.tz).date()
        while day <= last:
            for start, end in self._periods_on(day):
                overlap = min(end, b) - max(start, a)
                if overlap > _ZERO:
                    total += overlap
            day += dt.timedelta(days=1)
        return total

    def deadline_with_pauses(
        self,
        start: dt.datetime,
        budget: dt.timedelta,
        pauses: Iterable[tuple[dt.datetime, dt.datetime | None]],
    ) -> dt.datetime | None:
        """The moment `budget` of working time is used up, not counting time inside `pauses`.

        A pause is (from, until), e.g. while the case waits for the worker to supply documents.
        Pauses may overlap, be unsorted, or begin before `start`. While any pause is still open
        (`until` is None) the deadline is not known yet and the answer is None.
        """
        _require_aware(start, "start")
        if budget < _ZERO:
            raise ValueError("budget must not be negative")
        closed: list[tuple[dt.datetime, dt.datetime]] = []
        for pause_start, pause_end in pauses:
            if pause_end is None:
                return None
            _require_aware(pause_start, "pause start")
            _require_aware(pause_end, "pause end")
            if pause_end < pause_start:
                raise ValueError(f"pause ends before it starts: {pause_start} – {pause_end}")
            closed.append((pause_start, pause_end))
        closed.sort()
        cursor, remaining = start, budget
        for pause_start, pause_end in closed:
            if pause_end <= cursor:
                continue
            if pause_start > cursor:
                candidate = self.add_working_time(cursor, remaining)
                if candidate <= pause_start:
                    return candidate
                remaining -= self.working_time_between(cursor, pause_start)
            cursor = pause_end
        return self.add_working_time(cursor, remaining)


# The calendar built from the settings --------------------------------------------------------------


@lru_cache(maxsize=1)
def get_default_calendar() -> BusinessCalendar:
    """The calendar configured by the settings, loaded once per process."""
    from django.conf import settings

    return BusinessCalendar(
        local_days=load_local_days(getattr(settings, "WORKCALENDAR_DATA_FILE", DEFAULT_DATA_FILE)),
        working_periods=getattr(settings, "WORKCALENDAR_WORKING_PERIODS", DEFAULT_WORKING_PERIODS),
        time_zone=getattr(settings, "WORKCALENDAR_TIME_ZONE", DEFAULT_TIME_ZONE),
    )


def reset_default_calendar() -> None:
    """Forget the loaded calendar, so the next call reads the settings and the data file again."""
    get_default_calendar.cache_clear()


def day_info(day: dt.date) -> DayInfo:
    return get_default_calendar().day_info(day)


def is_workday(day: dt.date) -> bool:
    """Whether people work on `day` (a date, or an aware datetime taken in the calendar's zone)."""
    return get_default_calendar().is_workday(day)


def next_working_moment(moment: dt.datetime) -> dt.datetime:
    return get_default_calendar().next_working_moment(moment)


def add_working_time(start: dt.datetime, hours: float | dt.timedelta) -> dt.datetime:
    """See BusinessCalendar.add_working_time, e.g. an acceptance deadline of 8 working hours."""
    return get_default_calendar().add_working_time(start, hours)


def add_working_days(start: dt.datetime, days: int) -> dt.datetime:
    """See BusinessCalendar.add_working_days: the end of the N-th working day after the start day."""
    return get_default_calendar().add_working_days(start, days)


def working_time_between(a: dt.datetime, b: dt.datetime) -> dt.timedelta:
    """See BusinessCalendar.working_time_between (pause accounting)."""
    return get_default_calendar().working_time_between(a, b)


def deadline_with_pauses(
    start: dt.datetime,
    budget: dt.timedelta,
    pauses: Iterable[tuple[dt.datetime, dt.datetime | None]],
) -> dt.datetime | None:
    """See BusinessCalendar.deadline_with_pauses: None while a pause is open."""
    return get_default_calendar().deadline_with_pauses(start, budget, pauses)
