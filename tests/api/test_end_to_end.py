"""A credit from application to settlement through the API only, as the importer, the exporter
and the three banks would drive it, with a real Celery worker (examination engine, webhook
delivery) and a real HTTP receiver checking every webhook's Standard Webhooks signature."""

from __future__ import annotations

import datetime as dt
import json
import re
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from lc.integrations import webhooks
from lc.scenarios import DATE, PDF_BYTES, example_documents, example_terms, weeks_between
from tests.api.conftest import client_with_key

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]
TIMEOUT = 30.0


class Receiver:
    """A webhook endpoint on 127.0.0.1 (random port) that records what it is sent."""

    def __init__(self) -> None:
        self.received: list[tuple[dict[str, str], bytes]] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("content-length", 0)))
                outer.received.append(({k.lower(): v for k, v in self.headers.items()}, body))
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def events(self, secret: str) -> list[dict[str, Any]]:
        """The events whose signature verifies with this subscription's secret."""
        return [{**json.loads(body), "id": headers["webhook-id"]}
                for headers, body in list(self.received) if webhooks.verify(secret, headers, body)]


@pytest.fixture
def receiver(settings: Any) -> Iterator[Receiver]:
    settings.DEBUG = True  # webhooks go to plain http on loopback only in DEBUG (lc.integrations.egress)
    r = Receiver()
    yield r
    r.server.shutdown()


def wait_for(check: Callable[[], Any], what: str) -> Any:
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        if result := check():
            return result
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def shift_to_today() -> int:
    """Shift the worked example so that today falls between shipment and expiry (a weekday-true shift)."""
    return weeks_between(dt.date(2025, 6, 4), timezone.localdate())


def not_after(value: Any, today: str) -> Any:
    """Documents may not be dated after the day of presentation (art. 14(i)): the example's draft is
    dated on its own presentation day, so clamp every date to today."""
    if isinstance(value, dict):
        return {k: not_after(v, today) for k, v in value.items()}
    if isinstance(value, list):
        return [not_after(v, today) for v in value]
    if isinstance(value, str) and DATE.match(value):
        return min(value, today)
    return value


def ok(resp: Any, status: int = 200) -> dict[str, Any]:
    assert resp.status_code == status, resp.content
    return resp.json() if resp.content else {}


def test_credit_from_application_to_settlement_through_the_api(
    cast: Any, celery_worker_thread: Any, receiver: Receiver
) -> None:
    from lc.integrations.keys import create_api_key

    api = {u: client_with_key(create_api_key(user=cast.users[u], name="e2e")[1])
           for u in ("hhl.treasury", "nef.exports", "vhb.maker", "vhb.checker", "ncb.maker", "ncb.examiner")}
    importer, exporter = api["hhl.treasury"], api["nef.exports"]
    org = {k: str(v.pk) for k, v in cast.orgs.items()}
    subs = {who: ok(api[who].post("/api/v1/webhooks/", {"url": receiver.url}, format="json"), 201)
            for who in ("hhl.treasury", "nef.exports")}
    shift = shift_to_today()

    credit = ok(importer.post("/api/v1/credits/", {
        "terms": example_terms(shift), "beneficiary": org["exporter"], "issuing_bank": org["issuing"],
        "advising_bank": org["advising"], "nominated_bank": org["advising"],
    }, format="json", HTTP_IDEMPOTENCY_KEY="apply-1"), 201)
    url = f"/api/v1/credits/{credit['id']}/"
    assert ok(importer.post(url + "submit/", {}, format="json"))["state"] == "submitted"
    assert ok(api["vhb.maker"].post(url + "issue/", {}, format="json"))["state"] == "pending_approval"
    issued = ok(api["vhb.checker"].post(url + "approve/", {"amount": credit["amount"]}, format="json"))
    assert issued["state"] == "issued" and issued["terms_version"] == 1
    assert ok(api["ncb.maker"].post(url + "advise/", {}, format="json"))["state"] == "advised"

    amendment = ok(importer.post(url + "propose-amendment/", {"changes": {"charges": "All charges for beneficiary"}},
                                 format="json"), 201)
    a_url = f"/api/v1/amendments/{amendment['id']}/"
    ok(api["vhb.maker"].post(a_url + "issue/", {}, format="json"))
    assert ok(api["vhb.checker"].post(a_url + "approve/", {}, format="json"))["state"] == "issued"
    assert ok(exporter.post(a_url + "accept/", {}, format="json"))["state"] == "accepted"
    assert [v["number"] for v in ok(exporter.get(url + "versions/"))["results"]] == [1, 2]

    docs = example_documents(shift)
    presentation = ok(exporter.post(url + "present/", {
        "presented_to": org["advising"], "amount_claimed": "125000.00",
        "data": [json.dumps(not_after(d.data, timezone.localdate().isoformat())) for d in docs],
        "file": [SimpleUploadedFile(d.filename, PDF_BYTES, content_type="application/pdf") for d in docs],
    }, format="multipart"), 201)
    assert all(len(d["sha256"]) == 64 for d in presentation["documents"])
    p_url = f"/api/v1/presentations/{presentation['id']}/"

    examined = wait_for(lambda: [e for e in ok(api["ncb.examiner"].get(url + "ledger/"))["results"]
                                 if e["kind"] == "presentation.engine_examined"], "the examination engine")
    assert examined[0]["payload"]["complying"] is True, examined[0]["payload"]
    assert ok(api["ncb.examiner"].get("/api/v1/discrepancies/", {"presentation": presentation["id"]}))["results"] == []
    assert ok(api["ncb.examiner"].post(p_url + "conclude-examination/", {}, format="json"))["state"] == "complying"
    assert ok(api["ncb.maker"].post(p_url + "honour/", {}, format="json"))["state"] == "honoured"
    assert ok(api["vhb.maker"].post(p_url + "reimburse/", {}, format="json"))["state"] == "reimbursed"
    assert ok(api["vhb.maker"].post(p_url + "settle/", {}, format="json"))["state"] == "settled"
    assert ok(importer.get(url))["state"] == "settled"

    expected = {"credit.issued", "credit.advised", "amendment.issued", "amendment.accepted", "presentation.made",
                "presentation.honoured", "presentation.settled"}
    # Both subscriptions point at one receiver: each event arrives twice, once per party.
    wait_for(lambda: len(receiver.received) >= 2 * len(expected), "the webhooks")
    secrets = [sub["secret"] for sub in subs.values()]
    assert all(any(webhooks.verify(s, h, b) for s in secrets) for h, b in receiver.received)
    for sub in subs.values():
        events = receiver.events(sub["secret"])
        assert sorted(e["type"] for e in events) == sorted(expected)
        assert all(e["data"]["credit"] == credit["id"] for e in events)
        # Events carry the API's date-time format: UTC, microseconds, "Z".
        assert all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z", e["timestamp"]) for e in events)

    # The receiver has answered every event; each delivery is marked after its answer came back.
    log = wait_for(lambda: [d for d in [ok(importer.get("/api/v1/webhook-deliveries/"))["results"]]
                            if {x["status"] for x in d} == {"delivered"}], "every delivery marked delivered")[0]
    assert {d["status"] for d in log} == {"delivered"} and len(log) == len(expected)
    before = len(receiver.received)
    ok(importer.post(f"/api/v1/webhook-deliveries/{log[0]['id']}/redeliver/", {}, format="json"), 202)
    wait_for(lambda: len(receiver.received) > before, "the redelivery")
    assert receiver.received[-1][0]["webhook-id"] == log[0]["event_id"]

