"""The browser pages."""
from flask import Blueprint

web = Blueprint("web", __name__)

from views.web import account, account_security, admin, admin_announcements, admin_jobs, admin_mail, admin_passwords, api_docs, auth, invitations, main, marketplace, notifications, pools, recovery, rentals, tokens, two_factor, wallet  # noqa: E402,F401  (routes register themselves)
from views.web import filters  # noqa: E402,F401  (registers every template filter)
from views.web import spending  # noqa: E402,F401  (spending sections and CSV downloads)
