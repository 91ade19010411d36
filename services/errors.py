"""Failures a service reports; each surface turns them into its own kind of answer."""


class ServiceError(Exception):
    status = 400

    def __init__(self, message: str, details: list[dict] | None = None):
        super().__init__(message)
        self.message = message
        self.details = details


class BadRequest(ServiceError):
    status = 400

    @classmethod
    def for_fields(cls, details: list[dict], prefix: str = "") -> "BadRequest":
        """One 400 for every bad field: ``details`` lists them and the message sums them up."""
        summary = "; ".join(f"{d['field']} {d['message']}".strip() for d in details)
        return cls(prefix + summary, details)

    @classmethod
    def for_field(cls, field: str, problem: str, prefix: str = "") -> "BadRequest":
        return cls.for_fields([{"field": field, "message": problem}], prefix)


class PaymentRequired(ServiceError):
    status = 402


class Forbidden(ServiceError):
    status = 403


class NotFound(ServiceError):
    status = 404


class Conflict(ServiceError):
    status = 409


class AccountDisabled(Forbidden):
    """An administrator disabled the account: its logins, tokens and browser sessions are refused."""

    MESSAGE = "This account is disabled"

    def __init__(self, message: str = MESSAGE):
        super().__init__(message)
