"""Cursor pagination per ordering (the cursor encodes a position, so lists stay stable
while new credits arrive)."""

from __future__ import annotations

from functools import cache

from rest_framework import pagination


class CursorPagination(pagination.CursorPagination):
    page_size = 50
    max_page_size = 200
    page_size_query_param = "page_size"
    ordering = "-created_at"


@cache
def cursor(ordering: str) -> type[CursorPagination]:
    name = "Cursor_" + ordering.replace("-", "desc_")
    return type(name, (CursorPagination,), {"ordering": ordering})
