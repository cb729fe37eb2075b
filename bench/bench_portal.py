"""Portal dashboard with 10,000 credits: server time of one page view (target < 300 ms).

The bench works in its own database, `tradechain_bench_portal` on the configured server,
migrated here and dropped afterwards, so it never touches the real data. Credits are
bulk-inserted (with their terms versions, some presentations and amendments) in a spread of
states, currencies and banks, then the dashboard is fetched with Django's test client as
a signed-in, OTP-verified bank user who holds every role (so every queue is computed).
"""

from __future__ import annotations

import datetime as dt
import random
import statistics
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.db import connection, connections, transaction
from django.test import Client
from django.utils import timezone

from bench import Result

BENCH_DB = "tradechain_bench_portal"
TARGET_MS = 300.0
STATES = ["draft", "submitted", "pending_approval", "issued", "advised", "advised", "advised", "settled",
          "cancelled", "expired"]
CURRENCIES = ["USD", "USD", "USD", "EUR", "HKD", "CNY", "JPY", "GBP", "SGD"]
ISSUED_STATES = {"issued", "advised", "settled", "cancelled", "expired"}
PRESENTATION_STATES = ["under_examination", "discrepant", "complying", "honoured", "refused", "settled"]


@contextmanager
def bench_database() -> Iterator[None]:
    """Create, migrate and finally drop the bench database on the same server."""
    default = connections["default"]
    original = default.settings_dict["NAME"]
    _recreate(default, BENCH_DB)
    default.close()
    default.settings_dict["NAME"] = settings.DATABASES["default"]["NAME"] = BENCH_DB
    try:
        call_command("migrate", verbosity=0, interactive=False)
        yield
    finally:
        default.close()
        default.settings_dict["NAME"] = settings.DATABASES["default"]["NAME"] = original
        with default.cursor() as cur:
            cur.execute(f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)')


def _recreate(conn: Any, name: str) -> None:
    with conn.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cur.execute(f'CREATE DATABASE "{name}"')


def _terms(base: dict[str, Any], reference: str, currency: str, amount: Decimal, expiry: dt.date) -> dict[str, Any]:
    return {**base, "credit_number": reference, "currency": currency, "amount": str(amount),
            "expiry_date": expiry.isoformat()}


def seed(n: int) -> Any:
    """n credits (bulk_create), their terms versions, and presentations/amendments on some."""
    from lc.demo import ensure_cast
    from lc.models import LetterOfCredit, Role, TermsVersion, User
    from lc.scenarios import example_terms

    cast = ensure_cast(password="bench-pass-123")
    o = cast.orgs
    user = User.objects.create(username="bench.all", organization=o["issuing"], first_name="Bench",
                               roles=[Role.MAKER, Role.CHECKER, Role.EXAMINER])
    rng = random.Random(7)
    now = timezone.now()
    today = timezone.localdate()
    credits, versions = [], []
    base = example_terms()
    for i in range(n):
        stranger = i % 5 == 4  # a fifth of the book belongs to banks the user's bank is not party to
        state, currency = rng.choice(STATES), rng.choice(CURRENCIES)
        amount = Decimal(rng.randrange(10_000, 2_000_000)).quantize(Decimal("0.01"))
        expiry = today + dt.timedelta(days=rng.randrange(-60, 240))
        ref = f"BNCH{i:010d}"
        tv_id = uuid.uuid4() if state in ISSUED_STATES else None
        credit = LetterOfCredit(
            id=uuid.uuid4(), reference=ref, state=state, applicant=o["importer"], beneficiary=o["exporter"],
            issuing_bank=o["stranger_bank"] if stranger else o["issuing"], advising_bank=o["advising"],
            nominated_bank=o["advising"], confirming_bank=o["confirming"] if i % 7 == 0 else None,
            confirmation="requested" if i % 7 == 0 and state in ("issued", "advised") else "not_requested",
            currency=currency, amount=amount, expiry_date=expiry, created_by=cast.users["hhl.treasury"],
            issue_maker=cast.users["vhb.maker"] if state != "draft" and state != "submitted" else None,
            created_at=now - dt.timedelta(minutes=i), updated_at=now - dt.timedelta(minutes=i),
            current_terms_id=tv_id, draft_terms=_terms(base, ref, currency, amount, expiry),
        )
        credits.append(credit)
        if tv_id:
            versions.append(TermsVersion(id=tv_id, credit_id=credit.id, number=1, terms=credit.draft_terms,
                                         created_at=now))
    with transaction.atomic():  # current_terms -> terms version is a deferred FK: one transaction
        LetterOfCredit.objects.bulk_create(credits, batch_size=1000)
        TermsVersion.objects.bulk_create(versions, batch_size=1000)
    _seed_presentations(credits, cast, rng, today, now)
    with connection.cursor() as cur:
        cur.execute("ANALYZE")
    return user


def _seed_presentations(credits: list[Any], cast: Any, rng: random.Random, today: dt.date, now: dt.datetime) -> None:
    from lc.models import Amendment, Presentation

    live = [c for c in credits if c.state in ("issued", "advised")]
    pres, amendments = [], []
    for j, c in enumerate(live[: len(live) // 3]):
        state = rng.choice(PRESENTATION_STATES)
        pres.append(Presentation(
            credit_id=c.id, number=1, state=state, presenter=cast.orgs["exporter"], presented_to=c.nominated_bank,
            terms_version_id=c.current_terms_id, amount_claimed=c.amount, currency=c.currency,
            presented_on=today - dt.timedelta(days=j % 5), examination_deadline=today + dt.timedelta(days=j % 7),
            examined_at=None if state == "under_examination" else now, created_by=cast.users["nef.exports"],
            created_at=now,
        ))
    for c in live[len(live) // 3: len(live) // 2]:
        amendments.append(Amendment(
            credit_id=c.id, number=1, state=rng.choice(["proposed", "pending_approval", "issued"]),
            base_version_id=c.current_terms_id, changes={"amount": str(c.amount + 1000)},
            proposed_by=cast.users["hhl.treasury"], maker=cast.users["vhb.maker"], created_at=now,
        ))
    Presentation.objects.bulk_create(pres, batch_size=1000)
    Amendment.objects.bulk_create(amendments, batch_size=1000)


def verified_client(user: Any) -> Client:
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.create(user=user, name="bench", confirmed=True)
    client = Client()
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def time_page(client: Client, url: str, requests: int) -> list[float]:
    for _ in range(3):  # warm caches, templates and the connection
        assert client.get(url).status_code == 200
    timings = []
    for _ in range(requests):
        started = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    return sorted(timings)


def p(values: list[float], q: float) -> float:
    return values[min(len(values) - 1, round(q * (len(values) - 1)))]


def run(quick: bool) -> list[Result]:
    n, requests = (1_000, 10) if quick else (10_000, 30)
    group = "Bank portal"
    with bench_database():
        started = time.perf_counter()
        user = seed(n)
        seeded = time.perf_counter() - started
        client = verified_client(user)
        dash = time_page(client, "/", requests)
        listing = time_page(client, "/credits/", requests)
    note = (f"{n:,} credits bulk-inserted in {seeded:.1f} s (with terms versions, presentations, amendments); "
            f"{requests} requests after 3 warm-up, Django test client in process (server time).")
    return [
        Result(group, f"Dashboard p50, {n:,} credits", statistics.median(dash), "ms", f"< {TARGET_MS:.0f} ms",
               statistics.median(dash) < TARGET_MS, note),
        Result(group, f"Dashboard p99, {n:,} credits", p(dash, 0.99), "ms", f"< {TARGET_MS:.0f} ms",
               p(dash, 0.99) < TARGET_MS),
        Result(group, f"Credit list p50, {n:,} credits", statistics.median(listing), "ms"),
    ]
