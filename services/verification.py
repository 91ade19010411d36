"""Signed, expiring links that prove a person can read the mail sent to an address.

A token names the user and the address it was sent to; it is good for ``EMAIL_VERIFY_HOURS`` and
only while that address is still the user's, so a link to an address the user has since replaced
verifies nothing. It is signed with the app's ``SECRET_KEY`` (itsdangerous) and keeps no state.
The signer reads the app's clock, so the tests that move time see links expire.
"""
from flask import current_app
from itsdangerous import BadData, TimestampSigner, URLSafeTimedSerializer

from core.limits import EMAIL_VERIFY_HOURS
from core.timeutil import utcnow

_SALT = "verify-email"


class _AppClockSigner(TimestampSigner):
    def get_timestamp(self) -> int:
        return int(utcnow().timestamp())


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=_SALT, signer=_AppClockSigner)


def token_for(user_id: str, address: str) -> str:
    return _serializer().dumps({"user": user_id, "email": address.lower()})


def read_token(token: str) -> tuple[str, str] | None:
    """``(user id, address)`` of a good token not older than ``EMAIL_VERIFY_HOURS``; None otherwise."""
    if not isinstance(token, str) or not token or len(token) > 1000:
        return None
    try:
        payload = _serializer().loads(token, max_age=EMAIL_VERIFY_HOURS * 3600)
    except BadData:
        return None
    if not isinstance(payload, dict) or not isinstance(payload.get("user"), str) \
            or not isinstance(payload.get("email"), str):
        return None
    return payload["user"], payload["email"]
