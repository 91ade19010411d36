"""What each event says to the people it concerns, written in one place per event: the title, the
message (with the dates and what to do), the link to the page where it is done, and the severity.
In-app notifications use it, and so does the email of a notification (subject = title), which adds
why it was sent (``reason``) and the events' names of the preferences (``EVENTS``).

A text is a function of the event, registered for its type; it reads only the event's own ``data``
(written when the event was emitted), so it says what was true then and costs no query:

    @writes("wallet.credited")
    def _wallet_credited(event: Event) -> NotificationText:
        return NotificationText("Your wallet was credited", f"...{event.data['amount']}...", "/wallet", SUCCESS)
"""
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone

from core.money import format_dollars
from core.timeutil import parse_timestamp
from models import Event

INFO = "INFO"
WARNING = "WARNING"
ERROR = "ERROR"
SUCCESS = "SUCCESS"

RENTAL_ENDING_SOON = "rental.ending_soon"
RENTAL_EXPIRED = "rental.expired"
RENTAL_ENDED = "rental.ended"
RENTAL_READY = "rental.ready"
RENTAL_PROVISIONING_FAILED = "rental.provisioning_failed"
RENTAL_PROVISIONING_OVERDUE = "rental.provisioning_overdue"
RENTAL_PROVISIONING_CHANGED = "rental.provisioning_changed"
RENTAL_AUTO_RENEWED = "rental.auto_renewed"
RENTAL_AUTO_RENEW_FAILED = "rental.auto_renew_failed"
INVITATION_RECEIVED = "invitation.received"
POOL_ROLE_CHANGED = "pool.role_changed"
POOL_MEMBER_REMOVED = "pool.member_removed"
POOL_TRANSFER_OFFERED = "pool.transfer_offered"
POOL_TRANSFER_DECIDED = "pool.transfer_decided"
WALLET_CREDITED = "wallet.credited"
SPEND_REQUEST_CREATED = "spend_request.created"
SPEND_REQUEST_DECIDED = "spend_request.decided"
WALLET_LOW_BALANCE = "wallet.low_balance"
CREDIT_REQUEST_CREATED = "credit_request.created"
CREDIT_REQUEST_DECIDED = "credit_request.decided"
SECURITY_NEW_LOGIN = "security.new_login"
SECURITY_TWO_FACTOR_CHANGED = "security.two_factor_changed"


# Every event people can be told of, as its preference is named on the account page; the keys are the
# events a user's notification_preferences may name.
EVENTS = {
    RENTAL_ENDING_SOON: "A rental is about to end",
    RENTAL_EXPIRED: "A rental has expired and is held",
    RENTAL_ENDED: "A rental ended and its server was released",
    RENTAL_AUTO_RENEWED: "A rental was renewed automatically",
    RENTAL_AUTO_RENEW_FAILED: "An automatic renewal failed",
    "rental.ready": "A rented server is ready",
    "rental.provisioning_failed": "A rented server could not be set up",
    RENTAL_PROVISIONING_OVERDUE: "A rented server is late being set up (administrators)",
    "wallet.low_balance": "The wallet's balance is low",
    "wallet.credited": "The wallet was credited",
    CREDIT_REQUEST_CREATED: "Someone asks for credit (administrators)",
    CREDIT_REQUEST_DECIDED: "Your request for credit was decided",
    "invitation.received": "An invitation to a pool",
    "pool.role_changed": "Your role in a pool changed",
    "pool.member_removed": "You were removed from a pool",
    POOL_TRANSFER_OFFERED: "A pool's ownership offered to you",
    POOL_TRANSFER_DECIDED: "An answer to your offer of a pool",
    SPEND_REQUEST_CREATED: "A spend request in a pool",
    SPEND_REQUEST_DECIDED: "A spend request was decided",
    "security.new_login": "A login from a new address",
    "security.two_factor_changed": "Two-factor login was turned on or off",
    "webhook.disabled": "A webhook endpoint was turned off after failing",
}

# Events the administrators hear of besides the people of the rental, and events only they hear of.
ALSO_TO_ADMINISTRATORS = frozenset({RENTAL_PROVISIONING_FAILED})
ONLY_TO_ADMINISTRATORS = frozenset({RENTAL_PROVISIONING_OVERDUE})
# Events for webhooks alone: nobody is notified of them (their news reaches people through other events).
WEBHOOK_ONLY = frozenset({RENTAL_PROVISIONING_CHANGED, "rental.created", "rental.extended", "pool.member_joined"})


@dataclass(frozen=True)
class NotificationText:
    title: str
    message: str
    link: str | None  # path of the page to act on
    severity: str = INFO


_writers: dict[str, Callable[[Event], NotificationText]] = {}


def writes(event_type: str):
    """Register the text of ``event_type``'s notification."""
    def register(func: Callable[[Event], NotificationText]):
        _writers[event_type] = func
        return func
    return register


def text_for(event: Event) -> NotificationText:
    writer = _writers.get(event.type)
    if writer is None:
        # An event nobody has written words for yet still reaches its people, plainly.
        return NotificationText(event.type.replace(".", ": ").replace("_", " ").capitalize(), "", None)
    return writer(event)


def reason(event: Event, user_id: str) -> str:
    """Why ``user_id`` hears of ``event``, for the foot of its email."""
    if event.type == CREDIT_REQUEST_CREATED:
        about = "you are an administrator, who decides requests for credit"
    elif event.type in ONLY_TO_ADMINISTRATORS or (event.type in ALSO_TO_ADMINISTRATORS and event.user_id != user_id):
        about = "you are an administrator of this installation"
    elif event.user_id == user_id:
        about = "it is about your account" if event.subject_type != "rental" else "it is about your rental"
    elif event.subject_type == "rental":
        about = "you manage the pool this rental is in"
    else:
        about = "it concerns you"
    return f"You are getting this email because {about}, and your preferences send “{label(event.type)}” by email."


def label(event_type: str) -> str:
    return EVENTS.get(event_type, event_type)


def has_text(event_type: str) -> bool:
    return event_type in _writers


def when(value: str | datetime) -> str:
    """``2025-01-28T22:00:00.000Z`` -> ``28 Jan 2025, 22:00 UTC``, as the pages show times."""
    moment = parse_timestamp(value) if isinstance(value, str) else value.astimezone(timezone.utc)
    return moment.strftime("%d %b %Y, %H:%M UTC")


def _hours(hours: int) -> str:
    if hours % 24 == 0 and hours >= 48:
        return f"{hours // 24} days"
    return "1 hour" if hours == 1 else f"{hours} hours"


def _days(days: int) -> str:
    return "1 day" if days == 1 else f"{days} days"


# --- Rentals --------------------------------------------------------------------------------------

def _rental_link(event: Event) -> str:
    return f"/rentals/{event.data['rental_id']}"


@writes(RENTAL_ENDING_SOON)
def _rental_ending_soon(event: Event) -> NotificationText:
    data = event.data
    if data.get("auto_renew"):
        return _rental_renewing_soon(event)
    return NotificationText(
        f"{data['server_name']} ends in {_hours(data['hours'])}",
        f"The rental of {data['server_name']} ends on {when(data['rental_end'])}. Extend it before then to "
        f"keep the server running. Otherwise it is held for you for {_days(data['hold_days'])}, until "
        f"{when(data['hold_until'])}, and then released.",
        _rental_link(event),
        WARNING,
    )


def _rental_renewing_soon(event: Event) -> NotificationText:
    """The reminder of a rental with auto-renew on quotes the renewal, and says when it will be refused."""
    data = event.data
    quote = data["auto_renew"]
    days, price, ceiling = quote["days"], quote["amount_cents"], quote["ceiling"]
    opening = f"The rental of {data['server_name']} ends on {when(data['rental_end'])}."
    if price is None:
        return NotificationText(
            f"{data['server_name']} ends in {_hours(data['hours'])} and cannot renew",
            f"{opening} It is set to renew automatically for {_days(days)}, but the server no longer offers "
            f"{_days(days)}, so the renewal will be refused. Choose another period for auto-renew or extend it "
            f"yourself before then.",
            _rental_link(event),
            WARNING,
        )
    renews = (f"It renews automatically on {when(quote['renews_at'])} for {format_dollars(price)} "
              f"({_days(days)}); your ceiling is {format_dollars(ceiling)}.")
    if price > ceiling:
        return NotificationText(
            f"{data['server_name']} ends in {_hours(data['hours'])}: its renewal will be refused",
            f"{opening} {renews} The price is above your ceiling, so the renewal will be refused: raise the "
            f"ceiling or extend it yourself before then.",
            _rental_link(event),
            WARNING,
        )
    return NotificationText(
        f"{data['server_name']} renews in {_hours(data['hours'])}",
        f"{opening} {renews} Keep {format_dollars(price)} in the wallet that pays for it.",
        _rental_link(event),
        INFO,
    )


_REFUSALS = {
    "insufficient_balance": "the balance of the wallet that pays for it was short",
    "above_ceiling": "the price is above the ceiling set for it",
    "duration_not_offered": "the server no longer offers that period",
    "server_withdrawn": "the server has been withdrawn from the marketplace",
    "not_allowed": "whoever set it up may no longer extend this rental, or pay from the pool's wallet",
    "budget_exceeded": "it would pass a monthly limit of the pool's budget",
    "approval_needed": "it costs more than the pool's approval threshold, so its owner or an admin must set it up",
}


@writes(RENTAL_AUTO_RENEWED)
def _rental_auto_renewed(event: Event) -> NotificationText:
    data = event.data
    return NotificationText(
        f"{data['server_name']} was renewed",
        f"The rental of {data['server_name']} was renewed automatically for {_days(data['days'])}, for "
        f"{format_dollars(data['amount_cents'])}. It now ends on {when(data['rental_end'])}.",
        _rental_link(event),
        SUCCESS,
    )


@writes(RENTAL_AUTO_RENEW_FAILED)
def _rental_auto_renew_failed(event: Event) -> NotificationText:
    data = event.data
    why = _REFUSALS.get(data["reason"], data.get("message") or data["reason"])
    price = f" for {format_dollars(data['amount_cents'])}" if data.get("amount_cents") is not None else ""
    if data["reason"] == "above_ceiling":
        why += f" ({format_dollars(data['ceiling'])})"
    then = (f"It will try again on {when(data['next_attempt_at'])}." if data.get("next_attempt_at") else
            f"It will not try again: the rental ends on {when(data['hold_until'])}.")
    return NotificationText(
        f"{data['server_name']} could not be renewed",
        f"The automatic renewal of {data['server_name']} for {_days(data['days'])}{price} was refused: {why}. "
        f"Nothing was charged. {then} The rental ends on {when(data['rental_end'])} unless it is extended.",
        _rental_link(event),
        ERROR,
    )


@writes(RENTAL_EXPIRED)
def _rental_expired(event: Event) -> NotificationText:
    data = event.data
    return NotificationText(
        f"{data['server_name']} has expired",
        f"The rental of {data['server_name']} ended on {when(data['rental_end'])}. The server is held for you "
        f"until {when(data['hold_until'])}: extend the rental before then to keep it, or it is released "
        f"to the marketplace.",
        _rental_link(event),
        ERROR,
    )


@writes(RENTAL_ENDED)
def _rental_ended(event: Event) -> NotificationText:
    data = event.data
    return NotificationText(
        f"{data['server_name']} was released",
        f"The rental of {data['server_name']} was not extended during its hold, which ended on "
        f"{when(data['hold_until'])}. The server is back in the marketplace; rent it again there if you "
        f"still need it.",
        _rental_link(event),
        INFO,
    )


def _access_lines(access: dict | None) -> str:
    """The access details as a sentence or two: addresses, host name, notes."""
    access = access or {}
    parts = []
    addresses = [*access.get("ipv4", ()), *access.get("ipv6", ())]
    if addresses:
        parts.append(f"Addresses: {', '.join(addresses)}.")
    if access.get("hostname"):
        parts.append(f"Host name: {access['hostname']}.")
    if access.get("notes"):
        parts.append(f"Notes: {access['notes']}")
    return " ".join(parts)


@writes(RENTAL_READY)
def _rental_ready(event: Event) -> NotificationText:
    data = event.data
    message = " ".join(part for part in (
        f"{data['server_name']} is set up and ready to use.", data.get("message") or "",
        _access_lines(data.get("access"))) if part)
    return NotificationText(f"{data['server_name']} is ready", message, _rental_link(event), SUCCESS)


@writes(RENTAL_PROVISIONING_FAILED)
def _rental_provisioning_failed(event: Event) -> NotificationText:
    data = event.data
    reason_given = f" ({data['message']})" if data.get("message") else ""
    return NotificationText(
        f"{data['server_name']} could not be set up",
        f"Setting up {data['server_name']} failed{reason_given}. The rental has ended, the server is back in the "
        f"marketplace, and the {format_dollars(data['refunded_cents'])} it was charged went back to the wallets "
        f"that paid.",
        _rental_link(event),
        ERROR,
    )


@writes(RENTAL_PROVISIONING_OVERDUE)
def _rental_provisioning_overdue(event: Event) -> NotificationText:
    data = event.data
    began = ("is being set up again" if data.get("reinstall")
             else f"was rented on {when(data['rental_start'])}")
    return NotificationText(
        f"{data['server_name']} is still not ready",
        f"{data['server_name']} {began} and is still {data['status']} after "
        f"{_hours(data['timeout_hours'])}. Report its setup (ready with its access details, or failed to refund "
        f"the renter) on its admin page.",
        f"/admin/rentals/{data['rental_id']}",
        WARNING,
    )


# --- Pools ----------------------------------------------------------------------------------------

def _by(data: dict) -> str:
    return f" by {data['actor_username']}" if data.get("actor_username") else ""


@writes(INVITATION_RECEIVED)
def _invitation_received(event: Event) -> NotificationText:
    data = event.data
    return NotificationText(
        f"You are invited to {data['pool_name']}",
        f"You were invited{_by(data)} to join the pool {data['pool_name']} as {data['role']}. Accept or decline "
        f"the invitation on your invitations page.",
        "/invitations",
        INFO,
    )


@writes(POOL_ROLE_CHANGED)
def _pool_role_changed(event: Event) -> NotificationText:
    data = event.data
    return NotificationText(
        f"You are now {data['role']} in {data['pool_name']}",
        f"Your role in the pool {data['pool_name']} was changed{_by(data)} from {data['previous_role']} to "
        f"{data['role']}.",
        f"/pools/{data['pool_id']}",
        INFO,
    )


@writes(POOL_MEMBER_REMOVED)
def _pool_member_removed(event: Event) -> NotificationText:
    data = event.data
    return NotificationText(
        f"You were removed from {data['pool_name']}",
        f"You were removed{_by(data)} from the pool {data['pool_name']}. Your rentals in it went back to your "
        f"default pool.",
        "/pools",
        WARNING,
    )


@writes(POOL_TRANSFER_OFFERED)
def _pool_transfer_offered(event: Event) -> NotificationText:
    data = event.data
    return NotificationText(
        f"{data['actor_username']} offers you {data['pool_name']}",
        f"{data['actor_username']} offers to make you the owner of the pool {data['pool_name']}; they would "
        f"stay in it as an admin. Accept or decline on the pool's page before {when(data['expires_at'])}.",
        f"/pools/{data['pool_id']}",
        INFO,
    )


@writes(POOL_TRANSFER_DECIDED)
def _pool_transfer_decided(event: Event) -> NotificationText:
    data = event.data
    if data["accepted"]:
        return NotificationText(
            f"{data['actor_username']} now owns {data['pool_name']}",
            f"{data['actor_username']} accepted your offer and is now the owner of the pool {data['pool_name']}. "
            f"You stay in it as an admin.",
            f"/pools/{data['pool_id']}",
            SUCCESS,
        )
    return NotificationText(
        f"{data['actor_username']} declined {data['pool_name']}",
        f"{data['actor_username']} declined your offer of the pool {data['pool_name']}; you are still its owner.",
        f"/pools/{data['pool_id']}",
        INFO,
    )


# --- Spend requests -------------------------------------------------------------------------------

def _spend_what(data: dict) -> str:
    what = "renting a server" if data["kind"] == "rent" else "extending a rental"
    return f"{format_dollars(data['amount_cents'])} for {what} for {_days(data['days'])}"


@writes(SPEND_REQUEST_CREATED)
def _spend_request_created(event: Event) -> NotificationText:
    data = event.data
    return NotificationText(
        f"{data['requester_username']} asks to spend from {data['pool_name']}",
        f"{data['requester_username']} asks to pay {_spend_what(data)} from the wallet of the pool "
        f"{data['pool_name']}. Approve or reject it on the pool's page before {when(data['expires_at'])}.",
        f"/pools/{data['pool_id']}",
        INFO,
    )


_SPEND_DECISIONS = {
    "approved": ("approved", "it was paid from the pool's wallet", SUCCESS),
    "rejected": ("rejected", "nothing was charged", WARNING),
    "expired": ("expired", "nobody decided on it in time; nothing was charged", WARNING),
    "failed": ("could not be carried out", "nothing was charged", ERROR),
}


@writes(SPEND_REQUEST_DECIDED)
def _spend_request_decided(event: Event) -> NotificationText:
    data = event.data
    outcome, consequence, severity = _SPEND_DECISIONS[data["status"]]
    by = f" by {data['actor_username']}" if data.get("actor_username") and data["status"] != "expired" else ""
    reason = f" ({data['reason']})" if data.get("reason") else ""
    return NotificationText(
        f"Your spend request in {data['pool_name']} was {outcome}" if data["status"] != "failed"
        else f"Your spend request in {data['pool_name']} could not be carried out",
        f"Your request to pay {_spend_what(data)} from the pool {data['pool_name']} was {outcome}{by}{reason}: "
        f"{consequence}.",
        f"/pools/{data['pool_id']}",
        severity,
    )


# --- Wallet ---------------------------------------------------------------------------------------

@writes(WALLET_CREDITED)
def _wallet_credited(event: Event) -> NotificationText:
    data = event.data
    return NotificationText(
        f"{format_dollars(data['amount_cents'])} added to your wallet",
        f"Your wallet was credited with {format_dollars(data['amount_cents'])} ({data['note']}). Your balance is "
        f"now {format_dollars(data['balance_cents'])}.",
        "/wallet",
        SUCCESS,
    )


@writes(CREDIT_REQUEST_CREATED)
def _credit_request_created(event: Event) -> NotificationText:
    data = event.data
    return NotificationText(
        f"{data['requester_username']} asks for {format_dollars(data['amount_cents'])} of credit",
        f"{data['requester_username']} asks for {format_dollars(data['amount_cents'])} of credit: "
        f"“{data['reason']}”. Approve it to credit their wallet, or reject it.",
        "/admin/credit-requests",
        INFO,
    )


@writes(CREDIT_REQUEST_DECIDED)
def _credit_request_decided(event: Event) -> NotificationText:
    data = event.data
    amount = format_dollars(data["amount_cents"])
    if data["status"] == "approved":
        return NotificationText(
            f"Your request for {amount} was approved",
            f"{data['decided_by']} approved your request for {amount} of credit; it is in your wallet, whose "
            f"balance is now {format_dollars(data['balance_cents'])}.",
            "/wallet",
            SUCCESS,
        )
    return NotificationText(
        f"Your request for {amount} was rejected",
        f"{data['decided_by']} rejected your request for {amount} of credit (“{data['reason']}”). Nothing was "
        f"added to your wallet; ask an administrator why, or pay by card if this installation takes cards.",
        "/wallet",
        WARNING,
    )


@writes(WALLET_LOW_BALANCE)
def _wallet_low_balance(event: Event) -> NotificationText:
    data = event.data
    balance = format_dollars(data["balance_cents"])
    reasons = []
    if data.get("renewals_cents"):
        reasons.append(
            f"Renewing your rentals over the next {_days(data['days'])} at today's prices costs "
            f"{format_dollars(data['renewals_cents'])}"
            + (f"; your balance runs out on {when(data['runs_out_at'])}." if data.get("runs_out_at") else "."))
    if data.get("threshold_cents") is not None and data["balance_cents"] < data["threshold_cents"]:
        reasons.append(f"It is under the {format_dollars(data['threshold_cents'])} you asked to be warned at.")
    return NotificationText(
        f"Your balance is low: {balance}",
        " ".join([f"Your wallet holds {balance}.", *reasons, "Add credit to keep your servers running."]),
        "/wallet",
        WARNING,
    )


# --- Security -------------------------------------------------------------------------------------

@writes(SECURITY_NEW_LOGIN)
def _security_new_login(event: Event) -> NotificationText:
    data = event.data
    return NotificationText(
        f"New login from {data['ip']}",
        f"Your account was logged into on {when(data['logged_in_at'])} from {data['ip']}, an address it had not "
        f"been used from before. If this was not you, end the sessions and tokens you do not know on the "
        f"tokens page, and tell an administrator.",
        "/tokens",
        WARNING,
    )


_TWO_FACTOR_CHANGES = {
    "enabled": ("Two-factor login is on", "from now on a login asks for a code from your authenticator app"),
    "disabled": ("Two-factor login is off", "a login now needs only your password"),
    "backup_codes_regenerated": ("New backup codes were made", "the backup codes you had before no longer work"),
}


@writes(SECURITY_TWO_FACTOR_CHANGED)
def _security_two_factor_changed(event: Event) -> NotificationText:
    title, consequence = _TWO_FACTOR_CHANGES[event.data["change"]]
    return NotificationText(
        title,
        f"{title} for your account since {when(event.data['at'])}: {consequence}. If this was not you, change "
        f"your password, end the sessions you do not know on your account page, and tell an administrator.",
        "/account",
        WARNING,
    )


# --- Webhooks -------------------------------------------------------------------------------------

@writes("webhook.disabled")
def _webhook_disabled(event: Event) -> NotificationText:
    data = event.data
    return NotificationText(
        "A webhook endpoint was turned off",
        f"Every attempt to deliver {data['event_type']} to {data['url']} failed ({data['attempts']} attempts; the "
        f"last: {data['error']}), so the endpoint was turned off. Fix the receiver, then turn the endpoint on "
        f"again on the Webhooks page: what waited is sent then, and failed deliveries can be sent again.",
        "/webhooks",
        ERROR,
    )
