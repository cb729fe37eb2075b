"""An amendment's changed terms -> MT707 (+ MT708s) and back.

``changes`` is what ``Amendment.changes`` holds: changed top-level terms fields, JSON-encoded as
the terms are. Narrative fields travel as item changes on the base credit's items: ``/ADD/``
(append), ``/DELETE/`` (remove that item), or ``/REPALL/`` (replace them all) when the change is
not a pure addition or removal. Like the MT700, every MT707 built is read back and compared.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from lc.examination.serde import ExaminationDataError, encode
from lc.examination.types import CreditTerms
from lc.swift import mt700 as credit
from lc.swift import phrases as ph
from lc.swift.errors import MappingProblem, TermsMappingError
from lc.swift.fieldcodec import Directory, Writer, item_text, joined, read_amount, read_date, tag_of, terms_kwargs
from lc.swift.message import Field, Message, build
from lc.swift.overflow import AMENDMENT_NARRATIVES, assemble_narratives, split
from lc.swift.validate import validate
from lc.swift.wrap import item_start

FROZEN = ("credit_number", "applicant", "beneficiary", "banks", "issue_date", "currency")
_CODES = ("/ADD/", "/DELETE/", "/REPALL/")


@dataclass(frozen=True)
class AmendmentFromMessages:
    number: int
    amendment_date: date
    changes: dict[str, Any]  # JSON-encoded like Amendment.changes
    terms: CreditTerms  # the base terms with the changes applied
    notes: tuple[MappingProblem, ...] = ()


def amended(base: CreditTerms, changes: Mapping[str, Any]) -> CreditTerms:
    try:
        return CreditTerms.from_dict({**base.to_dict(), **changes})
    except ExaminationDataError as exc:
        raise TermsMappingError([MappingProblem(p, tag_of(p), m) for p, m in exc.errors.items()]) from exc


def amendment_to_mt707(*, base: CreditTerms, changes: Mapping[str, Any], number: int, amendment_date: date,
                       receiver_reference: str = "NONREF",
                       user_header: tuple[tuple[str, str], ...] = ()) -> list[Message]:
    """The MT707 for amendment ``number`` of the credit ``base``, then its MT708s."""
    new = amended(base, changes)
    w = Writer()
    changed = [k for k in CreditTerms.__dataclass_fields__ if getattr(new, k) != getattr(base, k)]
    for key in changed:
        if key in FROZEN:
            w.problem(key, tag_of(key), "cannot be amended by MT707 on TradeChain")
    fields = [*_head(w, base, number, amendment_date, receiver_reference), *_changed_fields(w, base, new, changed)]
    if w.problems:
        raise TermsMappingError(w.problems)
    after = next((f.tag for f in fields if f.tag in ("71D", "71N", "48", "49")), "")
    head = [f for f in fields if f.tag in ("27", "20", "21", "23", "26E", "30")]
    groups = split(fields, AMENDMENT_NARRATIVES, head, w, after)
    if w.problems:
        raise TermsMappingError(w.problems)
    assert base.banks.advising is not None
    messages = [build("707" if i == 0 else "708", sender_bic=base.banks.issuing.bic,
                      receiver_bic=base.banks.advising.bic, fields=g, user_header=user_header)
                for i, g in enumerate(groups)]
    _check(messages, base, new)
    return messages


def _check(messages: list[Message], base: CreditTerms, new: CreditTerms) -> None:
    problems = [MappingProblem("", f.tag, f.message, f.code) for m in messages for f in validate(m)]
    if problems:
        raise TermsMappingError(problems)
    back = mt707_to_amendment(messages, base=base).terms
    if back != new:
        from lc.examination.issuance import diff_terms

        raise TermsMappingError([MappingProblem(p, tag_of(p), "the MT707 would not carry this change unchanged")
                                 for p in diff_terms(new, back)])


def _head(w: Writer, base: CreditTerms, number: int, day: date, receiver_reference: str) -> list[Field]:
    if not 1 <= number <= 999:
        w.problem("number", "26E", "the amendment number must be 1 to 999")
    ref = w.line("receiver_reference", "21", receiver_reference, 16) or "NONREF"
    return [Field("27", ("1/1",)), Field("20", (base.credit_number,)), Field("21", (ref,)),
            Field("23", (base.credit_number,)), Field("31C", (w.date("issue_date", "31C", base.issue_date) or "",)),
            Field("26E", (str(number),)), Field("30", (w.date("amendment_date", "30", day) or "",)),
            Field("22A", ("ISSU",))]


def _changed_fields(w: Writer, base: CreditTerms, new: CreditTerms, changed: list[str]) -> list[Field]:
    tags = {tag_of(k) for k in changed} - {"45A", "46A", "47A", "32B"}
    for key in changed:
        if _removed(getattr(base, key), getattr(new, key)) and tag_of(key) not in ("45A", "46A", "47A", "32B"):
            w.problem(key, tag_of(key), "MT707 cannot remove a field; state the change in 47B instead")
    out = []
    for fld in credit.credit_fields(w, new):
        if fld.tag in tags or (fld.tag[:2] in {t[:2] for t in tags if t.endswith("a")} and len(fld.tag) == 3):
            out.append(fld)
    delta = new.amount - base.amount
    if delta:
        text = w.amount("amount", "32B", new.currency, abs(delta))
        out.insert(_position(out, "32B"), Field("32B" if delta > 0 else "33B", (text or "",)))
    for tag, groups in (("45B", credit.goods_items), ("46B", credit.document_items), ("47B", credit.condition_items)):
        lines = _narrative(w, tag, [_text(g) for g in groups(Writer(), base)], [_text(g) for g in groups(w, new)])
        if lines:
            out.insert(_position(out, tag), Field(tag, tuple(lines)))
    return out


def _removed(old: Any, new: Any) -> bool:
    return old not in (None, "", ()) and new in (None, "", ())


_ORDER = ("40A", "40E", "31D", "32B", "33B", "39A", "41", "42C", "42", "42M", "42P", "43P", "43T", "44A", "44E",
          "44F", "44B", "44C", "44D", "45B", "46B", "47B", "71D", "48", "49", "58", "53")


def _rank(tag: str) -> int:
    return _ORDER.index(tag) if tag in _ORDER else _ORDER.index(tag[:2])


def _position(fields: list[Field], tag: str) -> int:
    return next((i for i, f in enumerate(fields) if _rank(f.tag) > _rank(tag)), len(fields))


def _text(group: list[str]) -> str:
    """An item's text; a 46A clause line is kept apart by a line break."""
    at = next((k for k, ln in enumerate(group) if k and ln.startswith(ph.CLAUSE)), len(group))
    head = item_text(group[:at])
    return head + ("\n" + " ".join(group[at:]) if at < len(group) else "")


def _narrative(w: Writer, tag: str, old: list[str], new: list[str]) -> list[str]:
    if old == new:
        return []
    if new[:len(old)] == old:
        entries = [("/ADD/", [t]) for t in new[len(old):]]
    elif len(set(old)) == len(old) and _subsequence(new, old):
        entries = [("/DELETE/", [t]) for t in old if t not in new]
    else:
        entries = [("/REPALL/", new)]
    lines: list[str] = []
    for code, texts in entries:
        for k, text in enumerate(texts):
            head, _, clause = text.partition("\n")
            lines += w.text(tag, tag, f"{code if k == 0 else ''}+{head}", 65, 100, z=True, allowed=item_start) or []
            if clause:
                lines += w.text(tag, tag, clause, 65, 100, z=True, allowed=item_start) or []
    return lines


def _subsequence(short: list[str], long: list[str]) -> bool:
    it = iter(long)
    return all(any(x == y for y in it) for x in short)


# Reading ------------------------------------------------------------------------------------


def mt707_to_amendment(messages: Sequence[Message], *, base: CreditTerms,
                       directory: Directory | None = None) -> AmendmentFromMessages:
    """An MT707 and its MT708s applied to the credit's current terms ``base``."""
    mt707, narratives = assemble_narratives(messages, "707")
    notes: list[MappingProblem] = []
    values = _read_single(mt707, base, directory)
    for tag, reader in (("45B", _read_goods), ("46B", _read_documents), ("47B", _read_conditions)):
        if narratives.get(tag):
            values.update(reader(base, values, _apply(tag, _base_items(tag, base), narratives[tag]), notes))
    new = CreditTerms(**{**terms_kwargs(base), **values})
    changes = {k: encode(getattr(new, k)) for k in CreditTerms.__dataclass_fields__ if getattr(new, k) != getattr(base, k)}
    return AmendmentFromMessages(int(mt707.text("26E") or 0), read_date(mt707.text("30")), changes, new, tuple(notes))


def _read_single(mt707: Message, base: CreditTerms, directory: Directory | None) -> dict[str, Any]:
    """Non-narrative fields: read as an MT700 would, over the base terms' values."""
    values: dict[str, Any] = {}
    simple = {"40A": "form", "40E": "applicable_rules", "43P": "partial_shipments", "43T": "transhipment",
              "49": "confirmation", **{tag: path for path, tag in credit.PLACES}}
    for tag, path in simple.items():
        if mt707.get(tag):
            values[path] = mt707.text(tag)
    for tag, path in (("42C", "drafts_at"), ("42M", "mixed_payment"), ("42P", "deferred_payment"),
                      ("44D", "shipment_period"), ("71D", "charges")):
        if mt707.get(tag):
            values[path] = joined(mt707.get(tag))
    if mt707.get("31D"):
        values["expiry_date"], values["expiry_place"] = read_date(mt707.text("31D")[:6]), mt707.text("31D")[6:]
    if mt707.get("44C"):
        values["latest_shipment"] = read_date(mt707.text("44C"))
    if mt707.get("32B") or mt707.get("33B"):
        up, down = mt707.text("32B"), mt707.text("33B")
        values["amount"] = base.amount + (read_amount(up)[1] if up else -read_amount(down)[1])
    values.update(credit._tolerance(mt707))
    if mt707.get("48"):
        values["presentation_period_days"] = int(mt707.text("48").partition("/")[0])
    if mt707.get("41a"):
        got = credit._availability(mt707, directory)
        values["available_with"], values["available_by"] = got["available_with"], got["available_by"]
    return values


def _base_items(tag: str, base: CreditTerms) -> list[str]:
    render = {"45B": credit.goods_items, "46B": credit.document_items, "47B": credit.condition_items}[tag]
    return [_text(g) for g in render(Writer(), base)]


def _apply(tag: str, items: list[str], lines: list[str]) -> list[str]:
    """Apply /ADD/ /DELETE/ /REPALL/ entries to the base items' texts."""
    out = list(items)
    for code, texts in _entries(lines):
        if code == "/ADD/":
            out += texts
        elif code == "/DELETE/":
            for text in texts:
                if text not in out:
                    raise TermsMappingError([MappingProblem("", tag, f"/DELETE/ names an item the credit does not have: {text[:60]!r}")])
                out.remove(text)
        else:
            out = texts
    return out


def _entries(lines: list[str]) -> list[tuple[str, list[str]]]:
    """[(code, [item text, ...])]: an entry starts at a line with a code; '+' starts an item."""
    entries: list[tuple[str, list[list[str]]]] = []
    for line in lines:
        code = next((c for c in _CODES if line.startswith(c)), "")
        if code:
            entries.append((code, [[line[len(code):]]]))
        elif not entries:
            raise TermsMappingError([MappingProblem("", "45B", "a narrative amendment must start with /ADD/, /DELETE/ or /REPALL/")])
        elif line.startswith("+"):
            entries[-1][1].append([line])
        else:
            entries[-1][1][-1].append(line)
    return [(code, [_text(g) for g in groups]) for code, groups in entries]


def _read_goods(base: CreditTerms, values: dict[str, Any], texts: list[str], notes: list[MappingProblem]) -> dict[str, Any]:
    return credit.read_goods([f"+{t}" for t in texts], notes)


def _read_documents(base: CreditTerms, values: dict[str, Any], texts: list[str],
                    notes: list[MappingProblem]) -> dict[str, Any]:
    incoterm = values.get("incoterm", base.incoterm)
    basis_word = incoterm if incoterm in ("CIF", "CIP") else "INVOICE"
    docs = []
    for text in texts:
        head, _, clause = text.partition("\n")
        req = ph.read_document_item(head, clause[len(ph.CLAUSE) + 1:] if clause else None, basis_word)
        if req is None:
            notes.append(MappingProblem("documents", "46B", f"not a document TradeChain examines: {head[:60]!r}"))
        else:
            docs.append(req)
    return {"documents": tuple(docs)}


def _read_conditions(base: CreditTerms, values: dict[str, Any], texts: list[str],
                     notes: list[MappingProblem]) -> dict[str, Any]:
    return credit.read_conditions([f"+{t}" for t in texts], notes)
