"""The one place that decides whether a request gets a whole page or only the fragment htmx asked for,
and how a post answers: ``submit`` (a form's errors, a refusal, or ``done``: a fragment or a redirect)."""
from collections.abc import Callable
from typing import TypeVar

from flask import Response, flash, make_response, render_template, request
from flask import redirect as plain_redirect
from flask_wtf import FlaskForm

from services.errors import ServiceError
from views.web.forms import add_service_errors

T = TypeVar("T")


def is_htmx() -> bool:
    # A history restore is sent by htmx but must be answered with the whole page it puts back.
    return (request.headers.get("HX-Request") == "true"
            and request.headers.get("HX-History-Restore-Request") != "true")


def vary(response: Response) -> Response:
    """Mark ``response`` as depending on ``HX-Request``, so no cache hands a fragment to a plain request."""
    response.vary.add("HX-Request")
    return response


def render(full_template: str, fragment_template: str, status: int = 200, **context) -> Response:
    """The fragment for htmx, the full page (which includes that fragment) for everything else."""
    template = fragment_template if is_htmx() else full_template
    return vary(make_response(render_template(template, **context), status))


def fragment(template: str, status: int = 200, **context) -> Response:
    """A fragment only, for routes whose plain-form answer is a redirect rather than a page."""
    return vary(make_response(render_template(template, **context), status))


def redirect(location: str) -> Response:
    """Go to ``location`` after a successful post: ``HX-Redirect`` for htmx, a 303 otherwise.

    htmx would follow a 303 inside the XHR and swap the next page into the form's target;
    ``HX-Redirect`` makes the browser load it whole instead (the header and flashes change too).
    """
    if is_htmx():
        response = make_response("", 200)
        response.headers["HX-Redirect"] = location
        return vary(response)
    return vary(plain_redirect(location, 303))


def with_updates(body: str = "", status: int = 200, badge: bool = False, bell: bool = False) -> Response:
    """``body`` plus out-of-band updates of the flash messages (and the invitations badge in the nav, and
    the notifications bell's unread count)."""
    updates = render_template("partials/oob_updates.html", badge=badge, bell=bell)
    return vary(make_response(body + updates, status))


def refusal(message: str, badge: bool = False) -> Response:
    """A refusal for htmx: the message among the flashes, and the element that asked left as it was."""
    flash(message, "error")
    response = with_updates(status=422, badge=badge)
    response.headers["HX-Reswap"] = "none"
    return response


def empty() -> Response:
    """An empty 200: htmx swaps the target (``closest tr``) for nothing, removing the row."""
    return vary(make_response("", 200))


# --- A web post ------------------------------------------------------------------------------------

def refuse(error: ServiceError, refused: Callable[[ServiceError], Response] | str | None = None,
           badge: bool = False) -> Response:
    """A service's refusal of a post: ``refusal`` for htmx. A plain post gets ``refused(error)``, or,
    when ``refused`` is a location, the message among the flashes there; without it, the error page."""
    if is_htmx():
        return refusal(error.message, badge=badge)
    if refused is None:
        raise error
    if isinstance(refused, str):
        flash(error.message, "error")
        return redirect(refused)
    return refused(error)


def submit(action: Callable[[], T], *, done: Callable[[T], Response], form: FlaskForm | None = None,
           again: Callable[[], Response] | None = None,
           complaints: type[ServiceError] | tuple[type[ServiceError], ...] = ServiceError,
           add_errors: Callable[[FlaskForm, ServiceError], None] = add_service_errors,
           refusals: type[ServiceError] | tuple[type[ServiceError], ...] = (),
           refused: Callable[[ServiceError], Response] | str | None = None, badge: bool = False) -> Response:
    """Every web post: convert the form, call the service, answer.

    A ``form`` that does not convert answers ``again()`` (the form with its errors), and the service is
    not asked. Otherwise ``action()`` calls it, and what it returns goes to ``done`` (which answers
    with ``done(...)`` below). A ``ServiceError`` it raises is, in this order: one of ``refusals``,
    answered by ``refuse``; one of the form's ``complaints``, put beside its fields by ``add_errors``
    and answered by ``again()``; anything else, the error page.
    """
    if form is not None and not form.validate_on_submit():
        return again()
    try:
        result = action()
    except ServiceError as error:
        if isinstance(error, refusals):
            return refuse(error, refused, badge=badge)
        if form is None or not isinstance(error, complaints):
            raise
        add_errors(form, error)
        return again()
    return done(result)


def done(to: str, message: str | None = None, *, category: str = "success",
         updates: Callable[[], str] | str | None = None, fragment: Callable[[], Response] | None = None,
         badge: bool = False, bell: bool = False) -> Response:
    """The answer to a post that worked, with ``message`` where the answer shows it.

    htmx gets ``fragment()`` alone if given (it says what happened in its own way: no flash), else
    the ``updates`` body with the flashes (and the ``badge``, the ``bell``) out of band. Everything else
    goes to ``to``: a 303 for a plain post, ``HX-Redirect`` for htmx, the message among its flashes.
    """
    if fragment is not None and is_htmx():
        return fragment()
    if message:
        flash(message, category)
    if updates is not None and is_htmx():
        return with_updates(updates() if callable(updates) else updates, badge=badge, bell=bell)
    return redirect(to)
