"""The browser pages."""
from flask import Blueprint

web = Blueprint("web", __name__)

from views.web import auth, main, tokens  # noqa: E402,F401  (routes register themselves)
