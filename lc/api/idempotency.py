"""Idempotency-Key for POSTs: a retry replays the first response and creates nothing twice.

The claim on the key (lc.integrations.idempotency), the action and its stored response are ONE
transaction with the business change, so the object and the stored response commit together
or not at all, and a claim never outlives its request: a failed request rolls it back. A
concurrent request with the same key waits on the uncommitted claim, then replays the stored
response (status, body, headers); after WAIT_SECONDS it answers 409 "in progress" with
Retry-After instead, and never runs the action while the first still runs. A deadlock or a
serialization failure runs the whole transaction again (lc.services.retry).

A response that shows a secret once (a new API key, a webhook signing secret) is never stored:
its record keeps a 409 "shown once" problem instead, which is what a replay gets (issue 17: a
replay store must not become a second place the secret lives). The fingerprint includes the
caller, so a colleague's Idempotency-Key replays nothing of another person's request.
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Callable
from typing import Any

from django.db import OperationalError, connection, transaction
from django.http import HttpResponse
from rest_framework import serializers
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from lc.api.problems import problem_response
from lc.integrations import idempotency as records
from lc.models import Organization
from lc.services.retry import retrying

HEADER = "Idempotency-Key"
WAIT_SECONDS = 10.0
LOCK_NOT_AVAILABLE = "55P03"  # lock_timeout expired
REPLAYED_HEADER = "Idempotent-Replayed"
KEPT_HEADERS = ("Location", "Retry-After", "WWW-Authenticate")

Handler = Callable[..., Any]


SHOWN_ONCE = ("secret-shown-once", "Secret shown once",
              "The response to this request held a secret, which is shown once and never stored; "
              "it cannot be replayed. Create a new one if it was lost.")
KEY_PATTERN = re.compile(r"[\x21-\x7e]{1,255}")  # visible ASCII, as the OpenAPI schema says


def idempotent(handler: Handler | None = None, *, shows_secret: bool = False) -> Any:
    """Decorate a viewset POST handler (create or an @action). `shows_secret=True`: the
    handler's successful response holds a secret and is never stored for replay."""
    if handler is None:
        return functools.partial(idempotent, shows_secret=shows_secret)
    return _idempotent(handler, shows_secret)


def _idempotent(handler: Handler, shows_secret: bool) -> Handler:
    @functools.wraps(handler)
    def wrapper(view: Any, request: Request, *args: Any, **kwargs: Any) -> Any:
        key = request.headers.get(HEADER)
        org = getattr(request.user, "organization", None)
        if key is None or org is None:
            return retrying(lambda: handler(view, request, *args, **kwargs))
        if not KEY_PATTERN.fullmatch(key):
            raise serializers.ValidationError({HEADER: "must be 1 to 255 visible ASCII characters"})
        fingerprint = request_fingerprint(request)
        claim = functools.partial(_claim, org, key, request, fingerprint)
        run = functools.partial(_call, view, request, handler, args, kwargs)
        return retrying(lambda: _claim_run_and_store(org, key, fingerprint, claim, run, shows_secret))

    return wrapper


def request_fingerprint(request: Request) -> str:
    """Hash of what the request asks for: method, path and the body's content. Multipart
    bodies are hashed by their parts (the boundary differs between retries)."""
    h = hashlib.sha256(f"{request.method} {request.get_full_path()} {request.user.pk}\n".encode())
    if request.content_type.startswith("multipart/"):
        parts: Any = request.data  # a QueryDict for multipart
        for name in sorted(parts.keys()):
            for value in parts.getlist(name):
                if hasattr(value, "read"):
                    h.update(f"{name}=file:{_file_digest(value)}\n".encode())
                else:
                    h.update(f"{name}={value}\n".encode())
    else:
        h.update(request.body)
    return h.hexdigest()


def _file_digest(upload: Any) -> str:
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def _claim(org: Organization, key: str, request: Request, fingerprint: str) -> int | None:
    return records.claim(org, key, str(request.method), request.get_full_path(), fingerprint)


def _call(view: Any, request: Request, handler: Handler, args: Any, kwargs: Any) -> Any:
    """Run the handler, turning handled errors into their problem response (so they are stored
    and replayed like any other answer); unhandled errors propagate."""
    try:
        return handler(view, request, *args, **kwargs)
    except Exception as exc:
        return view.handle_exception(exc)


def _claim_run_and_store(org: Organization, key: str, fingerprint: str, claim: Callable[[], int | None],
                         run: Callable[[], Any], shows_secret: bool) -> HttpResponse:
    """One transaction: claim the key, run the action, store its response.

    The claim is an uncommitted row until the end: a concurrent request with the same key waits
    on it (the unique index) for as long as this one runs (at most WAIT_SECONDS, then 409 in
    progress), never takes it over, and replays what this one committed; a request that fails
    (an error, a 5xx, the database gone, the process killed) rolls its claim back with
    everything else, so a retry runs as soon as the database answers."""
    try:
        with transaction.atomic():
            record_id = _claim_waiting(claim)
            if record_id is None:
                raise _Claimed
            response = run()
            if response.status_code >= 500:
                raise _ServerError(response)
            body, headers = _render(response)
            if shows_secret and 200 <= response.status_code < 300:
                records.store(record_id, *_shown_once())
            else:
                records.store(record_id, response.status_code, body, headers)
    except _ServerError as err:
        return err.response
    except _Claimed:
        return _replay(org, key, fingerprint)
    except OperationalError as exc:
        if getattr(exc.__cause__, "sqlstate", None) != LOCK_NOT_AVAILABLE:
            raise
        return _in_progress()
    return _http(response.status_code, body, headers)


def _claim_waiting(claim: Callable[[], int | None]) -> int | None:
    """The claim, waiting at most WAIT_SECONDS for a running request with the same key."""
    with connection.cursor() as cur:
        cur.execute(f"SET LOCAL lock_timeout = '{int(WAIT_SECONDS * 1000)}ms'")
        record_id = claim()
        cur.execute("SET LOCAL lock_timeout TO DEFAULT")
    return record_id


class _Claimed(Exception):
    """Another request with this key committed first."""


def _shown_once() -> tuple[int, bytes, dict[str, str]]:
    return 409, _render(problem_response(409, *SHOWN_ONCE))[0], {"Content-Type": "application/problem+json"}


def _in_progress() -> Response:
    response = problem_response(409, "idempotency-in-progress", "Request in progress",
                                "A request with this Idempotency-Key is still being processed; retry.")
    response["Retry-After"] = "1"
    return response


class _ServerError(Exception):
    def __init__(self, response: Any) -> None:
        self.response = response


def _render(response: Any) -> tuple[bytes, dict[str, str]]:
    if isinstance(response, Response):
        body = JSONRenderer().render(response.data) if response.data is not None else b""
        ctype = response.content_type or "application/json"
    else:
        body, ctype = bytes(response.content), response.get("Content-Type", "application/json")
    headers = {"Content-Type": ctype, **{h: response[h] for h in KEPT_HEADERS if h in response}}
    return body, headers


def _http(status: int, body: bytes, headers: dict[str, str], replayed: bool = False) -> HttpResponse:
    out = HttpResponse(body, status=status, content_type=headers.get("Content-Type", "application/json"))
    for name, value in headers.items():
        if name != "Content-Type":
            out[name] = value
    if replayed:
        out[REPLAYED_HEADER] = "true"
    return out


def _replay(org: Organization, key: str, fingerprint: str) -> Any:
    """The committed answer of the request that held this key first."""
    record = records.find(org, key)
    if record is None or record.status_code is None:
        return _in_progress()  # purged meanwhile, or a record of an older release: retry
    if record.request_hash != fingerprint:
        return problem_response(422, "idempotency-key-reused", "Idempotency-Key reused",
                                "This Idempotency-Key was used for a different request.")
    return _http(record.status_code, bytes(record.response_body or b""), record.response_headers, replayed=True)
