"""The spending figures read a pool's month from its wallet index alone, in one statement, and a
person's from a range of an index: the plans are the database's (SQLite ``EXPLAIN QUERY PLAN``;
PostgreSQL ``EXPLAIN`` with reading the whole table priced out, as on a table of real size)."""
from datetime import datetime, timezone

from tests.movements import move
from tests.statements import query_plan, statements_sent




def _reading_transactions(app, client, person, path: str) -> list[tuple[str, object]]:
    with statements_sent(app) as sent:
        response = client.get(f"/api/v1{path}", headers=person.headers)
    assert response.status_code == 200, response.get_json()
    return [(statement, parameters) for statement, parameters in sent if "FROM transactions" in statement]


def test_a_pools_month_is_one_statement_on_its_wallet_index_alone(app, client, team):
    move(app, "credit", 5_000, user_id=team.owner.id, at=datetime(2025, 1, 2, tzinfo=timezone.utc))
    move(app, "transfer_in", 5_000, user_id=team.owner.id, pool_id=team.pool_id,
         at=datetime(2025, 1, 2, tzinfo=timezone.utc))
    move(app, "rental", 2_000, user_id=team.user.id, pool_id=team.pool_id, at=datetime(2025, 1, 3, tzinfo=timezone.utc))
    (statement,) = _reading_transactions(app, client, team.owner, f"/pools/{team.pool_id}/spending?month=2025-01")
    plan = query_plan(app, *statement)
    assert "ix_transactions_pool_created" in plan, plan
    assert "COVERING INDEX" in plan or "Index Only Scan" in plan, plan


def test_a_persons_month_is_one_statement_on_an_index_range(app, client, team):
    move(app, "credit", 5_000, user_id=team.owner.id, at=datetime(2025, 1, 2, tzinfo=timezone.utc))
    (statement,) = _reading_transactions(app, client, team.owner, "/wallet/spending?month=2025-01")
    plan = query_plan(app, *statement)
    # On a few rows PostgreSQL may take (created_at, user_id) instead: a range of an index all the same.
    assert "ix_transactions_user_created" in plan or "ix_transactions_created_user" in plan, plan
    assert "Seq Scan" not in plan and "SCAN transactions" not in plan.splitlines(), plan
