"""The availability account (issue 13): reservations at presentation under the credit's lock,
transfers earmark, facilities refuse without a credit officer's override."""

from __future__ import annotations

import datetime as dt
import threading
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection

from lc import services
from lc.errors import InvalidInput, NotAllowed
from lc.models import LetterOfCredit
from lc.scenarios import Story, example_documents, example_start
from lc.services import money as accounts
from ledger.models import PendingEntry

MAXIMUM = Decimal("131250.00")  # USD 125,000 + 5% (39A)


def issued(cast: Any, **terms: Any) -> Story:
    story = Story(cast, example_start(), **terms)
    story.issued()
    return story


def present(story: Story, amount: str) -> Any:
    return services.present_documents(
        actor=story.cast.users["nef.exports"], credit_id=story.credit_id, presented_to=story.cast.orgs["advising"],
        amount_claimed=amount, documents=example_documents(with_files=False), now=story.at(98))


def assert_account_is_its_rows(credit_id: Any) -> accounts.money.Figures:
    credit = LetterOfCredit.objects.get(pk=credit_id)
    stored, (recomputed, _) = accounts.figures(credit), accounts.recomputed(credit)
    assert stored == recomputed and stored.consistent()
    return stored


@pytest.mark.django_db
def test_a_claim_beyond_what_is_available_is_refused_and_leaves_no_entry(cast: Any) -> None:
    story = issued(cast)
    for _ in range(3):
        present(story, "40000.00")
    entries = PendingEntry.objects.filter(subject=f"lc:{story.credit_id}")
    before = entries.count()
    with pytest.raises(NotAllowed):
        present(story, "40000.00")
    assert entries.count() == before
    figures = assert_account_is_its_rows(story.credit_id)
    assert (figures.maximum, figures.reserved, figures.available) == (MAXIMUM, Decimal("120000"), Decimal("11250"))


@pytest.mark.django_db(transaction=True)
def test_ten_concurrent_claims_of_30_percent_leave_exactly_three_reserved(cast: Any) -> None:
    story = issued(cast)
    outcomes: list[str] = []
    start = threading.Barrier(10)

    def claim() -> None:
        try:
            start.wait()
            present(story, "37500.00")
            outcomes.append("accepted")
        except NotAllowed:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=claim) for _ in range(10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["accepted"] * 3 + ["refused"] * 7
    figures = assert_account_is_its_rows(story.credit_id)
    assert figures.reserved == Decimal("112500") and figures.available == Decimal("18750")


@pytest.mark.django_db
def test_an_over_claim_is_c17_and_is_never_honoured_in_full(cast: Any) -> None:
    story = issued(cast)
    docs = example_documents(with_files=False)  # invoice and draft of USD 125,000
    story.presentation = services.present_documents(
        actor=cast.users["nef.exports"], credit_id=story.credit_id, presented_to=cast.orgs["advising"],
        amount_claimed="130000.00", documents=docs, now=story.at(98))
    story.examine()  # the examiner confirms every finding
    assert "C17" in set(story.presentation.discrepancies.values_list("code", flat=True))
    examiner, applicant = cast.users["ncb.examiner"], cast.users["hhl.treasury"]
    services.request_waiver(actor=examiner, presentation_id=story.presentation.pk, now=story.at(99, 12))
    services.decide_waiver(actor=applicant, presentation_id=story.presentation.pk, waive=True, now=story.at(99, 13))
    with pytest.raises(InvalidInput, match=r"at most USD 125000\.00"):
        services.honour_presentation(actor=cast.users["ncb.maker"], presentation_id=story.presentation.pk,
                                     amount="130000.00", now=story.at(100))
    paid = services.honour_presentation(actor=cast.users["ncb.maker"], presentation_id=story.presentation.pk,
                                        now=story.at(100))
    assert paid.honoured_amount == Decimal("125000")  # the documents' amount, not the claim
    assert assert_account_is_its_rows(story.credit_id).drawn == Decimal("125000")


@pytest.mark.django_db
@pytest.mark.parametrize(("changes", "left"), [({}, Decimal("0")), ({"amount": "50000.00"}, Decimal("78750"))])
def test_a_transfer_takes_its_amount_out_of_the_first_beneficiarys_availability(
        cast: Any, changes: dict[str, str], left: Decimal) -> None:
    story = issued(cast, form="IRREVOCABLE TRANSFERABLE")
    child = story.transfer(changes)
    assert assert_account_is_its_rows(story.credit_id).available == left
    assert assert_account_is_its_rows(child.pk).maximum == MAXIMUM - left


@pytest.mark.django_db
def test_issuing_beyond_the_facility_needs_a_credit_officers_override(cast: Any) -> None:
    officer = cast.users["vhb.credit"]
    services.set_facility(actor=officer, applicant=cast.orgs["importer"], currency="USD", limit="100000.00",
                          expiry_date=dt.date(2099, 12, 31))
    story = Story(cast, example_start())
    story.apply(), story.submit(), story.prepare()
    entries = PendingEntry.objects.filter(subject=f"lc:{story.credit_id}")
    before = entries.count()
    with pytest.raises(NotAllowed):
        story.approve()
    assert entries.count() == before
    services.override_facility(actor=officer, credit_id=story.credit_id, reason="cash collateral held",
                               now=story.at(0, 10))
    story.approve()
    kinds = list(entries.order_by("id").values_list("kind", flat=True))
    assert kinds[-2:] == ["facility.overridden", "lc.issued"]
    assert accounts.exposures(cast.orgs["issuing"].pk, cast.orgs["importer"].pk) == {"USD": MAXIMUM}
