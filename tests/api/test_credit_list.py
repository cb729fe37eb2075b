"""The credit list (lc.api.credit_list) against the rules it restates: CreditSerializer for the
shape, CreditQuerySet.visible_to for who sees what, CreditFilter for what each filter means."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.http import QueryDict
from django.utils import timezone

from lc.api.filters import CreditFilter
from lc.api.serializers import CreditSerializer
from lc.models import LetterOfCredit
from lc.scenarios import Story, example_start

CREDITS = "/api/v1/credits/"
START = example_start()
USERS = {"importer": "hhl.treasury", "exporter": "nef.exports", "issuing": "vhb.maker", "advising": "ncb.maker",
         "confirming": "lctb.maker", "stranger_bank": "tmb.maker", "stranger_corp": "rkw.treasury"}


@pytest.fixture
def credits(cast: Any) -> list[LetterOfCredit]:
    """Credits in many states and shapes: drafts, submitted, issued, confirmed, transferred."""
    made = []
    for i, step in enumerate(["apply", "submit", "issued", "confirmed", "advise", "transfer", "apply", "issued"]):
        story = Story(cast, START + dt.timedelta(hours=i), currency="EUR" if i % 3 == 0 else "USD")
        if step == "apply":
            story.apply()
        elif step == "submit":
            story.apply()
            story.submit()
        elif step == "confirmed":
            story.issued(confirming=True)
        elif step == "advise":
            story.issued()
            story.advise()
        elif step == "transfer":
            story.terms["form"] = "IRREVOCABLE TRANSFERABLE"
            story.issued()
            story.transfer({"amount": "120000.00"})
        else:
            story.issued()
        made.append(LetterOfCredit.objects.get(pk=story.credit_id))
    # Two credits created in the same microsecond: the id breaks the tie, no row is lost or repeated.
    same = made[0].created_at.replace(microsecond=0)
    LetterOfCredit.objects.filter(pk__in=[made[1].pk, made[2].pk]).update(created_at=same)
    return list(LetterOfCredit.objects.all())


def orm_page(org: Any, params: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """What the list must show: the declared filters over visible_to, newest first, serialized."""
    qs = LetterOfCredit.objects.visible_to(org).with_parties().select_related("second_beneficiary")
    filterset = CreditFilter(QueryDict(_encode(params or {})), queryset=qs)
    assert filterset.is_valid(), filterset.errors
    qs = filterset.qs.order_by("-created_at", "-id")
    return json.loads(json.dumps(CreditSerializer(qs, many=True).data))


def walk(client: Any, url: str) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    while url:
        page = client.get(url).json()
        rows += page["results"]
        url = page["next"]
    return rows


def test_every_organisation_sees_exactly_its_credits_in_the_serializers_shape(
        cast: Any, api_as: Any, credits: list[LetterOfCredit]) -> None:
    assert {c.second_beneficiary_id for c in credits} - {None}, "a transferred credit is in the set"
    assert {c.confirming_bank_id for c in credits} - {None}, "a confirmed credit is in the set"
    for org_key, username in USERS.items():
        shown = api_as(username).get(CREDITS).json()["results"]
        assert shown == orm_page(cast.orgs[org_key]), org_key
    assert api_as("tmb.maker").get(CREDITS).json() == {"next": None, "previous": None, "results": []}
    assert len(api_as("vhb.maker").get(CREDITS).json()["results"]) < len(credits)  # drafts stay the applicant's


def test_date_times_are_utc_with_microseconds_in_the_list_and_the_detail(
        cast: Any, api_as: Any, credits: list[LetterOfCredit]) -> None:
    client = api_as("hhl.treasury")
    row = client.get(CREDITS).json()["results"][0]
    detail = client.get(f"{CREDITS}{row['id']}/").json()
    assert row["created_at"] == detail["created_at"]
    assert row["created_at"].endswith("Z") and len(row["created_at"]) == len("2025-03-10T02:00:00.000000Z")
    created = LetterOfCredit.objects.get(pk=row["id"]).created_at
    assert dt.datetime.fromisoformat(row["created_at"]) == created


@pytest.mark.parametrize("size", [1, 2, 3, 50])
def test_cursor_pages_walk_forward_and_back_without_gaps(
        cast: Any, api_as: Any, credits: list[LetterOfCredit], size: int) -> None:
    client = api_as("hhl.treasury")
    expected = [r["id"] for r in orm_page(cast.orgs["importer"])]
    pages = []
    url = f"{CREDITS}?page_size={size}"
    while url:
        page = client.get(url).json()
        assert len(page["results"]) <= size
        pages.append(page)
        url = page["next"]
    assert [r["id"] for p in pages for r in p["results"]] == expected
    assert pages[0]["previous"] is None
    # Back from the last page: each previous link gives the page before, exactly.
    for before, page in zip(reversed(pages[:-1]), reversed(pages[1:]), strict=True):
        assert page["previous"] is not None
        back = client.get(page["previous"]).json()
        assert [r["id"] for r in back["results"]] == [r["id"] for r in before["results"]]
        assert back["next"] is not None


def test_a_cursor_stays_valid_while_new_credits_arrive(cast: Any, api_as: Any, credits: list[LetterOfCredit]) -> None:
    client = api_as("hhl.treasury")
    first = client.get(f"{CREDITS}?page_size=3").json()
    rest_before = walk(client, first["next"])
    newest = Story(cast, START).apply()
    LetterOfCredit.objects.filter(pk=newest.pk).update(created_at=timezone.now())  # belongs on page one
    assert client.get(f"{CREDITS}?page_size=3").json()["results"][0]["id"] == str(newest.pk)
    assert walk(client, first["next"]) == rest_before


QUERIES: list[dict[str, Any]] = [
    {"state": "draft"},
    {"state": ["issued", "advised"]},
    {"currency": "eur"},
    {"currency": "USD", "state": "issued"},
    {"counterparty": "exporter"},
    {"counterparty": "stranger_corp"},
    {"counterparty": "stranger_bank"},
    {"created_after": "2025-03-10T12:00:00+08:00"},
    {"created_before": "2025-03-10T12:00:00+08:00"},
    {"issued_after": "2025-03-01T00:00:00Z", "issued_before": "2099-01-01T00:00:00Z"},
    {"expiry_after": "2025-01-01", "expiry_before": "2099-12-31"},
]


@pytest.mark.parametrize("query", QUERIES, ids=[json.dumps(q) for q in QUERIES])
def test_each_filter_means_what_credit_filter_declares(
        cast: Any, api_as: Any, credits: list[LetterOfCredit], query: dict[str, Any]) -> None:
    if "counterparty" in query:
        query = {**query, "counterparty": str(cast.orgs[query["counterparty"]].pk)}
    for org_key in ("importer", "issuing"):
        expected = orm_page(cast.orgs[org_key], query)
        assert walk(api_as(USERS[org_key]), CREDITS + "?" + _encode(query) + "&page_size=2") == expected


def test_created_at_filters_move_with_the_credits(cast: Any, api_as: Any, credits: list[LetterOfCredit]) -> None:
    """Not vacuous: the date filters split the set, and created_after/before are complements."""
    cut = "2025-03-10T12:00:00+08:00"
    client = api_as("hhl.treasury")
    after = walk(client, f"{CREDITS}?created_after={cut.replace('+', '%2B')}")
    before = walk(client, f"{CREDITS}?created_before={cut.replace('+', '%2B')}")
    assert after and before
    assert len(after) + len(before) == len(walk(client, CREDITS))


def test_every_declared_filter_is_translated(cast: Any, api_as: Any, credits: list[LetterOfCredit]) -> None:
    samples = {"state": "issued", "currency": "usd", "reference": credits[0].reference,
               "counterparty": str(cast.orgs["exporter"].pk), "created_after": "2025-01-01T00:00:00Z",
               "created_before": "2099-01-01T00:00:00Z", "issued_after": "2025-01-01T00:00:00Z",
               "issued_before": "2099-01-01T00:00:00Z", "expiry_after": "2025-01-01", "expiry_before": "2099-01-01"}
    assert set(samples) == set(CreditFilter.base_filters)
    client = api_as("hhl.treasury")
    for name, value in samples.items():
        response = client.get(CREDITS, {name: value})
        assert response.status_code == 200, name
        assert response.json()["results"] == orm_page(cast.orgs["importer"], {name: value}), name


def test_bad_filters_and_cursors_are_problems(cast: Any, api_as: Any, credits: list[LetterOfCredit]) -> None:
    client = api_as("hhl.treasury")
    response = client.get(CREDITS, {"state": "nope", "expiry_after": "not-a-date", "counterparty": "x"})
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert {e["field"] for e in response.json()["errors"]} == {"state", "expiry_after", "counterparty"}
    for cursor in ("zzz", "Zm9v", "YjEyMy5ub3RoZXg"):
        response = client.get(CREDITS, {"cursor": cursor})
        assert response.status_code == 404, cursor
        assert response["Content-Type"] == "application/problem+json"
    # page_size: a malformed one is refused (issue 17), a large one is capped
    for bad in ("abc", "0", "-1", "١٢"):
        response = client.get(CREDITS, {"page_size": bad})
        assert response.status_code == 400 and response["Content-Type"] == "application/problem+json", bad
    assert len(client.get(CREDITS, {"page_size": "999"}).json()["results"]) == len(orm_page(cast.orgs["importer"]))
    assert len(client.get(CREDITS, {"page_size": "1"}).json()["results"]) == 1


def _encode(query: dict[str, Any]) -> str:
    from urllib.parse import urlencode

    return urlencode(query, doseq=True)


def test_the_list_follows_every_write_even_around_the_orm(
        cast: Any, api_as: Any, credits: list[LetterOfCredit]) -> None:
    """The list JSON is kept by triggers: a bulk update and a renamed party show at once."""
    client = api_as("hhl.treasury")
    LetterOfCredit.objects.filter(applicant=cast.orgs["importer"]).update(currency="JPY")
    exporter = cast.orgs["exporter"]
    exporter.name, exporter.city = "Everbright Flask (Ningbo) Co., Ltd.", "Yuyao"
    exporter.save()
    shown = walk(client, CREDITS + "?page_size=3")
    assert shown and {r["currency"] for r in shown} == {"JPY"}
    assert {r["beneficiary"]["name"] for r in shown if r["beneficiary"]["id"] == str(exporter.pk)} == {exporter.name}
    assert shown == orm_page(cast.orgs["importer"])
