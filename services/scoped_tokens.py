"""Managing API tokens with permissions: creating one from a template or a tree, changing it, deleting it.

A token never holds more than its user may do (``services.permissions``), and a token that manages
tokens never makes or changes one broader than itself: ``caller`` is the permissions of the token
making the call (None: all its user may, as a browser session or a full-access token).
"""
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from core.extensions import db
from core.timeutil import isoformat, utcnow
from models import ApiToken, User
from models.token import NAMED
from services import audit, inputs, permissions, tokens
from services.errors import BadRequest, NotFound
from services.permissions import LEAVES, PermissionDenied, granted, within_rights

TEMPLATE_NAMES = tuple(permissions.TEMPLATES)
CHANGEABLE = ("alias", "ip_whitelist", "expires_at", "is_enabled", "permissions", "permission_template")


def holds(token_permissions: dict | None, is_admin: bool) -> set[str]:
    """The leaves a token holds, within its user's rights (None: all its user may)."""
    everything = within_rights(LEAVES, is_admin)
    return everything if token_permissions is None else granted(token_permissions) & everything


def resolved(token: ApiToken, is_admin: bool) -> dict:
    """The token's full tree as the API shows it, every leaf present."""
    return permissions.tree(holds(token.permissions, is_admin))


def templates_for(user: User) -> list[dict]:
    return [{"name": name, "description": description, "permissions": permissions.of_template(name, user.is_admin)}
            for name, (description, _) in permissions.TEMPLATES.items()]


def _leaves(template: str | None, tree: dict | None, is_admin: bool) -> set[str]:
    """A template's leaves (as they are for the user) with the tree's explicit leaves over them; a tree
    alone is what it sets true; neither is full access."""
    if template is None and tree is None:
        template = permissions.DEFAULT_TEMPLATE
    chosen = within_rights(permissions.TEMPLATES[template][1], is_admin) if template else set()
    for path in LEAVES:
        if _path_given(tree, path):
            (chosen.add if permissions.allows(tree, path) else chosen.discard)(path)
    return chosen


def _path_given(tree: dict | None, path: str) -> bool:
    node: Any = tree
    for part in path.split("."):
        if not isinstance(node, dict) or part not in node:
            return False
        node = node[part]
    return True


def _stored(user: User, caller: dict | None, leaves: set[str]) -> dict | None:
    """What to store for ``leaves``, refusing any beyond the user's rights or the calling token's."""
    beyond_user = sorted(leaves - within_rights(LEAVES, user.is_admin))
    if beyond_user:
        raise PermissionDenied(beyond_user[0], f"Only administrators may hold {beyond_user[0]}")
    beyond_caller = sorted(leaves - holds(caller, user.is_admin))
    if beyond_caller:
        raise PermissionDenied(beyond_caller[0], "A token cannot make a token broader than itself: it does not "
                                                 f"have {beyond_caller[0]}")
    return None if leaves == within_rights(LEAVES, user.is_admin) else permissions.tree(leaves)


@dataclass(frozen=True)
class NewToken:
    alias: Any = None
    permission_template: Any = None
    permissions: Any = None
    ip_whitelist: Any = None
    expires_at: Any = None
    otp_code: Any = None
    lifetime_days: int | None = None  # the tokens page's choice, instead of expires_at


def create(user: User, caller: dict | None, request: NewToken) -> tuple[ApiToken, str]:
    """A new named token and its plain text, shown only now."""
    alias, template, tree, whitelist, expires_at = inputs.checked(
        alias=(inputs.TokenName, request.alias),
        permission_template=(inputs.Maybe(inputs.PermissionTemplate), request.permission_template),
        permissions=(inputs.Maybe(inputs.PermissionTree), request.permissions),
        ip_whitelist=(inputs.Maybe(inputs.IpWhitelist), request.ip_whitelist),
        expires_at=(inputs.Maybe(inputs.TokenExpiry), request.expires_at),
    )
    if request.otp_code is not None and not isinstance(request.otp_code, str):
        raise BadRequest.for_field("otp_code", "must be a string")
    stored = _stored(user, caller, _leaves(template, tree, user.is_admin))
    tokens.require_second_factor(user, request.otp_code)
    return tokens.issue_named(user, alias, expires_at, stored, whitelist, request.lifetime_days)


def mine(user: User) -> list[ApiToken]:
    """The user's named tokens that are not deleted, newest first."""
    return list(db.session.scalars(
        select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.kind == NAMED, ApiToken.revoked_at.is_(None))
        .order_by(ApiToken.created_at.desc(), ApiToken.id)))


def get(user: User, token_id: str) -> ApiToken:
    """One of the user's tokens that is not deleted; 404 for anyone else's."""
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != user.id or token.revoked_at is not None:
        raise NotFound("Token not found")
    return token


def _within_caller(user: User, caller: dict | None, token: ApiToken) -> None:
    beyond = sorted(holds(token.permissions, user.is_admin) - holds(caller, user.is_admin))
    if beyond:
        raise PermissionDenied(beyond[0], f"This token cannot change a token broader than itself: it does not "
                                          f"have {beyond[0]}")


def change(user: User, caller: dict | None, token_id: str, changes: dict) -> ApiToken:
    """Change what ``changes`` names of one token; an absent field stays, ``expires_at: null`` removes
    the expiry."""
    token = get(user, token_id)
    _within_caller(user, caller, token)
    given = {name: changes[name] for name in CHANGEABLE if name in changes}
    alias, template, tree, whitelist, expires_at, is_enabled = inputs.checked(
        alias=(inputs.Maybe(inputs.TokenName), given.get("alias")),
        permission_template=(inputs.Maybe(inputs.PermissionTemplate), given.get("permission_template")),
        permissions=(inputs.Maybe(inputs.PermissionTree), given.get("permissions")),
        ip_whitelist=(inputs.Maybe(inputs.IpWhitelist), given.get("ip_whitelist")),
        expires_at=(inputs.Maybe(inputs.TokenExpiry), given.get("expires_at")),
        is_enabled=(inputs.Maybe(bool), given.get("is_enabled")),
    )
    if "alias" in given and alias is None:
        raise BadRequest.for_field("alias", "must not be null")
    if "is_enabled" in given and is_enabled is None:
        raise BadRequest.for_field("is_enabled", "must be true or false")
    if template is not None or tree is not None:
        token.permissions = _stored(user, caller, _leaves(template, tree, user.is_admin))
    if alias is not None:
        token.name = alias
    if "ip_whitelist" in given:
        token.ip_whitelist = whitelist
    if "expires_at" in given:
        token.expires_at = expires_at
    if is_enabled is not None:
        token.is_enabled = is_enabled
    token.updated_at = utcnow()
    audit.record(audit.TOKEN_UPDATED, user, target_type="token", target_id=token.id,
                 details={"name": token.name, "changed": sorted(given),
                          "expires_at": isoformat(token.expires_at), "is_enabled": token.is_enabled})
    db.session.commit()
    return token


def delete(user: User, caller: dict | None, token_id: str) -> ApiToken:
    """The token stops working at once and leaves the API's list (the tokens page shows it revoked)."""
    token = get(user, token_id)
    _within_caller(user, caller, token)
    return tokens.revoke_token(user, token.id)


def summary(token: ApiToken, is_admin: bool) -> str:
    """What a token may do in a few words: the template it matches, or how many permissions it has."""
    held = holds(token.permissions, is_admin)
    for name, (_, leaves) in permissions.TEMPLATES.items():
        if held == within_rights(leaves, is_admin):
            return name.replace("_", " ").capitalize()
    return f"Custom: {len(held)} of {len(within_rights(LEAVES, is_admin))} permissions"
