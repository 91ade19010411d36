"""What site administrators do: add and edit inventory servers, credit wallets, and disable and
enable accounts.

Every function takes the acting user first and refuses (403) anyone who is not an administrator.
Server records are the import format and are validated by ``services.inventory``, so a server
made or edited here is valid for ``flask servers import`` too.
"""
from sqlalchemy import func, or_, select

from core.extensions import db
from core.ids import normalize_id
from core.timeutil import utcnow
from models import Server, ServerDiskType, ServerPrice, User
from services import accounts, inputs, inventory, recovery, rentals, wallet
from services.errors import NAME_TAKEN, Conflict, Forbidden, NotFound
from services.paging import Page, paginate

USER_NOT_FOUND = "User not found"
# Columns an edit leaves alone: the identity, and what renting and creation decide.
_KEPT_COLUMNS = {"id", "created_at", "reserved_until"}


def is_admin(user: User | None) -> bool:
    return bool(user is not None and getattr(user, "is_admin", False))


def require_admin(user: User | None) -> None:
    if not is_admin(user):
        raise Forbidden("Only administrators can do this")


def _contains(column, query: str):
    """``column`` contains ``query`` in any case, with LIKE's wildcards in ``query`` taken literally."""
    pattern = "%" + query.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    return func.lower(column).like(pattern, escape="\\")


def search_servers(actor: User, query: str, page: Page) -> tuple[list[Server], int]:
    """Servers whose name contains ``query`` (any case), or whose id it is; all of them for no query."""
    require_admin(actor)
    statement = select(Server).order_by(Server.name, Server.id)
    [query] = inputs.checked(q=(inputs.SearchText, (query or "").strip()))
    if query:
        condition = _contains(Server.name, query)
        server_id = normalize_id(query)
        if server_id:
            condition = or_(condition, Server.id == server_id)
        statement = statement.where(condition)
    rows, total = paginate(statement, page)
    return [row[0] for row in rows], total


def get_server(actor: User, server_id: str) -> Server:
    require_admin(actor)
    server = db.session.get(Server, server_id) if normalize_id(server_id) == server_id else None
    if server is None:
        raise NotFound(rentals.SERVER_NOT_FOUND)
    return server


def server_record(actor: User, server_id: str) -> dict:
    """A server in the import format, as an edit form starts from it."""
    return inventory.server_record(get_server(actor, server_id))


def create_server(actor: User, record: dict) -> Server:
    """Add one server from an import record (``BadRequest`` with field details when invalid)."""
    require_admin(actor)
    server = inventory.build_server(record)
    if db.session.get(Server, server.id) is not None:
        raise Conflict("A server with this id already exists", code=NAME_TAKEN)
    db.session.add(server)
    db.session.commit()
    return server


def update_server(actor: User, server_id: str, record: dict) -> Server:
    """Replace a server's attributes and prices with those of ``record``; its id and rentals stay."""
    server = get_server(actor, server_id)
    fresh = inventory.build_server({**record, "id": None})
    for column in Server.__table__.columns:
        if column.key not in _KEPT_COLUMNS:
            setattr(server, column.key, getattr(fresh, column.key))
    server.updated_at = utcnow()
    server.prices = [ServerPrice(days=p.days, price_cents=p.price_cents,
                                 price_per_day_millicents=p.price_per_day_millicents) for p in fresh.prices]
    server.disk_types = [ServerDiskType(disk_type=d.disk_type) for d in fresh.disk_types]
    db.session.commit()
    return server


def credit_wallet(actor: User, username: str, cents: int) -> User:
    """Add ``cents`` to the wallet of ``username``; the credit is recorded as made by ``actor``."""
    require_admin(actor)
    return wallet.credit(username, cents, note=f"Credit from {actor.username}")


def search_users(actor: User, query: str, page: Page) -> tuple[list[User], int]:
    """Users whose username or alias contains ``query`` (any case), or whose id it is; all for no query."""
    require_admin(actor)
    statement = select(User).order_by(func.lower(User.username), User.id)
    [query] = inputs.checked(q=(inputs.SearchText, (query or "").strip()))
    if query:
        condition = or_(_contains(User.username, query), _contains(User.alias, query))
        if user_id := normalize_id(query):
            condition = or_(condition, User.id == user_id)
        statement = statement.where(condition)
    rows, total = paginate(statement, page)
    return [row[0] for row in rows], total


def get_user(actor: User, user_id: str) -> User:
    require_admin(actor)
    user = db.session.get(User, user_id) if normalize_id(user_id) == user_id else None
    if user is None:
        raise NotFound(USER_NOT_FOUND)
    return user


def disable_user(actor: User, user_id: str) -> User:
    """Disable an account (409 for the administrator's own: nobody could enable it from the pages)."""
    user = get_user(actor, user_id)
    if user.id == actor.id:
        raise Conflict("You cannot disable your own account")
    return accounts.disable_account(user, actor)


def enable_user(actor: User, user_id: str) -> User:
    return accounts.enable_account(get_user(actor, user_id), actor)


def set_user_password(actor: User, user_id: str, password) -> User:
    """A new password for an account whose owner cannot use a reset link; it signs them out everywhere."""
    return recovery.set_password(get_user(actor, user_id), password, actor)
