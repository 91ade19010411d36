"""Values an input must refuse wherever it is given, with the message the API gives for each.

One table per input (``services.inputs`` holds the rule). ``form`` is False for a value an HTML form
cannot carry: a number or a list is text by the time a form sends it, and a browser encodes no lone
surrogate (the server would read U+FFFD). ``page_message`` is what a page says where its form
converts the value before the service sees it (text is trimmed; a duration is picked from a list).
"""
from dataclasses import dataclass

from core.limits import (
    ALIAS_MAX,
    CREDIT_REQUEST_REASON_MAX,
    DURATION_DAYS_MAX,
    EMAIL_MAX,
    EMAIL_RULE,
    HOSTNAME_MAX,
    IP_MAX,
    LOW_BALANCE_THRESHOLD_MAX_CENTS,
    NOTIFICATION_CHANNELS,
    PASSWORD_MAX,
    PASSWORD_MIN,
    POOL_DESCRIPTION_MAX,
    POOL_NAME_MAX,
    PROVISIONING_MESSAGE_MAX,
    PROVISIONING_NOTES_MAX,
    PRICE_CENTS_MAX,
    USERNAME_MAX,
    WEBHOOK_DESCRIPTION_MAX,
    WEBHOOK_URL_MAX,
)
from core.money import format_cents, format_dollars
from services.inputs import INVOICE_LIMIT_MAX, INVOICE_PAGE_MAX
from services.notification_texts import EVENTS

NUL = "must not contain NUL characters"
SURROGATE = "must not contain lone surrogates"
NOT_A_STRING = "must be a string"
USERNAME_RULE = "may contain only letters, digits, underscore and dash"
CHOOSE_DURATION = "Choose one of the durations offered"
NOT_A_TIME = "must be an ISO 8601 time such as 2025-01-28T22:00:00.000Z"
OUT_OF_DATE = "This form is out of date: reload the page and try again"
NOT_DOLLARS = "must be an amount of dollars like 25.00"


@dataclass(frozen=True)
class Bad:
    label: str
    value: object
    message: str  # the API's, beside the field's name in its details
    form: bool = True
    page_message: str | None = None  # where the page's conversion changes the value first
    within: str = ""  # where inside a structured input the API puts the fault (".rental.expired.email")

    @property
    def on_page(self) -> str:
        """The message beside the field on a page: the API's, with a capital letter, unless converted."""
        return self.page_message or self.message[0].upper() + self.message[1:]


def _text(limit: int, required: bool) -> list[Bad]:
    bad = [
        Bad("over long", "x" * (limit + 1), f"must be at most {limit} characters"),
        Bad("NUL", "a\x00b", NUL),
        Bad("only NUL", "\x00", NUL),
        Bad("lone surrogate", "a\ud800b", SURROGATE, form=False),
        Bad("number", 7, NOT_A_STRING, form=False),
        Bad("list", ["x"], NOT_A_STRING, form=False),
    ]
    if required:
        bad += [Bad("empty", "", "must not be empty"), Bad("spaces only", "   ", "must not be empty")]
    return bad


POOL_NAME = _text(POOL_NAME_MAX, required=True)
POOL_DESCRIPTION = _text(POOL_DESCRIPTION_MAX, required=False)
ALIAS = _text(ALIAS_MAX, required=True)
# Registering with no display name (on a page, with only spaces) gives the account its username's.
ALIAS_AT_REGISTRATION = [bad for bad in ALIAS if bad.label not in ("empty", "spaces only")]

EMAIL = [
    Bad("not an address", "not an address", EMAIL_RULE),
    Bad("no dot in the domain", "alice@example", EMAIL_RULE),
    Bad("two @", "alice@home@example.com", EMAIL_RULE),
    Bad("over long", "a" * (EMAIL_MAX - len("@example.com") + 1) + "@example.com",
        f"must be at most {EMAIL_MAX} characters"),
    Bad("NUL", "alice\x00@example.com", NUL),
    Bad("lone surrogate", "alice\ud800@example.com", SURROGATE, form=False),
    Bad("number", 7, NOT_A_STRING, form=False),
    Bad("list", ["alice@example.com"], NOT_A_STRING, form=False),
    # Through the API null removes the address; on the page an empty field does, so these are no mistake there.
    Bad("empty", "", EMAIL_RULE, form=False),
    Bad("spaces only", "   ", EMAIL_RULE, form=False),
]

# The page's checkboxes name only known events and channels, and say only on or off: only the API takes these.
NOTIFICATION_PREFERENCES = [
    Bad("list", ["rental.expired"], "must be an object", form=False),
    Bad("null", None, "must be an object", form=False),
    Bad("unknown event", {"rental.exploded": {"email": False}}, f"must be one of: {', '.join(EVENTS)}",
        form=False, within=".rental.exploded"),
    Bad("unknown channel", {"rental.expired": {"sms": True}}, f"must be one of: {', '.join(NOTIFICATION_CHANNELS)}",
        form=False, within=".rental.expired.sms"),
    Bad("channels not an object", {"rental.expired": True}, "must be an object", form=False,
        within=".rental.expired"),
    Bad("text for a switch", {"rental.expired": {"email": "no"}}, "must be true or false", form=False,
        within=".rental.expired.email"),
    Bad("number for a switch", {"rental.expired": {"email": 0}}, "must be true or false", form=False,
        within=".rental.expired.email"),
]

THRESHOLD_TOO_HIGH = f"must be at most {format_dollars(LOW_BALANCE_THRESHOLD_MAX_CENTS)}"

# The balance under which a person is warned, in cents through the API.
LOW_BALANCE_THRESHOLD_CENTS = [
    Bad("negative", -1, "must be at least 0", form=False),
    Bad("over the limit", LOW_BALANCE_THRESHOLD_MAX_CENTS + 1, THRESHOLD_TOO_HIGH, form=False),
    Bad("huge", 10**20, THRESHOLD_TOO_HIGH, form=False),
    Bad("fraction", 2500.5, "must be an integer", form=False),
    Bad("text", "2500", "must be an integer", form=False),
    Bad("boolean", True, "must be an integer", form=False),
]

# The same, typed in dollars on the account page (which converts them to cents).
LOW_BALANCE_THRESHOLD_DOLLARS = [
    Bad("negative", "-1", "must be at least 0"),
    Bad("over the limit", format_cents(LOW_BALANCE_THRESHOLD_MAX_CENTS + 1), THRESHOLD_TOO_HIGH),
    Bad("words", "lots", NOT_DOLLARS),
    Bad("a third decimal", "25.001", NOT_DOLLARS),
    Bad("NUL", "25\x00", NOT_DOLLARS),
]

USERNAME = [
    Bad("empty", "", "must not be empty"),
    Bad("spaces only", "   ", USERNAME_RULE, page_message="Must not be empty"),
    Bad("over long", "u" * (USERNAME_MAX + 1), f"must be at most {USERNAME_MAX} characters"),
    Bad("inner space", "bad name", USERNAME_RULE),
    Bad("NUL", "bob\x00", USERNAME_RULE),
    Bad("lone surrogate", "bob\ud800", SURROGATE, form=False),
    Bad("quote", "x'; DROP TABLE users;--", USERNAME_RULE),
    Bad("number", 7, NOT_A_STRING, form=False),
]

PASSWORD = [
    Bad("empty", "", f"must be at least {PASSWORD_MIN} characters"),
    Bad("too short", "p" * (PASSWORD_MIN - 1), f"must be at least {PASSWORD_MIN} characters"),
    Bad("over long", "p" * (PASSWORD_MAX + 1), f"must be at most {PASSWORD_MAX} characters"),
]

DAYS = [
    Bad("zero", 0, "must be at least 1", page_message=CHOOSE_DURATION),
    Bad("negative", -7, "must be at least 1", page_message=CHOOSE_DURATION),
    Bad("out of range", DURATION_DAYS_MAX + 1, f"must be at most {DURATION_DAYS_MAX}",
        page_message=CHOOSE_DURATION),
    Bad("huge", 10**20, f"must be at most {DURATION_DAYS_MAX}", page_message=CHOOSE_DURATION),
    Bad("fraction", 1.5, "must be an integer", page_message=CHOOSE_DURATION),
    Bad("text", "seven", "must be an integer", page_message=CHOOSE_DURATION),
    Bad("empty", "", "must be an integer", page_message=CHOOSE_DURATION),
    Bad("NUL", "7\x00", "must be an integer", page_message=CHOOSE_DURATION),
    Bad("boolean", True, "must be an integer", form=False),
]

# A page carries the time it showed in a hidden field: a bad one means the page is out of date.
TIME = [
    Bad("NUL inside", "2025-01-28T22:00:00\x00Z", NOT_A_TIME, page_message=OUT_OF_DATE),
    Bad("NUL after", "2025-01-28T22:00:00.000Z\x00", NOT_A_TIME, page_message=OUT_OF_DATE),
    Bad("NUL between date and time", "2025-01-28\x0022:00:00+00:00", NOT_A_TIME, page_message=OUT_OF_DATE),
    Bad("no time zone", "2025-01-28T22:00:00", "must include a time zone, e.g. 2025-01-28T22:00:00.000Z",
        page_message=OUT_OF_DATE),
    Bad("words", "tomorrow", NOT_A_TIME, page_message=OUT_OF_DATE),
    Bad("empty", "", NOT_A_TIME, form=False),  # a page that sends no time is judged without one
    Bad("number", 7, NOT_A_STRING, form=False),
]

# A calendar month (the spending figures' ``month``) and a day (the exports' ``from`` and ``to``), as a
# query string carries them: text only. Blank means not given; anything else is taken exactly.
MONTH_RULE = "must be a month such as 2025-01"
MONTH = [
    Bad("month 13", "2025-13", MONTH_RULE),
    Bad("month 0", "2025-00", MONTH_RULE),
    Bad("one digit", "2025-1", MONTH_RULE),
    Bad("words", "January", MONTH_RULE),
    Bad("a day", "2025-01-01", MONTH_RULE),
    Bad("before 1970", "1969-12", MONTH_RULE),
    Bad("year 9999", "9999-01", MONTH_RULE),
    Bad("NUL", "2025\x00-01", MONTH_RULE),
    Bad("other digits", "٢٠٢٥-٠١", MONTH_RULE),
    Bad("spaces around", " 2025-01 ", MONTH_RULE),
]
DAY_RULE = "must be a date such as 2025-01-31"
DAY = [
    Bad("no such day", "2025-02-30", DAY_RULE),
    Bad("words", "yesterday", DAY_RULE),
    Bad("one digit", "2025-1-1", DAY_RULE),
    Bad("a time", "2025-01-01T00:00:00Z", DAY_RULE),
    Bad("month 13", "2025-13-01", DAY_RULE),
    Bad("spaces around", " 2025-01-01 ", DAY_RULE),
    Bad("NUL", "2025-01-01\x00", DAY_RULE),
]

# The most a client agrees to pay; a page sends the prices it showed instead, so only the API takes it.
CENTS = [
    Bad("negative", -1, "must be at least 0", form=False),
    Bad("fraction", 70.5, "must be an integer", form=False),
    Bad("text", "7000", "must be an integer", form=False),
    Bad("boolean", False, "must be an integer", form=False),
]

# A wallet credit, typed in dollars on the admin page (which converts them to cents).
CREDIT_DOLLARS = [
    Bad("zero", "0", "must be greater than zero"),
    Bad("zero with decimals", "0.00", "must be greater than zero"),
    Bad("over the limit", "1000000.01", "must be at most $1000000.00"),
]

# The invoice list's page and page size, as a query string carries them (text; blank means not given).
INVOICE_PAGE = [
    Bad("zero", "0", "must be at least 1", form=False),
    Bad("negative", "-1", "must be at least 1", form=False),
    Bad("fraction", "1.5", "must be an integer", form=False),
    Bad("words", "first", "must be an integer", form=False),
    Bad("NUL", "1\x00", "must be an integer", form=False),
    Bad("huge", "1e30", f"must be at most {INVOICE_PAGE_MAX}", form=False),
    Bad("given twice", ["1", "2"], "must be an integer", form=False),
]
INVOICE_LIMIT = [
    Bad("zero", "0", "must be at least 1", form=False),
    Bad("over the limit", str(INVOICE_LIMIT_MAX + 1), f"must be at most {INVOICE_LIMIT_MAX}", form=False),
    Bad("fraction", "2.5", "must be an integer", form=False),
    Bad("words", "ten", "must be an integer", form=False),
]

# A webhook endpoint (POST /webhooks, PATCH /webhooks/{id}, the webhooks pages).
WEBHOOK_URL = _text(WEBHOOK_URL_MAX, required=True) + [
    Bad("not http", "ftp://example.com/hooks", "must start with http:// or https://"),
    Bad("no scheme", "example.com/hooks", "must start with http:// or https://"),
    Bad("credentials", "https://user:secret@example.com/hooks", "must not contain a user name or password"),
    Bad("no host", "https:///hooks", "must name a host"),
    Bad("loopback", "http://127.0.0.1/hooks",
        "resolves to a loopback address (127.0.0.1); webhooks are only sent to public addresses"),
    Bad("private", "http://10.0.0.8/hooks",
        "resolves to a private address (10.0.0.8); webhooks are only sent to public addresses"),
    Bad("cloud metadata", "http://169.254.169.254/latest",
        "resolves to a link-local address (169.254.169.254); webhooks are only sent to public addresses"),
]
WEBHOOK_DESCRIPTION = _text(WEBHOOK_DESCRIPTION_MAX, required=False)
WEBHOOK_EVENTS = [
    Bad("none", [], 'must name at least one event type, or be ["*"] for all of them'),
    Bad("unknown", ["rental.bogus"], "has unknown event types (rental.bogus); allowed: rental.created, "
        "rental.extended, rental.expired, rental.ended, rental.auto_renew_failed, rental.provisioning_changed, "
        "pool.member_joined, pool.member_removed, wallet.credited, wallet.low_balance, ping, or \"*\" for all of them"),
    Bad("all and more", ["*", "ping"], 'must be ["*"] alone, or a list of event types'),
    Bad("text", "rental.created", "must be an array", form=False),
]

# --- Provisioning: a rented server's setup as administrators report it ------------------------------

HOSTNAME_RULE = "must be a host name like node-1.example.com (letters, digits, hyphens and dots)"


def _address(version: int, other: str) -> list[Bad]:
    rule = f"must be an IPv{version} address"
    return [
        Bad("out of range", "203.0.113.300" if version == 4 else "2001:db8::g", rule),
        Bad("the other family", other, rule),
        Bad("a host name", "node-1.example.com", rule),
        Bad("a range", "203.0.113.0/24" if version == 4 else "2001:db8::/64", rule),
        Bad("over long", "1" * (IP_MAX + 1), f"must be at most {IP_MAX} characters"),
        Bad("NUL", "203.0.113.1\x00", rule, form=False),  # a form would split it off as a second entry
        Bad("number", 7, NOT_A_STRING, form=False),
    ]


IPV4_ADDRESS = _address(4, "2001:db8::1")
IPV6_ADDRESS = _address(6, "203.0.113.1")
HOSTNAME = [
    Bad("leading hyphen", "-node.example.com", HOSTNAME_RULE),
    Bad("underscore", "node_1.example.com", HOSTNAME_RULE),
    Bad("label over 63 characters", "a" * 64 + ".example.com", HOSTNAME_RULE),
    Bad("over long", ("a" * 60 + ".") * 5, f"must be at most {HOSTNAME_MAX} characters"),
    Bad("space inside", "node 1.example.com", HOSTNAME_RULE),
    Bad("empty label", "node..example.com", HOSTNAME_RULE),
    Bad("final newline", "node.example.com\n", HOSTNAME_RULE, form=False),  # a form's field is trimmed
    Bad("NUL", "node\x00.example.com", HOSTNAME_RULE),
    Bad("number", 7, NOT_A_STRING, form=False),
    # On the page an empty field means no host name.
    Bad("empty", "", HOSTNAME_RULE, form=False),
]
PROVISIONING_MESSAGE = _text(PROVISIONING_MESSAGE_MAX, required=False)
PROVISIONING_NOTES = _text(PROVISIONING_NOTES_MAX, required=False)

# Whole cents moved from a wallet into a pool's (the pool page takes dollars and converts them).
TRANSFER_CENTS = [
    Bad("zero", 0, "must be greater than zero", form=False),
    Bad("negative", -100, "must be greater than zero", form=False),
    Bad("fraction of a cent", 12.5, "must be an integer", form=False),
    Bad("text", "100", "must be an integer", form=False),
    Bad("boolean", True, "must be an integer", form=False),
    Bad("huge", 10**20, "must be at most 100000000 ($1000000.00)", form=False),
]

# A pool's monthly limits and approval threshold, in cents; null means none.
BUDGET_CENTS = [
    Bad("negative", -1, "must be at least 0", form=False),
    Bad("fraction", 1.5, "must be an integer", form=False),
    Bad("text", "5", "must be an integer", form=False),
    Bad("huge", 10**13, "must be at most 1000000000000", form=False),
]

# Whose wallet pays a charge.
PAY_FROM = [
    Bad("unknown", "team", "must be one of: self, pool", form=False),
    Bad("empty", "", "must be one of: self, pool", form=False),
    Bad("number", 1, "must be one of: self, pool", form=False),
]

# A card top-up, in dollars as a string (the API's `amount`, the wallet page's field); the bounds are the
# default STRIPE_MIN_USD and STRIPE_MAX_USD.
OUT_OF_BOUNDS = "must be between $5.00 and $1000.00"
NOT_A_DOLLAR_STRING = 'must be an amount of dollars such as "50.00"'
TOP_UP_AMOUNT = [
    Bad("fraction of a cent", "50.001", "must not have fractions of a cent (at most 2 decimal places)"),
    Bad("words", "fifty", NOT_A_DOLLAR_STRING),
    Bad("negative", "-5.00", NOT_A_DOLLAR_STRING),
    Bad("exponent", "5e1", NOT_A_DOLLAR_STRING),
    Bad("NUL", "50\x00", NOT_A_DOLLAR_STRING),
    Bad("empty", "", NOT_A_DOLLAR_STRING),
    Bad("under the minimum", "4.99", OUT_OF_BOUNDS),
    Bad("over the maximum", "1000.01", OUT_OF_BOUNDS),
    Bad("number", 50, NOT_A_STRING, form=False),
]

# A request for credit: its amount in cents (the API; the wallet page takes dollars, as the admin's credit
# form does) and its reason.
CREDIT_REQUEST_CENTS = [
    Bad("zero", 0, "must be greater than zero", form=False),
    Bad("negative", -100, "must be greater than zero", form=False),
    Bad("over the limit", 100_000_001, "must be at most $1000000.00", form=False),
    Bad("text", "5000", "must be an integer", form=False),
    Bad("fraction", 50.5, "must be an integer", form=False),
]
CREDIT_REQUEST_REASON = _text(CREDIT_REQUEST_REASON_MAX, required=True)
CEILING_TOO_HIGH = f"must be at most {format_dollars(PRICE_CENTS_MAX)}"

# The most one auto-renewal may cost, in cents through the API: stored, so it has a ceiling of its own.
CEILING_CENTS = [
    Bad("negative", -1, "must be at least 0", form=False),
    Bad("over the limit", PRICE_CENTS_MAX + 1, CEILING_TOO_HIGH, form=False),
    Bad("huge", 10**20, CEILING_TOO_HIGH, form=False),
    Bad("fraction", 70.5, "must be an integer", form=False),
    Bad("text", "7000", "must be an integer", form=False),
    Bad("boolean", True, "must be an integer", form=False),
]

# The same, typed in dollars on a rental's auto-renew switch (which converts them to cents).
CEILING_DOLLARS = [
    Bad("negative", "-1", "must be at least 0"),
    Bad("over the limit", format_cents(PRICE_CENTS_MAX + 1), CEILING_TOO_HIGH),
    Bad("words", "lots", NOT_DOLLARS),
    Bad("a third decimal", "75.001", NOT_DOLLARS),
    Bad("NUL", "75\x00", NOT_DOLLARS),
    Bad("empty", "", NOT_DOLLARS),
]
