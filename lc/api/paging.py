"""Cursor pagination per ordering (the cursor encodes a position, so lists stay stable
while new credits arrive)."""

from __future__ import annotations

from functools import cache

from lc.api_auth import CursorPagination


@cache
def cursor(ordering: str) -> type[CursorPagination]:
    name = "Cursor_" + ordering.replace("-", "desc_")
    return type(name, (CursorPagination,), {"ordering": ordering})
