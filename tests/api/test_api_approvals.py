"""Approval levels through the API (issue 20): the pending approvals of a credit, and the same
person twice refused as problem+json."""

from __future__ import annotations

from typing import Any

import pytest

from lc.audit.approval_levels import set_approval_level
from lc.scenarios import Story

pytestmark = pytest.mark.django_db


def test_pending_approvals_are_shown_and_the_same_checker_twice_is_a_problem(story: Story, api_as: Any) -> None:
    cast = story.cast
    set_approval_level(actor=cast.users["vhb.admin"], bank_id=cast.orgs["issuing"].pk, action="issuance",
                       extra_checkers=1, currency="USD", threshold="100000.00")
    story.apply()
    story.submit()
    story.prepare()
    approve = f"/api/v1/credits/{story.credit_id}/approve/"
    approvals = f"/api/v1/credits/{story.credit_id}/approvals/"
    first = api_as("vhb.checker").post(approve, {"amount": "125000.00"}, format="json")
    assert first.status_code == 200 and first.json()["state"] == "pending_approval"
    pending = api_as("vhb.checker2").get(approvals).json()
    assert len(pending) == 1
    assert pending[0]["action"] == "issuance" and pending[0]["target"] == str(story.credit_id)
    assert (pending[0]["approvals_given"], pending[0]["approvals_required"]) == (1, 2)
    assert pending[0]["approvers"][0]["username"] == "vhb.checker"
    assert pending[0]["threshold"]["level"]["threshold"] == "100000.00"
    assert api_as("hhl.treasury").get(approvals).json() == []  # the bank's people are the bank's
    stranger = api_as("tmb.maker").get(approvals)
    assert stranger.status_code == 404 and stranger["Content-Type"] == "application/problem+json"
    again = api_as("vhb.checker").post(approve, {"amount": "125000.00"}, format="json")
    assert again.status_code == 403 and again["Content-Type"] == "application/problem+json"
    assert "already approved" in again.json()["detail"]
    done = api_as("vhb.checker2").post(approve, {"amount": "125000.00"}, format="json")
    assert done.status_code == 200 and done.json()["state"] == "issued"
    assert api_as("vhb.checker2").get(approvals).json() == []


def test_the_banks_approval_facts_are_its_own_in_the_ledger_feed(story: Story, api_as: Any) -> None:
    """Thresholds, rates and who approved are the issuing bank's: other parties read that an
    approval was given, not the facts (redacted, still covered by the chain hash)."""
    cast = story.cast
    set_approval_level(actor=cast.users["vhb.admin"], bank_id=cast.orgs["issuing"].pk, action="issuance",
                       extra_checkers=1, currency="USD", threshold="100000.00")
    story.apply()
    story.submit()
    story.prepare()
    story.approve()
    ledger = f"/api/v1/credits/{story.credit_id}/ledger/"

    def approved(username: str) -> dict[str, Any]:
        rows = api_as(username).get(ledger).json()["results"]
        return next(r for r in rows if r["kind"] == "lc.issue_approved")

    own = approved("vhb.maker")
    assert own["payload"]["approval"]["level"]["threshold"] == "100000.00" and own["redacted"] == []
    theirs = approved("hhl.treasury")
    assert "approval" not in theirs["payload"] and theirs["redacted"] == ["approval"]
