"""The one access rule: who may take which action on which credit, amendment, presentation or
discrepancy, in which state.

Each action of the events catalogue (`lc.events.ACTIONS`) has one `check_<action>` here. It
raises the domain error a service would (Forbidden for the wrong party or role, NotAllowed
for the wrong state) and changes nothing. The services call it under their row locks and are
the authority; the portal calls `can()` to decide what to offer, so the two cannot drift
(tests/lc/test_access_parity.py walks every action x role x state of the demo to hold it).

Which credits a person sees at all is the model's rule (`LetterOfCredit.objects.visible_to`,
with its one-row and SQL forms held equal by tests/lc/test_access_parity.py); a credit out of
sight is a 404 before any check here runs.

What a check needs beyond the row itself comes from `Facts`, loaded lazily from the database
(so a service pays only for the facts its own check reads) or handed in by a page that has
already loaded them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import cached_property
from typing import Any

from django.db.models import F
from django.utils import timezone

from lc.deadlines import lapse_facts
from lc.errors import DomainError, Forbidden, NotAllowed
from lc.examination.types import Form
from lc.models import (
    AMENDMENT_MOVES,
    CREDIT_MOVES,
    LIVE_STATES,
    PRESENTATION_MOVES,
    TRANSFER_MOVES,
    Amendment,
    AmendmentState,
    Approval,
    Cancellation,
    Confirmation,
    CreditState,
    Discrepancy,
    DiscrepancyStatus,
    Disposal,
    DraftComment,
    InstructionKind,
    LetterOfCredit,
    OrgKind,
    Presentation,
    PresentationState,
    PresenterInstruction,
    RefusalNotice,
    RePresentationRequest,
    Role,
    TransferRequest,
    TransferState,
    User,
    WaiverDecision,
)

# Every action names the roles that may take it (issue 17): an auditor or an administrator alone
# acts on nothing. Bank decisions need a maker or checker (examiners examine); a company acts
# through a maker, or an API client (its ERP), on its own behalf.
MAKER_OR_CHECKER = (Role.MAKER, Role.CHECKER)
EXAMINER_OR_MAKER = (Role.EXAMINER, Role.MAKER)
CORPORATE_ACTORS = (Role.MAKER, Role.API_CLIENT)
# A presentation is finished once settled or refused (nothing more can be drawn under it), or
# deemed not made for want of a notice of completeness (eUCP art. e6(c)(iii)): it blocks neither
# expiry nor cancellation.
# Documents returned after refusal (art. 16(c)(iii)(c), 16(e)) close it for good.
CLOSED_PRESENTATIONS = (PresentationState.SETTLED, PresentationState.REFUSED, PresentationState.LAPSED,
                        PresentationState.RETURNED)
OPEN_AMENDMENTS = (AmendmentState.PROPOSED, AmendmentState.PENDING_APPROVAL, AmendmentState.ISSUED)
DECIDING_CONFIRMATION = (AmendmentState.ISSUED, AmendmentState.ACCEPTED)
WAIVABLE = (PresentationState.DISCREPANT, PresentationState.WAIVER_REQUESTED, PresentationState.REFUSED)


# -- Facts beyond the row.

class Facts:
    """What the checks read besides the target row, for one user and one credit.

    Each fact is loaded on first use; a page that has the data already passes it in."""

    def __init__(self, user: User, credit: LetterOfCredit, today: dt.date | None = None, **known: Any) -> None:
        self.user, self.credit = user, credit
        # The actor's business date at its own place (its organisation's time zone).
        org = getattr(user, "organization", None)
        self.today = today if today is not None else (
            org.local_date(timezone.now()) if org is not None else timezone.localdate())
        self.__dict__.update(known)  # pre-loaded values of the cached properties below

    @cached_property
    def cancellation(self) -> Cancellation | None:
        return Cancellation.objects.filter(credit_id=self.credit.pk).first()

    @cached_property
    def open_presentations(self) -> bool:
        return self.credit.presentations.exclude(state__in=CLOSED_PRESENTATIONS).exists()

    @cached_property
    def open_amendment(self) -> bool:
        return self.credit.amendments.filter(state__in=OPEN_AMENDMENTS).exists()

    @cached_property
    def transferred(self) -> bool:
        return bool(self.credit.transferred_from_id) or LetterOfCredit.objects.filter(
            transferred_from_id=self.credit.pk).exists()

    @cached_property
    def transfer_request(self) -> TransferRequest | None:
        """The credit's transfer request still in flight or done (at most one, art. 38(d))."""
        return TransferRequest.objects.filter(credit_id=self.credit.pk).exclude(
            state=TransferState.REJECTED).first()

    @cached_property
    def waived(self) -> set[Any]:
        """Presentations of this credit whose discrepancies the applicant waived."""
        return set(self.credit.presentations.filter(waivers__decision=WaiverDecision.WAIVED).values_list("pk", flat=True))

    @cached_property
    def waived_after_refusal(self) -> set[Any]:
        """Refused presentations whose discrepancies the applicant waived after the refusal notice."""
        return set(self.credit.presentations.filter(
            refusal__isnull=False, waivers__decision=WaiverDecision.WAIVED,
            waivers__decided_at__gt=F("refusal__sent_at")).values_list("pk", flat=True))

    @cached_property
    def now(self) -> dt.datetime:
        """The moment of the act (a service hands in its own)."""
        return timezone.now()

    def today_at(self, bank: Any) -> dt.date:
        """The day at a bank's place (its time zone), for a rule that counts days there."""
        return bank.local_date(self.now)  # type: ignore[no-any-return]

    @cached_property
    def instructions(self) -> dict[Any, str]:
        """The presenter's standing instruction (its latest) on each refused presentation."""
        rows = PresenterInstruction.objects.filter(presentation__credit_id=self.credit.pk).order_by("at")
        return dict(rows.values_list("presentation_id", "kind"))  # later rows overwrite earlier ones

    @cached_property
    def disposals(self) -> dict[Any, str]:
        """What each refusal notice said the bank does with the documents (art. 16(c)(iii))."""
        return dict(RefusalNotice.objects.filter(presentation__credit_id=self.credit.pk)
                    .values_list("presentation_id", "disposal"))

    @cached_property
    def awaiting_re_presentation(self) -> dict[Any, RePresentationRequest]:
        """eUCP art. e12: presentations with a corrupted record not yet re-presented."""
        return {r.presentation_id: r for r in RePresentationRequest.objects.filter(
            presentation__credit_id=self.credit.pk, re_presented_at__isnull=True)}

    def last_day_for_presentation(self, p: Presentation) -> dt.date:
        """The last day for the notice of completeness of an eUCP presentation: the rule the
        lapse timer applies (lc.deadlines.lapse_facts), read once per presentation."""
        days = self.__dict__.setdefault("_last_days", {})
        if p.pk not in days:
            days[p.pk] = lapse_facts(self.credit, p, self.today_at(p.presented_to))["last_day_for_presentation"]
        return days[p.pk]  # type: ignore[no-any-return]

    @cached_property
    def pending_waivers(self) -> set[Any]:
        return set(self.credit.presentations.filter(waivers__decision=WaiverDecision.PENDING)
                   .values_list("pk", flat=True))

    @cached_property
    def refused(self) -> set[Any]:
        """Presentations that already have their single refusal notice (art. 16)."""
        return set(self.credit.presentations.filter(refusal__isnull=False).values_list("pk", flat=True))

    @cached_property
    def with_documents(self) -> set[Any]:
        return set(self.credit.presentations.filter(documents__isnull=False).values_list("pk", flat=True))

    @cached_property
    def engine_done(self) -> set[Any]:
        return set(self.credit.presentations.filter(engine_runs__isnull=False).values_list("pk", flat=True))

    @cached_property
    def amendment_awaiting_checker(self) -> bool:
        return self.credit.amendments.filter(state=AmendmentState.PENDING_APPROVAL).exists()

    @cached_property
    def open_approvals(self) -> list[Approval]:
        """Approvals of this credit's decisions still awaiting further checkers (issue 20)."""
        return list(Approval.objects.filter(credit_id=self.credit.pk, open=True).select_related("approver")
                    .order_by("target", "number"))

    @cached_property
    def signers(self) -> dict[Any, set[Any]]:
        """Who has approved each of those decisions, by its target (the credit, an amendment or a
        presentation id)."""
        out: dict[Any, set[Any]] = {}
        for a in self.open_approvals:
            out.setdefault(a.target, set()).add(a.approver_id)
        return out

    @cached_property
    def findings_open(self) -> set[Any]:
        """Presentations with an engine finding the examiner has not yet confirmed or withdrawn."""
        return set(self.credit.presentations.filter(discrepancies__status=DiscrepancyStatus.PROPOSED)
                   .values_list("pk", flat=True))


# -- Who the person is.

def is_bank_user(user: Any) -> bool:
    org = getattr(user, "organization", None)
    return bool(org is not None and org.is_bank)


def needs_second_factor(user: Any) -> bool:
    """Everyone of an organisation, bank staff and company users alike, must pass a second factor
    in a browser session before they read or act through the portal or the API (issue 17: a
    password alone waived discrepancies). An API key is the other channel and never asks this."""
    return getattr(user, "organization", None) is not None and not user.is_verified()


def require_role(user: User, *roles: str) -> None:
    if not any(user.has_role(r) for r in roles):
        raise Forbidden(f"{user.username} needs the {' or '.join(roles)} role for this action")


# -- Building blocks.

def party(f: Facts, org_id: Any, as_what: str) -> None:
    if org_id is None or f.user.organization_id != org_id:
        raise Forbidden(f"only the {as_what} may do this")


def role(f: Facts, *roles: str) -> None:
    require_role(f.user, *roles)


def acting(f: Facts) -> None:
    """Who acts for a party that may be a bank or a company (presenter, consenting party)."""
    role(f, *(MAKER_OR_CHECKER if is_bank_user(f.user) else CORPORATE_ACTORS))


def move(current: str, target: str, moves: dict[str, set[str]], what: str) -> None:
    if target not in moves.get(current, set()):
        raise NotAllowed(f"a {what} that is {current.replace('_', ' ')} cannot become {target.replace('_', ' ')}")


def live(c: LetterOfCredit, what: str) -> None:
    if c.state not in LIVE_STATES:
        raise NotAllowed(what)


# A settled, cancelled or expired credit binds no one any more: nothing is amended, presented,
# transferred or cancelled on it, by any route (issue 20).
CLOSED_CREDITS = (CreditState.SETTLED, CreditState.CANCELLED, CreditState.EXPIRED)


def not_closed(c: LetterOfCredit) -> None:
    if c.state in CLOSED_CREDITS:
        raise NotAllowed(f"the credit is {c.state}: closed credits take no further action")


def four_eyes(maker_id: Any, f: Facts) -> None:
    if maker_id == f.user.pk:
        raise Forbidden("the checker must be a different person from the maker (four eyes)")


def not_signed(f: Facts, target_id: Any) -> None:
    """Approval levels (issue 20): each further approval of a decision comes from a person who
    has not yet approved it (the maker is kept out by four_eyes)."""
    if f.user.pk in f.signers.get(target_id, ()):
        raise Forbidden("you have already approved this decision: a further approval must come from "
                        "another checker")


def further_checker(f: Facts, target_id: Any) -> None:
    """A decision that already has an approval and awaits more takes a checker's, from a person
    who has not approved it yet."""
    if f.signers.get(target_id):
        role(f, Role.CHECKER)
        not_signed(f, target_id)


def beneficiary_id(c: LetterOfCredit) -> Any:
    return c.second_beneficiary_id or c.beneficiary_id


def matured(f: Facts, p: Presentation, what: str) -> None:
    if p.maturity_date and f.today < p.maturity_date:
        raise NotAllowed(f"{what} is due at maturity, {p.maturity_date} (art. 7(c))")


# -- Credit actions.

def check_create_application(f: Facts) -> None:
    if f.user.organization is None or f.user.organization.kind != OrgKind.CORPORATE:
        raise Forbidden("only an importer (the applicant) may apply for a credit")
    role(f, *CORPORATE_ACTORS)


def check_import_message(f: Facts) -> None:
    """A bank imports what its SWIFT interface received (issue 18): its staff, or its own
    system through an API client. Not an act on a credit of the platform: like an application,
    it may create one."""
    if f.user.organization is None or not f.user.organization.is_bank:
        raise Forbidden("only a bank imports the SWIFT messages it received")
    role(f, Role.MAKER, Role.CHECKER, Role.API_CLIENT)


def check_update_application(f: Facts, c: LetterOfCredit) -> None:
    party(f, c.applicant_id, "applicant")
    role(f, *CORPORATE_ACTORS)
    if c.state != CreditState.DRAFT:
        raise NotAllowed("only a draft application can be edited")
    if c.draft_shared_at is not None:
        raise NotAllowed("the draft is shared with the beneficiary: revise it, so that each change is a "
                         "numbered version the beneficiary can comment on")


# -- Co-drafting (issue 20): the applicant shares its draft with the beneficiary, both comment
# field by field, the applicant revises and resolves; submission to the issuing bank freezes it.

def drafting(c: LetterOfCredit) -> None:
    if c.state == CreditState.DRAFT:
        return
    if c.state == CreditState.CANCELLED:
        raise NotAllowed("the application was withdrawn: its draft takes no more comments or revisions")
    raise NotAllowed("the application has been submitted to the issuing bank: the draft and its comments "
                     "are frozen (no more comments or revisions)")


def shared(c: LetterOfCredit) -> None:
    if c.draft_shared_at is None:
        raise NotAllowed("the draft has not been shared with the beneficiary")


def check_share_draft(f: Facts, c: LetterOfCredit) -> None:
    party(f, c.applicant_id, "applicant")
    role(f, *CORPORATE_ACTORS)
    drafting(c)
    if c.draft_shared_at is not None:
        raise NotAllowed("the draft is already shared with the beneficiary")


def check_revise_draft(f: Facts, c: LetterOfCredit) -> None:
    """Only the applicant edits its application's terms; the beneficiary suggests in comments."""
    party(f, c.applicant_id, "applicant")
    role(f, *CORPORATE_ACTORS)
    drafting(c)
    shared(c)


def check_comment_on_draft(f: Facts, c: LetterOfCredit) -> None:
    if f.user.organization_id not in {c.applicant_id, c.beneficiary_id}:
        raise Forbidden("only the applicant and the beneficiary comment on a draft application")
    role(f, *CORPORATE_ACTORS)
    drafting(c)
    shared(c)


def check_resolve_draft_comment(f: Facts, comment: DraftComment) -> None:
    party(f, f.credit.applicant_id, "applicant")
    role(f, *CORPORATE_ACTORS)
    drafting(f.credit)
    if comment.resolved_at is not None:
        raise NotAllowed("this comment is already resolved")


def check_submit_application(f: Facts, c: LetterOfCredit) -> None:
    party(f, c.applicant_id, "applicant")
    role(f, *CORPORATE_ACTORS)
    move(c.state, CreditState.SUBMITTED, CREDIT_MOVES, "credit")


def check_prepare_credit(f: Facts, c: LetterOfCredit) -> None:
    party(f, c.issuing_bank_id, "issuing bank")
    role(f, Role.MAKER)
    move(c.state, CreditState.PENDING_APPROVAL, CREDIT_MOVES, "credit")


def check_issue_credit(f: Facts, c: LetterOfCredit) -> None:
    party(f, c.issuing_bank_id, "issuing bank")
    role(f, Role.CHECKER)
    move(c.state, CreditState.ISSUED, CREDIT_MOVES, "credit")
    four_eyes(c.issue_maker_id, f)
    not_signed(f, c.pk)


def check_advise_credit(f: Facts, c: LetterOfCredit) -> None:
    party(f, c.advising_bank_id, "advising bank")
    role(f, *MAKER_OR_CHECKER)
    move(c.state, CreditState.ADVISED, CREDIT_MOVES, "credit")


def check_confirm_credit(f: Facts, c: LetterOfCredit) -> None:
    party(f, c.confirming_bank_id, "confirming bank")
    role(f, *MAKER_OR_CHECKER)
    if c.state not in LIVE_STATES or c.confirmation != Confirmation.REQUESTED:
        raise NotAllowed("there is no confirmation request waiting on this credit")


# -- Transfer (art. 38): requested by the first beneficiary, prepared by the transferring bank's
# maker, approved by its checker, advised to the second beneficiary. The request in flight is
# the credit's (at most one: `Facts.transfer_request`), so each step acts on the credit.

def transferring_bank(f: Facts, c: LetterOfCredit) -> None:
    """Art. 38(b): the nominated bank transfers (in a credit available with any bank, a bank the
    issuing bank specifically authorises; here the issuing bank itself), or the issuing bank."""
    if f.user.organization_id not in {c.nominated_bank_id or c.issuing_bank_id, c.issuing_bank_id}:
        raise Forbidden("only the transferring bank may transfer a credit")


def transferable(c: LetterOfCredit) -> bool:
    """Art. 38(b): only a credit its terms designate "transferable" (40A) is transferred."""
    return c.current_terms is not None and c.current_terms.terms.get("form") == Form.IRREVOCABLE_TRANSFERABLE


def transfer_step(f: Facts, c: LetterOfCredit, target: str) -> TransferRequest:
    t = f.transfer_request
    if t is None:
        raise NotAllowed("no transfer has been requested on this credit")
    move(t.state, target, TRANSFER_MOVES, "transfer")
    return t


def check_request_transfer(f: Facts, c: LetterOfCredit) -> None:
    party(f, c.beneficiary_id, "first beneficiary")
    role(f, *CORPORATE_ACTORS)
    live(c, "only an issued credit can be transferred")
    if not transferable(c):
        raise NotAllowed("the credit is not designated transferable (art. 38(b))")
    if f.transferred or f.transfer_request is not None:
        raise NotAllowed("a credit can be transferred only once (art. 38(d)), and one request at a time")


def check_prepare_transfer(f: Facts, c: LetterOfCredit) -> None:
    transferring_bank(f, c)
    role(f, Role.MAKER)
    live(c, "only an issued credit can be transferred")
    transfer_step(f, c, TransferState.PREPARED)


def check_approve_transfer(f: Facts, c: LetterOfCredit) -> None:
    transferring_bank(f, c)
    role(f, Role.CHECKER)
    live(c, "only an issued credit can be transferred")
    four_eyes(transfer_step(f, c, TransferState.TRANSFERRED).maker_id, f)
    if f.transferred:
        raise NotAllowed("a credit can be transferred only once (art. 38(d))")


def check_advise_transfer(f: Facts, c: LetterOfCredit) -> None:
    transferring_bank(f, c)
    role(f, *MAKER_OR_CHECKER)
    not_closed(c)
    transfer_step(f, c, TransferState.ADVISED)


def check_reject_transfer(f: Facts, c: LetterOfCredit) -> None:
    """Art. 38(a): the bank need not transfer beyond what it expressly consents to."""
    transferring_bank(f, c)
    role(f, *MAKER_OR_CHECKER)
    not_closed(c)
    transfer_step(f, c, TransferState.REJECTED)


def check_request_cancellation(f: Facts, c: LetterOfCredit) -> None:
    party(f, c.issuing_bank_id, "issuing bank")
    role(f, *MAKER_OR_CHECKER)
    live(c, "only an issued credit needs a cancellation agreement")
    if f.cancellation is not None:
        raise NotAllowed("cancellation has already been requested")


def consenting_party(f: Facts, c: LetterOfCredit) -> str:
    """Art. 10(a): who the actor consents as ("confirming_bank" or "beneficiary")."""
    if f.cancellation is None or c.state not in LIVE_STATES:
        raise NotAllowed("no cancellation is waiting for consent")
    org_id = f.user.organization_id
    if c.confirming_bank_id == org_id and c.confirmation == Confirmation.CONFIRMED:
        role(f, *MAKER_OR_CHECKER)
        given, who = f.cancellation.confirming_bank_consent_at, "confirming_bank"
    elif beneficiary_id(c) == org_id:
        role(f, *CORPORATE_ACTORS)
        given, who = f.cancellation.beneficiary_consent_at, "beneficiary"
    else:
        raise Forbidden("only the confirming bank or the beneficiary consents to cancellation")
    if given is not None:
        raise NotAllowed("this party has already consented to the cancellation")
    return who


def check_consent_to_cancellation(f: Facts, c: LetterOfCredit) -> None:
    consenting_party(f, c)


def check_cancel_credit(f: Facts, c: LetterOfCredit) -> None:
    """An issued credit is cancelled with every bound party's consent (art. 10(a)); an
    applicant may withdraw its own draft or submitted application."""
    move(c.state, CreditState.CANCELLED, CREDIT_MOVES, "credit")
    if c.state not in LIVE_STATES:
        party(f, c.applicant_id, "applicant")
        role(f, *CORPORATE_ACTORS)
        return
    party(f, c.issuing_bank_id, "issuing bank")
    role(f, *MAKER_OR_CHECKER)
    k = f.cancellation
    if k is None:
        raise NotAllowed("request cancellation first (art. 10(a))")
    if k.beneficiary_consent_at is None:
        raise NotAllowed("the beneficiary has not agreed to the cancellation (art. 10(a))")
    if c.confirmation == Confirmation.CONFIRMED and k.confirming_bank_consent_at is None:
        raise NotAllowed("the confirming bank has not agreed to the cancellation (art. 10(a))")
    if f.open_presentations:
        raise NotAllowed("a presentation under this credit is still open")


def check_present_documents(f: Facts, c: LetterOfCredit) -> None:
    """The beneficiary presents, or a bank on its behalf (nominated, advising, confirming)."""
    banks = {c.nominated_bank_id, c.advising_bank_id, c.confirming_bank_id} - {None}
    if f.user.organization_id != beneficiary_id(c) and f.user.organization_id not in banks:
        raise Forbidden("only the beneficiary or its bank may present documents")
    acting(f)
    live(c, "documents can be presented only under an issued credit")


def check_propose_amendment(f: Facts, c: LetterOfCredit) -> None:
    party(f, c.applicant_id, "applicant")
    role(f, *CORPORATE_ACTORS)
    live(c, "only an issued credit can be amended")
    if f.open_amendment:
        raise NotAllowed("another amendment of this credit is still open")


# -- Amendment actions.

def check_prepare_amendment(f: Facts, a: Amendment) -> None:
    party(f, f.credit.issuing_bank_id, "issuing bank")
    role(f, Role.MAKER)
    move(a.state, AmendmentState.PENDING_APPROVAL, AMENDMENT_MOVES, "amendment")
    not_closed(f.credit)


def check_issue_amendment(f: Facts, a: Amendment) -> None:
    party(f, f.credit.issuing_bank_id, "issuing bank")
    role(f, Role.CHECKER)
    move(a.state, AmendmentState.ISSUED, AMENDMENT_MOVES, "amendment")
    four_eyes(a.maker_id, f)
    not_signed(f, a.pk)
    not_closed(f.credit)


def check_accept_amendment(f: Facts, a: Amendment) -> None:
    party(f, beneficiary_id(f.credit), "beneficiary")
    role(f, *CORPORATE_ACTORS)
    move(a.state, AmendmentState.ACCEPTED, AMENDMENT_MOVES, "amendment")
    not_closed(f.credit)


def check_reject_amendment(f: Facts, a: Amendment) -> None:
    """The beneficiary rejects an issued amendment; the issuing bank turns down a proposal."""
    if a.state == AmendmentState.ISSUED:
        party(f, beneficiary_id(f.credit), "beneficiary")
        role(f, *CORPORATE_ACTORS)
    else:
        party(f, f.credit.issuing_bank_id, "issuing bank")
        role(f, *MAKER_OR_CHECKER)
    move(a.state, AmendmentState.REJECTED, AMENDMENT_MOVES, "amendment")
    not_closed(f.credit)


def check_decide_amendment_confirmation(f: Facts, a: Amendment) -> None:
    party(f, f.credit.confirming_bank_id, "confirming bank")
    role(f, *MAKER_OR_CHECKER)
    if f.credit.confirmation != Confirmation.CONFIRMED:
        raise NotAllowed("the credit is not confirmed")
    if a.state not in DECIDING_CONFIRMATION or a.confirmation_extended is not None:
        raise NotAllowed("this amendment is not waiting for the confirming bank")
    not_closed(f.credit)


# -- Presentation actions.

def not_lapsed(p: Presentation) -> None:
    """A presentation deemed not made takes no further act; the beneficiary presents anew."""
    if p.state == PresentationState.LAPSED:
        raise NotAllowed("this presentation is deemed not made: no notice of completeness came by the last "
                         "day for presentation (eUCP art. e6(c))")


def check_add_document(f: Facts, p: Presentation) -> None:
    if f.user.organization_id != p.presenter_id:
        raise Forbidden("only the presenter may add documents")
    acting(f)
    not_lapsed(p)
    if p.state != PresentationState.RECEIVED:
        raise NotAllowed("documents can be added only before the notice of completeness")


def check_notify_completeness(f: Facts, p: Presentation) -> None:
    if f.user.organization_id != p.presenter_id:
        raise Forbidden("only the presenter sends the notice of completeness")
    acting(f)
    not_lapsed(p)
    move(p.state, PresentationState.UNDER_EXAMINATION, PRESENTATION_MOVES, "presentation")
    if p.pk not in f.with_documents:
        raise NotAllowed("a presentation with no documents cannot be complete")
    # The lapse timer's rule, applied to the notice itself: a notice after the last day finds the
    # presentation already deemed not made, whether or not the timer has run yet.
    last_day = f.last_day_for_presentation(p)
    if f.today_at(p.presented_to) > last_day:  # the day at the place of presentation, as the timer reads it
        raise NotAllowed(f"the last day for presentation was {last_day}: a notice of completeness after it "
                         "leaves the presentation deemed not made (eUCP art. e6(c))")


def examiner(f: Facts, p: Presentation) -> None:
    party(f, p.presented_to_id, "bank the documents were presented to")
    role(f, Role.EXAMINER)
    if p.state != PresentationState.UNDER_EXAMINATION:
        raise NotAllowed("discrepancies can be decided only while the presentation is under examination")


def check_add_discrepancy(f: Facts, p: Presentation) -> None:
    examiner(f, p)


def check_conclude_examination(f: Facts, p: Presentation) -> None:
    examiner(f, p)
    waiting = f.awaiting_re_presentation.get(p.pk)
    if waiting is not None and f.today_at(p.presented_to) <= waiting.re_present_by:
        raise NotAllowed("the examination is suspended: a corrupted record awaits re-presentation until "
                         f"{waiting.re_present_by} (eUCP art. e12)")
    if p.pk not in f.engine_done:
        raise NotAllowed("the rules engine has not examined these documents yet")
    if p.pk in f.findings_open:
        raise NotAllowed("confirm or withdraw every finding of the engine first")


def check_decide_discrepancy(f: Facts, d: Discrepancy, confirm: bool = True) -> None:
    """Confirm a proposed finding; withdraw a proposed or confirmed one; never twice."""
    examiner(f, d.presentation)
    allowed = (DiscrepancyStatus.PROPOSED,) if confirm else (DiscrepancyStatus.PROPOSED, DiscrepancyStatus.CONFIRMED)
    if d.status not in allowed:
        raise NotAllowed(f"this discrepancy is already {d.status}")


def check_request_waiver(f: Facts, p: Presentation) -> None:
    party(f, p.presented_to_id, "bank the documents were presented to")
    role(f, *EXAMINER_OR_MAKER)
    if p.state == PresentationState.REFUSED:
        # After the notice the bank may still approach the applicant while it holds the documents
        # (art. 16(c)(iii)(a)(b)); the presentation stays refused.
        documents_held(f, p)
        if p.pk in f.pending_waivers:
            raise NotAllowed("a waiver request is already waiting for the applicant")
        return
    move(p.state, PresentationState.WAIVER_REQUESTED, PRESENTATION_MOVES, "presentation")


def check_decide_waiver(f: Facts, p: Presentation) -> None:
    party(f, f.credit.applicant_id, "applicant")
    role(f, *CORPORATE_ACTORS)
    if p.state == PresentationState.RETURNED:
        raise NotAllowed("the documents were returned to the presenter: there is nothing left to waive")
    if p.pk not in f.pending_waivers:
        raise NotAllowed("no waiver request is waiting for the applicant")


def check_refuse_presentation(f: Facts, p: Presentation) -> None:
    party(f, p.presented_to_id, "bank the documents were presented to")
    role(f, *EXAMINER_OR_MAKER)
    if p.state == PresentationState.REFUSED or p.pk in f.refused:
        raise NotAllowed("this presentation has already been refused: art. 16 allows one single notice")
    move(p.state, PresentationState.REFUSED, PRESENTATION_MOVES, "presentation")
    if p.examination_deadline and f.today > p.examination_deadline:
        raise NotAllowed(f"the examination deadline {p.examination_deadline} has passed: "
                         "the bank is precluded from refusing (art. 16(f))")


def check_honour_presentation(f: Facts, p: Presentation) -> None:
    party(f, p.presented_to_id, "bank the documents were presented to")
    role(f, *MAKER_OR_CHECKER)
    move(p.state, PresentationState.HONOURED, PRESENTATION_MOVES, "presentation")
    if p.state != PresentationState.COMPLYING and p.pk not in f.waived:  # art. 16(b): the applicant waived
        raise NotAllowed("only a complying presentation, or one whose discrepancies the applicant waived, "
                         "is honoured")
    # Refusal and honour exclude each other: once the single notice is sent, only an act after
    # it (the applicant's waiver, art. 16(c)(iii)(b)) reopens honour; a waiver given before the
    # refusal, or an honour racing the refusal, does not.
    if p.state == PresentationState.REFUSED and p.pk not in f.waived_after_refusal:
        raise NotAllowed("this presentation was refused: it is honoured only after the applicant waives "
                         "the discrepancies following the refusal (art. 16(c)(iii))")
    if p.state == PresentationState.REFUSED:
        presenter_releases(f, p)
    if p.pk not in f.engine_done:
        raise NotAllowed("the rules engine has not examined these documents yet")
    further_checker(f, p.pk)


# -- After refusal (art. 16(c)(iii), 16(e)): the presenter's instructions, the documents' return.

def documents_held(f: Facts, p: Presentation) -> None:
    """The refusing bank still holds the documents: refused, and neither its notice nor the
    presenter sends them back."""
    if p.state != PresentationState.REFUSED:
        raise NotAllowed("only a refused presentation whose documents the bank still holds takes instructions "
                         f"on them; this one is {p.state.replace('_', ' ')}")
    if f.disposals.get(p.pk) == Disposal.RETURNING:
        raise NotAllowed("the refusal notice said the bank is returning the documents (art. 16(c)(iii)(c))")
    if f.instructions.get(p.pk) == InstructionKind.RETURN_DOCUMENTS:
        raise NotAllowed("the presenter has asked for the documents back: the bank is returning them")


def presenter_releases(f: Facts, p: Presentation) -> None:
    """Whether the refusing bank may let the applicant have the documents (honour after its
    waiver). Holding until the applicant's waiver (16(c)(iii)(b)), it may unless the presenter
    instructed otherwise before it honours; holding pending instructions (a), or acting on
    instructions it did not record here (d), only on the presenter's instruction to release
    them against the waiver; returning them (c), never."""
    standing = f.instructions.get(p.pk)
    if standing in (InstructionKind.RETURN_DOCUMENTS, InstructionKind.HOLD_PENDING):
        raise NotAllowed(f"the presenter's instruction stands: {InstructionKind(standing).label.lower()} "
                         "(art. 16(c)(iii))")
    if standing == InstructionKind.DELIVER_AGAINST_WAIVER:
        return
    if f.disposals.get(p.pk) != Disposal.HOLD_UNTIL_WAIVER:
        raise NotAllowed("the refusal notice holds the documents for the presenter: honour needs its instruction "
                         "to release them against the applicant's waiver (art. 16(c)(iii)(a))")


def check_give_instructions(f: Facts, p: Presentation) -> None:
    """The presenter tells the refusing bank what to do with the documents it holds."""
    if f.user.organization_id != p.presenter_id:
        raise Forbidden("only the presenter gives instructions on its documents")
    acting(f)
    documents_held(f, p)


def check_return_documents(f: Facts, p: Presentation) -> None:
    """The refusing bank records the documents sent back to the presenter: as its notice said, as
    the presenter instructed, or at any time after a notice that held them (art. 16(e))."""
    party(f, p.presented_to_id, "bank the documents were presented to")
    role(f, *MAKER_OR_CHECKER)
    move(p.state, PresentationState.RETURNED, PRESENTATION_MOVES, "presentation")


# -- eUCP 2.1 art. e12: a corrupted electronic record.

def check_request_re_presentation(f: Facts, p: Presentation) -> None:
    """The examining bank asks the presenter to re-present a record that appears corrupted;
    the examination time stands still until it comes (at most 30 calendar days)."""
    party(f, p.presented_to_id, "bank the documents were presented to")
    role(f, *EXAMINER_OR_MAKER)
    if not p.electronic:
        raise NotAllowed("only an electronic record can be re-presented (eUCP art. e12)")
    if p.state != PresentationState.UNDER_EXAMINATION:
        raise NotAllowed("a re-presentation is asked for only while the presentation is under examination")
    if p.pk in f.awaiting_re_presentation:
        raise NotAllowed("a corrupted record of this presentation already awaits re-presentation")
    if p.examination_deadline and f.today > p.examination_deadline:
        raise NotAllowed(f"the examination deadline {p.examination_deadline} has passed")


def check_re_present_record(f: Facts, p: Presentation) -> None:
    if f.user.organization_id != p.presenter_id:
        raise Forbidden("only the presenter re-presents its records")
    acting(f)
    waiting = f.awaiting_re_presentation.get(p.pk)
    if waiting is None or p.state != PresentationState.UNDER_EXAMINATION:
        raise NotAllowed("no corrupted record of this presentation awaits re-presentation")
    if f.today_at(p.presented_to) > waiting.re_present_by:
        raise NotAllowed(f"the record was not re-presented by {waiting.re_present_by} (30 calendar days): the "
                         "bank may treat it as not presented, and no deadline is extended (eUCP art. e12(b))")


def check_reimburse_presentation(f: Facts, p: Presentation) -> None:
    party(f, f.credit.issuing_bank_id, "issuing bank")
    role(f, *MAKER_OR_CHECKER)
    move(p.state, PresentationState.REIMBURSED, PRESENTATION_MOVES, "presentation")
    if p.presented_to_id == f.credit.issuing_bank_id:
        raise NotAllowed("the issuing bank honoured itself: there is no one to reimburse")
    matured(f, p, "reimbursement")


def check_settle_presentation(f: Facts, p: Presentation) -> None:
    party(f, f.credit.issuing_bank_id, "issuing bank")
    role(f, *MAKER_OR_CHECKER)
    move(p.state, PresentationState.SETTLED, PRESENTATION_MOVES, "presentation")
    if p.state == PresentationState.HONOURED and p.presented_to_id != f.credit.issuing_bank_id:
        raise NotAllowed("reimburse the nominated bank before settling")
    matured(f, p, "settlement")


# -- Money (issue 13): facilities, rates, overrides at the issuing bank.

def credit_officer(f: Facts) -> None:
    if not is_bank_user(f.user):
        raise Forbidden("only a bank's credit officer keeps facilities and rates")
    role(f, Role.CREDIT_OFFICER)


def check_set_facility(f: Facts, c: LetterOfCredit) -> None:
    """A bank's credit officer sets an applicant's facility (at the officer's own bank)."""
    credit_officer(f)


def check_set_rate(f: Facts, c: LetterOfCredit) -> None:
    credit_officer(f)


def check_override_facility(f: Facts, c: LetterOfCredit) -> None:
    """The issuing bank's credit officer lets the issue awaiting its checker (a credit, or an
    amendment's increase) go beyond the applicant's facility."""
    party(f, c.issuing_bank_id, "issuing bank")
    role(f, Role.CREDIT_OFFICER)
    if c.state != CreditState.PENDING_APPROVAL and not (c.state in LIVE_STATES and f.amendment_awaiting_checker):
        raise NotAllowed("nothing awaits issue: an override covers a credit or an amendment awaiting its checker")


def check_print_evidence_summary(f: Facts, c: LetterOfCredit) -> None:
    """Issue 20: any person of a party (its auditors included: printing shows, it changes
    nothing) prints the evidence summary of a credit it sees, in any state."""
    if not c.is_visible_to(f.user.organization):
        raise Forbidden("only the credit's parties print its evidence summary")
    role(f, *Role.values)


CHECKS: dict[str, Callable[..., None]] = {
    name.removeprefix("check_"): fn for name, fn in list(globals().items())
    if name.startswith("check_") and callable(fn)
}


def check(action: str, f: Facts, *target: Any, **options: Any) -> None:
    CHECKS[action](f, *target, **options)


def can(action: str, f: Facts, *target: Any, **options: Any) -> bool:
    """Would the service accept this action from this user now (as far as rights and state go)?"""
    try:
        check(action, f, *target, **options)
    except DomainError:
        return False
    return True
