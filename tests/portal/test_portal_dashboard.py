"""Dashboard queues per role, the deadline countdown and the server-side charts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.test import Client
from django.urls import reverse

from lc.banking import BankingCalendar
from lc.portal.dashboard import deadline_tone
from lc.scenarios import Story

MONDAY = dt.date(2025, 6, 23)


def queue(response: Any, key: str) -> Any:
    return next(q for q in response.context["queues"] if q.key == key)


def test_countdown_is_amber_on_the_banking_day_before_and_red_on_the_day() -> None:
    cal = BankingCalendar()
    assert deadline_tone(MONDAY, MONDAY - dt.timedelta(days=7), cal) == "ok"
    assert deadline_tone(MONDAY, MONDAY - dt.timedelta(days=3), cal) == "soon"  # Friday: the banking day before
    assert deadline_tone(MONDAY, MONDAY - dt.timedelta(days=4), cal) == "ok"
    assert deadline_tone(MONDAY, MONDAY, cal) == "due"
    assert deadline_tone(MONDAY, MONDAY + dt.timedelta(days=1), cal) == "due"
    assert deadline_tone(None, MONDAY, cal) == ""


def test_checker_never_sees_own_work_in_the_approval_queue(
        as_user: Callable[[str], Client], story: Callable[..., Story], cast: Any) -> None:
    mine, theirs = story(), story()
    for s in (mine, theirs):
        s.apply()
        s.submit()
    theirs.prepare()  # by vhb.maker
    from lc import services

    checker = cast.users["vhb.checker2"]
    checker.roles = ["maker", "checker"]
    checker.save()
    services.prepare_credit(actor=checker, credit_id=mine.credit_id)
    approvals = queue(as_user("vhb.checker2").get(reverse("portal:dashboard")), "approve")
    assert [c.reference for c in approvals.rows] == [theirs.credit.reference] and approvals.total == 1


def test_examiner_queue_lists_presentations_by_deadline_with_a_countdown(
        as_user: Callable[[str], Client], presented: Any) -> None:
    s, pres = presented()
    response = as_user("ncb.examiner").get(reverse("portal:dashboard"))
    rows = queue(response, "examine").rows
    assert [p.pk for p in rows] == [pres.pk]
    assert rows[0].tone in ("ok", "soon", "due")
    page = response.content.decode()
    assert "countdown-" in page and reverse("portal:examine", args=[s.credit_id, pres.pk]) in page


def test_charts_are_inline_svg(as_user: Callable[[str], Client], presented: Any) -> None:
    presented()
    page = as_user("vhb.maker").get(reverse("portal:dashboard")).content.decode()
    assert page.count('<svg class="chart') == 3
    assert "USD" in page and "<script src=\"http" not in page


def test_no_asset_comes_from_outside(client: Client, db: Any) -> None:
    page = client.get(reverse("portal:login")).content.decode()
    assert "https://" not in page and "http://" not in page.replace("http://www.w3.org", "")
