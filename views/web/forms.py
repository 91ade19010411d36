"""The browser forms: labels, HTML attributes (limits from ``core.limits``) and converting what was typed.

Whether a value is acceptable is the service's to say (``services.inputs``): a refusal comes back as
a ``ServiceError`` whose complaints ``add_service_errors`` puts beside their fields, in the words the
API uses.
"""
from datetime import timezone

from flask_wtf import FlaskForm
from wtforms import BooleanField, DateTimeLocalField, PasswordField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, EqualTo, InputRequired, Optional

from core.limits import (
    ALIAS_MAX,
    ANNOUNCEMENT_MESSAGE_MAX,
    LOGIN_SESSION_DAYS,
    LOGIN_TOKEN_DAYS,
    ONE_TIME_CODE_MAX,
    PASSWORD_MAX,
    PASSWORD_MIN,
    TOKEN_LIFETIME_CHOICES,
    TOKEN_NAME_MAX,
    USERNAME_MAX,
    USERNAME_PATTERN,
)
from core.limits import NOTIFICATION_TYPES, SEVERITIES, NOTIFICATION_TITLE_MAX
from services.errors import ServiceError

REQUIRED = "This field is required"
NEVER_EXPIRES = 0


def _text(value):
    # A field the browser did not send is empty text: the service names what is missing.
    return "" if value is None else value


def _strip(value):
    # Text fields are stripped as the API strips them; passwords keep their spaces (``_text``).
    return value.strip() if isinstance(value, str) else _text(value)


def _browser_pattern(pattern: str) -> str:
    # The HTML pattern attribute is anchored already and rejects explicit anchors in some browsers.
    # Browsers compile it with the regex "v" flag, where a bare "-" at the end of a class is a syntax error.
    return pattern.removeprefix("^").removesuffix("$").replace("-]", r"\-]")


class RegisterForm(FlaskForm):
    # The account service checks the username, display name and password; typing it twice is the form's.
    username = StringField(
        "Username",
        filters=[_strip],
        render_kw={"required": True, "maxlength": USERNAME_MAX, "pattern": _browser_pattern(USERNAME_PATTERN),
                   "autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"},
    )
    alias = StringField(
        "Display name",
        filters=[_strip],
        render_kw={"maxlength": ALIAS_MAX, "autocomplete": "name"},
        description="Shown to your teammates; defaults to your username.",
    )
    password = PasswordField(
        "Password",
        filters=[_text],
        render_kw={"required": True, "minlength": PASSWORD_MIN, "maxlength": PASSWORD_MAX,
                   "autocomplete": "new-password"},
        description=f"At least {PASSWORD_MIN} characters.",
    )
    confirm = PasswordField(
        "Confirm password",
        filters=[_text],
        validators=[EqualTo("password", message="Passwords do not match")],
        render_kw={"required": True, "autocomplete": "new-password"},
    )


class LoginForm(FlaskForm):
    # No length or character rules here: any mismatch is the same "Invalid username or password".
    username = StringField("Username", filters=[_strip], validators=[DataRequired(REQUIRED)],
                           render_kw={"autocomplete": "username", "autocapitalize": "none",
                                      "spellcheck": "false"})
    password = PasswordField("Password", validators=[InputRequired(REQUIRED)],
                             render_kw={"autocomplete": "current-password"})
    remember = BooleanField(f"Keep me logged in on this device for {LOGIN_SESSION_DAYS} days")


class TwoFactorCodeForm(FlaskForm):
    code = StringField("Code from your authenticator app, or a backup code", filters=[_strip],
                       validators=[DataRequired(REQUIRED)],
                       render_kw={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True,
                                  "maxlength": ONE_TIME_CODE_MAX, "autocapitalize": "none", "spellcheck": "false"})


def _lifetime_label(days: int) -> str:
    return "1 year" if days == 365 else f"{days} days"


class TokenForm(FlaskForm):
    name = StringField(
        "Token name",
        filters=[_strip],
        render_kw={"required": True, "maxlength": TOKEN_NAME_MAX, "placeholder": "e.g. CI deploy",
                   "autocomplete": "off"},
    )
    lifetime = SelectField(
        "Expires after",
        coerce=int,
        choices=[SelectChoice(days, _lifetime_label(days)) for days in TOKEN_LIFETIME_CHOICES]
        + [SelectChoice(NEVER_EXPIRES, "Never expires")],
        default=LOGIN_TOKEN_DAYS,  # the lifetime a token from the API login gets, too
    )
    # Asked only of those who turned on the two-factor token gate (services.two_factor).
    otp_code = StringField("Two-factor code", filters=[_strip],
                           render_kw={"inputmode": "numeric", "autocomplete": "one-time-code",
                                      "maxlength": ONE_TIME_CODE_MAX})

    @property
    def lifetime_days(self) -> int | None:
        return self.lifetime.data or None


def add_service_errors(form: FlaskForm, error: ServiceError) -> None:
    """Put a service's field-level complaints beside the matching fields (the rest above the form)."""
    for detail in error.details or [{"field": None, "message": error.message}]:
        field = form._fields.get(detail.get("field") or "")
        if field is not None:
            message = detail["message"]
            field.errors = [*field.errors, message[0].upper() + message[1:]]
        else:
            form.form_errors = [*form.form_errors, error.message]


class AnnouncementForm(FlaskForm):
    # Converts and displays only: the rules (a title, an expiry in the future) are ``services.inbox``'s.
    title = StringField("Title", filters=[_strip], render_kw={"maxlength": NOTIFICATION_TITLE_MAX, "required": True})
    message = TextAreaField("Message", render_kw={"maxlength": ANNOUNCEMENT_MESSAGE_MAX, "rows": 3})
    type = SelectField("Kind", choices=[SelectChoice(kind, kind.replace("_", " ").capitalize())
                                        for kind in NOTIFICATION_TYPES], default="ANNOUNCEMENT")
    severity = SelectField("Severity", choices=[SelectChoice(level, level.capitalize()) for level in SEVERITIES],
                           default="INFO")
    is_public = BooleanField("Public: shown to visitors who are not logged in too")
    expires_at = DateTimeLocalField("Expires (UTC)", format="%Y-%m-%dT%H:%M", validators=[Optional()],
                                    description="Empty: shown until you expire it here.")

    @property
    def expiry(self):
        """The expiry as an aware UTC time; the field reads it without a zone."""
        value = self.expires_at.data
        return value.replace(tzinfo=timezone.utc) if value else None
