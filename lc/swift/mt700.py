"""Credit terms -> MT700 (+ MT701s) and back.

Every message built is read back and compared with the terms before it is returned: a value
the messages would carry changed (or not at all) is refused with its field named, never sent.
Banks travel by BIC (option A) and are resolved through a directory of known banks; a bank
without a BIC is written by name (option D).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from lc.examination.issuance import diff_terms
from lc.examination.types import Banks, CreditTerms, DocumentRequirement, GoodsLine, Instalment
from lc.swift import phrases as ph
from lc.swift.errors import MappingProblem, TermsMappingError
from lc.swift.fieldcodec import (
    Directory,
    Writer,
    directory_of,
    item_text,
    items,
    joined,
    read_amount,
    read_bank,
    read_date,
    read_party,
    resolve,
    tag_of,
)
from lc.swift.message import Field, Message, bic_of, build
from lc.swift.overflow import assemble_narratives, split_credit
from lc.swift.validate import validate
from lc.swift.wrap import item_start


@dataclass(frozen=True)
class TermsFromMessages:
    terms: CreditTerms
    notes: tuple[MappingProblem, ...] = ()  # content the terms do not hold (59 account, 49G, 78 ...)


def terms_to_mt700(terms: CreditTerms, *, user_header: tuple[tuple[str, str], ...] = ()) -> list[Message]:
    """The MT700 to the advising bank, then the MT701s it needs (27: 1/n, 2/n ...)."""
    w = Writer()
    fields = credit_fields(w, terms)
    issuing, advising = terms.banks.issuing, terms.banks.advising
    if not issuing.bic:
        w.problem("banks.issuing.bic", "block 1", "the issuing bank needs a BIC to send an MT700")
    if advising is None or not advising.bic:
        w.problem("banks.advising.bic", "block 2", "the advising bank needs a BIC to receive an MT700")
    if w.problems:
        raise TermsMappingError(w.problems)
    assert advising is not None
    groups = split_credit(fields, w)
    if w.problems:
        raise TermsMappingError(w.problems)
    messages = [build("700" if i == 0 else "701", sender_bic=issuing.bic, receiver_bic=advising.bic, fields=g,
                      user_header=user_header) for i, g in enumerate(groups)]
    _check(messages, terms)
    return messages


def _check(messages: list[Message], terms: CreditTerms) -> None:
    problems = [MappingProblem(tag_of_finding(f.tag), f.tag, f.message, f.code)
                for m in messages for f in validate(m)]
    if problems:
        raise TermsMappingError(problems)
    known = [b for b in (terms.banks.issuing, terms.banks.advising, terms.banks.confirming, terms.banks.nominated,
                         terms.banks.reimbursing, terms.banks.drawee) if b is not None]
    back = mt700_to_terms(messages, directory=directory_of(known)).terms
    if back != terms:
        raise TermsMappingError([MappingProblem(p, tag_of(p), "the message would not carry this value unchanged")
                                 for p in diff_terms(terms, back)])


def tag_of_finding(tag: str) -> str:
    return next((path for path, t in _PATHS.items() if t == tag), tag)


_PATHS = {"form": "40A", "credit_number": "20", "applicable_rules": "40E", "confirmation": "49",
          "available_by": "41A", "partial_shipments": "43P", "transhipment": "43T", "banks.confirming": "58a"}


def credit_fields(w: Writer, t: CreditTerms) -> list[Field]:
    out: list[Field | None] = [
        Field("27", ("1/1",)),
        _one(w, "form", "40A", t.form, 24),
        _one(w, "credit_number", "20", t.credit_number, 16),
        _date(w, "issue_date", "31C", t),
        _one(w, "applicable_rules", "40E", t.applicable_rules, 30),
        field_31d(w, t),
        _lines(w.party("applicant", "50", t.applicant, t.applicant.address), "50"),
        _lines(w.party("beneficiary", "59", t.beneficiary, t.beneficiary.address), "59"),
        field_32b(w, t, t.amount, "32B"),
        field_39a(w, t),
        field_41a(w, t),
        *payment_fields(w, t),
        _one(w, "partial_shipments", "43P", t.partial_shipments, 11, optional=True),
        _one(w, "transhipment", "43T", t.transhipment, 11, optional=True),
        *place_fields(w, t),
        _date(w, "latest_shipment", "44C", t, optional=True),
        _text(w, "shipment_period", "44D", t.shipment_period, 65, 6),
        *narrative_fields(w, t),
        _text(w, "charges", "71D", t.charges, 35, 6, z=True),
        field_48(w, t),
        _one(w, "confirmation", "49", t.confirmation, 7),
        w.bank("banks.confirming", "58a", t.banks.confirming),
        w.bank("banks.reimbursing", "53a", t.banks.reimbursing),
    ]
    return [f for f in out if f is not None]


def _lines(lines: list[str] | None, tag: str) -> Field | None:
    return Field(tag, tuple(lines)) if lines else None


def _one(w: Writer, path: str, tag: str, value: str, width: int, *, optional: bool = False,
         z: bool = False) -> Field | None:
    if optional and value == "":
        return None
    line = w.line(path, tag, value, width, z=z)
    return Field(tag, (line,)) if line is not None else None


def _text(w: Writer, path: str, tag: str, value: str, width: int, lines: int, *, z: bool = False) -> Field | None:
    return _lines(w.text(path, tag, value, width, lines, z=z), tag) if value else None


def _date(w: Writer, path: str, tag: str, t: CreditTerms, *, optional: bool = False) -> Field | None:
    value = getattr(t, path)
    if optional and value is None:
        return None
    text = w.date(path, tag, value)
    return Field(tag, (text,)) if text else None


def field_31d(w: Writer, t: CreditTerms) -> Field | None:
    day = w.date("expiry_date", "31D", t.expiry_date)
    place = w.line("expiry_place", "31D", t.expiry_place, 29)
    return Field("31D", (day + place,)) if day and place else None


def field_32b(w: Writer, t: CreditTerms, amount: Decimal, tag: str) -> Field | None:
    text = w.amount("amount", tag, t.currency, amount)
    return Field(tag, (text,)) if text else None


def field_39a(w: Writer, t: CreditTerms) -> Field | None:
    plus, minus = t.tolerance_plus, t.tolerance_minus
    if plus is None and minus is None:
        return None
    if plus is None or minus is None:
        w.problem("tolerance_plus", "39A", "39A carries both tolerances: give the other one as 0")
        return None
    for value in (plus, minus):
        if value != value.to_integral_value() or not 0 <= value <= 99:
            w.problem("tolerance_plus", "39A", "tolerances are whole percentages from 0 to 99")
            return None
    return Field("39A", (f"{int(plus):02d}/{int(minus):02d}",))


def field_41a(w: Writer, t: CreditTerms) -> Field | None:
    by = w.line("available_by", "41a", t.available_by, 14)
    nominated = t.banks.nominated
    if by is None:
        return None
    if nominated is not None and nominated.bic:
        if t.available_with != nominated.bic:
            w.problem("available_with", "41a", "must be the nominated bank's BIC (banks.nominated)")
            return None
        bank = w.bank("banks.nominated", "41a", nominated)
        return Field("41A", (*bank.lines, by)) if bank else None
    with_lines = w.text("available_with", "41a", t.available_with, 35, 4)
    return Field("41D", (*with_lines, by)) if with_lines else None


def payment_fields(w: Writer, t: CreditTerms) -> list[Field | None]:
    return [
        _text(w, "drafts_at", "42C", t.drafts_at, 35, 3),
        w.bank("banks.drawee", "42a", t.banks.drawee),
        _text(w, "mixed_payment", "42M", t.mixed_payment, 35, 4),
        _text(w, "deferred_payment", "42P", t.deferred_payment, 35, 4),
    ]


def place_fields(w: Writer, t: CreditTerms) -> list[Field | None]:
    return [_one(w, path, tag, getattr(t, path), 140, optional=True, z=True) for path, tag in PLACES]


PLACES = (("place_of_receipt", "44A"), ("port_of_loading", "44E"), ("port_of_discharge", "44F"),
          ("final_destination", "44B"))


def field_48(w: Writer, t: CreditTerms) -> Field | None:
    days = t.presentation_period_days
    if days is None:
        return None
    if not 0 <= days <= 999:
        w.problem("presentation_period_days", "48", "must be 0 to 999 days")
        return None
    return Field("48", (str(days),))


def basis(t: CreditTerms) -> str:
    return t.incoterm.upper() if t.incoterm.upper() in ("CIF", "CIP") else "INVOICE"


def goods_items(w: Writer, t: CreditTerms) -> list[list[str]]:
    out = []
    for i, line in enumerate(t.goods):
        phrase = ph.goods_item(line, t.currency)
        if phrase is None:
            w.problem(f"goods[{i}]", "45A", "give both quantity and unit price (or neither) to write this line")
        out.append(_item(w, f"goods[{i}]", "45A", phrase or line.description))
    if t.incoterm or t.incoterm_place:
        out.append(_item(w, "incoterm", "45A", ph.incoterm_item(t.incoterm, t.incoterm_place)))
    return out


def document_items(w: Writer, t: CreditTerms) -> list[list[str]]:
    out = []
    for i, req in enumerate(t.documents):
        head, clause = ph.document_item(req, basis(t))
        lines = _item(w, f"documents[{i}]", "46A", head)
        if clause:
            lines += w.text(f"documents[{i}].text", "46A", f"{ph.CLAUSE} {clause}", 65, 100, z=True,
                            allowed=item_start) or []
        out.append(lines)
    return out


def condition_items(w: Writer, t: CreditTerms) -> list[list[str]]:
    out = [_item(w, f"additional_conditions[{i}]", "47A", c) for i, c in enumerate(t.additional_conditions)]
    out += [_item(w, f"instalments[{i}]", "47A", ph.instalment_item(i + 1, inst)) for i, inst in enumerate(t.instalments)]
    if t.amount_about:
        out.append(_item(w, "amount_about", "47A", ph.ABOUT_ITEM))
    return out


def _item(w: Writer, path: str, tag: str, text: str) -> list[str]:
    return w.text(path, tag, f"+{text}", 65, 100, z=True, allowed=item_start) or []


def narrative_fields(w: Writer, t: CreditTerms) -> list[Field | None]:
    out: list[Field | None] = []
    for tag, groups in (("45A", goods_items(w, t)), ("46A", document_items(w, t)), ("47A", condition_items(w, t))):
        lines = tuple(ln for g in groups for ln in g)
        out.append(Field(tag, lines) if lines else None)
    return out


# Reading ------------------------------------------------------------------------------------


def mt700_to_terms(messages: Sequence[Message], *, directory: Directory | None = None) -> TermsFromMessages:
    """An MT700 and its MT701s (any order) back to credit terms, with notes on what the terms do
    not hold. ``directory`` resolves BICs to the banks the platform knows."""
    mt700, narratives = assemble_narratives(messages)
    notes: list[MappingProblem] = []
    get = mt700.get
    kwargs: dict[str, Any] = {
        "credit_number": mt700.text("20"), "form": mt700.text("40A"), "applicable_rules": mt700.text("40E"),
        "issue_date": read_date(mt700.text("31C")),
        "expiry_date": read_date(mt700.text("31D")[:6]), "expiry_place": mt700.text("31D")[6:],
        "applicant": read_party(mt700.all("50")[0].lines),
        "beneficiary": _beneficiary(mt700, notes),
        "partial_shipments": mt700.text("43P"), "transhipment": mt700.text("43T"),
        "drafts_at": joined(get("42C")), "mixed_payment": joined(get("42M")), "deferred_payment": joined(get("42P")),
        "shipment_period": joined(get("44D")), "charges": joined(get("71D")), "confirmation": mt700.text("49"),
        **{path: mt700.text(tag) for path, tag in PLACES},
    }
    kwargs["currency"], kwargs["amount"] = read_amount(mt700.text("32B"))
    kwargs.update(_tolerance(mt700), **_availability(mt700, directory), **_shipment_dates(mt700, notes))
    kwargs["banks"] = Banks(
        issuing=resolve(directory, bic_of(mt700.sender)), advising=resolve(directory, bic_of(mt700.receiver)),
        confirming=_bank(mt700, "58a", directory), nominated=kwargs.pop("nominated"),
        reimbursing=_bank(mt700, "53a", directory), drawee=_bank(mt700, "42a", directory))
    kwargs.update(read_goods(narratives.get("45A", []), notes))
    basis_word = kwargs["incoterm"] if kwargs["incoterm"] in ("CIF", "CIP") else "INVOICE"
    kwargs.update(read_documents(narratives.get("46A", []), notes, basis_word),
                  **read_conditions(narratives.get("47A", []), notes))
    for tag in ("23", "51a", "39C", "49G", "49H", "78", "57a", "72Z"):
        if mt700.get(tag) is not None or narratives.get(tag):
            notes.append(MappingProblem("", tag, "kept in the message only: the credit terms have no such field"))
    return TermsFromMessages(CreditTerms(**kwargs), tuple(notes))


def _beneficiary(mt700: Message, notes: list[MappingProblem]) -> Any:
    lines = list(mt700.all("59")[0].lines)
    if lines[0].startswith("/") and len(lines) > 1:
        notes.append(MappingProblem("beneficiary", "59", f"account {lines[0][1:]} is kept in the message only"))
        lines = lines[1:]
    return read_party(lines)


def _bank(message: Message, tag: str, directory: Directory | None) -> Any:
    fld = message.get(tag)
    return read_bank(fld, directory) if fld else None


def _tolerance(message: Message) -> dict[str, Any]:
    text = message.text("39A")
    if not text:
        return {}
    plus, minus = text.split("/")
    return {"tolerance_plus": Decimal(int(plus)), "tolerance_minus": Decimal(int(minus))}


def _availability(message: Message, directory: Directory | None) -> dict[str, Any]:
    fld = message.all("41a")[0]
    if fld.letter == "A":
        return {"available_with": fld.lines[0], "available_by": fld.lines[-1],
                "nominated": resolve(directory, fld.lines[0])}
    return {"available_with": " ".join(fld.lines[:-1]), "available_by": fld.lines[-1], "nominated": None}


def _shipment_dates(message: Message, notes: list[MappingProblem]) -> dict[str, Any]:
    out: dict[str, Any] = {"latest_shipment": read_date(message.text("44C")) if message.get("44C") else None}
    text = message.text("48")
    if text:
        days, _, narrative = text.partition("/")
        out["presentation_period_days"] = int(days)
        if narrative:
            notes.append(MappingProblem("presentation_period_days", "48", f"narrative {narrative!r} is kept in the message only"))
    return out


def read_goods(lines: list[str], notes: list[MappingProblem]) -> dict[str, Any]:
    goods: list[GoodsLine] = []
    out: dict[str, Any] = {"incoterm": "", "incoterm_place": ""}
    for i, group in enumerate(items(lines)):
        text = item_text(group)
        term = ph.read_incoterm(text)
        line = ph.read_goods_item(text) if term is None else None
        if line is not None and line.quantity is None and (split := ph.split_trailing_incoterm(text)):
            line, term = ph.read_goods_item(split[0]), split[1]  # "... PER UNIT CIF HONG KONG INCOTERMS 2020"
        if line is not None:
            goods.append(line)
            if line.quantity is None:
                notes.append(MappingProblem(f"goods[{i}]", "45A", "read as a description without quantity or price"))
        if term is not None:
            out["incoterm"], out["incoterm_place"] = term
    out["goods"] = tuple(goods)
    return out


def read_documents(lines: list[str], notes: list[MappingProblem], basis_word: str) -> dict[str, Any]:
    docs: list[DocumentRequirement] = []
    for i, group in enumerate(items(lines)):
        req = read_document_lines(group, basis_word)
        if req is None:
            notes.append(MappingProblem(f"documents[{i}]", "46A", f"not a document TradeChain examines: {item_text(group)[:60]!r}"))
        else:
            docs.append(req)
    return {"documents": tuple(docs)}


def read_document_lines(group: list[str], basis_word: str) -> DocumentRequirement | None:
    at = next((k for k, ln in enumerate(group) if k and ln.startswith(ph.CLAUSE)), len(group))
    head = item_text(group[:at])
    clause = " ".join(group[at:])[len(ph.CLAUSE) + 1:] if at < len(group) else None
    return ph.read_document_item(head, clause, basis_word)


def read_conditions(lines: list[str], notes: list[MappingProblem]) -> dict[str, Any]:
    conditions: list[str] = []
    instalments: list[Instalment] = []
    about = False
    for group in items(lines):
        text = item_text(group)
        inst = ph.read_instalment(text)
        if inst is not None and inst[0] == len(instalments) + 1:
            instalments.append(inst[1])
        elif text == ph.ABOUT_ITEM:
            about = True
        else:
            conditions.append(text)
    return {"additional_conditions": tuple(conditions), "instalments": tuple(instalments), "amount_about": about}
