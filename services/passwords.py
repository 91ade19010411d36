"""Changing your password, which proves who you are: the current password is asked for again, and
every other place you are logged in is signed out (``sessions.end_others``), so that whoever learnt
the old password loses what it opened. The session or token the change was made from continues.

Wrong current passwords are rate limited like logins, by the routes (``core.security.password_limits``).
"""
from werkzeug.security import check_password_hash

from core.limits import PASSWORD_MAX
from models import User
from services import accounts, audit, inputs, sessions
from services.atomic import write_transaction
from services.errors import BadRequest

WRONG_CURRENT_PASSWORD = "is not your current password"


def change_password(user: User, current_password: str, new_password: str, keep_session_id: str | None = None,
                    keep_token_id: str | None = None) -> dict[str, int]:
    """Set a new password after checking the current one; how many sessions and login tokens it ended.

    ``keep_session_id`` (a page) or ``keep_token_id`` (an API call) is where the change was made from,
    and stays signed in.
    """
    inputs.checked(current_password=(str, current_password), password=(inputs.Password, new_password))
    if len(current_password) > PASSWORD_MAX or not check_password_hash(user.password_hash, current_password):
        raise BadRequest.for_field("current_password", WRONG_CURRENT_PASSWORD)
    with write_transaction():
        user.password_hash = accounts.hash_password(new_password)
        ended = sessions.end_others(user, keep_session_id, keep_token_id)
        audit.record(audit.PASSWORD_CHANGED, user, target_type="user", target_id=user.id, details=ended)
    return ended
