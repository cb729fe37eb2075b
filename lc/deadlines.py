"""The dates a credit's rules are read against, at the bank whose calendar applies: its banking
days (art. 2), the expiry extended at the place for presentation (art. 29(a)), and the last day
for an eUCP notice of completeness (eUCP 2.1 art. e6(c)(iii)).

Below the access rule and the services, which both read them: the rule to refuse a late notice
of completeness, the lapse timer to lapse a presentation, on the same facts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from lc.banking import DEFAULT_PRESENTATION_PERIOD_DAYS, BankingCalendar, extended_expiry
from lc.examination.context import build_context
from lc.examination.serde import decode
from lc.examination.types import CreditTerms
from lc.examination.types import Document as DocumentData
from lc.examination.types import Presentation as PresentationData
from lc.models import LetterOfCredit, Organization, Presentation, calendar_days


def calendar_for(bank: Organization, years: Iterable[int]) -> BankingCalendar:
    """The bank's banking days at its location: weekends, public holidays, its closures and its
    adjusted working days."""
    closures, force_majeure, openings = calendar_days(bank)
    try:
        return BankingCalendar.for_country(
            bank.country, years, closures=closures, force_majeure=force_majeure, openings=openings
        )
    except ValueError:
        # No public-holiday table for this country: weekends and the bank's own closures.
        return BankingCalendar(closures=frozenset(closures), force_majeure=frozenset(force_majeure),
                               openings=frozenset(openings))


def calendar_facts(bank: Organization, start: dt.date, end: dt.date) -> dict[str, Any]:
    """The calendar facts a date computation at `bank` between `start` and `end` read (weekends,
    public holidays, the bank's closures and force-majeure days in that window), recorded in the
    decision's ledger entry so that the entry alone re-derives it (BankingCalendar.from_facts)."""
    cal = calendar_for(bank, years_around(start, end))
    # The zone the bank's dates are taken in (issue 20): the entry's UTC time read there is its day.
    return {"bank": bank.ledger_id, "country": bank.country, "time_zone": bank.zone.key, **cal.facts(start, end)}


def years_around(*days: dt.date | None) -> range:
    known = [d.year for d in days if d is not None]
    return range(min(known) - 1, max(known) + 2) if known else range(2000, 2001)


def expiry_place_bank(credit: LetterOfCredit) -> Organization:
    """Expiry is extended by the calendar of the bank where presentation is to be made."""
    return credit.nominated_bank or credit.confirming_bank or credit.issuing_bank


def last_day_for_presentation(credit: LetterOfCredit) -> dt.date:
    bank = expiry_place_bank(credit)
    return extended_expiry(credit.expiry_date, calendar_for(bank, years_around(credit.expiry_date)))


def expiry_facts(credit: LetterOfCredit, last_day: dt.date) -> dict[str, Any]:
    """Art. 29(a): the calendar facts that extended (or did not extend) the expiry to `last_day`."""
    return calendar_facts(expiry_place_bank(credit), credit.expiry_date, last_day)


def shipment_date_so_far(pres: Presentation, today: dt.date) -> dt.date | None:
    """Art. 14(c): the shipment date of the original transport documents presented so far, read
    as the engine reads it (on-board notation, art. 31(b) journeys); None without any."""
    terms = CreditTerms.from_dict(pres.terms_version.terms)
    docs: tuple[Any, ...] = tuple(decode(DocumentData, d.data) for d in pres.documents.all())  # type: ignore[arg-type]
    data = PresentationData(presentation_date=today, documents=docs, complete=False)
    ctx = build_context(terms, data, BankingCalendar())
    return ctx.shipment_date if ctx.original_transport else None


def lapse_facts(credit: LetterOfCredit, pres: Presentation, today: dt.date) -> dict[str, Any]:
    """The last day for a notice of completeness and the facts it was read from: the credit's
    expiry extended by art. 29(a) at the place of presentation, and, once an original transport
    document is among the records, the art. 14(c) period after shipment extended at the bank
    presented to (as the engine's C13 reads it), whichever is earlier."""
    by_expiry = last_day_for_presentation(credit)
    expiry = {"expiry_date": credit.expiry_date, "last_day": by_expiry, "calendar": expiry_facts(credit, by_expiry)}
    period: dict[str, Any] | None = None
    shipped = shipment_date_so_far(pres, today)
    if shipped is not None:
        stated = CreditTerms.from_dict(pres.terms_version.terms).presentation_period_days  # field 48
        days = DEFAULT_PRESENTATION_PERIOD_DAYS if stated is None else stated
        cal = calendar_for(pres.presented_to, years_around(shipped))
        end = cal.extend(shipped + dt.timedelta(days=days))
        period = {"shipment_date": shipped, "days": days, "last_day": end,
                  "calendar": calendar_facts(pres.presented_to, shipped + dt.timedelta(days=days), end)}
    last = min(by_expiry, period["last_day"]) if period else by_expiry
    return {"last_day_for_presentation": last, "expiry": expiry, "presentation_period": period, "decided_on": today}
