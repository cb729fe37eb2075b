"""API permissions beyond the tenant scope of the querysets."""

from __future__ import annotations

from typing import Any

from rest_framework import permissions
from rest_framework.request import Request

from lc.integrations.keys import require_integrator


class ManagesIntegration(permissions.BasePermission):
    """require_integrator for every change to a viewset's objects. Creation is checked up front;
    a change to an existing object after its lookup, so another organisation's object is still
    a 404, not a 403."""

    def has_permission(self, request: Request, view: Any) -> bool:
        if request.method not in permissions.SAFE_METHODS and not getattr(view, "detail", False):
            require_integrator(request.user)  # type: ignore[arg-type]
        return True

    def has_object_permission(self, request: Request, view: Any, obj: Any) -> bool:
        if request.method not in permissions.SAFE_METHODS:
            require_integrator(request.user)  # type: ignore[arg-type]
        return True
