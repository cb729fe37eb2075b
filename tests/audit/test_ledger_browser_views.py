"""The ledger browser through its views (issue 14): each filter (subject, actor, organisation), a
bank auditor's scope, the CSV export of exactly the filtered view, each row's proof status with
its checkpoint and publication receipts, and the anchoring chart of the audit home."""

from __future__ import annotations

import csv
import io
import json
import uuid
from typing import Any

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

import ledger
from lc.audit import browser, charts
from lc.audit.models import ReadAccess
from ledger.anchoring import anchor_checkpoint
from ledger.models import Receipt
from tests.portal.conftest import verified_client

pytestmark = pytest.mark.django_db

OTHER_BANK = f"org:{uuid.UUID(int=77)}"
OTHER_CREDIT = f"lc:{uuid.UUID(int=78)}"
OTHER_PERSON = f"user:{uuid.UUID(int=79)}"


def append(kind: str, subject: str, actor: str, actor_org: str, n: int = 0) -> None:
    with transaction.atomic():
        ledger.append(kind=kind, subject=subject, actor=actor, actor_org=actor_org, at=timezone.now(), payload={"n": n})


@pytest.fixture
def journal(story: Any, sequenced: Any) -> Any:
    """The issuing bank's credit issued, plus entries of another bank on a credit it is no party to."""
    story.issued()
    append("lc.application_created", OTHER_CREDIT, OTHER_PERSON, OTHER_BANK)
    append("lc.issued", OTHER_CREDIT, OTHER_PERSON, OTHER_BANK)
    sequenced()
    return story


def seen(client: Any, **params: str) -> list[tuple[str, str, str, str]]:
    rows = client.get(reverse("audit:ledger"), params).context["rows"]
    return [(r.kind, r.subject, r.actor, r.actor_org) for r in rows]


def test_each_filter_of_the_ledger_browser_narrows_to_its_column(journal: Any, platform_auditor: Any) -> None:
    client = verified_client(platform_auditor)
    credit = f"lc:{journal.credit_id}"
    everything = seen(client)
    assert {s for _, s, _, _ in everything} >= {credit, OTHER_CREDIT}
    by_subject = seen(client, subject=OTHER_CREDIT)
    assert [k for k, *_ in by_subject] == ["lc.issued", "lc.application_created"]
    assert {s for _, s, _, _ in by_subject} == {OTHER_CREDIT}
    assert {a for _, _, a, _ in seen(client, actor=OTHER_PERSON)} == {OTHER_PERSON}
    assert {o for *_, o in seen(client, org=OTHER_BANK)} == {OTHER_BANK} and len(seen(client, org=OTHER_BANK)) == 2
    maker = journal.cast.users["vhb.maker"].ledger_id
    mine = seen(client, actor=maker, subject=credit)
    assert mine and all(a == maker and s == credit for _, s, a, _ in mine)
    assert seen(client, kind="lc.issued", org=OTHER_BANK) == [("lc.issued", OTHER_CREDIT, OTHER_PERSON, OTHER_BANK)]


def test_a_bank_auditor_sees_its_banks_entries_and_not_another_banks(journal: Any) -> None:
    client = verified_client(journal.cast.users["vhb.auditor"])
    subjects = {s for _, s, _, _ in seen(client)}
    assert f"lc:{journal.credit_id}" in subjects and OTHER_CREDIT not in subjects
    assert seen(client, subject=OTHER_CREDIT) == [] and seen(client, org=OTHER_BANK) == []
    lines = list(csv.reader(io.StringIO(b"".join(client.get(reverse("audit:ledger-csv")).streaming_content).decode())))
    assert OTHER_CREDIT not in {line[4] for line in lines[1:]} and len(lines) > 1


def test_the_csv_is_exactly_the_filtered_view_across_pages(journal: Any, platform_auditor: Any, sequenced: Any) -> None:
    for n in range(browser.PAGE + 5):  # more than one page
        append("test.bulk", OTHER_CREDIT, OTHER_PERSON, OTHER_BANK, n)
    sequenced()
    client = verified_client(platform_auditor)
    response = client.get(reverse("audit:ledger-csv"), {"kind": "test.bulk", "org": OTHER_BANK})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    lines = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert lines[0][:3] == ["seq", "at", "kind"]
    body = lines[1:]
    assert [json.loads(line[8])["n"] for line in body] == list(reversed(range(browser.PAGE + 5)))
    assert {(line[2], line[4], line[5], line[6]) for line in body} == {("test.bulk", OTHER_CREDIT, OTHER_PERSON,
                                                                         OTHER_BANK)}
    first_page = client.get(reverse("audit:ledger"), {"kind": "test.bulk", "org": OTHER_BANK}).context["rows"]
    assert [str(r.seq) for r in first_page] == [line[0] for line in body[: browser.PAGE]]
    assert [r.hash_hex for r in first_page] == [line[7] for line in body[: browser.PAGE]]
    read = ReadAccess.objects.order_by("-seq").first()
    assert read is not None and read.what == "export" and "test.bulk" in read.target


def test_each_row_shows_pending_sequenced_or_anchored_with_checkpoint_and_receipts(
        journal: Any, platform_auditor: Any, sequenced: Any, settings: Any, tmp_path: Any) -> None:
    settings.LEDGER_TLOG_DIR = tmp_path
    checkpoint = anchor_checkpoint()
    assert checkpoint is not None
    receipts = sorted((p.rsplit(".", 1)[-1], s) for p, s in Receipt.objects.filter(checkpoint=checkpoint)
                      .values_list("publisher", "status"))
    assert receipts
    append("test.later", OTHER_CREDIT, OTHER_PERSON, OTHER_BANK)
    sequenced()
    append("test.waiting", OTHER_CREDIT, OTHER_PERSON, OTHER_BANK)  # not sequenced yet
    client = verified_client(platform_auditor)
    page = client.get(reverse("audit:ledger"), {"subject": OTHER_CREDIT})
    rows, pending = page.context["rows"], page.context["pending"]
    assert [(r.kind, r.status, r.seq) for r in pending] == [("test.waiting", "pending", None)]
    later, *anchored = rows
    assert (later.kind, later.status, later.checkpoint, later.receipts) == ("test.later", "sequenced", None, [])
    assert anchored and all(r.status == "anchored" and r.checkpoint == checkpoint.size for r in anchored)
    assert sorted(anchored[0].receipts) == receipts
    html = page.content.decode()
    assert f"checkpoint {checkpoint.size}" in html and f"{receipts[0][0]}: {receipts[0][1]}" in html
    assert 'class="badge badge-proof-pending"' in html and 'class="badge badge-proof-sequenced"' in html


def test_the_audit_home_charts_checkpoints_receipts_and_lag(journal: Any, platform_auditor: Any, sequenced: Any,
                                                           settings: Any, tmp_path: Any) -> None:
    settings.LEDGER_TLOG_DIR = tmp_path
    first = anchor_checkpoint()
    append("test.more", OTHER_CREDIT, OTHER_PERSON, OTHER_BANK)
    sequenced()
    second = anchor_checkpoint()
    assert first is not None and second is not None and second.size > first.size
    Receipt.objects.filter(checkpoint=second).update(status=Receipt.Status.FAILED)
    points = charts.anchoring_points()
    assert [p.size for p in points] == [first.size, second.size]
    assert all(p.lag_seconds >= 0 for p in points)
    total = Receipt.objects.filter(checkpoint=second).count()
    assert (points[1].failed, points[1].published + points[1].pending) == (total, 0)
    page = verified_client(platform_auditor).get(reverse("audit:home"))
    html = page.content.decode()
    assert page.status_code == 200 and 'class="chart chart-anchoring"' in html and html.count("<polyline") == 2
    assert f"{total} failed" in html and f">{second.size}</td>" in html


def test_a_bank_auditor_sees_its_pending_entries_behind_a_backlog_of_others(journal: Any) -> None:
    append("test.mine", f"lc:{journal.credit_id}", journal.cast.users["vhb.maker"].ledger_id,
           journal.cast.orgs["issuing"].ledger_id)
    for n in range(browser.PAGE + 1):  # newer, unsequenced, of another bank
        append("test.theirs", OTHER_CREDIT, OTHER_PERSON, OTHER_BANK, n)
    pending = verified_client(journal.cast.users["vhb.auditor"]).get(reverse("audit:ledger")).context["pending"]
    assert [r.kind for r in pending] == ["test.mine"]


def test_a_bank_auditor_sees_its_banks_keys_changed_by_an_operator_or_platform_staff(cast: Any, staff: Any,
                                                                                        sequenced: Any) -> None:
    from lc.audit.record import Operator
    from lc.integrations.keys import create_api_key, revoke_api_key

    key, _ = create_api_key(user=cast.users["vhb.admin"], name="treasury", actor=Operator("ops"))
    revoke_api_key(key=key, actor=staff)
    create_api_key(user=cast.users["hhl.treasury"], name="ERP", actor=Operator("ops"))  # another organisation's
    sequenced()
    rows = seen(verified_client(cast.users["vhb.auditor"]), kind="")
    keys = [(k, s) for k, s, _, _ in rows if s.startswith("apikey:")]
    assert keys == [("apikey.revoked", f"apikey:{key.id}"), ("apikey.created", f"apikey:{key.id}")]
