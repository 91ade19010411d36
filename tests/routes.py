"""The app's routes as a test calls them: every method of every endpoint, path ids filled in.

Tests that check a rule on every endpoint read the URL map through here, so that a new endpoint is
checked without being listed."""
API_PREFIX = "/api/v1/"
# Reachable without a token: logging in (and its second step), signing up, the description of the API itself,
# the public announcements, and verifying an address or resetting a password (the emailed link's token is
# the credential).
PUBLIC_API_ENDPOINTS = {"api.login", "api.openapi_document", "api.public_notifications", "api.verify_email",
                        "api.two_factor_verify_login", "api.signup_account", "api.forgot_password", "api.stripe_webhook",
                        "api.reset_password"}
SOME_ID = "0123456789abcdef01234567"


def path_of(rule) -> str:
    """The rule's path with ``SOME_ID`` for each of its parameters."""
    return rule.build({name: SOME_ID for name in rule.arguments}, append_unknown=False)[1]


def api_calls(app, public: bool = True) -> list[tuple[str, str]]:
    """(method, path) for every method of every API endpoint; ``public=False`` leaves out those that
    need no token."""
    calls = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith(API_PREFIX) or (not public and rule.endpoint in PUBLIC_API_ENDPOINTS):
            continue
        path = path_of(rule)
        calls += [(method, path) for method in sorted(rule.methods - {"HEAD", "OPTIONS"})]
    return calls


def declared_permissions(app) -> list[tuple[str, str, str | None]]:
    """(method, path, the token permission its endpoint declares) for every protected API call."""
    from views.api.operations import operation_of

    adapter = app.url_map.bind("localhost")
    found = []
    for method, path in api_calls(app, public=False):
        endpoint, _ = adapter.match(path, method=method)
        found.append((method, path, operation_of(app.view_functions[endpoint]).permission))
    return found
