"""Credits driven through the real services into each state (demo data and test set-up).

Every step goes through lc.services, so each scenario also exercises the ledger. Dates of
the worked example (2025) are shifted by whole weeks to land wherever `now` is, keeping
weekdays (the Saturday/Sunday traps) intact.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal
from typing import Any

from django.utils import timezone

from lc import services
from lc.demo import Cast
from lc.examination.samples import complying_presentation, worked_example_credit
from lc.models import LetterOfCredit, Presentation

DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
EXAMPLE_ISSUE = dt.date(2025, 3, 10)


def example_start() -> dt.datetime:
    """10:00 at the bank on the worked example's issue date: day 0 of a Story's clock."""
    return dt.datetime.combine(EXAMPLE_ISSUE, dt.time(10), tzinfo=timezone.get_default_timezone())

# A small valid PDF (the "original" each demo document points to).
PDF_BYTES = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>"
             b"endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")


def shift_dates(value: Any, days: int) -> Any:
    if isinstance(value, dict):
        return {k: shift_dates(v, days) for k, v in value.items()}
    if isinstance(value, list):
        return [shift_dates(v, days) for v in value]
    if isinstance(value, str) and DATE.match(value):
        return (dt.date.fromisoformat(value) + dt.timedelta(days=days)).isoformat()
    return value


def weeks_between(start: dt.date, end: dt.date) -> int:
    return ((end - start).days // 7) * 7


def example_terms(shift_days: int = 0, **changes: Any) -> dict[str, Any]:
    """The worked example credit as JSON terms, optionally shifted and changed."""
    terms = json.loads(json.dumps(worked_example_credit().to_dict(), default=str))
    terms.update(changes)
    return shift_dates(terms, shift_days)


def example_documents(shift_days: int = 0, with_files: bool = True) -> list[services.DocumentInput]:
    docs = json.loads(json.dumps([d.to_dict() for d in complying_presentation().documents], default=str))
    return [services.DocumentInput(data=shift_dates(d, shift_days), content=PDF_BYTES if with_files else None,
                                   filename=f"{d['type']}.pdf") for d in docs]


class Story:
    """One credit's life, step by step, on a clock that starts on the example's issue date."""

    def __init__(self, cast: Cast, start: dt.datetime, shift_days: int = 0, **term_changes: Any) -> None:
        self.cast, self.shift = cast, shift_days
        self.clock = start
        self.terms = example_terms(shift_days, **term_changes)
        self.credit: LetterOfCredit | None = None
        self.presentation: Presentation | None = None

    def at(self, days: int, hour: int = 10) -> dt.datetime:
        """`days` after the (shifted) example issue date, at `hour` local time."""
        day = EXAMPLE_ISSUE + dt.timedelta(days=self.shift + days)
        local = timezone.localtime(self.clock)
        return local.replace(year=day.year, month=day.month, day=day.day, hour=hour, minute=0)

    @property
    def reference(self) -> str:
        assert self.credit is not None
        return self.credit.reference

    @property
    def credit_id(self) -> Any:
        assert self.credit is not None
        return self.credit.pk

    def apply(self, confirming: bool = False) -> LetterOfCredit:
        c = self.cast
        self.credit = services.create_application(
            actor=c.users["hhl.treasury"], terms=self.terms, beneficiary=c.orgs["exporter"],
            issuing_bank=c.orgs["issuing"], advising_bank=c.orgs["advising"], nominated_bank=c.orgs["advising"],
            confirming_bank=c.orgs["confirming"] if confirming else None, now=self.at(-5),
        )
        return self.credit

    def submit(self) -> LetterOfCredit:
        self.credit = services.submit_application(actor=self.cast.users["hhl.treasury"], credit_id=self.credit_id,
                                                  now=self.at(-4))
        return self.credit

    def prepare(self) -> LetterOfCredit:
        self.credit = services.prepare_credit(actor=self.cast.users["vhb.maker"], credit_id=self.credit_id,
                                            now=self.at(0, 9))
        return self.credit

    def approve(self) -> LetterOfCredit:
        assert self.credit is not None
        self.credit = services.issue_credit(actor=self.cast.users["vhb.checker"], credit_id=self.credit_id,
                                              rekeyed_amount=self.credit.amount, now=self.at(0, 11))
        return self.credit

    def advise(self) -> LetterOfCredit:
        self.credit = services.advise_credit(actor=self.cast.users["ncb.maker"], credit_id=self.credit_id,
                                             now=self.at(1))
        return self.credit

    def issued(self, confirming: bool = False) -> LetterOfCredit:
        self.apply(confirming)
        self.submit()
        self.prepare()
        return self.approve()

    def present(self, day: int = 98, documents: list[services.DocumentInput] | None = None,
                amount: Decimal = Decimal("125000.00")) -> Presentation:
        """Day 98 after issue is Monday 2025-06-16 in the example: the last day for presentation."""
        self.presentation = services.present_documents(
            actor=self.cast.users["nef.exports"], credit_id=self.credit_id, presented_to=self.cast.orgs["advising"],
            amount_claimed=amount, documents=documents if documents is not None else example_documents(self.shift),
            now=self.at(day),
        )
        return self.presentation

    def examine(self, day: int = 99, withdraw: bool = False) -> Presentation:
        """Run the engine, have the examiner confirm (or withdraw) every finding, conclude."""
        assert self.presentation is not None
        services.record_engine_result(presentation_id=self.presentation.pk, now=self.at(day, 9))
        examiner = self.cast.users["ncb.examiner"]
        for disc in self.presentation.discrepancies.filter(status="proposed"):
            services.decide_discrepancy(actor=examiner, discrepancy_id=disc.pk, confirm=not withdraw,
                                        reason="checked against the original" if withdraw else "",
                                        now=self.at(day, 10))
        self.presentation = services.conclude_examination(actor=examiner, presentation_id=self.presentation.pk,
                                                          now=self.at(day, 11))
        return self.presentation

    def honour(self, day: int = 100) -> Presentation:
        assert self.presentation is not None
        self.presentation = services.honour_presentation(actor=self.cast.users["ncb.maker"],
                                                         presentation_id=self.presentation.pk, now=self.at(day))
        return self.presentation

    def reimburse(self, day: int = 101) -> Presentation:
        assert self.presentation is not None
        self.presentation = services.reimburse_presentation(actor=self.cast.users["vhb.maker"],
                                                            presentation_id=self.presentation.pk, now=self.at(day))
        return self.presentation

    def settle(self, day: int = 102) -> Presentation:
        assert self.presentation is not None
        self.presentation = services.settle_presentation(actor=self.cast.users["vhb.maker"],
                                                         presentation_id=self.presentation.pk, now=self.at(day))
        return self.presentation

    def transfer(self, changes: dict[str, Any] | None = None, day: int = 5, second: str = "stranger_corp",
                 advise: bool = False) -> LetterOfCredit:
        """Art. 38 (issue 20): the exporter requests, the nominated bank's maker prepares and its
        checker approves (and, if asked, the bank advises); the transferred credit."""
        users, ask = self.cast.users, {"actor": self.cast.users["ncb.maker"], "credit_id": self.credit_id}
        services.request_transfer(actor=users["nef.exports"], credit_id=self.credit_id,
                                  second_beneficiary=self.cast.orgs[second], changes=changes or {},
                                  now=self.at(day, 9))
        services.prepare_transfer(**ask, now=self.at(day, 10))
        child = services.approve_transfer(actor=users["ncb.checker"], credit_id=self.credit_id, now=self.at(day, 11))
        if advise:
            child = services.advise_transfer(**ask, now=self.at(day, 12))
        return child
