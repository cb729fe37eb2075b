"""What machine clients need: API keys, idempotency records and webhooks."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models

from lc.models.parties import Organization


class ApiKey(models.Model):
    """An organisation-scoped API key. Only a SHA-256 of the secret is stored; the
    full key is shown once at creation. `prefix` identifies the key in logs and lists."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(Organization, models.CASCADE, related_name="api_keys")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="api_keys")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=16, unique=True)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.name})"


class IdempotencyRecord(models.Model):
    """The first response to a POST with an Idempotency-Key, replayed on retries."""

    id = models.BigAutoField(primary_key=True)
    organization = models.ForeignKey(Organization, models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=500)
    request_hash = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField(null=True)
    response_body = models.BinaryField(null=True)
    response_headers: Any = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "key"], name="lc_idempotency_key_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.key} {self.method} {self.path}"


class WebhookSubscription(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(Organization, models.CASCADE, related_name="webhooks")
    url = models.URLField(max_length=500)
    events: Any = models.JSONField(default=list)  # empty = every event
    secret = models.CharField(max_length=100)  # "whsec_" + base64, Standard Webhooks
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.url


class WebhookDelivery(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # PROTECT: a subscription is disabled, never deleted (issue 14); were one deleted in code, its
    # delivery log (what was sent where, when) would otherwise go with it.
    subscription = models.ForeignKey(WebhookSubscription, models.PROTECT, related_name="deliveries")
    event_id = models.CharField(max_length=64)
    event_type = models.CharField(max_length=100)
    payload: Any = models.JSONField()
    status = models.CharField(max_length=10, default="pending")  # pending / delivered / failed
    attempts = models.PositiveIntegerField(default=0)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "webhook deliveries"

    def __str__(self) -> str:
        return f"{self.event_type} -> {self.subscription_id} ({self.status})"
