"""What an API token may do: a tree of permissions, the templates a token is made from, and the check.

A token's permissions are a tree of booleans (``{"financial": {"wallet": {"read": true}}}``); a leaf that
is missing is false. Each API endpoint declares the one leaf it needs (``@operation(permission=...)``)
and the API refuses a token without it. The tree only narrows what the token's user may do: the
``admin`` branch counts only for administrators, and pool roles still apply to every pool action.
Login tokens and the tokens made before permissions existed are ``full_access``.
"""
from collections.abc import Iterable, Mapping

from services.errors import Forbidden

# Every leaf, by its dotted path, with what it allows (docs/API.md "Token permissions" shows the same).
LEAVES: dict[str, str] = {
    "financial.server_rental.view_marketplace": "see the servers on offer and your rentals",
    "financial.server_rental.rent_servers": "rent a server",
    "financial.server_rental.extend_rentals": "extend a rental",
    "financial.wallet.read": "read the balance and the transactions",
    "financial.wallet.transfer": "move money into or out of the wallet: card top-ups, credit requests, transfers",
    "financial.billing.read": "read invoices and billing details",
    "financial.billing.download_invoices": "download invoices",
    "projects.create": "create a pool",
    "projects.read": "read pools, their members, their audit log and your invitations",
    "projects.update": "rename a pool or change its settings",
    "projects.delete": "delete a pool",
    "projects.members.invite": "invite members, and accept or decline invitations",
    "projects.members.remove": "remove members",
    "projects.members.change_roles": "change members' roles, and offer, accept or decline a pool's ownership",
    "resources.create_tokens": "create, change and delete API tokens (never broader than the token itself)",
    "resources.read_account": "read the account, its API tokens and notifications",
    "resources.webhooks": "manage webhooks",
    "admin.users": "administer accounts and announcements (administrators only)",
    "admin.servers": "administer servers (administrators only)",
    "admin.billing": "administer billing (administrators only)",
}
ADMIN_BRANCH = "admin"

# The declaration of an endpoint that changes the account itself: only a token holding every
# permission its user has may call it.
FULL_ACCESS = "*"

_READ = ("financial.server_rental.view_marketplace", "financial.wallet.read", "financial.billing.read",
         "projects.read", "resources.read_account")

# Each template, what it is for, and its leaves (``full_access``: all of them its user may have).
TEMPLATES: dict[str, tuple[str, tuple[str, ...]]] = {
    "full_access": ("Everything the account may do.", tuple(LEAVES)),
    "read_only": ("Reads everything; changes nothing but marking its own notifications read.", _READ),
    "finance_team": ("Money: wallet, billing and invoices, renting and extending; reads pools.",
                     ("financial.server_rental.view_marketplace", "financial.server_rental.rent_servers",
                      "financial.server_rental.extend_rentals", "financial.wallet.read", "financial.wallet.transfer",
                      "financial.billing.read", "financial.billing.download_invoices", "projects.read",
                      "resources.read_account")),
    "dev_team": ("Pools and their members, webhooks, reading rentals; no money moves.",
                 ("financial.server_rental.view_marketplace", "projects.create", "projects.read", "projects.update",
                  "projects.members.invite", "projects.members.remove", "projects.members.change_roles",
                  "resources.read_account", "resources.webhooks")),
    "external_customer": ("For someone outside: browses the marketplace and reads the pools it is in.",
                          ("financial.server_rental.view_marketplace", "projects.read")),
}
DEFAULT_TEMPLATE = "full_access"


def tree(leaves: Iterable[str]) -> dict:
    """The full tree, every leaf present, true for the given ones."""
    granted = set(leaves)
    result: dict = {}
    for path in LEAVES:
        *branches, leaf = path.split(".")
        node = result
        for branch in branches:
            node = node.setdefault(branch, {})
        node[leaf] = path in granted
    return result


def granted(permissions: Mapping | None) -> set[str]:
    """The dotted paths of the leaves a tree sets true (unknown keys are ignored)."""
    return {path for path in LEAVES if allows(permissions, path)}


def allows(permissions: Mapping | None, path: str) -> bool:
    """Whether the tree sets the leaf at ``path`` true; a missing leaf is false."""
    node = permissions
    for part in path.split("."):
        if not isinstance(node, Mapping):
            return False
        node = node.get(part)
    return node is True


def within_rights(leaves: Iterable[str], is_admin: bool) -> set[str]:
    """The leaves a user may hold: the admin branch only for administrators."""
    return {path for path in leaves if is_admin or not path.startswith(ADMIN_BRANCH + ".")}


def of_template(name: str, is_admin: bool) -> dict:
    return tree(within_rights(TEMPLATES[name][1], is_admin))


def full_access(is_admin: bool) -> dict:
    return of_template(DEFAULT_TEMPLATE, is_admin)


def permits(permissions: Mapping | None, is_admin: bool, needed: str | None) -> bool:
    """Whether a token with ``permissions`` of a user (an administrator or not) may call an endpoint that
    declares ``needed``: ``None`` any token, ``FULL_ACCESS`` one holding all its user may have."""
    if needed is None:
        return True
    if permissions is None:  # full access: all its user may do, which the action itself decides
        return True
    if needed == FULL_ACCESS:
        return granted(permissions) >= within_rights(LEAVES, is_admin)
    return allows(permissions, needed) and (is_admin or not needed.startswith(ADMIN_BRANCH + "."))


def unknown_paths(permissions: Mapping, prefix: str = "") -> list[str]:
    """The paths in a tree given by a client that are not permissions (a typo must not pass silently)."""
    wrong = []
    for key, value in permissions.items():
        path = f"{prefix}{key}"
        if isinstance(value, Mapping):
            if not any(leaf.startswith(path + ".") for leaf in LEAVES):
                wrong.append(path)
            else:
                wrong += unknown_paths(value, path + ".")
        elif path not in LEAVES or not isinstance(value, bool):
            wrong.append(path)
    return wrong


TOKEN_PERMISSION_DENIED = "TOKEN_PERMISSION_DENIED"


class PermissionDenied(Forbidden):
    """The token lacks the permission an action needs; ``details`` names it."""

    code = TOKEN_PERMISSION_DENIED

    def __init__(self, path: str, message: str | None = None):
        if path == FULL_ACCESS:
            message = message or "This token does not have full access, which this action needs"
        super().__init__(message or f"This token does not have the permission {path}",
                         details=[{"field": "permissions", "message": f"{path} is not granted", "permission": path}])
