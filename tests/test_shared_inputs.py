"""One rule per input: the same bad value is refused by the API and by every page that takes it, in
the same words, beside the same field, and nothing is stored (tables in tests/bad_values.py)."""
import pytest

from tests import bad_values
from tests.bad_values import Bad
from tests.factories import make_rental, make_servers, server_record
from tests.html_tree import parse
from tests.snapshots import database_unchanged
from tests.stripe_stand_in import stripe_api  # noqa: F401
from tests.users import PASSWORD
from tests.web_helpers import HTMX, log_in, post_form

PRICES = {"7": "70.00", "30": "250.00"}


def cases(table: list[Bad]):
    return pytest.mark.parametrize("bad", table, ids=[bad.label for bad in table])


def form_cases(table: list[Bad]):
    """For an input only a page takes: the values a form can carry."""
    return cases([bad for bad in table if bad.form])


def error_beside(response, field: str) -> str:
    """The message shown for ``field`` (the element ``<field>-error`` a field's ``aria-describedby`` names)."""
    return parse(response.get_data(as_text=True)).by_id(f"{field}-error").text()


@pytest.fixture
def alice(app, client, make_user):
    person = make_user("alice", balance_cents=100_000, is_admin=True)
    log_in(client, "alice")
    return person


@pytest.fixture
def server_id(app) -> str:
    return make_servers(app, [server_record("nyc-1", prices=PRICES)])["nyc-1"]


def api_refuses(app, api, method: str, path: str, person, body: dict, field: str, bad: Bad) -> None:
    with database_unchanged(app):
        response = api.call(method, path, as_=person, json=body)
    assert response.status_code == 400, response.json
    assert response.json["code"] == "VALIDATION_FAILED"
    assert {"field": field, "message": bad.message} in response.json["details"], response.json


def page_refuses(app, client, path: str, data: dict, field: str, bad: Bad, form_page: str | None = None) -> None:
    """Refused as a page and as an htmx fragment, with the message beside ``field`` (the id of the
    element the message describes)."""
    if not bad.form:
        return
    for headers in ({}, HTMX):
        with database_unchanged(app):
            response = post_form(client, path, data, form_page=form_page, headers=headers)
        assert response.status_code == 422, (path, headers)
        assert error_beside(response, field) == bad.on_page, (path, headers)


@cases(bad_values.POOL_NAME)
def test_a_pool_name(app, api, client, alice, bad):
    api_refuses(app, api, "POST", "/pools", alice, {"name": bad.value}, "name", bad)
    page_refuses(app, client, "/pools", {"name": bad.value}, "name", bad)


@cases(bad_values.POOL_DESCRIPTION)
def test_a_pool_description(app, api, client, alice, bad):
    pool = api.post("/pools", as_=alice, json={"name": "Ops"}).json["data"]["id"]
    api_refuses(app, api, "POST", "/pools", alice, {"name": "New", "description": bad.value}, "description", bad)
    api_refuses(app, api, "PATCH", f"/pools/{pool}", alice, {"description": bad.value}, "description", bad)
    page_refuses(app, client, "/pools", {"name": "New", "description": bad.value}, "description", bad)
    page_refuses(app, client, f"/pools/{pool}/description", {"description": bad.value}, "description", bad,
                 form_page=f"/pools/{pool}")


@cases(bad_values.USERNAME)
def test_a_username(app, api, client, make_user, alice, bad):
    pool = alice.default_pool_id
    api_refuses(app, api, "POST", f"/pools/{pool}/members", alice, {"username": bad.value, "role": "user"},
                "username", bad)
    page_refuses(app, client, f"/pools/{pool}/members", {"username": bad.value, "role": "user"}, "username", bad,
                 form_page=f"/pools/{pool}")
    page_refuses(app, client, "/admin/credit", {"username": bad.value, "amount": "10"}, "username", bad,
                 form_page="/admin")
    newcomer = app.test_client()
    page_refuses(app, newcomer, "/register", {"username": bad.value, "password": PASSWORD, "confirm": PASSWORD},
                 "username", bad)
    api_refuses(app, api, "POST", "/auth/signup", None, {"username": bad.value, "password": PASSWORD}, "username", bad)


@cases(bad_values.ALIAS)
def test_a_display_name(app, api, alice, bad):
    # The account page has no field for it: the API changes it.
    api_refuses(app, api, "PATCH", "/users/me", alice, {"alias": bad.value}, "alias", bad)


@form_cases(bad_values.ALIAS_AT_REGISTRATION)
def test_a_display_name_at_registration(app, bad):
    newcomer = app.test_client()
    page_refuses(app, newcomer, "/register",
                 {"username": "newcomer", "alias": bad.value, "password": PASSWORD, "confirm": PASSWORD},
                 "alias", bad)


@cases(bad_values.EMAIL)
def test_an_email_address(app, api, client, alice, bad):
    api_refuses(app, api, "PATCH", "/users/me", alice, {"email": bad.value}, "email", bad)
    api_refuses(app, api, "PUT", "/users/me", alice, {"alias": "Alice", "email": bad.value}, "email", bad)
    page_refuses(app, client, "/account/email", {"email": bad.value}, "email", bad, form_page="/account")
    api_refuses(app, api, "POST", "/auth/signup", None, {"username": "newcomer", "password": PASSWORD,
                                                         "email": bad.value}, "email", bad)
    api_refuses(app, api, "POST", "/auth/forgot-password", None, {"email": bad.value}, "email", bad)
    page_refuses(app, app.test_client(), "/register", {"username": "newcomer", "password": PASSWORD,
                                                       "confirm": PASSWORD, "email": bad.value}, "email", bad)


@cases(bad_values.NOTIFICATION_PREFERENCES)
def test_notification_preferences(app, api, alice, bad):
    api_refuses(app, api, "PATCH", "/users/me", alice,
                {"notification_preferences": bad.value, "low_balance_threshold_cents": 2500},
                f"notification_preferences{bad.within}", bad)


@cases(bad_values.LOW_BALANCE_THRESHOLD_CENTS)
def test_a_low_balance_threshold(app, api, alice, bad):
    preferences = {"rental.expired": {"email": False}}
    api_refuses(app, api, "PATCH", "/users/me", alice,
                {"low_balance_threshold_cents": bad.value, "notification_preferences": preferences},
                "low_balance_threshold_cents", bad)


@form_cases(bad_values.LOW_BALANCE_THRESHOLD_DOLLARS)
def test_a_low_balance_threshold_in_dollars(app, client, alice, bad):
    # Every checkbox left out turns every notification off: refused, nothing of that is stored either.
    page_refuses(app, client, "/account/notifications", {"low_balance_threshold": bad.value},
                 "low_balance_threshold", bad, form_page="/account")


@form_cases(bad_values.PASSWORD)
def test_a_new_password(app, api, client, alice, bad):
    newcomer = app.test_client()
    page_refuses(app, newcomer, "/register", {"username": "newcomer", "password": bad.value, "confirm": bad.value},
                 "password", bad)
    api_refuses(app, api, "POST", "/auth/signup", None, {"username": "newcomer", "password": bad.value},
                "password", bad)
    api_refuses(app, api, "POST", "/auth/reset-password", None, {"token": "0" * 64, "password": bad.value},
                "password", bad)
    page_refuses(app, client, f"/admin/users/{alice.id}/password", {"password": bad.value, "confirm": bad.value},
                 "password", bad)


@cases(bad_values.DAYS)
def test_a_duration(app, api, client, alice, server_id, bad):
    api_refuses(app, api, "POST", f"/servers/{server_id}/rent", alice, {"rental_days": bad.value}, "rental_days",
                bad)
    page_refuses(app, client, f"/marketplace/{server_id}/rent",
                 {"rental_days": bad.value, "pool_id": alice.default_pool_id}, "rental_days", bad,
                 form_page=f"/marketplace/{server_id}")
    rental = make_rental(app, alice.id, alice.default_pool_id, server_id)
    api_refuses(app, api, "POST", f"/rentals/{rental}/extend", alice, {"additional_days": bad.value},
                "additional_days", bad)
    # A rental's row has no room beside each field: its complaints go under the whole form.
    page_refuses(app, client, f"/rentals/{rental}/extend", {"additional_days": bad.value}, f"extend-{rental}", bad,
                 form_page=f"/rentals/{rental}")
    api_refuses(app, api, "PUT", f"/rentals/{rental}/auto-renew", alice,
                {"additional_days": bad.value, "max_charge_cents": 7000}, "additional_days", bad)
    page_refuses(app, client, f"/rentals/{rental}/auto-renew",
                 {"enabled": "y", "additional_days": bad.value, "max_charge": "70.00"}, f"auto-renew-{rental}", bad,
                 form_page=f"/rentals/{rental}")


@cases(bad_values.TIME)
def test_the_end_a_rental_was_seen_with(app, api, client, alice, server_id, bad):
    rental = make_rental(app, alice.id, alice.default_pool_id, server_id)
    api_refuses(app, api, "POST", f"/rentals/{rental}/extend", alice,
                {"additional_days": 7, "expected_rental_end": bad.value}, "expected_rental_end", bad)
    page_refuses(app, client, f"/rentals/{rental}/extend", {"additional_days": "7", "expected_rental_end": bad.value},
                 f"extend-{rental}", bad, form_page=f"/rentals/{rental}")


@cases(bad_values.CENTS)
def test_the_most_a_client_agrees_to_pay(app, api, alice, server_id, bad):
    api_refuses(app, api, "POST", f"/servers/{server_id}/rent", alice,
                {"rental_days": 7, "max_charge_cents": bad.value}, "max_charge_cents", bad)
    rental = make_rental(app, alice.id, alice.default_pool_id, server_id)
    api_refuses(app, api, "POST", f"/rentals/{rental}/extend", alice,
                {"additional_days": 7, "max_charge_cents": bad.value}, "max_charge_cents", bad)


@pytest.mark.parametrize("field, bad", [("page", bad) for bad in bad_values.INVOICE_PAGE]
                         + [("limit", bad) for bad in bad_values.INVOICE_LIMIT],
                         ids=[f"page {bad.label}" for bad in bad_values.INVOICE_PAGE]
                         + [f"limit {bad.label}" for bad in bad_values.INVOICE_LIMIT])
def test_a_page_of_invoices(api, alice, field, bad):
    """Only the API takes them (the invoices page pages as every page does); with and without the trailing slash."""
    for path in ("/wallet/invoices", "/wallet/invoices/"):
        response = api.get(path, as_=alice, query_string={field: bad.value})
        assert response.status_code == 400, bad.label
        assert response.json["code"] == "VALIDATION_FAILED"
        assert response.json["details"] == [{"field": field, "message": bad.message}]


@cases(bad_values.CEILING_CENTS)
def test_the_ceiling_of_an_auto_renewal(app, api, alice, server_id, bad):
    rental = make_rental(app, alice.id, alice.default_pool_id, server_id)
    api_refuses(app, api, "PUT", f"/rentals/{rental}/auto-renew", alice,
                {"additional_days": 7, "max_charge_cents": bad.value}, "max_charge_cents", bad)


@form_cases(bad_values.CEILING_DOLLARS)
def test_the_ceiling_of_an_auto_renewal_in_dollars(app, client, alice, server_id, bad):
    rental = make_rental(app, alice.id, alice.default_pool_id, server_id)
    page_refuses(app, client, f"/rentals/{rental}/auto-renew",
                 {"enabled": "y", "additional_days": "7", "max_charge": bad.value}, f"auto-renew-{rental}", bad,
                 form_page=f"/rentals/{rental}")


@form_cases(bad_values.CREDIT_DOLLARS)
def test_a_wallet_credit(app, client, alice, bad):
    page_refuses(app, client, "/admin/credit", {"username": "alice", "amount": bad.value}, "amount", bad,
                 form_page="/admin")


@cases(bad_values.TOP_UP_AMOUNT)
def test_a_card_top_up(app, api, client, alice, stripe_api, bad):
    api_refuses(app, api, "POST", "/wallet/payments/stripe/checkout", alice, {"amount": bad.value}, "amount", bad)
    page_refuses(app, client, "/wallet/card-payments", {"amount": bad.value}, "card-amount", bad, form_page="/wallet")
    assert stripe_api.requests == []


@cases(bad_values.CREDIT_REQUEST_CENTS)
def test_the_amount_of_a_credit_request(app, api, alice, bad):
    api_refuses(app, api, "POST", "/wallet/credit-requests", alice, {"amount_cents": bad.value, "reason": "x"},
                "amount_cents", bad)


@form_cases(bad_values.CREDIT_DOLLARS)
def test_the_dollars_of_a_credit_request(app, client, alice, bad):
    page_refuses(app, client, "/wallet/credit-requests", {"amount": bad.value, "reason": "x"}, "request-amount",
                 bad, form_page="/wallet")


@cases(bad_values.CREDIT_REQUEST_REASON)
def test_the_reason_of_a_credit_request(app, api, client, alice, bad):
    api_refuses(app, api, "POST", "/wallet/credit-requests", alice, {"amount_cents": 100, "reason": bad.value},
                "reason", bad)
    page_refuses(app, client, "/wallet/credit-requests", {"amount": "1", "reason": bad.value}, "request-reason",
                 bad, form_page="/wallet")


@pytest.mark.parametrize("path", ["/admin", "/admin/users"])
def test_an_admin_search_for_text_no_column_holds_is_refused(client, alice, path):
    response = client.get(path, query_string={"q": "node\x00"})
    assert response.status_code == 400
    assert "q must not contain NUL characters" in parse(response.get_data(as_text=True)).text()


@cases(bad_values.WEBHOOK_URL)
def test_a_webhook_url(app, api, client, alice, bad):
    made = api.post("/webhooks", as_=alice, json={"url": "https://93.184.215.14/hooks", "events": ["*"]})
    hook = made.json["data"]["id"]
    api_refuses(app, api, "POST", "/webhooks", alice, {"url": bad.value, "events": ["*"]}, "url", bad)
    api_refuses(app, api, "PATCH", f"/webhooks/{hook}", alice, {"url": bad.value}, "url", bad)
    page_refuses(app, client, "/webhooks", {"url": bad.value, "events": ["*"]}, "url", bad)
    page_refuses(app, client, f"/webhooks/{hook}", {"url": bad.value, "events": ["*"]}, "url", bad)


@cases(bad_values.WEBHOOK_DESCRIPTION)
def test_a_webhook_description(app, api, client, alice, bad):
    body = {"url": "https://93.184.215.14/hooks", "events": ["*"]}
    api_refuses(app, api, "POST", "/webhooks", alice, {**body, "description": bad.value}, "description", bad)
    page_refuses(app, client, "/webhooks", {**body, "description": bad.value}, "description", bad)


@cases(bad_values.WEBHOOK_EVENTS)
def test_webhook_events(app, api, client, alice, bad):
    body = {"url": "https://93.184.215.14/hooks"}
    hook = api.post("/webhooks", as_=alice, json={**body, "events": ["*"]}).json["data"]["id"]
    api_refuses(app, api, "POST", "/webhooks", alice, {**body, "events": bad.value}, "events", bad)
    api_refuses(app, api, "PATCH", f"/webhooks/{hook}", alice, {"events": bad.value}, "events", bad)
    page_refuses(app, client, "/webhooks", {**body, "events": bad.value}, "events", bad)


# --- Provisioning ---------------------------------------------------------------------------------

def _report_refused(app, api, client, alice, server_id, api_body: dict, api_field: str, form: dict, form_field: str,
                    bad: Bad) -> None:
    rental = make_rental(app, alice.id, alice.default_pool_id, server_id)
    api_refuses(app, api, "PUT", f"/admin/rentals/{rental}/provisioning", alice, {"status": "ready", **api_body},
                api_field, bad)
    page_refuses(app, client, f"/admin/rentals/{rental}/provisioning", {"status": "ready", **form}, form_field, bad,
                 form_page=f"/admin/rentals/{rental}")


@cases(bad_values.IPV4_ADDRESS)
def test_an_ipv4_address_of_a_server(app, api, client, alice, server_id, bad):
    _report_refused(app, api, client, alice, server_id, {"access": {"ipv4": ["203.0.113.1", bad.value]}},
                    "access.ipv4.1", {"ipv4": f"203.0.113.1\n{bad.value}"}, "ipv4", bad)


@cases(bad_values.IPV6_ADDRESS)
def test_an_ipv6_address_of_a_server(app, api, client, alice, server_id, bad):
    _report_refused(app, api, client, alice, server_id, {"access": {"ipv6": [bad.value]}}, "access.ipv6.0",
                    {"ipv6": bad.value}, "ipv6", bad)


@cases(bad_values.HOSTNAME)
def test_the_host_name_of_a_server(app, api, client, alice, server_id, bad):
    _report_refused(app, api, client, alice, server_id, {"access": {"hostname": bad.value}}, "access.hostname",
                    {"hostname": bad.value}, "hostname", bad)


@cases(bad_values.PROVISIONING_MESSAGE)
def test_the_message_of_a_setup(app, api, client, alice, server_id, bad):
    _report_refused(app, api, client, alice, server_id, {"message": bad.value}, "message", {"message": bad.value},
                    "message", bad)


@cases(bad_values.PROVISIONING_NOTES)
def test_the_access_notes_of_a_server(app, api, client, alice, server_id, bad):
    _report_refused(app, api, client, alice, server_id, {"access": {"notes": bad.value}}, "access.notes",
                    {"notes": bad.value}, "notes", bad)


@cases(bad_values.TRANSFER_CENTS)
def test_an_amount_moved_into_a_pool(app, api, alice, bad):
    api_refuses(app, api, "POST", f"/pools/{alice.default_pool_id}/wallet/transfers", alice,
                {"amount_cents": bad.value}, "amount_cents", bad)


@cases(bad_values.BUDGET_CENTS)
def test_a_pools_budget(app, api, alice, bad):
    for field in ("monthly_limit_cents", "member_monthly_limit_cents", "approval_threshold_cents"):
        api_refuses(app, api, "PUT", f"/pools/{alice.default_pool_id}/budget", alice, {field: bad.value}, field, bad)


@cases(bad_values.PAY_FROM)
def test_whose_wallet_pays(app, api, alice, server_id, bad):
    api_refuses(app, api, "POST", f"/servers/{server_id}/rent", alice, {"rental_days": 7, "pay_from": bad.value},
                "pay_from", bad)
    rental = make_rental(app, alice.id, alice.default_pool_id, server_id)
    api_refuses(app, api, "POST", f"/rentals/{rental}/extend", alice, {"additional_days": 7, "pay_from": bad.value},
                "pay_from", bad)
    api_refuses(app, api, "PUT", f"/rentals/{rental}/auto-renew", alice,
                {"additional_days": 7, "max_charge_cents": 7000, "pay_from": bad.value}, "pay_from", bad)
