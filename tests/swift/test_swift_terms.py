"""Terms <-> MT700/701 and amendments <-> MT707/708: exact both ways, refusals name the field."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from lc.examination.samples import worked_example_credit
from lc.examination.types import Bank, Banks, CreditTerms, DocType, DocumentRequirement, GoodsLine, Party
from lc.swift import (
    TermsMappingError,
    amendment_to_mt707,
    check_field_text,
    directory_of,
    mt700_to_terms,
    mt707_to_amendment,
    parse,
    read_inbound,
    read_mt734,
    read_payment,
    serialise,
    terms_to_mt700,
    validate,
)
from lc.swift.samples import long_amendment, long_credit, sample_messages

SWIFT_MD = Path("/work/shared/SWIFT.md")
ISSU = Bank(name="Issuing Bank of Hong Kong", bic="ISSUHKHH", country="HK")
ADVI = Bank(name="Advising Bank of Ningbo", bic="ADVICNSH", country="CN")


def swift_md_sample() -> str:
    block = re.search(r"```\n(\{1:.*?-\})\n```", SWIFT_MD.read_text(), re.DOTALL)
    assert block is not None
    return block.group(1).replace("\n", "\r\n")


def expected_sample_terms() -> CreditTerms:
    worked = worked_example_credit()
    return replace(
        worked,
        expiry_place="NINGBO",
        applicant=Party(name="HARBOURVIEW IMPORTS LIMITED", address="18 CONNAUGHT ROAD CENTRAL HONG KONG"),
        beneficiary=Party(name="NINGBO BRIGHT HOUSEWARES CO LTD", address="88 ZHONGSHAN ROAD NINGBO CHINA"),
        banks=Banks(issuing=ISSU, advising=ADVI, nominated=ADVI, drawee=ISSU),
        available_with="ADVICNSHXXX",
        port_of_loading="NINGBO, CHINA", port_of_discharge="HONG KONG",
        goods=(GoodsLine(description="STAINLESS STEEL VACUUM FLASKS", model="VF-500", quantity=Decimal(10000),
                         unit="UNITS", unit_price=Decimal("12.50")),),
        incoterm="CIF", incoterm_place="HONG KONG",
        documents=(
            DocumentRequirement(doc_type=DocType.COMMERCIAL_INVOICE, originals=3, signed=True),
            DocumentRequirement(doc_type=DocType.OCEAN_BILL_OF_LADING, full_set=True, clean_on_board=True,
                                consignee="TO ORDER OF ISSUING BANK", freight="PREPAID", notify_applicant=True),
            DocumentRequirement(doc_type=DocType.PACKING_LIST, originals=2),
            DocumentRequirement(doc_type=DocType.CERTIFICATE_OF_ORIGIN, issuer="CHAMBER OF COMMERCE"),
            DocumentRequirement(
                doc_type=DocType.INSURANCE_CERTIFICATE, originals=2, insurance_percent=Decimal(110),
                insurance_risks=("INSTITUTE CARGO CLAUSES (A)", "INSTITUTE WAR CLAUSES (CARGO)"),
                text="INSURANCE CERTIFICATE IN DUPLICATE FOR 110 PCT OF CIF VALUE COVERING INSTITUTE CARGO CLAUSES (A)"
                     " AND INSTITUTE WAR CLAUSES (CARGO)"),
            DocumentRequirement(doc_type=DocType.INSPECTION_CERTIFICATE, issuer="INDEPENDENT SURVEYOR"),
        ),
        additional_conditions=("ALL DOCUMENTS MUST INDICATE THIS CREDIT NUMBER",
                               "A DISCREPANCY FEE OF USD 80.00 WILL BE DEDUCTED FROM PROCEEDS"),
        charges="ALL BANKING CHARGES OUTSIDE HONG KONG ARE FOR ACCOUNT OF BENEFICIARY",
    )


def test_the_swift_md_sample_parses_to_the_worked_example_terms() -> None:
    inbound = read_inbound(swift_md_sample())
    assert inbound.valid, inbound.findings
    got = mt700_to_terms(inbound.messages, directory=directory_of([ISSU, ADVI]))
    assert got.terms == expected_sample_terms()
    worked = worked_example_credit()
    for name in ("credit_number", "issue_date", "expiry_date", "amount", "currency", "tolerance_plus",
                 "latest_shipment", "available_by", "partial_shipments", "presentation_period_days", "confirmation"):
        assert getattr(got.terms, name) == getattr(worked, name), name
    assert sorted(n.tag for n in got.notes) == ["49G", "49H", "59", "78"]  # kept in the message, said so


def test_the_worked_example_goes_to_mt700_and_back_unchanged() -> None:
    terms = worked_example_credit()
    [mt700] = terms_to_mt700(terms)
    assert validate(parse(serialise(mt700))) == []
    back = mt700_to_terms([parse(serialise(mt700))], directory=directory_of([terms.banks.issuing, terms.banks.advising]))
    assert back.terms == terms and back.notes == ()


def test_a_long_credit_overflows_into_three_mt701s_that_read_back() -> None:
    terms = long_credit()
    messages = terms_to_mt700(terms)
    assert [(m.message_type, m.text("27")) for m in messages] == [
        ("700", "1/4"), ("701", "2/4"), ("701", "3/4"), ("701", "4/4")]
    for m in messages:
        assert m.text_length <= 10_000 and all(len(f.lines) <= 100 for f in m.fields)
        assert m.text("20") == terms.credit_number
    shuffled = [parse(serialise(m)) for m in reversed(messages)]
    directory = directory_of([terms.banks.issuing, terms.banks.advising])
    assert mt700_to_terms(shuffled, directory=directory).terms == terms
    with pytest.raises(TermsMappingError, match="27 says 4"):
        mt700_to_terms(messages[:3], directory=directory)


def test_a_credit_too_long_for_seven_mt701s_is_refused() -> None:
    with pytest.raises(TermsMappingError) as caught:
        terms_to_mt700(long_credit(goods_lines=600))
    assert "SWIFT allows 8" in str(caught.value)


@pytest.mark.parametrize(("path", "value", "tag", "code"), [
    ("expiry_place", "Ningbo\r\n:20:FORGED", "31D", "INJECTION"),
    ("expiry_place", "Ningbo {4:", "31D", "INJECTION"),
    ("charges", "All charges -} outside", "71D", "INJECTION"),
    ("drafts_at", "AT SIGHT :59:EVIL", "42C", "INJECTION"),
    ("expiry_place", "Ningbo Pier #3", "31D", "M60"),
    ("applicant.name", "Harbour Homewares Ltd ♥", "50", "M60"),
    ("port_of_loading", "Ningbo ~ China", "44E", "M60"),
])
def test_a_value_that_would_inject_or_lose_characters_is_refused_naming_the_field(path: str, value: str, tag: str,
                                                                                   code: str) -> None:
    terms = worked_example_credit()
    if "." in path:
        terms = replace(terms, applicant=replace(terms.applicant, name=value))
    else:
        terms = replace(terms, **{path: value})
    with pytest.raises(TermsMappingError) as caught:
        terms_to_mt700(terms)
    assert [(p.path, p.tag, p.code) for p in caught.value.problems] == [(path, tag, code)]


def test_check_field_text_is_what_the_api_calls_before_any_message() -> None:
    assert check_field_text("31D", "Ningbo") == []
    assert [f.code for f in check_field_text("31D", "Ningbo\r\n:20:X")] == ["INJECTION"]
    assert [f.code for f in check_field_text("31D", "Ningbo\n-}")] == ["INJECTION", "M60"]  # '}' is in no set
    assert [f.code for f in check_field_text("45A", "{1:F01")] == ["INJECTION"]
    assert [f.code for f in check_field_text("45A", "50% & more")] == []
    assert [f.code for f in check_field_text("31D", "50% & more")] == ["M60"]
    assert [(f.code, f.tag) for f in check_field_text("41a", "ANY BANK é")] == [("M60", "41a")]


def test_values_a_field_cannot_hold_are_refused_not_truncated() -> None:
    terms = worked_example_credit()
    cases = {
        "expiry_place": replace(terms, expiry_place="A PLACE NAME LONGER THAN TWENTY NINE"),
        "tolerance_plus": replace(terms, tolerance_plus=Decimal("2.5")),
        "expiry_date": replace(terms, expiry_date=None),
        "applicant.name": replace(terms, applicant=replace(terms.applicant, name="N" * 36)),
        "goods[0]": replace(terms, goods=(replace(terms.goods[0], unit_price=None),)),
        "beneficiary.name": replace(terms, beneficiary=replace(terms.beneficiary, name="/12345 Trading")),
    }
    for path, bad in cases.items():
        with pytest.raises(TermsMappingError) as caught:
            terms_to_mt700(bad)
        assert path in [p.path for p in caught.value.problems], (path, caught.value)


def test_terms_the_message_would_change_are_refused_by_the_read_back() -> None:
    terms = worked_example_credit()
    ambiguous = replace(terms, additional_conditions=("INSTALMENT 1: QUANTITY 5 UNTIL 2025-05-01",))
    with pytest.raises(TermsMappingError) as caught:
        terms_to_mt700(ambiguous)
    assert {p.tag for p in caught.value.problems} == {"47A"}


def test_an_amendment_goes_to_mt707_and_back() -> None:
    base = worked_example_credit()
    changes = {"expiry_date": "2025-07-15", "amount": "110000.00", "port_of_discharge": "Kowloon",
               "goods": [g.to_dict() for g in base.goods] + [{"description": "Gift boxes", "quantity": "100",
                                                               "unit": "PCS", "unit_price": "1.00"}],
               "documents": [d.to_dict() for d in base.documents if d.doc_type != DocType.PACKING_LIST],
               "additional_conditions": ["Third party documents acceptable"], "presentation_period_days": 15}
    [mt707] = amendment_to_mt707(base=base, changes=changes, number=2, amendment_date=date(2025, 4, 2))
    assert [f.tag for f in mt707.fields][8:] == ["31D", "33B", "44F", "45B", "46B", "47B", "48"]
    assert mt707.text("33B") == "USD15000,00"
    # A goods line added before the Incoterm item changes the order: the goods are replaced whole.
    assert mt707.get("45B").lines[0].startswith("/REPALL/+10000 UNITS")  # type: ignore[union-attr]
    assert mt707.get("47B").lines == ("/ADD/+Third party documents acceptable",)  # type: ignore[union-attr]
    assert mt707.get("46B").lines[0] == "/DELETE/+Packing list in 2 originals"  # type: ignore[union-attr]
    back = mt707_to_amendment([parse(serialise(mt707))], base=base)
    assert (back.number, back.amendment_date) == (2, date(2025, 4, 2))
    assert CreditTerms.from_dict({**base.to_dict(), **back.changes}) == CreditTerms.from_dict({**base.to_dict(), **changes})
    assert set(back.changes) == set(changes)


def test_a_reordered_list_is_replaced_whole() -> None:
    base = worked_example_credit()
    changes = {"documents": [d.to_dict() for d in reversed(base.documents)]}
    [mt707] = amendment_to_mt707(base=base, changes=changes, number=1, amendment_date=date(2025, 4, 2))
    assert mt707.get("46B").lines[0].startswith("/REPALL/+")  # type: ignore[union-attr]
    assert mt707_to_amendment([mt707], base=base).terms.documents == tuple(reversed(base.documents))


def test_a_long_amendment_overflows_into_mt708s() -> None:
    messages = long_amendment()
    assert [m.message_type for m in messages] == ["707", "708", "708", "708"]
    assert all(validate(m) == [] for m in messages)
    back = mt707_to_amendment(list(reversed(messages)), base=worked_example_credit())
    assert len(back.terms.additional_conditions) == 160


def test_amendments_refuse_what_mt707_cannot_say() -> None:
    base = worked_example_credit()
    for changes, path in (({"applicant": {"name": "Someone Else"}}, "applicant"),
                          ({"currency": "EUR"}, "currency"), ({"latest_shipment": None}, "latest_shipment"),
                          ({"charges": "Fees {all}"}, "charges")):
        with pytest.raises(TermsMappingError) as caught:
            amendment_to_mt707(base=base, changes=changes, number=1, amendment_date=date(2025, 4, 2))
        assert path in [p.path for p in caught.value.problems]


def test_refusal_and_payment_advices_read_back() -> None:
    refusal = read_mt734(sample_messages()["734"][0])
    assert refusal.disposal == "HOLD" and len(refusal.discrepancies) == 2
    assert refusal.amount == ("USD", Decimal("125000.00"))
    payment = read_payment(sample_messages()["754"][0])
    assert payment.value_date == date(2025, 6, 13) and payment.amount == ("USD", Decimal("125000.00"))
    reimbursed = read_payment(sample_messages()["756"][0])
    assert reimbursed.value_date == date(2025, 6, 16) and reimbursed.total == ("USD", Decimal("125000.00"))
