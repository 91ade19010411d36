"""The one place that decides whether a request gets a whole page or only the fragment htmx asked for."""
from flask import Response, flash, make_response, render_template, request
from flask import redirect as plain_redirect


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
