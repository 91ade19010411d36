"""The data model of the whole product, one module per aggregate."""
from models.audit import AuditEvent
from models.auto_renewal import AutoRenewal
from models.email import EmailDelivery
from models.event import Event
from models.invoice import Invoice, InvoiceCounter
from models.job import FailedJob, PeriodicCheck, RunningJob, WorkerHeartbeat
from models.login_session import LoginSession
from models.notification import AnnouncementRead, Notification
from models.password_reset import PasswordReset
from models.payment import CardPayment, CreditRequest
from models.pool import Membership, Pool, TransferOffer
from models.rental import IdempotencyRecord, Rental, Transaction
from models.spend_request import SpendRequest
from models.server import Server, ServerDiskType, ServerPrice
from models.token import ApiToken
from models.two_factor import TwoFactorBackupCode, TwoFactorChallenge, TwoFactorCredential
from models.user import LoginAddress, User
from models.webhook import WebhookAttempt, WebhookEndpoint, WebhookMessage

__all__ = [
    "AnnouncementRead",
    "AuditEvent",
    "CardPayment",
    "CreditRequest",
    "AutoRenewal",
    "ApiToken",
    "EmailDelivery",
    "Event",
    "FailedJob",
    "IdempotencyRecord",
    "Invoice",
    "InvoiceCounter",
    "LoginAddress",
    "LoginSession",
    "Membership",
    "Notification",
    "PasswordReset",
    "PeriodicCheck",
    "Pool",
    "Rental",
    "RunningJob",
    "Server",
    "ServerDiskType",
    "ServerPrice",
    "SpendRequest",
    "Transaction",
    "TransferOffer",
    "TwoFactorBackupCode",
    "TwoFactorChallenge",
    "TwoFactorCredential",
    "User",
    "WebhookAttempt",
    "WebhookEndpoint",
    "WebhookMessage",
    "WorkerHeartbeat",
]
