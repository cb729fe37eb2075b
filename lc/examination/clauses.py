"""Clauses on a transport document, classified by their effect (UCP 600 art. 26, 27; ISBP 821 E).

Only a clause that expressly declares a defective condition of the goods or their packaging
makes a transport document unclean (art. 27); "said to contain" and "shipper's load and count"
are acceptable (art. 26(b)); "may be loaded on deck" is acceptable, "loaded on deck" is not
(art. 26(a)); a carrier's reservation of the right to tranship is acceptable (art. 20(d)). A
clause the table does not know is put to the examiner, never charged automatically.

A clause is read in two passes, so that acceptable wording never hides a declared defect in
the same clause ("clean on board except 3 cartons torn", "shipper's load and count; 5 drums
leaking"): first the wordings that qualify a charged one away ("may be carried on deck",
"packaging may not be sufficient", "no damage", "not responsible for rust") are struck out and
the charged rows (unclean, on deck) are looked for in what remains; only when none is found does
the first matching acceptable row decide.
"""

from __future__ import annotations

import functools
import re
from enum import StrEnum


class Effect(StrEnum):
    ACCEPTABLE = "acceptable"
    UNCLEAN = "unclean"  # art. 27
    ON_DECK = "on deck"  # art. 26(a)
    UNKNOWN = "unknown"  # for the examiner to judge


_DEFECT = (
    r"TORN|DAMAGED|DAMAGE|BROKEN|WET|STAINED|DENTED|CRUSHED|LEAK(?:ING|ED|S)?|RUST(?:Y|ED)?|HOLED|PUNCTURED|"
    r"CONTAMINATED|MOULDY|MOLDY|CRACKED|SCRATCHED|DIRTY|SOILED|RE-?COOPERED|RE-?PAIRED|MISSING|BURST|"
    r"SLACK|SPILLED|SPILT|DETERIORATED|DECAYED|INFESTED|CHAFED|BENT|DEFORMED"
)
# A clause stating that transhipment takes place ("TRANSHIPPED AT BUSAN"): not a matter of
# cleanliness, but the document then indicates transhipment (art. 20(c), C20).
_TRANSHIPPED = r"\bTRANS-?S?HIP(?:PED|MENT)\b"
_MAY_TRANSHIP = re.compile(r"\b(?:MAY|RIGHT|RESERVES?|LIBERTY)\b")
_NEGATED = rf"\b(?:NO|NOT|WITHOUT|FREE FROM|FREE OF|NOR)\b[\w\s]{{0,20}}?\b(?:{_DEFECT})\b"
TABLE: tuple[tuple[str, Effect, str], ...] = (
    # pattern, effect, why (shown to the examiner)
    (
        r"\bMAY\s+BE\s+(?:LOADED|CARRIED|STOWED|SHIPPED)\s+ON\s+DECK\b",
        Effect.ACCEPTABLE,
        "art. 26(a): 'may be' on deck",
    ),
    (r"\bON\s+DECK\s+AT\s+(?:SHIPPER|MERCHANT)S?'?S?\s+RISK\b", Effect.ON_DECK, "art. 26(a): loaded on deck"),
    (r"\b(?:LOADED|CARRIED|STOWED|SHIPPED|PLACED)\s+ON\s+DECK\b", Effect.ON_DECK, "art. 26(a): loaded on deck"),
    (r"\bON\s+DECK\b", Effect.ON_DECK, "art. 26(a): on deck"),
    (r"\bUNDER\s+DECK\b|\bBELOW\s+DECK\b", Effect.ACCEPTABLE, "not on deck"),
    (r"\bSAID\s+(?:BY\s+SHIPPER\s+)?TO\s+(?:CONTAIN|BE|WEIGH)\b|\bS\.?T\.?C\.?\b", Effect.ACCEPTABLE, "art. 26(b)"),
    (r"\bSHIPPER'?S?\s+(?:LOAD|STOW|COUNT)", Effect.ACCEPTABLE, "art. 26(b): shipper's load and count"),
    (r"\bS\.?L\.?A\.?C\.?\b|\bS\.?L\.?C\.?A\.?S\.?\b|\bSTC\b", Effect.ACCEPTABLE, "art. 26(b)"),
    (
        r"\bWEIGHT,?\s+(?:MEASURE|QUANTITY)|\b(?:QUANTITY|WEIGHT|CONTENTS?)\s+(?:AND\s+\w+\s+)?UNKNOWN\b",
        Effect.ACCEPTABLE,
        "art. 26(b): particulars unknown to the carrier",
    ),
    (
        r"\bTRANS-?S?HIP(?:MENT|PED)?\b.*\b(?:MAY|RIGHT|RESERVE|LIBERTY)\b|\b(?:MAY|RIGHT|RESERVE|LIBERTY)\b.*\bTRANS-?S?HIP",
        Effect.ACCEPTABLE,
        "art. 20(d): transhipment may take place",
    ),
    (_TRANSHIPPED, Effect.ACCEPTABLE, "art. 20(b): transhipment stated (read against 43T, C20)"),
    (r"\bMAY\s+NOT\s+BE\s+SUFFICIENT\b", Effect.ACCEPTABLE, "ISBP 821 E: packaging 'may not be' sufficient"),
    (
        r"\b(?:NOT|IN)SUFFICIENT(?:LY)?\s+(?:PACK|PROTECT)|\bPACK(?:ING|AGING|AGES?)\s+(?:IS\s+|ARE\s+)?"
        r"(?:NOT\s+SUFFICIENT|INSUFFICIENT|INADEQUATE|UNSUITABLE)|\bUNPROTECTED\b|\bUNPACKED\b",
        Effect.UNCLEAN,
        "art. 27: packaging declared insufficient",
    ),
    (
        r"\bIN\s+APPARENT\s+GOOD\s+ORDER\b(?!.*\bEXCEPT\b)|\bCLEAN\s+ON\s+BOARD\b|\bSHIPPED\s+ON\s+BOARD\b",
        Effect.ACCEPTABLE,
        "statement of clean shipment",
    ),
    (_NEGATED, Effect.ACCEPTABLE, "declares no defect"),
    (rf"\b(?:{_DEFECT})\b", Effect.UNCLEAN, "art. 27: defective condition of the goods or packaging declared"),
    (
        r"\bFREIGHT\b|\bPREPAID\b|\bCOLLECT\b|\bF\.?C\.?L\b|\bL\.?C\.?L\b|\bC\.?Y\.?\s*/\s*C\.?Y\b|\bCFS\b",
        Effect.ACCEPTABLE,
        "carriage term",
    ),
    (r"\bSEAL(?:ED)?\s+BY\s+SHIPPER\b|\bTEMPERATURE\b|\bREEFER\b|\bVENTILAT", Effect.ACCEPTABLE, "carriage term"),
    (r"\bCARRIER\s+(?:IS\s+)?NOT\s+(?:RESPONSIBLE|LIABLE)\b", Effect.ACCEPTABLE, "art. 26(c) and carriage terms"),
    (r"\bNOT\s+RESPONSIBLE\s+FOR\b", Effect.ACCEPTABLE, "carrier's exclusion of liability"),
)
_COMPILED = tuple((re.compile(pattern), effect, why) for pattern, effect, why in TABLE)
_CHARGED = tuple(row for row in _COMPILED if row[1] in (Effect.UNCLEAN, Effect.ON_DECK))
# Wordings that contain a charged one but qualify it away; struck out before the charged rows
# are looked for: a defect negated, "may be" on deck, packaging that "may not be" sufficient, and
# the carrier's exclusion of liability up to the end of its sentence ("not responsible for loss
# or damage"), which declares nothing about these goods.
_QUALIFIED = re.compile(
    rf"{_NEGATED}|\bMAY\s+BE\s+(?:LOADED|CARRIED|STOWED|SHIPPED)\s+ON\s+DECK\b|\bMAY\s+NOT\s+BE\s+SUFFICIENT\b"
    r"|\bNOT\s+(?:BE\s+)?(?:RESPONSIBLE|LIABLE)\s+FOR\b[^.;]*"
)


@functools.lru_cache(maxsize=1024)
def classify(clause: str) -> tuple[Effect, str]:
    """The effect of one clause and the row of the table that decided it."""
    text = " ".join(clause.upper().replace("’", "'").split())
    if not text:
        return Effect.ACCEPTABLE, "empty"
    rest = _QUALIFIED.sub(" ", text)
    for pattern, effect, why in _CHARGED:
        if pattern.search(rest):
            return effect, why
    for pattern, effect, why in _COMPILED:
        if effect is Effect.ACCEPTABLE and pattern.search(text):
            return effect, why
    return Effect.UNKNOWN, "not in the clause table: for the examiner to judge"


@functools.lru_cache(maxsize=1024)
def states_transhipment(clause: str) -> bool:
    """The clause says transhipment takes place (not that the carrier may or reserves the right to)."""
    text = " ".join(clause.upper().split())
    return (
        bool(re.search(_TRANSHIPPED, text))
        and not _MAY_TRANSHIP.search(text)
        and not re.search(r"\bNO\b|\bNOT\b|\bWITHOUT\b", text)
    )
