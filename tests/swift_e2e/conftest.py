"""Personas for the SWIFT end-to-end tests: a credit on the current week's clock (so the
portal's "today" lies inside its life), an MT700 from an issuing bank that is not on the
platform, and helpers to read the one ledger entry an action wrote."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from typing import Any

import pytest
from django.utils import timezone

from lc.examination.samples import worked_example_credit
from lc.examination.types import Bank, Banks
from lc.scenarios import Story
from lc.swift import serialise, terms_to_mt700
from ledger.models import PendingEntry
from tests.portal.conftest import current_shift

OFF_PLATFORM = Bank(name="", bic="ISLBHKHH", country="HK")  # Island Bank, Hong Kong: not a platform bank


@pytest.fixture
def story(cast: Any) -> Story:
    return Story(cast, timezone.now(), shift_days=current_shift())


def entry_payload(subject: str, kind: str) -> dict[str, Any]:
    """The payload of the one ledger entry of this kind for this subject (pending: no sequencer runs)."""
    entries = list(PendingEntry.objects.filter(subject=subject, kind=kind))
    assert len(entries) == 1, f"{kind}: {len(entries)} entries"
    return dict(json.loads(bytes(entries[0].payload)))


def received_mt700_text(number: str = "ISLB2025000777") -> str:
    """The worked example as an MT700 that Island Bank (not on the platform) sent to Ningbo
    Coastal Bank (NCBKCNBN, the cast's advising bank)."""
    base = worked_example_credit()
    banks = Banks(issuing=OFF_PLATFORM, advising=base.banks.advising, nominated=base.banks.nominated,
                  drawee=OFF_PLATFORM)
    terms = replace(base, credit_number=number, banks=banks)
    return "".join(serialise(m) for m in terms_to_mt700(terms))


def with_bad_character(text: str) -> str:
    """31D's place of expiry with a character outside the X set (M60)."""
    return re.sub(r"(:31D:\d{6})(\w+)", lambda m: m.group(1) + m.group(2) + "É", text, count=1)
