import json
from datetime import date as D
from decimal import Decimal as M

import pytest
from exam_cases import present

from lc.examination import samples
from lc.examination.doctypes import CommercialInvoice, OceanBillOfLading
from lc.examination.serde import ExaminationDataError
from lc.examination.text import covers, same_text
from lc.examination.types import CreditTerms, Discrepancy, Presentation


def test_credit_terms_round_trip_through_json():
    terms = samples.worked_example_credit()
    data = json.loads(json.dumps(terms.to_dict()))
    assert data["amount"] == "125000.00" and data["expiry_date"] == "2025-06-15"
    assert CreditTerms.from_dict(data) == terms


def test_presentation_round_trip_keeps_document_types():
    presentation = present()
    data = json.loads(json.dumps(presentation.to_dict()))
    assert [d["type"] for d in data["documents"]][:3] == ["commercial_invoice", "draft", "ocean_bill_of_lading"]
    assert Presentation.from_dict(data) == presentation


def test_document_from_dict_by_tag_and_class():
    data = samples.bill_of_lading().to_dict()
    assert OceanBillOfLading.from_dict(data) == samples.bill_of_lading()
    with pytest.raises(ExaminationDataError) as err:
        CommercialInvoice.from_dict(data)
    assert "type" in err.value.errors


def test_discrepancy_round_trip():
    d = Discrepancy(
        code="C14",
        rule="UCP 600 art. 20(a)(ii), 29(c)",
        text="Late shipment.",
        document="ocean_bill_of_lading",
        index=2,
        field="shipment_date",
        required="2025-05-31",
        found="2025-06-02",
    )
    assert Discrepancy.from_dict(d.to_dict()) == d


def test_invalid_data_reports_every_field_path():
    data = samples.worked_example_credit().to_dict()
    data["amount"] = 125000.5
    data["issue_date"] = "10/03/2025"
    data["goods"][0]["quantity"] = "lots"
    del data["currency"]
    data["surprise"] = 1
    with pytest.raises(ExaminationDataError) as err:
        CreditTerms.from_dict(data)
    assert set(err.value.errors) == {"amount", "issue_date", "goods[0].quantity", "currency", "surprise"}


def test_unknown_document_type():
    data = present().to_dict()
    data["documents"][0]["type"] = "bill_of_exchange_v2"
    with pytest.raises(ExaminationDataError) as err:
        Presentation.from_dict(data)
    assert "documents[0].type" in err.value.errors


def test_decimal_and_date_types_survive():
    terms = CreditTerms.from_dict(samples.worked_example_credit().to_dict())
    assert terms.amount == M("125000.00") and terms.issue_date == D(2025, 3, 10)


@pytest.mark.parametrize(
    ("required", "found", "expected"),
    [
        ("vacuum machine", "vacuum mashine", True),  # ISBP 821: typing error
        ("model 123", "model 321", False),
        ("VF-500", "VF500", True),
        ("VF-500", "VF-550", False),
        ("Int'l Trading Co., Ltd.", "International Trading Company Limited", True),
        ("net weight 500 kgs", "net weight 500 kilograms", True),
        ("cup", "cap", False),  # words under five letters get no typo allowance
    ],
)
def test_isbp_text_comparison(required, found, expected):
    assert covers(required, found) is expected
    assert same_text(required, found) is expected
