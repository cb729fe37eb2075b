"""The auditors' ledger browser over 1,000,000 entries (issue 14).

The journal is filled by COPY with a realistic spread: 20,000 credits, 600 people of 20
organisations, business kinds common and configuration kinds rare, one entry a second. Then
a platform auditor's filtered pages are requested through the real view (Django's test client:
URL routing, the second-factor check, the SQL, proof status, names, the template), with a mix of
filters (kind, rare kind, actor, organisation, subject, one day, kind + organisation) on the
first page and on a deep page (a keyset cursor somewhere in the journal), plus a bank auditor's
scope (its credits and people, 2,000 subjects). p99 of each set is the figure; target 200 ms.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import time
import uuid
from typing import Any

from bench import Result

COMMON = ["lc.application_created", "lc.issued", "lc.advised", "presentation.made", "presentation.engine_examined",
          "presentation.complying", "presentation.honoured", "presentation.settled", "amendment.issued"]
RARE = ["user.created", "user.changed", "org.closure_added", "apikey.created", "webhook.created"]
CREDITS, PEOPLE, ORGS = 20_000, 600, 20
BASE = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def _id(prefix: str, n: int) -> str:
    """Ledger identities as the platform writes them: a prefix and a UUID."""
    return f"{prefix}:{uuid.UUID(int=n + 1)}"


def _fill(n: int) -> None:
    from django.db import connection, transaction

    rnd = random.Random(14)
    cols = "seq, intake_id, kind, subject, actor, actor_org, at, payload, prev_hash, hash, sequenced_at"
    with transaction.atomic(), connection.cursor() as cur, cur.cursor.copy(
            f"COPY ledger_entry ({cols}) FROM STDIN") as copy:
        prev = bytes(32)
        for seq in range(1, n + 1):
            kind = rnd.choice(RARE) if rnd.random() < 0.002 else rnd.choice(COMMON)
            person = rnd.randrange(PEOPLE)
            at = BASE + dt.timedelta(seconds=seq)
            digest = rnd.randbytes(32)
            copy.write_row((seq, seq, kind, _id("lc", rnd.randrange(CREDITS)), _id("user", person),
                            _id("org", person % ORGS), at, b'{"amount":"125000.00"}', prev, digest, at))
            prev = digest
    with connection.cursor() as cur:
        cur.execute("ANALYZE ledger_entry")


def _auditor() -> Any:
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from lc.audit.record import Operator
    from lc.audit.services import create_user
    from lc.models import Role

    user = create_user(actor=Operator("bench"), username="bench.auditor", organization=None, roles=[Role.AUDITOR])
    device = TOTPDevice.objects.create(user=user, name="bench", confirmed=True)
    client = Client()
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def _filters(rnd: random.Random, n: int) -> dict[str, str]:
    day = (BASE + dt.timedelta(seconds=rnd.randrange(n))).date().isoformat()
    options = [
        {"kind": rnd.choice(COMMON)}, {"kind": rnd.choice(RARE)}, {"actor": _id("user", rnd.randrange(PEOPLE))},
        {"org": _id("org", rnd.randrange(ORGS))}, {"subject": _id("lc", rnd.randrange(CREDITS))},
        {"from": day, "to": day}, {"kind": rnd.choice(RARE), "org": _id("org", rnd.randrange(ORGS))},
    ]
    return rnd.choice(options)


def _p99(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]


def _browse(client: Any, n: int, requests: int, deep: bool) -> list[float]:
    rnd = random.Random(140 + deep)
    out = []
    for _ in range(requests):
        params = _filters(rnd, n)
        if deep:
            params["before"] = str(rnd.randrange(n // 10, n))
        t0 = time.perf_counter()
        response = client.get("/audit/ledger/", params)
        out.append((time.perf_counter() - t0) * 1000)
        assert response.status_code == 200, response.status_code
    return out


def _bank_scope(n: int, requests: int) -> list[float]:
    from lc.audit import browser

    rnd = random.Random(141)
    scope = browser.Scope(org=_id("org", 3), subjects=tuple(_id("lc", rnd.randrange(CREDITS)) for _ in range(2000)))
    out = []
    for _ in range(requests):
        f = browser.Filters(kind=rnd.choice(COMMON + RARE) if rnd.random() < 0.5 else "")
        t0 = time.perf_counter()
        browser.rows_with_proofs(browser.fetch(f, scope, browser.PAGE + 1)[: browser.PAGE])
        out.append((time.perf_counter() - t0) * 1000)
    return out


def run(quick: bool) -> list[Result]:
    from bench.db import drop_database, fresh_database

    name = "tradechain_bench_audit"
    os.environ.update(fresh_database(name))
    try:
        n = 100_000 if quick else 1_000_000
        t0 = time.perf_counter()
        _fill(n)
        fill_s = time.perf_counter() - t0
        client = _auditor()
        _browse(client, n, 20, False)  # warm the caches as a running server would be
        group = f"Audit ledger browser, {n:,} entries"
        out = []
        for label, samples in (("filtered first page p99 (platform auditor, through the view)",
                                _browse(client, n, 300, False)),
                               ("filtered deep page p99 (keyset cursor, through the view)", _browse(client, n, 300, True)),
                               ("bank auditor's scope (2,000 subjects) filtered page p99", _bank_scope(n, 200))):
            p99 = _p99(samples)
            out.append(Result(group, label, p99, "ms", "<= 200 ms", p99 <= 200,
                              note=f"median {sorted(samples)[len(samples) // 2]:.1f} ms over {len(samples)}; "
                                   f"journal filled in {fill_s:.0f} s"))
        return out
    finally:
        drop_database(name)
