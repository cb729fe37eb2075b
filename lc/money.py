"""Money rules, pure: ISO 4217 currencies and their minor units, amounts as people key them,
a credit's maximum (UCP 600 art. 30(a), field 39A) and its availability figures.

Currency data comes from the maintained `iso4217` package (the ISO 4217 maintenance agency's
list), never a table of our own. Amounts are `Decimal` in the currency's minor units: an amount
with more decimals than its currency allows is refused, never rounded, and every amount fits
SWIFT's `15d` form (at most 15 characters with the mandatory decimal comma).

No Django here: the API, the portal and the services all ask this module, so one rule decides.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields
from decimal import ROUND_DOWN, Decimal, InvalidOperation

from iso4217 import Currency

from lc.examination.types import Discrepancy

SWIFT_15D = 15  # characters of an MT amount, decimal comma included
HUNDRED = Decimal(100)
ABOUT = Decimal("0.10")  # art. 30(a): "about" allows 10% more
# Plain decimal notation in ASCII digits only: no exponent (1E+20, 1e6), no grouping, no
# full-width or Arabic-Indic digits (Python's Decimal would read those silently).
_PLAIN = re.compile(r"-?[0-9]+(?:\.[0-9]+)?", re.ASCII)


class MoneyError(ValueError):
    """An amount or currency that cannot be accepted; `field` names where it was keyed."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field, self.message = field, message


def minor_units(currency: object, field: str = "currency") -> int:
    """The ISO 4217 exponent of an active currency code (upper case, as ISO writes it).

    Codes with no minor unit in ISO 4217 (gold XAU, SDR XDR, the testing code XTS, XXX) are
    units of account, not currencies a credit can be issued in."""
    if not isinstance(currency, str) or not currency:
        raise MoneyError(field, "a currency code is required")
    try:
        exponent = Currency(currency).exponent
    except ValueError:
        raise MoneyError(field, f"{currency!r} is not an ISO 4217 currency code") from None
    if exponent is None:
        raise MoneyError(field, f"{currency} has no minor unit in ISO 4217 (not a currency for credits)")
    return int(exponent)


def quantum(currency: str) -> Decimal:
    return Decimal(1).scaleb(-minor_units(currency))


def q(amount: Decimal, currency: str) -> Decimal:
    """An amount already within its currency's minor units, written with exactly that many decimals
    (the database keeps four places; API, portal and ledger show the currency's)."""
    return amount.quantize(quantum(currency))


def text(amount: Decimal, currency: str) -> str:
    return f"{q(amount, currency):f}"


def swift_text(amount: Decimal) -> str:
    """SWIFT 15d: digits, a mandatory decimal comma, no trailing zeros after it."""
    whole, _, frac = f"{amount:f}".partition(".")
    return f"{whole},{frac.rstrip('0')}"


def _decimal(value: object, field: str) -> Decimal:
    if isinstance(value, bool) or value is None:
        raise MoneyError(field, "an amount is required")
    if isinstance(value, float):
        value = repr(value)  # the shortest text that reads back as this float (exact for <= 15 digits)
    raw = str(value).strip() if isinstance(value, (str, int, Decimal)) else None
    if raw is None or raw == "":
        raise MoneyError(field, "an amount is required")
    if not _PLAIN.fullmatch(raw):
        raise MoneyError(field, "write the amount in digits 0-9 with a decimal point, e.g. 125000.00")
    try:
        return Decimal(raw)
    except InvalidOperation:  # pragma: no cover - the pattern admits only valid decimals
        raise MoneyError(field, "not a number") from None


def parse_amount(value: object, currency: str | None, field: str = "amount") -> Decimal:
    """A positive amount in `currency`'s minor units that fits SWIFT 15d, or MoneyError.

    With no currency (not known yet) only the form is checked, with the most decimals any
    ISO 4217 currency has; the currency's own check follows once it is known."""
    amount = _decimal(value, field)
    if amount <= 0:
        raise MoneyError(field, "the amount must be positive")
    places = minor_units(currency) if currency is not None else 4
    # Before quantize: 40 digits overflow Decimal's 28-digit context (InvalidOperation, a 500);
    # 15d holds at most 14 digits before its decimal comma anyway.
    if amount.adjusted() >= SWIFT_15D - 1:
        raise MoneyError(field, f"too long: at most {SWIFT_15D} characters in SWIFT 15d form")
    if amount != amount.quantize(Decimal(1).scaleb(-places), rounding=ROUND_DOWN):
        unit = f"{currency} has {places} decimal places" if currency else f"at most {places} decimal places"
        raise MoneyError(field, f"too many decimals: {unit} (amounts are never rounded)")
    amount = amount.quantize(Decimal(1).scaleb(-places))
    if len(swift_text(amount)) > SWIFT_15D:
        raise MoneyError(field, f"too long: at most {SWIFT_15D} characters in SWIFT 15d form")
    return amount


def parse_money(currency: object, amount: object, *, currency_field: str = "currency",
                amount_field: str = "amount") -> tuple[str, Decimal]:
    minor_units(currency, currency_field)
    assert isinstance(currency, str)
    return currency, parse_amount(amount, currency, amount_field)


def maximum(amount: Decimal, currency: str, tolerance_plus: Decimal | None, about: bool) -> Decimal:
    """Most the credit can ever pay: the amount plus 39A's plus tolerance, or plus 10% when the
    amount is "about" (art. 30(a)); rounded down, never promising a fraction of a minor unit more."""
    if tolerance_plus is not None:
        plus = tolerance_plus / HUNDRED
    else:
        plus = ABOUT if about else Decimal(0)
    return (amount * (1 + plus)).quantize(quantum(currency), rounding=ROUND_DOWN)


@dataclass(frozen=True)
class Figures:
    """A credit's availability account: what may still be drawn and what the bank owes.

    reserved: claimed by presentations under examination; drawn: honoured (settled ones
    included); earmarked: transferred to a second beneficiary (art. 38); settled: drawn and
    settled with the applicant (no longer a liability of the facility)."""

    maximum: Decimal = Decimal(0)
    reserved: Decimal = Decimal(0)
    drawn: Decimal = Decimal(0)
    earmarked: Decimal = Decimal(0)
    settled: Decimal = Decimal(0)

    @property
    def available(self) -> Decimal:
        return self.maximum - self.reserved - self.drawn - self.earmarked

    def liability(self, live: bool) -> Decimal:
        """What the issuing bank may still have to pay for the applicant under this credit (its
        transferred part counts on the transferred credit); nothing once the credit is closed."""
        return self.maximum - self.settled - self.earmarked if live else Decimal(0)

    def plus(self, other: Figures) -> Figures:
        return Figures(**{f.name: getattr(self, f.name) + getattr(other, f.name) for f in fields(self)})

    def minus(self, other: Figures) -> Figures:
        return Figures(**{f.name: getattr(self, f.name) - getattr(other, f.name) for f in fields(self)})

    def consistent(self) -> bool:
        """The account's invariant: nothing negative, never more used than the maximum."""
        parts = (self.reserved, self.drawn, self.earmarked, self.settled)
        return all(p >= 0 for p in parts) and self.settled <= self.drawn and self.available >= 0

    def shown(self, currency: str) -> dict[str, str]:
        out = {f.name: text(getattr(self, f.name), currency) for f in fields(self)}
        return {**out, "available": text(self.available, currency)}


def claim_findings(claimed: Decimal, currency: str, *, invoice: Decimal | None, draft: Decimal | None,
                   drafts_required: bool, available: Decimal) -> list[Discrepancy]:
    """C17 findings on the amount claimed itself (the engine reads the documents' amounts):
    the claim is the draft where drafts are required (art. 6(c), 42C), never more than the
    invoice (art. 18(b): an invoice may exceed the credit, a claim may not exceed the invoice)
    nor more than the credit still has available (art. 30, cumulative drawings)."""
    found: list[Discrepancy] = []
    amount = text(claimed, currency)

    def c17(rule: str, message: str, required: str) -> None:
        found.append(Discrepancy(code="C17", rule=rule, text=message, field="amount_claimed",
                                 required=required, found=amount))

    if drafts_required and draft is not None and draft != claimed:
        c17("UCP 600 art. 6(c), field 42C",
            f"Amount claimed {currency} {amount} differs from the draft, {currency} {text(draft, currency)}.",
            text(draft, currency))
    if invoice is not None and claimed > invoice:
        c17("UCP 600 art. 18(b), 30",
            f"Amount claimed {currency} {amount} exceeds the invoice amount {currency} {text(invoice, currency)}.",
            f"max {text(invoice, currency)}")
    if claimed > available:
        c17("UCP 600 art. 30, field 32B",
            f"Amount claimed {currency} {amount} exceeds the amount available under the credit, "
            f"{currency} {text(available, currency)}.", f"max {text(available, currency)}")
    return found
