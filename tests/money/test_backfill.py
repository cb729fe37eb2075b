"""Migration 0013: credits issued before availability accounts existed get the account their
own facts imply, the very one the services would have kept, and the exposure with it."""

from __future__ import annotations

import importlib
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.db.migrations.loader import MigrationLoader

from lc import services
from lc.models import AvailabilityAccount, Exposure, Presentation, Utilisation
from lc.scenarios import Story, example_documents, example_start
from lc.services import money as accounts

backfill = importlib.import_module("lc.migrations.0013_backfill_availability_accounts")
NODE = ("lc", "0013_backfill_availability_accounts")


def historical_apps() -> Any:
    """The models as the migration sees them (no application code)."""
    return MigrationLoader(connection).project_state(NODE, at_end=False).apps


def run_migration(backwards: bool = False) -> None:
    """Apply (or unapply) 0013 itself through Django's migration machinery."""
    loader = MigrationLoader(connection)
    migration = loader.get_migration(*NODE)
    with connection.schema_editor(atomic=False) as editor:
        if backwards:
            migration.unapply(loader.project_state(NODE, at_end=False), editor)
        else:
            migration.apply(loader.project_state(NODE, at_end=False), editor)


def books() -> tuple[dict[Any, Any], dict[Any, Any], dict[Any, Any]]:
    """Every account (figures, open), the same from its rows alone, and the exposures."""
    kept = list(AvailabilityAccount.objects.select_related("credit"))
    stored = {a.credit_id: (accounts.figures(a.credit), a.open) for a in kept}
    summed = {a.credit_id: accounts.recomputed(a.credit) for a in kept}
    exposure = {(e.bank_id, e.applicant_id, e.currency): e.amount for e in Exposure.objects.exclude(amount=0)}
    return stored, summed, exposure


def forget_accounts() -> None:
    """The database as it was before issue 13: no accounts, rows or exposure (the append-only
    trigger is off for this delete only, inside the test's transaction)."""
    with connection.cursor() as cur:
        cur.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no deferred key checks pending on the table
        cur.execute("ALTER TABLE lc_utilisation DISABLE TRIGGER lc_utilisation_append_only")
        cur.execute("DELETE FROM lc_utilisation")
        cur.execute("ALTER TABLE lc_utilisation ENABLE ALWAYS TRIGGER lc_utilisation_append_only")
        cur.execute("SET CONSTRAINTS ALL DEFERRED")
    AvailabilityAccount.objects.all().delete()
    Exposure.objects.all().delete()


def present(story: Story, amount: str, user: str = "nef.exports") -> Presentation:
    docs = example_documents(with_files=False)
    return services.present_documents(actor=story.cast.users[user], credit_id=story.credit_id,
                                      presented_to=story.cast.orgs["advising"], amount_claimed=amount,
                                      documents=docs, now=story.at(20))


def book_of_credits(cast: Any) -> None:
    """Drawn and settled, reserved, transferred, cancelled, and a KWD credit, all through the services."""
    a = Story(cast, example_start(), form="IRREVOCABLE TRANSFERABLE", partial_shipments="ALLOWED")
    a.issued()
    a.presentation = present(a, "40000.00")
    a.examine(day=21, withdraw=True)
    a.honour(day=22), a.reimburse(day=23), a.settle(day=24)
    present(a, "25000.00")  # held under examination
    a.transfer({"amount": "50000.00"}, day=25)
    b = Story(cast, example_start(), currency="KWD", amount="1000.125")
    b.issued()
    maker = cast.users["vhb.maker"]
    services.request_cancellation(actor=maker, credit_id=b.credit_id, reason="no longer needed", now=b.at(2))
    services.consent_to_cancellation(actor=cast.users["nef.exports"], credit_id=b.credit_id, now=b.at(3))
    services.cancel_credit(actor=maker, credit_id=b.credit_id, now=b.at(4))
    Story(cast, example_start(), currency="KWD", amount="2000.5").issued()


@pytest.mark.django_db
def test_the_backfill_rebuilds_the_accounts_and_exposure_the_services_kept(cast: Any) -> None:
    book_of_credits(cast)
    kept = books()
    assert len(kept[0]) == 4 and kept[2]  # A, its transfer, B (closed) and C; exposure in USD and KWD
    forget_accounts()
    run_migration()
    assert books() == kept
    stored, summed, _ = books()
    assert stored == summed  # each account is the sum of its rows


@pytest.mark.django_db
def test_a_credit_overdrawn_before_accounts_stops_the_backfill_naming_it(cast: Any) -> None:
    story = Story(cast, example_start())
    story.issued()
    story.presentation = present(story, "125000.00")
    story.examine(day=21, withdraw=True)
    story.honour(day=22)
    forget_accounts()
    # What the old honour allowed: more paid than the credit's maximum (USD 131,250).
    Presentation.objects.filter(pk=story.presentation.pk).update(honoured_amount=Decimal("1000000"))
    with pytest.raises(RuntimeError, match=story.reference):
        backfill.open_accounts(historical_apps(), None)
    assert not AvailabilityAccount.objects.exists() and not Utilisation.objects.exists()


@pytest.mark.django_db
def test_reversing_the_backfill_keeps_the_append_only_rows_and_applying_it_again_changes_nothing(cast: Any) -> None:
    book_of_credits(cast)
    forget_accounts()
    run_migration()
    kept, rows = books(), Utilisation.objects.count()
    run_migration(backwards=True)
    assert books() == kept and Utilisation.objects.count() == rows
    run_migration()
    assert books() == kept and Utilisation.objects.count() == rows
