"""The browser pages."""
from flask import Blueprint

web = Blueprint("web", __name__)

from views.web import account, account_security, admin, admin_announcements, admin_jobs, admin_mail, admin_passwords, admin_provisioning, api_docs, auth, auto_renew, invitations, main, marketplace, notifications, payments, pools, pool_billing, recovery, rentals, tokens, two_factor, wallet, webhook_receiver, webhooks  # noqa: E402,F401,E501  (routes register themselves)
from views.web import filters  # noqa: E402,F401  (registers every template filter)
from views.web import spending  # noqa: E402,F401  (spending sections and CSV downloads)
