"""The demo seed goes through the ledgered services (issue 14): every organisation, person (with
their roles) and second factor it creates has its entry, by the seed's named operator."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from lc.audit.demo import ensure_platform_people
from lc.demo import ORGS, USERS, ensure_cast
from lc.models import Organization, User
from ledger.models import PendingEntry

pytestmark = pytest.mark.django_db
SEEDER = "operator:seed_demo"


def entries(kind: str) -> dict[str, dict[str, Any]]:
    """subject -> payload of every pending entry of `kind`, each made by the seed."""
    found = {}
    for e in PendingEntry.objects.filter(kind=kind):
        assert (e.actor, e.actor_org) == (SEEDER, "org:tradechain"), (kind, e.actor)
        found[e.subject] = json.loads(bytes(e.payload))
    return found


def test_every_seeded_organisation_person_role_and_device_is_ledgered_once(db: Any) -> None:
    cast = ensure_cast(password="seed-pass-2026-long", with_totp=True)
    ensure_platform_people(password="seed-pass-2026-long")

    orgs = entries("org.created")
    assert set(orgs) == {o.ledger_id for o in Organization.objects.all()} == \
        {o.ledger_id for o in cast.orgs.values()}
    assert len(orgs) == len(ORGS)
    for org in cast.orgs.values():
        assert orgs[org.ledger_id]["organization"]["name"] == org.name
        assert orgs[org.ledger_id]["by"] == "seed_demo (command line)"

    people = entries("user.created")
    assert set(people) == {u.ledger_id for u in User.objects.all()}
    assert len(people) == len(USERS) + 2  # and platform.auditor, platform.admin
    for user in User.objects.all():
        card = people[user.ledger_id]["user"]
        assert (card["username"], card["roles"], card["organization"]) == (
            user.username, sorted(user.roles), user.organization.ledger_id if user.organization else None)
        assert "password" not in json.dumps(card) and people[user.ledger_id]["password_set"] is True

    devices = entries("otp.device_enrolled")
    enrolled = TOTPDevice.objects.filter(confirmed=True).select_related("user")
    assert {d.user.ledger_id for d in enrolled} == set(devices)
    assert {u.username for u in cast.users.values() if u.organization and u.organization.is_bank} <= \
        {d.user.username for d in enrolled}
    assert all(d.key not in json.dumps(devices) for d in enrolled)


def test_seeding_again_records_nothing(db: Any) -> None:
    ensure_cast(password="seed-pass-2026-long", with_totp=False)
    before = PendingEntry.objects.count()
    ensure_cast(password="seed-pass-2026-long", with_totp=True)  # only the second factors are new
    assert PendingEntry.objects.count() - before == len(entries("otp.device_enrolled")) > 0
    seeded = PendingEntry.objects.count()
    ensure_cast(password="seed-pass-2026-long", with_totp=True)
    assert PendingEntry.objects.count() == seeded


@pytest.mark.parametrize("bad", ["role", "password", "email", "actor"])
def test_a_seed_with_one_bad_row_writes_nothing(db: Any, bad: str) -> None:
    from lc.audit import services as config
    from lc.audit.record import Operator
    from lc.errors import DomainError

    bank = Organization(name="Kowloon Bank", kind="bank", bic="KWLNHKHH", country="HK", city="Hong Kong")
    good = User(username="kwl.maker", organization=bank, roles=["maker"], email="m@example.com")
    wrong = User(username="kwl.checker", organization=bank, roles=["checker"], email="c@example.com")
    password = "a-long-enough-pass-2026"
    if bad == "role":
        wrong.roles = ["emperor"]
    elif bad == "email":
        wrong.email = "not an address"
    actor = Operator("seed") if bad != "actor" else None
    with pytest.raises(DomainError):
        config.seed_people(actor=actor, orgs=[bank], users=[(good, password), (wrong, "1234" if bad == "password" else password)])
    assert not Organization.objects.filter(bic="KWLNHKHH").exists() and not User.objects.filter(username__startswith="kwl.").exists()
    assert not PendingEntry.objects.filter(subject__in=[bank.ledger_id, good.ledger_id]).exists()
