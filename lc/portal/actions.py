"""The portal's business actions: one entry per service call, with its form and its offer rule.

An action names what it acts on (the credit, one of its amendments, presentations or
discrepancies), the form to fill in, the rule of lc.access that decides whether to offer it
(the same rule the service enforces) and the one service call it makes.
`action_views.action_view` serves them all.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from lc import access, money, services
from lc.access import Facts
from lc.models import Amendment, Discrepancy, LetterOfCredit, Presentation, User
from lc.portal import forms as pf
from lc.services.approvals import held_params
from lc.services.facilities import override_facility
from lc.services.settlement import honour_limit
from lc.services.transfers import current_transfer

Target = LetterOfCredit | Amendment | Presentation | Discrepancy
TRANSFER_TEMPLATE = "portal/transfer_action.html"


@dataclass(frozen=True)
class Action:
    name: str
    label: Promise
    target: str  # "credit", "amendment", "presentation" or "discrepancy"
    form: type[forms.Form]
    rule: str  # the action of lc.access (and of lc.events) this portal action performs
    call: Callable[[User, Any, dict[str, Any]], Any]
    done: Promise
    tone: str = "primary"  # button style: primary, danger, quiet
    back_to: str = "credit"  # where to go after success: "credit", "examine", "refusal"
    explain: Promise | str = ""
    template: str = "portal/action.html"
    initial: Callable[[Any], dict[str, Any]] | None = None
    options: tuple[tuple[str, Any], ...] = ()  # extra arguments of the rule, e.g. confirm=True
    # Offered to company users too (the rule still decides whom): the first beneficiary's transfer
    # request (issue 20). Every other portal action is bank staff's.
    corporate: bool = False

    def offer(self, facts: Facts, target: Any) -> bool:
        return access.can(self.rule, facts, target, **dict(self.options))


def _prepare(user: User, credit: LetterOfCredit, d: dict[str, Any]) -> Any:
    # The amount as keyed, without the trailing zeros of the form's reading (Decimal("125000.0000")):
    # the terms and their MT700 32B carry the currency's digits, which the service checks (C03).
    amount = format(d["amount"].normalize(), "f")
    terms = {**credit.draft_terms, "amount": amount, "expiry_date": d["expiry_date"].isoformat(),
             "expiry_place": d["expiry_place"]}
    if d.get("latest_shipment"):
        terms["latest_shipment"] = d["latest_shipment"].isoformat()
    return services.prepare_credit(actor=user, credit_id=credit.pk, terms=terms)


def _prepare_initial(credit: LetterOfCredit) -> dict[str, Any]:
    t = credit.draft_terms
    return {"amount": t.get("amount"), "expiry_date": t.get("expiry_date"), "expiry_place": t.get("expiry_place"),
            "latest_shipment": t.get("latest_shipment")}


def _transfer_initial(credit: LetterOfCredit) -> dict[str, Any]:
    """The prepare form starts from what the first beneficiary asked for."""
    t = current_transfer(credit)
    return dict(t.changes) if t is not None else {}


def _request_transfer(user: User, credit: LetterOfCredit, d: dict[str, Any]) -> Any:
    return services.request_transfer(actor=user, credit_id=credit.pk, second_beneficiary=d["second_beneficiary"],
                                     changes=pf.transfer_changes(d, credit.currency), note=d["note"])


def _honour_initial(p: Presentation) -> dict[str, Any]:
    """The most the service would pay (never simply the claim: art. 18(b)); for an honour awaiting
    further checkers, what its first approver decided (approval levels, issue 20)."""
    held = held_params(p.pk)
    if held is not None:
        return {"amount": held.get("amount"), "maturity_date": held.get("maturity_date")}
    return {"amount": money.text(honour_limit(p.credit, p), p.currency)}


ACTIONS: dict[str, Action] = {a.name: a for a in [
    Action("prepare", _("Prepare for issuance"), "credit", pf.PrepareForm, "prepare_credit", _prepare,
           _("Prepared and sent to a checker."), initial=_prepare_initial,
           explain=_("Check the application, complete the key terms and send the credit to a checker.")),
    Action("approve", _("Approve and issue"), "credit", pf.ApproveForm, "issue_credit",
           lambda u, c, d: services.issue_credit(actor=u, credit_id=c.pk, rekeyed_amount=d["amount"]),
           _("The credit is issued."),
           explain=_("Four eyes: you cannot approve a credit you prepared. The amount must be re-keyed.")),
    Action("advise", _("Advise to beneficiary"), "credit", pf.AdviseForm, "advise_credit",
           lambda u, c, d: services.advise_credit(actor=u, credit_id=c.pk), _("The credit is advised.")),
    Action("confirm", _("Confirm or decline"), "credit", pf.ConfirmForm, "confirm_credit",
           lambda u, c, d: services.confirm_credit(actor=u, credit_id=c.pk, confirm=d["decision"] == "confirm",
                                                   reason=d["reason"]),
           _("Your decision on confirmation is recorded.")),
    # Transfer (art. 38, issue 20): one form per step, all on the first credit.
    Action("request-transfer", _("Request a transfer"), "credit", pf.RequestTransferForm, "request_transfer",
           _request_transfer,
           _("Transfer requested from the transferring bank."), corporate=True, template=TRANSFER_TEMPLATE,
           explain=_("Art. 38: name the second beneficiary; only the amount, expiry, latest shipment and "
                     "period for presentation may be reduced.")),
    Action("prepare-transfer", _("Prepare the transfer"), "credit", pf.TransferTermsForm, "prepare_transfer",
           lambda u, c, d: services.prepare_transfer(actor=u, credit_id=c.pk,
                                                     changes=pf.transfer_changes(d, c.currency)),
           _("Transfer prepared and sent to a checker."), initial=_transfer_initial, template=TRANSFER_TEMPLATE,
           explain=_("Check the request; you may curtail the terms further (art. 38(a)), never enlarge them.")),
    Action("approve-transfer", _("Approve the transfer"), "credit", pf.NoFieldsForm, "approve_transfer",
           lambda u, c, d: services.approve_transfer(actor=u, credit_id=c.pk),
           _("The credit is transferred."), template=TRANSFER_TEMPLATE,
           explain=_("Four eyes: you cannot approve a transfer you prepared. The transferred amount is "
                     "earmarked on this credit.")),
    Action("advise-transfer", _("Advise the transferred credit"), "credit", pf.NoFieldsForm, "advise_transfer",
           lambda u, c, d: services.advise_transfer(actor=u, credit_id=c.pk),
           _("The transferred credit is advised to the second beneficiary."), template=TRANSFER_TEMPLATE),
    Action("reject-transfer", _("Turn the transfer down"), "credit", pf.ReasonForm, "reject_transfer",
           lambda u, c, d: services.reject_transfer(actor=u, credit_id=c.pk, reason=d["reason"]),
           _("The transfer request is turned down."), tone="danger", template=TRANSFER_TEMPLATE),
    Action("request-cancellation", _("Request cancellation"), "credit", pf.ReasonForm,
           "request_cancellation",
           lambda u, c, d: services.request_cancellation(actor=u, credit_id=c.pk, reason=d["reason"]),
           _("Cancellation requested; the beneficiary (and confirming bank) must agree."), tone="danger"),
    Action("consent-cancellation", _("Agree to cancellation"), "credit", pf.NoFieldsForm,
           "consent_to_cancellation",
           lambda u, c, d: services.consent_to_cancellation(actor=u, credit_id=c.pk), _("Consent recorded.")),
    Action("override-facility", _("Override the facility limit"), "credit", pf.OverrideForm, "override_facility",
           lambda u, c, d: override_facility(actor=u, credit_id=c.pk, reason=d["reason"]),
           _("Override recorded: the checker may now issue beyond the facility."), tone="danger",
           explain=_("Credit officer: let the issue awaiting its checker exceed the applicant's facility.")),
    Action("cancel", _("Cancel the credit"), "credit", pf.NoFieldsForm, "cancel_credit",
           lambda u, c, d: services.cancel_credit(actor=u, credit_id=c.pk), _("The credit is cancelled."),
           tone="danger"),
    Action("issue-amendment", _("Prepare amendment"), "amendment", pf.NoFieldsForm, "prepare_amendment",
           lambda u, a, d: services.prepare_amendment(actor=u, amendment_id=a.pk),
           _("Amendment prepared and sent to a checker.")),
    Action("approve-amendment", _("Approve and issue amendment"), "amendment", pf.NoFieldsForm,
           "issue_amendment", lambda u, a, d: services.issue_amendment(actor=u, amendment_id=a.pk),
           _("Amendment issued; it waits for the beneficiary (art. 10)."),
           explain=_("Four eyes: you cannot approve an amendment you prepared.")),
    Action("reject-proposal", _("Turn down proposal"), "amendment", pf.OptionalReasonForm,
           "reject_amendment",
           lambda u, a, d: services.reject_amendment(actor=u, amendment_id=a.pk, reason=d["reason"]),
           _("The proposal is turned down."), tone="danger"),
    Action("extend-confirmation", _("Decide on confirming the amendment"), "amendment",
           pf.ExtendConfirmationForm, "decide_amendment_confirmation",
           lambda u, a, d: services.decide_amendment_confirmation(actor=u, amendment_id=a.pk, extend=d["extend"]),
           _("Your decision on the amendment is recorded.")),
    Action("request-waiver", _("Ask the applicant for a waiver"), "presentation", pf.WaiverForm,
           "request_waiver",
           lambda u, p, d: services.request_waiver(actor=u, presentation_id=p.pk, note=d["note"]),
           _("Waiver requested. The examination deadline does not move (art. 16(b))."), back_to="examine"),
    Action("refuse", _("Refuse (single notice)"), "presentation", pf.RefuseForm, "refuse_presentation",
           lambda u, p, d: services.refuse_presentation(actor=u, presentation_id=p.pk, disposal=d["disposal"]),
           _("Refusal notice sent."), tone="danger", back_to="refusal", template="portal/refusal_compose.html"),
    Action("honour", _("Honour"), "presentation", pf.HonourForm, "honour_presentation",
           lambda u, p, d: services.honour_presentation(actor=u, presentation_id=p.pk, amount=d["amount"],
                                                        maturity_date=d["maturity_date"]),
           _("The presentation is honoured."), initial=_honour_initial),
    # After refusal (art. 16(c)(iii), 16(e)): the presenting bank's instructions, the documents' return.
    Action("give-instructions", _("Instruct on the refused documents"), "presentation", pf.InstructionsForm,
           "give_instructions",
           lambda u, p, d: services.give_instructions(actor=u, presentation_id=p.pk, kind=d["kind"], note=d["note"]),
           _("Your instructions are recorded and sent to the refusing bank."),
           explain=_("Corrected documents are a new presentation, not an instruction.")),
    Action("return-documents", _("Record documents returned"), "presentation", pf.NoFieldsForm, "return_documents",
           lambda u, p, d: services.return_documents(actor=u, presentation_id=p.pk),
           _("The documents are returned: the presentation is closed."), tone="danger"),
    # eUCP art. e12: a corrupted electronic record; the examination time stands still until it comes back.
    Action("request-re-presentation", _("Ask for a corrupted record again"), "presentation", pf.RePresentationForm,
           "request_re_presentation",
           lambda u, p, d: services.request_re_presentation(actor=u, presentation_id=p.pk, document_id=d["document"],
                                                            reason=d["reason"]),
           _("Re-presentation requested: the examination is suspended until the record comes back."),
           back_to="examine",
           explain=_("eUCP art. e12: the presenter has 30 calendar days; the days of examination left run again "
                     "from the re-presentation.")),
    Action("reimburse", _("Reimburse nominated bank"), "presentation", pf.NoFieldsForm, "reimburse_presentation",
           lambda u, p, d: services.reimburse_presentation(actor=u, presentation_id=p.pk), _("Reimbursed.")),
    Action("settle", _("Settle with applicant"), "presentation", pf.NoFieldsForm, "settle_presentation",
           lambda u, p, d: services.settle_presentation(actor=u, presentation_id=p.pk), _("Settled.")),
    Action("conclude", _("Conclude examination"), "presentation", pf.NoFieldsForm, "conclude_examination",
           lambda u, p, d: services.conclude_examination(actor=u, presentation_id=p.pk),
           _("Examination concluded."), back_to="examine",
           explain=_("With no confirmed discrepancy the presentation is complying; otherwise discrepant.")),
    Action("add-discrepancy", _("Add a discrepancy"), "presentation", pf.AddDiscrepancyForm, "add_discrepancy",
           lambda u, p, d: services.add_discrepancy(actor=u, presentation_id=p.pk, **d),
           _("Discrepancy added."), back_to="examine"),
    Action("confirm-discrepancy", _("Confirm"), "discrepancy", pf.NoFieldsForm, "decide_discrepancy",
           lambda u, x, d: services.decide_discrepancy(actor=u, discrepancy_id=x.pk, confirm=True),
           _("Discrepancy confirmed."), back_to="examine", options=(("confirm", True),)),
    Action("withdraw-discrepancy", _("Withdraw"), "discrepancy", pf.WithdrawForm, "decide_discrepancy",
           lambda u, x, d: services.decide_discrepancy(actor=u, discrepancy_id=x.pk, confirm=False,
                                                       reason=d["reason"]),
           _("Discrepancy withdrawn."), tone="quiet", back_to="examine", options=(("confirm", False),)),
]}

CREDIT_ACTIONS = [a for a in ACTIONS.values() if a.target == "credit"]
AMENDMENT_ACTIONS = [a for a in ACTIONS.values() if a.target == "amendment"]
# On the credit page; examination steps are offered on the examination screen.
PRESENTATION_ACTIONS = [ACTIONS[n] for n in ("request-waiver", "refuse", "honour", "give-instructions",
                                             "return-documents", "reimburse", "settle")]


def offered(actions: list[Action], facts: Facts, target: Any) -> list[Action]:
    return [a for a in actions if a.offer(facts, target)]
