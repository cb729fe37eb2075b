"""Data (issue 13): an availability account for every credit issued before accounts existed.

Each credit with terms (issued, transferred or received) and no account gets one, with the
utilisation rows that its own facts imply, dated when they happened: opened at its maximum
(the amount with 39A's plus tolerance, or +10% when "about", art. 30(a), rounded down to the
currency's minor units), a reservation for each presentation still held, a drawing for each
honoured one, a settlement for each settled one, an earmark for the credit transferred from it
(art. 38) and a closing if it is closed. Live credits' liabilities are added to the issuing
bank's exposure to the applicant, as the services keep it.

A credit over-drawn before the account existed (the defect issue 13 fixes) cannot have an
honest account: the migration stops and names each such credit, writing nothing, rather than
inventing a maximum or dropping a drawing. An operator settles those by hand first.

Reversing keeps the accounts: utilisation rows are append-only (triggers refuse a delete) and
later actions add their own rows to these accounts, so removing the backfilled ones would leave
accounts that no longer add up. Applying again skips every credit that has an account.

The states and the rule for the maximum are written out here, frozen as they were when this
migration was written (a migration does not import the application's code).
"""

from collections import defaultdict
from decimal import ROUND_DOWN, Decimal
from typing import Any

from django.db import migrations
from django.db.models import F

RESERVING = ("received", "under_examination", "complying", "discrepant", "waiver_requested")
DRAWN = ("honoured", "reimbursed", "settled")
CLOSED = ("settled", "cancelled", "expired")
FIGURES = ("maximum", "reserved", "drawn", "earmarked", "settled")


def maximum(terms: dict[str, Any], minor_units: int) -> Decimal:
    plus = terms.get("tolerance_plus")
    percent = Decimal(str(plus)) if plus not in (None, "") else Decimal(10 if terms.get("amount_about") else 0)
    amount = Decimal(str(terms["amount"]))
    return (amount * (1 + percent / 100)).quantize(Decimal(1).scaleb(-minor_units), rounding=ROUND_DOWN)


def _rows(credit: Any, presentations: list[Any], child: Any) -> list[dict[str, Any]]:
    """The utilisation rows of one credit, oldest first, as signed changes of its figures."""
    opened = credit.issued_at or credit.created_at
    rows = [{"kind": "opened", "at": opened, "maximum": maximum(credit.current_terms.terms, credit.minor_units)}]
    for pres in presentations:
        paid = pres.honoured_amount if pres.honoured_amount is not None else pres.amount_claimed
        if pres.state in RESERVING:
            rows.append({"kind": "reserved", "presentation": pres, "at": pres.created_at,
                         "reserved": pres.amount_claimed})
        if pres.state in DRAWN:
            rows.append({"kind": "drawn", "presentation": pres, "at": pres.honoured_at or pres.created_at,
                         "drawn": paid})
        if pres.state == "settled":
            rows.append({"kind": "settled", "presentation": pres, "at": pres.settled_at or pres.created_at,
                         "settled": paid})
    if child is not None:
        rows.append({"kind": "earmarked", "at": child.issued_at or child.created_at,
                     "earmarked": maximum(child.versions.get(number=1).terms, child.minor_units)})
    if credit.state in CLOSED:
        rows.append({"kind": "closed", "at": credit.closed_at or credit.updated_at, "closed": True})
    return rows


def _total(rows: list[dict[str, Any]]) -> dict[str, Decimal]:
    return {f: sum((r.get(f, Decimal(0)) for r in rows), Decimal(0)) for f in FIGURES}


def _overdrawn(credit: Any, total: dict[str, Decimal]) -> str | None:
    used = total["reserved"] + total["drawn"] + total["earmarked"]
    if used <= total["maximum"] and total["settled"] <= total["drawn"]:
        return None
    return (f"{credit.reference} ({credit.id}): maximum {credit.currency} {total['maximum']}, reserved "
            f"{total['reserved']}, drawn {total['drawn']}, earmarked {total['earmarked']}")


def open_accounts(apps: Any, schema_editor: Any) -> None:
    credit_model = apps.get_model("lc", "LetterOfCredit")
    account_model = apps.get_model("lc", "AvailabilityAccount")
    utilisation_model = apps.get_model("lc", "Utilisation")
    credits = (credit_model.objects.filter(current_terms__isnull=False, account__isnull=True)
               .select_related("current_terms").order_by("created_at", "id"))
    planned, problems = [], []
    for credit in credits:
        child = credit_model.objects.filter(transferred_from=credit).first()
        rows = _rows(credit, list(credit.presentations.order_by("number")), child)
        total = _total(rows)
        problem = _overdrawn(credit, total)
        if problem:
            problems.append(problem)
        planned.append((credit, rows, total))
    if problems:
        raise RuntimeError("credits drawn beyond their maximum before availability accounts existed; settle them "
                           "by hand, then migrate again:\n" + "\n".join(problems))
    exposure: dict[tuple[Any, Any, str], Decimal] = defaultdict(Decimal)
    for credit, rows, total in planned:
        is_open = credit.state not in CLOSED
        account_model.objects.create(credit=credit, currency=credit.currency, open=is_open, **total)
        utilisation_model.objects.bulk_create(
            utilisation_model(credit=credit, **{**{f: Decimal(0) for f in FIGURES}, "closed": False, **row})
            for row in rows)
        if is_open:
            exposure[(credit.issuing_bank_id, credit.applicant_id, credit.currency)] += (
                total["maximum"] - total["settled"] - total["earmarked"])
    _expose(apps, exposure)


def _expose(apps: Any, exposure: dict[tuple[Any, Any, str], Decimal]) -> None:
    exposure_model = apps.get_model("lc", "Exposure")
    for (bank_id, applicant_id, currency), amount in exposure.items():
        if amount:
            row, _ = exposure_model.objects.get_or_create(bank_id=bank_id, applicant_id=applicant_id,
                                                          currency=currency)
            exposure_model.objects.filter(pk=row.pk).update(amount=F("amount") + amount)


class Migration(migrations.Migration):
    dependencies = [("lc", "0012_organization_town_from_city")]

    operations = [migrations.RunPython(open_accounts, migrations.RunPython.noop)]
