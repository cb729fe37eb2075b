"""The fault suite's set-up inside the stack (run by harness.Stack.django in a `manage.py shell`):
the demo cast, API keys, and credits brought to the state a scenario contests or loads, through
the real services on today's clock (the API acts at the real time, so the worked example's dates
are shifted to put today between shipment and expiry, as tests/api/test_end_to_end.py does).
Everything returned is JSON."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

from django.db import connection
from django.utils import timezone

from lc import services
from lc.demo import Cast, ensure_cast
from lc.integrations.keys import create_api_key
from lc.scenarios import DATE, PDF_BYTES, example_documents, example_terms, shift_dates, weeks_between

API_USERS = ("hhl.treasury", "nef.exports", "vhb.maker", "vhb.checker", "ncb.maker", "ncb.examiner")


def shift() -> int:
    return weeks_between(dt.date(2025, 6, 4), timezone.localdate())


def not_after(value: Any, today: str) -> Any:
    """Documents may not be dated after their presentation (art. 14(i)): clamp dates to today."""
    if isinstance(value, dict):
        return {k: not_after(v, today) for k, v in value.items()}
    if isinstance(value, list):
        return [not_after(v, today) for v in value]
    if isinstance(value, str) and DATE.match(value):
        return min(value, today)
    return value


def documents(late: bool = False) -> list[dict[str, Any]]:
    """The worked example's complying documents (data only), or with a late shipment (a certain
    discrepancy the engine finds)."""
    docs = [d.data for d in example_documents(shift(), with_files=False)]
    if late:
        docs[2]["on_board_date"] = shift_dates("2025-06-02", shift())
    return not_after(docs, timezone.localdate().isoformat())


def setup() -> dict[str, Any]:
    cast = ensure_cast(with_totp=False)
    keys = {u: create_api_key(user=cast.users[u], name="chaos")[1] for u in API_USERS}
    orgs = {k: str(v.pk) for k, v in cast.orgs.items()}
    return {"keys": keys, "orgs": orgs, "shift": shift(), "terms": example_terms(shift()),
            "documents": documents(), "late_documents": documents(late=True)}


def _cast() -> Cast:
    return ensure_cast(with_totp=False)


def _credit(cast: Cast, state: str) -> Any:
    u = cast.users
    credit = services.create_application(
        actor=u["hhl.treasury"], terms=example_terms(shift()), beneficiary=cast.orgs["exporter"],
        issuing_bank=cast.orgs["issuing"], advising_bank=cast.orgs["advising"], nominated_bank=cast.orgs["advising"])
    steps = ["draft", "submitted", "pending_approval", "issued", "advised"]
    if steps.index(state) >= 1:
        services.submit_application(actor=u["hhl.treasury"], credit_id=credit.pk)
    if steps.index(state) >= 2:
        services.prepare_credit(actor=u["vhb.maker"], credit_id=credit.pk)
    if steps.index(state) >= 3:
        credit.refresh_from_db()
        services.issue_credit(actor=u["vhb.checker"], credit_id=credit.pk, rekeyed_amount=credit.amount)
    if steps.index(state) >= 4:
        services.advise_credit(actor=u["ncb.maker"], credit_id=credit.pk)
    credit.refresh_from_db()
    return credit


def _presentation(cast: Cast, late: bool, conclude: bool) -> Any:
    credit = _credit(cast, "advised")
    docs = [services.DocumentInput(data=d, content=PDF_BYTES, filename=f"{d['type']}.pdf") for d in documents(late)]
    pres = services.present_documents(actor=cast.users["nef.exports"], credit_id=credit.pk,
                                      presented_to=cast.orgs["advising"], amount_claimed=Decimal("125000.00"),
                                      documents=docs)
    services.record_engine_result(presentation_id=pres.pk)
    if conclude:
        examiner = cast.users["ncb.examiner"]
        for disc in pres.discrepancies.filter(status="proposed"):
            services.decide_discrepancy(actor=examiner, discrepancy_id=disc.pk, confirm=True, reason="")
        pres = services.conclude_examination(actor=examiner, presentation_id=pres.pk)
    return pres


def _amendment(cast: Cast) -> Any:
    u = cast.users
    credit = _credit(cast, "advised")
    amendment = services.propose_amendment(actor=u["hhl.treasury"], credit_id=credit.pk,
                                           changes={"charges": "All charges for beneficiary"})
    services.prepare_amendment(actor=u["vhb.maker"], amendment_id=amendment.pk)
    return services.issue_amendment(actor=u["vhb.checker"], amendment_id=amendment.pk)


def objects(spec: dict[str, int]) -> dict[str, list[dict[str, Any]]]:
    """For each kind, `count` objects ready for an action: credits in a state ("draft",
    "submitted", "pending_approval", "issued", "advised"), "amendment" (issued, awaiting the
    beneficiary), "examined" (engine run done, examination not concluded), "complying",
    "discrepant" (concluded)."""
    cast = _cast()
    out: dict[str, list[dict[str, Any]]] = {}
    for kind, count in spec.items():
        out[kind] = [_one(cast, kind) for _ in range(count)]
    connection.close()
    return out


def _one(cast: Cast, kind: str) -> dict[str, Any]:
    if kind == "amendment":
        a = _amendment(cast)
        return {"id": str(a.pk), "credit": str(a.credit_id), "subject": a.credit.subject}
    if kind in ("examined", "complying", "discrepant"):
        p = _presentation(cast, late=kind == "discrepant", conclude=kind != "examined")
        return {"id": str(p.pk), "credit": str(p.credit_id), "subject": p.credit.subject, "state": p.state}
    c = _credit(cast, kind)
    return {"id": str(c.pk), "subject": c.subject, "amount": str(c.amount), "state": c.state}


def dumps(value: Any) -> str:
    return json.dumps(value, default=str)
