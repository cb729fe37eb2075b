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
from lc.models import Organization, WebhookDelivery, WebhookSubscription

TAGS = ["webhooks"]


def create_subscription(*, organization: Organization | None, url: str, events: list[str],
                        active: bool) -> WebhookSubscription:
    if organization is None:
        raise Forbidden("this user belongs to no organisation")
    return WebhookSubscription.objects.create(organization=organization, url=url, events=events, active=active,
                                              secret=webhooks.new_secret())


def update_subscription(*, subscription: WebhookSubscription, **changes: Any) -> WebhookSubscription:
    for name, value in changes.items():
        setattr(subscription, name, value)
    subscription.save(update_fields=list(changes) or None)
    return subscription


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
        sub = create_subscription(organization=self.org(), **self.facts(inputs.WebhookSubscriptionInput))
        return self.answer(sub, WebhookSubscriptionCreatedSerializer, 201)

    @extend_schema(summary="Change the URL, events or active flag", request=inputs.WebhookSubscriptionUpdateInput,
                   tags=TAGS, responses={200: WebhookSubscriptionSerializer, **problems(*ACTION_ERRORS)})
    def partial_update(self, request: Request, pk: str) -> Response:
        sub = update_subscription(subscription=self.get_object(), **self.facts(inputs.WebhookSubscriptionUpdateInput))
        return self.answer(sub, WebhookSubscriptionSerializer)

    @extend_schema(summary="Delete the subscription (its delivery log goes with it)", tags=TAGS,
                   responses={204: None, **problems(*READ_DETAIL_ERRORS)})
    def destroy(self, request: Request, pk: str) -> Response:
        self.get_object().delete()
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
        return self.answer(webhooks.redeliver(self.target()), WebhookDeliverySerializer, 202)
