"""Every refused move raises one domain error, changes nothing and writes nothing to the ledger."""

from __future__ import annotations

import threading
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.db import connections

from lc import services
from lc.errors import DomainError, Forbidden, InvalidInput, NotAllowed, NotFound
from lc.models import CreditState, LetterOfCredit, Role, User
from lc.scenarios import Story, example_documents, example_start
from ledger.models import Entry, PendingEntry

START = example_start()


def ledger_size() -> int:
    return PendingEntry.objects.count() + Entry.objects.count()


def refused(error: type[DomainError], action: Callable[[], Any], match: str | None = None) -> DomainError:
    """The action raises `error`, and neither the credits nor the ledger changed."""
    before_ledger = ledger_size()
    before = list(LetterOfCredit.objects.order_by("pk").values_list("pk", "state", "updated_at"))
    with pytest.raises(error, match=match) as info:
        action()
    assert ledger_size() == before_ledger
    assert list(LetterOfCredit.objects.order_by("pk").values_list("pk", "state", "updated_at")) == before
    return info.value




def test_beneficiary_cannot_issue_credit(story: Story) -> None:
    story.apply()
    story.submit()
    refused(Forbidden, lambda: services.prepare_credit(actor=story.cast.users["nef.exports"],
                                                     credit_id=story.credit_id), "issuing bank")


def test_advising_bank_cannot_approve_issuance(story: Story) -> None:
    story.apply()
    story.submit()
    story.prepare()
    refused(Forbidden, lambda: services.issue_credit(actor=story.cast.users["ncb.maker"], credit_id=story.credit_id,
                                                       rekeyed_amount="125000.00"))


def test_stranger_bank_does_not_see_the_credit(story: Story) -> None:
    story.issued()
    refused(NotFound, lambda: services.advise_credit(actor=story.cast.users["tmb.maker"], credit_id=story.credit_id))
    assert not LetterOfCredit.objects.visible_to(story.cast.orgs["stranger_bank"]).exists()


def test_examiner_role_cannot_prepare_issuance(story: Story) -> None:
    story.apply()
    story.submit()
    refused(Forbidden, lambda: services.prepare_credit(actor=story.cast.users["vhb.examiner"],
                                                     credit_id=story.credit_id), "maker role")


def test_maker_cannot_approve_own_issuance(story: Story) -> None:
    both = User.objects.create(username="vhb.both", organization=story.cast.orgs["issuing"],
                               roles=[Role.MAKER, Role.CHECKER])
    story.apply()
    story.submit()
    services.prepare_credit(actor=both, credit_id=story.credit_id)
    refused(Forbidden, lambda: services.issue_credit(actor=both, credit_id=story.credit_id,
                                                       rekeyed_amount="125000.00"), "different person")


def test_checker_must_rekey_the_same_amount(story: Story) -> None:
    story.apply()
    story.submit()
    story.prepare()
    error = refused(InvalidInput, lambda: services.issue_credit(
        actor=story.cast.users["vhb.checker"], credit_id=story.credit_id, rekeyed_amount="152000.00"))
    assert error.errors[0]["field"] == "amount"


def test_application_with_invalid_terms_cannot_be_submitted(story: Story) -> None:
    story.terms["form"] = "REVOCABLE"
    story.apply()
    error = refused(InvalidInput, lambda: services.submit_application(actor=story.cast.users["hhl.treasury"],
                                                                      credit_id=story.credit_id))
    assert any(e["code"] == "C02" for e in error.errors)


def test_amendment_cannot_be_partially_accepted(story: Story) -> None:
    story.issued()
    c = story.cast.users
    amendment = services.propose_amendment(actor=c["hhl.treasury"], credit_id=story.credit_id,
                                           changes={"amount": "130000.00", "latest_shipment": "2025-06-07"})
    services.prepare_amendment(actor=c["vhb.maker"], amendment_id=amendment.pk)
    services.issue_amendment(actor=c["vhb.checker"], amendment_id=amendment.pk)
    refused(NotAllowed, lambda: services.accept_amendment(actor=c["nef.exports"], amendment_id=amendment.pk,
                                                          accepted_fields=["amount"]), "partial acceptance")
    amendment.refresh_from_db()
    assert amendment.state == "issued"


def refused_presentation(story: Story) -> Any:
    story.issued()
    docs = example_documents()
    docs[2].data["on_board_date"] = "2025-06-02"
    story.present(documents=docs)
    pres = story.examine()
    services.refuse_presentation(actor=story.cast.users["ncb.examiner"], presentation_id=pres.pk,
                                 disposal="returning", now=story.at(100))
    return pres


def test_presentation_cannot_be_refused_twice(story: Story) -> None:
    pres = refused_presentation(story)
    refused(NotAllowed, lambda: services.refuse_presentation(
        actor=story.cast.users["ncb.examiner"], presentation_id=pres.pk, disposal="hold_pending_instructions",
        now=story.at(100, 16)), "one single notice")


def test_refusal_after_the_fifth_banking_day_is_precluded(story: Story) -> None:
    story.issued()
    docs = example_documents()
    docs[2].data["on_board_date"] = "2025-06-02"
    story.present(documents=docs)
    pres = story.examine()
    refused(NotAllowed, lambda: services.refuse_presentation(
        actor=story.cast.users["ncb.examiner"], presentation_id=pres.pk, disposal="returning",
        now=story.at(106)), r"16\(f\)")  # 2025-06-24, after the 06-23 deadline


def test_discrepant_presentation_cannot_be_honoured_without_waiver(story: Story) -> None:
    story.issued()
    docs = example_documents()
    docs[2].data["on_board_date"] = "2025-06-02"
    story.present(documents=docs)
    story.examine()
    refused(NotAllowed, story.honour, "waived")


def transferable(story: Story) -> None:
    story.terms["form"] = "IRREVOCABLE TRANSFERABLE"
    story.issued()


def request_transfer(story: Story, amount: str) -> Any:
    return services.request_transfer(actor=story.cast.users["nef.exports"], credit_id=story.credit_id,
                                     second_beneficiary=story.cast.orgs["stranger_corp"], changes={"amount": amount})


def test_credit_can_be_transferred_only_once(story: Story) -> None:
    transferable(story)
    child = story.transfer({"amount": "120000.00"})
    assert child.transferred_from_id == story.credit_id and child.amount == Decimal("120000.00")
    refused(NotAllowed, lambda: request_transfer(story, "110000.00"), "only once")


def test_transfer_may_not_raise_the_amount(story: Story) -> None:
    transferable(story)
    error = refused(InvalidInput, lambda: request_transfer(story, "130000.00"))
    assert any(e["code"] == "C11" for e in error.errors)


def test_non_transferable_credit_cannot_be_transferred(story: Story) -> None:
    story.issued()
    refused(NotAllowed, lambda: request_transfer(story, "125000.00"), "transferable")


def test_cancellation_needs_the_beneficiary(story: Story) -> None:
    story.issued()
    c = story.cast.users
    services.request_cancellation(actor=c["vhb.maker"], credit_id=story.credit_id, reason="buyer withdrew")
    refused(NotAllowed, lambda: services.cancel_credit(actor=c["vhb.maker"], credit_id=story.credit_id),
            "beneficiary has not agreed")
    services.consent_to_cancellation(actor=c["nef.exports"], credit_id=story.credit_id)
    assert services.cancel_credit(actor=c["vhb.maker"], credit_id=story.credit_id).state == CreditState.CANCELLED


def test_cancellation_of_a_confirmed_credit_needs_the_confirming_bank(story: Story) -> None:
    story.terms["confirmation"] = "CONFIRM"
    story.issued(confirming=True)
    c = story.cast.users
    services.confirm_credit(actor=c["lctb.maker"], credit_id=story.credit_id, confirm=True)
    services.request_cancellation(actor=c["vhb.maker"], credit_id=story.credit_id, reason="buyer withdrew")
    services.consent_to_cancellation(actor=c["nef.exports"], credit_id=story.credit_id)
    refused(NotAllowed, lambda: services.cancel_credit(actor=c["vhb.maker"], credit_id=story.credit_id),
            "confirming bank")


@pytest.mark.django_db(transaction=True)
def test_two_checkers_approving_at_the_same_moment_only_one_succeeds(cast: Any) -> None:
    story = Story(cast, START)
    story.apply()
    story.submit()
    story.prepare()
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def approve(username: str) -> None:
        try:
            barrier.wait()
            services.issue_credit(actor=User.objects.get(username=username), credit_id=story.credit_id,
                                    rekeyed_amount="125000.00")
            outcomes.append("issued")
        except NotAllowed:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=approve, args=(u,)) for u in ("vhb.checker", "vhb.checker2")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["issued", "refused"]
    credit = LetterOfCredit.objects.get(pk=story.credit_id)
    assert credit.state == CreditState.ISSUED and credit.versions.count() == 1
    assert PendingEntry.objects.filter(kind="lc.issued").count() + Entry.objects.filter(kind="lc.issued").count() == 1


def test_visibility_rule_for_one_credit_matches_the_queryset(cast: Any) -> None:
    """lock_credit uses LetterOfCredit.is_visible_to; lists use visible_to(): they must agree."""
    drafts = Story(cast, START)
    drafts.apply()
    issued = Story(cast, START)
    issued.issued()
    for org in cast.orgs.values():
        listed = set(LetterOfCredit.objects.visible_to(org).values_list("pk", flat=True))
        for credit in LetterOfCredit.objects.all():
            assert credit.is_visible_to(org) == (credit.pk in listed), (org.name, credit.state)
