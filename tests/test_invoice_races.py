"""Invoice numbers under concurrency: charges racing from threads each get an invoice, and the numbers
stay unique and without gaps (on SQLite and PostgreSQL alike; PostgreSQL is where they truly overlap)."""
from collections import Counter

from sqlalchemy import func, select

from models import Invoice, Transaction
from tests.factories import make_servers
from tests.ledger import assert_books_balance
from tests.races import count, race
from tests.records import RENTABLE_SERVER
from tests.invoices import assert_numbered_without_gaps, assert_one_invoice_per_transaction

USERS = 12


def test_concurrent_charges_of_many_users_get_unique_numbers_without_gaps(app, api, make_user):
    people = [make_user(f"renter{n}", balance_cents=200_00) for n in range(USERS)]
    records = [{**RENTABLE_SERVER, "id": f"{0xbee000 + n:024x}", "name": f"race-node-{n}"} for n in range(USERS)]
    servers = list(make_servers(app, records).values())
    results = race(app, [("POST", f"/servers/{server}/rent", person.headers, {"rental_days": 7})
                         for person, server in zip(people, servers)])
    assert Counter(status for status, _ in results) == {201: USERS}, results

    extends = race(app, [("POST", f"/rentals/{body['data']['rental']['id']}/extend", person.headers,
                          {"additional_days": 7}) for person, (_, body) in zip(people, results)])
    assert Counter(status for status, _ in extends) == {200: USERS}, extends

    assert count(app, select(func.count(Transaction.id))) == 3 * USERS  # opening balance, rent, extend
    assert_one_invoice_per_transaction(app)
    assert_numbered_without_gaps(app)
    assert count(app, select(func.max(Invoice.sequence))) == 3 * USERS
    for person in people:
        assert_books_balance(app, person.id)


def test_charges_racing_for_one_balance_number_only_those_that_passed(app, make_user):
    alice = make_user("alice", balance_cents=3 * 70_00 + 50)
    records = [{**RENTABLE_SERVER, "id": f"{0xcab000 + n:024x}", "name": f"race-node-{n}"} for n in range(8)]
    servers = list(make_servers(app, records).values())
    results = race(app, [("POST", f"/servers/{server}/rent", alice.headers, {"rental_days": 7})
                         for server in servers])

    assert Counter(status for status, _ in results) == {201: 3, 402: 5}, results
    assert_one_invoice_per_transaction(app)
    assert_numbered_without_gaps(app)
    assert count(app, select(func.max(Invoice.sequence))) == 4  # the opening balance and three rents
    assert_books_balance(app, alice.id)
