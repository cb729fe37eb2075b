"""GET /healthz: database, Redis and Celery worker status as JSON (503 when one is down).

The public (the load balancer's probe, anyone) gets only up or down: the details (error texts
naming hosts and drivers, worker host names, the ledger backlog) help an attacker map the
deployment, so they go to platform staff signed in with their second factor only (issue 17)."""

from __future__ import annotations

from typing import Any

import redis
from django.conf import settings
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET


def _database() -> dict[str, Any]:
    try:
        with connection.cursor() as cur:
            cur.execute("SELECT count(*) FROM ledger_intake")
            pending = cur.fetchone()[0]
        return {"ok": True, "ledger_pending": pending}
    except Exception as exc:  # any failure is a health finding, not a crash
        return {"ok": False, "error": str(exc)[:200]}


def _redis() -> dict[str, Any]:
    try:
        client = redis.Redis.from_url(settings.REDIS_URL, socket_timeout=1, socket_connect_timeout=1)
        return {"ok": bool(client.ping())}
    except redis.RedisError as exc:
        return {"ok": False, "error": str(exc)[:200]}


def _workers() -> dict[str, Any]:
    from tradechain.celery import app

    try:
        replies = app.control.ping(timeout=1.0) or []
    except Exception as exc:  # broker down shows here too
        return {"ok": False, "error": str(exc)[:200], "workers": []}
    names = sorted(name for reply in replies for name in reply)
    return {"ok": bool(names), "workers": names}


def _staff(request: HttpRequest) -> bool:
    """Platform staff past the second factor (as the admin requires: lc/audit/admin_site.py)."""
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated and user.is_staff and user.is_verified())


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    checks = {"database": _database(), "redis": _redis()}
    checks["worker"] = _workers() if checks["redis"]["ok"] else {"ok": False, "workers": []}
    ok = all(c["ok"] for c in checks.values())
    body: dict[str, Any] = {"status": "ok" if ok else "degraded"}
    if _staff(request):
        body.update(checks)
    response = JsonResponse(body, status=200 if ok else 503)
    response["Cache-Control"] = "no-store"
    return response
