"""ISO 4217: which codes are currencies (pycountry) and how many minor units each has."""

from __future__ import annotations

import functools
from decimal import Decimal

import pycountry

# ISO 4217 minor units other than two (List One, 2024).
_MINOR_UNITS = {
    **dict.fromkeys(("BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG", "RWF", "UGX", "UYI", "VND",
                     "VUV", "XAF", "XOF", "XPF"), 0),
    **dict.fromkeys(("BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"), 3),
    **dict.fromkeys(("CLF", "UYW"), 4),
}


@functools.cache
def is_currency(code: str) -> bool:
    return len(code) == 3 and pycountry.currencies.get(alpha_3=code) is not None


def minor_units(code: str) -> int:
    return _MINOR_UNITS.get(code, 2)


def swift_amount(value: Decimal) -> str:
    """``Decimal("125000.00")`` -> ``"125000,00"``: the digits as written, comma for the point."""
    text = format(value, "f")
    whole, _, frac = text.partition(".")
    return f"{whole},{frac}"


def parse_amount(text: str) -> Decimal:
    """``"125000,00"`` -> ``Decimal("125000.00")`` (exponent kept, so terms read back equal)."""
    return Decimal(text.replace(",", ".")) if not text.endswith(",") else Decimal(text[:-1])
