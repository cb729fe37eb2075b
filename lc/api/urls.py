"""/api/v1/: one read viewset per resource, business actions as POST sub-resources."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, re_path
from rest_framework.routers import SimpleRouter

from lc.api.amendments import AmendmentViewSet
from lc.api.base import not_found
from lc.api.credits import CreditViewSet
from lc.api.examination import DiscrepancyViewSet, DocumentViewSet, RefusalViewSet, WaiverViewSet
from lc.api.facilities import FacilityViewSet
from lc.api.keys import ApiKeyViewSet
from lc.api.messages import MessageViewSet
from lc.api.organizations import OrganizationViewSet
from lc.api.presentations import PresentationViewSet
from lc.api.webhooks import WebhookDeliveryViewSet, WebhookSubscriptionViewSet

router = SimpleRouter()
router.register("credits", CreditViewSet, basename="credit")
router.register("amendments", AmendmentViewSet, basename="amendment")
router.register("presentations", PresentationViewSet, basename="presentation")
router.register("documents", DocumentViewSet, basename="document")
router.register("discrepancies", DiscrepancyViewSet, basename="discrepancy")
router.register("refusals", RefusalViewSet, basename="refusal")
router.register("waivers", WaiverViewSet, basename="waiver")
router.register("organizations", OrganizationViewSet, basename="organization")
router.register("webhooks", WebhookSubscriptionViewSet, basename="webhook")
router.register("webhook-deliveries", WebhookDeliveryViewSet, basename="webhook-delivery")
router.register("api-keys", ApiKeyViewSet, basename="api-key")
router.register("messages", MessageViewSet, basename="message")
router.register("facilities", FacilityViewSet, basename="facility")

app_name = "api"
urlpatterns: list[URLPattern | URLResolver] = [
    *router.urls,
    re_path(r"^(?P<path>.*)$", not_found, name="not-found"),
]
