"""The admin as audit console: credit pages render and refuse edits."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.test import Client
from django.utils import timezone

from lc.scenarios import Story


def test_admin_credit_pages_are_read_only(cast: Any, admin_client: Client) -> None:
    story = Story(cast, dt.datetime(2025, 3, 10, 10, tzinfo=timezone.get_default_timezone()))
    story.issued()
    client = admin_client
    listing = client.get("/admin/lc/letterofcredit/")
    assert listing.status_code == 200 and story.reference.encode() in listing.content
    page = client.get(f"/admin/lc/letterofcredit/{story.credit_id}/change/")
    assert page.status_code == 200 and b'name="state"' not in page.content  # shown, not editable
    assert client.post(f"/admin/lc/letterofcredit/{story.credit_id}/delete/", {"post": "yes"}).status_code == 403
    assert client.get("/admin/lc/letterofcredit/add/").status_code == 403
