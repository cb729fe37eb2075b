"""The credit list, the API's hottest read: one prepared statement per page, the JSON of each
credit kept by PostgreSQL.

ERP integrations poll `GET /api/v1/credits/` all day. Through the ORM, a page of 50 cost about
6 ms of Python (SQL compilation, 58 model instances, seven party cards, the serializer, the
renderer), and building the JSON in the query still cost about 1 ms of PostgreSQL per page. So:

- each credit row carries its list JSON in a column the ORM never sees (`listing`), written by a
  trigger on every INSERT and UPDATE and refreshed when a party's card changes (migration
  0004): a page is an index range and a string join;
- the filters are the ones `CreditFilter` declares (one declaration for the schema, the
  validation and this query): each value is cleaned by the filter's own form field and turned
  into a SQL condition;
- visibility is the rule of `CreditQuerySet.visible_to`, written in SQL;
- the page is keyset-paginated on (created_at, id), so a cursor stays stable while credits
  arrive and a deep page costs what the first one does.

tests/api/test_credit_list.py holds all of this equal to CreditSerializer, visible_to and
CreditFilter over a cast of organisations and credits in many states.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
import uuid
from dataclasses import dataclass
from functools import cache
from typing import Any

import django_filters
import psycopg
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import connection
from django.db.models import Field
from django.http import HttpResponse
from rest_framework import exceptions
from rest_framework.request import Request
from rest_framework.utils.urls import replace_query_param

from lc.api.filters import CreditFilter
from lc.api.paging import CursorPagination, page_size
from lc.models import PARTY_FIELDS, CreditState, LetterOfCredit, Organization

DEFAULT_PAGE_SIZE = CursorPagination.page_size  # as every other list
MAX_PAGE_SIZE = CursorPagination.max_page_size
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
# A row's place as text (microseconds since 1970, then the id): what a cursor encodes.
KEY_SQL = "(extract(epoch FROM c.created_at) * 1000000)::bigint || '.' || replace(c.id::text, '-', '')"


def _col(name: str) -> str:
    field = LetterOfCredit._meta.get_field(name)
    assert isinstance(field, Field)
    return f'c."{field.column}"'


def _visible() -> str:
    """CreditQuerySet.visible_to in SQL: a party sees the credit, but a draft only its applicant,
    and its beneficiary once the applicant shared it (issue 20)."""
    parties = ", ".join(_col(name) for name in PARTY_FIELDS)
    shared = f"({_col('beneficiary')} = %(org)s AND {_col('draft_shared_at')} IS NOT NULL)"
    return (f"%(org)s IN ({parties}) AND ({_col('state')} <> %(draft)s OR {_col('applicant')} = %(org)s"
            f" OR {shared})")


@cache
def _filters() -> dict[str, django_filters.Filter]:
    return dict(CreditFilter(queryset=LetterOfCredit.objects.none()).filters)


_LOOKUP_SQL = {"exact": "{col} = {p}", "iexact": "upper({col}) = upper({p})", "gte": "{col} >= {p}",
               "gt": "{col} > {p}", "lte": "{col} <= {p}", "lt": "{col} < {p}"}


def _condition(name: str, flt: django_filters.Filter) -> str:
    param = f"%(f_{name})s"
    if name == "counterparty":
        return "(" + " OR ".join(f"{_col(p)} = {param}" for p in PARTY_FIELDS) + ")"
    if isinstance(flt, django_filters.MultipleChoiceFilter):
        return f"{_col(flt.field_name)}::text = ANY({param})"
    return _LOOKUP_SQL[flt.lookup_expr].format(col=_col(flt.field_name), p=param)


@dataclass(frozen=True)
class Position:
    """A cursor: a row's key (KEY_SQL) and whether the page lies before it (newer rows)."""

    key: str
    backwards: bool

    def encode(self) -> str:
        raw = ("b" if self.backwards else "f") + self.key
        return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")

    @classmethod
    def decode(cls, token: str) -> Position:
        try:
            raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode("ascii")
            if raw[:1] not in ("b", "f"):
                raise ValueError(raw[:1])
            position = cls(raw[1:], raw[0] == "b")
            position.where()  # a key that does not parse is an invalid cursor, not a 500 later
            return position
        except (ValueError, IndexError, binascii.Error, UnicodeDecodeError, OverflowError) as exc:
            raise exceptions.NotFound("Invalid cursor.") from exc

    def where(self) -> tuple[dt.datetime, uuid.UUID]:
        micros, hex_id = self.key.split(".")
        return EPOCH + dt.timedelta(microseconds=int(micros)), uuid.UUID(hex=hex_id)


def _clean(request: Request) -> dict[str, Any]:
    """The given filters, each cleaned by its declared form field (400 with field errors)."""
    values: dict[str, Any] = {}
    params = request.query_params
    # Unknown parameters are refused, not ignored (issue 17): a typo'd filter returned everything.
    errors: dict[str, list[str]] = {name: ["unknown query parameter"]
                                    for name in set(params) - set(_filters()) - {"cursor", "page_size"}}
    # An empty value is not a filter (as guard.StrictFilterBackend for the other lists).
    errors.update({name: ["an empty value is not a filter"] for name, given in params.lists()
                   if name not in errors and "" in given})
    for name, flt in _filters().items():
        if name not in params:
            continue
        raw = params.getlist(name) if isinstance(flt, django_filters.MultipleChoiceFilter) else params.get(name)
        try:
            value = flt.field.clean(raw)
        except DjangoValidationError as exc:
            errors[name] = list(exc.messages)
            continue
        if value in (None, "", [], ()):
            continue
        values[name] = list(value) if isinstance(flt, django_filters.MultipleChoiceFilter) else value
    if errors:
        raise exceptions.ValidationError(errors)
    return values


def _page_size(request: Request) -> int:
    """As every other list (lc.api.paging.page_size)."""
    return page_size(request.query_params.get("page_size"), DEFAULT_PAGE_SIZE)



@cache
def _page_sql(filter_names: tuple[str, ...], with_cursor: bool, backwards: bool) -> str:
    where = [_visible(), *(_condition(n, _filters()[n]) for n in filter_names)]
    if with_cursor:
        where.append(f"({_col('created_at')}, c.id) {'>' if backwards else '<'} (%(at)s, %(id)s)")
    order = "ASC" if backwards else "DESC"
    return (f'SELECT {KEY_SQL}, c.listing FROM "{LetterOfCredit._meta.db_table}" c WHERE {" AND ".join(where)} '
            f"ORDER BY {_col('created_at')} {order}, c.id {order} LIMIT %(limit)s")


def credit_list_response(request: Request, org: Organization | None) -> HttpResponse:
    """`{"next", "previous", "results"}` for the caller's organisation, as CursorPagination shapes it."""
    filters = _clean(request)
    size = _page_size(request)
    token = request.query_params.get("cursor")
    position = Position.decode(token) if token else None
    backwards = position is not None and position.backwards
    rows: list[tuple[str, str]] = []
    if org is not None:
        params: dict[str, Any] = {"org": org.pk, "draft": CreditState.DRAFT.value, "limit": size + 1,
                                  **{f"f_{name}": value for name, value in filters.items()}}
        if position is not None:
            params["at"], params["id"] = position.where()
        sql = _page_sql(tuple(sorted(filters)), position is not None, backwards)
        connection.ensure_connection()
        with psycopg.Cursor(connection.connection) as cur:
            cur.execute(sql, params, prepare=True)
            rows = cur.fetchall()
    more = len(rows) > size
    rows = rows[:size]
    if backwards:
        rows.reverse()
        has_next, has_previous = True, more
    else:
        has_next, has_previous = more, position is not None
    url = request.build_absolute_uri()

    def link(row: tuple[str, str], before: bool) -> bytes:
        return json.dumps(replace_query_param(url, "cursor", Position(row[0], before).encode())).encode()

    next_link = link(rows[-1], False) if has_next and rows else b"null"
    previous_link = link(rows[0], True) if has_previous and rows else b"null"
    body = b'{"next":%s,"previous":%s,"results":[%s]}' % (
        next_link, previous_link, ",".join(r[1] for r in rows).encode())
    return HttpResponse(body, content_type="application/json")
