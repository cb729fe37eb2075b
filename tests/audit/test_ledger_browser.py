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


def test_rows_carry_local_times_links_and_proofs(sequenced: Any, settings: Any, tmp_path: Any) -> None:
    from django.urls import reverse

    from ledger.anchoring import anchor_checkpoint

    settings.LEDGER_TLOG_DIR = tmp_path
    credit = "0b9c6f3e-1d2a-4c5b-8e7f-9a0b1c2d3e4f"
    with transaction.atomic():
        ledger.append(kind="test.entry", subject=f"lc:{credit}", actor="user:test", actor_org="org:test",
                      at=at(DAY, 9), payload={})
    sequenced()
    anchor_checkpoint()
    append(at(DAY, 10), 1)
    sequenced()
    later, anchored = browser.rows_with_proofs(browser.fetch(browser.Filters(kind="test.entry"), None))
    assert anchored.credit_url == reverse("audit:credit", args=[credit])
    assert anchored.proof_url == reverse("ledger:proof", args=[anchored.seq]) and anchored.checkpoint
    assert later.credit_url == "" and later.proof_url == "" and later.checkpoint is None
    assert anchored.when == "2026-03-02 09:00:00" and anchored.hash_short == anchored.hash_hex[:17] + "…"
