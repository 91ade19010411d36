"""The events a webhook endpoint can subscribe to (``events``: some of these, or ``["*"]``).

Any event of the outbox whose type is listed here is delivered to the endpoints that subscribe to it,
whoever emits it; ``ping`` is sent only by the test button.
"""
PING = "ping"
ALL = "*"

WEBHOOK_EVENT_TYPES = (
    "rental.created",
    "rental.extended",
    "rental.expired",
    "rental.ended",
    "rental.auto_renew_failed",
    "rental.provisioning_changed",
    "pool.member_joined",
    "pool.member_removed",
    "wallet.credited",
    "wallet.low_balance",
    PING,
)

# What the owner of an endpoint is told when it is disabled after failing for good.
WEBHOOK_DISABLED = "webhook.disabled"
