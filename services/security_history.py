"""Your account's security history: your logins (and the failed attempts on your account), logouts,
sessions ended, tokens made and revoked, password and two-factor changes, each with its address and
time, newest first. It is read from the audit trail, where each action records itself in its own
transaction, so the history cannot miss what happened or show what did not.

The API's published filters pick groups: logins alone by default, ``include_failed`` adds the
refused attempts, ``include_security`` everything else. The account page shows every group.
"""
from dataclasses import dataclass
from typing import ClassVar

from sqlalchemy import and_, or_, select

from models import AuditEvent, User
from services import audit
from services.paging import Page, paginate, parse_flag

LOGINS = (audit.LOGIN_SUCCEEDED,)
FAILED = (audit.LOGIN_FAILED, audit.LOGIN_REFUSED)
# Two-factor changes record actions starting with TWO_FACTOR_PREFIX, which count here without a list.
TWO_FACTOR_PREFIX = "two_factor."
SECURITY = (audit.LOGOUT, audit.SESSION_REVOKED, audit.SESSIONS_REVOKED, audit.TOKEN_CREATED,
            audit.TOKEN_REVOKED, audit.PASSWORD_CHANGED)


@dataclass(frozen=True)
class HistoryFilters:
    """Which groups of events a history lists besides the logins."""

    PARAMETERS: ClassVar[dict] = {
        "include_failed": ("Also the refused login attempts on your account", None),
        "include_security": ("Also logouts, sessions ended, tokens made and revoked, password and two-factor "
                             "changes", None),
    }
    include_failed: bool = False
    include_security: bool = False


EVERYTHING = HistoryFilters(include_failed=True, include_security=True)


def parse_filters(args) -> HistoryFilters:
    return HistoryFilters(include_failed=parse_flag(args, "include_failed"),
                          include_security=parse_flag(args, "include_security"))


def history(user: User, page: Page, filters: HistoryFilters = EVERYTHING) -> tuple[list[AuditEvent], int]:
    """One page of the user's security events, newest first, and how many there are in all."""
    actions = [*LOGINS, *(FAILED if filters.include_failed else ()), *(SECURITY if filters.include_security else ())]
    kinds = AuditEvent.action.in_(actions)
    if filters.include_security:
        kinds = or_(kinds, AuditEvent.action.startswith(TWO_FACTOR_PREFIX))
    # Their own doings, and the failed attempts on their account (which name no actor: it was not them).
    theirs = or_(AuditEvent.actor_id == user.id,
                 and_(AuditEvent.target_type == "user", AuditEvent.target_id == user.id,
                      AuditEvent.action.in_(FAILED)))
    statement = select(AuditEvent).where(theirs, kinds).order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc())
    rows, total = paginate(statement, page)
    return [event for (event,) in rows], total


_OUTCOMES = {audit.LOGIN_FAILED: "failed", audit.LOGIN_REFUSED: "failed"}
_DESCRIPTIONS = {
    audit.LOGIN_SUCCEEDED: "Logged in",
    audit.LOGIN_FAILED: "Login refused: wrong password",
    audit.LOGIN_REFUSED: "Login refused: account disabled",
    audit.LOGOUT: "Logged out",
    audit.SESSION_REVOKED: "Signed out a session",
    audit.SESSIONS_REVOKED: "Signed out every other session",
    audit.TOKEN_CREATED: "Token created",
    audit.TOKEN_REVOKED: "Token revoked",
    audit.PASSWORD_CHANGED: "Password changed",
}


def outcome(event: AuditEvent) -> str:
    return _OUTCOMES.get(event.action, "success")


def describe(event: AuditEvent) -> str:
    """What happened, in a few words for a person."""
    text = _DESCRIPTIONS.get(event.action) or event.action.replace(TWO_FACTOR_PREFIX, "Two-factor login ")\
        .replace("_", " ").replace(".", " ").capitalize()
    name = (event.details or {}).get("name")
    if event.action in (audit.TOKEN_CREATED, audit.TOKEN_REVOKED) and name:
        count = (event.details or {}).get("count")
        text += f": “{name}”" + (f" ×{count}" if count and count > 1 else "")
    return text
