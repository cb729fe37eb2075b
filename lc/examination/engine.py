"""Examination of a presentation against the credit (UCP 600 art. 14-16, checks C12-C27)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from lc.banking import BankingCalendar, examination_deadline, last_presentation_day
from lc.examination.amounts import check_amounts, check_instalments, check_quantities
from lc.examination.consistency import check_consistency
from lc.examination.context import Context, build_context
from lc.examination.dates import (
    check_document_dates,
    check_expiry,
    check_presentation_period,
    check_shipment_date,
)
from lc.examination.documents import check_addresses, check_presence
from lc.examination.insurance import check_insurance
from lc.examination.invoice import check_invoice
from lc.examination.roles import check_roles
from lc.examination.serde import JsonValue
from lc.examination.transport import check_clean, check_partial_shipments, check_ports, check_transhipment
from lc.examination.types import CreditTerms, Discrepancy, Presentation, PreviousShipment
from lc.examination.units import convert

Check = Callable[[Context], "list[Discrepancy] | None"]

# Order is presentation order of the checks; a check returning None did not apply.
CHECKS: tuple[tuple[str, Check], ...] = (
    ("C12", check_expiry),
    ("C13", check_presentation_period),
    ("C14", check_shipment_date),
    ("C15", check_document_dates),
    ("C16", check_invoice),
    ("C17", check_amounts),
    ("C17", check_quantities),
    ("C18", check_partial_shipments),
    ("C19", check_instalments),
    ("C20", check_transhipment),
    ("C21", check_presence),
    ("C22", check_ports),
    ("C23", check_clean),
    ("C24", check_insurance),
    ("C25", check_consistency),
    ("C25", check_roles),
    ("C27", check_addresses),
)


@dataclass(frozen=True, kw_only=True)
class ExaminationResult:
    """What the engine found.

    ``discrepancies`` holds every finding, each with its ``certainty``: "certain" findings are
    discrepancies on the face of the documents; "judge" findings (an unknown clause, a name that
    differs by a letter, a port the gazetteer does not know) are for the examiner to decide and
    are never counted against the presentation by the engine itself.
    """

    discrepancies: tuple[Discrepancy, ...]
    checks_run: tuple[str, ...]
    ignored_documents: tuple[int, ...]  # C26: positions of documents not required, disregarded
    # Art. 14(b), for the refusal workflow (C28); None while an eUCP presentation awaits its
    # notice of completeness, since the examination clock has not started (eUCP art. e7(a)).
    examination_deadline: date | None
    last_presentation_day: date | None

    @property
    def certain(self) -> tuple[Discrepancy, ...]:
        return tuple(d for d in self.discrepancies if d.certain)

    @property
    def for_examiner(self) -> tuple[Discrepancy, ...]:
        """Findings for the examiner to judge."""
        return tuple(d for d in self.discrepancies if not d.certain)

    @property
    def complying(self) -> bool:
        """No certain discrepancy (findings for the examiner may remain: see ``for_examiner``)."""
        return not self.certain

    @property
    def codes(self) -> frozenset[str]:
        """Codes of the certain discrepancies."""
        return frozenset(d.code for d in self.certain)

    @property
    def examiner_codes(self) -> frozenset[str]:
        return frozenset(d.code for d in self.for_examiner)

    def to_dict(self) -> dict[str, JsonValue]:
        return {
            "complying": self.complying,
            "needs_examiner": bool(self.for_examiner),
            "discrepancies": [d.to_dict() for d in self.discrepancies],
            "checks_run": list(self.checks_run),
            "ignored_documents": list(self.ignored_documents),
            "examination_deadline": self.examination_deadline.isoformat() if self.examination_deadline else None,
            "last_presentation_day": self.last_presentation_day.isoformat() if self.last_presentation_day else None,
        }


def examine(terms: CreditTerms, presentation: Presentation, calendar: BankingCalendar) -> ExaminationResult:
    """Examine on the face of the documents; ``calendar`` is the examining bank's at its place.

    Optional inputs that change nothing when absent: ``presentation.previous_drawings`` and
    ``previous_shipments`` (earlier presentations of the same credit, for C17-C19) and
    ``presentation.available`` (the amount the bank's books still show available).
    """
    ctx = build_context(terms, presentation, calendar)
    found: list[Discrepancy] = []
    ran: set[str] = {"C26"}  # art. 14(g) is applied by build_context: never a discrepancy
    for code, check in CHECKS:
        result = check(ctx)
        if result is not None:
            ran.add(code)
            found.extend(result)
    unique = {(d.code, d.document, d.index, d.field, d.required, d.found, d.certainty): d for d in found}
    return ExaminationResult(
        discrepancies=tuple(sorted(unique.values(), key=Discrepancy.sort_key)),
        checks_run=tuple(sorted(ran)),
        ignored_documents=ctx.ignored,
        examination_deadline=examination_deadline(presentation.presentation_date, calendar)
        if presentation.complete
        else None,
        last_presentation_day=_last_day(ctx),
    )


def _last_day(ctx: Context) -> date | None:
    expiry = ctx.terms.expiry_date
    if expiry is None:
        return None
    shipped = ctx.shipment_date if ctx.original_transport else None
    return last_presentation_day(expiry, shipped, ctx.terms.presentation_period_days, ctx.calendar)


def shipment_record(terms: CreditTerms, presentation: Presentation, amount: Decimal) -> PreviousShipment | None:
    """What a drawn presentation shipped, as later presentations of the same credit count it
    (C17 cumulative quantity, C18, C19 instalments): its date of shipment (the earliest where sets
    cover different journeys) and the invoiced quantity in the credit's unit. None when its
    documents show no date of shipment."""
    ctx = build_context(terms, presentation, BankingCalendar())
    shipped = ctx.shipment_date
    if shipped is None:
        return None
    unit = terms.goods[0].unit if len(terms.goods) == 1 else ""
    invoice = ctx.invoice
    quantities = [
        convert(line.quantity, line.unit, unit) if unit else line.quantity
        for line in (invoice.lines if invoice is not None else ())
        if line.quantity is not None
    ]
    quantity = sum((q for q in quantities if q is not None), Decimal(0))
    return PreviousShipment(shipment_date=shipped, quantity=quantity, amount=amount)
