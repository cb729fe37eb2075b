"""Issue 13's acceptance machine: random sequences of the real service functions on real
PostgreSQL, with every account and the facility rebuilt from scratch after every step.

The book every example starts from is built once, through the services: credit A (USD
125,000 +5%, partial drawings, transferable) with a presentation at each stage (reimbursed,
honoured, complying, discrepant with a C17 over-claim, under examination); credit C (USD 40,000 +5%,
transferable), untouched; credit B (KWD 1000.125 +5%, one drawing) awaiting its checker beyond
the applicant's facility (USD 175,000: A and C fit, B needs the credit officer's override, as
does any large increase). Each example runs in a savepoint rolled back at its end, so it costs
only its own eight steps, and every step has something to act on at every stage.

After every step, for each credit with an account:
- drawn + reserved + earmarked <= maximum, nothing negative, settled <= drawn;
- the stored account equals the sum of its utilisation rows, and the figures rebuilt from the
  credit's own facts (its terms' maximum, its presentations' claims and honours, its transfer's
  first terms); it is open exactly while the credit is live;
- the stored exposure per currency equals the live credits' rebuilt liabilities, and the
  facility's utilisation those liabilities converted at the bank's rate;
- each successful service call wrote exactly one ledger entry, of its own kind, whose
  availability block is the account's change (before, after); a refused call wrote none and
  moved no account.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from decimal import ROUND_DOWN, ROUND_UP, Decimal
from typing import Any

import pytest
from django.db import transaction
from django.db.models import Count, Q, Sum
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule, run_state_machine_as_test

from lc import access, events, money, services
from lc.errors import DomainError
from lc.events import Event
from lc.models import (
    LIVE_STATES,
    Amendment,
    AmendmentState,
    AvailabilityAccount,
    Cancellation,
    Disposal,
    Facility,
    LetterOfCredit,
    Presentation,
    PresentationState,
    TermsVersion,
    Utilisation,
)
from lc.scenarios import Story, example_documents, example_start
from lc.services import money as accounts
from lc.services.examination import DRAWN_STATES
from ledger.models import PendingEntry

EXAMPLES = 200
FACILITY_LIMIT = "175000.00"  # USD: A (maximum 131,250) and C (42,000) fit; B (about USD 3,413) does not
KWD_IN_USD = Decimal("3.25")
LATE_DAY = 130  # well past the example's expiry (day 98 with art. 29(a))
FRACTIONS = [Decimal(f) for f in ("0.05", "0.1", "0.3", "0.5", "1", "1.1")]  # of the maximum
AMEND_FACTORS = [Decimal(f) for f in ("0.5", "0.9", "1.2", "2")]  # of the amount
TRANSFER_FRACTIONS = [None, Decimal("0.2"), Decimal("0.6")]  # of the amount; None: all of it
EXAMINED = (PresentationState.COMPLYING, PresentationState.DISCREPANT, PresentationState.WAIVER_REQUESTED)
# What the examples must reach between them, or the machine is not testing much.
MUST_HAPPEN = (events.CREDIT_ISSUED, events.FACILITY_OVERRIDDEN, events.AMENDMENT_ACCEPTED, events.PRESENTATION_MADE,
               events.FOUND_DISCREPANT, events.FOUND_COMPLYING, events.WAIVED, events.REFUSED, events.HONOURED,
               events.REIMBURSED, events.SETTLED, events.CREDIT_TRANSFERRED, events.CREDIT_CANCELLED,
               events.CREDIT_EXPIRED)
SEEN: Counter[str] = Counter()  # entry kinds written, and refusals, over all examples


class Refused(Exception):
    """A service call the domain refused (the machine has checked that it changed nothing)."""


class Clock:
    """Minutes apart from 06:00 on day 98, the worked example's last day for presentation
    (within every deadline); after a late expiry, past the expiry."""

    def __init__(self, story: Story) -> None:
        self.start, self.late_start = story.at(98, 6), story.at(LATE_DAY, 9)
        self.minutes, self.late = 0, False

    def __call__(self) -> dt.datetime:
        self.minutes += 1
        return (self.late_start if self.late else self.start) + dt.timedelta(minutes=self.minutes)


def documents(claim: Decimal, currency: str, over_claim: bool = False) -> list[services.DocumentInput]:
    """The worked example's documents (complying when presented on day 98) in the credit's
    currency, drawn for the claim: draft, invoice and its line (a flask at 12.50), insurance for
    at least 110%. An over-claim's documents are drawn for 80% of it."""
    drawn = money.q(claim * Decimal("0.8"), currency) if over_claim else claim
    out = []
    for doc in example_documents(with_files=False):
        data = copy.deepcopy(doc.data)
        if "currency" in data:
            data["currency"] = currency
        if data["type"] == "draft":
            data["amount"] = money.text(drawn, currency)
        elif data["type"] == "commercial_invoice":
            data["total_amount"] = data["lines"][0]["amount"] = money.text(drawn, currency)
            data["lines"][0]["quantity"] = str((drawn / Decimal("12.50")).normalize())
        elif data["type"] == "insurance_certificate":
            insured = max(drawn * Decimal("1.1"), Decimal(data["insured_amount"]))
            data["insured_amount"] = money.text(insured.quantize(money.quantum(currency), ROUND_UP), currency)
        out.append(services.DocumentInput(data=data, filename=doc.filename))
    return out


def invoice_of(pres: Presentation) -> Decimal:
    return Decimal(str(pres.documents.get(doc_type="commercial_invoice").data["total_amount"]))


def shown_accounts() -> dict[Any, dict[str, str]]:
    """Every stored account as the ledger shows it, by credit id."""
    rows = AvailabilityAccount.objects.values("credit_id", "currency", *accounts.FIGURES)
    return {r["credit_id"]: money.Figures(*(r[f] for f in accounts.FIGURES)).shown(r["currency"]) for r in rows}


def rebuilt(credits: list[LetterOfCredit], claims: list[dict[str, Any]]) -> dict[Any, money.Figures]:
    """Each credit's account from its own facts (its terms, its presentations' claims and
    honours, its transfer's first terms), never reading an account or its rows."""
    transferred = {v.credit.transferred_from_id: accounts.credit_maximum(v.terms) for v in TermsVersion.objects.filter(
        credit__transferred_from_id__in=[c.pk for c in credits], number=1).select_related("credit")}

    def total(credit: LetterOfCredit, states: tuple[str, ...], field: str) -> Decimal:
        return sum((p[field] for p in claims if p["credit_id"] == credit.pk and p["state"] in states), Decimal(0))

    return {c.pk: money.Figures(
        maximum=accounts.credit_maximum(c.current_terms.terms),  # type: ignore[union-attr]
        reserved=total(c, accounts.RESERVING, "amount_claimed"),
        drawn=total(c, DRAWN_STATES, "honoured_amount"),
        earmarked=transferred.get(c.pk, Decimal(0)),
        settled=total(c, (PresentationState.SETTLED,), "honoured_amount"),
    ) for c in credits}


def summed_rows(ids: list[Any]) -> dict[Any, tuple[money.Figures, bool]]:
    """Each account as the sum of its append-only utilisation rows, and whether it is open."""
    rows = Utilisation.objects.filter(credit_id__in=ids).values("credit_id").annotate(
        **{f: Sum(f) for f in accounts.FIGURES}, closings=Count("id", filter=Q(closed=True)))
    return {r["credit_id"]: (money.Figures(*(r[f] for f in accounts.FIGURES)), not r["closings"]) for r in rows}


class MoneyMachine(RuleBasedStateMachine):
    """The issuing bank, its credit officer, the applicant, the beneficiaries, the nominated
    bank and a stranger act on the book, in any order, as anyone may try to."""

    cast: Any = None
    book: dict[str, Any] = {}  # "A", "C" (issued), "B" (awaiting its checker) -> credit id
    facility: Any = None
    clock_from: Story | None = None

    def __init__(self) -> None:
        super().__init__()
        self.savepoint = transaction.savepoint()
        assert self.clock_from is not None
        self.now = Clock(self.clock_from)
        self.credits = {k: v for k, v in self.book.items() if k != "B"}  # key -> id, once issued
        self.live: list[str] = sorted(self.credits)
        self.by_state: dict[str, list[Any]] = defaultdict(list)  # presentation ids, after the last step

    def teardown(self) -> None:
        SEEN["examples"] += 1
        transaction.savepoint_rollback(self.savepoint)

    # -- Acting, with the ledger and the accounts watched.

    def user(self, name: str) -> Any:
        return self.cast.users[name]

    def act(self, event: Event | tuple[Event, ...], fn: Callable[..., Any], **kwargs: Any) -> Any:
        """Call a service: one entry of the expected kind if it acts, none if it is refused."""
        kinds = [e.kind for e in (event if isinstance(event, tuple) else (event,))]
        last = PendingEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0
        before = shown_accounts()
        try:
            result = fn(now=self.now(), **kwargs)
        except DomainError as exc:
            assert not PendingEntry.objects.filter(id__gt=last).exists(), f"refused {fn.__name__} left an entry"
            assert shown_accounts() == before, f"refused {fn.__name__} moved an account"
            SEEN["refused"] += 1
            raise Refused(str(exc)) from exc
        written = list(PendingEntry.objects.filter(id__gt=last).order_by("id").values_list("kind", "subject", "payload"))
        # One entry; a transfer's approval also opens the transferred credit's own history.
        expected = [kinds[0], events.CREDIT_TRANSFERRED_IN.kind] if kinds[0] == events.CREDIT_TRANSFERRED.kind else None
        shown = [w[0] for w in written]
        assert shown == expected or (len(written) == 1 and shown[0] in kinds), f"{fn.__name__} wrote {shown}"
        after = shown_accounts()
        for kind, subject, payload in written:
            block = json.loads(bytes(payload)).get("availability")
            if block:  # the entry shows the account's change, before and after
                (credit_id,) = [c for c in after if f"lc:{c}" == subject]
                assert block["after"] == after[credit_id]
                assert block["before"] == before.get(credit_id, money.Figures().shown(block["currency"]))
            SEEN[kind] += 1
        return result

    def attempt(self, event: Event | tuple[Event, ...], fn: Callable[..., Any], **kwargs: Any) -> Any:
        try:
            return self.act(event, fn, **kwargs)
        except Refused:
            return None

    def live_credit(self, index: int) -> tuple[str, LetterOfCredit]:
        key = self.live[index % len(self.live)]
        return key, LetterOfCredit.objects.select_related("current_terms").get(pk=self.credits[key])

    def beneficiary(self, key: str) -> str:
        return "rkw.treasury" if key.endswith("2") else "nef.exports"

    def pick(self, index: int, *states: str) -> Presentation:
        found = [p for s in states for p in self.by_state[s]]
        return Presentation.objects.get(pk=found[index % len(found)])

    def has(self, *states: str) -> bool:
        return any(self.by_state[s] for s in states)

    def override(self, credit_id: Any) -> None:
        self.attempt(events.FACILITY_OVERRIDDEN, services.override_facility, actor=self.user("vhb.credit"),
                     credit_id=credit_id, reason="cash collateral held")

    # -- Issue (beyond the facility), amend (32B up, 33B down).

    @precondition(lambda self: "B" not in self.credits)
    @rule(override=st.booleans())
    def issue_b(self, override: bool) -> None:
        """Refused beyond the facility, unless the credit officer overrode it first."""
        credit = LetterOfCredit.objects.get(pk=self.book["B"])
        if override:
            self.override(credit.pk)
        if self.attempt(events.CREDIT_ISSUED, services.issue_credit, actor=self.user("vhb.checker"),
                        credit_id=credit.pk, rekeyed_amount=credit.amount) is not None:
            self.credits["B"] = credit.pk

    @precondition(lambda self: bool(self.live))
    @rule(index=st.integers(0, 4), factor=st.sampled_from(AMEND_FACTORS), override=st.booleans())
    def amend(self, index: int, factor: Decimal, override: bool) -> None:
        """Propose, prepare, issue and accept (or reject) an amendment of the amount; an open one is resumed."""
        key, credit = self.live_credit(index)
        amendment = credit.amendments.exclude(state__in=(AmendmentState.ACCEPTED, AmendmentState.REJECTED)).first()
        if amendment is None:
            amount = money.text(money.q(credit.amount * factor, credit.currency), credit.currency)
            amendment = self.attempt(events.AMENDMENT_PROPOSED, services.propose_amendment,
                                     actor=self.user("hhl.treasury"), credit_id=credit.pk, changes={"amount": amount})
        if amendment is not None:
            self.advance_amendment(key, amendment.pk, override)

    def advance_amendment(self, key: str, amendment_id: Any, override: bool) -> None:
        steps: list[tuple[str, Event, Callable[..., Any], str]] = [
            (AmendmentState.PROPOSED, events.AMENDMENT_PREPARED, services.prepare_amendment, "vhb.maker"),
            (AmendmentState.PENDING_APPROVAL, events.AMENDMENT_ISSUED, services.issue_amendment, "vhb.checker"),
            (AmendmentState.ISSUED, events.AMENDMENT_ACCEPTED, services.accept_amendment, self.beneficiary(key)),
        ]
        for state, event, fn, who in steps:
            if Amendment.objects.get(pk=amendment_id).state != state:
                continue
            if state == AmendmentState.PENDING_APPROVAL and override:
                self.override(self.credits[key])
            if self.attempt(event, fn, actor=self.user(who), amendment_id=amendment_id) is None:
                if state == AmendmentState.ISSUED:  # e.g. below what is used: the beneficiary rejects it
                    self.act(events.AMENDMENT_REJECTED, services.reject_amendment,
                             actor=self.user(self.beneficiary(key)), amendment_id=amendment_id)
                return

    # -- Presentations and their examination.

    @precondition(lambda self: bool(self.live))
    @rule(index=st.integers(0, 4), fraction=st.sampled_from(FRACTIONS), over_claim=st.booleans())
    def present(self, index: int, fraction: Decimal, over_claim: bool) -> None:
        """The beneficiary claims a fraction of the maximum, on documents for it (or for less)."""
        key, credit = self.live_credit(index)
        claim = (accounts.figures(credit).maximum * fraction).quantize(money.quantum(credit.currency), ROUND_DOWN)
        self.attempt(events.PRESENTATION_MADE, services.present_documents, actor=self.user(self.beneficiary(key)),
                     credit_id=credit.pk, presented_to=self.cast.orgs["advising"], amount_claimed=claim,
                     documents=documents(claim, credit.currency, over_claim))

    @precondition(lambda self: self.has(PresentationState.UNDER_EXAMINATION))
    @rule(index=st.integers(0, 3), confirm=st.booleans())
    def examine(self, index: int, confirm: bool) -> None:
        """The engine, the examiner's decision on each finding (all confirmed or all withdrawn), the conclusion."""
        pres = self.pick(index, PresentationState.UNDER_EXAMINATION)
        if not pres.engine_runs.exists():
            self.act(events.ENGINE_EXAMINED, services.record_engine_result, presentation_id=pres.pk)
            if pres.amount_claimed > invoice_of(pres):  # an over-claim is C17, whatever else is found
                assert pres.discrepancies.filter(code="C17").exists()
        examiner = self.user("ncb.examiner")
        for disc in pres.discrepancies.filter(status="proposed"):
            self.act(events.DISCREPANCY_CONFIRMED if confirm else events.DISCREPANCY_WITHDRAWN,
                     services.decide_discrepancy, actor=examiner, discrepancy_id=disc.pk, confirm=confirm,
                     reason="" if confirm else "checked against the original")
        self.act((events.FOUND_COMPLYING, events.FOUND_DISCREPANT), services.conclude_examination, actor=examiner,
                 presentation_id=pres.pk)

    @precondition(lambda self: self.has(*access.WAIVABLE))
    @rule(index=st.integers(0, 3), waive=st.booleans())
    def waive(self, index: int, waive: bool) -> None:
        """Art. 16(b): the bank asks the applicant, who waives or declines (maybe after a refusal)."""
        pres = self.pick(index, *access.WAIVABLE)
        if pres.state == PresentationState.DISCREPANT:
            self.act(events.WAIVER_REQUESTED, services.request_waiver, actor=self.user("ncb.examiner"),
                     presentation_id=pres.pk)
        self.attempt((events.WAIVED, events.WAIVER_DECLINED)[not waive], services.decide_waiver,
                     actor=self.user("hhl.treasury"), presentation_id=pres.pk, waive=waive)

    @precondition(lambda self: self.has(*EXAMINED))
    @rule(index=st.integers(0, 3))
    def refuse(self, index: int) -> None:
        """A complying presentation cannot be refused; a discrepant one can, once (art. 16)."""
        self.attempt(events.REFUSED, services.refuse_presentation, actor=self.user("ncb.examiner"),
                     presentation_id=self.pick(index, *EXAMINED).pk, disposal=Disposal.HOLD_PENDING_INSTRUCTIONS)

    # -- Honour (whatever amount is asked), reimburse, settle.

    @precondition(lambda self: self.has(*EXAMINED, PresentationState.REFUSED, PresentationState.UNDER_EXAMINATION))
    @rule(index=st.integers(0, 3), asked=st.sampled_from(["default", "claim", "half", "above claim"]))
    def honour(self, index: int, asked: str) -> None:
        """Only an examined presentation, complying or waived, is honoured; never beyond the
        claim, the documents or what is available, whatever is asked (art. 18(b), 30)."""
        pres = self.pick(index, *EXAMINED, PresentationState.REFUSED, PresentationState.UNDER_EXAMINATION)
        claim, ccy = pres.amount_claimed, pres.currency
        amount = {"default": None, "claim": claim, "half": money.q(claim / 2, ccy),
                  "above claim": claim + money.quantum(ccy)}[asked]
        paid = self.attempt(events.HONOURED, services.honour_presentation, actor=self.user("ncb.maker"),
                            presentation_id=pres.pk, amount=amount)
        if paid is not None:
            assert pres.state != PresentationState.UNDER_EXAMINATION
            assert paid.honoured_amount <= min(claim, invoice_of(pres))

    @precondition(lambda self: self.has(PresentationState.HONOURED))
    @rule(index=st.integers(0, 3))
    def reimburse(self, index: int) -> None:
        self.attempt(events.REIMBURSED, services.reimburse_presentation, actor=self.user("vhb.maker"),
                     presentation_id=self.pick(index, PresentationState.HONOURED).pk)

    @precondition(lambda self: self.has(PresentationState.HONOURED, PresentationState.REIMBURSED))
    @rule(index=st.integers(0, 3))
    def settle(self, index: int) -> None:
        """Reimbursement comes first (the nominated bank paid); a fully drawn credit closes."""
        self.attempt(events.SETTLED, services.settle_presentation, actor=self.user("vhb.maker"),
                     presentation_id=self.pick(index, PresentationState.HONOURED, PresentationState.REIMBURSED).pk)

    # -- Transfer (art. 38), cancel (art. 10(a)), expire; and a stranger.

    @precondition(lambda self: bool(self.live))
    @rule(index=st.integers(0, 4), fraction=st.sampled_from(TRANSFER_FRACTIONS))
    def transfer(self, index: int, fraction: Decimal | None) -> None:
        """Once per credit, never more than is available; B is not transferable."""
        key, credit = self.live_credit(index)
        changes = {} if fraction is None else {
            "amount": money.text(money.q(credit.amount * fraction, credit.currency), credit.currency)}
        # Requested by the first beneficiary, prepared by the nominated bank's maker, approved by its
        # checker (issue 20); a refused request (too much, not transferable) stops there.
        if self.attempt(events.TRANSFER_REQUESTED, services.request_transfer, actor=self.user(self.beneficiary(key)),
                        credit_id=credit.pk, second_beneficiary=self.cast.orgs["stranger_corp"],
                        changes=changes) is None:
            return
        self.act(events.TRANSFER_PREPARED, services.prepare_transfer, actor=self.user("ncb.maker"), credit_id=credit.pk)
        child = self.attempt(events.CREDIT_TRANSFERRED, services.approve_transfer, actor=self.user("ncb.checker"),
                             credit_id=credit.pk)
        if child is not None:
            self.credits[f"{key}2"] = child.pk

    @precondition(lambda self: bool(self.live))
    @rule(index=st.integers(0, 4), consent=st.booleans())
    def cancel(self, index: int, consent: bool) -> None:
        """Requested by the issuing bank; cancelled once the beneficiary agrees and nothing is open."""
        key, credit = self.live_credit(index)
        if not Cancellation.objects.filter(credit=credit).exists():
            self.act(events.CANCELLATION_REQUESTED, services.request_cancellation, actor=self.user("vhb.maker"),
                     credit_id=credit.pk, reason="the contract of sale fell through")
        if consent:
            self.attempt(events.CANCELLATION_CONSENTED, services.consent_to_cancellation,
                         actor=self.user(self.beneficiary(key)), credit_id=credit.pk)
        self.attempt(events.CREDIT_CANCELLED, services.cancel_credit, actor=self.user("vhb.maker"),
                     credit_id=credit.pk)

    @rule(index=st.integers(0, 4), late=st.booleans())
    def expire(self, index: int, late: bool) -> None:
        """Refused before the expiry or with a presentation open; from a late call on, the clock stays late."""
        self.now.late = self.now.late or late
        keys = sorted(self.credits)
        self.attempt(events.CREDIT_EXPIRED, services.expire_credit, credit_id=self.credits[keys[index % len(keys)]])

    @rule(action=st.sampled_from(["present", "honour", "cancel"]))
    def stranger_tries(self, action: str) -> None:
        """A bank party to none of these credits acts on them: refused, nothing written."""
        stranger, credit_id = self.user("tmb.maker"), self.credits["A"]
        if action == "present":
            self.attempt(events.PRESENTATION_MADE, services.present_documents, actor=stranger, credit_id=credit_id,
                         presented_to=self.cast.orgs["stranger_bank"], amount_claimed="1000.00",
                         documents=documents(Decimal("1000.00"), "USD"))
        elif action == "honour":
            pres = Presentation.objects.filter(credit_id=credit_id).first()
            self.attempt(events.HONOURED, services.honour_presentation, actor=stranger, presentation_id=pres.pk)
        else:
            self.attempt(events.CREDIT_CANCELLED, services.cancel_credit, actor=stranger, credit_id=credit_id)

    # -- After every step.

    @invariant()
    def books_are_exact(self) -> None:
        credits = list(LetterOfCredit.objects.filter(pk__in=self.credits.values()).select_related("current_terms"))
        claims = list(Presentation.objects.filter(credit_id__in=self.credits.values()).order_by("created_at").values(
            "pk", "credit_id", "state", "amount_claimed", "honoured_amount"))
        facts, rows = rebuilt(credits, claims), summed_rows(list(self.credits.values()))
        stored = {a.credit_id: (money.Figures(*(getattr(a, f) for f in accounts.FIGURES)), a.open)
                  for a in AvailabilityAccount.objects.filter(credit_id__in=facts)}
        liabilities: dict[str, Decimal] = defaultdict(Decimal)
        for credit in credits:
            figures = stored[credit.pk][0]
            assert figures.consistent(), figures  # nothing negative, settled <= drawn
            assert figures.reserved + figures.drawn + figures.earmarked <= figures.maximum
            assert stored[credit.pk] == rows[credit.pk] == (facts[credit.pk], credit.state in LIVE_STATES), (
                credit.reference, stored[credit.pk], rows[credit.pk], facts[credit.pk], credit.state)
            assert credit.drawn_amount == figures.drawn
            liabilities[credit.currency] += facts[credit.pk].liability(credit.state in LIVE_STATES)
        self.exposure_is(liabilities)
        self.live = sorted(k for k, c in self.credits.items() if any(x.pk == c and x.state in LIVE_STATES
                                                                     for x in credits))
        self.by_state = defaultdict(list)
        for p in claims:
            self.by_state[p["state"]].append(p["pk"])

    def exposure_is(self, liabilities: dict[str, Decimal]) -> None:
        """The stored exposure and the facility's utilisation, against the rebuilt liabilities."""
        assert accounts.exposures(self.facility.bank_id, self.facility.applicant_id) == {
            c: a for c, a in liabilities.items() if a}
        in_usd = liabilities["USD"] + (liabilities["KWD"] * KWD_IN_USD).quantize(Decimal("0.01"), ROUND_UP)
        assert accounts.utilisation(self.facility) == in_usd


# -- The book, built once through the services.

def issued(cast: Any, **terms: Any) -> Story:
    story = Story(cast, example_start(), **terms)
    story.issued()
    return story


def presented(story: Story, claim: str, at: Iterator[dt.datetime], over_claim: bool = False) -> Presentation:
    pres: Presentation = services.present_documents(
        actor=story.cast.users["nef.exports"], credit_id=story.credit_id, presented_to=story.cast.orgs["advising"],
        amount_claimed=claim, documents=documents(Decimal(claim), "USD", over_claim), now=next(at))
    return pres


def examined(story: Story, pres: Presentation, at: Iterator[dt.datetime], confirm: bool) -> None:
    services.record_engine_result(presentation_id=pres.pk, now=next(at))
    examiner = story.cast.users["ncb.examiner"]
    for disc in pres.discrepancies.filter(status="proposed"):
        services.decide_discrepancy(actor=examiner, discrepancy_id=disc.pk, confirm=confirm,
                                    reason="" if confirm else "checked against the original", now=next(at))
    services.conclude_examination(actor=examiner, presentation_id=pres.pk, now=next(at))


def book(cast: Any) -> dict[str, Any]:
    """A with a presentation at each stage (USD 80,000 of 131,250 used), C untouched, B awaiting
    its checker beyond the facility."""
    officer = cast.users["vhb.credit"]
    services.set_facility(actor=officer, applicant=cast.orgs["importer"], currency="USD", limit=FACILITY_LIMIT,
                          expiry_date=dt.date(2099, 12, 31))
    services.set_rate(actor=officer, base="KWD", quote="USD", rate=KWD_IN_USD)
    a = issued(cast, form="IRREVOCABLE TRANSFERABLE", partial_shipments="ALLOWED")
    c = issued(cast, form="IRREVOCABLE TRANSFERABLE", amount="40000.00")
    at = (a.at(98, 1) + dt.timedelta(minutes=m) for m in range(300))  # before the machine's clock
    reimbursed, honoured = presented(a, "5000.00", at), presented(a, "30000.00", at)
    complying, discrepant = presented(a, "20000.00", at), presented(a, "15000.00", at, over_claim=True)
    presented(a, "10000.00", at)  # left under examination
    for pres in (reimbursed, honoured, complying):
        examined(a, pres, at, confirm=False)
    examined(a, discrepant, at, confirm=True)
    for pres in (reimbursed, honoured):
        services.honour_presentation(actor=cast.users["ncb.maker"], presentation_id=pres.pk, now=next(at))
    services.reimburse_presentation(actor=cast.users["vhb.maker"], presentation_id=reimbursed.pk, now=next(at))
    b = Story(cast, example_start(), currency="KWD", amount="1000.125")
    b.apply(), b.submit(), b.prepare()
    MoneyMachine.clock_from = a
    return {"A": a.credit_id, "C": c.credit_id, "B": b.credit_id}


@pytest.mark.django_db
@pytest.mark.slow
def test_random_sequences_of_real_actions_keep_every_account_and_the_facility_exact(cast: Any) -> None:
    MoneyMachine.cast, MoneyMachine.book = cast, book(cast)
    MoneyMachine.facility = Facility.objects.get()
    SEEN.clear()
    started = time.monotonic()
    run_state_machine_as_test(MoneyMachine, settings=settings(
        max_examples=EXAMPLES, stateful_step_count=8, deadline=None, database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much]))
    print(f"\n{SEEN['examples']} examples in {time.monotonic() - started:.0f} s: {sorted(SEEN.items())}")
    assert {e.kind for e in MUST_HAPPEN} <= set(SEEN), sorted(SEEN.items())
    assert SEEN["refused"]
