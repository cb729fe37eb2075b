"""Cursor pagination per ordering (the cursor encodes a position, so lists stay stable
while new credits arrive)."""

from __future__ import annotations

from functools import cache
from typing import Any

from rest_framework import exceptions, pagination

MAX_PAGE_SIZE = 200


def page_size(raw: str | None, default: int) -> int:
    """`page_size`: a whole number in ASCII digits from 1, capped at MAX_PAGE_SIZE; anything else is a
    400 (issue 17: a malformed value silently meant the default, and int() reads Arabic-Indic digits)."""
    if raw is None:
        return default
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 9 and int(raw) >= 1):
        raise exceptions.ValidationError({"page_size": "a whole number from 1 (at most 200 are returned)"})
    return min(int(raw), MAX_PAGE_SIZE)


class CursorPagination(pagination.CursorPagination):
    page_size = 50
    max_page_size = MAX_PAGE_SIZE
    page_size_query_param = "page_size"
    ordering = "-created_at"

    def get_page_size(self, request: Any) -> int:
        return page_size(request.query_params.get(self.page_size_query_param), self.page_size)


@cache
def cursor(ordering: str) -> type[CursorPagination]:
    name = "Cursor_" + ordering.replace("-", "desc_")
    return type(name, (CursorPagination,), {"ordering": ordering})
