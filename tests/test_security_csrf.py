"""Every form post of the pages is refused (400) without the session's CSRF token, and changes nothing.

The routes are read from the app's URL map, so a page added later is covered without a change here.
"""
import pytest

from tests.routes import SOME_ID, path_of
from tests.snapshots import database_unchanged
from tests.web_helpers import HTMX, csrf_token, log_in


# Posts that no browser form makes: a webhook sender has no session (the demo's receiver checks the
# signature instead, and is there only when WEBHOOK_DEMO_RECEIVER is on).
NOT_FORMS = {"/demo/webhook-receiver"}


def form_posts(app) -> list[str]:
    """The path of every page route (the API aside) that takes a POST, path ids filled in."""
    paths = []
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/") or "POST" not in rule.methods or rule.rule in NOT_FORMS:
            continue
        paths.append(path_of(rule))
    return sorted(paths)


def test_the_url_map_has_the_forms_to_check(app):
    posts = form_posts(app)
    assert {"/login", "/register", "/logout", "/tokens", f"/tokens/{SOME_ID}/revoke"} <= set(posts)


BAD_TOKENS = {
    "no token": {},
    "a made-up token": {"csrf_token": "not-a-real-token"},
    "another session's token": None,  # filled in by the test
}


@pytest.mark.parametrize("case", BAD_TOKENS)
def test_every_form_post_without_the_sessions_token_is_refused(app, client, make_user, case):
    make_user("alice")
    make_user("bob")
    data = BAD_TOKENS[case]
    if data is None:
        other = app.test_client()
        log_in(other, "bob")
        data = {"csrf_token": csrf_token(other, "/tokens")}
    log_in(client, "alice")
    wrong = []
    with database_unchanged(app):
        for path in form_posts(app):
            for headers in ({}, HTMX):
                response = client.post(path, data={"name": "x", "username": "alice", **data}, headers=headers)
                if response.status_code != 400 or "CSRF" not in response.get_data(as_text=True):
                    wrong.append(f"{path} {headers} -> {response.status_code}")
    assert wrong == []


def test_an_htmx_post_with_the_token_in_its_header_is_accepted(client, make_user):
    make_user("alice")
    log_in(client, "alice")
    token = csrf_token(client, "/tokens")
    response = client.post("/tokens", data={"name": "deploy", "lifetime": "30"},
                           headers={**HTMX, "X-CSRFToken": token})
    assert response.status_code == 200


def test_an_anonymous_form_post_without_a_token_is_refused_too(app, client, make_user):
    make_user("alice")
    with database_unchanged(app):
        for path in form_posts(app):
            assert client.post(path, data={"username": "alice"}).status_code == 400, path
