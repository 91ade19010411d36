"""Failures a service reports; each surface turns them into its own kind of answer.

Every failure carries a ``code``: a stable UPPER_SNAKE name a client can branch on (the API's error
envelope has it beside the human ``message``, and the pages match on it or on the class, never on
the text). A class gives its default; a refusal that clients need to tell apart from its siblings
gets a class or a code of its own. ``CODE_FOR_STATUS`` is the code of an error that no service
raised (a malformed request, an unknown route, a rate limit).
"""

VALIDATION_FAILED = "VALIDATION_FAILED"
UNAUTHENTICATED = "UNAUTHENTICATED"
TWO_FACTOR_REQUIRED = "TWO_FACTOR_REQUIRED"
FORBIDDEN = "FORBIDDEN"
ACCOUNT_DISABLED = "ACCOUNT_DISABLED"
NOT_FOUND = "NOT_FOUND"
METHOD_NOT_ALLOWED = "METHOD_NOT_ALLOWED"
INSUFFICIENT_BALANCE = "INSUFFICIENT_BALANCE"
CONFLICT = "CONFLICT"
SERVER_UNAVAILABLE = "SERVER_UNAVAILABLE"
CHARGE_EXCEEDS_MAX = "CHARGE_EXCEEDS_MAX"
EXTENSION_ALREADY_APPLIED = "EXTENSION_ALREADY_APPLIED"
RENTAL_ENDED = "RENTAL_ENDED"
PROVISIONING_TRANSITION_REFUSED = "PROVISIONING_TRANSITION_REFUSED"
IDEMPOTENCY_KEY_REUSED = "IDEMPOTENCY_KEY_REUSED"
BUDGET_EXCEEDED = "BUDGET_EXCEEDED"
SPEND_REQUEST_NOT_PENDING = "SPEND_REQUEST_NOT_PENDING"
SPEND_REQUEST_FAILED = "SPEND_REQUEST_FAILED"
NAME_TAKEN = "NAME_TAKEN"
ALREADY_MEMBER = "ALREADY_MEMBER"
INVITATION_NOT_PENDING = "INVITATION_NOT_PENDING"
INVITATION_EXPIRED = "INVITATION_EXPIRED"
EMAIL_TAKEN = "EMAIL_TAKEN"
EMAIL_NOT_CONFIGURED = "EMAIL_NOT_CONFIGURED"
EMAIL_ALREADY_VERIFIED = "EMAIL_ALREADY_VERIFIED"
PAYLOAD_TOO_LARGE = "PAYLOAD_TOO_LARGE"
URI_TOO_LONG = "URI_TOO_LONG"
RATE_LIMITED = "RATE_LIMITED"
CARD_PAYMENTS_DISABLED = "CARD_PAYMENTS_DISABLED"
PAYMENT_PROVIDER_ERROR = "PAYMENT_PROVIDER_ERROR"
WEBHOOK_SIGNATURE_INVALID = "WEBHOOK_SIGNATURE_INVALID"
CREDIT_REQUEST_NOT_PENDING = "CREDIT_REQUEST_NOT_PENDING"
TOO_MANY_CREDIT_REQUESTS = "TOO_MANY_CREDIT_REQUESTS"
INTERNAL_ERROR = "INTERNAL_ERROR"

CODE_FOR_STATUS = {
    400: VALIDATION_FAILED,
    401: UNAUTHENTICATED,
    402: INSUFFICIENT_BALANCE,
    403: FORBIDDEN,
    404: NOT_FOUND,
    405: METHOD_NOT_ALLOWED,
    409: CONFLICT,
    413: PAYLOAD_TOO_LARGE,
    414: URI_TOO_LONG,
    429: RATE_LIMITED,
    500: INTERNAL_ERROR,
}


def code_for_status(status: int) -> str:
    return CODE_FOR_STATUS.get(status, VALIDATION_FAILED if status < 500 else INTERNAL_ERROR)


class ServiceError(Exception):
    status = 400
    code = VALIDATION_FAILED

    def __init__(self, message: str, details: list[dict] | None = None, code: str | None = None):
        super().__init__(message)
        self.message = message
        self.details = details
        if code is not None:
            self.code = code


class BadRequest(ServiceError):
    status = 400
    code = VALIDATION_FAILED

    @classmethod
    def for_fields(cls, details: list[dict], prefix: str = "") -> "BadRequest":
        """One 400 for every bad field: ``details`` lists them and the message sums them up."""
        summary = "; ".join(f"{d['field']} {d['message']}".strip() for d in details)
        return cls(prefix + summary, details)

    @classmethod
    def for_field(cls, field: str, problem: str, prefix: str = "") -> "BadRequest":
        return cls.for_fields([{"field": field, "message": problem}], prefix)


class Unauthenticated(ServiceError):
    """No, bad, revoked or expired credentials."""

    status = 401
    code = UNAUTHENTICATED


class TwoFactorRequired(Unauthenticated):
    """A step needs a one-time code that was not given, is wrong, or was used already."""

    code = TWO_FACTOR_REQUIRED


class PaymentRequired(ServiceError):
    status = 402
    code = INSUFFICIENT_BALANCE


class Forbidden(ServiceError):
    status = 403
    code = FORBIDDEN


class NotFound(ServiceError):
    status = 404
    code = NOT_FOUND


class PoolNotFound(NotFound):
    """A pool that does not exist, or one the caller has not joined (which is the same to them)."""


class Conflict(ServiceError):
    status = 409
    code = CONFLICT


class InvitationExpired(ServiceError):
    """An invitation, or an offer of a pool's ownership, answered after its ``expires_at``."""

    status = 410
    code = INVITATION_EXPIRED


class ServerUnavailable(Conflict):
    code = SERVER_UNAVAILABLE


class ExtensionAlreadyApplied(Conflict):
    """``expected_rental_end`` is not the rental's end any more: it was extended meanwhile."""

    code = EXTENSION_ALREADY_APPLIED


class PriceChanged(Conflict):
    """The price is above the most the caller agreed to pay (``max_charge_cents``, or the price a page
    showed): nothing was charged. Carries both, so a page can show the new price."""

    code = CHARGE_EXCEEDS_MAX

    def __init__(self, message: str, quoted_cents: int, price_cents: int):
        super().__init__(message)
        self.quoted_cents = quoted_cents
        self.price_cents = price_cents


class BudgetExceeded(Conflict):
    """A pool-paid charge would pass the pool's monthly limit, in all or for the member; nothing was charged."""

    code = BUDGET_EXCEEDED


class TooManyRequests(ServiceError):
    """Too many of something in too short a time; ``retry_after`` says in how many seconds to try again."""

    status = 429
    code = RATE_LIMITED

    def __init__(self, message: str, retry_after: int):
        super().__init__(message)
        self.retry_after = retry_after


class AccountDisabled(Forbidden):
    """An administrator disabled the account: its logins, tokens and browser sessions are refused."""

    MESSAGE = "This account is disabled"
    code = ACCOUNT_DISABLED

    def __init__(self, message: str = MESSAGE):
        super().__init__(message)


class CardPaymentsDisabled(Conflict):
    """Card top-ups are off on this installation (no Stripe keys are set): a 409, as a server without
    email answers for mail."""

    code = CARD_PAYMENTS_DISABLED


class PaymentProviderError(ServiceError):
    """Stripe did not open a checkout (unreachable, or it refused): nothing was charged."""

    status = 502
    code = PAYMENT_PROVIDER_ERROR


class WebhookSignatureInvalid(BadRequest):
    """A webhook delivery whose ``Stripe-Signature`` does not verify, or is older than the tolerance."""

    code = WEBHOOK_SIGNATURE_INVALID
