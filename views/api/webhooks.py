"""Webhooks: endpoints of the caller or of a pool they manage, a test ping, the delivery attempts, and
sending an event again. The secret is in the create answer only."""
from typing import Annotated, Literal

from flask import request
from pydantic import Field

from core.timeutil import isoformat
from models import WebhookEndpoint, WebhookMessage
from services import webhooks
from services.errors import CONFLICT, FORBIDDEN
from services.inputs import ObjectId, WebhookDescription, WebhookEvents, WebhookUrl
from services.paging import parse_page
from services.webhook_events import ALL, WEBHOOK_EVENT_TYPES
from views.api import api
from views.api.operations import operation
from views.api.response_schemas import Id, Out, Success, Timestamp
from views.api.schemas import Body
from views.api.support import api_user

TAG = "Webhooks"
PERMISSION = "resources.webhooks"
EVENTS_RULE = f"Event types ({', '.join(WEBHOOK_EVENT_TYPES)}), or [\"{ALL}\"] for all"
EXAMPLE = {
    "id": "507f1f77bcf86cd799439500", "url": "https://hooks.example.com/servers", "description": "Deploy bot",
    "events": ["rental.created", "rental.extended"], "pool_id": None, "enabled": True, "disabled_reason": None,
    "created_at": "2025-01-21T22:00:00.000Z", "updated_at": "2025-01-21T22:00:00.000Z",
}
DELIVERY_EXAMPLE = {
    "id": "507f1f77bcf86cd799439510", "event_id": "507f1f77bcf86cd799439520", "event_type": "rental.created",
    "attempt": 1, "status_code": 500, "duration_ms": 42, "error": "HTTP 500", "created_at": "2025-01-21T22:00:00.000Z",
    "next_retry_at": "2025-01-21T22:00:05.000Z",
}
QUEUED_EXAMPLE = {"message_id": "507f1f77bcf86cd799439530", "event_id": "507f1f77bcf86cd799439520",
                  "event_type": "ping"}
EventType = Literal[(*WEBHOOK_EVENT_TYPES, ALL)]


class CreateWebhookBody(Body):
    url: WebhookUrl = Field(description="http or https; public addresses only (unless WEBHOOK_ALLOW_PRIVATE=1)")
    description: WebhookDescription | None = None
    events: WebhookEvents = Field(description=EVENTS_RULE)
    pool_id: ObjectId | None = Field(None, description="A pool you own or are an admin of: the pool's events")


class UpdateWebhookBody(Body):
    url: WebhookUrl | None = None
    description: WebhookDescription | None = None
    events: WebhookEvents | None = Field(None, description=EVENTS_RULE)
    enabled: bool | None = None

    def changes(self) -> dict:
        return {name: getattr(self, name) for name in self.model_fields_set}


class WebhookOut(Out):
    id: Id
    url: str
    description: str
    events: list[EventType]
    pool_id: Id | None
    enabled: bool
    disabled_reason: str | None
    created_at: Timestamp
    updated_at: Timestamp


class CreatedWebhookOut(WebhookOut):
    secret: Annotated[str, Field(pattern="^whsec_", description="Shown in this answer only")]


class DeliveryOut(Out):
    id: Id
    event_id: str | None
    event_type: str
    attempt: int
    status_code: int | None
    duration_ms: int | None
    error: str | None
    created_at: Timestamp
    next_retry_at: Timestamp | None


class QueuedOut(Out):
    message_id: Id
    event_id: str | None
    event_type: str


def endpoint_out(endpoint: WebhookEndpoint) -> dict:
    return {"id": endpoint.id, "url": endpoint.url, "description": endpoint.description, "events": endpoint.events,
            "pool_id": endpoint.pool_id, "enabled": endpoint.enabled, "disabled_reason": endpoint.disabled_reason,
            "created_at": isoformat(endpoint.created_at), "updated_at": isoformat(endpoint.updated_at)}


def delivery_out(delivery: webhooks.Delivery) -> dict:
    attempt = delivery.attempt
    return {"id": attempt.id, "event_id": delivery.event_id, "event_type": delivery.event_type,
            "attempt": attempt.attempt, "status_code": attempt.status_code, "duration_ms": attempt.duration_ms,
            "error": attempt.error, "created_at": isoformat(attempt.created_at),
            "next_retry_at": isoformat(attempt.next_retry_at)}


def queued_out(message: WebhookMessage) -> dict:
    return {"message_id": message.id, "event_id": message.event_id, "event_type": message.event_type}


ENDPOINT_LINKS = {endpoint: {"webhook_id": "$response.body#/data/id"}
                  for endpoint in ("api.get_webhook", "api.update_webhook", "api.delete_webhook",
                                   "api.test_webhook", "api.webhook_deliveries")}


@api.get("/webhooks")
@operation(
    permission=PERMISSION,
    tag=TAG, summary="Your webhook endpoints", message="Webhooks retrieved successfully", data=list[WebhookOut],
    example=[EXAMPLE], description="Yours and those of the pools you own or are an admin of, oldest first; never "
                                   "their secret.",
)
def list_webhooks():
    return [endpoint_out(endpoint) for endpoint in webhooks.list_endpoints(api_user())]


@api.post("/webhooks")
@operation(
    permission=PERMISSION,
    tag=TAG, summary="Add a webhook endpoint", message="Webhook created successfully", status=201,
    body=CreateWebhookBody, data=CreatedWebhookOut, errors=(FORBIDDEN, CONFLICT), links=ENDPOINT_LINKS,
    body_example={"url": "https://hooks.example.com/servers", "description": "Deploy bot",
                  "events": ["rental.created", "rental.extended"]},
    example={**EXAMPLE, "secret": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"},
    description="The `secret` (`whsec_` and base64) is in this answer only: it keys the signature of every "
                "delivery (docs/WEBHOOKS.md). With `pool_id`, the pool's events; only its owner and admins "
                "(403 for anyone else). A URL that is not http(s), carries credentials, or resolves to a "
                "loopback, private, link-local or other non-public address is a 400 saying why; a 21st endpoint "
                "of a user or a pool is a 409.",
)
def create_webhook(body: CreateWebhookBody):
    endpoint, secret = webhooks.create_endpoint(api_user(), body.url, body.description, body.events, body.pool_id)
    return {**endpoint_out(endpoint), "secret": secret}


@api.get("/webhooks/<webhook_id>")
@operation(
    permission=PERMISSION,
    tag=TAG, summary="One webhook endpoint", message="Webhook retrieved successfully", data=WebhookOut,
    example=EXAMPLE, errors=(FORBIDDEN,), description="404 for anyone else's; 403 for a pool's member who is not "
                                                      "its owner or an admin.",
)
def get_webhook(webhook_id):
    return endpoint_out(webhooks.get_endpoint(api_user(), webhook_id))


@api.route("/webhooks/<webhook_id>", methods=["PATCH", "PUT"])
@operation(
    permission=PERMISSION,
    tag=TAG, summary="Change a webhook endpoint", message="Webhook updated successfully", body=UpdateWebhookBody,
    data=WebhookOut, example=EXAMPLE, errors=(FORBIDDEN,), body_example={"enabled": True},
    description="PATCH and PUT do the same: only the fields sent change. `enabled: true` turns an endpoint on "
                "again (after it was turned off for failing, say) and sends what waited.",
)
def update_webhook(webhook_id, body: UpdateWebhookBody):
    return endpoint_out(webhooks.update_endpoint(api_user(), webhook_id, body.changes()))


@api.delete("/webhooks/<webhook_id>")
@operation(
    permission=PERMISSION,
    tag=TAG, summary="Remove a webhook endpoint", message="Webhook deleted successfully", data=Success,
    example={"success": True}, errors=(FORBIDDEN,), description="Its deliveries go with it.",
)
def delete_webhook(webhook_id):
    webhooks.delete_endpoint(api_user(), webhook_id)
    return {"success": True}


@api.post("/webhooks/<webhook_id>/test")
@operation(
    permission=PERMISSION,
    tag=TAG, summary="Send a test ping", message="Ping queued", status=202, data=QueuedOut,
    example=QUEUED_EXAMPLE, errors=(FORBIDDEN,),
    description="A `ping` event, sent at once (not held behind a message waiting for its retry, and even to a "
                "turned-off endpoint) and tried once; "
                "its attempt shows in the deliveries.",
)
def test_webhook(webhook_id):
    return queued_out(webhooks.send_test(api_user(), webhook_id))


@api.get("/webhooks/<webhook_id>/deliveries")
@operation(
    permission=PERMISSION,
    tag=TAG, summary="Delivery attempts", message="Deliveries retrieved successfully", data=list[DeliveryOut],
    paged=True, example=[DELIVERY_EXAMPLE], errors=(FORBIDDEN,),
    description="Every attempt, newest first. `status_code` and `duration_ms` are null for an attempt that got "
                "no answer (see `error`) or is under way; `next_retry_at` says when a failed message is tried again.",
)
def webhook_deliveries(webhook_id):
    found, total = webhooks.deliveries(api_user(), webhook_id, parse_page(request.args))
    return [delivery_out(delivery) for delivery in found], total


@api.post("/webhooks/<webhook_id>/deliveries/<delivery_id>/redeliver")
@operation(
    permission=PERMISSION,
    tag=TAG, summary="Send an event again", message="Delivery queued", status=202, data=QueuedOut,
    example={**QUEUED_EXAMPLE, "event_type": "rental.created"}, errors=(FORBIDDEN,),
    description="The message of that attempt, the same body, as a new message (a new `webhook-id`) after the "
                "endpoint's waiting messages.",
)
def redeliver_webhook(webhook_id, delivery_id):
    return queued_out(webhooks.redeliver(api_user(), webhook_id, delivery_id))
