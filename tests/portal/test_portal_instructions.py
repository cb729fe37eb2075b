"""The portal after a refusal (issue 15): the bank that presented for the beneficiary gives its
instructions on the documents; the refusing bank records them returned; strangers get 404."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.test import Client
from django.urls import reverse

from lc import services
from lc.models import Presentation, PresentationState, PresenterInstruction
from lc.scenarios import Story, example_documents


def refused_bank_presentation(s: Story) -> Presentation:
    """The advising bank presents for the beneficiary to the issuing bank, which refuses."""
    c = s.cast
    s.issued()
    s.advise()
    docs = example_documents(s.shift)
    docs[2].data["on_board_date"] = (dt.date(2025, 6, 2) + dt.timedelta(days=s.shift)).isoformat()  # C14
    pres = services.present_documents(actor=c.users["ncb.maker"], credit_id=s.credit_id,
                                      presented_to=c.orgs["issuing"], amount_claimed="125000.00", documents=docs,
                                      now=s.at(98))
    services.record_engine_result(presentation_id=pres.pk, now=s.at(98, 12))
    for finding in pres.discrepancies.filter(status="proposed"):
        services.decide_discrepancy(actor=c.users["vhb.examiner"], discrepancy_id=finding.pk, confirm=True,
                                    now=s.at(98, 13))
    services.conclude_examination(actor=c.users["vhb.examiner"], presentation_id=pres.pk, now=s.at(98, 14))
    services.refuse_presentation(actor=c.users["vhb.examiner"], presentation_id=pres.pk,
                                 disposal="hold_pending_instructions", now=s.at(98, 15))
    return Presentation.objects.get(pk=pres.pk)


def test_presenting_bank_instructs_and_refusing_bank_returns_the_documents(
        as_user: Callable[[str], Client], story: Callable[..., Story]) -> None:
    s = story()
    pres = refused_bank_presentation(s)
    credit_page = reverse("portal:credit", args=[s.credit_id])
    instruct = reverse("portal:act-on", args=[s.credit_id, "give-instructions", pres.pk])
    give_back = reverse("portal:act-on", args=[s.credit_id, "return-documents", pres.pk])

    presenter = as_user("ncb.maker")
    assert instruct in presenter.get(credit_page).content.decode()
    assert give_back not in presenter.get(credit_page).content.decode()
    assert as_user("tmb.maker").post(instruct, {"kind": "return_documents"}).status_code == 404
    assert presenter.post(instruct, {"kind": "sell"}).status_code == 422
    response = presenter.post(instruct, {"kind": "return_documents", "note": "please courier them back"})
    assert response.status_code == 302
    assert PresenterInstruction.objects.get(presentation=pres).kind == "return_documents"

    bank = as_user("vhb.maker")
    page = bank.get(credit_page).content.decode()
    assert give_back in page and instruct not in page
    assert as_user("tmb.maker").post(give_back).status_code == 404
    assert bank.post(give_back).status_code == 302
    assert Presentation.objects.get(pk=pres.pk).state == PresentationState.RETURNED
    page = bank.get(credit_page).content.decode()
    assert give_back not in page and "Refused, documents returned" in page
    assert presenter.post(instruct, {"kind": "deliver_against_waiver"}).status_code == 409


def test_the_refusing_bank_is_not_offered_honour_until_the_presenter_allows_it(
        as_user: Callable[[str], Client], story: Callable[..., Story], cast: Any) -> None:
    s = story()
    pres = refused_bank_presentation(s)
    honour = reverse("portal:act-on", args=[s.credit_id, "honour", pres.pk])
    services.request_waiver(actor=cast.users["vhb.examiner"], presentation_id=pres.pk)
    services.decide_waiver(actor=cast.users["hhl.treasury"], presentation_id=pres.pk, waive=True)
    bank = as_user("vhb.maker")
    assert honour not in bank.get(reverse("portal:credit", args=[s.credit_id])).content.decode()
    assert as_user("ncb.maker").post(reverse("portal:act-on", args=[s.credit_id, "give-instructions", pres.pk]),
                                     {"kind": "deliver_against_waiver"}).status_code == 302
    assert honour in bank.get(reverse("portal:credit", args=[s.credit_id])).content.decode()
