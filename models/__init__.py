"""The data model of the whole product, one module per aggregate."""
from models.audit import AuditEvent
from models.login_session import LoginSession
from models.pool import Membership, Pool
from models.rental import IdempotencyRecord, Rental, Transaction
from models.server import Server, ServerDiskType, ServerPrice
from models.token import ApiToken
from models.user import User

__all__ = [
    "AuditEvent",
    "ApiToken",
    "IdempotencyRecord",
    "LoginSession",
    "Membership",
    "Pool",
    "Rental",
    "Server",
    "ServerDiskType",
    "ServerPrice",
    "Transaction",
    "User",
]
