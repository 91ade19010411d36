"""One home for every limit and enum; API schemas, forms, the CLI and the models read them here."""

USERNAME_MAX = 100
USERNAME_PATTERN = r"^[A-Za-z0-9_-]+$"
USERNAME_RULE = "may contain only letters, digits, underscore and dash"
ALIAS_MAX = 100
PASSWORD_MIN = 8
PASSWORD_MAX = 200

POOL_NAME_MAX = 100
POOL_DESCRIPTION_MAX = 500
POOL_SETTINGS_MAX_BYTES = 10 * 1024
DEFAULT_POOL_NAME = "Default"

ROLE_OWNER = "owner"
ROLE_ADMIN = "admin"
ROLE_USER = "user"
ALL_ROLES = (ROLE_OWNER, ROLE_ADMIN, ROLE_USER)
INVITABLE_ROLES = (ROLE_ADMIN, ROLE_USER)

TOKEN_NAME_MAX = 100
TOKEN_IP_WHITELIST_MAX = 50  # addresses and ranges one API token is accepted from
LOGIN_TOKEN_DAYS = 30
# The longest a browser login lasts: the remember-me cookie's lifetime, and the server's own limit on
# every browser session (without remember-me the cookie also ends when the browser closes).
LOGIN_SESSION_DAYS = 30
IP_MAX = 45  # the longest text form of an IPv6 address
EMAIL_MAX = 254  # the longest address SMTP carries (RFC 5321 path limit less the angle brackets)
USER_AGENT_MAX = 255  # what a browser session keeps of the User-Agent it was opened with
TOKEN_LIFETIME_CHOICES = (7, 30, 90, 365)  # days; 0 on the tokens page means "never expires"

SERVER_CATEGORIES = ("compute", "memory", "storage", "general", "gpu")
CPU_SCORE_TYPES = ("passmark", "geekbench_single", "geekbench_multi")
RAM_TYPES = ("DDR3", "DDR4", "DDR5", "ECC DDR3", "ECC DDR4", "ECC DDR5")
DISK_TYPES = ("HDD", "SAS", "SSD", "NVMe")
SERVER_NAME_MAX = 100
DURATION_DAYS_MAX = 3650  # a rental duration (a price key) is 1..3650 days

# The server import format (docs/inventory-format.md); they keep every value inside its column.
PRICE_CENTS_MAX = 1_000_000_000       # $10,000,000 for one duration
PRICES_MAX = 50                       # durations per server
DISK_CONFIGS_MAX = 12                 # entries in specs.disks.config
DISK_COUNT_MAX = 1000                 # disks in one entry
DISK_CAPACITY_GB_MAX = 1_000_000      # 1 PB per disk
INT_COLUMN_MAX = 2**31 - 1            # 32-bit INTEGER columns
BIGINT_COLUMN_MAX = 2**63 - 1         # 64-bit BIGINT columns
TRAFFIC_TB_MAX = 1_000_000.0
REGION_MAX = 64
CITY_MAX = 100
DATACENTER_MAX = 100
MODEL_MAX = 200                       # the machine's model and the CPU's
DISK_INTERFACE_MAX = 50
DISK_SUMMARY_MAX = 300
# servers.durations_key: "|" and up to PRICES_MAX durations of at most 4 digits, each followed by "|"
DURATIONS_KEY_MAX = 300
CATEGORY_MAX = 16                     # the longest of SERVER_CATEGORIES, with room to grow
CPU_SCORE_TYPE_MAX = 32
RAM_TYPE_MAX = 16
DISK_TYPE_MAX = 16
IDEMPOTENCY_KEY_MAX = 200

TRANSACTION_TYPES = ("credit", "top_up", "refund", "transfer_in", "transfer_out", "rental", "extension")
CURRENCY = "USD"
CREDIT_MAX_CENTS = 100_000_000  # $1,000,000 in one wallet credit
TRANSFER_MAX_CENTS = CREDIT_MAX_CENTS  # one transfer into a pool's wallet moves at most what one credit adds
BUDGET_MAX_CENTS = 1_000_000_000_000  # a pool's monthly limit or approval threshold: $10,000,000,000
CREDIT_REQUEST_REASON_MAX = 500
CREDIT_REQUESTS_PENDING_MAX = 5  # open requests per person, so nobody can flood the administrators

PAGE_LIMIT_DEFAULT = 100
PAGE_LIMIT_MAX = 500
PAGE_OFFSET_MAX = 2**63 - 1  # the largest OFFSET SQLite and PostgreSQL take (a 64-bit integer)

JSON_DEPTH_MAX = 32  # nesting of arrays and objects in a request body

# The longest URL (path and query string, as sent) the app serves; a longer one is answered 414 by
# the app, in the envelope under /api/ (MAX_URL_LENGTH in the environment overrides it).
URL_LENGTH_MAX = 4096
# Gunicorn reads request lines up to its largest limit, well above URL_LENGTH_MAX, so that the app,
# not gunicorn's own error page, answers every over-long URL a proxy lets through. A request line
# is "METHOD URL HTTP/1.1": the URL plus at most this much.
REQUEST_LINE_MAX = 8190
REQUEST_LINE_OVERHEAD = len("OPTIONS  HTTP/1.1")

# Rate limits (defaults; each one can be set from the environment, see core/config.py).
# Login is counted for the API and the login page together.
LOGIN_RATE_PER_USERNAME = "10 per minute"
LOGIN_RATE_PER_IP = "30 per minute"
TOKEN_CREATE_RATE_PER_USER = "20 per hour"
TOKEN_CREATE_RATE_PER_IP = "60 per hour"
# One-time codes are guessed like passwords: counted per person (or pending login) and per address,
# across every route that checks one. Six digits at 10 a minute take about a year on average.
TWO_FACTOR_RATE_PER_USER = "10 per minute"
TWO_FACTOR_RATE_PER_IP = "30 per minute"

# Two-factor login: time-based codes per RFC 6238 (what every authenticator app makes).
TOTP_DIGITS = 6
TOTP_STEP_SECONDS = 30
TOTP_DRIFT_STEPS = 1  # a code of the step before or after is accepted too: clocks and typing take time
BACKUP_CODE_COUNT = 10
ONE_TIME_CODE_MAX = 32  # characters of a code as typed (a backup code with its dash and spaces)
TWO_FACTOR_LOGIN_MINUTES = 5  # how long a temp_token waits for its code

# Password-reset requests per address and per IP (forgot-password, the page and the API together;
# the IP limit counts the reset attempts too). Each request to a known address sends a message.
RECOVERY_RATE_PER_ADDRESS = "5 per hour"
RECOVERY_RATE_PER_IP = "30 per hour"

NOTIFICATION_TYPES = ("MAINTENANCE", "ANNOUNCEMENT", "STATUS_UPDATE")  # the published service's kinds
SEVERITIES = ("INFO", "WARNING", "ERROR", "SUCCESS")
NOTIFICATION_TITLE_MAX = 200  # characters of a notification's title
ANNOUNCEMENT_MESSAGE_MAX = 5000  # characters of an announcement's message
UNREAD_COUNT_CAP = 100  # the bell counts this far and shows "99+" from here on
BANNERS_SHOWN = 3  # announcements shown as banners at once, newest first (the rest are in the list)

# Email. A verification link works this long; a worker holds a message this long while it talks to
# the mail server (longer than SMTP_TIMEOUT_SECONDS, so no second worker takes it meanwhile).
EMAIL_VERIFY_HOURS = 48
# A password-reset link works this long, once, and only while the password is the one it was sent for.
PASSWORD_RESET_HOURS = 1
SMTP_TIMEOUT_SECONDS = 30
EMAIL_CLAIM_SECONDS = 120
# Verification links one account may have emailed in an hour: an address typed in (anyone's) is sent
# a link, so this is what keeps the account page from mailing a stranger again and again.
VERIFY_EMAILS_PER_HOUR = 5
NOTIFICATION_CHANNELS = ("email", "in_app")
# An address as the account settings take it: one @, something on each side, a dot in the domain, no
# spaces (the mail server judges the rest). The characters some regex engines count as spaces and
# others do not (NEL, the information separators, the byte-order mark) are named, so that the
# validator, the OpenAPI document's readers and the browser agree on every address.
_NOT_IN_ADDRESS = r"@\s\x1c-\x1f\u0085\ufeff"
EMAIL_PATTERN = rf"^[^{_NOT_IN_ADDRESS}]+@[^{_NOT_IN_ADDRESS}]+\.[^{_NOT_IN_ADDRESS}.]+$"
EMAIL_RULE = "must be an email address like name@example.com"
LOW_BALANCE_THRESHOLD_MAX_CENTS = CREDIT_MAX_CENTS

# Webhooks. An endpoint's URL and description; endpoints per owner (a user or a pool).
WEBHOOK_URL_MAX = 2000
WEBHOOK_DESCRIPTION_MAX = 500
WEBHOOKS_PER_OWNER = 20
# A receiver's answer is read this far and no further; a longer one is a failed attempt.
WEBHOOK_RESPONSE_MAX_BYTES = 64 * 1024
# Provisioning: what an administrator (or their automation) reports of a rented server being set up.
PROVISIONING_PENDING = "pending"
PROVISIONING_IN_PROGRESS = "provisioning"
PROVISIONING_READY = "ready"
PROVISIONING_FAILED = "failed"
PROVISIONING_STATUSES = (PROVISIONING_PENDING, PROVISIONING_IN_PROGRESS, PROVISIONING_READY, PROVISIONING_FAILED)
PROVISIONING_REPORTED = (PROVISIONING_IN_PROGRESS, PROVISIONING_READY, PROVISIONING_FAILED)  # what a report sets
PROVISIONING_STATUS_MAX = 16
PROVISIONING_MESSAGE_MAX = 1000
PROVISIONING_ADDRESSES_MAX = 64        # addresses of each family in a rental's access details
PROVISIONING_NOTES_MAX = 2000
HOSTNAME_MAX = 253                     # the longest DNS name in text form
