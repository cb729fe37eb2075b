"""Webhook subscriptions of the caller's organisation (the secret is shown once), their
delivery log, and redelivery on request. Signing and delivery: lc.integrations.webhooks, lc.tasks."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from lc.api import inputs
from lc.api.base import ScopedViewSet
from lc.api.filters import DeliveryFilter
from lc.api.idempotency import idempotent
from lc.api.paging import cursor
from lc.api.permissions import ManagesIntegration
from lc.api.schema import ACTION_ERRORS, READ_DETAIL_ERRORS, action_schema, detail_schema, list_schema, problems
from lc.api.serializers import (
    WebhookDeliverySerializer,
    WebhookSubscriptionCreatedSerializer,
    WebhookSubscriptionSerializer,
)
from lc.errors import Forbidden
from lc.integrations import webhooks
from lc.models import WebhookDelivery, WebhookSubscription

TAGS = ["webhooks"]


@extend_schema_view(
    list=list_schema(summary="Your organisation's webhook subscriptions",
                     response=WebhookSubscriptionSerializer(many=True), tags=TAGS),
    retrieve=detail_schema(summary="One subscription", response=WebhookSubscriptionSerializer, tags=TAGS),
)
class WebhookSubscriptionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    permission_classes = [IsAuthenticated, ManagesIntegration]
    serializer_class = WebhookSubscriptionSerializer
    pagination_class = cursor("-created_at")

    def get_queryset(self) -> Any:
        return WebhookSubscription.objects.filter(organization=self.org())

    @action_schema(summary="Subscribe a URL to events: the signing secret is shown once",
                   request=inputs.WebhookSubscriptionInput, response=WebhookSubscriptionCreatedSerializer,
                   status=201, tags=TAGS)
    @idempotent(shows_secret=True)
    def create(self, request: Request) -> Response:
        org = self.org()
        if org is None:
            raise Forbidden("this user belongs to no organisation")
        sub = webhooks.create_subscription(actor=self.actor(), organization=org,
                                           **self.facts(inputs.WebhookSubscriptionInput))
        return self.answer(sub, WebhookSubscriptionCreatedSerializer, 201)

    @extend_schema(summary="Change the URL, events or active flag", request=inputs.WebhookSubscriptionUpdateInput,
                   tags=TAGS, responses={200: WebhookSubscriptionSerializer, **problems(*ACTION_ERRORS)})
    def partial_update(self, request: Request, pk: str) -> Response:
        sub = webhooks.update_subscription(actor=self.actor(), subscription=self.get_object(),
                                           **self.facts(inputs.WebhookSubscriptionUpdateInput))
        return self.answer(sub, WebhookSubscriptionSerializer)

    @extend_schema(summary="Stop the subscription: it is disabled, and its delivery log is kept", tags=TAGS,
                   responses={204: None, **problems(*READ_DETAIL_ERRORS)})
    def destroy(self, request: Request, pk: str) -> Response:
        webhooks.disable_subscription(actor=self.actor(), subscription=self.get_object())
        return Response(status=204)


@extend_schema_view(
    list=list_schema(summary="The delivery log of your subscriptions", response=WebhookDeliverySerializer(many=True),
                     tags=TAGS),
    retrieve=detail_schema(summary="One delivery", response=WebhookDeliverySerializer, tags=TAGS),
)
class WebhookDeliveryViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    permission_classes = [IsAuthenticated, ManagesIntegration]
    serializer_class = WebhookDeliverySerializer
    filterset_class = DeliveryFilter
    pagination_class = cursor("-created_at")

    def get_queryset(self) -> Any:
        return WebhookDelivery.objects.filter(subscription__organization=self.org())

    @action_schema(summary="Send the event again", request=inputs.EmptyInput, response=WebhookDeliverySerializer,
                   status=202, tags=TAGS)
    @action(detail=True, methods=["post"])
    @idempotent
    def redeliver(self, request: Request, pk: str) -> Response:
        return self.answer(webhooks.redeliver(self.target(), actor=self.actor()), WebhookDeliverySerializer, 202)
