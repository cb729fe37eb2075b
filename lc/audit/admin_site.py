"""The admin site: django-otp's OTPAdminSite, so a password-only session gets no admin page."""

from __future__ import annotations

from django_otp.admin import OTPAdminSite


class AdminSite(OTPAdminSite):
    site_header = "TradeChain operations and audit"
    site_title = "TradeChain admin"
    index_title = "Operations (changes go through the ledgered services) and audit"
