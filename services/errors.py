"""Failures a service reports; each surface turns them into its own kind of answer."""


class ServiceError(Exception):
    status = 400

    def __init__(self, message: str, details: list[dict] | None = None):
        super().__init__(message)
        self.message = message
        self.details = details


class BadRequest(ServiceError):
    status = 400


class PaymentRequired(ServiceError):
    status = 402


class Forbidden(ServiceError):
    status = 403


class NotFound(ServiceError):
    status = 404


class Conflict(ServiceError):
    status = 409
