"""What an organisation's own systems integrate with: API keys (and their per-process cache),
webhook subscriptions and deliveries, and the Idempotency-Key records. HTTP concerns
(authentication, pagination, permissions, problem responses) live in lc.api, which uses this
package; this package never imports lc.api or lc.portal."""
