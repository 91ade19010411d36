"""Webhooks: endpoints that receive the events of a user or a pool, the messages written for them, and
every attempt to deliver one.

A message is written in the dispatcher's transaction, one per (event, endpoint), with the body it will
carry, so that every retry sends the same bytes under the same ``webhook-id`` (the message's id). A
worker leases the whole endpoint (``lease_until``) while it delivers, oldest message first, so the
messages of an endpoint arrive in order and two workers never send to one endpoint at once; a worker
killed mid-send leaves its lease to run out, and the message, still pending, is sent again.
"""
from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from core.extensions import db
from core.limits import WEBHOOK_DESCRIPTION_MAX, WEBHOOK_URL_MAX
from core.timeutil import utcnow
from models.event import EVENT_TYPE_MAX
from models.types import UTCDateTime, id_column

MESSAGE_PENDING = "pending"
MESSAGE_DELIVERED = "delivered"
MESSAGE_FAILED = "failed"  # its retries ran out


class WebhookEndpoint(db.Model):
    __tablename__ = "webhook_endpoints"

    id: Mapped[str] = id_column()
    # Who made it; its owner when it has no pool.
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    pool_id: Mapped[str | None] = mapped_column(ForeignKey("pools.id", ondelete="CASCADE"), index=True)
    url: Mapped[str] = mapped_column(String(WEBHOOK_URL_MAX))
    description: Mapped[str] = mapped_column(String(WEBHOOK_DESCRIPTION_MAX), default="")
    events: Mapped[list] = mapped_column(JSON, default=list)  # event types, or ["*"]
    secret_encrypted: Mapped[str] = mapped_column(Text)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    disabled_reason: Mapped[str | None] = mapped_column(String(300))
    # The delivering worker's lease on the endpoint: nobody else sends to it until then.
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class WebhookMessage(db.Model):
    __tablename__ = "webhook_messages"
    __table_args__ = (
        # The delivery queue of an endpoint: its pending messages, oldest first.
        Index("ix_webhook_messages_endpoint_queue", "endpoint_id", "status", "created_at", "id"),
        # The periodic check's: pending messages by when they are due, however many were delivered.
        Index("ix_webhook_messages_due", "next_attempt_at", sqlite_where=text("status = 'pending'"),
              postgresql_where=text("status = 'pending'")),
    )

    id: Mapped[str] = id_column()  # the webhook-id header, the same on every attempt
    # What makes it once: "<event id>:<endpoint id>" for an event, a new id for a ping or a redelivery.
    key: Mapped[str] = mapped_column(String(80), unique=True)
    endpoint_id: Mapped[str] = mapped_column(ForeignKey("webhook_endpoints.id", ondelete="CASCADE"))
    event_id: Mapped[str | None] = mapped_column(String(24))
    event_type: Mapped[str] = mapped_column(String(EVENT_TYPE_MAX))
    body: Mapped[str] = mapped_column(Text)  # the JSON sent, written once
    status: Mapped[str] = mapped_column(String(16), default=MESSAGE_PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class WebhookAttempt(db.Model):
    """One try at sending a message: written before the request goes out (``status_code`` and
    ``duration_ms`` empty) and completed when it comes back, so an attempt cut short is seen."""

    __tablename__ = "webhook_attempts"
    __table_args__ = (
        Index("ix_webhook_attempts_endpoint_created", "endpoint_id", "created_at", "id"),
    )

    id: Mapped[str] = id_column()
    message_id: Mapped[str] = mapped_column(ForeignKey("webhook_messages.id", ondelete="CASCADE"), index=True)
    endpoint_id: Mapped[str] = mapped_column(ForeignKey("webhook_endpoints.id", ondelete="CASCADE"))
    attempt: Mapped[int] = mapped_column(Integer)
    status_code: Mapped[int | None] = mapped_column(Integer)
    duration_ms: Mapped[int | None] = mapped_column(Integer)
    error: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    next_retry_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
