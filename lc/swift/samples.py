"""Sample messages of every type, built from the worked example credit (fictitious parties):
the golden files, the fuzz seeds and the benchmark use them."""

from __future__ import annotations

import functools
from dataclasses import replace
from datetime import date
from decimal import Decimal

from lc.examination.samples import worked_example_credit
from lc.examination.types import CreditTerms, GoodsLine
from lc.swift.advices import (
    build_mt730,
    build_mt732,
    build_mt734,
    build_mt750,
    build_mt752,
    build_mt754,
    build_mt756,
)
from lc.swift.message import Message, serialise
from lc.swift.mt700 import terms_to_mt700
from lc.swift.mt707 import amendment_to_mt707

ISSUING, ADVISING = "VHBKHKHH", "NCBKCNBN"
REF, PRES = "HKLC2025000123", "NCBPRES0001"
USD = "USD"


def long_credit(goods_lines: int = 190) -> CreditTerms:
    """The worked example with a long goods schedule: an MT700 and three MT701s."""
    base = worked_example_credit()
    goods = tuple(GoodsLine(description=f"Stainless steel vacuum flask, double wall, 500 ml, colour code {i:04d}",
                            model=f"VF-500-{i:04d}", quantity=Decimal(30), unit="UNITS", unit_price=Decimal("12.50"))
                  for i in range(goods_lines))
    return replace(base, goods=goods, amount=Decimal("123750.00"))


def amendment() -> list[Message]:
    base = worked_example_credit()
    changes = {"expiry_date": "2025-07-15", "amount": "150000.00", "latest_shipment": "2025-06-30",
               "additional_conditions": ["ALL DOCUMENTS MUST SHOW THE CREDIT NUMBER"],
               "documents": [d.to_dict() for d in base.documents[:-1]]}
    return amendment_to_mt707(base=base, changes=changes, number=1, amendment_date=date(2025, 4, 1),
                              receiver_reference="NCBADV0001")


def long_amendment() -> list[Message]:
    base = worked_example_credit()
    extra = [f"Condition {i}: documents must show the purchase order number PO-{i:05d} and the credit number"
             for i in range(160)]
    return amendment_to_mt707(base=base, changes={"additional_conditions": extra}, number=2,
                              amendment_date=date(2025, 4, 20), receiver_reference="NCBADV0001")


@functools.cache
def sample_messages() -> dict[str, tuple[Message, ...]]:
    usd = (USD, Decimal("125000.00"))
    discrepancies = ["Invoice shows goods model VF-550, the credit calls for VF-500 (UCP 600 art. 18(c))",
                     "Bill of lading shows shipment on 250602, later than 44C 250531 (art. 14(c))"]
    _mt707, mt708 = long_amendment()[:2]
    return {
        "700": tuple(terms_to_mt700(worked_example_credit())),
        "701": tuple(terms_to_mt700(long_credit())[1:2]),
        "707": tuple(amendment()),
        "708": (mt708,),
        "730": (build_mt730(sender_bic=ADVISING, receiver_bic=ISSUING, reference="NCBADV0001", related_reference=REF,
                            acknowledged_on=date(2025, 4, 2), narrative="AMENDMENT 1 ACCEPTED BY THE BENEFICIARY"),),
        "732": (build_mt732(sender_bic=ISSUING, receiver_bic=ADVISING, reference=REF, related_reference=PRES,
                            advice_date=date(2025, 6, 14), amount=usd),),
        "734": (build_mt734(sender_bic=ISSUING, receiver_bic=ADVISING, reference=REF, presenting_reference=PRES,
                            utilisation_date=date(2025, 6, 10), amount=usd, discrepancies=discrepancies,
                            disposal="HOLD", disposal_text="PENDING YOUR INSTRUCTIONS",
                            charges_claimed="DISCREPANCY FEE USD 80.00", total_claimed=(USD, Decimal("80.00"))),),
        "750": (build_mt750(sender_bic=ADVISING, receiver_bic=ISSUING, reference=PRES, related_reference=REF,
                            principal=usd, discrepancies=discrepancies, charges_deducted="DISCREPANCY FEE USD 80.00",
                            total=(USD, Decimal("124920.00"))),),
        "752": (build_mt752(sender_bic=ISSUING, receiver_bic=ADVISING, reference=REF, related_reference=PRES,
                            further_identification="NEGOTIATE", advice_date=date(2025, 6, 12), total_advised=usd,
                            net_amount=(USD, Decimal("124920.00")), net_value_date=date(2025, 6, 13)),),
        "754": (build_mt754(sender_bic=ADVISING, receiver_bic=ISSUING, reference=PRES, related_reference=REF,
                            principal=usd, value_date=date(2025, 6, 13), total=(USD, Decimal("125000.00")),
                            narrative="DOCUMENTS SENT TO YOU BY COURIER"),),
        "756": (build_mt756(sender_bic=ISSUING, receiver_bic=ADVISING, reference=REF, related_reference=PRES,
                            total_claimed=usd, amount_paid=usd, value_date=date(2025, 6, 16)),),
    }


def seed_messages() -> list[str]:
    return [serialise(m) for messages in sample_messages().values() for m in messages]
