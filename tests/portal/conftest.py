"""Portal personas: bank staff signed in with a verified second factor, and credits in
the states the portal's pages and queues show, built through the real services."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from lc import services
from lc.demo import totp_key
from lc.scenarios import EXAMPLE_ISSUE, Story, example_documents, weeks_between


def verified_client(user: Any) -> Client:
    """A client signed in as `user` with a confirmed TOTP device verified in its session."""
    device, _ = TOTPDevice.objects.get_or_create(
        user=user, name="test", defaults={"key": totp_key(user.username), "confirmed": True})
    client = Client()
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


@pytest.fixture
def as_user(cast: Any) -> Callable[[str], Client]:
    return lambda username: verified_client(cast.users[username])


def current_shift() -> int:
    """Shift the worked example so that its presentation Monday (day 98) is this week's,
    keeping the examination deadline (5 banking days later) in the future."""
    today = timezone.localdate()
    monday = today - dt.timedelta(days=today.weekday())
    return weeks_between(EXAMPLE_ISSUE + dt.timedelta(days=98), monday)


@pytest.fixture
def story(cast: Any) -> Callable[..., Story]:
    def make(**changes: Any) -> Story:
        return Story(cast, timezone.now(), shift_days=current_shift(), **changes)

    return make


def present_and_examine_by_engine(story: Story, late_shipment: bool = False) -> Any:
    """An advised credit with documents presented to the nominated bank and the engine run."""
    story.issued()
    story.advise()
    docs = example_documents(story.shift)
    if late_shipment:  # on board after 44C: the engine proposes C14 (art. 29(c))
        docs[2].data["on_board_date"] = (dt.date(2025, 6, 2) + dt.timedelta(days=story.shift)).isoformat()
    pres = story.present(documents=docs)
    services.record_engine_result(presentation_id=pres.pk, now=story.at(98, 12))
    return pres


@pytest.fixture
def presented(story: Callable[..., Story]) -> Callable[..., tuple[Story, Any]]:
    """presented(late_shipment=True) -> (story, presentation) under examination by ncb.examiner."""
    def make(late_shipment: bool = False) -> tuple[Story, Any]:
        s = story()
        return s, present_and_examine_by_engine(s, late_shipment)

    return make
