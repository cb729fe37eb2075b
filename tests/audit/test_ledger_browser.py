"""The ledger browser's date-range pages: ordered by (at, seq), keyset-paged by a seq cursor,
complete and without repeats even when entries were recorded out of time order."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone

import ledger
from lc.audit import browser

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 3, 2)


def at(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), timezone.get_current_timezone())


def append(when: dt.datetime, n: int) -> None:
    with transaction.atomic():
        ledger.append(kind="test.entry", subject=f"test:{n}", actor="user:test", actor_org="org:test", at=when,
                      payload={"n": n})


@pytest.fixture
def journal(sequenced: Any) -> list[int]:
    """Ten entries on DAY recorded out of time order (a backdated action sequenced after a later
    one), with entries on the days before and after; returns DAY's n in (at, seq) order, newest first."""
    hours = [9, 15, 11, 11, 23, 0, 14, 9, 17, 12]
    append(at(DAY - dt.timedelta(days=1), 23), 100)
    for n, hour in enumerate(hours):
        append(at(DAY, hour), n)
    append(at(DAY + dt.timedelta(days=1), 0), 101)
    sequenced()
    return [n for n, _ in sorted(enumerate(hours), key=lambda nh: (nh[1], nh[0]), reverse=True)]


def subjects(rows: list[tuple[Any, ...]]) -> list[int]:
    return [int(r[2].removeprefix("test:")) for r in rows]


def test_a_date_range_page_is_that_day_newest_first_by_time(journal: list[int]) -> None:
    rows = browser.fetch(browser.Filters(date_from=DAY, date_to=DAY), None, limit=50)
    assert subjects(rows) == journal


def test_keyset_pages_of_a_date_range_cover_it_once(journal: list[int]) -> None:
    f = browser.Filters(kind="test.entry", date_from=DAY, date_to=DAY)
    seen: list[int] = []
    while page := browser.fetch(f, None, limit=3):
        seen += subjects(page)
        f.before = page[-1][0]
    assert seen == journal
    assert subjects(list(browser.iterate(browser.Filters(date_from=DAY, date_to=DAY), None, batch=4))) == journal


def test_without_a_date_range_pages_stay_in_seq_order(journal: list[int]) -> None:
    rows = browser.fetch(browser.Filters(kind="test.entry"), None, limit=50)
    assert [r[0] for r in rows] == sorted((r[0] for r in rows), reverse=True) and len(rows) == 12


def test_pending_entries_outside_the_date_range_are_not_shown(journal: list[int]) -> None:
    append(at(DAY, 8), 200)
    append(at(DAY + dt.timedelta(days=3), 8), 201)
    pending = browser.pending_rows(browser.Filters(date_from=DAY, date_to=DAY), None)
    assert [r.subject for r in pending] == ["test:200"]
