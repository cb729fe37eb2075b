"""Schemathesis against /api/schema/: generated requests (valid and invalid) to every operation,
as a party with a seeded credit so ids exist, with every check schemathesis has: no 5xx, every
response (status, content type, headers, body) conforms to the schema, schema-invalid requests are
refused and schema-valid ones accepted, and the API key is enforced. At least 1,000 requests are
made and counted (issue 17)."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import CHECKS, load_all_checks
from schemathesis.generation import GenerationMode

from lc import services
from lc.integrations import ratelimit
from lc.integrations.keys import create_api_key
from lc.models import Facility, IdempotencyRecord, SwiftMessage, WebhookDelivery, WebhookSubscription
from lc.scenarios import Story, example_documents
from tradechain.wsgi import application

pytestmark = pytest.mark.slow
# Every check schemathesis has (`--checks all`), not only "no 5xx": among them negative_data_rejection
# (schema-invalid requests accepted: 22 in the issue) and positive_data_acceptance (schema-valid
# requests refused: 127, the Idempotency-Key rule missing from the schema), and ignored_auth.
load_all_checks()
ALL_CHECKS = CHECKS.get_all()
EXAMPLES = {GenerationMode.POSITIVE: 12, GenerationMode.NEGATIVE: 7}
MIN_REQUESTS = 1000
# Open (issue 17): these bodies carry a JSON object the schema leaves free (the terms, the changes,
# a document's data: OpenAPI 3.0 cannot say what the services check in them, nor that a referenced
# organisation must exist), so schema-valid bodies are refused 400 there. positive_data_acceptance
# is left out for these operations only; every other check runs on them.
FREE_BODIES = {
    "POST /api/v1/credits/", "POST /api/v1/credits/{id}/update-application/", "POST /api/v1/credits/{id}/issue/",
    "POST /api/v1/credits/{id}/present/", "POST /api/v1/presentations/{id}/add-document/",
    "POST /api/v1/credits/{id}/propose-amendment/", "POST /api/v1/credits/{id}/request-transfer/",
    "POST /api/v1/credits/{id}/transfer/", "POST /api/v1/credits/{id}/revise-draft/",
    # The re-keyed amount's decimals are the credit's currency's (USD 2, JPY 0, BHD 3), which the
    # schema of the operation cannot say: a schema-valid 270.621 is refused 400 for a USD credit.
    "POST /api/v1/credits/{id}/approve/",
}


def seed(story: Story) -> dict[str, str]:
    """A credit with an object of every kind, visible to the advising bank's examiner."""
    cast = story.cast
    sub = WebhookSubscription.objects.create(organization=cast.orgs["advising"], url="https://example.com/hook",
                                             secret="whsec_" + "A" * 32)
    story.issued()
    story.advise()
    docs = example_documents()
    docs[5].data["issue_date"] = "2025-05-29"  # a C24 discrepancy
    story.present(documents=docs)
    pres = story.examine()
    waiver = services.request_waiver(actor=cast.users["ncb.examiner"], presentation_id=pres.pk, now=story.at(100))
    amendment = services.propose_amendment(actor=cast.users["hhl.treasury"], credit_id=story.credit_id,
                                           changes={"charges": "All charges for the beneficiary"}, now=story.at(101))
    # Issued, so the advising bank sees it (a proposal is the applicant's and the issuing bank's).
    services.prepare_amendment(actor=cast.users["vhb.maker"], amendment_id=amendment.pk, now=story.at(101, 11))
    services.issue_amendment(actor=cast.users["vhb.checker"], amendment_id=amendment.pk, now=story.at(101, 12))
    spare, _ = create_api_key(user=cast.users["ncb.examiner"], name="spare")
    facility = Facility.objects.create(bank=cast.orgs["advising"], applicant=cast.orgs["exporter"], currency="USD",
                                       limit=Decimal("500000"), expiry_date=story.at(365).date(),
                                       updated_by=cast.users["ncb.maker"], updated_at=story.at(0))
    ids = {
        "credits": story.credit_id, "amendments": amendment.pk, "presentations": pres.pk,
        "documents": pres.documents.first().pk, "discrepancies": pres.discrepancies.first().pk,
        "waivers": waiver.pk, "refusals": waiver.pk, "webhooks": sub.pk, "organizations": cast.orgs["advising"].pk,
        "webhook-deliveries": WebhookDelivery.objects.create(subscription=sub, event_id="evt_1", event_type="x",
                                                             payload={}).pk,
        "messages": SwiftMessage.objects.filter(credit_id=story.credit_id, receiver_org=cast.orgs["advising"]).first().pk,
        "facilities": facility.pk,
        "api-keys": spare.pk,  # not the key the fuzzer authenticates with, so revoking it is harmless
    }
    return {k: str(v) for k, v in ids.items()}


@pytest.fixture
def wsgi_keeps_the_test_connection() -> Iterator[None]:
    """Calling the WSGI app directly would close the test's connection at the end of each request
    (it is inside the test transaction); Django's own test client disconnects the same handlers."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def no_rate_limits(settings: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """A 429 is a documented answer every check accepts, so a limit reached would hide findings;
    ignored_auth's probes (no key, a wrong key) would count as failures of this address."""
    settings.API_RATE_PER_MINUTE = 10**6
    monkeypatch.setattr(ratelimit, "SOURCE_FAILURES", 10**6)


def test_every_check_holds_for_every_operation(story: Story, wsgi_keeps_the_test_connection: None,
                                               no_rate_limits: None) -> None:
    ids = seed(story)
    _, secret = create_api_key(user=story.cast.users["ncb.examiner"], name="fuzzer")
    auth = {"Authorization": f"Bearer {secret}"}
    schema = schemathesis.openapi.from_wsgi("/api/schema/", application)
    # A body over the limit is refused 413 problem+json before it is read (lc.api.guard).
    rejection = schema.config.checks.negative_data_rejection
    rejection.expected_statuses = [*(rejection.expected_statuses or []), "413"]
    sent = 0
    statuses: dict[int, int] = {}
    failures: list[str] = []
    for result in schema.get_all_operations():
        operation = result.ok()
        resource = operation.path.split("/")[3]
        label = f"{operation.method.upper()} {operation.path}"
        excluded = [CHECKS.get_one("positive_data_acceptance")] if label in FREE_BODIES else []
        for mode, examples in EXAMPLES.items():
            fixed = {"id": ids[resource]} if "{id}" in operation.path and mode == GenerationMode.POSITIVE else None
            strategy = operation.as_strategy(generation_mode=mode, path_parameters=fixed)

            @settings(max_examples=examples, deadline=None, database=None, derandomize=True,
                      suppress_health_check=list(HealthCheck), phases=[Phase.explicit, Phase.generate])
            @given(case=strategy)
            def run(case: Any) -> None:
                nonlocal sent
                # The fuzzer draws Idempotency-Keys from a small space and reuses them with other
                # bodies, which is refused 422 by design (draft-ietf-httpapi-idempotency-key-header
                # 2.7), a matter of state, not of the schema: each case starts without stored keys.
                IdempotencyRecord.objects.all().delete()
                response = case.call(headers=auth)
                sent += 1
                statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
                case.validate_response(response, checks=ALL_CHECKS, excluded_checks=excluded, headers=auth)

            try:
                run()
            except (Exception, BaseExceptionGroup) as exc:  # collect every operation's findings, then fail once
                failures.append(f"{operation.method.upper()} {operation.path} [{mode.value}]: {exc}"[:1500])
    print(f"schemathesis: {sent} requests, statuses {sorted(statuses.items())}")
    assert failures == [], "\n\n".join(failures)
    assert sent >= MIN_REQUESTS, sent
    assert 429 not in statuses and not any(code >= 500 for code in statuses), statuses
