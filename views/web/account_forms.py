"""The forms of the account page's security sections. They convert and display; the rules of a
password are ``services.inputs``', and whether the current one is right is ``services.passwords``'."""
from flask_wtf import FlaskForm
from wtforms import PasswordField
from wtforms.validators import EqualTo

from core.limits import PASSWORD_MAX, PASSWORD_MIN


def _text(value):
    return "" if value is None else value


class PasswordChangeForm(FlaskForm):
    current_password = PasswordField("Current password", filters=[_text],
                                     render_kw={"required": True, "autocomplete": "current-password"})
    password = PasswordField(
        "New password", filters=[_text],
        render_kw={"required": True, "minlength": PASSWORD_MIN, "maxlength": PASSWORD_MAX, "autocomplete": "new-password"},
        description=f"At least {PASSWORD_MIN} characters. Every other place you are logged in is signed out.",
    )
    # Typing it twice is the form's own check: a typo would otherwise lock you out.
    confirm = PasswordField("Confirm new password", filters=[_text],
                            validators=[EqualTo("password", message="Passwords do not match")],
                            render_kw={"required": True, "autocomplete": "new-password"})
