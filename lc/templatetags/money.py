"""`{{ value|amount:currency }}`: an amount with its currency's ISO 4217 decimals (KWD 1,000.125,
JPY 1,000, USD 1,000.00): the digits the API and the ledger show, grouped for reading."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template

from lc import money

register = template.Library()


@register.filter
def amount(value: Any, currency: str) -> str:
    if value is None or value == "":
        return ""
    try:
        return f"{money.q(Decimal(str(value)), currency):,f}"
    except (money.MoneyError, ArithmeticError, ValueError):
        return str(value)  # shown as stored rather than hidden
