"""Approval levels (issue 20): above a bank's threshold, issuance, an amendment's increase,
honour and honour on a waiver need one or two further checkers, each a different person from
the maker and from every other checker; below it one checker suffices as before. Thresholds are
in the bank's reporting currency, converted by its own rate table; setting them is ledgered."""

from __future__ import annotations

import json
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.utils import translation

from lc import events, services
from lc.audit import services as config
from lc.audit.approval_levels import set_approval_level
from lc.audit.record import Operator
from lc.errors import Forbidden, InvalidInput, NotAllowed
from lc.integrations.webhooks import create_subscription
from lc.models import (
    AmendmentState,
    Approval,
    ApprovalAction,
    ApprovalLevel,
    CreditState,
    LetterOfCredit,
    PresentationState,
    Role,
    SwiftMessage,
    User,
    WebhookDelivery,
)
from lc.scenarios import Story
from ledger.models import PendingEntry
from outbox.models import Message

pytestmark = pytest.mark.django_db

# The worked example: USD 125,000.00 with 39A 05/05, so a maximum of USD 131,250.00.
MAXIMUM = Decimal("131250.00")


def entries(subject: str | None = None) -> list[tuple[str, dict[str, Any]]]:
    rows = PendingEntry.objects.order_by("id")
    if subject is not None:
        rows = rows.filter(subject=subject)
    return [(e.kind, json.loads(bytes(e.payload))) for e in rows]


def level(cast: Any, action: str, threshold: str, currency: str = "USD", extra: int = 1,
          bank: str = "issuing") -> ApprovalLevel:
    made = set_approval_level(actor=cast.users["vhb.admin"] if bank == "issuing" else Operator("test-ops"),
                              bank_id=cast.orgs[bank].pk, action=action, extra_checkers=extra,
                              currency=currency, threshold=threshold)
    assert made is not None
    return made


def checker(cast: Any, username: str, bank: str = "issuing") -> User:
    return config.create_user(actor=Operator("test-ops"), username=username, organization=cast.orgs[bank],
                              roles=[Role.CHECKER], first_name="Further", last_name=username)


def issue(story: Story, user: User) -> LetterOfCredit:
    return services.issue_credit(actor=user, credit_id=story.credit_id, rekeyed_amount="125000.00",
                                 now=story.at(0, 11))


def prepared(story: Story) -> Story:
    story.apply()
    story.submit()
    story.prepare()
    return story


def refused_without_trace(call: Callable[[], Any], error: type[Exception], subject: str) -> Exception:
    """The move is refused and neither the approvals nor the ledger change."""
    before, approvals = entries(subject), Approval.objects.count()
    with pytest.raises(error) as caught:
        call()
    assert entries(subject) == before and Approval.objects.count() == approvals
    return caught.value


# -- Issuance.

def test_above_the_threshold_issuance_needs_two_distinct_checkers(story: Story) -> None:
    cast = story.cast
    applied = level(cast, "issuance", "100000.00")
    create_subscription(actor=cast.users["hhl.treasury"], organization=cast.orgs["importer"],
                        url="https://erp.example.com/hooks", events=["credit.issued"])
    prepared(story)
    subject = story.credit.subject
    outbox, swift = Message.objects.count(), SwiftMessage.objects.count()

    credit = issue(story, cast.users["vhb.checker"])
    assert credit.state == CreditState.PENDING_APPROVAL and credit.current_terms is None
    kind, payload = entries(subject)[-1]
    assert kind == "lc.issue_approved"
    approval = payload["approval"]
    assert approval["number"] == 1 and approval["required"] == 2
    assert approval["approver"] == cast.users["vhb.checker"].ledger_id
    assert approval["amount"] == "131250.00" and approval["converted"] == "131250.00"
    assert approval["level"]["id"] == str(applied.id) and approval["level"]["threshold"] == "100000.00"
    assert Message.objects.count() == outbox and SwiftMessage.objects.count() == swift  # nothing sent yet
    assert not WebhookDelivery.objects.exists()

    credit = issue(story, cast.users["vhb.checker2"])
    assert credit.state == CreditState.ISSUED and credit.issue_checker == cast.users["vhb.checker2"]
    kinds = [k for k, _ in entries(subject)]
    assert kinds[-2:] == ["lc.issue_approved", "lc.issued"]  # one entry per call
    done = entries(subject)[-1][1]["approvals"]
    assert [a["approver"] for a in done["approvals"]] == [cast.users["vhb.checker"].ledger_id,
                                                         cast.users["vhb.checker2"].ledger_id]
    assert done["required"] == 2
    # The after-commit work of the issue: the MT700, and the applicant's webhook through the outbox.
    assert SwiftMessage.objects.count() == swift + 1
    assert WebhookDelivery.objects.filter(event_type="credit.issued").count() == 1
    assert Message.objects.count() == outbox + 1
    assert not Approval.objects.filter(open=True).exists()


def test_the_same_checker_twice_is_refused(story: Story) -> None:
    cast = story.cast
    level(cast, "issuance", "100000.00")
    prepared(story)
    issue(story, cast.users["vhb.checker"])
    err = refused_without_trace(lambda: issue(story, cast.users["vhb.checker"]), Forbidden, story.credit.subject)
    assert "already approved" in str(err)
    assert LetterOfCredit.objects.get(pk=story.credit_id).state == CreditState.PENDING_APPROVAL


def test_the_maker_cannot_be_a_checker_even_as_a_further_one(story: Story) -> None:
    cast = story.cast
    level(cast, "issuance", "100000.00")
    prepared(story)
    maker = cast.users["vhb.maker"]
    config.change_user(actor=Operator("test-ops"), user_id=maker.pk,
                       changes={"roles": [Role.MAKER, Role.CHECKER]})
    maker.refresh_from_db()
    subject = story.credit.subject
    refused_without_trace(lambda: issue(story, maker), Forbidden, subject)
    issue(story, cast.users["vhb.checker"])
    err = refused_without_trace(lambda: issue(story, maker), Forbidden, subject)
    assert "four eyes" in str(err)


def test_below_the_threshold_one_checker_suffices(story: Story) -> None:
    level(story.cast, "issuance", "200000.00")
    prepared(story)
    credit = issue(story, story.cast.users["vhb.checker"])
    assert credit.state == CreditState.ISSUED
    kind, payload = entries(story.credit.subject)[-1]
    assert kind == "lc.issued" and "approvals" not in payload  # the entry is as it always was
    assert not Approval.objects.exists()


def test_two_further_checkers_make_three_approvals(story: Story) -> None:
    cast = story.cast
    level(cast, "issuance", "100000.00", extra=1)
    level(cast, "issuance", "120000.00", extra=2)  # the level asking most, of those exceeded, applies
    third = checker(cast, "vhb.checker3")
    prepared(story)
    assert issue(story, cast.users["vhb.checker"]).state == CreditState.PENDING_APPROVAL
    assert issue(story, cast.users["vhb.checker2"]).state == CreditState.PENDING_APPROVAL
    assert entries(story.credit.subject)[-1][1]["approval"]["required"] == 3
    assert issue(story, third).state == CreditState.ISSUED


def test_a_threshold_in_another_currency_is_converted_by_the_banks_rate_table(story: Story) -> None:
    cast = story.cast
    level(cast, "issuance", "1000000.00", currency="HKD")
    prepared(story)
    subject = story.credit.subject
    err = refused_without_trace(lambda: issue(story, cast.users["vhb.checker"]), NotAllowed, subject)
    assert "no USD/HKD rate" in str(err)  # no guess: the bank enters its rate first
    rate = services.set_rate(actor=cast.users["vhb.credit"], base="HKD", quote="USD", rate="0.128")
    # USD 131,250.00 / 0.128 = HKD 1,025,390.625, rounded up: above HKD 1,000,000.00.
    issue(story, cast.users["vhb.checker"])
    approval = entries(subject)[-1][1]["approval"]
    assert approval["converted"] == "1025390.63" and approval["level"]["currency"] == "HKD"
    assert approval["rate"] == {"rate": str(rate.id), "base": "HKD", "quote": "USD", "value": "0.1280000000",
                                "inverted": True}
    assert issue(story, cast.users["vhb.checker2"]).state == CreditState.ISSUED


def test_the_same_credit_under_a_lower_rate_needs_one_checker(story: Story) -> None:
    cast = story.cast
    level(cast, "issuance", "1000000.00", currency="HKD")
    services.set_rate(actor=cast.users["vhb.credit"], base="USD", quote="HKD", rate="7.6")  # HKD 997,500.00
    prepared(story)
    assert issue(story, cast.users["vhb.checker"]).state == CreditState.ISSUED
    checked = entries(story.credit.subject)[-1][1]
    assert "approvals" not in checked


# -- Amendment increases.

def _amendment(story: Story, amount: str) -> Any:
    u = story.cast.users
    story.issued()
    proposal = services.propose_amendment(actor=u["hhl.treasury"], credit_id=story.credit_id,
                                          changes={"amount": amount})
    return services.prepare_amendment(actor=u["vhb.maker"], amendment_id=proposal.pk)


def test_an_amendment_increase_above_the_threshold_needs_a_further_checker(story: Story) -> None:
    cast = story.cast
    level(cast, "amendment_increase", "10000.00")
    amendment = _amendment(story, "140000.00")  # maximum 147,000.00: an increase of 15,750.00
    first = services.issue_amendment(actor=cast.users["vhb.checker"], amendment_id=amendment.pk)
    assert first.state == AmendmentState.PENDING_APPROVAL
    kind, payload = entries(story.credit.subject)[-1]
    assert kind == "amendment.issue_approved" and payload["amendment"] == str(amendment.pk)
    assert payload["approval"]["amount"] == "15750.00"
    refused_without_trace(lambda: services.issue_amendment(actor=cast.users["vhb.checker"], amendment_id=amendment.pk),
                          Forbidden, story.credit.subject)
    done = services.issue_amendment(actor=cast.users["vhb.checker2"], amendment_id=amendment.pk)
    assert done.state == AmendmentState.ISSUED
    assert entries(story.credit.subject)[-1][0] == "amendment.issued"


def test_an_amendment_decrease_needs_one_checker(story: Story) -> None:
    cast = story.cast
    level(cast, "amendment_increase", "10000.00")
    amendment = _amendment(story, "100000.00")
    done = services.issue_amendment(actor=cast.users["vhb.checker"], amendment_id=amendment.pk)
    assert done.state == AmendmentState.ISSUED


# -- Honour and honour on a waiver (at the bank presented to: the advising bank here).

def _examined(story: Story, discrepant: bool = False) -> Any:
    story.issued()
    story.advise()
    if discrepant:
        from lc.scenarios import example_documents

        docs = example_documents(story.shift)
        docs[2].data["on_board_date"] = "2025-06-02"  # after the latest shipment date: C14
        story.present(documents=docs)
    else:
        story.present()
    return story.examine()


def test_honour_above_the_threshold_needs_a_checker_after_the_maker(story: Story) -> None:
    cast = story.cast
    level(cast, "honour", "100000.00", bank="advising")
    pres = _examined(story)
    assert pres.state == PresentationState.COMPLYING
    first = story.honour()
    assert first.state == PresentationState.COMPLYING and first.honoured_amount is None
    kind, payload = entries(story.credit.subject)[-1]
    assert kind == "presentation.honour_approved" and payload["approval"]["amount"] == "125000.00"
    maker = cast.users["ncb.maker"]
    refused_without_trace(lambda: services.honour_presentation(actor=maker, presentation_id=pres.pk),
                          Forbidden, story.credit.subject)  # a further approval is a checker's
    with pytest.raises(InvalidInput):  # approved as the first approver decided it, not another amount
        services.honour_presentation(actor=cast.users["ncb.checker"], presentation_id=pres.pk, amount="100000.00")
    done = services.honour_presentation(actor=cast.users["ncb.checker"], presentation_id=pres.pk)
    assert done.state == PresentationState.HONOURED and done.honoured_amount == Decimal("125000.00")
    kind, payload = entries(story.credit.subject)[-1]
    assert kind == "presentation.honoured" and payload["approvals"]["required"] == 2


def test_honour_on_the_applicants_waiver_uses_the_waiver_level(story: Story) -> None:
    cast = story.cast
    level(cast, "waiver", "100000.00", bank="advising")
    pres = _examined(story, discrepant=True)
    assert pres.state == PresentationState.DISCREPANT
    services.request_waiver(actor=cast.users["ncb.maker"], presentation_id=pres.pk)
    services.decide_waiver(actor=cast.users["hhl.treasury"], presentation_id=pres.pk, waive=True)
    first = services.honour_presentation(actor=cast.users["ncb.maker"], presentation_id=pres.pk)
    assert first.state == PresentationState.WAIVER_REQUESTED
    approval = entries(story.credit.subject)[-1][1]["approval"]
    assert approval["action"] == "waiver" and approval["level"]["action"] == "waiver"
    done = services.honour_presentation(actor=cast.users["ncb.checker"], presentation_id=pres.pk)
    assert done.state == PresentationState.HONOURED


def test_the_waiver_level_does_not_apply_to_a_complying_presentation(story: Story) -> None:
    level(story.cast, "waiver", "100000.00", bank="advising")
    _examined(story)
    assert story.honour().state == PresentationState.HONOURED


# -- Setting the levels.

def test_only_the_banks_administrator_sets_its_levels_and_each_change_is_ledgered(cast: Any) -> None:
    bank = cast.orgs["issuing"]
    for username in ("vhb.maker", "vhb.checker", "vhb.credit", "ncb.maker"):
        with pytest.raises(Forbidden):
            set_approval_level(actor=cast.users[username], bank_id=bank.pk, action="issuance", extra_checkers=1,
                               currency="USD", threshold="100000.00")
    admin = cast.users["vhb.admin"]
    made = level(cast, "issuance", "100000.00")
    kind, payload = entries(bank.ledger_id)[-1]
    assert kind == "org.approval_level_set" and payload["by"] == "vhb.admin" and payload["before"] is None
    assert payload["after"]["threshold"] == "100000.00" and PendingEntry.objects.latest("id").actor == admin.ledger_id
    count = len(entries(bank.ledger_id))
    level(cast, "issuance", "100000.00")  # unchanged: nothing recorded
    assert len(entries(bank.ledger_id)) == count
    level(cast, "issuance", "250000.00")
    assert entries(bank.ledger_id)[-1][1]["before"]["threshold"] == "100000.00"
    with pytest.raises(InvalidInput):
        set_approval_level(actor=admin, bank_id=bank.pk, action="issuance", extra_checkers=3, currency="USD",
                           threshold="1.00")
    set_approval_level(actor=admin, bank_id=bank.pk, action="issuance", extra_checkers=1)
    assert entries(bank.ledger_id)[-1][0] == "org.approval_level_removed"
    assert not ApprovalLevel.objects.filter(pk=made.pk).exists()


@pytest.mark.parametrize("label", [
    events.ISSUE_APPROVED.label, events.AMENDMENT_APPROVED.label, events.HONOUR_APPROVED.label,
    events.APPROVAL_LEVEL_SET.label, events.APPROVAL_LEVEL_REMOVED.label,
    *(label for _, label in ApprovalAction.choices),
], ids=str)
def test_every_approval_label_has_its_zh_hant_text(label: Any) -> None:
    english = str(label)
    with translation.override("zh-hant"):
        chinese = str(label)
    assert chinese != english and not chinese.isascii()
