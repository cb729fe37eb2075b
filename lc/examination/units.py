"""Units of quantity as credits and documents write them, and conversions between them.

Art. 30(b) gives a 5% quantity tolerance only to quantities in weights and measures, however
they are written ("MT", "metric tons", "kgs", "kilograms", "litres"), never to packing units or
individual items. A quantity in another unit of the same dimension is converted before it is
compared ("104,000 kgs" against "100 MT").
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum


class Dimension(StrEnum):
    MASS = "mass"  # base: kilogram
    VOLUME = "volume"  # base: litre
    LENGTH = "length"  # base: metre
    AREA = "area"  # base: square metre
    COUNT = "count"  # individual items: no 30(b) tolerance
    SET = "set"  # sets, counted apart from the items in them
    PAIR = "pair"


@dataclass(frozen=True)
class Unit:
    dimension: Dimension
    factor: Decimal  # to the dimension's base unit
    name: str  # canonical spelling, for messages

    @property
    def is_measure(self) -> bool:
        return self.dimension in (Dimension.MASS, Dimension.VOLUME, Dimension.LENGTH, Dimension.AREA)


def _units(dimension: Dimension, factor: str, name: str, *spellings: str) -> dict[str, Unit]:
    unit = Unit(dimension, Decimal(factor), name)
    return {_key(s): unit for s in (name, *spellings)}


def _key(spelling: str) -> str:
    return re.sub(r"[^A-Z0-9]", "", spelling.upper())


# "TON(S)" is read as the metric ton, as nearly all credits mean it; long and short tons must be
# written out. Counting units convert only where the unit fixes the number of items (a dozen).
_VOCABULARY: dict[str, Unit] = {
    **_units(
        Dimension.MASS,
        "1000",
        "MT",
        "M/T",
        "METRIC TON",
        "METRIC TONS",
        "METRIC TONNE",
        "METRIC TONNES",
        "TONNE",
        "TONNES",
        "TNE",
        "TON",
        "TONS",
        "MTS",
    ),
    **_units(Dimension.MASS, "1", "KG", "KGS", "KILO", "KILOS", "KILOGRAM", "KILOGRAMS", "KILOGRAMME", "KILOGRAMMES"),
    **_units(Dimension.MASS, "0.001", "G", "GR", "GRS", "GRAM", "GRAMS", "GRAMME", "GRAMMES"),
    **_units(Dimension.MASS, "0.45359237", "LB", "LBS", "POUND", "POUNDS"),
    **_units(Dimension.MASS, "1016.0469088", "LONG TON", "LONG TONS"),
    **_units(Dimension.MASS, "907.18474", "SHORT TON", "SHORT TONS", "ST"),
    **_units(Dimension.VOLUME, "1", "L", "LTR", "LTRS", "LITRE", "LITRES", "LITER", "LITERS"),
    **_units(Dimension.VOLUME, "0.001", "ML", "MILLILITRE", "MILLILITRES", "MILLILITER", "MILLILITERS"),
    **_units(
        Dimension.VOLUME,
        "1000",
        "M3",
        "CBM",
        "CU M",
        "CUBIC METRE",
        "CUBIC METRES",
        "CUBIC METER",
        "CUBIC METERS",
        "KL",
        "KILOLITRE",
        "KILOLITRES",
    ),
    **_units(Dimension.VOLUME, "158.987294928", "BBL", "BBLS", "BARREL", "BARRELS"),
    **_units(Dimension.VOLUME, "3.785411784", "GAL", "GALS", "GALLON", "GALLONS", "US GALLON", "US GALLONS"),
    **_units(Dimension.LENGTH, "1", "M", "MTR", "MTRS", "METRE", "METRES", "METER", "METERS", "LM"),
    **_units(Dimension.LENGTH, "0.01", "CM", "CENTIMETRE", "CENTIMETRES", "CENTIMETER", "CENTIMETERS"),
    **_units(Dimension.LENGTH, "0.001", "MM", "MILLIMETRE", "MILLIMETRES", "MILLIMETER", "MILLIMETERS"),
    **_units(Dimension.LENGTH, "1000", "KM", "KILOMETRE", "KILOMETRES", "KILOMETER", "KILOMETERS"),
    **_units(Dimension.LENGTH, "0.9144", "YD", "YDS", "YARD", "YARDS"),
    **_units(Dimension.LENGTH, "0.3048", "FT", "FEET", "FOOT"),
    **_units(
        Dimension.AREA, "1", "M2", "SQM", "SQ M", "SQUARE METRE", "SQUARE METRES", "SQUARE METER", "SQUARE METERS"
    ),
    **_units(Dimension.AREA, "0.09290304", "SQFT", "SQ FT", "SQUARE FOOT", "SQUARE FEET"),
    **_units(
        Dimension.COUNT,
        "1",
        "UNITS",
        "UNIT",
        "PCS",
        "PC",
        "PIECE",
        "PIECES",
        "NOS",
        "NO",
        "NUMBERS",
        "EA",
        "EACH",
        "ITEMS",
        "ITEM",
    ),
    **_units(Dimension.SET, "1", "SETS", "SET"),
    **_units(Dimension.PAIR, "1", "PAIRS", "PAIR", "PRS"),
    **_units(Dimension.COUNT, "12", "DOZEN", "DOZ", "DZ", "DOZENS"),
}
# Packing units: a count, but of packages whose content the unit does not fix (no conversion).
_PACKING = frozenset(
    _key(s)
    for s in (
        "CARTON",
        "CARTONS",
        "CTN",
        "CTNS",
        "BAG",
        "BAGS",
        "BOX",
        "BOXES",
        "CASE",
        "CASES",
        "DRUM",
        "DRUMS",
        "BALE",
        "BALES",
        "ROLL",
        "ROLLS",
        "PALLET",
        "PALLETS",
        "PLT",
        "PLTS",
        "CRATE",
        "CRATES",
        "BOTTLE",
        "BOTTLES",
        "CAN",
        "CANS",
        "COIL",
        "COILS",
        "BUNDLE",
        "BUNDLES",
        "REEL",
        "REELS",
        "SACK",
        "SACKS",
        "CONTAINER",
        "CONTAINERS",
        "PACKAGE",
        "PACKAGES",
        "PKG",
        "PKGS",
        "TUBE",
        "TUBES",
        "JAR",
        "JARS",
    )
)


@functools.lru_cache(maxsize=512)
def parse_unit(spelling: str) -> Unit | None:
    """The unit a spelling names; ``None`` for a packing unit or an unknown word."""
    return _VOCABULARY.get(_key(spelling))


def is_measure(spelling: str) -> bool:
    """A weight or measure (art. 30(b)); packing units, items and unknown words are not."""
    unit = parse_unit(spelling)
    return unit is not None and unit.is_measure


def is_packing_unit(spelling: str) -> bool:
    return _key(spelling) in _PACKING


def same_unit(a: str, b: str) -> bool:
    return _key(a) == _key(b) or (parse_unit(a) is not None and parse_unit(a) == parse_unit(b))


@functools.lru_cache(maxsize=2048)
def convert(quantity: Decimal, from_unit: str, to_unit: str) -> Decimal | None:
    """``quantity`` in ``from_unit`` expressed in ``to_unit``; ``None`` when they do not convert.

    An empty unit on either side is read as the other's (a document line that repeats the
    credit's quantity without its unit).
    """
    if not from_unit.strip() or not to_unit.strip() or _key(from_unit) == _key(to_unit):
        return quantity
    source, target = parse_unit(from_unit), parse_unit(to_unit)
    if source is None or target is None or source.dimension != target.dimension:
        return None
    if source == target:
        return quantity
    return quantity * source.factor / target.factor
