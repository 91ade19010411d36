"""What administrators do through the API: disable and enable accounts."""
from services import admin
from views.api import api
from views.api import serializers as out
from views.api.support import api_user, ok, path_id


@api.post("/admin/users/<user_id>/disable")
def disable_user(user_id: str):
    """Refuse the account's logins, tokens and browser sessions (403) until it is enabled."""
    user = admin.disable_user(api_user(), path_id(user_id, what="user id"))
    return ok(out.account(user), "User disabled")


@api.post("/admin/users/<user_id>/enable")
def enable_user(user_id: str):
    user = admin.enable_user(api_user(), path_id(user_id, what="user id"))
    return ok(out.account(user), "User enabled")
