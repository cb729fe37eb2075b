"""Hypothesis strategies: field values generated from each spec's SWIFT notation, and valid
credit terms (the shapes the validator and the mapping accept)."""

from __future__ import annotations

import string
from datetime import date
from decimal import Decimal

from hypothesis import strategies as st

from lc.examination.types import (
    ApplicableRules,
    AvailableBy,
    Bank,
    Banks,
    Confirmation,
    CreditTerms,
    DocType,
    DocumentRequirement,
    Form,
    GoodsLine,
    Instalment,
    Party,
    ShipmentPermission,
)
from lc.swift.charset import X_CHARS, Z_CHARS
from lc.swift.message import Field, Message, build
from lc.swift.notation import Item, Lit, Newline, Node, Opt, parse_notation
from lc.swift.phrases import INCOTERMS
from lc.swift.specs import AMOUNT, BIC, DATE_AMOUNT, FieldSpec, MessageSpec

CURRENCIES = {"USD": 2, "EUR": 2, "JPY": 0, "KWD": 3}
BICS = ["VHBKHKHH", "NCBKCNBN", "DEUTDEFFXXX", "CHASUS33", "HSBCHKHHHKH", "BKCHCNBJ300"]
_KIND = {"n": string.digits, "a": string.ascii_uppercase, "c": string.ascii_uppercase + string.digits,
         "x": "".join(sorted(X_CHARS)), "z": "".join(sorted(Z_CHARS))}
SIMPLE_CODES = ("40A", "43P", "43T", "49", "22A", "23S", "23")

dates = st.dates(date(2000, 1, 1), date(2099, 12, 31))


def _line(kind: str, low: int, high: int) -> st.SearchStrategy[str]:
    first = "".join(c for c in _KIND[kind] if c not in ":-")
    return st.builds(lambda a, b: a + b, st.sampled_from(first),
                     st.text(_KIND[kind], min_size=max(low - 1, 0), max_size=high - 1))


def _item(node: Item) -> st.SearchStrategy[str]:
    one = _line(node.kind, node.low, node.high)
    return st.lists(one, min_size=1, max_size=node.lines).map("\n".join)


def _walk(nodes: tuple[Node, ...]) -> st.SearchStrategy[str]:
    parts: list[st.SearchStrategy[str]] = []
    for node in nodes:
        if isinstance(node, Lit):
            parts.append(st.just(node.text))
        elif isinstance(node, Newline):
            parts.append(st.just("\n"))
        elif isinstance(node, Opt):
            parts.append(st.one_of(st.just(""), _walk(node.parts)))
        else:
            parts.append(_item(node))
    return st.tuples(*parts).map("".join) if parts else st.just("")


def amount_text() -> st.SearchStrategy[str]:
    return st.sampled_from(sorted(CURRENCIES)).flatmap(lambda ccy: st.builds(
        lambda whole, frac: f"{ccy}{whole},{frac}", st.integers(0, 10**9).map(str),
        st.text(string.digits, max_size=CURRENCIES[ccy])))


def yymmdd() -> st.SearchStrategy[str]:
    return dates.map(lambda d: d.strftime("%y%m%d"))


def value_for(spec: FieldSpec, letter: str, mt: str) -> st.SearchStrategy[str]:
    fmt = spec.formats[letter]
    if spec.tag == "27":
        return st.just("1/1") if mt in ("700", "707") else st.integers(2, 8).flatmap(
            lambda n: st.integers(2, n).map(lambda k: f"{k}/{n}"))
    if spec.tag in ("20", "21"):
        return st.text(string.ascii_uppercase + string.digits, min_size=1, max_size=16)
    if spec.tag in SIMPLE_CODES and spec.codes:
        return st.sampled_from(spec.codes)
    if spec.tag == "40E":
        return st.sampled_from(spec.codes).flatmap(lambda c: _walk(parse_notation("/35x")).map(lambda t: c + t)
                                                   if c == "OTHR" else st.just(c))
    if spec.tag == "41a":
        head = st.sampled_from(BICS) if letter == "A" else _walk(parse_notation("4*35x"))
        return st.tuples(head, st.sampled_from(spec.codes)).map("\n".join)
    if spec.tag == "71N":
        return st.tuples(st.sampled_from(spec.codes), st.one_of(st.just(""), _walk(parse_notation("$6*35z")))).map("".join)
    if spec.tag == "77B":
        return st.sampled_from(spec.codes).map(lambda c: f"/{c}/")
    if fmt == AMOUNT:
        return amount_text()
    if fmt == DATE_AMOUNT:
        return st.tuples(yymmdd(), amount_text()).map("".join)
    if fmt.endswith(BIC):
        return st.tuples(st.one_of(st.just(""), _walk(parse_notation("/34x$"))), st.sampled_from(BICS)).map("".join)
    if fmt.startswith("6!n"):
        return st.tuples(yymmdd(), _walk(parse_notation(fmt)[1:])).map("".join)
    return _walk(parse_notation(fmt))


@st.composite
def messages(draw: st.DrawFn, spec: MessageSpec) -> Message:
    fields = []
    for fspec in spec.fields:
        if not fspec.mandatory and not draw(st.booleans()):
            continue
        letter = draw(st.sampled_from(sorted(fspec.formats)))
        tag = fspec.number + letter if fspec.tag.endswith("a") else fspec.tag
        fields.append(Field(tag, tuple(draw(value_for(fspec, letter, spec.mt)).split("\n"))))
    return build(spec.mt, sender_bic=draw(st.sampled_from(BICS)), receiver_bic=draw(st.sampled_from(BICS)),
                 fields=fields)


# Credit terms -------------------------------------------------------------------------------

_WORD_CHARS = string.ascii_letters + string.digits + "/-?().,'+"
words = st.text(_WORD_CHARS, min_size=1, max_size=10)
lower_words = st.text(string.ascii_lowercase + string.digits + ",.", min_size=1, max_size=10)


def text(max_words: int, *, min_words: int = 1, word: st.SearchStrategy[str] = words) -> st.SearchStrategy[str]:
    gaps = st.sampled_from([" ", " ", " ", "  "])
    return st.lists(st.tuples(word, gaps), min_size=min_words, max_size=max_words).map(
        lambda pairs: "".join(w + g for w, g in pairs)[:-1] if pairs else "")


def optional_text(max_words: int) -> st.SearchStrategy[str]:
    return st.one_of(st.just(""), text(max_words))


countries = st.sampled_from(["", "HK", "CN", "DE", "US"])
names = text(3).filter(lambda t: len(t) <= 35 and not t.startswith("/"))  # '/' opens an account line
parties = st.builds(Party, name=names, address=st.one_of(st.just(""), text(6, word=lower_words)), country=countries)


@st.composite
def bank_pool(draw: st.DrawFn) -> list[Bank]:
    bics = draw(st.lists(st.sampled_from(BICS), min_size=2, max_size=5, unique=True))
    return [Bank(name=draw(names), bic=bic, country=bic[4:6]) for bic in bics]


money = st.sampled_from(sorted(CURRENCIES)).flatmap(lambda ccy: st.tuples(st.just(ccy), st.decimals(
    min_value=0, max_value=10**9, places=CURRENCIES[ccy], allow_nan=False, allow_infinity=False)))
quantities = st.decimals(min_value=0, max_value=10**6, places=2, allow_nan=False, allow_infinity=False)


@st.composite
def goods_lines(draw: st.DrawFn) -> GoodsLine:
    description = draw(text(8, word=lower_words))
    if draw(st.booleans()):
        return GoodsLine(description=description)
    return GoodsLine(description=description, quantity=draw(quantities), unit=draw(st.sampled_from(["UNITS", "PCS", "KGS", "MT"])),
                     unit_price=draw(quantities), model=draw(st.one_of(st.just(""), lower_words)),
                     quantity_about=draw(st.booleans()), unit_price_about=draw(st.booleans()))


@st.composite
def requirements(draw: st.DrawFn) -> DocumentRequirement:
    phrase = st.one_of(st.just(""), text(4, word=lower_words))
    return DocumentRequirement(
        doc_type=draw(st.sampled_from(list(DocType))), originals=draw(st.integers(0, 5)), copies=draw(st.integers(0, 3)),
        full_set=draw(st.booleans()), signed=draw(st.booleans()), issuer=draw(phrase), clean_on_board=draw(st.booleans()),
        consignee=draw(phrase), freight=draw(st.sampled_from(["", "PREPAID", "COLLECT"])),
        notify_applicant=draw(st.booleans()),
        insurance_percent=draw(st.one_of(st.none(), st.integers(100, 130).map(Decimal))),
        insurance_risks=tuple(draw(st.lists(text(4, word=lower_words), max_size=2))),
        text=draw(st.one_of(st.just(""), text(12))))


@st.composite
def instalments(draw: st.DrawFn) -> Instalment:
    return Instalment(latest=draw(st.dates()), quantity=draw(quantities),
                      earliest=draw(st.one_of(st.none(), st.dates())), amount=draw(st.one_of(st.none(), quantities)))


@st.composite
def credit_terms(draw: st.DrawFn) -> CreditTerms:
    pool = draw(bank_pool())
    issuing, advising, *_others = pool
    currency, amount = draw(money)
    nominated = draw(st.one_of(st.none(), st.sampled_from(pool)))
    available_with = nominated.bic if nominated else draw(st.one_of(st.just("ANY BANK"), text(4)))
    confirmation = draw(st.sampled_from(list(Confirmation)))
    confirming = draw(st.sampled_from(pool)) if confirmation != Confirmation.WITHOUT else \
        draw(st.one_of(st.none(), st.sampled_from(pool)))
    payment = draw(st.sampled_from(["drafts", "mixed", "deferred", "none"]))
    drawee_bank = st.one_of(st.sampled_from(pool), st.builds(Bank, name=names, country=countries))
    shipment = draw(st.sampled_from(["latest", "period", "none"]))
    incoterm = draw(st.sampled_from(["", *INCOTERMS]))
    tolerance = draw(st.one_of(st.none(), st.tuples(st.integers(0, 99), st.integers(0, 99))))
    return CreditTerms(
        credit_number=draw(st.text(string.ascii_uppercase + string.digits, min_size=1, max_size=16)),
        form=draw(st.sampled_from(list(Form))), applicable_rules=draw(st.sampled_from(list(ApplicableRules))),
        issue_date=draw(dates), expiry_date=draw(dates), expiry_place=draw(text(2)),
        applicant=draw(parties), beneficiary=draw(parties), currency=currency, amount=amount,
        banks=Banks(issuing=issuing, advising=advising, confirming=confirming, nominated=nominated,
                    reimbursing=draw(st.one_of(st.none(), st.sampled_from(pool))),
                    drawee=draw(drawee_bank) if payment == "drafts" else None),
        available_with=available_with, available_by=draw(st.sampled_from(list(AvailableBy))),
        goods=tuple(draw(st.lists(goods_lines(), max_size=4))),
        documents=tuple(draw(st.lists(requirements(), max_size=4))),
        tolerance_plus=Decimal(tolerance[0]) if tolerance else None,
        tolerance_minus=Decimal(tolerance[1]) if tolerance else None,
        amount_about=draw(st.booleans()),
        drafts_at=draw(text(6)) if payment == "drafts" else "",
        mixed_payment=draw(text(6)) if payment == "mixed" else "",
        deferred_payment=draw(text(6)) if payment == "deferred" else "",
        partial_shipments=draw(st.sampled_from(["", *ShipmentPermission])),
        transhipment=draw(st.sampled_from(["", *ShipmentPermission])),
        place_of_receipt=draw(optional_text(10)), port_of_loading=draw(optional_text(10)),
        port_of_discharge=draw(optional_text(10)), final_destination=draw(optional_text(10)),
        latest_shipment=draw(dates) if shipment == "latest" else None,
        shipment_period=draw(text(8)) if shipment == "period" else "",
        incoterm=incoterm, incoterm_place=draw(optional_text(3)) if incoterm else "",
        additional_conditions=tuple(draw(st.lists(text(12), max_size=3))),
        charges=draw(optional_text(12)),
        presentation_period_days=draw(st.one_of(st.none(), st.integers(0, 999))),
        confirmation=confirmation,
        instalments=tuple(draw(st.lists(instalments(), max_size=2))),
    )
