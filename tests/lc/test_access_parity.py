"""The one access rule holds everywhere: for every action of the events catalogue, every demo
person and every credit, amendment, presentation and discrepancy of the demo book, what the
rule (and so the portal) offers is exactly what the service accepts. Also: the events
catalogue is the only source of ledger kinds, and the three forms of credit visibility agree."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection, transaction
from django.utils import timezone

from lc import access, events, services
from lc.api.credit_list import _visible
from lc.demo import Cast
from lc.errors import Forbidden, InvalidInput, NotAllowed, NotFound
from lc.examination.doctypes import DocType
from lc.management.commands.seed_demo import seed_credits
from lc.models import (
    Discrepancy,
    DocumentType,
    DraftComment,
    LetterOfCredit,
    Organization,
    Presentation,
    PresentationState,
)
from lc.portal import actions as portal_actions
from lc.portal.credits import facts_for, load_presentations
from lc.scenarios import EXAMPLE_ISSUE, Story, example_documents, weeks_between
from lc.services.credits import last_day_for_presentation
from lc.services.timers import lapse_presentation
from ledger.models import Entry, PendingEntry

Call = Callable[[Any, Any, Cast], Any]


def _docs() -> list[services.DocumentInput]:
    return example_documents(with_files=False)


def _amount(credit: LetterOfCredit) -> Decimal:
    return credit.amount


# How each action is called in the walk: (target kind, call(user, target, cast)). Inputs are
# plausible; an InvalidInput answer means the rule let the person through.
CALLS: dict[str, tuple[str, Call]] = {
    "update_application": ("credit", lambda u, c, k: services.update_application(
        actor=u, credit_id=c.pk, terms=c.draft_terms)),
    "submit_application": ("credit", lambda u, c, k: services.submit_application(actor=u, credit_id=c.pk)),
    "share_draft": ("credit", lambda u, c, k: services.share_draft(actor=u, credit_id=c.pk)),
    "revise_draft": ("credit", lambda u, c, k: services.revise_draft(
        actor=u, credit_id=c.pk, terms={**c.draft_terms, "charges": "All charges for the applicant"})),
    "comment_on_draft": ("credit", lambda u, c, k: services.comment_on_draft(
        actor=u, credit_id=c.pk, field="44C", text="Two more weeks, please.", suggested_value="2025-06-14")),
    "resolve_draft_comment": ("draft_comment", lambda u, d, k: services.resolve_draft_comment(
        actor=u, comment_id=d.pk)),
    "prepare_credit": ("credit", lambda u, c, k: services.prepare_credit(actor=u, credit_id=c.pk)),
    "issue_credit": ("credit", lambda u, c, k: services.issue_credit(
        actor=u, credit_id=c.pk, rekeyed_amount=_amount(c))),
    "advise_credit": ("credit", lambda u, c, k: services.advise_credit(actor=u, credit_id=c.pk)),
    "confirm_credit": ("credit", lambda u, c, k: services.confirm_credit(actor=u, credit_id=c.pk, confirm=True)),
    "request_transfer": ("credit", lambda u, c, k: services.request_transfer(
        actor=u, credit_id=c.pk, second_beneficiary=k.orgs["stranger_corp"], changes={})),
    "prepare_transfer": ("credit", lambda u, c, k: services.prepare_transfer(actor=u, credit_id=c.pk)),
    "approve_transfer": ("credit", lambda u, c, k: services.approve_transfer(actor=u, credit_id=c.pk)),
    "advise_transfer": ("credit", lambda u, c, k: services.advise_transfer(actor=u, credit_id=c.pk)),
    "reject_transfer": ("credit", lambda u, c, k: services.reject_transfer(
        actor=u, credit_id=c.pk, reason="we do not consent to this transfer")),
    "request_cancellation": ("credit", lambda u, c, k: services.request_cancellation(
        actor=u, credit_id=c.pk, reason="no longer needed")),
    "consent_to_cancellation": ("credit", lambda u, c, k: services.consent_to_cancellation(
        actor=u, credit_id=c.pk)),
    "cancel_credit": ("credit", lambda u, c, k: services.cancel_credit(actor=u, credit_id=c.pk)),
    "present_documents": ("credit", lambda u, c, k: services.present_documents(
        actor=u, credit_id=c.pk, presented_to=c.nominated_bank or c.issuing_bank, amount_claimed=Decimal("1.00"),
        documents=_docs())),
    "propose_amendment": ("credit", lambda u, c, k: services.propose_amendment(
        actor=u, credit_id=c.pk, changes={"amount": "140000.00"})),
    "prepare_amendment": ("amendment", lambda u, a, k: services.prepare_amendment(actor=u, amendment_id=a.pk)),
    "issue_amendment": ("amendment", lambda u, a, k: services.issue_amendment(actor=u, amendment_id=a.pk)),
    "accept_amendment": ("amendment", lambda u, a, k: services.accept_amendment(actor=u, amendment_id=a.pk)),
    "reject_amendment": ("amendment", lambda u, a, k: services.reject_amendment(actor=u, amendment_id=a.pk)),
    "decide_amendment_confirmation": ("amendment", lambda u, a, k: services.decide_amendment_confirmation(
        actor=u, amendment_id=a.pk, extend=True)),
    "add_document": ("presentation", lambda u, p, k: services.add_document(
        actor=u, presentation_id=p.pk, document=_docs()[0])),
    "notify_completeness": ("presentation", lambda u, p, k: services.notify_completeness(
        actor=u, presentation_id=p.pk)),
    "add_discrepancy": ("presentation", lambda u, p, k: services.add_discrepancy(
        actor=u, presentation_id=p.pk, code="C25", rule="UCP 600 art. 14(d)", text="Data conflict.")),
    "conclude_examination": ("presentation", lambda u, p, k: services.conclude_examination(
        actor=u, presentation_id=p.pk)),
    "request_waiver": ("presentation", lambda u, p, k: services.request_waiver(actor=u, presentation_id=p.pk)),
    "decide_waiver": ("presentation", lambda u, p, k: services.decide_waiver(
        actor=u, presentation_id=p.pk, waive=True)),
    "refuse_presentation": ("presentation", lambda u, p, k: services.refuse_presentation(
        actor=u, presentation_id=p.pk, disposal="returning")),
    "honour_presentation": ("presentation", lambda u, p, k: services.honour_presentation(
        actor=u, presentation_id=p.pk, maturity_date=timezone.localdate() + dt.timedelta(days=30))),
    "give_instructions": ("presentation", lambda u, p, k: services.give_instructions(
        actor=u, presentation_id=p.pk, kind="deliver_against_waiver")),
    "return_documents": ("presentation", lambda u, p, k: services.return_documents(actor=u, presentation_id=p.pk)),
    "request_re_presentation": ("presentation", lambda u, p, k: services.request_re_presentation(
        actor=u, presentation_id=p.pk, document_id=getattr(p.documents.first(), "pk", None),
        reason="the PDF does not open")),
    "re_present_record": ("presentation", lambda u, p, k: services.re_present_record(
        actor=u, presentation_id=p.pk, document=_docs()[0])),
    "reimburse_presentation": ("presentation", lambda u, p, k: services.reimburse_presentation(
        actor=u, presentation_id=p.pk)),
    "settle_presentation": ("presentation", lambda u, p, k: services.settle_presentation(
        actor=u, presentation_id=p.pk)),
    "decide_discrepancy": ("discrepancy", lambda u, d, k: services.decide_discrepancy(
        actor=u, discrepancy_id=d.pk, confirm=True)),
    "set_facility": ("credit", lambda u, c, k: services.set_facility(
        actor=u, applicant=c.applicant, currency="USD", limit="1000000.00", expiry_date=dt.date(2099, 12, 31))),
    "set_rate": ("credit", lambda u, c, k: services.set_rate(actor=u, base="EUR", quote="USD", rate="1.08")),
    "override_facility": ("credit", lambda u, c, k: services.override_facility(
        actor=u, credit_id=c.pk, reason="long-standing client, collateral held")),
    "print_evidence_summary": ("credit", lambda u, c, k: services.print_evidence_summary(actor=u, credit_id=c.pk)),
}


class _Rollback(Exception):
    pass


def service_accepts(call: Callable[[], Any]) -> bool:
    """Run the service in a savepoint that is always rolled back; True unless a rule refused."""
    try:
        with transaction.atomic():
            try:
                call()
            except InvalidInput:
                pass  # past every rule, stopped by the input
            raise _Rollback
    except _Rollback:
        return True
    except (Forbidden, NotAllowed, NotFound):
        return False


def _late_documents(shift: int) -> list[services.DocumentInput]:
    """On board after the latest shipment date: the engine proposes C14 (art. 29(c))."""
    docs = example_documents(shift)
    docs[2].data["on_board_date"] = (dt.date(2025, 6, 2) + dt.timedelta(days=shift)).isoformat()
    return docs


@pytest.fixture
def book(cast: Cast) -> Cast:
    """The demo book, plus the states it lacks so that every action is open to someone: an
    eUCP presentation awaiting its notice of completeness, one deemed not made, amendments at each step, a
    confirmed credit with an amendment and a cancellation to consent to, presentations with
    open findings, examined by the engine, complying, discrepant within the deadline, reimbursed."""
    now = timezone.now()
    seed_credits(cast, now)
    monday = timezone.localdate() - dt.timedelta(days=timezone.localdate().weekday())
    shift = weeks_between(EXAMPLE_ISSUE + dt.timedelta(days=98), monday)
    u = cast.users

    def story(**changes: Any) -> Story:
        s = Story(cast, now, shift_days=shift, **changes)
        s.issued(confirming=changes.get("confirmation") == "CONFIRM")
        return s

    # A week later than the others, so that its last day for presentation (Monday) is still ahead
    # whatever day of the week the walk runs: its notice of completeness would be in time.
    e = Story(cast, now, shift_days=shift + 7)
    e.issued()
    services.present_documents(actor=u["nef.exports"], credit_id=e.credit_id, presented_to=cast.orgs["issuing"],
                               amount_claimed=Decimal("1000.00"), documents=_docs()[:1], electronic=True)
    # eUCP art. e12: electronic presentations under examination, one with a corrupted record
    # awaiting re-presentation.
    for corrupted in (False, True):
        ee = Story(cast, now, shift_days=shift + 7)
        ee.issued()
        sent = services.present_documents(actor=u["nef.exports"], credit_id=ee.credit_id,
                                          presented_to=cast.orgs["advising"], amount_claimed=Decimal("1000.00"),
                                          documents=_docs()[:1], electronic=True)
        services.notify_completeness(actor=u["nef.exports"], presentation_id=sent.pk)
        if corrupted:
            services.request_re_presentation(actor=u["ncb.examiner"], presentation_id=sent.pk,
                                             document_id=sent.documents.get().pk, reason="checksum mismatch")
    lapsed = story()  # eUCP: no notice of completeness by the last day for presentation
    gone = services.present_documents(actor=u["nef.exports"], credit_id=lapsed.credit_id,
                                      presented_to=cast.orgs["advising"], amount_claimed=Decimal("1000.00"),
                                      documents=_docs()[:1], electronic=True)
    assert lapsed.credit is not None
    last_day = last_day_for_presentation(lapsed.credit)
    assert lapse_presentation(presentation_id=gone.pk, now=lapsed.at((last_day - EXAMPLE_ISSUE).days - shift + 1))
    a = story()
    services.propose_amendment(actor=u["hhl.treasury"], credit_id=a.credit_id, changes={"amount": "126000.00"})
    b = story()
    proposal = services.propose_amendment(actor=u["hhl.treasury"], credit_id=b.credit_id,
                                          changes={"amount": "127000.00"})
    services.prepare_amendment(actor=u["vhb.maker"], amendment_id=proposal.pk)
    c = story(confirmation="CONFIRM")
    services.confirm_credit(actor=u["lctb.maker"], credit_id=c.credit_id, confirm=True)
    proposal = services.propose_amendment(actor=u["hhl.treasury"], credit_id=c.credit_id,
                                          changes={"amount": "128000.00"})
    services.prepare_amendment(actor=u["vhb.maker"], amendment_id=proposal.pk)
    services.issue_amendment(actor=u["vhb.checker"], amendment_id=proposal.pk)
    services.request_cancellation(actor=u["vhb.maker"], credit_id=c.credit_id, reason="goods no longer needed")
    findings = story()
    findings.present(documents=_late_documents(shift))
    services.record_engine_result(presentation_id=findings.presentation.pk)
    examined = story()
    examined.present()
    services.record_engine_result(presentation_id=examined.presentation.pk)
    complying = story()
    complying.present()
    complying.examine()
    discrepant = story()
    discrepant.present(documents=_late_documents(shift))
    discrepant.examine()
    reimbursed = story()
    reimbursed.present()
    reimbursed.examine()
    reimbursed.honour()
    reimbursed.reimburse()
    # Transfer (art. 38, issue 20): transferable credits open to a request, and with a request
    # at each step (awaiting the maker, awaiting the checker, transferred and awaiting advice).
    exporter, transferable = u["nef.exports"], "IRREVOCABLE TRANSFERABLE"
    story(form=transferable)
    for steps in (1, 2, 3):
        t = story(form=transferable)
        services.request_transfer(actor=exporter, credit_id=t.credit_id, second_beneficiary=cast.orgs["stranger_corp"],
                                  changes={"amount": "60000.00"})
        if steps > 1:
            services.prepare_transfer(actor=u["ncb.maker"], credit_id=t.credit_id)
        if steps > 2:
            services.approve_transfer(actor=u["ncb.checker"], credit_id=t.credit_id)
    # Co-drafting (issue 20): a shared draft with an open and a resolved comment, and one
    # submitted since (frozen); the seeded drafts are unshared.
    for submitted in (False, True):
        d = Story(cast, now, shift_days=shift)
        d.apply()
        services.share_draft(actor=u["hhl.treasury"], credit_id=d.credit_id)
        for _ in range(2):
            last = services.comment_on_draft(actor=u["nef.exports"], credit_id=d.credit_id, field="45A",
                                             text="Please name the model as on our pro-forma invoice.")
        services.resolve_draft_comment(actor=u["hhl.treasury"], comment_id=last.pk)
        if submitted:
            services.submit_application(actor=u["hhl.treasury"], credit_id=d.credit_id)
    assert Discrepancy.objects.filter(presentation=findings.presentation, status="proposed").exists()
    return cast


def targets(kind: str, credit: LetterOfCredit) -> Iterator[Any]:
    if kind == "credit":
        yield credit
    elif kind == "amendment":
        yield from credit.amendments.all()
    elif kind == "presentation":
        yield from Presentation.objects.filter(credit=credit).select_related("presented_to", "refusal")
    elif kind == "draft_comment":
        yield from DraftComment.objects.filter(credit=credit).select_related("version")
    else:
        yield from Discrepancy.objects.filter(presentation__credit=credit).select_related("presentation")


def test_every_catalogued_action_has_one_rule_and_one_walk() -> None:
    assert set(events.ACTIONS) == set(access.CHECKS)
    # Two actions act on no credit of the platform (they may create one): an application, and
    # a bank's import of a SWIFT message (tests/swift_e2e walks the latter).
    assert set(CALLS) | {"create_application", "import_message"} == set(events.ACTIONS)
    assert {a.rule for a in portal_actions.ACTIONS.values()} <= set(events.ACTIONS)


@pytest.mark.django_db
def test_what_the_rule_offers_is_exactly_what_the_service_accepts(book: Cast) -> None:
    """And, on the same book: every kind written is catalogued, and visibility's forms agree."""
    mismatches: list[str] = []
    accepted: set[str] = set()
    credits = list(LetterOfCredit.objects.with_parties().order_by("created_at"))
    for user in book.users.values():
        for credit in credits:
            facts = facts_for(user, credit, load_presentations(credit))
            for action, (kind, call) in CALLS.items():
                for target in targets(kind, credit):
                    if kind == "discrepancy":
                        target.presentation.credit = credit
                    ruled = access.can(action, facts, target)
                    served = service_accepts(lambda: call(user, target, book))
                    accepted |= {action} if served else set()
                    if ruled != served:
                        mismatches.append(f"{action} by {user.username} on {kind} {getattr(target, 'state', '')}"
                                          f" of {credit.reference} ({credit.state}): rule {ruled}, service {served}")
    assert not mismatches, "\n".join(mismatches[:30])
    assert accepted == set(CALLS), f"never accepted in the demo book: {set(CALLS) - accepted}"
    every_kind_written_is_in_the_catalogue()
    the_three_forms_of_credit_visibility_agree()


def every_kind_written_is_in_the_catalogue() -> None:
    written = set(PendingEntry.objects.values_list("kind", flat=True)) | set(Entry.objects.values_list("kind", flat=True))
    assert written, "the demo wrote nothing"
    assert written <= set(events.EVENTS), written - set(events.EVENTS)


def the_three_forms_of_credit_visibility_agree() -> None:
    """The queryset filter, the one-row method and the list's SQL give the same answer for every
    organisation and credit (drafts included)."""
    orgs = list(Organization.objects.all())
    credits = list(LetterOfCredit.objects.all())
    assert any(c.state == "draft" for c in credits)
    assert any(c.state == "draft" and c.draft_shared_at is not None for c in credits)  # seen by its beneficiary
    for org in orgs:
        by_queryset = set(LetterOfCredit.objects.visible_to(org).values_list("pk", flat=True))
        by_method = {c.pk for c in credits if c.is_visible_to(org)}
        with connection.cursor() as cur:
            cur.execute(f"SELECT c.id FROM lc_letterofcredit c WHERE {_visible()}", {"org": org.pk, "draft": "draft"})
            by_sql = {row[0] for row in cur.fetchall()}
        assert by_queryset == by_method == by_sql, org.name


@pytest.mark.django_db
def test_the_portal_offers_exactly_what_the_rule_allows(book: Cast) -> None:
    """Each portal action asks the rule, with the portal's own facts, and its service agrees."""
    offered_somewhere: set[str] = set()
    for username in ("vhb.maker", "vhb.checker", "vhb.examiner", "ncb.maker", "ncb.examiner", "lctb.maker"):
        user = book.users[username]
        for credit in LetterOfCredit.objects.with_parties():
            facts = facts_for(user, credit, load_presentations(credit))
            for act in portal_actions.ACTIONS.values():
                for target in targets(act.target, credit):
                    if act.target == "discrepancy":
                        target.presentation.credit = credit
                    options = dict(act.options)
                    rule_says = access.can(act.rule, facts, target, **options)
                    assert act.offer(facts, target) == rule_says
                    if act.rule in CALLS and not options:
                        assert rule_says == service_accepts(
                            lambda: CALLS[act.rule][1](user, target, book)), (act.name, username)
                    offered_somewhere |= {act.name} if rule_says else set()
    assert {"prepare", "approve", "advise", "refuse", "honour"} <= offered_somewhere


@pytest.mark.django_db
def test_cancel_is_not_offered_while_a_presentation_is_open(book: Cast) -> None:
    """The drift the old portal mirror had: with every consent given, an open presentation
    still blocks cancellation, on the page as in the service."""
    credit = LetterOfCredit.objects.filter(presentations__state=PresentationState.UNDER_EXAMINATION).first()
    assert credit is not None
    cancellation = services.request_cancellation(actor=book.users["vhb.maker"], credit_id=credit.pk, reason="x")
    cancellation.beneficiary_consent_at = timezone.now()
    cancellation.save()
    credit.refresh_from_db()
    facts = facts_for(book.users["vhb.checker"], credit, load_presentations(credit))
    assert not portal_actions.ACTIONS["cancel"].offer(facts, credit)
    assert not service_accepts(lambda: services.cancel_credit(actor=book.users["vhb.checker"], credit_id=credit.pk))


def test_system_events_have_no_person_action() -> None:
    system = {e.kind for e in events.EVENTS.values() if e.action == events.SYSTEM}
    assert system == {"lc.expired", "lc.expiry_warning", "presentation.engine_examined",
                      "presentation.deadline_warning", "presentation.lapsed"}


@pytest.mark.django_db
def test_a_kind_outside_the_catalogue_cannot_be_recorded(cast: Cast) -> None:
    from lc.services.common import record

    stray = events.Event("lc.improvised", events.CREDIT_ISSUED.label, "issue_credit")
    with pytest.raises(ValueError, match=r"lc\.improvised"):
        record(stray, subject="lc:x", actor=None, at=timezone.now(), payload={})
    assert not PendingEntry.objects.filter(kind="lc.improvised").exists()


def test_webhook_types_come_from_the_catalogue() -> None:
    from lc.integrations.webhooks import EVENT_TYPES

    assert EVENT_TYPES == events.WEBHOOK_TYPES
    assert "presentation.discrepancies_found" in EVENT_TYPES and "credit.issued" in EVENT_TYPES


def test_model_document_types_are_the_engines() -> None:
    assert set(DocumentType.values) == {str(t) for t in DocType}
