"""Amounts and currencies (issue 13): refused, never rounded, by lc.money, the API and the portal;
KWD 1000.125 keeps its three decimals everywhere."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.urls import reverse

from lc import money
from lc.models import LetterOfCredit
from lc.scenarios import Story, example_start
from ledger.models import PendingEntry
from tests.api.conftest import application_body
from tests.portal.conftest import verified_client

BAD = [  # (currency, amount, field named)
    ("JPY", "1000.5", "amount"), ("KWD", "1000.1255", "amount"), ("ZZZ", "100", "currency"),
    ("BTC", "100", "currency"), ("XAU", "100", "currency"), ("usd", "100", "currency"), ("USD", "", "amount"),
    ("USD", "-5", "amount"), ("USD", "0", "amount"), ("USD", "1E+20", "amount"), ("USD", "1e6", "amount"),
    ("USD", "1234567890123456", "amount"), ("USD", "１２５０００", "amount"), ("USD", "١٢٥٠٠٠", "amount"),
]


@pytest.mark.parametrize(("currency", "amount", "field"), BAD)
def test_lc_money_refuses_every_bad_amount_naming_the_field(currency: str, amount: str, field: str) -> None:
    with pytest.raises(money.MoneyError) as caught:
        money.parse_money(currency, amount)
    assert caught.value.field == field


def test_three_decimal_currencies_keep_their_digits() -> None:
    assert money.parse_money("KWD", "1000.125") == ("KWD", Decimal("1000.125"))
    assert money.text(Decimal("1000.1250"), "KWD") == "1000.125"
    assert money.text(Decimal("1000.0000"), "JPY") == "1000"


def _problem(response: Any, status: int = 400) -> dict[str, Any]:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/problem+json")
    return dict(response.json())


@pytest.mark.django_db
@pytest.mark.parametrize(("currency", "amount", "field"), BAD)
def test_api_application_with_a_bad_amount_is_a_400_naming_the_field(
        cast: Any, api_as: Any, currency: str, amount: str, field: str) -> None:
    body = application_body(cast, currency=currency, amount=amount)
    problem = _problem(api_as("hhl.treasury").post("/api/v1/credits/", body, format="json"))
    assert {e["field"] for e in problem["errors"]} == {f"terms.{field}"}


@pytest.mark.django_db
@pytest.mark.parametrize("amount", ["125000.001", "", "-5", "0", "1E+20", "1e6", "1234567890123456", "１２５０００",
                                    "١٢٥٠٠٠"])
def test_the_checkers_rekeyed_amount_is_refused_in_the_api_and_the_portal(cast: Any, api_as: Any,
                                                                          amount: str) -> None:
    story = Story(cast, example_start())
    story.apply(), story.submit(), story.prepare()
    checker = cast.users["vhb.checker"]
    checker.roles = [*checker.roles, "api_client"]
    checker.save()
    entries = PendingEntry.objects.filter(subject=f"lc:{story.credit_id}")
    before = entries.count()
    problem = _problem(api_as("vhb.checker").post(f"/api/v1/credits/{story.credit_id}/approve/", {"amount": amount},
                                                  format="json"))
    assert [e["field"] for e in problem["errors"]] == ["amount"]
    page = verified_client(checker).post(reverse("portal:act", args=[story.credit_id, "approve"]), {"amount": amount})
    assert page.status_code == 422 and b"field-error" in page.content  # next to the amount field
    assert LetterOfCredit.objects.get(pk=story.credit_id).state == "pending_approval"
    assert entries.count() == before  # a refused action leaves no ledger entry


@pytest.mark.django_db
def test_kwd_1000_125_round_trips_through_api_database_portal_and_ledger(cast: Any, api_as: Any) -> None:
    story = Story(cast, example_start(), currency="KWD", amount="1000.125")
    story.apply(), story.submit(), story.prepare()
    story.approve()
    with connection.cursor() as cur:
        cur.execute("SELECT amount::text, listing FROM lc_letterofcredit WHERE id = %s", [story.credit_id])
        stored, listing = cur.fetchone()
    assert Decimal(stored) == Decimal("1000.125") and json.loads(listing)["amount"] == "1000.125"
    detail = api_as("hhl.treasury").get(f"/api/v1/credits/{story.credit_id}/").json()
    assert detail["amount"] == "1000.125" and detail["terms"]["amount"] == "1000.125"
    listed = api_as("hhl.treasury").get("/api/v1/credits/").json()["results"]
    assert [c["amount"] for c in listed if c["id"] == str(story.credit_id)] == ["1000.125"]
    availability = api_as("hhl.treasury").get(f"/api/v1/credits/{story.credit_id}/availability/").json()
    assert availability["maximum"] == "1050.131"  # +5% (39A), rounded down to the fils
    page = verified_client(cast.users["vhb.checker"]).get(reverse("portal:credit", args=[story.credit_id]))
    assert b"1,000.125" in page.content and b"1,000.13<" not in page.content
    issued = PendingEntry.objects.filter(kind="lc.issued").order_by("-id").first()
    assert issued is not None
    payload = json.loads(bytes(issued.payload))
    assert payload["terms"]["amount"] == "1000.125"
    assert payload["availability"]["after"]["maximum"] == "1050.131"
