"""Banking-day calendars and the date arithmetic of the credit lifecycle.

Pure Python (standard library plus the ``holidays`` package): no Django import, so the
examination engine and the Django services share one implementation.

Force majeure (UCP 600 art. 36) is kept apart from ordinary closures (check C33):

* a force-majeure day is *not a banking day*: the bank is not open, so it does not count as
  one of the five examination days of art. 14(b) (``add_banking_days`` skips it);
* but it gives *no extension*: art. 29(a) moves an expiry or a last day for presentation
  only past days the bank is ordinarily closed (weekends, public holidays, its own closures).
  An expiry falling on a force-majeure day, or extended onto one, stays on that day and the
  credit lapses unpresented (art. 36: the bank will not honour a credit that expired during
  the interruption).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import holidays as holidays_lib

SATURDAY, SUNDAY = 5, 6
DEFAULT_WEEKEND: frozenset[int] = frozenset({SATURDAY, SUNDAY})
DEFAULT_PRESENTATION_PERIOD_DAYS = 21  # UCP 600 art. 14(c)
EXAMINATION_BANKING_DAYS = 5  # UCP 600 art. 14(b)
_ONE_DAY = timedelta(days=1)
_MAX_SCAN_DAYS = 366  # a calendar closed for a whole year is a data error, not a loop


@dataclass(frozen=True)
class BankingCalendar:
    """The days a bank is open at one place (UCP 600 art. 2)."""

    weekend: frozenset[int] = DEFAULT_WEEKEND
    public_holidays: frozenset[date] = frozenset()
    closures: frozenset[date] = frozenset()
    force_majeure: frozenset[date] = frozenset()
    # Official adjusted working days: weekend days or holidays on which the bank opens (mainland
    # China's make-up Saturdays and Sundays), entered by the bank; the holidays package has none.
    openings: frozenset[date] = frozenset()

    @classmethod
    def for_country(
        cls,
        country_code: str,
        years: Iterable[int],
        *,
        subdivision: str | None = None,
        closures: Iterable[date] = (),
        force_majeure: Iterable[date] = (),
        openings: Iterable[date] = (),
        weekend: Iterable[int] = DEFAULT_WEEKEND,
    ) -> BankingCalendar:
        """Public holidays of ``country_code`` (ISO 3166 alpha-2) for ``years``."""
        code = country_code.strip().upper()
        try:
            table = holidays_lib.country_holidays(code, subdiv=subdivision, years=list(years))
        except NotImplementedError as exc:
            raise ValueError(f"no public-holiday calendar for country {country_code!r}") from exc
        return cls(
            weekend=frozenset(weekend),
            public_holidays=frozenset(table.keys()),
            closures=frozenset(closures),
            force_majeure=frozenset(force_majeure),
            openings=frozenset(openings),
        )

    def facts(self, start: date, end: date) -> dict[str, Any]:
        """The facts a computation between `start` and `end` (inclusive) read: what a ledger entry
        records so that the decision can be re-derived from the entry alone (`from_facts`)."""

        def within(days: Iterable[date]) -> list[date]:
            return sorted(d for d in days if start <= d <= end)

        return {"from": start, "to": end, "weekend": sorted(self.weekend),
                "public_holidays": within(self.public_holidays), "closures": within(self.closures),
                "force_majeure": within(self.force_majeure), "openings": within(self.openings)}

    @classmethod
    def from_facts(cls, facts: Mapping[str, Any]) -> BankingCalendar:
        """The calendar of a ledger entry's facts (dates as `date` or ISO text), valid in their window."""

        def days(key: str) -> frozenset[date]:
            # Entries written before adjusted working days existed have no "openings": none then.
            return frozenset(d if isinstance(d, date) else date.fromisoformat(d) for d in facts.get(key, ()))

        return cls(weekend=frozenset(int(d) for d in facts["weekend"]), public_holidays=days("public_holidays"),
                   closures=days("closures"), force_majeure=days("force_majeure"), openings=days("openings"))

    def is_ordinarily_closed(self, d: date) -> bool:
        """Closed by weekend, public holiday or own closure: the days art. 29(a) extends past. An
        adjusted working day opens a weekend day or holiday; the bank's own closure wins over it."""
        if d in self.closures:
            return True
        return d not in self.openings and (d.weekday() in self.weekend or d in self.public_holidays)

    def is_banking_day(self, d: date) -> bool:
        return not self.is_ordinarily_closed(d) and d not in self.force_majeure

    def next_banking_day_on_or_after(self, d: date) -> date:
        return _scan(d, self.is_banking_day)

    def add_banking_days(self, d: date, n: int) -> date:
        """The ``n``th banking day following ``d`` (``d`` itself never counts)."""
        if n < 0:
            raise ValueError("n must be zero or positive")
        current = d
        for _ in range(n):
            current = _scan(current + _ONE_DAY, self.is_banking_day)
        return current

    def extend(self, d: date) -> date:
        """UCP 600 art. 29(a) with art. 36: past ordinary closures only, never past force majeure."""
        return _scan(d, lambda day: not self.is_ordinarily_closed(day))


def _scan(start: date, accept: Callable[[date], bool]) -> date:
    current = start
    for _ in range(_MAX_SCAN_DAYS):
        if accept(current):
            return current
        current += _ONE_DAY
    raise ValueError(f"no open day within {_MAX_SCAN_DAYS} days of {start.isoformat()}")


DEFAULT_CALENDAR = BankingCalendar()


def extended_expiry(expiry: date, calendar: BankingCalendar = DEFAULT_CALENDAR) -> date:
    """UCP 600 art. 29(a): an expiry on a closed day moves to the next banking day."""
    return calendar.extend(expiry)


def last_presentation_day(
    expiry: date,
    shipment_date: date | None,
    presentation_period_days: int | None = DEFAULT_PRESENTATION_PERIOD_DAYS,
    calendar: BankingCalendar = DEFAULT_CALENDAR,
) -> date:
    """Last day a presentation may be made (UCP 600 art. 14(c), 29(a)).

    Without a shipment date (no original transport document) only expiry applies. Otherwise
    the period after shipment (21 days or field 48), itself extended by art. 29(a), but never
    later than the (extended) expiry.
    """
    last_by_expiry = extended_expiry(expiry, calendar)
    if shipment_date is None:
        return last_by_expiry
    days = DEFAULT_PRESENTATION_PERIOD_DAYS if presentation_period_days is None else presentation_period_days
    last_by_period = calendar.extend(shipment_date + timedelta(days=days))
    return min(last_by_period, last_by_expiry)


def examination_deadline(presentation_date: date, calendar: BankingCalendar = DEFAULT_CALENDAR) -> date:
    """UCP 600 art. 14(b): close of the fifth banking day following the day of presentation."""
    return calendar.add_banking_days(presentation_date, EXAMINATION_BANKING_DAYS)
