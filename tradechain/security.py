"""HTTP security headers on every response: the portal, the API, the admin and Swagger UI.

Django's SecurityMiddleware already sends HSTS (on HTTPS requests, when SECURE_HSTS_SECONDS is
set), nosniff, Referrer-Policy and Cross-Origin-Opener-Policy from settings; this adds what
Django 5.2 has no setting for: Content-Security-Policy and Permissions-Policy.

The policy has no 'unsafe-inline' and no 'unsafe-eval' anywhere: the portal loads htmx and its
stylesheet from /static/, and carries no inline script, style element or event-handler
attribute (templates/base.html turns off htmx's injected indicator style and its eval); Swagger
UI is served in its split form (tradechain/urls.py), whose initialiser is a script file too.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

# One directive per line, so a review reads the whole policy at once.
CSP_DIRECTIVES = (
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",  # the TOTP enrolment QR code is inline SVG; Swagger UI uses data: icons
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",  # no framing anywhere (clickjacking), as X-Frame-Options: DENY says
)
CONTENT_SECURITY_POLICY = "; ".join(CSP_DIRECTIVES)

# Powerful browser features the product never uses are switched off for every page.
PERMISSIONS_POLICY = ", ".join(f"{feature}=()" for feature in (
    "accelerometer", "camera", "display-capture", "geolocation", "gyroscope", "magnetometer",
    "microphone", "midi", "payment", "usb", "serial", "bluetooth", "hid", "browsing-topics",
))


class SecurityHeadersMiddleware:
    """Adds the CSP and Permissions-Policy to each response that has not set its own."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        response.headers.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        return response
