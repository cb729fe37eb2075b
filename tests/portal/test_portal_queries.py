"""Each main page costs a bounded number of queries, whatever the number of credits,
amendments, presentations or ledger entries behind it."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from lc import services
from lc.scenarios import Story

# credit: +2 for what the viewer may see of the history (lc.services.visibility: hidden
# amendments, the parties' people), issue 17.
# The credit page: its availability (issue 13), the visibility of amendments and people (issue 17)
# and its line in the read-access log (issue 14: lock, head, insert, two savepoints) came on top.
# The examination page opens a presentation: its read-access log line came on top the same way.
# The credit page: +1 for the decisions awaiting further checkers (approval levels, issue 20).
MAX_QUERIES = {"dashboard": 21, "credits": 10, "credit": 28, "examine": 21}


def book(story: Callable[..., Story], cast: Any, size: int) -> Story:
    """`size` credits in different states, and one credit with `size` // 3 amendments and
    presentations (so its versions, documents and ledger entries grow too)."""
    for i in range(size - 1):
        s = story()
        s.apply()
        s.submit()
        if i % 3:
            s.prepare()
        if i % 3 == 2:
            s.approve()
    busy = story()
    busy.issued()
    busy.advise()
    for n in range(max(1, size // 10)):
        amendment = services.propose_amendment(actor=cast.users["hhl.treasury"], credit_id=busy.credit_id,
                                               changes={"amount": f"{125000 + 1000 * (n + 1)}.00"})
        services.prepare_amendment(actor=cast.users["vhb.maker"], amendment_id=amendment.pk)
        services.issue_amendment(actor=cast.users["vhb.checker"], amendment_id=amendment.pk)
        services.accept_amendment(actor=cast.users["nef.exports"], amendment_id=amendment.pk)
    for _ in range(max(1, size // 10)):
        pres = busy.present(amount=Decimal("20000.00"))  # several drawings fit the availability
        services.record_engine_result(presentation_id=pres.pk)
    return busy


@pytest.mark.parametrize("size", [3, 30])
def test_main_pages_run_a_bounded_number_of_queries(
        size: int, story: Callable[..., Story], cast: Any, as_user: Callable[[str], Client], sequenced: Any,
        django_assert_max_num_queries: Any) -> None:
    busy = book(story, cast, size)
    if size > 3:
        sequenced()  # the larger book also has sequenced entries (and their proof status)
    pres = busy.presentation
    pages = {
        "dashboard": reverse("portal:dashboard"),
        "credits": reverse("portal:credits"),
        "credit": reverse("portal:credit", args=[busy.credit_id]),
        "examine": reverse("portal:examine", args=[busy.credit_id, pres.pk]),
    }
    for username in ("vhb.maker", "vhb.checker", "ncb.examiner"):
        client = as_user(username)
        for name, url in pages.items():
            with django_assert_max_num_queries(MAX_QUERIES[name]):
                response = client.get(url)
            assert response.status_code == 200, (username, name)
