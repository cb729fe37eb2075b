"""Security headers on the portal, the API, the admin and Swagger UI; `check --deploy` clean
with production settings."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

ROOT = Path(__file__).resolve().parents[2]
SURFACES = {
    "portal sign-in": "/login/",
    "portal page (redirects to sign-in)": "/",
    "api": "/api/v1/credits/",
    "api 404": "/api/v1/no-such-thing/",
    "admin": "/admin/login/",
    "swagger ui": "/api/docs/",
    "health": "/healthz",
}


def csp_directives(response: Any) -> dict[str, str]:
    policy = response["Content-Security-Policy"]
    return {d.split()[0]: d.partition(" ")[2] for d in (p.strip() for p in policy.split(";")) if d}


@pytest.mark.django_db
@pytest.mark.parametrize("path", SURFACES.values(), ids=SURFACES.keys())
def test_every_surface_sends_the_security_headers(path: str) -> None:
    response = Client().get(path, secure=True)
    csp = csp_directives(response)
    assert csp["frame-ancestors"] == "'none'"
    assert csp["default-src"] == "'self'" and csp["object-src"] == "'none'"
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert "unsafe-eval" not in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")


@pytest.mark.django_db
def test_no_hsts_when_cookies_are_not_secure(settings: Any) -> None:
    settings.SECURE_HSTS_SECONDS = 0
    assert "Strict-Transport-Security" not in Client().get("/login/", secure=True)


@pytest.mark.django_db
def test_the_portal_pages_carry_no_inline_script_or_style(cast: Any) -> None:
    """What the CSP would block: <script> without src, <style>, style= and on*= attributes."""
    import re

    body = Client().get("/login/").content.decode()
    assert not re.search(r"<script(?![^>]*\bsrc=)", body)
    assert not re.search(r"<style|\sstyle=|\son[a-z]+=", body)


@pytest.mark.django_db
def test_swagger_ui_loads_its_initialiser_as_a_script_file() -> None:
    body = Client().get("/api/docs/").content.decode()
    assert "<script src=" in body and "?script" in body


def test_check_deploy_passes_with_production_settings(tmp_path: Path) -> None:
    env = {**os.environ, "DEBUG": "false", "SECRET_KEY": secrets.token_urlsafe(64),
           "ALLOWED_HOSTS": "lc.example.com", "SECURE_COOKIES": "true", "SECURE_SSL_REDIRECT": "true",
           "TRUST_X_FORWARDED_PROTO": "true", "SECURE_HSTS_PRELOAD": "true", "TRADECHAIN_VAR": str(tmp_path)}
    # The browser tests' conftest sets this for the whole run (Playwright's loop in the test
    # thread); a deployment must not, and check --deploy says so.
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    env.setdefault("DATABASE_URL", "postgresql://unused@127.0.0.1:1/unused")
    env.setdefault("REDIS_URL", "redis://127.0.0.1:1/0")
    result = subprocess.run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
