"""Table-driven presentation examination (C12-C27) on the DOMAIN.md worked example."""

from __future__ import annotations

from dataclasses import replace

import pytest
from exam_cases import (
    AWB_REQUIREMENT,
    INSTALMENTS,
    D,
    M,
    air_waybill,
    case,
    credit,
    goods,
    instalment_presentation,
    insurance_as,
    line,
    present,
    quantity_everywhere,
    split_bills,
    with_requirement,
    without_requirement,
)

from lc.banking import BankingCalendar
from lc.examination import samples
from lc.examination.doctypes import DocParty, DocType, InsuranceCoverNote, InsurancePolicy
from lc.examination.engine import examine
from lc.examination.types import PreviousShipment

CAL = BankingCalendar()  # Saturday and Sunday closed, no public holidays (as in DOMAIN.md)
BASE = credit()
NO_BL = without_requirement(DocType.OCEAN_BILL_OF_LADING)
AIR = with_requirement(DocType.OCEAN_BILL_OF_LADING, AWB_REQUIREMENT)
NO_TOLERANCE = credit(tolerance_plus=None, tolerance_minus=None)
PARTIAL_OK = credit(partial_shipments="ALLOWED")
ABOUT_AMOUNT = credit(tolerance_plus=None, tolerance_minus=None, amount_about=True)
MT_GOODS = credit(goods=goods(quantity=M(100), unit="MT", unit_price=M(1250)))

CASES = [
    # The worked example and its dates
    case("worked_example_complies", BASE, present()),
    case("expiry_sunday_extended_to_monday", BASE, present(D(2025, 6, 16))),
    case("presented_friday_before_expiry", BASE, present(D(2025, 6, 13))),
    case("after_extended_expiry_with_bl_is_c12_and_c13", BASE, present(D(2025, 6, 17)), "C12", "C13"),
    case("after_expiry_without_transport_document_is_c12", NO_BL, present(D(2025, 6, 17), drop=("bl",)), "C12"),
    case(
        "latest_shipment_saturday_not_extended",
        BASE,
        present(bl={"on_board_date": D(2025, 6, 2), "issue_date": D(2025, 6, 2)}),
        "C14",
        where=(("ocean_bill_of_lading", "shipment_date"),),
    ),
    case(
        "shipped_on_the_saturday_itself",
        BASE,
        present(bl={"on_board_date": D(2025, 5, 31), "issue_date": D(2025, 5, 31)}),
    ),
    case("bl_without_on_board_notation", BASE, present(bl={"on_board_date": None}), "C14"),
    case(
        "preprinted_shipped_bl_uses_issue_date",
        BASE,
        present(bl={"on_board_date": None, "preprinted_shipped_on_board": True}),
    ),
    case(
        "more_than_21_days_after_shipment",
        BASE,
        present(bl={"on_board_date": D(2025, 5, 20), "issue_date": D(2025, 5, 20)}, ins={"issue_date": D(2025, 5, 19)}),
        "C13",
    ),
    case(
        "day_21_is_the_presentation_day",
        BASE,
        present(bl={"on_board_date": D(2025, 5, 26), "issue_date": D(2025, 5, 26)}, ins={"issue_date": D(2025, 5, 26)}),
    ),
    case(
        "day_21_on_saturday_extended_to_monday",
        BASE,
        present(bl={"on_board_date": D(2025, 5, 24), "issue_date": D(2025, 5, 24)}, ins={"issue_date": D(2025, 5, 24)}),
    ),
    case("field_48_ten_days", credit(presentation_period_days=10), present(), "C13"),
    case(
        "shipment_period_44d_complies",
        credit(latest_shipment=None, shipment_period="second half of May 2025"),
        present(),
    ),
    case(
        "shipment_before_44d_period",
        credit(latest_shipment=None, shipment_period="second half of May 2025"),
        present(
            D(2025, 6, 4),
            draft={"issue_date": D(2025, 6, 4)},
            bl={"on_board_date": D(2025, 5, 14), "issue_date": D(2025, 5, 14)},
            ins={"issue_date": D(2025, 5, 13)},
        ),
        "C14",
    ),
    case(
        "air_waybill_flight_date_ignored", AIR, present(drop=("bl",), extra=(air_waybill(flight_date=D(2025, 6, 2)),))
    ),
    case(
        "air_waybill_actual_date_notation_late",
        AIR,
        present(drop=("bl",), extra=(air_waybill(actual_shipment_date=D(2025, 6, 2)),)),
        "C14",
    ),
    case(
        "air_waybill_issue_date_late",
        AIR,
        present(drop=("bl",), extra=(air_waybill(issue_date=D(2025, 6, 2), flight_date=D(2025, 5, 30)),)),
        "C14",
    ),
    # C15 documents dated after presentation
    case(
        "draft_dated_after_presentation",
        BASE,
        present(draft={"issue_date": D(2025, 6, 17)}),
        "C15",
        where=(("draft", "issue_date"),),
    ),
    case("inspection_dated_after_presentation", BASE, present(insp={"issue_date": D(2025, 6, 18)}), "C15"),
    # C16 invoice
    case(
        "invoice_not_issued_by_beneficiary",
        BASE,
        present(invoice={"issuer": DocParty(name="Ningbo Trading Agency", country="CN")}),
        "C16",
        where=(("commercial_invoice", "issuer.name"),),
    ),
    case(
        "invoice_not_to_applicant",
        BASE,
        present(invoice={"addressee": DocParty(name="Kowloon Retail Ltd", country="HK")}),
        "C16",
    ),
    case("invoice_in_wrong_currency_is_c16_only", BASE, present(invoice={"currency": "EUR"}), "C16"),
    case("invoice_model_vf550", BASE, present(invoice={"lines": line(model="VF-550")}), "C16"),
    case(
        "invoice_typo_not_a_discrepancy",
        BASE,
        present(invoice={"lines": line(description="Stainles steel vacum flasks")}),
    ),
    case(
        "invoice_abbreviations_match",
        BASE,
        present(
            invoice={
                "issuer": DocParty(name="NINGBO EVERBRIGHT FLASK COMPANY LIMITED", country="CN"),
                "addressee": DocParty(name="Harbour Homewares Limited", country="HK"),
            }
        ),
    ),
    case("invoice_wrong_incoterm", BASE, present(invoice={"incoterm": "FOB", "incoterm_place": "Ningbo"}), "C16"),
    # C17 amounts, quantities, unit prices
    case(
        "amount_over_tolerance",
        BASE,
        present(
            invoice={"total_amount": M("131251.00")},
            draft={"amount": M("131251.00")},
            ins={"insured_amount": M("144377")},
        ),
        "C17",
    ),
    case(
        "amount_at_maximum",
        BASE,
        present(
            invoice={"total_amount": M("131250.00")},
            draft={"amount": M("131250.00")},
            ins={"insured_amount": M("144375")},
        ),
    ),
    case(
        "quantity_10300_units_within_amount_tolerance",
        BASE,
        present(
            invoice={"lines": line(quantity=M(10300), amount=M(128750)), "total_amount": M(128750)},
            draft={"amount": M(128750)},
            ins={"insured_amount": M(141625)},
        ),
        "C17",
        where=(("commercial_invoice", "quantity"),),
    ),
    case(
        "short_drawing_partial_not_allowed",
        BASE,
        present(draft={"amount": M(112500)}, **quantity_everywhere(M(9000), total_amount=M(112500))),
        "C17",
    ),
    case(
        "shortfall_within_30c", NO_TOLERANCE, present(invoice={"total_amount": M(120000)}, draft={"amount": M(120000)})
    ),
    case(
        "shortfall_beyond_30c",
        NO_TOLERANCE,
        present(invoice={"total_amount": M(118000)}, draft={"amount": M(118000)}),
        "C17",
    ),
    case(
        "about_amount_ten_percent",
        ABOUT_AMOUNT,
        present(invoice={"total_amount": M(137500)}, draft={"amount": M(137500)}, ins={"insured_amount": M(151250)}),
    ),
    case(
        "about_amount_exceeded",
        ABOUT_AMOUNT,
        present(invoice={"total_amount": M(137600)}, draft={"amount": M(137600)}, ins={"insured_amount": M(151360)}),
        "C17",
    ),
    case("cumulative_drawings_exceed", PARTIAL_OK, present(previous_drawings=M(10000)), "C17"),
    case("cumulative_drawings_within", PARTIAL_OK, present(previous_drawings=M(6000))),
    case("unit_price_differs", BASE, present(invoice={"lines": line(unit_price=M("12.60"))}), "C17"),
    case(
        "unit_price_about",
        credit(goods=goods(unit_price_about=True)),
        present(invoice={"lines": line(unit_price=M("12.60"))}),
    ),
    case("metric_tons_within_5_percent", MT_GOODS, present(**quantity_everywhere(M(104), "MT", M(1250)))),
    case("metric_tons_beyond_5_percent", MT_GOODS, present(**quantity_everywhere(M(106), "MT", M(1250))), "C17"),
    case(
        "quantity_about_ten_percent", credit(goods=goods(quantity_about=True)), present(**quantity_everywhere(M(10900)))
    ),
    case(
        "packing_list_quantity_over_credit",
        BASE,
        present(pl={"lines": line(quantity=M(10300), unit_price=None, amount=None)}),
        "C17",
        where=(("packing_list", "quantity"),),
    ),
    case("draft_in_wrong_currency", BASE, present(draft={"currency": "HKD"}), "C17"),
    # C18 partial shipments
    case(
        "two_vessels_partial_not_allowed", BASE, present(**split_bills(vessel2="MV Ocean Grace", voyage2="77W")), "C18"
    ),
    case("same_vessel_voyage_not_partial", BASE, present(**split_bills(date1=D(2025, 5, 20)))),
    case("two_vessels_partial_allowed", PARTIAL_OK, present(**split_bills(vessel2="MV Ocean Grace", voyage2="77W"))),
    case(
        "second_shipment_partial_not_allowed",
        BASE,
        present(previous_shipments=(PreviousShipment(shipment_date=D(2025, 5, 10), quantity=M(0), amount=M(0)),)),
        "C18",
    ),
    case(
        "same_vessel_latest_date_counts", BASE, present(**split_bills(date1=D(2025, 5, 20), date2=D(2025, 6, 2))), "C14"
    ),
    # C19 instalments
    case("first_instalment_on_time", credit(instalments=INSTALMENTS), instalment_presentation(D(2025, 5, 14))),
    case("first_instalment_late", credit(instalments=INSTALMENTS), instalment_presentation(D(2025, 5, 16)), "C19"),
    case(
        "second_instalment_after_missed_first",
        credit(instalments=INSTALMENTS),
        instalment_presentation(
            D(2025, 5, 20), (PreviousShipment(shipment_date=D(2025, 5, 20), quantity=M(5000), amount=M(62500)),)
        ),
        "C19",
    ),
    case(
        "second_instalment_on_time",
        credit(instalments=INSTALMENTS),
        instalment_presentation(
            D(2025, 5, 20), (PreviousShipment(shipment_date=D(2025, 5, 10), quantity=M(5000), amount=M(62500)),)
        ),
    ),
    # C20 transhipment
    case(
        "transhipment_prohibited_no_container",
        credit(transhipment="NOT ALLOWED"),
        present(bl={"transhipment": True, "container_numbers": ()}, pl={"container_numbers": ()}),
        "C20",
    ),
    case(
        "transhipment_prohibited_container_exception",
        credit(transhipment="NOT ALLOWED"),
        present(bl={"transhipment": True}),
    ),
    case(
        "transhipment_allowed",
        BASE,
        present(bl={"transhipment": True, "container_numbers": ()}, pl={"container_numbers": ()}),
    ),
    # C21 presence and originals
    case("packing_list_missing", BASE, present(drop=("pl",)), "C21"),
    case("draft_missing", BASE, present(drop=("draft",)), "C21"),
    case(
        "bl_two_of_three_originals",
        BASE,
        present(bl={"originals_presented": 2}),
        "C21",
        where=(("ocean_bill_of_lading", "originals_presented"),),
    ),
    case("invoice_two_of_three_originals", BASE, present(invoice={"originals_presented": 2}), "C21"),
    case("bl_unsigned", BASE, present(bl={"signed": False}), "C21"),
    case("air_waybill_instead_of_bl", BASE, present(drop=("bl",), extra=(air_waybill(),)), "C21"),
    # C22 ports
    case(
        "wrong_port_of_loading",
        BASE,
        present(bl={"port_of_loading": "Shanghai, China"}),
        "C22",
        where=(("ocean_bill_of_lading", "port_of_loading"),),
    ),
    case("any_one_of_alternative_ports", credit(port_of_discharge="Shenzhen, Hong Kong"), present()),
    case("wrong_port_of_discharge", BASE, present(bl={"port_of_discharge": "Singapore"}), "C22"),
    # C23 clean, on deck
    case("claused_bill_of_lading", BASE, present(bl={"clean": False, "clauses": ("12 cartons torn",)}), "C23"),
    case("on_deck", BASE, present(bl={"on_deck": True}), "C23"),
    # C24 insurance
    case(
        "cover_note_instead_of_certificate",
        BASE,
        present(drop=("ins",), extra=(insurance_as(InsuranceCoverNote),)),
        "C24",
    ),
    case("policy_in_lieu_of_certificate", BASE, present(drop=("ins",), extra=(insurance_as(InsurancePolicy),))),
    case(
        "insurance_dated_day_after_on_board",
        BASE,
        present(ins={"issue_date": D(2025, 5, 29)}),
        "C24",
        where=(("insurance_certificate", "issue_date"),),
    ),
    case(
        "insurance_later_but_effective_from_shipment",
        BASE,
        present(ins={"issue_date": D(2025, 5, 29), "effective_date": D(2025, 5, 28)}),
    ),
    case("insurance_below_110_percent", BASE, present(ins={"insured_amount": M("137499.99")}), "C24"),
    case("insurance_in_other_currency", BASE, present(ins={"currency": "HKD", "insured_amount": M(1100000)}), "C24"),
    case("insurance_missing_war_risk", BASE, present(ins={"risks": ("Institute Cargo Clauses (A)",)}), "C24"),
    case(
        "insurance_wrong_clauses",
        BASE,
        present(ins={"risks": ("Institute Cargo Clauses (B)", "Institute War Clauses (Cargo)")}),
        "C24",
    ),
    case("insurance_one_of_two_originals", BASE, present(ins={"originals_presented": 1}), "C24"),
    case("insurance_route_short", BASE, present(ins={"route_to": "Singapore"}), "C24"),
    # C25 data conflicts and issuers
    case(
        "certificate_of_origin_not_chamber",
        BASE,
        present(coo={"issuer": DocParty(name=samples.BENEFICIARY.name, country="CN")}),
        "C25",
    ),
    case(
        "inspection_by_beneficiary",
        BASE,
        present(insp={"issuer": DocParty(name="Ningbo Everbright Flask Co Ltd", country="CN")}),
        "C25",
        where=(("inspection_certificate", "issuer.name"),),
    ),
    case(
        "inspection_by_any_other_party",
        BASE,
        present(insp={"issuer": DocParty(name="Acme Testing House", country="CN")}),
    ),
    case(
        "packing_list_gross_weight_conflict",
        BASE,
        present(pl={"gross_weight_kg": M(6600)}),
        "C25",
        where=(("packing_list", "gross_weight_kg"),),
    ),
    case(
        "bl_marks_conflict",
        BASE,
        present(bl={"marks": "HHL / HKLC2025000999"}),
        "C25",
        where=(("ocean_bill_of_lading", "marks"),),
    ),
    case("packing_list_container_conflict", BASE, present(pl={"container_numbers": ("OSCU9999999",)}), "C25"),
    case("insurance_vessel_conflict", BASE, present(ins={"vessel": "MV Ocean Grace"}), "C25"),
    case(
        "packing_list_model_conflict",
        BASE,
        present(pl={"lines": line(model="VF-550", unit_price=None, amount=None)}),
        "C25",
    ),
    case("origin_conflict", BASE, present(coo={"origin_country": "Vietnam"}), "C25"),
    case("consignee_to_order_of_shipper", BASE, present(bl={"consignee": "TO ORDER OF SHIPPER"}), "C25"),
    case("freight_collect_under_cif", BASE, present(bl={"freight": "FREIGHT COLLECT"}), "C25"),
    case(
        "draft_drawn_on_applicant",
        BASE,
        present(draft={"drawee": DocParty(name=samples.APPLICANT.name, country="HK")}),
        "C25",
    ),
    case("draft_amount_differs_from_invoice", BASE, present(draft={"amount": M(124000)}), "C25"),
    case(
        "quantities_differ_within_tolerance",
        PARTIAL_OK,
        present(invoice={"lines": line(quantity=M(9000))}),
        "C25",
        where=(("packing_list", "quantity"), ("inspection_certificate", "quantity")),
    ),
    # C26 documents not required
    case(
        "extra_air_waybill_ignored", BASE, present(extra=(air_waybill(gross_weight_kg=M(1), issue_date=D(2025, 7, 1)),))
    ),
    case(
        "unrequired_inspection_ignored",
        without_requirement(DocType.INSPECTION_CERTIFICATE),
        present(insp={"issuer": DocParty(name=samples.BENEFICIARY.name), "issue_date": D(2025, 7, 1)}),
    ),
    # C27 addresses, shipper
    case(
        "invoice_address_differs_same_country",
        BASE,
        present(
            invoice={"issuer": DocParty(name=samples.BENEFICIARY.name, address="1 Other Street, Yinzhou", country="CN")}
        ),
    ),
    case(
        "invoice_addressee_other_country",
        BASE,
        present(invoice={"addressee": DocParty(name=samples.APPLICANT.name, address="1 Orchard Rd", country="SG")}),
        "C27",
    ),
    case(
        "notify_party_other_country",
        BASE,
        present(bl={"notify_party": DocParty(name=samples.APPLICANT.name, country="SG")}),
        "C27",
        where=(("ocean_bill_of_lading", "notify_party.country"),),
    ),
    case(
        "shipper_other_than_beneficiary",
        BASE,
        present(bl={"shipper": DocParty(name="Ningbo Export Agency", country="CN")}),
    ),
    # Several defects at once: every one is listed
    case(
        "late_shipment_late_presentation_wrong_port",
        BASE,
        present(
            D(2025, 6, 16),
            bl={"on_board_date": D(2025, 6, 2), "issue_date": D(2025, 6, 2), "port_of_loading": "Xiamen"},
            ins={"issue_date": D(2025, 6, 1)},
            **{},
        ),
        "C14",
        "C22",
    ),
    case(
        "expired_late_shipment_and_cover_note",
        BASE,
        present(
            D(2025, 6, 20),
            drop=("ins",),
            extra=(insurance_as(InsuranceCoverNote),),
            bl={"on_board_date": D(2025, 6, 2), "issue_date": D(2025, 6, 2)},
        ),
        "C12",
        "C13",
        "C14",
        "C24",
    ),
]


@pytest.mark.parametrize("c", CASES, ids=[c.name for c in CASES])
def test_examination_reports_exactly_the_expected_codes(c):
    result = examine(c.terms, c.presentation, CAL)
    assert result.codes == c.expected, [d.text for d in result.discrepancies]
    if c.judged is not None:
        assert result.examiner_codes == c.judged, [d.text for d in result.for_examiner]
    for document, field_name in c.where:
        assert any(d.document == document and d.field == field_name for d in result.discrepancies), (
            document,
            field_name,
        )


@pytest.mark.parametrize("c", [c for c in CASES if c.expected], ids=[c.name for c in CASES if c.expected])
def test_no_false_complying(c):
    assert not examine(c.terms, c.presentation, CAL).complying


def test_table_covers_every_presentation_check():
    reported = set().union(*(c.expected for c in CASES))
    assert reported == {f"C{n}" for n in range(12, 28)} - {"C26"}
    assert len(CASES) >= 60


def test_worked_example_dates_and_deadline():
    result = examine(BASE, present(), CAL)
    assert result.complying
    assert result.last_presentation_day == D(2025, 6, 16)
    assert result.examination_deadline == D(2025, 6, 23)
    assert "C19" not in result.checks_run and "C26" in result.checks_run


def test_unrequired_documents_are_listed_as_ignored():
    presentation = present(extra=(air_waybill(),))
    result = examine(BASE, presentation, CAL)
    assert result.complying and result.ignored_documents == (len(presentation.documents) - 1,)


def test_discrepancies_are_sorted_by_code_then_document():
    c = next(c for c in CASES if c.name == "expired_late_shipment_and_cover_note")
    result = examine(c.terms, c.presentation, CAL)
    keys = [(d.code, d.document, d.index) for d in result.discrepancies]
    assert keys == sorted(keys, key=lambda k: (k[0], k[1], -1 if k[2] is None else k[2]))


def test_incomplete_eucp_presentation_has_no_deadline_yet():
    assert examine(BASE, present(complete=False), CAL).examination_deadline is None


def test_quantity_trap_names_the_invoice_only():
    c = next(c for c in CASES if c.name == "quantity_10300_units_within_amount_tolerance")
    found = examine(c.terms, c.presentation, CAL).discrepancies
    assert [(d.document, d.field) for d in found] == [("commercial_invoice", "quantity")]
    assert "10300" in found[0].found


def test_real_holidays_move_the_deadline():
    calendar = BankingCalendar.for_country("CN", [2025])
    presentation = replace(present(), presentation_date=D(2025, 1, 24))
    assert examine(BASE, presentation, calendar).examination_deadline == D(2025, 2, 10)
