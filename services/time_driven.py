"""Every module that declares jobs, periodic checks or consumers of events, imported by ``create_app``
before the queue binds them: a module that is not listed here has its jobs unknown to the workers.
"""
from services import auto_renew, events, mail, notifications, provisioning, rental_lifecycle, renewals, spend_requests, webhooks  # noqa: F401  (their decorators record them)
