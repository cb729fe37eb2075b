from __future__ import annotations

from django.apps import AppConfig
from django.contrib.admin.apps import AdminConfig as DjangoAdminConfig


class AuditConfig(AppConfig):
    """Listed before django.contrib.auth so that its createsuperuser and changepassword
    (which ledger) replace Django's."""

    name = "lc.audit"
    label = "audit"
    default_auto_field = "django.db.models.BigAutoField"


class AdminConfig(DjangoAdminConfig):
    """The admin site is django-otp's: staff, signed in with a password and a TOTP code."""

    default_site = "lc.audit.admin_site.AdminSite"
