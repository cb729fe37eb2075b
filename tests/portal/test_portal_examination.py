"""The examination screen: the engine's findings, confirm / withdraw / add, conclude, and
the single refusal notice with its preview."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.test import Client
from django.urls import reverse

from lc.models import Discrepancy, PresentationState, RefusalNotice


def test_examiner_sees_terms_beside_documents_and_the_engine_findings(
        as_user: Callable[[str], Client], presented: Any) -> None:
    s, pres = presented(late_shipment=True)
    response = as_user("ncb.examiner").get(reverse("portal:examine", args=[s.credit_id, pres.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Credit terms" in page and "Ocean bill of lading" in page and "on_board_date" in page
    finding = Discrepancy.objects.get(presentation=pres, source="engine", status="proposed")
    assert finding.code in page and finding.rule in page
    assert 'data-submit="confirm-discrepancy"' in page
    assert "Decide the 1 open finding before concluding." in page


def test_withdrawing_a_finding_needs_a_reason(as_user: Callable[[str], Client], presented: Any) -> None:
    s, pres = presented(late_shipment=True)
    finding = Discrepancy.objects.get(presentation=pres, status="proposed")
    url = reverse("portal:act-on", args=[s.credit_id, "withdraw-discrepancy", finding.pk])
    client = as_user("ncb.examiner")
    response = client.post(url, {"reason": ""})
    assert response.status_code == 422 and "reason" in response.context["form"].errors
    response = client.post(url, {"reason": "on-board notation is dated in time"})
    assert response.status_code == 302
    finding.refresh_from_db()
    assert finding.status == "withdrawn" and finding.reason == "on-board notation is dated in time"


def test_examiner_confirms_concludes_and_sends_one_refusal_notice(
        as_user: Callable[[str], Client], presented: Any) -> None:
    s, pres = presented(late_shipment=True)
    client = as_user("ncb.examiner")
    finding = Discrepancy.objects.get(presentation=pres, status="proposed")
    confirm = reverse("portal:act-on", args=[s.credit_id, "confirm-discrepancy", finding.pk])
    response = client.post(confirm, HTTP_HX_REQUEST="true")
    assert response.status_code == 302 and response["Location"] == reverse("portal:examine",
                                                                            args=[s.credit_id, pres.pk])
    response = client.post(reverse("portal:act-on", args=[s.credit_id, "conclude", pres.pk]))
    assert response.status_code == 302
    pres.refresh_from_db()
    assert pres.state == PresentationState.DISCREPANT
    preview = client.get(reverse("portal:refusal-preview", args=[s.credit_id, pres.pk]), {"disposal": "returning"})
    assert "Returning the documents" in preview.content.decode() and finding.code in preview.content.decode()
    refuse = reverse("portal:act-on", args=[s.credit_id, "refuse", pres.pk])
    assert 'name="disposal"' in client.get(refuse).content.decode()
    response = client.post(refuse, {"disposal": "hold_pending_instructions"})
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:refusal", args=[s.credit_id, pres.pk])
    notice = RefusalNotice.objects.get(presentation=pres)
    page = client.get(response["Location"]).content.decode()
    assert notice.text.splitlines()[0] in page and "Holding documents pending further instructions" in page
    # Art. 16: one single notice. A second refusal is refused by the server.
    again = client.post(refuse, {"disposal": "returning"})
    assert again.status_code == 409 and RefusalNotice.objects.filter(presentation=pres).count() == 1


def test_examiner_adds_a_discrepancy_the_engine_missed(as_user: Callable[[str], Client], presented: Any) -> None:
    s, pres = presented()
    response = as_user("ncb.examiner").post(
        reverse("portal:act-on", args=[s.credit_id, "add-discrepancy", pres.pk]),
        {"code": "C25", "rule": "UCP 600 art. 14(d)", "document_type": "packing_list",
         "text": "Packing list marks conflict with the invoice.", "reason": ""})
    assert response.status_code == 302
    added = Discrepancy.objects.get(presentation=pres, source="examiner")
    assert added.status == "confirmed" and added.code == "C25"


def test_examination_actions_are_not_offered_to_a_maker(as_user: Callable[[str], Client], presented: Any) -> None:
    s, pres = presented(late_shipment=True)
    page = as_user("ncb.maker").get(reverse("portal:examine", args=[s.credit_id, pres.pk])).content.decode()
    assert 'data-submit="confirm-discrepancy"' not in page and 'data-submit="conclude"' not in page


def test_findings_for_the_examiner_to_judge_are_shown_apart_with_both_texts(
        as_user: Callable[[str], Client], story: Callable[..., Any]) -> None:
    """A notify party that differs from the applicant's name by one letter is not charged as
    certain: it is put to the examiner, beside what the credit and the document say."""
    from lc import services
    from lc.scenarios import example_documents

    s = story()
    s.issued()
    s.advise()
    docs = example_documents(s.shift)
    bill = next(d for d in docs if d.data["type"] == "ocean_bill_of_lading")
    bill.data["notify_party"] = {**bill.data["notify_party"], "name": "Harbour Homewres Ltd"}
    pres = s.present(documents=docs)
    services.record_engine_result(presentation_id=pres.pk)
    judged = Discrepancy.objects.get(presentation=pres, certainty="judge")
    assert judged.code == "C25" and judged.document_text and judged.credit_text
    page = as_user("ncb.examiner").get(reverse("portal:examine", args=[s.credit_id, pres.pk])).content.decode()
    assert 'id="findings-judge"' in page and "For the examiner to judge" in page
    judge_part = page.split('id="findings-judge"', 1)[1]
    assert f'id="finding-{judged.pk}"' in judge_part
    assert "The credit says" in judge_part and "Homewres" in judge_part
    assert 'id="findings-certain"' not in page  # nothing certain was found


def test_certain_findings_and_findings_to_judge_are_shown_apart_on_one_page(
        as_user: Callable[[str], Client], story: Callable[..., Any]) -> None:
    """Issue 16: a late shipment (certain) and a notify party one letter off the applicant's name
    (for the examiner to judge) on the same presentation: each under its own heading, each with
    its article and the credit's and the document's text side by side."""
    import html

    from lc import services
    from lc.scenarios import example_documents

    s = story()
    s.issued()
    s.advise()
    docs = example_documents(s.shift)
    bill = next(d for d in docs if d.data["type"] == "ocean_bill_of_lading")
    bill.data["notify_party"] = {**bill.data["notify_party"], "name": "Harbour Homewres Ltd"}
    bill.data["clauses"] = ["CLEAN ON BOARD EXCEPT 3 CARTONS TORN"]
    pres = s.present(documents=docs)
    services.record_engine_result(presentation_id=pres.pk)
    certain = Discrepancy.objects.get(presentation=pres, certainty="certain")
    judged = Discrepancy.objects.get(presentation=pres, certainty="judge")
    assert (certain.code, judged.code) == ("C23", "C25")
    page = html.unescape(as_user("ncb.examiner").get(
        reverse("portal:examine", args=[s.credit_id, pres.pk])).content.decode())
    certain_part, judge_part = page.split('id="findings-certain"', 1)[1].split('id="findings-judge"', 1)
    assert f'id="finding-{certain.pk}"' in certain_part and f'id="finding-{judged.pk}"' not in certain_part
    assert f'id="finding-{judged.pk}"' in judge_part and f'id="finding-{certain.pk}"' not in judge_part
    for part, finding in ((certain_part, certain), (judge_part, judged)):
        article = part.split(f'id="finding-{finding.pk}"', 1)[1].split("</article>", 1)[0]
        assert finding.rule in article and finding.rule.startswith("UCP 600")
        assert "The credit says" in article and "The document says" in article
        assert finding.credit_text in article and finding.document_text in article
    assert "CARTONS TORN" in certain.document_text and "Homewres" in judged.document_text
