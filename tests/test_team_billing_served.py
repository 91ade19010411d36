"""A pool's monthly limit under real concurrency: twenty pool-paid rents sent at once to gunicorn with four
worker processes (``gunicorn.conf.py``, counts shared in Redis), against the tests' database (SQLite or
PostgreSQL, as ``TEST_DATABASE_URL`` says). However the requests interleave across the processes, the
pool pays for no more than its limit allows, and the books balance afterwards."""
import json
import secrets
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

from core.extensions import db
from services import wallet
from tests.factories import add_server
from tests.ledger import assert_books_balance, assert_pool_books_balance
from tests.gunicorn_server import served_by_gunicorn

RENTS = 20
WEEK = 70_00


def test_twenty_pool_paid_rents_at_once_across_four_workers_stay_within_the_limit(
        app, api, team, database_url, redis_url, tmp_path):
    with app.app_context():
        wallet.credit(team.owner.username, 2000_00)
        db.session.remove()
    assert api.post(f"/pools/{team.pool_id}/wallet/transfers", as_=team.owner,
                    json={"amount_cents": 2000_00}).status_code == 201
    limit = 5 * WEEK + 69_99  # room for five weeks, not six
    assert api.put(f"/pools/{team.pool_id}/budget", as_=team.owner,
                   json={"monthly_limit_cents": limit}).status_code == 200
    servers = [add_server(app, id=f"{0xfee000 + n:024x}", name=f"served-node-{n}") for n in range(RENTS)]
    # The workers open their own connections; the tests' app lets go of its own.
    with app.app_context():
        db.engine.dispose()

    environment = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "APP_ENV": "production",
                   "SECRET_KEY": secrets.token_hex(32), "INSTANCE_PATH": str(tmp_path), "DATABASE_URL": database_url,
                   "REDIS_URL": redis_url, "WEB_CONCURRENCY": "4", "AUTO_MIGRATE": "0"}
    with served_by_gunicorn(tmp_path, (), environment) as server:
        assert server.request("GET", "/healthz").status == 200  # every worker is up before the rush
        barrier = threading.Barrier(RENTS)

        def rent(server_id: str) -> int:
            body = json.dumps({"rental_days": 7, "pool_id": team.pool_id, "pay_from": "pool"})
            headers = {"Content-Type": "application/json", "Authorization": f"Bearer {team.admin.token}"}
            barrier.wait()
            return server.request("POST", f"/api/v1/servers/{server_id}/rent", body, headers).status

        with ThreadPoolExecutor(max_workers=RENTS) as pool:
            statuses = Counter(pool.map(rent, servers))
        log = server.log()

    assert "Serving with 4 sync worker processes" in log
    assert statuses == {201: 5, 409: RENTS - 5}, (statuses, log[-3000:])
    wallet_now = api.get(f"/pools/{team.pool_id}/wallet", as_=team.owner).json["data"]
    assert wallet_now["balance_cents"] == 2000_00 - 5 * WEEK
    for person in (team.owner, team.admin):
        assert_books_balance(app, person.id)
    assert_pool_books_balance(app, team.pool_id)
