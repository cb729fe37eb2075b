"""Seed demo parties, users (with TOTP for bank staff) and credits in every state. Idempotent."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction
from django.utils import timezone

from lc import services
from lc.audit.demo import ensure_platform_people
from lc.demo import DEMO_PASSWORD, USERS, Cast, ensure_cast, totp_key
from lc.models import LetterOfCredit
from lc.scenarios import EXAMPLE_ISSUE, Story, example_documents, weeks_between
from ledger.sequencer import drain


def ending_by(today: dt.date, last_day: int) -> int:
    """The whole-week shift that puts day `last_day` of the example story on or before today,
    so no demo act is dated in the future, whatever weekday the seed runs on."""
    return weeks_between(EXAMPLE_ISSUE + dt.timedelta(days=last_day), today)


def seed_credits(cast: Cast, now: dt.datetime) -> list[str]:
    # The earliest of the parties' own dates (each in its own time zone): no demo act is dated
    # after "today" at any party's place.
    today = min(org.local_date(now) for key, org in cast.orgs.items() if not key.startswith("stranger"))
    # Open credits: issued about a week ago, expiring in about three months.
    recent = weeks_between(EXAMPLE_ISSUE, today - dt.timedelta(days=7))
    made: list[str] = []

    def story(shift: int, **changes: Any) -> Story:
        return Story(cast, now, shift_days=shift, **changes)

    s = story(recent)
    s.apply()
    made.append(f"{s.reference} draft")
    s = story(recent)
    s.apply()
    s.submit()
    made.append(f"{s.reference} submitted")
    s = story(recent)
    s.apply()
    s.submit()
    s.prepare()
    made.append(f"{s.reference} awaiting checker")
    s = story(recent, confirmation="CONFIRM")
    s.issued(confirming=True)
    made.append(f"{s.reference} issued, confirmation requested")
    s = story(recent)
    s.issued()
    s.advise()
    amendment = services.propose_amendment(actor=cast.users["hhl.treasury"], credit_id=s.credit_id,
                                           changes={"amount": "130000.00"}, narrative="Increase by USD 5,000",
                                           now=s.at(3))
    services.prepare_amendment(actor=cast.users["vhb.maker"], amendment_id=amendment.pk, now=s.at(4))
    services.issue_amendment(actor=cast.users["vhb.checker"], amendment_id=amendment.pk, now=s.at(4, 15))
    made.append(f"{s.reference} advised, amendment awaiting beneficiary")

    s = story(ending_by(today, 98))  # presented in the last week: the deadline is still ahead
    s.issued()
    s.advise()
    s.present()
    made.append(f"{s.reference} presentation under examination")
    for label, doc_index, field, value, then in (
        ("discrepant (late shipment)", 2, "on_board_date", "2025-06-02", None),
        ("waiver requested", 5, "issue_date", "2025-05-29", "waiver"),
        ("refused", 5, "issue_date", "2025-05-29", "refuse"),
    ):
        past = ending_by(today, 100)
        s = story(past)
        s.issued()
        s.advise()
        docs = example_documents(past)
        docs[doc_index].data[field] = (dt.date.fromisoformat(value) + dt.timedelta(days=past)).isoformat()
        s.present(documents=docs)
        pres = s.examine()
        if then == "waiver":
            services.request_waiver(actor=cast.users["ncb.examiner"], presentation_id=pres.pk, now=s.at(100))
        elif then == "refuse":
            services.refuse_presentation(actor=cast.users["ncb.examiner"], presentation_id=pres.pk,
                                         disposal="hold_pending_instructions", now=s.at(100))
        made.append(f"{s.reference} {label}")
    s = story(ending_by(today, 100))
    s.issued()
    s.advise()
    s.present()
    s.examine()
    s.honour()
    made.append(f"{s.reference} honoured, awaiting reimbursement")
    s = story(ending_by(today, 102))
    s.issued()
    s.advise()
    s.present()
    s.examine()
    s.honour()
    s.reimburse()
    s.settle()
    made.append(f"{s.reference} settled")
    s = story(recent)
    s.issued()
    services.request_cancellation(actor=cast.users["vhb.maker"], credit_id=s.credit_id,
                                  reason="Order cancelled by the buyer", now=s.at(2))
    services.consent_to_cancellation(actor=cast.users["nef.exports"], credit_id=s.credit_id, now=s.at(3))
    services.cancel_credit(actor=cast.users["vhb.maker"], credit_id=s.credit_id, now=s.at(3, 15))
    made.append(f"{s.reference} cancelled")
    # Expiry (day 97) two weeks or more ago: past any art. 29(a) holiday extension.
    s = story(ending_by(today, 97 + 14))
    s.issued()
    services.expire_credit(credit_id=s.credit_id, now=now)
    made.append(f"{s.reference} expired")
    return made


class Command(BaseCommand):
    help = "Create the demo banks, companies, users and credits in every state (idempotent)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--quiet", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        with transaction.atomic():
            cast = ensure_cast()
            ensure_platform_people()  # platform.auditor and platform.admin (issue 14), ledgered
            fresh = not LetterOfCredit.objects.filter(applicant=cast.orgs["importer"]).exists()
            made = seed_credits(cast, timezone.now()) if fresh else []
        drain()
        if options["quiet"]:
            return
        self.stdout.write("Demo credits: " + (f"{len(made)} created" if fresh else "already seeded"))
        for line in made:
            self.stdout.write(f"  {line}")
        self.stdout.write(f"\nDemo users (password {DEMO_PASSWORD}); bank staff sign in with TOTP:")
        for username, (org_key, _roles, _f, _l) in USERS.items():
            user = cast.users[username]
            secret = _base32(totp_key(username)) if user.organization and user.organization.is_bank else "-"
            self.stdout.write(f"  {username:<14} {cast.orgs[org_key].name:<34} TOTP secret {secret}")


def _base32(hex_key: str) -> str:
    import base64

    return base64.b32encode(bytes.fromhex(hex_key)).decode().rstrip("=")
