"""The auto-renew switch on a rental's page and in My rentals: with and without JavaScript (htmx),
shown with its period, ceiling, next attempt and last result; refused input beside the form."""
from datetime import datetime, timedelta, timezone

import pytest

from services import wallet
from tests.factories import make_servers, server_record
from tests.html_tree import parse
from tests.web_helpers import HTMX, log_in, post_form

START = datetime(2025, 1, 21, 22, 0, tzinfo=timezone.utc)


@pytest.fixture
def server_id(app):
    return make_servers(app, [server_record("node-us-nyc-1", prices={"1": "12.00", "7": "70.00"})])["node-us-nyc-1"]


@pytest.fixture
def alice(make_user, client):
    person = make_user("alice", balance_cents=1000_00)
    log_in(client, "alice")
    return person


def auto_renew_of(api, person, rental_id):
    return api.get(f"/rentals/{rental_id}", as_=person).json["data"]["auto_renew"]


def test_the_switch_turns_auto_renew_on_and_off_without_javascript(app, api, client, clock, alice, server_id):
    rental_id = api.rent(alice, server_id)
    section = parse(client.get(f"/rentals/{rental_id}").get_data(as_text=True)).by_id(f"auto-renew-{rental_id}")
    assert "Off" in section.text()

    on = post_form(client, f"/rentals/{rental_id}/auto-renew",
                   {"enabled": "y", "additional_days": "7", "max_charge": "75.00"}, form_page=f"/rentals/{rental_id}")
    assert on.status_code == 303 and on.headers["Location"].endswith(f"/rentals/{rental_id}")
    assert auto_renew_of(api, alice, rental_id)["max_charge_cents"] == 7500
    page = parse(client.get(f"/rentals/{rental_id}").get_data(as_text=True))
    assert "node-us-nyc-1: Auto-renew is on: 7 days at a time, up to $75.00, paid from your wallet." in page.text()
    section = page.by_id(f"auto-renew-{rental_id}").text()
    assert "7 days at a time, up to $75.00" in section
    assert "Next attempt: 27 Jan 2025, 22:00 UTC" in section

    off = post_form(client, f"/rentals/{rental_id}/auto-renew", {"additional_days": "7", "max_charge": "75.00"},
                    form_page=f"/rentals/{rental_id}")
    assert off.status_code == 303
    assert auto_renew_of(api, alice, rental_id) is None


def test_the_switch_answers_htmx_with_its_section(app, api, client, clock, alice, server_id):
    rental_id = api.rent(alice, server_id)
    response = post_form(client, f"/rentals/{rental_id}/auto-renew?next=/rentals",
                         {"enabled": "y", "additional_days": "1", "max_charge": "12.00"}, form_page="/rentals",
                         headers=HTMX)
    assert response.status_code == 200
    section = parse(response.get_data(as_text=True)).by_id(f"auto-renew-{rental_id}")
    assert "1 day at a time, up to $12.00" in section.text()
    assert auto_renew_of(api, alice, rental_id)["additional_days"] == 1


def test_my_rentals_shows_the_next_attempt_and_the_last_result(app, api, client, clock, tick, make_user, server_id):
    bob = make_user("bob", balance_cents=70_00)
    log_in(client, "bob")
    rental_id = api.rent(bob, server_id)
    api.put(f"/rentals/{rental_id}/auto-renew", as_=bob, json={"additional_days": 7, "max_charge_cents": 7000})
    clock.set(START + timedelta(days=6))
    tick()
    row = parse(client.get("/rentals").get_data(as_text=True)).by_id(f"rental-{rental_id}").text()
    assert "7 days at a time, up to $70.00" in row
    assert "Next attempt: 28 Jan 2025, 04:00 UTC" in row
    assert "Last: insufficient balance (27 Jan 2025, 22:00 UTC)" in row


@pytest.mark.parametrize("data, message", [
    ({"additional_days": "30", "max_charge": "75.00"}, "Must be one of this server's rental durations: 1, 7"),
    ({"additional_days": "7", "max_charge": "lots"}, "Must be an amount of dollars like 25.00"),
    ({"additional_days": "7", "max_charge": "-1"}, "Must be at least 0"),
    ({"additional_days": "7", "max_charge": "10000000.01"}, "Must be at most $10000000.00"),
])
def test_bad_settings_are_refused_beside_the_form(app, api, client, clock, alice, server_id, data, message):
    rental_id = api.rent(alice, server_id)
    for headers in ({}, HTMX):
        response = post_form(client, f"/rentals/{rental_id}/auto-renew", {"enabled": "y", **data},
                             form_page=f"/rentals/{rental_id}", headers=headers)
        assert response.status_code == 422
        error = parse(response.get_data(as_text=True)).by_id(f"auto-renew-{rental_id}-error").text()
        assert error == message
    assert auto_renew_of(api, alice, rental_id) is None


def test_only_those_who_may_extend_see_the_switch(app, api, client, clock, team, server_id):
    from sqlalchemy import update

    from core.extensions import db
    from models import User

    with app.app_context():
        db.session.execute(update(User).values(balance_cents=500_00))
        db.session.commit()
    rental_id = api.rent(team.owner, server_id, pool_id=team.pool_id)
    log_in(client, team.user.username)
    page = client.get(f"/rentals/{rental_id}").get_data(as_text=True)
    assert "Save auto-renew" not in page
    refused = post_form(client, f"/rentals/{rental_id}/auto-renew",
                        {"enabled": "y", "additional_days": "7", "max_charge": "75.00"}, form_page=f"/rentals/{rental_id}")
    assert refused.status_code == 303
    page = client.get(refused.headers["Location"]).get_data(as_text=True)
    assert "Only the renter or the pool&#39;s owner or admins can extend this rental" in page
    assert auto_renew_of(api, team.owner, rental_id) is None


def test_the_pools_owner_has_the_pool_pay_the_renewals_from_the_page(app, api, client, team, server_id):
    with app.app_context():
        wallet.credit(team.owner.username, 1000_00)
    rented = api.post(f"/servers/{server_id}/rent", as_=team.owner, json={"rental_days": 7, "pool_id": team.pool_id})
    rental_id = rented.json["data"]["rental"]["id"]
    log_in(client, team.owner.username)
    page = client.get(f"/rentals/{rental_id}")
    assert b'id="auto-renew-' + rental_id.encode() + b'-pay-from"' in page.data

    response = post_form(client, f"/rentals/{rental_id}/auto-renew",
                         {"enabled": "y", "additional_days": "7", "max_charge": "75.00", "pay_from": "pool"},
                         form_page=f"/rentals/{rental_id}")

    assert response.status_code == 303
    setting = api.get(f"/rentals/{rental_id}", as_=team.owner).json["data"]["auto_renew"]
    assert setting["pay_from"] == "pool" and setting["max_charge_cents"] == 7500
    assert "paid from the pool&#39;s wallet" in client.get(f"/rentals/{rental_id}").get_data(as_text=True)
