"""API key management: create (the secret is shown once), list (prefix only), revoke."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_view
from rest_framework import mixins
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from lc.api import inputs
from lc.api.base import ScopedViewSet
from lc.api.idempotency import idempotent
from lc.api.paging import cursor
from lc.api.schema import action_schema, detail_schema, list_schema
from lc.api.serializers import ApiKeyCreatedSerializer, ApiKeySerializer
from lc.integrations.keys import create_api_key, require_integrator, revoke_api_key
from lc.models import ApiKey

TAGS = ["api keys"]


@extend_schema_view(
    list=list_schema(summary="Your organisation's API keys (prefix only)", response=ApiKeySerializer(many=True),
                     tags=TAGS),
    retrieve=detail_schema(summary="One API key", response=ApiKeySerializer, tags=TAGS),
)
class ApiKeyViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    serializer_class = ApiKeySerializer
    pagination_class = cursor("-created_at")

    def get_queryset(self) -> Any:
        return ApiKey.objects.filter(organization=self.org()).select_related("user")

    @action_schema(summary="Create a key for yourself: the full key is shown once", request=inputs.ApiKeyInput,
                   response=ApiKeyCreatedSerializer, status=201, tags=TAGS)
    @idempotent(shows_secret=True)
    def create(self, request: Request) -> Response:
        if self.org() is None:
            from lc.errors import Forbidden

            raise Forbidden("this user belongs to no organisation")
        require_integrator(self.actor())
        key, secret = create_api_key(user=self.actor(), **self.facts(inputs.ApiKeyInput))
        # The secret joins the response once; it is never an attribute of the stored key.
        shown = ApiKeySerializer(key, context=self.get_serializer_context()).data
        return Response({**shown, "key": secret}, status=201)

    @action_schema(summary="Revoke a key (effective immediately)", request=inputs.EmptyInput,
                   response=ApiKeySerializer, tags=TAGS)
    @action(detail=True, methods=["post"])
    @idempotent
    def revoke(self, request: Request, pk: str) -> Response:
        return self.answer(revoke_api_key(key=self.target(), actor=self.actor()), ApiKeySerializer)
