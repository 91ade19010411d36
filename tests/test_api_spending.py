"""What a wallet spent in a month (GET /pools/{id}/spending, GET /wallet/spending) and a wallet's
transactions as CSV (…/transactions/export), as API-CONTRACT-2 "Team billing" and "Wallet" say."""
import csv
import io
from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import text

from core.extensions import db
from tests import bad_values
from tests.ledger import assert_books_balance, assert_pool_books_balance
from tests.movements import move, set_budget


def at(day: int, hour: int = 12, month: int = 1, **rest) -> datetime:
    return datetime(2025, month, day, hour, tzinfo=timezone.utc).replace(**rest)


@pytest.fixture
def history(app, api, team):
    """January 2025 of the team's pool: money moved in, charges by three members over several days, a
    refund, a charge on the last millisecond of the month and one on the first of February; a member
    who spent and then left; and movements of other wallets, which are not the pool's."""
    pool = team.pool_id
    set_budget(app, pool, monthly_limit_cents=100_000, member_monthly_limit_cents=40_000)
    move(app, "credit", 300_000, user_id=team.owner.id, at=at(1))
    move(app, "transfer_out", 200_000, user_id=team.owner.id, at=at(2))
    move(app, "transfer_in", 200_000, user_id=team.owner.id, pool_id=pool, at=at(2))
    move(app, "rental", 25_000, user_id=team.owner.id, pool_id=pool, at=at(5, 10))
    move(app, "rental", 7_000, user_id=team.user.id, pool_id=pool, at=at(5, 12))
    move(app, "rental", 4_000, user_id=team.other_user.id, pool_id=pool, at=at(10))
    move(app, "extension", 3_000, user_id=team.user.id, pool_id=pool, at=at(20))
    move(app, "refund", 2_000, user_id=team.user.id, pool_id=pool, at=at(21))
    move(app, "rental", 5_000, user_id=team.admin.id, pool_id=pool,
         at=datetime(2025, 1, 31, 23, 59, 59, 999_000, tzinfo=timezone.utc))
    move(app, "rental", 9_000, user_id=team.admin.id, pool_id=pool, at=datetime(2025, 2, 1, tzinfo=timezone.utc))
    # The owner's own wallet, and another pool's: not this pool's spending.
    move(app, "rental", 1_111, user_id=team.owner.id, at=at(5))
    move(app, "credit", 10_000, user_id=team.stranger.id, at=at(1))
    move(app, "transfer_in", 10_000, user_id=team.stranger.id, pool_id=team.stranger.default_pool_id, at=at(1))
    move(app, "rental", 10_000, user_id=team.stranger.id, pool_id=team.stranger.default_pool_id, at=at(5))
    assert api.delete(f"/pools/{pool}/members/{team.other_user.id}", as_=team.owner).status_code == 200
    return team


def by_day(data) -> dict[str, int]:
    return {day["date"]: day["total_cents"] for day in data["by_day"] if day["total_cents"]}


def test_a_pools_month_in_all_by_member_and_by_day(api, history):
    team = history
    response = api.get(f"/pools/{team.pool_id}/spending?month=2025-01", as_=team.user)
    assert response.status_code == 200, response.json
    data = response.json["data"]
    assert data["month"] == "2025-01"
    # Charges less the refund; the money moved in, the owner's own wallet and the other pool do not count.
    assert data["total_cents"] == 25_000 + 7_000 + 4_000 + 3_000 - 2_000 + 5_000 == 42_000
    assert data["limit_cents"] == 100_000
    assert data["by_member"] == [
        {"user_id": team.owner.id, "username": "team_lead", "total_cents": 25_000, "limit_cents": 40_000},
        {"user_id": team.user.id, "username": "joe_user", "total_cents": 8_000, "limit_cents": 40_000},
        {"user_id": team.admin.id, "username": "jane_admin", "total_cents": 5_000, "limit_cents": 40_000},
        # A former member who spent that month; the pending invitee is no member.
        {"user_id": team.other_user.id, "username": "olga_user", "total_cents": 4_000, "limit_cents": 40_000},
    ]
    assert [day["date"] for day in data["by_day"]] == [(date(2025, 1, 1) + timedelta(days=n)).isoformat()
                                                      for n in range(31)]
    assert by_day(data) == {"2025-01-05": 32_000, "2025-01-10": 4_000, "2025-01-20": 3_000,
                            "2025-01-21": -2_000, "2025-01-31": 5_000}
    assert sum(day["total_cents"] for day in data["by_day"]) == data["total_cents"]


def test_midnight_starts_the_next_month(api, history):
    team = history
    data = api.get(f"/pools/{team.pool_id}/spending?month=2025-02", as_=team.owner).json["data"]
    assert data["total_cents"] == 9_000
    assert len(data["by_day"]) == 28 and by_day(data) == {"2025-02-01": 9_000}
    # Every current member, those who spent nothing with 0; the former member spent nothing this month.
    assert [(m["username"], m["total_cents"]) for m in data["by_member"]] == [
        ("jane_admin", 9_000), ("joe_user", 0), ("team_lead", 0)]


def test_without_a_month_it_is_the_current_month(api, history, clock):
    team = history
    data = api.get(f"/pools/{team.pool_id}/spending", as_=team.admin).json["data"]
    assert data["month"] == "2025-01" and data["total_cents"] == 42_000
    clock.set(datetime(2025, 2, 1, tzinfo=timezone.utc))
    assert api.get(f"/pools/{team.pool_id}/spending?month=%20", as_=team.admin).json["data"]["month"] == "2025-02"


def test_a_pool_without_limits_or_spending(api, team):
    data = api.get(f"/pools/{team.pool_id}/spending?month=2024-12", as_=team.owner).json["data"]
    assert data["total_cents"] == 0 and data["limit_cents"] is None
    assert {m["username"]: (m["total_cents"], m["limit_cents"]) for m in data["by_member"]} == {
        "team_lead": (0, None), "jane_admin": (0, None), "joe_user": (0, None), "olga_user": (0, None)}
    assert len(data["by_day"]) == 31 and by_day(data) == {}


@pytest.mark.parametrize("position", ["invitee", "stranger", "other_user"])
def test_only_members_see_a_pools_spending(api, history, position):
    # other_user has left the pool (history removes them).
    response = api.get(f"/pools/{history.pool_id}/spending", as_=history.person(position))
    assert response.status_code == 404 and response.json["code"] == "NOT_FOUND"
    export = api.get(f"/pools/{history.pool_id}/wallet/transactions/export", as_=history.person(position))
    assert export.status_code == 404 and export.json["code"] == "NOT_FOUND"


@pytest.mark.parametrize("bad", bad_values.MONTH, ids=[bad.label for bad in bad_values.MONTH])
def test_a_bad_month_is_refused(api, team, bad):
    for path in (f"/pools/{team.pool_id}/spending", "/wallet/spending"):
        response = api.get(path, as_=team.owner, query_string={"month": bad.value})
        assert response.status_code == 400, path
        assert response.json["code"] == "VALIDATION_FAILED"
        assert response.json["details"] == [{"field": "month", "message": bad.message}]


def test_a_persons_own_spending_by_day(app, api, history):
    team = history
    move(app, "rental", 2_500, user_id=team.owner.id, at=at(31, 23, minute=59, second=59, microsecond=999_000))
    move(app, "refund", 1_000, user_id=team.owner.id, at=at(6))
    move(app, "rental", 700, user_id=team.owner.id, at=datetime(2025, 2, 1, tzinfo=timezone.utc))
    data = api.get("/wallet/spending?month=2025-01", as_=team.owner).json["data"]
    # The pool's charges the owner made are the pool's, and the transfer into the pool is no spending.
    assert data == {"month": "2025-01", "total_cents": 1_111 + 2_500 - 1_000,
                    "by_day": data["by_day"]}
    assert len(data["by_day"]) == 31
    assert by_day(data) == {"2025-01-05": 1_111, "2025-01-06": -1_000, "2025-01-31": 2_500}
    assert api.get("/wallet/spending?month=2025-02", as_=team.owner).json["data"]["total_cents"] == 700
    assert_books_balance(app, team.owner.id)
    assert_pool_books_balance(app, team.pool_id)


# --- CSV ------------------------------------------------------------------------------------------

def rows_of(response) -> list[dict]:
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "text/csv"
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


def test_a_pools_transactions_as_csv(api, history):
    team = history
    response = api.get(f"/pools/{team.pool_id}/wallet/transactions/export", as_=team.user)
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="pool-{team.pool_id}-transactions-start-to-now.csv"')
    rows = rows_of(response)
    assert list(rows[0]) == ["id", "created_at", "type", "amount", "currency", "rental_id", "member", "note"]
    assert [(r["created_at"], r["type"], r["amount"], r["member"]) for r in rows] == [
        ("2025-01-02T12:00:00.000Z", "transfer_in", "2000.00", "team_lead"),
        ("2025-01-05T10:00:00.000Z", "rental", "-250.00", "team_lead"),
        ("2025-01-05T12:00:00.000Z", "rental", "-70.00", "joe_user"),
        ("2025-01-10T12:00:00.000Z", "rental", "-40.00", "olga_user"),
        ("2025-01-20T12:00:00.000Z", "extension", "-30.00", "joe_user"),
        ("2025-01-21T12:00:00.000Z", "refund", "20.00", "joe_user"),
        ("2025-01-31T23:59:59.999Z", "rental", "-50.00", "jane_admin"),
        ("2025-02-01T00:00:00.000Z", "rental", "-90.00", "jane_admin"),
    ]
    assert {r["currency"] for r in rows} == {"USD"} and rows[0]["note"] == "Transfer in"


def test_an_export_covers_the_days_asked_both_included(api, history):
    team = history
    path = f"/pools/{team.pool_id}/wallet/transactions/export"
    january_end = rows_of(api.get(f"{path}?from=2025-01-21&to=2025-01-31", as_=team.owner))
    assert [r["created_at"] for r in january_end] == ["2025-01-21T12:00:00.000Z", "2025-01-31T23:59:59.999Z"]
    from_february = api.get(f"{path}?from=2025-02-01", as_=team.owner)
    assert [r["amount"] for r in rows_of(from_february)] == ["-90.00"]
    assert 'filename="pool-' in from_february.headers["Content-Disposition"]
    assert from_february.headers["Content-Disposition"].endswith('-transactions-2025-02-01-to-now.csv"')
    assert len(rows_of(api.get(f"{path}?to=2025-01-05", as_=team.owner))) == 3
    assert rows_of(api.get(f"{path}?from=2025-03-01", as_=team.owner)) == []


def test_a_persons_own_transactions_as_csv(app, api, history):
    team = history
    response = api.get("/wallet/transactions/export?from=2025-01-01&to=2025-01-31", as_=team.owner)
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="wallet-transactions-2025-01-01-to-2025-01-31.csv"')
    rows = rows_of(response)
    assert list(rows[0]) == ["id", "created_at", "type", "amount", "currency", "rental_id", "note"]
    assert [(r["type"], r["amount"], r["note"]) for r in rows] == [
        ("credit", "3000.00", "Credit"), ("transfer_out", "-2000.00", "Transfer out"), ("rental", "-11.11", "Rental")]


def test_csv_cells_never_run_as_formulas(app, api, team):
    notes = ("=HYPERLINK(\"http://evil\")", "+1+1", "-2+3", "@SUM(A1)", "\tTab", "plain", "-5")
    for hour, note in enumerate(notes):
        move(app, "credit", 100, user_id=team.owner.id, at=at(3, hour), note=note)
    rows = rows_of(api.get("/wallet/transactions/export", as_=team.owner))
    assert [r["note"] for r in rows] == ["'=HYPERLINK(\"http://evil\")", "'+1+1", "'-2+3", "'@SUM(A1)", "'\tTab",
                                         "plain", "-5"]


@pytest.mark.parametrize("query, field, message", [
    ("from=2025-02-01&to=2025-01-31", "to", "must not be before from"),
    ("from=2025-01-01&to=2026-01-02", "to", "must be at most 366 days from from, both included"),
])
def test_a_period_backwards_or_over_a_year_is_refused(api, team, query, field, message):
    for path in ("/wallet/transactions/export", f"/pools/{team.pool_id}/wallet/transactions/export"):
        response = api.get(f"{path}?{query}", as_=team.owner)
        assert response.status_code == 400, path
        assert response.json["details"] == [{"field": field, "message": message}]


@pytest.mark.parametrize("bad", bad_values.DAY, ids=[bad.label for bad in bad_values.DAY])
def test_a_bad_day_is_refused(api, team, bad):
    for path in ("/wallet/transactions/export", f"/pools/{team.pool_id}/wallet/transactions/export"):
        response = api.get(path, as_=team.owner, query_string={"from": bad.value, "to": bad.value})
        assert response.status_code == 400, path
        assert response.json["details"] == [{"field": "from", "message": bad.message},
                                            {"field": "to", "message": bad.message}]


def test_a_full_year_is_one_export(api, team):
    response = api.get("/wallet/transactions/export?from=2024-01-01&to=2024-12-31", as_=team.owner)
    assert response.status_code == 200 and rows_of(response) == []


def test_a_file_nobody_reads_holds_nothing_in_the_database(app, api, history):
    """A server takes the first piece of an answer before sending it; a client that goes then leaves no
    read open that would keep others waiting."""
    unread = api.get(f"/pools/{history.pool_id}/wallet/transactions/export", as_=history.owner)
    assert unread.status_code == 200
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            db.session.execute(text("SET LOCAL lock_timeout = '5s'"))
            db.session.execute(text("LOCK TABLE transactions IN ACCESS EXCLUSIVE MODE"))
        else:
            db.session.execute(text("DELETE FROM transactions"))
        db.session.commit()
