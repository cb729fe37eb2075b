"""What every API viewset shares: the caller's organisation, input validation, the answer."""

from __future__ import annotations

from typing import Any, cast

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import api_view, authentication_classes, permission_classes
from rest_framework.request import Request
from rest_framework.response import Response

from lc.api.problems import problem_response
from lc.models import Organization, User


class ScopedViewSet(viewsets.GenericViewSet):
    """Reads go through `get_queryset`, scoped to what the caller's organisation may see, so an
    object of another organisation (or of a credit it is not party to) is a 404."""

    _target: Any = None

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        if request.method == "POST" and (self.lookup_url_kwarg or self.lookup_field) in kwargs:
            self.target()  # a 404 comes before anything else is looked at (body, Idempotency-Key)

    def target(self) -> Any:
        """The object of the URL, from the scoped queryset (looked up once)."""
        if self._target is None:
            self._target = self.get_object()
        return self._target

    def actor(self) -> User:
        """The authenticated user (every view requires authentication)."""
        return cast(User, self.request.user)

    def org(self) -> Organization | None:
        return getattr(self.request.user, "organization", None)

    def facts(self, input_class: type[serializers.Serializer]) -> dict[str, Any]:
        """Validate the action's small input serializer (400 with field errors otherwise)."""
        s = input_class(data=self.request.data, context=self.get_serializer_context())
        s.is_valid(raise_exception=True)
        return dict(s.validated_data)

    def answer(self, obj: Any, output_class: type[serializers.BaseSerializer], status: int = 200) -> Response:
        return Response(output_class(obj, context=self.get_serializer_context()).data, status=status)

    def paginated(self, queryset: Any, output_class: type[serializers.BaseSerializer]) -> Response:
        page = self.paginate_queryset(queryset)
        data = output_class(page, many=True, context=self.get_serializer_context()).data
        return self.get_paginated_response(data)


@extend_schema(exclude=True)
@api_view(["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"])
@authentication_classes([])
@permission_classes([])
def not_found(request: Request, path: str = "") -> Response:
    """Any other URL under /api/v1/ is a problem+json 404, not an HTML page."""
    return problem_response(404, "not-found", "Not found", "No such endpoint.")
