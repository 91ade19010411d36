"""Money coming in on the pages: the wallet page's card top-up (to Stripe's checkout, with and without
JavaScript) and its request for credit, and the administrators' page of requests."""
import pytest

from tests.html_tree import parse
from tests.ledger import assert_books_balance, balance_of
from tests.stripe_stand_in import deliver, paid, stripe_api  # noqa: F401
from tests.web_helpers import HTMX, log_in, post_form, text


@pytest.fixture
def alice(client, make_user):
    person = make_user("alice", alias="Alice")
    log_in(client, "alice")
    return person


def page_text(response) -> str:
    return parse(text(response)).text()


# --- Card top-ups ---------------------------------------------------------------------------------

def test_without_card_payments_the_wallet_says_so_and_how_else_to_get_credit(client, make_user, alice):
    make_user("rita", is_admin=True, alias="Rita Root")
    body = page_text(client.get("/wallet"))
    assert "Card payments are not available on this installation. Ask for credit instead" in body
    assert ("To add credit, ask for it on the wallet page: an administrator decides (Rita Root (rita))."
            in body)
    assert parse(text(client.get("/wallet"))).find("form", action="/wallet/card-payments") is None


def test_with_card_payments_on_the_wallet_offers_them_within_the_bounds(client, alice, stripe_api):
    body = page_text(client.get("/wallet"))
    assert "To add credit, pay by card on the wallet page, or ask for credit there" in body
    assert "From $5.00 to $1,000.00." in body
    assert parse(text(client.get("/wallet"))).find("form", action="/wallet/card-payments") is not None


def test_htmx_goes_straight_to_stripes_checkout(app, client, alice, stripe_api):
    response = post_form(client, "/wallet/card-payments", {"amount": "25.00"}, form_page="/wallet", headers=HTMX)
    assert response.status_code == 200
    [session] = stripe_api.sessions.values()
    assert response.headers["HX-Redirect"] == session["url"]
    assert session["amount_total"] == 2500
    assert balance_of(app, alice.id) == 0


def test_a_plain_post_goes_to_the_wallet_page_which_links_to_the_checkout(app, client, alice, stripe_api):
    # The pages' CSP lets a form post only to this site, redirects included: the link takes the person on.
    response = post_form(client, "/wallet/card-payments", {"amount": "25.00"}, form_page="/wallet")
    assert response.status_code == 303
    [session] = stripe_api.sessions.values()
    intent_id = session["client_reference_id"]
    assert response.headers["Location"] == f"/wallet?card_payment={intent_id}"
    page = client.get(response.headers["Location"])
    link = parse(text(page)).find("a", href=session["url"])
    assert link.text() == "Continue to the payment page"
    assert "your balance grows as soon as Stripe confirms it" in page_text(page)


def test_back_from_stripe_the_wallet_says_what_became_of_the_payment(app, client, alice, stripe_api):
    post_form(client, "/wallet/card-payments", {"amount": "25.00"}, form_page="/wallet")
    [session] = stripe_api.sessions.values()
    intent_id = session["client_reference_id"]
    cancelled = page_text(client.get(f"/wallet?card_payment={intent_id}&checkout=cancelled"))
    assert "You left the card payment of $25.00; nothing was charged." in cancelled
    deliver(app.test_client(), paid(session))
    done = client.get(f"/wallet?card_payment={intent_id}")
    assert "Your card payment of $25.00 is in your wallet." in page_text(done)
    assert "Card top-up" in page_text(done)  # among the transactions, as money in
    assert "+$25.00" in page_text(done)
    assert_books_balance(app, alice.id)


def test_someone_elses_payment_is_not_shown(client, make_user, alice, stripe_api, api):
    bob = make_user("bob")
    theirs = api.post("/wallet/payments/stripe/checkout", as_=bob, json={"amount": "30.00"}).json["data"]
    assert "$30.00" not in page_text(client.get(f"/wallet?card_payment={theirs['intent_id']}"))


@pytest.mark.parametrize("headers", [HTMX, {}], ids=["htmx", "plain"])
def test_an_amount_out_of_bounds_is_shown_beside_the_field(client, alice, stripe_api, headers):
    response = post_form(client, "/wallet/card-payments", {"amount": "2.00"}, form_page="/wallet", headers=headers)
    assert response.status_code == 422
    assert parse(text(response)).by_id("card-amount-error").text() == "Must be between $5.00 and $1000.00"
    assert stripe_api.sessions == {}


def test_a_checkout_stripe_refuses_is_said_on_the_wallet_page(client, alice, stripe_api):
    stripe_api.refuse_next = True
    response = post_form(client, "/wallet/card-payments", {"amount": "25.00"}, form_page="/wallet")
    assert response.status_code == 303
    assert "The card payment could not be started; nothing was charged." in page_text(client.get("/wallet"))


# --- Credit requests ------------------------------------------------------------------------------

@pytest.mark.parametrize("headers", [HTMX, {}], ids=["htmx", "plain"])
def test_asking_for_credit_lists_the_request(app, client, alice, headers):
    response = post_form(client, "/wallet/credit-requests", {"amount": "250.50", "reason": "Q1 budget"},
                         form_page="/wallet", headers=headers)
    if not headers:
        assert response.status_code == 303
        response = client.get("/wallet")
    assert response.status_code == 200
    section = parse(text(response)).by_id("credit-requests")
    assert "Pending $250.50" in section.text() and "Q1 budget" in section.text()
    assert "Your request for $250.50 was sent to the administrators" in text(response)


@pytest.mark.parametrize("amount, reason, field, message", [
    ("lots", "x", "amount", "Must be an amount of dollars with at most 2 decimals, such as 250 or 99.50"),
    ("", "x", "amount", "This field is required"),
    ("0", "x", "amount", "Must be greater than zero"),
    ("1000000.01", "x", "amount", "Must be at most $1000000.00"),
    ("10", "", "reason", "Must not be empty"),
    ("10", "x" * 501, "reason", "Must be at most 500 characters"),
    ("10", "a\x00b", "reason", "Must not contain NUL characters"),
])
@pytest.mark.parametrize("headers", [HTMX, {}], ids=["htmx", "plain"])
def test_a_bad_request_is_shown_beside_its_field(api, client, alice, headers, amount, reason, field, message):
    response = post_form(client, "/wallet/credit-requests", {"amount": amount, "reason": reason},
                         form_page="/wallet", headers=headers)
    assert response.status_code == 422
    assert parse(text(response)).by_id(f"request-{field}-error").text() == message
    assert api.get("/wallet/credit-requests", as_=alice).json["data"] == []


def test_the_admin_page_lists_pending_requests_and_approves_one(app, api, client, make_user):
    alice, bob = make_user("alice"), make_user("bob")
    make_user("root", is_admin=True)
    first = api.post("/wallet/credit-requests", as_=alice, json={"amount_cents": 5000, "reason": "Budget"}).json
    second = api.post("/wallet/credit-requests", as_=bob, json={"amount_cents": 700, "reason": "Tests"}).json
    log_in(client, "root")
    assert "Credit requests" in page_text(client.get("/admin"))
    page = parse(text(client.get("/admin/credit-requests")))
    rows = page.by_id("credit-request-list").find_all("tr")
    assert [row.attrs.get("id") for row in rows[1:]] == [f"credit-request-{first['data']['id']}",
                                                   f"credit-request-{second['data']['id']}"]

    approved = post_form(client, f"/admin/credit-requests/{first['data']['id']}/approve", {},
                         form_page="/admin/credit-requests", headers=HTMX)
    assert approved.status_code == 200
    row = parse(text(approved)).by_id(f"credit-request-{first['data']['id']}")
    assert "Approved" in row.text()
    assert "Approved the request of alice for $50.00." in text(approved)
    assert balance_of(app, alice.id) == 5000

    rejected = post_form(client, f"/admin/credit-requests/{second['data']['id']}/reject", {},
                         form_page="/admin/credit-requests")
    assert rejected.status_code == 303
    assert "No pending requests." in page_text(client.get("/admin/credit-requests"))
    assert "Rejected" in page_text(client.get("/admin/credit-requests?status=rejected"))
    assert balance_of(app, bob.id) == 0
    assert_books_balance(app, alice.id)


def test_deciding_twice_on_the_page_is_refused_without_a_second_credit(app, api, client, make_user):
    alice = make_user("alice")
    make_user("root", is_admin=True)
    request = api.post("/wallet/credit-requests", as_=alice, json={"amount_cents": 5000, "reason": "x"}).json["data"]
    log_in(client, "root")
    path = f"/admin/credit-requests/{request['id']}/approve"
    token_page = "/admin/credit-requests"
    assert post_form(client, path, {}, form_page=token_page, headers=HTMX).status_code == 200
    again = post_form(client, path, {}, form_page="/admin", headers=HTMX)
    assert again.status_code == 422
    assert "This request was approved already" in text(again)
    assert balance_of(app, alice.id) == 5000


def test_the_admin_page_is_for_administrators(client, alice):
    assert client.get("/admin/credit-requests").status_code == 403
