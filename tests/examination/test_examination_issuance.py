from dataclasses import replace
from datetime import date as D
from decimal import Decimal as M

import pytest
from exam_cases import credit, goods

from lc.examination import samples
from lc.examination.issuance import diff_terms, normalise_date_phrase, rule_sets, validate_terms, validate_transfer
from lc.examination.types import Bank, Banks

BANKS = samples.worked_example_credit().banks
CONFIRMER = Bank(name="Ningbo Coastal Bank", bic="NCBKCNBN", country="CN")


def codes(terms):
    return {i.code for i in validate_terms(terms) if i.blocking}


def warnings(terms):
    return {i.code for i in validate_terms(terms) if not i.blocking}


def test_worked_example_passes_every_issuance_check():
    assert validate_terms(credit()) == []


@pytest.mark.parametrize(
    ("name", "changes", "expected"),
    [
        ("c01_rules_missing", {"applicable_rules": ""}, "C01"),
        ("c01_isp_not_ucp", {"applicable_rules": "ISP LATEST VERSION"}, "C01"),
        ("c02_revocable", {"form": "REVOCABLE"}, "C02"),
        ("c03_no_bank", {"available_with": ""}, "C03"),
        ("c03_unknown_availability", {"available_by": "BY CHEQUE"}, "C03"),
        ("c04_drawn_on_applicant", {"banks": replace(BANKS, drawee=Bank(name="Harbour Homewares Ltd"))}, "C04"),
        ("c04_42c_without_42a", {"banks": replace(BANKS, drawee=None)}, "C04"),
        ("c04_42c_and_42p", {"deferred_payment": "90 DAYS AFTER B/L DATE"}, "C04"),
        (
            "c04_acceptance_without_drafts",
            {"available_by": "BY ACCEPTANCE", "drafts_at": "", "banks": replace(BANKS, drawee=None)},
            "C04",
        ),
        ("c05_no_expiry_date", {"expiry_date": None}, "C05"),
        ("c05_no_expiry_place", {"expiry_place": ""}, "C05"),
        ("c06_unreadable_period", {"latest_shipment": None, "shipment_period": "soon after harvest"}, "C06"),
        ("c07_both_44c_and_44d", {"shipment_period": "May 2025"}, "C07"),
        ("c07_neither_44c_nor_44d", {"latest_shipment": None}, "C07"),
        ("c07_bad_43p", {"partial_shipments": "PERMITTED"}, "C07"),
        ("c10_confirm_without_bank", {"confirmation": "CONFIRM"}, "C10"),
        ("c10_bad_value", {"confirmation": "MAYBE"}, "C10"),
    ],
)
def test_issuance_check_fails(name, changes, expected):
    assert codes(credit(**changes)) == {expected}


@pytest.mark.parametrize(
    "changes",
    [
        {"applicable_rules": "EUCPURR LATEST VERSION"},
        {"form": "IRREVOCABLE TRANSFERABLE"},
        {
            "available_with": "ANY BANK",
            "available_by": "BY PAYMENT",
            "drafts_at": "",
            "banks": replace(BANKS, drawee=None),
        },
        {
            "available_by": "BY DEF PAYMENT",
            "drafts_at": "",
            "deferred_payment": "60 DAYS AFTER B/L DATE",
            "banks": replace(BANKS, drawee=None),
        },
        {
            "available_by": "BY MIXED PYMT",
            "drafts_at": "",
            "mixed_payment": "50% AT SIGHT 50% AT 60 DAYS",
            "banks": replace(BANKS, drawee=None),
        },
        {"latest_shipment": None, "shipment_period": "first half of May 2025"},
        {"confirmation": "MAY ADD", "banks": replace(BANKS, confirming=CONFIRMER)},
    ],
)
def test_issuance_check_passes(changes):
    assert codes(credit(**changes)) == set()


def test_c08_non_documentary_conditions_are_flagged_as_warnings():
    terms = credit(
        additional_conditions=(
            "Goods must be shipped on a vessel not older than 15 years",
            "All documents must bear the credit number",
            "A discrepancy fee of USD 80 will be deducted",
        )
    )
    issues = [i for i in validate_terms(terms) if i.code == "C08"]
    assert [i.field for i in issues] == ["additional_conditions[0]"] and not issues[0].blocking
    assert "C08" not in warnings(
        credit(additional_conditions=("Beneficiary's certificate stating that goods are new",))
    )


def test_rule_sets():
    assert rule_sets(credit()) == {"UCP"}
    assert rule_sets(credit(applicable_rules="EUCPURR LATEST VERSION")) == {"UCP", "EUCP", "URR"}


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [
        ("on or about 15 May 2025", (D(2025, 5, 10), D(2025, 5, 20))),
        ("until 2025-05-31", (None, D(2025, 5, 31))),
        ("till 31.05.2025", (None, D(2025, 5, 31))),
        ("to 250531", (None, D(2025, 5, 31))),
        ("from 2025-05-01 to 2025-05-31", (D(2025, 5, 1), D(2025, 5, 31))),
        ("between 1 May 2025 and 10 May 2025", (D(2025, 5, 1), D(2025, 5, 10))),
        ("before 2025-05-31", (None, D(2025, 5, 30))),
        ("after May 31, 2025", (D(2025, 6, 1), None)),
        ("first half of June 2025", (D(2025, 6, 1), D(2025, 6, 15))),
        ("second half of February 2024", (D(2024, 2, 16), D(2024, 2, 29))),
        ("beginning of May 2025", (D(2025, 5, 1), D(2025, 5, 10))),
        ("middle of May 2025", (D(2025, 5, 11), D(2025, 5, 20))),
        ("end of April 2025", (D(2025, 4, 21), D(2025, 4, 30))),
    ],
)
def test_date_phrases(phrase, expected):
    assert normalise_date_phrase(phrase) == expected


def test_maturity_from_excludes_the_date():
    assert normalise_date_phrase("from 2025-05-01", for_maturity=True) == (D(2025, 5, 2), None)
    assert normalise_date_phrase("from 2025-05-01") == (D(2025, 5, 1), None)


def test_unreadable_phrase_raises():
    with pytest.raises(ValueError):
        normalise_date_phrase("next spring")


def test_diff_terms_lists_changed_paths():
    new = credit(amount=M("130000.00"), goods=goods(unit_price=M("13.00")))
    assert diff_terms(credit(), new) == ["amount", "goods[0].unit_price"]


TRANSFERABLE = credit(form="IRREVOCABLE TRANSFERABLE")
SECOND = samples.Party(name="Zhejiang Steelware Works", country="CN")


def test_c11_transfer_may_reduce_and_curtail():
    insurance = tuple(
        replace(r, insurance_percent=M(125)) if r.insurance_percent else r for r in TRANSFERABLE.documents
    )
    transferred = replace(
        TRANSFERABLE,
        beneficiary=SECOND,
        amount=M(110000),
        goods=goods(unit_price=M(11)),
        expiry_date=D(2025, 6, 10),
        latest_shipment=D(2025, 5, 25),
        presentation_period_days=15,
        documents=insurance,
    )
    assert validate_transfer(TRANSFERABLE, transferred) == []


@pytest.mark.parametrize(
    "changes",
    [
        {"amount": M(130000)},
        {"expiry_date": D(2025, 6, 30)},
        {"port_of_discharge": "Macau"},
        {"goods": goods(quantity=M(9000))},
    ],
)
def test_c11_transfer_may_not_increase_or_change_other_terms(changes):
    assert {i.code for i in validate_transfer(TRANSFERABLE, replace(TRANSFERABLE, **changes))} == {"C11"}


def test_c11_only_transferable_credits():
    assert [i.field for i in validate_transfer(credit(), credit(beneficiary=SECOND))] == ["form"]


def test_banks_type_round_trip():
    assert Banks.from_dict(BANKS.to_dict()) == BANKS
