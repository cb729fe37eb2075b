"""seed_demo works on any day of the week and creates credits in every state, once."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from lc.demo import ensure_cast
from lc.management.commands.seed_demo import seed_credits
from lc.models import LetterOfCredit, Presentation


@pytest.mark.parametrize("day", range(7))
def test_seed_demo_creates_every_state_on_every_weekday(db: Any, day: int) -> None:
    now = dt.datetime(2026, 11, 16 + day, 10, tzinfo=timezone.get_default_timezone())  # Monday + day
    made = seed_credits(ensure_cast(password="pw-123456789", with_totp=False), now)
    assert len(made) == 13
    states = set(LetterOfCredit.objects.values_list("state", flat=True))
    assert {"draft", "submitted", "pending_approval", "issued", "advised", "settled", "cancelled",
            "expired"} <= states
    pres = set(Presentation.objects.values_list("state", flat=True))
    assert {"under_examination", "discrepant", "waiver_requested", "refused", "honoured", "settled"} <= pres
    latest = max(Presentation.objects.values_list("created_at", flat=True))
    assert latest <= now  # nothing dated in the future
    open_deadline = Presentation.objects.get(state="under_examination").examination_deadline
    assert open_deadline >= timezone.localtime(now).date()
