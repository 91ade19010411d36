"""The account page: the email address notifications go to (and its verification), which events reach
you by email or in the app, and the balance under which you are warned. Also the page a verification
link opens. The same service functions as ``/api/v1/users/me`` do every change."""
from flask import render_template, request, url_for
from flask_login import current_user, login_required

from core.money import InvalidAmount, format_cents, parse_dollars
from services import account_settings, mail, two_factor
from services.errors import BadRequest, ServiceError, Unauthenticated
from services.notification_texts import EVENTS
from views.web import htmx, web

EMAIL_SECTION = "account/_email.html"
NOTIFICATIONS_SECTION = "account/_notifications.html"


def _context(email_errors=(), email_value=None, notification_errors=(), threshold_value=None) -> dict:
    threshold = current_user.low_balance_threshold_cents
    return {
        "email_enabled": mail.is_configured(),
        "email_value": (current_user.email or "") if email_value is None else email_value,
        "email_errors": list(email_errors),
        "preferences": account_settings.preferences_of(current_user),
        "threshold_value": (format_cents(threshold) if threshold is not None else "")
        if threshold_value is None else threshold_value,
        "notification_errors": list(notification_errors),
        "two_factor": two_factor.status(current_user),
        "two_factor_pending": two_factor.pending_setup_uri(current_user) is not None,
    }


def page_context() -> dict:
    """What every section of the account page reads, for the sections answered elsewhere (two-factor)."""
    return _context()


def _section(fragment: str, status: int = 200, **context):
    return htmx.render("account/index.html", fragment, status=status, **_context(**context))


def _done(fragment: str, message: str):
    """After a change: the section again for htmx (with the flash), the page again otherwise (303)."""
    return htmx.done(url_for("web.account"), message, updates=lambda: render_template(fragment, **_context()))


def _messages(error: ServiceError) -> list[str]:
    return [f"{detail['message'][0].upper()}{detail['message'][1:]}" for detail in error.details or ()] \
        or [error.message]


@web.get("/account")
@login_required
def account():
    return render_template("account/index.html", **_context())


@web.post("/account/email")
@login_required
def account_email():
    """Set, change or remove the address notifications are emailed to."""
    address = request.form.get("email", "").strip()
    try:
        user = account_settings.update_settings(current_user, {"email": address or None})
    except ServiceError as error:
        return _section(EMAIL_SECTION, status=422, email_errors=_messages(error), email_value=address)
    if user.email is None:
        return _done(EMAIL_SECTION, "Your email address was removed; notifications are in the app only.")
    if user.email_verified_at is not None:
        return _done(EMAIL_SECTION, "Your email address is unchanged.")
    if mail.is_configured():
        return _done(EMAIL_SECTION, f"Saved. We sent a link to {user.email}: open it to verify the address.")
    return _done(EMAIL_SECTION, "Saved. This server sends no email, so the address cannot be verified yet.")


@web.post("/account/verification")
@login_required
def account_resend_verification():
    return htmx.submit(lambda: account_settings.resend_verification(current_user),
                       refusals=ServiceError, refused=url_for("web.account"),
                       done=lambda user: _done(EMAIL_SECTION, f"We sent a new link to {user.email}."))


@web.post("/account/notifications")
@login_required
def account_notifications():
    """Which events reach you by email and in the app, and the low-balance threshold."""
    preferences = {event: {channel: f"{event}:{channel}" in request.form for channel in ("email", "in_app")}
                   for event in EVENTS}
    threshold = request.form.get("low_balance_threshold", "").strip()
    try:
        cents = parse_dollars(threshold) if threshold else None
    except InvalidAmount:
        error = BadRequest.for_field("low_balance_threshold_cents", "must be an amount of dollars like 25.00")
        return _section(NOTIFICATIONS_SECTION, status=422, notification_errors=_messages(error),
                        threshold_value=threshold)
    try:
        account_settings.update_settings(current_user, {"notification_preferences": preferences,
                                                        "low_balance_threshold_cents": cents})
    except ServiceError as error:
        return _section(NOTIFICATIONS_SECTION, status=422, notification_errors=_messages(error),
                        threshold_value=threshold)
    return _done(NOTIFICATIONS_SECTION, "Your notification settings are saved.")


@web.get("/verify-email")
def verify_email():
    """The page a verification link opens: a button, so that nothing changes by merely opening it (mail
    scanners open links too)."""
    return render_template("account/verify_email.html", token=request.args.get("token", ""), verified=None)


@web.post("/verify-email")
def confirm_verify_email():
    try:
        user = account_settings.verify_email(request.form.get("token", ""))
    except Unauthenticated as error:
        return render_template("account/verify_email.html", token="", verified=None, error=error.message), 400
    return render_template("account/verify_email.html", token="", verified=user.email)
