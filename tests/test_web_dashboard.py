"""The overview page as a dashboard: the rentals ending within a week with their extend forms, the
latest unread notifications with their links, and how long the balance lasts at today's renewal prices.
The whole page, and the dashboard alone for htmx.

The clock starts at 2025-01-21 22:00 UTC.
"""
from datetime import timedelta

import pytest
from sqlalchemy import update

from core.extensions import db
from models import Notification, Rental
from tests.factories import make_servers, server_record
from tests.html_tree import parse
from tests.statements import statements_sent
from tests.web_helpers import HTMX, csrf_from, log_in, text


@pytest.fixture
def servers(app):
    return make_servers(app, [server_record("node-weekly", prices={"1": "12.00", "7": "70.00"}),
                              server_record("node-monthly", prices={"30": "250.00"})])


def overview(client, headers=None):
    response = client.get("/", headers=headers or {})
    assert response.status_code == 200
    return response


def test_the_rentals_ending_within_a_week_come_with_their_extend_forms(client, api, clock, make_user, servers):
    alice = make_user("alice", balance_cents=400_00)
    weekly = api.rent(alice, servers["node-weekly"], 7)
    api.rent(alice, servers["node-monthly"], 30)
    log_in(client, "alice")

    page = parse(text(overview(client)))

    ending = page.by_id("ending-soon")
    rows = ending.find_all("tr", id=True)
    assert [row.attrs["id"] for row in rows] == [f"rental-{weekly}"]  # the monthly one is weeks away
    [form] = [form for form in rows[0].find_all("form") if "/extend" in form.attrs["action"]]
    assert form.attrs["hx-post"] == f"/rentals/{weekly}/extend?next=/"
    assert form.attrs["hx-target"] == "closest tr"
    assert "node-weekly" in rows[0].text()


def test_extending_from_the_overview_comes_back_to_it(app, client, api, clock, make_user, servers):
    alice = make_user("alice", balance_cents=400_00)
    weekly = api.rent(alice, servers["node-weekly"], 7)
    log_in(client, "alice")
    body = text(overview(client))

    response = client.post(f"/rentals/{weekly}/extend?next=/",
                           data={"additional_days": "7", "csrf_token": csrf_from(body)})

    assert response.status_code == 303 and response.headers["Location"] == "/"
    page = parse(text(overview(client)))
    assert page.by_id("ending-soon").find_all("tr", id=f"rental-{weekly}") == []  # it now ends in 14 days
    with app.app_context():
        assert db.session.get(Rental, weekly).rental_end == clock.now + timedelta(days=14)


def test_the_balance_lasts_until_the_first_renewal_it_cannot_pay(client, api, clock, make_user, servers):
    alice = make_user("alice", balance_cents=400_00)
    api.rent(alice, servers["node-weekly"], 7)
    api.rent(alice, servers["node-monthly"], 30)  # $80 left: the weekly renewal on the 28th, not the next
    log_in(client, "alice")

    runway = parse(text(overview(client))).by_id("runway")

    assert runway.text() == ("Balance lasts 14 days Renewals at today's prices ($18.33 a day) until "
                             "04 Feb 2025, 22:00 UTC")
    assert "stat-attention" not in runway.classes  # beyond LOW_BALANCE_DAYS


def test_a_balance_that_runs_out_within_the_warning_window_stands_out(client, api, clock, make_user, servers):
    alice = make_user("alice", balance_cents=100_00)
    api.rent(alice, servers["node-weekly"], 7)  # $30 left, the renewal on the 28th costs $70
    log_in(client, "alice")

    runway = parse(text(overview(client))).by_id("runway")

    assert runway.text() == ("Balance lasts 7 days Renewals at today's prices ($10.00 a day) until "
                             "28 Jan 2025, 22:00 UTC")
    assert "stat-attention" in runway.classes


def test_with_nothing_to_renew_the_overview_says_so(client, clock, make_user):
    make_user("bob", balance_cents=50_00)
    log_in(client, "bob")

    page = parse(text(overview(client)))

    assert page.by_id("runway").text() == "Balance lasts No renewals due None of your rentals is running"
    assert page.by_id("ending-soon").text().endswith("Nothing ends in the next 7 days.")
    assert page.by_id("unread").find("a", href="/notifications") is not None


def test_the_latest_unread_notifications_with_their_links(app, client, api, clock, tick, runner, make_user, servers):
    alice = make_user("alice", balance_cents=100_00)
    weekly = api.rent(alice, servers["node-weekly"], 7)
    tick()  # $30 will not pay the renewal on the 28th: a low balance
    runner.invoke(args=["wallet", "credit", "alice", "50"])  # now it will
    tick()
    clock.advance(days=4)
    tick()  # the 72-hour reminder
    with app.app_context():  # read on the notifications page
        db.session.execute(update(Notification).where(Notification.event == "wallet.credited")
                           .values(read_at=clock.now))
        db.session.commit()
    log_in(client, "alice")

    unread = parse(text(overview(client))).by_id("unread")

    links = [(link.text(), link.attrs["href"]) for link in unread.find_all("a")]
    assert links == [("All notifications", "/notifications"),
                     ("node-weekly ends in 3 days", f"/rentals/{weekly}"),
                     ("Your balance is low: $30.00", "/wallet")]


def test_an_announcement_not_yet_read_is_among_the_unread_until_read(client, api, make_user):
    alice = make_user("alice")
    administrator = make_user("site_admin", is_admin=True)
    announced = api.post("/admin/notifications", administrator, json={"title": "Maintenance tonight"})
    assert announced.status_code == 201
    log_in(client, "alice")

    assert "Maintenance tonight" in parse(text(overview(client))).by_id("unread").text()

    assert api.put(f"/notifications/{announced.json['data']['id']}/read", alice).status_code == 200
    assert "Maintenance tonight" not in parse(text(overview(client))).by_id("unread").text()


def test_the_dashboard_alone_for_htmx_and_the_whole_page_otherwise(client, api, clock, make_user, servers):
    alice = make_user("alice", balance_cents=400_00)
    api.rent(alice, servers["node-weekly"], 7)
    log_in(client, "alice")

    whole = overview(client)
    fragment = overview(client, HTMX)

    assert "<html" in text(whole) and 'id="dashboard"' in text(whole)
    assert "<html" not in text(fragment)
    assert parse(text(fragment)).by_id("ending-soon").find_all("tr", id=True)
    assert "HX-Request" in fragment.headers["Vary"]


def test_the_overview_costs_the_same_few_queries_however_much_there_is(app, client, api, clock, make_user):
    alice = make_user("alice", balance_cents=10_000_00)
    log_in(client, "alice")
    names = [f"node-{index}" for index in range(12)]
    ids = make_servers(app, [server_record(name, prices={"7": "70.00"}) for name in names])

    api.rent(alice, ids[names[0]], 7)
    with statements_sent(app) as few:
        overview(client)
    for name in names[1:]:
        api.rent(alice, ids[name], 7)
    with statements_sent(app) as many:
        overview(client)

    assert len(many) == len(few)


def test_extending_in_place_on_the_overview_answers_the_row(client, api, clock, make_user, servers):
    alice = make_user("alice", balance_cents=400_00)
    weekly = api.rent(alice, servers["node-weekly"], 7)
    log_in(client, "alice")
    body = text(overview(client))

    response = client.post(f"/rentals/{weekly}/extend?next=/",
                           data={"additional_days": "7", "csrf_token": csrf_from(body)},
                           headers={**HTMX, "HX-Target": f"rental-{weekly}"})

    assert response.status_code == 200
    row = parse(text(response)).by_id(f"rental-{weekly}")
    assert "Extended by 7 days for $70.00." in row.text()
    assert parse(text(response)).by_id("balance").text() == "Balance $260.00"  # the header's balance, out of band
