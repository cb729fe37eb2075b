"""Audit personas: platform staff and a platform auditor (of no organisation), and a helper
that runs one change and returns its single new ledger entry."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from lc.audit import services as config
from lc.audit.record import Operator
from lc.models import Role
from ledger.models import PendingEntry


@dataclass
class Recorded:
    kind: str
    actor: str
    actor_org: str
    subject: str
    payload: dict[str, Any]
    raw: str


def only_new_entry(change: Callable[[], Any]) -> tuple[Any, Recorded]:
    """Run `change`; exactly one ledger entry must appear. Returns (result, that entry)."""
    before = set(PendingEntry.objects.values_list("id", flat=True))
    result = change()
    new = list(PendingEntry.objects.exclude(id__in=before))
    assert len(new) == 1, [e.kind for e in new]
    e = new[0]
    raw = bytes(e.payload).decode()
    return result, Recorded(e.kind, e.actor, e.actor_org, e.subject, json.loads(raw), raw)


@pytest.fixture
def staff(cast: Any) -> Any:
    return config.create_user(actor=Operator("test-ops"), username="platform.ops", organization=None, roles=[],
                              password="ops-pass-2026-long", is_staff=True, is_superuser=True)


@pytest.fixture
def platform_auditor(cast: Any) -> Any:
    return config.create_user(actor=Operator("test-ops"), username="platform.auditor", organization=None,
                              roles=[Role.AUDITOR], password="audit-pass-2026-long")
