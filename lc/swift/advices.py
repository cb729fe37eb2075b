"""The other messages of a credit's life, built from the facts a service has (MT730, 732, 734,
750, 752, 754, 756), and read back from an imported message (MT734, 754, 756).

Each builder refuses (``TermsMappingError``, field named) any value a field cannot carry as
given, and returns only messages the validator passes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from lc.swift.errors import MappingProblem, TermsMappingError
from lc.swift.fieldcodec import Writer, joined, read_amount, read_date
from lc.swift.message import Field, Message, build
from lc.swift.specs import DISPOSAL_CODES
from lc.swift.validate import validate
from lc.swift.wrap import item_start

Money = tuple[str, Decimal]  # (ISO 4217 code, amount)


class _Builder:
    def __init__(self, reference: str, related: str) -> None:
        self.w = Writer()
        self.fields: list[Field] = []
        self.one("20", reference, 16)
        self.one("21", related, 16)

    def one(self, tag: str, value: str, width: int) -> None:
        line = self.w.line(tag, tag, value, width)
        if line is not None:
            self.fields.append(Field(tag, (line,)))

    def text(self, tag: str, value: str, width: int, lines: int, *, z: bool = True) -> None:
        if value:
            got = self.w.text(tag, tag, value, width, lines, z=z)
            if got:
                self.fields.append(Field(tag, tuple(got)))

    def items(self, tag: str, entries: Sequence[str], width: int, lines: int) -> None:
        """Each entry as a '+' item (77J discrepancies), the whole within ``lines`` lines."""
        out: list[str] = []
        for i, entry in enumerate(entries):
            out += self.w.text(f"{tag}[{i}]", tag, f"+{entry}", width, lines, z=True, allowed=item_start) or []
        if len(out) > lines:
            self.w.problem(tag, tag, f"needs {len(out)} lines of {width}; the field holds {lines}")
        elif out:
            self.fields.append(Field(tag, tuple(out)))

    def money(self, tag: str, value: Money | None, day: date | None = None) -> None:
        if value is None:
            return
        amount = self.w.amount(tag, tag, value[0], value[1])
        stamp = self.w.date(tag, tag, day) if day is not None else ""
        if amount is not None and stamp is not None:
            self.fields.append(Field(tag, (stamp + amount,)))

    def date(self, tag: str, day: date) -> None:
        stamp = self.w.date(tag, tag, day)
        if stamp:
            self.fields.append(Field(tag, (stamp,)))

    def finish(self, mt: str, sender_bic: str, receiver_bic: str) -> Message:
        if self.w.problems:
            raise TermsMappingError(self.w.problems)
        message = build(mt, sender_bic=sender_bic, receiver_bic=receiver_bic, fields=self.fields)
        findings = validate(message)
        if findings:
            raise TermsMappingError([MappingProblem("", f.tag, f.message, f.code) for f in findings])
        return message


def build_mt730(*, sender_bic: str, receiver_bic: str, reference: str, related_reference: str, acknowledged_on: date,
                charges: Money | None = None, charges_text: str = "", narrative: str = "") -> Message:
    """Acknowledgement; also the beneficiary's acceptance or rejection of an amendment (79Z)."""
    b = _Builder(reference, related_reference)
    b.date("30", acknowledged_on)
    if charges is not None:
        b.money("32B", charges)
    b.text("71D", charges_text, 35, 6)
    b.text("79Z", narrative, 50, 35)
    return b.finish("730", sender_bic, receiver_bic)


def build_mt734(*, sender_bic: str, receiver_bic: str, reference: str, presenting_reference: str, utilisation_date: date,
                amount: Money, discrepancies: Sequence[str], disposal: str, disposal_text: str = "",
                charges_claimed: str = "", total_claimed: Money | None = None, information: str = "") -> Message:
    """Advice of refusal (UCP 600 art. 16(c)): 77J lists the discrepancies, 77B the disposal code
    (HOLD, NOTIFY, PREVINST or RETURN)."""
    b = _Builder(reference, presenting_reference)
    b.money("32A", amount, utilisation_date)
    b.text("73A", charges_claimed, 35, 6)
    if total_claimed is not None:
        b.money("33B", total_claimed)
    b.text("72Z", information, 35, 6)
    b.items("77J", discrepancies, 50, 70)
    if disposal not in DISPOSAL_CODES:
        b.w.problem("disposal", "77B", f"must be one of {', '.join(DISPOSAL_CODES)}", "T08")
    b.text("77B", f"/{disposal}/{disposal_text}".rstrip(), 35, 3, z=False)
    return b.finish("734", sender_bic, receiver_bic)


def build_mt750(*, sender_bic: str, receiver_bic: str, reference: str, related_reference: str, principal: Money,
                discrepancies: Sequence[str], additional: Money | None = None, charges_deducted: str = "",
                charges_added: str = "", total: Money | None = None) -> Message:
    b = _Builder(reference, related_reference)
    b.money("32B", principal)
    b.money("33B", additional)
    b.text("71D", charges_deducted, 35, 6)
    b.text("73A", charges_added, 35, 6)
    b.money("34B", total)
    b.items("77J", discrepancies, 50, 70)
    return b.finish("750", sender_bic, receiver_bic)


def build_mt752(*, sender_bic: str, receiver_bic: str, reference: str, related_reference: str,
                further_identification: str, advice_date: date, total_advised: Money | None = None,
                charges_deducted: str = "", net_amount: Money | None = None, net_value_date: date | None = None,
                narrative: str = "") -> Message:
    """Authorisation to pay, accept or negotiate despite the discrepancies advised (MT750)."""
    b = _Builder(reference, related_reference)
    b.one("23", further_identification, 16)
    b.date("30", advice_date)
    b.money("32B", total_advised)
    b.text("71D", charges_deducted, 35, 6)
    if net_amount is not None:
        b.money("33A" if net_value_date else "33B", net_amount, net_value_date)
    b.text("79Z", narrative, 50, 35)
    return b.finish("752", sender_bic, receiver_bic)


def build_mt754(*, sender_bic: str, receiver_bic: str, reference: str, related_reference: str, principal: Money,
                value_date: date | None = None, additional: Money | None = None, charges_deducted: str = "",
                charges_added: str = "", total: Money | None = None, total_value_date: date | None = None,
                narrative: str = "") -> Message:
    """Advice of payment/acceptance/negotiation: 32A with a value date, else 32B."""
    b = _Builder(reference, related_reference)
    b.money("32A" if value_date else "32B", principal, value_date)
    b.money("33B", additional)
    b.text("71D", charges_deducted, 35, 6)
    b.text("73A", charges_added, 35, 6)
    if total is not None:
        b.money("34A" if total_value_date else "34B", total, total_value_date)
    b.text("77", narrative, 35, 20, z=False)
    return b.finish("754", sender_bic, receiver_bic)


def build_mt756(*, sender_bic: str, receiver_bic: str, reference: str, related_reference: str, total_claimed: Money,
                amount_paid: Money, value_date: date, narrative: str = "") -> Message:
    b = _Builder(reference, related_reference)
    b.money("32B", total_claimed)
    b.money("33A", amount_paid, value_date)
    b.text("79Z", narrative, 50, 35)
    return b.finish("756", sender_bic, receiver_bic)


def build_mt732(*, sender_bic: str, receiver_bic: str, reference: str, related_reference: str, advice_date: date,
                amount: Money, information: str = "") -> Message:
    b = _Builder(reference, related_reference)
    b.date("30", advice_date)
    b.money("32B", amount)
    b.text("72Z", information, 35, 6)
    return b.finish("732", sender_bic, receiver_bic)


@dataclass(frozen=True)
class Refusal:
    reference: str
    presenting_reference: str
    utilisation_date: date
    amount: Money
    discrepancies: tuple[str, ...]
    disposal: str
    disposal_text: str
    charges: str = ""  # 73A, as written (6*35z)
    total: Money | None = None  # 33a: the total amount claimed (with 73A)


@dataclass(frozen=True)
class Payment:
    reference: str
    related_reference: str
    amount: Money
    value_date: date | None
    total: Money | None


def read_mt734(message: Message) -> Refusal:
    """An imported (validated) MT734 as the refusal it records."""
    stamp = message.text("32A")
    lines = list(message.all("77J")[0].lines)
    groups: list[list[str]] = []
    for line in lines:
        if line.startswith("+") or not groups:
            groups.append([line])
        else:
            groups[-1].append(line)
    disposal = joined(message.get("77B"))
    code, _, rest = disposal[1:].partition("/")
    charges = message.get("73A")
    total = message.get("33a")
    return Refusal(message.reference, message.related_reference, read_date(stamp[:6]), read_amount(stamp[6:]),
                   tuple(" ".join(g).removeprefix("+") for g in groups), code, rest,
                   "\n".join(charges.lines) if charges else "",
                   read_amount(total.value[6:] if total.tag == "33A" else total.value) if total else None)


def read_payment(message: Message) -> Payment:
    """An imported MT754 (32a principal, 34a total) or MT756 (33A amount paid, 32B claimed)."""
    main = message.get("33A") if message.message_type == "756" else message.get("32a")
    assert main is not None
    dated = main.tag.endswith("A")
    total_field = message.get("32B") if message.message_type == "756" else message.get("34a")
    total = None
    if total_field is not None:
        text = total_field.value
        total = read_amount(text[6:] if total_field.tag.endswith("A") else text)
    return Payment(message.reference, message.related_reference,
                   read_amount(main.value[6:] if dated else main.value),
                   read_date(main.value[:6]) if dated else None, total)
