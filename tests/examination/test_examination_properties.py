"""Property tests: no false discrepancy from data that contradicts nothing, one defect one code,
and no exception from ``examine`` for anything the decoder accepts."""

from __future__ import annotations

import dataclasses
import enum
import types
import typing
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from corpus import corpus
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lc.banking import BankingCalendar
from lc.examination.doctypes import (
    INSURANCE_TYPES,
    AirWaybill,
    BaseDocument,
    CargoDetails,
    CommercialInvoice,
    DocParty,
    DocType,
    Draft,
    InsuranceCertificate,
    InsurancePolicy,
    OceanBillOfLading,
    PackingList,
)
from lc.examination.engine import examine, shipment_record
from lc.examination.names import vessel_key
from lc.examination.serde import ExaminationDataError
from lc.examination.types import CreditTerms, Presentation

CAL = BankingCalendar()
INSURANCE_CLASSES = (InsuranceCertificate, InsurancePolicy)
CORPUS = corpus()
ACCEPTABLE_CLAUSES = (
    "SHIPPER'S LOAD, STOW AND COUNT",
    "SAID TO CONTAIN",
    "CARGO MAY BE CARRIED ON DECK",
    "CARRIER RESERVES THE RIGHT TO TRANSHIP",
    "PACKAGING MAY NOT BE SUFFICIENT FOR THE SEA JOURNEY",
    "SHIPPED ON BOARD IN APPARENT GOOD ORDER AND CONDITION",
    "FREIGHT PREPAID AS ARRANGED",
    "WEIGHT, MEASURE, QUANTITY, CONDITION, CONTENTS AND VALUE UNKNOWN",
)


def _map_docs(p: Presentation, kinds: tuple[type, ...], change: Any) -> Presentation:
    return replace(p, documents=tuple(change(d) if isinstance(d, kinds) else d for d in p.documents))


# Additions that contradict nothing: each takes a presentation and a drawn detail.
def add_clause(p: Presentation, pick: int) -> Presentation:
    clause = ACCEPTABLE_CLAUSES[pick % len(ACCEPTABLE_CLAUSES)]
    return _map_docs(p, (OceanBillOfLading, AirWaybill), lambda d: replace(d, clauses=(*d.clauses, clause)))


def add_standard_number(p: Presentation, pick: int) -> Presentation:
    note = f", quality as per ISO 9001:{2000 + pick % 25}"
    kinds = (PackingList, OceanBillOfLading)
    return _map_docs(p, kinds, lambda d: replace(d, goods_description=d.goods_description + note))


def add_carton_count(p: Presentation, _pick: int) -> Presentation:
    def change(d: Any) -> Any:
        return replace(d, goods_description=f"{d.goods_description}, in {d.packages} cartons") if d.packages else d

    return _map_docs(p, (PackingList,), change)


def add_gross_weight_statement(p: Presentation, _pick: int) -> Presentation:
    """The gross weight the packing list shows, also stated in its description (not the quantity)."""

    def change(d: Any) -> Any:
        if d.gross_weight_kg is None:
            return d
        return replace(d, goods_description=f"{d.goods_description}, gross weight {d.gross_weight_kg:,} kgs")

    return _map_docs(p, (PackingList,), change)


def add_voyage_to_insurance_vessel(p: Presentation, _pick: int) -> Presentation:
    """The insurance document's vessel followed by that vessel's voyage, as the B/L shows it."""
    voyages = {vessel_key(d.vessel): d.voyage for d in p.documents if isinstance(d, OceanBillOfLading) and d.voyage}

    def change(d: Any) -> Any:
        voyage = voyages.get(vessel_key(d.vessel)) if d.vessel else None
        return replace(d, vessel=f"PER {d.vessel.upper()} V.{voyage}") if voyage else d

    return _map_docs(p, tuple(INSURANCE_CLASSES), change)


def add_copies(p: Presentation, pick: int) -> Presentation:
    return _map_docs(p, (BaseDocument,), lambda d: replace(d, copies_presented=d.copies_presented + 1 + pick % 3))


def add_unrequired_document(p: Presentation, pick: int) -> Presentation:
    stray = AirWaybill(
        issuer=DocParty(name="Stray Air Cargo"), issue_date=date(2030, 1, 1 + pick % 28), gross_weight_kg=Decimal(1)
    )
    required = {d.doc_type for d in p.documents}
    return p if DocType.AIR_WAYBILL in required else replace(p, documents=(*p.documents, stray))


def upper_case_names(p: Presentation, _pick: int) -> Presentation:
    return _map_docs(p, (BaseDocument,), lambda d: replace(d, issuer=replace(d.issuer, name=d.issuer.name.upper())))


def add_issuer_address(p: Presentation, pick: int) -> Presentation:
    def change(d: Any) -> Any:
        return (
            replace(d, issuer=replace(d.issuer, address=f"Room {100 + pick}, Trade Tower"))
            if d.issuer.address == ""
            else d
        )

    return _map_docs(p, (BaseDocument,), change)


def add_net_weight_where_none_is_stated(p: Presentation, pick: int) -> Presentation:
    stated = {d.net_weight_kg for d in p.documents if isinstance(d, CargoDetails) and d.net_weight_kg is not None}
    weight = next(iter(stated)) if stated else Decimal(1000 + pick)
    first = next((i for i, d in enumerate(p.documents) if isinstance(d, PackingList)), None)
    if first is None:
        return p
    docs = list(p.documents)
    docs[first] = replace(docs[first], net_weight_kg=weight)
    return replace(p, documents=tuple(docs))


ADDITIONS = (
    add_clause,
    add_standard_number,
    add_carton_count,
    add_gross_weight_statement,
    add_voyage_to_insurance_vessel,
    add_copies,
    add_unrequired_document,
    upper_case_names,
    add_issuer_address,
    add_net_weight_where_none_is_stated,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    item=st.sampled_from(CORPUS),
    additions=st.lists(st.tuples(st.sampled_from(ADDITIONS), st.integers(0, 1000)), min_size=1, max_size=4),
)
def test_data_that_contradicts_nothing_never_adds_a_finding(item, additions):
    _, terms, presentation = item
    for addition, pick in additions:
        presentation = addition(presentation, pick)
    result = examine(terms, presentation, CAL)
    assert not result.discrepancies, [(d.code, d.text) for d in result.discrepancies]


# One checked element changed: (change, the one code expected); a change returns None where it does not apply.
def late_shipment(t: CreditTerms, p: Presentation, n: int) -> Presentation | None:
    assert t.latest_shipment is not None
    late = t.latest_shipment + timedelta(days=1 + n % 2)  # still before the presentation date

    def change(d: Any) -> Any:
        return (
            replace(d, on_board_date=late, issue_date=late)
            if isinstance(d, OceanBillOfLading)
            else replace(d, issue_date=late)
        )

    return _map_docs(p, (OceanBillOfLading, AirWaybill), change)


def wrong_port_of_loading(_t: CreditTerms, p: Presentation, _n: int) -> Presentation | None:
    def change(d: Any) -> Any:
        if isinstance(d, OceanBillOfLading):
            return replace(d, port_of_loading="Busan, Korea")
        return replace(d, airport_of_departure="Busan, Korea")

    return _map_docs(p, (OceanBillOfLading, AirWaybill), change)


def invoice_currency(t: CreditTerms, p: Presentation, _n: int) -> Presentation | None:
    other = "JPY" if t.currency != "JPY" else "USD"
    return _map_docs(p, (CommercialInvoice,), lambda d: replace(d, currency=other))


def unclean_clause(_t: CreditTerms, p: Presentation, n: int) -> Presentation | None:
    if not any(isinstance(d, (OceanBillOfLading, AirWaybill)) and not d.is_copy for d in p.documents):
        return None
    # Half the time the defect follows acceptable wording in the same clause, which must not hide it.
    defect = f"{1 + n % 40} CARTONS TORN AND STAINED"
    clause = defect if n % 2 else f"{ACCEPTABLE_CLAUSES[n // 2 % len(ACCEPTABLE_CLAUSES)]}; {defect}"
    return _map_docs(p, (OceanBillOfLading, AirWaybill), lambda d: replace(d, clauses=(*d.clauses, clause)))


def packing_list_weight(_t: CreditTerms, p: Presentation, n: int) -> Presentation | None:
    return _map_docs(p, (PackingList,), lambda d: replace(d, gross_weight_kg=d.gross_weight_kg + 1 + n % 500))


def invoice_issuer(_t: CreditTerms, p: Presentation, _n: int) -> Presentation | None:
    return _map_docs(
        p, (CommercialInvoice,), lambda d: replace(d, issuer=replace(d.issuer, name="Acme Trading Agency"))
    )


def notify_someone_else(t: CreditTerms, p: Presentation, _n: int) -> Presentation | None:
    if not any("NOTIFY APPLICANT" in r.text for r in t.documents):
        return None
    other = DocParty(name="Northern Star Trading Ltd")
    return _map_docs(p, (OceanBillOfLading, AirWaybill), lambda d: replace(d, notify_party=other))


def missing_packing_list(_t: CreditTerms, p: Presentation, _n: int) -> Presentation | None:
    return replace(p, documents=tuple(d for d in p.documents if not isinstance(d, PackingList)))


def insurance_vessel(_t: CreditTerms, p: Presentation, _n: int) -> Presentation | None:
    if not any(d.doc_type in INSURANCE_TYPES for d in p.documents) or not any(
        isinstance(d, OceanBillOfLading) for d in p.documents
    ):
        return None
    docs = tuple(replace(d, vessel="MV Northern Light") if d.doc_type in INSURANCE_TYPES else d for d in p.documents)
    return replace(p, documents=docs)


def draft_tenor(t: CreditTerms, p: Presentation, n: int) -> Presentation | None:
    if not t.drafts_at.strip():
        return None
    return _map_docs(p, (Draft,), lambda d: replace(d, tenor=f"AT {30 + n % 60} DAYS AFTER SIGHT"))


def notify_address_elsewhere(_t: CreditTerms, p: Presentation, n: int) -> Presentation | None:
    """The applicant notified at another street address (art. 14(j): as the credit states it)."""

    def change(d: Any) -> Any:
        if d.is_copy or d.notify_party is None or not d.notify_party.address:
            return d
        return replace(d, notify_party=replace(d.notify_party, address=f"{700 + n % 200} Queen's Road Central"))

    changed = _map_docs(p, (OceanBillOfLading, AirWaybill), change)
    return None if changed == p else changed


CHANGES = (
    (late_shipment, "C14"),
    (wrong_port_of_loading, "C22"),
    (invoice_currency, "C16"),
    (unclean_clause, "C23"),
    (packing_list_weight, "C25"),
    (invoice_issuer, "C16"),
    (notify_someone_else, "C25"),
    (missing_packing_list, "C21"),
    (insurance_vessel, "C25"),
    (draft_tenor, "C25"),
    (notify_address_elsewhere, "C27"),
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(item=st.sampled_from(CORPUS), change=st.sampled_from(CHANGES), n=st.integers(0, 1000))
def test_one_changed_element_yields_its_code_and_only_that_code(item, change, n):
    _, terms, presentation = item
    mutate, code = change
    changed = mutate(terms, presentation, n)
    if changed is None:
        return
    result = examine(terms, changed, CAL)
    assert result.codes == {code}, [(d.code, d.text) for d in result.discrepancies]
    assert not result.for_examiner, [(d.code, d.text) for d in result.for_examiner]


# The decoder's input space: JSON built from the dataclasses' own type hints.
WORDS = (
    "",
    "ANY PORT IN CHINA",
    "Ningbo, China",
    "Hong Kong",
    "MT",
    "KGS",
    "metric tons",
    "CARTONS",
    "litres",
    "UNITS",
    "TO ORDER OF ISSUING BANK",
    "TO ORDER",
    "NOT ALLOWED",
    "ALLOWED",
    "UCP LATEST VERSION",
    "IRREVOCABLE",
    "BY NEGOTIATION",
    "AT SIGHT",
    "on or about 15 May 2025",
    "second half of May 2025",
    "carrier",
    "insurance broker",
    "chamber of commerce",
    "PACKING LIST IN DUPLICATE",
    "COPY OF BILL OF LADING",
    "2/3 ORIGINAL BILLS OF LADING",
    "ISSUED BY AN INDEPENDENT SURVEYOR",
    "12 CARTONS TORN",
    "SAID TO CONTAIN",
    "USD",
    "EUR",
    "JPY",
    "CIF",
    "FOB",
    "Harbour Homewares Ltd",
    "VF-500",
    "10,000 units of flasks in 50 kg bags",
    "NOTIFY APPLICANT",
    "HK",
    "CN",
    "FREIGHT PREPAID",
    "Institute Cargo Clauses (A)",
    "110 PCT",
    "PRE-SHIPMENT INSPECTION",
    "9999",
    "1/1",
)
TEXT = st.one_of(st.sampled_from(WORDS), st.text(max_size=25))
DECIMALS = st.one_of(
    st.decimals(min_value=-1000, max_value=10**6, allow_nan=False, allow_infinity=False, places=3),
    st.sampled_from(["0", "1E+14", "0.000001", "-1", "99999999999999.99"]).map(Decimal),
).map(str)
DATES = st.dates(min_value=date(1900, 1, 1), max_value=date(2199, 12, 31)).map(date.isoformat) | st.dates(
    min_value=date(2025, 1, 1), max_value=date(2025, 12, 31)
).map(date.isoformat)


def json_for(tp: Any) -> st.SearchStrategy[Any]:
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        members = [a for a in typing.get_args(tp) if a is not type(None)]
        inner = st.one_of([json_for(m) for m in members]) if len(members) > 1 else json_for(members[0])
        return st.none() | inner if type(None) in typing.get_args(tp) else inner
    if origin in (tuple, list, frozenset):
        return st.lists(json_for(typing.get_args(tp)[0]), max_size=6)
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        return st.deferred(lambda: _record(tp))
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        return st.sampled_from([m.value for m in tp])
    return {str: TEXT, Decimal: DECIMALS, date: DATES, int: st.integers(0, 30), bool: st.booleans()}[tp]


def _record(cls: type) -> st.SearchStrategy[dict[str, Any]]:
    hints = typing.get_type_hints(cls)
    required, optional = {}, {}
    for f in dataclasses.fields(cls):
        has_default = f.default is not dataclasses.MISSING or f.default_factory is not dataclasses.MISSING
        (optional if has_default else required)[f.name] = json_for(hints[f.name])
    tag = cls.__dict__.get("doc_type")
    if isinstance(tag, str):
        required["type"] = st.just(tag)
    return st.fixed_dictionaries(required, optional=optional)


PRESENTATION_JSON = _record(Presentation)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(terms_json=_record(CreditTerms), presentation_json=PRESENTATION_JSON)
def test_no_exception_escapes_examine_for_decodable_input(terms_json, presentation_json):
    try:
        terms = CreditTerms.from_dict(terms_json)
        presentation = Presentation.from_dict(presentation_json)
    except ExaminationDataError:
        return  # not decodable: the API answers 422
    result = examine(terms, presentation, CAL)
    assert all(d.certainty in ("certain", "judge") for d in result.discrepancies)
    result.to_dict()
    # What an earlier drawn presentation shipped is read from stored documents the same way (C17-C19).
    shipment_record(terms, presentation, Decimal(1))


def test_the_decoder_accepts_every_optional_field_absent():
    minimal = {
        "credit_number": "X1",
        "form": "IRREVOCABLE",
        "applicable_rules": "UCP LATEST VERSION",
        "issue_date": "2025-03-10",
        "expiry_date": "2025-06-15",
        "expiry_place": "Ningbo",
        "applicant": {"name": "A"},
        "beneficiary": {"name": "B"},
        "currency": "USD",
        "amount": "1000",
        "banks": {"issuing": {"name": "I"}},
        "available_with": "ANY BANK",
        "available_by": "BY PAYMENT",
    }
    terms = CreditTerms.from_dict(minimal)
    presentation = Presentation.from_dict(
        {
            "presentation_date": "2025-06-01",
            "documents": [
                {
                    "type": "commercial_invoice",
                    "issuer": {"name": "B"},
                    "addressee": {"name": "A"},
                    "currency": "USD",
                    "total_amount": "1000",
                    "lines": [{"description": "goods", "quantity": "5", "unit_price": "200"}],
                },
            ],
        }
    )
    assert examine(terms, presentation, CAL).complying
