"""Team billing on the pages: the pool page's wallet (moving money in), its budget form (the owner's), its
spend requests with approve and reject, and the "Pay from" choice of the rent and extend forms. Every post
works as a plain form (303, or the page again with the refusal, 422) and through htmx."""
from datetime import timedelta

import pytest

from core.extensions import db
from core.timeutil import utcnow
from services import wallet
from tests.factories import add_server
from tests.html_tree import parse
from tests.ledger import assert_books_balance, assert_pool_books_balance, balance_of
from tests.snapshots import database_unchanged
from tests.statements import statements_sent
from tests.web_helpers import HTMX, csrf_token, log_in, text


@pytest.fixture
def browser(app, team):
    def open_as(position: str):
        client = app.test_client()
        log_in(client, team.person(position).username)
        client.form_token = csrf_token(client, f"/pools/{team.pool_id}")
        return client
    return open_as


@pytest.fixture
def funded(app, team):
    with app.app_context():
        for person in (team.owner, team.admin, team.user):
            wallet.credit(person.username, 1000_00)
        db.session.remove()
    return team


def post(client, path: str, data: dict | None = None, htmx: bool = False):
    return client.post(path, data={**(data or {}), "csrf_token": client.form_token}, headers=HTMX if htmx else {})


def pool_page(client, team):
    response = client.get(f"/pools/{team.pool_id}")
    assert response.status_code == 200
    return parse(text(response))


def test_a_member_moves_money_into_the_pool_from_its_page(app, browser, funded):
    client = browser("user")
    section = pool_page(client, funded).find(id="pool-wallet")
    assert "$0.00" in section.find(id="pool-balance").text()
    response = post(client, f"/pools/{funded.pool_id}/wallet/transfers", {"amount": "25.50"})
    assert response.status_code == 303
    page = pool_page(client, funded)
    assert "$25.50" in page.find(id="pool-balance").text()
    assert "Transfer in" in page.find(class_="pool-transactions-table").text()
    assert balance_of(app, funded.user.id) == 1000_00 - 25_50
    htmx = post(client, f"/pools/{funded.pool_id}/wallet/transfers", {"amount": "4.50"}, htmx=True)
    assert htmx.status_code == 200
    assert "$30.00" in parse(text(htmx)).find(id="pool-balance").text()
    assert_books_balance(app, funded.user.id)
    assert_pool_books_balance(app, funded.pool_id)


@pytest.mark.parametrize("amount", ["0", "-5", "1.005", "lots", "99999999999"])
def test_a_bad_or_too_large_transfer_is_refused_beside_the_field(app, browser, funded, amount):
    client = browser("user")
    with database_unchanged(app):
        response = post(client, f"/pools/{funded.pool_id}/wallet/transfers", {"amount": amount})
    assert response.status_code == 422
    section = parse(text(response)).find(id="pool-wallet")
    assert section.find(class_="field-error") is not None


def test_a_transfer_above_ones_balance_says_so(app, browser, funded):
    client = browser("user")
    with database_unchanged(app):
        response = post(client, f"/pools/{funded.pool_id}/wallet/transfers", {"amount": "1000.01"}, htmx=True)
    assert response.status_code == 422
    assert "Insufficient balance" in text(response)
    assert "alert-error" in text(response)  # above the form, which comes back as it was sent


def test_only_the_owner_sees_and_posts_the_budget_form(app, browser, team):
    owner = browser("owner")
    assert pool_page(owner, team).find(id="pool-budget").find("form") is not None
    admin = browser("admin")
    assert pool_page(admin, team).find(id="pool-budget").find("form") is None
    with database_unchanged(app):
        refused = post(admin, f"/pools/{team.pool_id}/budget", {"monthly_limit": "100"})
    assert refused.status_code == 422
    saved = post(owner, f"/pools/{team.pool_id}/budget",
                 {"monthly_limit": "100", "member_monthly_limit": "", "approval_threshold": "50",
                  "members_may_spend": "y"}, htmx=True)
    assert saved.status_code == 200
    figures = parse(text(saved)).find(id="pool-budget-figures").text()
    assert "of $100.00" in figures and "above $50.00" in figures and "Yes" in figures
    bad = post(owner, f"/pools/{team.pool_id}/budget", {"monthly_limit": "-1"})
    assert bad.status_code == 422


def test_the_rent_form_offers_the_pools_wallet_where_one_may_spend(app, browser, funded):
    server_id = add_server(app)
    user = browser("user")
    assert parse(text(user.get(f"/marketplace/{server_id}"))).find("select", name="pay_from") is None
    owner = browser("owner")
    form = parse(text(owner.get(f"/marketplace/{server_id}")))
    options = [o.text() for o in form.find("select", name="pay_from").find_all("option")]
    assert options == ["My wallet", "The pool's wallet"]


def test_renting_paid_by_the_pool_from_the_marketplace(app, browser, funded):
    server_id = add_server(app)
    owner = browser("owner")
    post(owner, f"/pools/{funded.pool_id}/wallet/transfers", {"amount": "100"})
    token = csrf_token(owner, f"/marketplace/{server_id}")
    response = owner.post(f"/marketplace/{server_id}/rent",
                          data={"csrf_token": token, "rental_days": "7", "pool_id": funded.pool_id,
                                "pay_from": "pool", "quoted_prices": "1:1200,7:7000,30:24050"})
    assert response.status_code == 303, text(response)
    assert balance_of(app, funded.owner.id) == 1000_00 - 100_00
    assert "$30.00" in pool_page(owner, funded).find(id="pool-balance").text()
    assert_pool_books_balance(app, funded.pool_id)


def test_a_rent_above_the_threshold_is_sent_for_approval_and_approved_on_the_pool_page(app, browser, funded):
    server_id = add_server(app)
    owner = browser("owner")
    post(owner, f"/pools/{funded.pool_id}/wallet/transfers", {"amount": "500"})
    post(owner, f"/pools/{funded.pool_id}/budget", {"approval_threshold": "50"})
    admin = browser("admin")
    token = csrf_token(admin, f"/marketplace/{server_id}")
    sent = admin.post(f"/marketplace/{server_id}/rent",
                      data={"csrf_token": token, "rental_days": "7", "pool_id": funded.pool_id,
                            "pay_from": "pool", "quoted_prices": "1:1200,7:7000,30:24050"}, headers=HTMX)
    assert sent.status_code == 200 and sent.headers["HX-Redirect"].endswith(f"/pools/{funded.pool_id}#spend-requests")
    page = pool_page(admin, funded)
    assert "Sent for approval" in page.text()
    row = page.find(class_="spend-requests-table")
    assert "Pending" in row.text() and row.find("button") is None  # not theirs to decide
    owners = pool_page(owner, funded).find(id="spend-requests")
    [approve] = [form for form in owners.find_all("form") if form.attrs["action"].endswith("/approve")]
    assert post(owner, approve.attrs["action"]).status_code == 303
    page = pool_page(owner, funded)
    assert "Approved" in page.find(class_="spend-requests-table").text()
    assert "$430.00" in page.find(id="pool-balance").text()
    assert_pool_books_balance(app, funded.pool_id)


def test_rejecting_on_the_pool_page_swaps_the_requests(app, browser, funded):
    server_id = add_server(app)
    owner = browser("owner")
    post(owner, f"/pools/{funded.pool_id}/wallet/transfers", {"amount": "500"})
    post(owner, f"/pools/{funded.pool_id}/budget", {"approval_threshold": "50"})
    admin = browser("admin")
    token = csrf_token(admin, f"/marketplace/{server_id}")
    admin.post(f"/marketplace/{server_id}/rent", data={"csrf_token": token, "rental_days": "7",
                                                       "pool_id": funded.pool_id, "pay_from": "pool",
                                                       "quoted_prices": "1:1200,7:7000,30:24050"})
    [reject] = [form for form in pool_page(owner, funded).find(id="spend-requests").find_all("form")
                if form.attrs["action"].endswith("/reject")]
    response = post(owner, reject.attrs["action"], htmx=True)
    assert response.status_code == 200
    assert "Rejected" in parse(text(response)).find(class_="spend-requests-table").text()
    assert balance_of(app, funded.owner.id) == 500_00


def test_extending_paid_by_the_pool_from_the_rentals_page(app, api, browser, funded):
    server_id = add_server(app)
    owner = browser("owner")
    post(owner, f"/pools/{funded.pool_id}/wallet/transfers", {"amount": "100"})
    rental_id = api.rent(funded.owner, server_id, pool_id=funded.pool_id)
    page = parse(text(owner.get(f"/rentals/{rental_id}")))
    form = page.find("form", class_="extend-form")
    assert form.find("select", name="pay_from") is not None
    token = csrf_token(owner, f"/rentals/{rental_id}")
    response = owner.post(f"/rentals/{rental_id}/extend",
                          data={"csrf_token": token, "additional_days": "7", "pay_from": "pool",
                                "expected_rental_end": form.find("input", name="expected_rental_end").attrs["value"],
                                "quoted_prices": "1:1200,7:7000,30:24050"})
    assert response.status_code == 303, text(response)
    assert "$30.00" in pool_page(owner, funded).find(id="pool-balance").text()
    assert_books_balance(app, funded.owner.id)
    assert_pool_books_balance(app, funded.pool_id)


def test_the_budget_shows_this_months_spending_read_once_with_the_chart(app, browser, funded):
    server_id = add_server(app)
    owner = browser("owner")
    post(owner, f"/pools/{funded.pool_id}/wallet/transfers", {"amount": "100"})
    token = csrf_token(owner, f"/marketplace/{server_id}")
    assert owner.post(f"/marketplace/{server_id}/rent",
                      data={"csrf_token": token, "rental_days": "7", "pool_id": funded.pool_id, "pay_from": "pool",
                            "quoted_prices": "1:1200,7:7000,30:24050"}).status_code == 303

    def budget(client, query: str = "") -> list[str]:
        response = client.get(f"/pools/{funded.pool_id}{query}")
        assert response.status_code == 200
        return [row.text() for row in parse(text(response)).find(id="pool-budget-figures").find_all("dd")][:2]

    with statements_sent(app) as sent:
        assert budget(owner) == ["$70.00 (no monthly limit)", "$70.00 (no limit per member)"]
    sums = [statement for statement, _ in sent if "sum(CASE" in statement.replace("SUM(", "sum(")]
    assert len(sums) == 1  # the chart's figures serve the budget too
    assert budget(browser("admin")) == ["$70.00 (no monthly limit)", "$0.00 (no limit per member)"]
    last_month = (utcnow().replace(day=1) - timedelta(days=1)).strftime("%Y-%m")
    assert budget(owner, f"?month={last_month}") == ["$70.00 (no monthly limit)", "$70.00 (no limit per member)"]
