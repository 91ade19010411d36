"""The bell's unread count is one statement, read from indexes: the user's unread notifications are
one range of an index on ``user_id`` (SQLite: ``ix_notifications_user_read``, covering), and the read
marks of the announcements are looked up by index, never by reading a table whole.

The plans are the database's own for the statement ``GET /notifications/bell`` sends (PostgreSQL's
with reading whole tables priced out, as they would be at real size). On a handful of rows
PostgreSQL may walk either of the user's two indexes; at 100,000 it takes the index-only scan of
``ix_notifications_user_read`` (``bench/notifications.py`` prints the plan).
"""
from tests.notices import announce, rental_notifications
from tests.statements import query_plan, statements_sent
from tests.web_helpers import HTMX, log_in




def test_the_bell_counts_with_one_statement_read_from_indexes(app, api, client, clock, runner, make_user):
    alice = make_user("alice", balance_cents=1000_00)
    rental_notifications(app, api, clock, runner, alice)
    announce(api, make_user("root", is_admin=True))
    log_in(client, "alice")

    with statements_sent(app) as sent:
        response = client.get("/notifications/bell", headers=HTMX)
    assert response.status_code == 200
    counts = [(statement, parameters) for statement, parameters in sent if "notifications" in statement]
    assert len(counts) == 1, counts

    plan = query_plan(app, *counts[0])
    lines = plan.splitlines()
    if "SEARCH" in plan:  # SQLite
        assert any("COVERING INDEX ix_notifications_user_read" in line for line in lines), plan
        assert any("announcement_reads USING" in line and "INDEX" in line for line in lines), plan
        assert not any(line.strip() in ("SCAN notifications", "SCAN announcement_reads") for line in lines), plan
    else:
        assert any("using ix_notifications_user_" in line for line in lines), plan
        assert not any("Seq Scan" in line for line in lines), plan
