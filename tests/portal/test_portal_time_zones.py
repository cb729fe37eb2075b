"""The portal's "today" is the signed-in person's organisation's date, in its own time zone
(issue 20), not the platform's."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

from django.test import Client
from django.urls import reverse

from lc.audit import services as config
from lc.audit.record import Operator

# 25 hours apart: at any instant one of them has a different date from Hong Kong's (UTC+8).
FAR_EAST, FAR_WEST = "Pacific/Kiritimati", "Pacific/Pago_Pago"


def _today(zone: str) -> dt.date:
    return dt.datetime.now(ZoneInfo(zone)).date()


def test_the_dashboards_today_is_the_signed_in_banks_date(as_user: Callable[[str], Client], cast: Any) -> None:
    client, bank = as_user("ncb.examiner"), cast.orgs["advising"]
    differed = False
    for zone in (FAR_EAST, FAR_WEST):
        config.change_time_zone(actor=Operator("ncb-ops"), org_id=bank.pk, time_zone=zone)
        before = _today(zone)
        today = client.get(reverse("portal:dashboard")).context["today"]
        assert today in {before, _today(zone)}, zone  # the request may straddle midnight there
        differed |= today != _today("Asia/Hong_Kong")
    assert differed  # the platform's (Hong Kong's) date would have failed one of the two


def test_a_companys_dashboard_counts_in_the_companys_zone(as_user: Callable[[str], Client], cast: Any) -> None:
    client = as_user("rkw.treasury")  # Cologne: Europe/Berlin, six or seven hours behind Hong Kong
    for zone in (FAR_WEST, FAR_EAST):
        config.change_time_zone(actor=Operator("ops"), org_id=cast.orgs["stranger_corp"].pk, time_zone=zone)
        before = _today(zone)
        assert client.get(reverse("portal:dashboard")).context["today"] in {before, _today(zone)}
