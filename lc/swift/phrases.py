"""Items of 45A, 46A and 47A written as fixed phrases that a bank reads as usual and that read
back to the same structured terms.

45A: ``+[ABOUT ]10000 UNITS Stainless steel flasks[ MODEL VF-500] AT [ABOUT ]USD 12.50 PER UNIT``
and ``+CIF Hong Kong INCOTERMS 2020`` (also read at the end of the last goods item, as banks write it).
46A: ``+[SIGNED ][FULL SET OF ][CLEAN ON BOARD ]<DOCUMENT>[ IN n ORIGINALS][ AND m COPIES]
[ ISSUED BY A(N) issuer][ MADE OUT consignee][ MARKED FREIGHT f][ NOTIFY APPLICANT]
[ FOR p PCT OF <basis> VALUE][ COVERING risk AND risk]``. The clause as written (``text``) is the
item itself when it says exactly that; otherwise the phrase is followed by ``CLAUSE: <text>``.
47A: conditions as written; instalments (art. 32) and an "about" credit amount (art. 30(a)) as
fixed items. Keywords are matched case-insensitively; values keep their case.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date
from decimal import Decimal, InvalidOperation

from lc.examination.types import DocType, DocumentRequirement, GoodsLine, Instalment

INCOTERMS = ("EXW", "FCA", "FAS", "FOB", "CFR", "CIF", "CPT", "CIP", "DAP", "DPU", "DDP")
CLAUSE = "CLAUSE:"
ABOUT_ITEM = "THE CREDIT AMOUNT IS AN ABOUT AMOUNT (UCP 600 ARTICLE 30(A))"
_NUMBER = r"\d[\d,]*(?:\.\d+)?"
_GOODS = re.compile(
    rf"(?P<qa>ABOUT )?(?P<qty>{_NUMBER}) (?P<unit>\S+) (?P<desc>.+?)(?: MODEL (?P<model>.+?))?"
    rf" AT (?P<pa>ABOUT )?(?P<ccy>[A-Z]{{3}}) (?P<price>{_NUMBER}) PER \S+", re.IGNORECASE | re.DOTALL)
_TERM = "|".join(INCOTERMS)
_INCOTERM = re.compile(rf"(?P<term>{_TERM})(?: (?P<place>.+?))? INCOTERMS 2020", re.IGNORECASE)
# SR2026 goods-line codes, written after the line's phrase until the structured fields go live.
_LINE_CODES = re.compile(rf"(?P<body>.+?)(?: INCOTERM (?P<inc>{_TERM}))?(?: HS CODES? (?P<hs>\d{{6,10}}(?: \d{{6,10}})*))?",
                         re.IGNORECASE | re.DOTALL)
_TRAILING_INCOTERM = re.compile(rf"(?P<goods>.+) (?P<term>{_TERM})(?: (?P<place>.+?))? INCOTERMS 2020",
                                re.IGNORECASE)
_INSTALMENT = re.compile(
    rf"INSTALMENT (?P<n>\d+): QUANTITY (?P<qty>{_NUMBER})(?: SHIPPED FROM (?P<earliest>\d{{4}}-\d{{2}}-\d{{2}}))?"
    rf" UNTIL (?P<latest>\d{{4}}-\d{{2}}-\d{{2}})(?: AMOUNT (?P<amount>{_NUMBER}))?")
_NAMES = {t: t.value.upper().replace("_", " ") for t in DocType}
_NAME_RE = "|".join(sorted([*_NAMES.values(), "OCEAN BILLS OF LADING"], key=len, reverse=True))
_COUNT_WORDS = {"DUPLICATE": 2, "TRIPLICATE": 3, "QUADRUPLICATE": 4}
_DOCUMENT = re.compile(
    rf"(?P<signed>SIGNED )?(?P<full>FULL SET OF )?(?P<clean>CLEAN ON BOARD )?(?P<name>{_NAME_RE})"
    r"(?: IN (?:(?P<orig>\d+) ORIGINALS?|(?P<word>DUPLICATE|TRIPLICATE|QUADRUPLICATE)))?(?: AND (?P<copies>\d+) COP(?:Y|IES))?"
    r"(?: ISSUED BY (?:AN?|THE) (?P<issuer>.+?))?(?: MADE OUT (?P<consignee>.+?))?(?: MARKED FREIGHT (?P<freight>.+?))?"
    r"(?P<notify> NOTIFY APPLICANT)?(?: FOR (?P<pct>\d+(?:\.\d+)?) PCT OF \S+ VALUE)?(?: COVERING (?P<risks>.+?))?",
    re.IGNORECASE | re.DOTALL)
_MAX_PHRASE = 2000  # longer items are read as free text (keeps the lazy groups cheap)


def number(value: Decimal) -> str:
    return format(value, "f")


def to_decimal(text: str) -> Decimal:
    return Decimal(text.replace(",", ""))


# 45A ----------------------------------------------------------------------------------------


def goods_item(line: GoodsLine, currency: str) -> str | None:
    """The phrase for a goods line; a line with neither quantity nor price is its description as
    written; None when only one of quantity and unit price is given (no fixed phrase for that)."""
    if line.quantity is None and line.unit_price is None:
        plain = not (line.unit or line.model or line.quantity_about or line.unit_price_about)
        return line.description + line_codes(line) if plain else None
    if line.quantity is None or line.unit_price is None:
        return None
    model = f" MODEL {line.model}" if line.model else ""
    per = line.unit.upper().removesuffix("S") or line.unit
    return (f"{'ABOUT ' if line.quantity_about else ''}{number(line.quantity)} {line.unit} {line.description}{model}"
            f" AT {'ABOUT ' if line.unit_price_about else ''}{currency} {number(line.unit_price)} PER {per}"
            + line_codes(line))


def line_codes(line: GoodsLine) -> str:
    """`` INCOTERM FOB HS CODE 961700 732393``: the SR2026 codes of a goods line, in today's 45A."""
    incoterm = f" INCOTERM {line.incoterm}" if line.incoterm else ""
    return incoterm + (f" HS CODE {' '.join(line.hs_codes)}" if line.hs_codes else "")


def incoterm_item(term: str, place: str) -> str:
    return f"{term} {place} INCOTERMS 2020" if place else f"{term} INCOTERMS 2020"


def read_goods_item(text: str) -> GoodsLine:
    m = _LINE_CODES.fullmatch(text) if len(text) <= _MAX_PHRASE else None
    if m is None or not (m["inc"] or m["hs"]):
        return _read_goods_phrase(text)
    codes = tuple(m["hs"].split()) if m["hs"] else ()
    return replace(_read_goods_phrase(m["body"]), incoterm=(m["inc"] or "").upper(), hs_codes=codes)


def _read_goods_phrase(text: str) -> GoodsLine:
    m = _GOODS.fullmatch(text) if len(text) <= _MAX_PHRASE else None
    if m is None:
        return GoodsLine(description=text)
    try:
        return GoodsLine(description=m["desc"], quantity=to_decimal(m["qty"]), unit=m["unit"],
                         unit_price=to_decimal(m["price"]), model=m["model"] or "",
                         quantity_about=bool(m["qa"]), unit_price_about=bool(m["pa"]))
    except InvalidOperation:
        return GoodsLine(description=text)


def read_incoterm(text: str) -> tuple[str, str] | None:
    m = _INCOTERM.fullmatch(text)
    return (m["term"].upper(), m["place"] or "") if m else None


def split_trailing_incoterm(text: str) -> tuple[str, tuple[str, str]] | None:
    """"... PER UNIT CIF HONG KONG INCOTERMS 2020" -> the goods text and (term, place)."""
    m = _TRAILING_INCOTERM.fullmatch(text) if len(text) <= _MAX_PHRASE else None
    return (m["goods"], (m["term"].upper(), m["place"] or "")) if m else None


# 46A ----------------------------------------------------------------------------------------


def document_phrase(req: DocumentRequirement, basis: str) -> str:
    name = _NAMES[DocType(req.doc_type)]
    if req.doc_type == DocType.OCEAN_BILL_OF_LADING and req.full_set:
        name = "OCEAN BILLS OF LADING"
    parts = [("SIGNED " if req.signed else "") + ("FULL SET OF " if req.full_set else "")
             + ("CLEAN ON BOARD " if req.clean_on_board else "") + name]
    if req.originals != 1 or req.copies:
        parts.append(f"IN {req.originals} ORIGINAL{'' if req.originals == 1 else 'S'}")
    if req.copies:
        parts.append(f"AND {req.copies} {'COPY' if req.copies == 1 else 'COPIES'}")
    if req.issuer:
        parts.append(f"ISSUED BY {'AN' if req.issuer[0].upper() in 'AEIOU' else 'A'} {req.issuer}")
    if req.consignee:
        parts.append(f"MADE OUT {req.consignee}")
    if req.freight:
        parts.append(f"MARKED FREIGHT {req.freight}")
    if req.notify_applicant:
        parts.append("NOTIFY APPLICANT")
    if req.insurance_percent is not None:
        parts.append(f"FOR {number(req.insurance_percent)} PCT OF {basis} VALUE")
    if req.insurance_risks:
        parts.append("COVERING " + " AND ".join(req.insurance_risks))
    return " ".join(parts)


def read_document_phrase(text: str) -> DocumentRequirement | None:
    """The structure a phrase states (``text`` left empty), None when it is not one."""
    m = _DOCUMENT.fullmatch(text) if len(text) <= _MAX_PHRASE else None
    if m is None:
        return None
    name = m["name"].upper()
    doc_type = DocType.OCEAN_BILL_OF_LADING if name == "OCEAN BILLS OF LADING" else \
        next(t for t, n in _NAMES.items() if n == name)
    originals = int(m["orig"]) if m["orig"] else _COUNT_WORDS.get((m["word"] or "").upper(), 1)
    return DocumentRequirement(
        doc_type=doc_type, originals=originals, copies=int(m["copies"] or 0), full_set=bool(m["full"]),
        signed=bool(m["signed"]), issuer=m["issuer"] or "", clean_on_board=bool(m["clean"]),
        consignee=m["consignee"] or "", freight=m["freight"] or "", notify_applicant=bool(m["notify"]),
        insurance_percent=Decimal(m["pct"]) if m["pct"] else None,
        insurance_risks=tuple(m["risks"].split(" AND ")) if m["risks"] else ())


def document_item(req: DocumentRequirement, basis: str) -> tuple[str, str]:
    """The item as (head, clause): the clause line is "" when the head says it all."""
    structure = replace(req, text="")
    phrase = document_phrase(req, basis)
    if req.text == "":
        return phrase, ""
    if req.text != phrase and read_document_phrase(req.text) == structure:
        return req.text, ""
    return phrase, req.text


def read_document_item(head: str, clause: str | None, basis: str) -> DocumentRequirement | None:
    structure = read_document_phrase(head)
    if structure is None:
        return None
    if clause is not None:
        return replace(structure, text=clause)
    return structure if head == document_phrase(structure, basis) else replace(structure, text=head)


# 47A ----------------------------------------------------------------------------------------


def instalment_item(index: int, inst: Instalment) -> str:
    earliest = f" SHIPPED FROM {inst.earliest.isoformat()}" if inst.earliest else ""
    amount = f" AMOUNT {number(inst.amount)}" if inst.amount is not None else ""
    return f"INSTALMENT {index}: QUANTITY {number(inst.quantity)}{earliest} UNTIL {inst.latest.isoformat()}{amount}"


def read_instalment(text: str) -> tuple[int, Instalment] | None:
    m = _INSTALMENT.fullmatch(text)
    if m is None:
        return None
    try:
        return int(m["n"]), Instalment(
            latest=date.fromisoformat(m["latest"]), quantity=to_decimal(m["qty"]),
            earliest=date.fromisoformat(m["earliest"]) if m["earliest"] else None,
            amount=to_decimal(m["amount"]) if m["amount"] else None)
    except ValueError:
        return None
