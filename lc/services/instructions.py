"""After a refusal (UCP 600 art. 16(c)(iii), 16(e)): the presenter's instructions on the documents
the refusing bank holds, and the bank's return of them.

Refusal and honour exclude each other: once the single notice is sent, the bank honours only on
an act after it, the applicant's waiver with the presenter's instructions allowing the release
(lc.access.presenter_releases); returning the documents closes the presentation for good.
Corrected documents are a new presentation (present_documents), never an instruction.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from lc import events, money
from lc.errors import InvalidInput
from lc.integrations.webhooks import emit
from lc.models import (
    InstructionKind,
    Presentation,
    PresentationState,
    PresenterInstruction,
    RefusalNotice,
    User,
)
from lc.services import money as accounts
from lc.services.common import ObjectId, check, lock_presentation, now_or, record


def _payload(pres: Presentation) -> dict[str, Any]:
    return {"credit": str(pres.credit_id), "presentation": str(pres.id), "number": pres.number, "state": pres.state}


def _disposal(pres: Presentation) -> str | None:
    notice = RefusalNotice.objects.filter(presentation=pres).values_list("disposal", flat=True).first()
    return str(notice) if notice is not None else None


@transaction.atomic
def give_instructions(*, actor: User, presentation_id: ObjectId, kind: str, note: str = "",
                      now: dt.datetime | None = None) -> PresenterInstruction:
    """The presenter (the beneficiary, or the bank that presented for it) tells the refusing bank
    what to do with the documents: return them, hold them pending further instructions, or release
    them against the applicant's waiver. The latest instruction stands."""
    now = now_or(now)
    credit, pres = lock_presentation(actor, presentation_id)
    check("give_instructions", actor, credit, now, pres)
    if kind not in InstructionKind.values:
        raise InvalidInput("choose what the bank does with the documents (art. 16(c)(iii))",
                           [{"field": "kind", "message": f"one of {', '.join(InstructionKind.values)}"}])
    instruction = PresenterInstruction.objects.create(presentation=pres, kind=kind, note=note, given_by=actor, at=now)
    record(events.INSTRUCTIONS_GIVEN, subject=credit.subject, actor=actor, at=now, payload={
        **_payload(pres), "instruction": str(instruction.id), "kind": kind, "note": note,
        "disposal": _disposal(pres), "to": pres.presented_to.ledger_id,
    })
    emit(credit, events.INSTRUCTIONS_GIVEN, {**_payload(pres), "kind": kind})
    return instruction


@transaction.atomic
def return_documents(*, actor: User, presentation_id: ObjectId, now: dt.datetime | None = None) -> Presentation:
    """The refusing bank sent the documents back to the presenter: the presentation is closed and
    holds nothing of the credit's availability (the refusal released its reservation already;
    whatever it may still hold is released here)."""
    now = now_or(now)
    credit, pres = lock_presentation(actor, presentation_id)
    check("return_documents", actor, credit, now, pres)
    held = accounts.reserved_by(pres)
    standing = pres.instructions.order_by("-at").first()
    pres.state = PresentationState.RETURNED
    pres.save(update_fields=["state"])
    account = accounts.release(credit, pres, held, now) if held else None
    record(events.DOCUMENTS_RETURNED, subject=credit.subject, actor=actor, at=now, payload={
        **_payload(pres), "disposal": _disposal(pres), "to": pres.presenter.ledger_id,
        "instruction": str(standing.id) if standing else None, "instruction_kind": standing.kind if standing else None,
        "released": money.text(held, pres.currency), "availability": account.payload() if account else {
            "currency": credit.currency, "after": accounts.figures(credit).shown(credit.currency)},
    })
    emit(credit, events.DOCUMENTS_RETURNED, _payload(pres))
    return pres
