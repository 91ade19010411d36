"""The data model of the whole product, one module per aggregate."""
from models.audit import AuditEvent
from models.auto_renewal import AutoRenewal
from models.email import EmailDelivery
from models.event import Event
from models.job import FailedJob, PeriodicCheck, RunningJob, WorkerHeartbeat
from models.login_session import LoginSession
from models.notification import AnnouncementRead, Notification
from models.password_reset import PasswordReset
from models.pool import Membership, Pool, TransferOffer
from models.rental import IdempotencyRecord, Rental, Transaction
from models.server import Server, ServerDiskType, ServerPrice
from models.token import ApiToken
from models.two_factor import TwoFactorBackupCode, TwoFactorChallenge, TwoFactorCredential
from models.user import LoginAddress, User

__all__ = [
    "AnnouncementRead",
    "AuditEvent",
    "AutoRenewal",
    "ApiToken",
    "EmailDelivery",
    "Event",
    "FailedJob",
    "IdempotencyRecord",
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
    "Transaction",
    "TransferOffer",
    "TwoFactorBackupCode",
    "TwoFactorChallenge",
    "TwoFactorCredential",
    "User",
    "WorkerHeartbeat",
]
