from datetime import date as D

import pytest

from lc.banking import (
    BankingCalendar,
    examination_deadline,
    extended_expiry,
    last_presentation_day,
)

WEEKEND = BankingCalendar()


def test_worked_example_last_presentation_day_and_deadline():
    assert extended_expiry(D(2025, 6, 15), WEEKEND) == D(2025, 6, 16)
    assert last_presentation_day(D(2025, 6, 15), D(2025, 5, 28), 21, WEEKEND) == D(2025, 6, 16)
    assert examination_deadline(D(2025, 6, 16), WEEKEND) == D(2025, 6, 23)


@pytest.mark.parametrize(
    ("expiry", "shipped", "period", "expected"),
    [
        (D(2025, 6, 15), None, 21, D(2025, 6, 16)),  # no transport document: expiry only
        (D(2025, 6, 30), D(2025, 5, 28), 21, D(2025, 6, 18)),
        (D(2025, 6, 30), D(2025, 5, 24), 21, D(2025, 6, 16)),  # day 21 is a Saturday: extended
        (D(2025, 6, 30), D(2025, 5, 28), 10, D(2025, 6, 9)),  # field 48, day 10 on a Saturday
        (D(2025, 6, 30), D(2025, 5, 28), None, D(2025, 6, 18)),
    ],
)
def test_last_presentation_day(expiry, shipped, period, expected):
    assert last_presentation_day(expiry, shipped, period, WEEKEND) == expected


def test_banking_day_arithmetic():
    assert WEEKEND.is_banking_day(D(2025, 6, 13)) and not WEEKEND.is_banking_day(D(2025, 6, 14))
    assert WEEKEND.next_banking_day_on_or_after(D(2025, 6, 14)) == D(2025, 6, 16)
    assert WEEKEND.add_banking_days(D(2025, 6, 13), 1) == D(2025, 6, 16)
    assert WEEKEND.add_banking_days(D(2025, 6, 13), 0) == D(2025, 6, 13)


def test_presentation_on_saturday_counts_from_the_following_banking_days():
    assert examination_deadline(D(2025, 6, 14), WEEKEND) == D(2025, 6, 20)


def test_chinese_new_year_in_cn_moves_the_deadline():
    cn = BankingCalendar.for_country("CN", range(2025, 2026))
    assert not cn.is_banking_day(D(2025, 1, 29))
    # Presented Friday 24 Jan 2025: 27 Jan and 5-7 Feb, 10 Feb are the five banking days.
    assert examination_deadline(D(2025, 1, 24), cn) == D(2025, 2, 10)
    assert examination_deadline(D(2025, 1, 24), WEEKEND) == D(2025, 1, 31)


def test_hong_kong_holiday_extends_expiry():
    hk = BankingCalendar.for_country("hk", [2025])
    assert extended_expiry(D(2025, 10, 1), hk) == D(2025, 10, 2)  # National Day
    assert extended_expiry(D(2025, 12, 25), hk) == D(2025, 12, 29)  # Christmas, Boxing Day, weekend


def test_unknown_country_is_a_clear_error():
    with pytest.raises(ValueError, match="XX"):
        BankingCalendar.for_country("XX", [2025])


def test_bank_closure_extends_but_force_majeure_does_not():
    closed = BankingCalendar(closures=frozenset({D(2025, 6, 16)}))
    assert extended_expiry(D(2025, 6, 15), closed) == D(2025, 6, 17)
    strike = BankingCalendar(force_majeure=frozenset({D(2025, 6, 16)}))
    assert extended_expiry(D(2025, 6, 16), strike) == D(2025, 6, 16)  # art. 36: no extension
    assert extended_expiry(D(2025, 6, 15), strike) == D(2025, 6, 16)
    assert not strike.is_banking_day(D(2025, 6, 16))
    assert examination_deadline(D(2025, 6, 13), strike) == D(2025, 6, 23)  # closed day not counted


def test_custom_weekend():
    gulf = BankingCalendar(weekend=frozenset({4, 5}))  # Friday and Saturday
    assert gulf.is_banking_day(D(2025, 6, 15)) and not gulf.is_banking_day(D(2025, 6, 13))
