"""Closed means closed (issue 20): on a settled, cancelled or expired credit every action that
would amend, present, transfer or cancel is refused by the service, with nothing written.
The credit is closed by a direct update (a test shortcut): how it closed is not the point,
and each amendment step is reached through the real services first."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from lc import services
from lc.errors import NotAllowed
from lc.models import LetterOfCredit
from lc.scenarios import Story, example_documents, example_start
from ledger.models import Entry, PendingEntry

CLOSED = ("settled", "cancelled", "expired")


def _propose(s: Story) -> Any:
    return services.propose_amendment(actor=s.cast.users["hhl.treasury"], credit_id=s.credit_id,
                                      changes={"amount": "126000.00"})


def _prepared(s: Story) -> Any:
    a = _propose(s)
    return services.prepare_amendment(actor=s.cast.users["vhb.maker"], amendment_id=a.pk)


def _issued(s: Story) -> Any:
    a = _prepared(s)
    return services.issue_amendment(actor=s.cast.users["vhb.checker"], amendment_id=a.pk)


def _request_transfer(s: Story) -> Any:
    return services.request_transfer(actor=s.cast.users["nef.exports"], credit_id=s.credit_id,
                                     second_beneficiary=s.cast.orgs["stranger_corp"], changes={"amount": "50000.00"})


def _prepared_transfer(s: Story) -> Any:
    _request_transfer(s)
    return services.prepare_transfer(actor=s.cast.users["ncb.maker"], credit_id=s.credit_id)


def _approved_transfer(s: Story) -> Any:
    _prepared_transfer(s)
    return services.approve_transfer(actor=s.cast.users["ncb.checker"], credit_id=s.credit_id)


# action -> (set-up on the live credit returning the target, the refused call on the closed credit)
ACTIONS: dict[str, tuple[Callable[[Story], Any], Callable[[Story, Any], Any]]] = {
    "propose_amendment": (lambda s: None, lambda s, _: _propose(s)),
    "prepare_amendment": (_propose, lambda s, a: services.prepare_amendment(
        actor=s.cast.users["vhb.maker"], amendment_id=a.pk)),
    "issue_amendment": (_prepared, lambda s, a: services.issue_amendment(
        actor=s.cast.users["vhb.checker"], amendment_id=a.pk)),
    "accept_amendment": (_issued, lambda s, a: services.accept_amendment(
        actor=s.cast.users["nef.exports"], amendment_id=a.pk)),
    "reject_amendment": (_issued, lambda s, a: services.reject_amendment(
        actor=s.cast.users["nef.exports"], amendment_id=a.pk)),
    "decide_amendment_confirmation": (_issued, lambda s, a: services.decide_amendment_confirmation(
        actor=s.cast.users["lctb.maker"], amendment_id=a.pk, extend=True)),
    "present_documents": (lambda s: None, lambda s, _: services.present_documents(
        actor=s.cast.users["nef.exports"], credit_id=s.credit_id, presented_to=s.cast.orgs["advising"],
        amount_claimed=Decimal("1000.00"), documents=example_documents(s.shift, with_files=False))),
    # Transfer (art. 38): each step of a request made while the credit was live.
    "request_transfer": (lambda s: None, lambda s, _: _request_transfer(s)),
    "prepare_transfer": (_request_transfer, lambda s, _: services.prepare_transfer(
        actor=s.cast.users["ncb.maker"], credit_id=s.credit_id)),
    "approve_transfer": (_prepared_transfer, lambda s, _: services.approve_transfer(
        actor=s.cast.users["ncb.checker"], credit_id=s.credit_id)),
    "advise_transfer": (_approved_transfer, lambda s, _: services.advise_transfer(
        actor=s.cast.users["ncb.maker"], credit_id=s.credit_id)),
    "reject_transfer": (_request_transfer, lambda s, _: services.reject_transfer(
        actor=s.cast.users["ncb.maker"], credit_id=s.credit_id, reason="closed")),
    "request_cancellation": (lambda s: None, lambda s, _: services.request_cancellation(
        actor=s.cast.users["vhb.maker"], credit_id=s.credit_id, reason="no longer needed")),
    "cancel_credit": (lambda s: None, lambda s, _: services.cancel_credit(
        actor=s.cast.users["vhb.checker"], credit_id=s.credit_id)),
}


def _ledger_size() -> int:
    return PendingEntry.objects.count() + Entry.objects.count()


@pytest.mark.parametrize("state", CLOSED)
@pytest.mark.parametrize("action", list(ACTIONS))
def test_a_closed_credit_refuses_every_action(cast: Any, state: str, action: str) -> None:
    s = Story(cast, example_start(), confirmation="CONFIRM", form="IRREVOCABLE TRANSFERABLE")
    s.issued(confirming=True)
    services.confirm_credit(actor=cast.users["lctb.maker"], credit_id=s.credit_id, confirm=True)
    set_up, call = ACTIONS[action]
    target = set_up(s)
    LetterOfCredit.objects.filter(pk=s.credit_id).update(state=state, closed_at=timezone.now())
    before = _ledger_size()
    with pytest.raises(NotAllowed):
        call(s, target)
    assert _ledger_size() == before
    assert LetterOfCredit.objects.get(pk=s.credit_id).state == state
