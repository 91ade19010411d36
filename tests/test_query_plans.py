"""The marketplace's queries use its indexes: each order walks its own index (no sort of the
matches), and no filter makes the database read the whole servers table.

The plans are the database's own (SQLite ``EXPLAIN QUERY PLAN``; PostgreSQL ``EXPLAIN`` with
reading the whole table and sorting priced out, as they would be on a table of real size) for the
statements that ``GET /api/v1/servers/available`` sends.
"""
import pytest

from core.extensions import db
from tests.factories import make_servers, server_record
from tests.statements import statements_sent

ORDER_INDEXES = {
    "": "ix_servers_browse",
    "sort=price_per_day": "ix_servers_by_price",
    "sort=-price_per_day": "ix_servers_by_price_desc",
    "sort=cpu_score": "ix_servers_by_cpu_score",
    "sort=ram_gb": "ix_servers_by_ram",
    "sort=storage_gb": "ix_servers_by_storage",
}
FILTERS = (
    "country=US",
    "region=us-east",
    "max_price_per_day=15",
    "available_durations=7,30",
    "available_durations=7&max_price_per_day=15",
    "min_cpu_cores=16",
    "min_cpu_score=20000",
    "cpu_score_type=geekbench_multi",
    "min_ram_gb=128",
    "ram_types=DDR5,ECC DDR5",
    "min_total_storage_gb=2000",
    "disk_types=NVMe,SSD",
    "min_bandwidth_mbps=1000",
    "min_traffic_tb=20",
    "unlimited_traffic_only=true",
    "category=compute",
    "featured_only=true",
    "country=US&min_ram_gb=128&max_price_per_day=15",
    "category=compute&disk_types=NVMe,SSD&available_durations=7,30",
    "offset=50000",
)


@pytest.fixture
def marketplace(app, make_user):
    make_servers(app, [server_record(f"node-{i}", popularity_rank=i % 7 + 1, featured=i % 3 == 0) for i in range(12)])
    return make_user("browser")


def _statements(app, client, person, query: str) -> list[tuple[str, object]]:
    with statements_sent(app) as sent:
        response = client.get(f"/api/v1/servers/available?{query}", headers=person.headers)
    assert response.status_code == 200, response.get_json()
    return [(statement, parameters) for statement, parameters in sent
            if " servers" in statement and "api_tokens" not in statement]


def _plan(app, statement: str, parameters) -> str:
    with app.app_context(), db.engine.connect() as connection:
        raw = connection.connection.dbapi_connection
        cursor = raw.cursor()
        if connection.dialect.name == "sqlite":
            rows = cursor.execute(f"EXPLAIN QUERY PLAN {statement}", parameters).fetchall()
            return "\n".join(row[-1] for row in rows)
        # A few rows: price reading the table and sorting the matches as they would cost on 100,000.
        for setting in ("enable_seqscan", "enable_bitmapscan", "enable_sort"):
            cursor.execute(f"SET {setting} = off")
        cursor.execute(f"EXPLAIN {statement}", parameters)
        return "\n".join(row[0] for row in cursor.fetchall())


def _page_and_count(app, client, person, query: str) -> tuple[str, str]:
    statements = _statements(app, client, person, query)
    page = [s for s in statements if "ORDER BY" in s[0]]
    count = [s for s in statements if s[0].lstrip().upper().startswith("SELECT COUNT")
             or "count(*)" in s[0].split("FROM", 1)[0]]
    assert len(page) == 1 and len(count) == 1, statements
    return _plan(app, *page[0]), _plan(app, *count[0])


def _reads_whole_table(plan: str) -> bool:
    lines = plan.splitlines()
    return any(line.strip() == "SCAN servers" or "Seq Scan on servers" in line for line in lines)


def _sorts(plan: str) -> bool:
    return "TEMP B-TREE" in plan or any(line.strip().startswith(("Sort", "->  Sort", "Incremental Sort"))
                                         or "Sort  (" in line for line in plan.splitlines())


@pytest.mark.parametrize("order", ORDER_INDEXES, ids=lambda order: order or "default order")
def test_each_order_walks_its_own_index(app, client, marketplace, order):
    page, count = _page_and_count(app, client, marketplace, f"{order}&limit=50")
    assert ORDER_INDEXES[order] in page, page
    assert not _sorts(page), page
    assert not _reads_whole_table(page) and not _reads_whole_table(count), count


@pytest.mark.parametrize("query", FILTERS)
def test_filters_are_read_from_the_browse_index(app, client, marketplace, query):
    page, count = _page_and_count(app, client, marketplace, f"{query}&limit=50")
    assert "ix_servers_browse" in page and not _sorts(page), page
    assert not _reads_whole_table(page) and not _reads_whole_table(count), count
    if "SCAN" in count:  # SQLite's words: counting the matches reads an index, never a table row
        assert all("COVERING INDEX" in line for line in count.splitlines() if "servers" in line), count


@pytest.mark.parametrize("query", ["min_ram_gb=128&sort=ram_gb", "max_price_per_day=15&sort=price_per_day",
                                   "min_cpu_score=20000&sort=cpu_score"])
def test_a_filter_on_the_sort_key_still_walks_the_sort_index(app, client, marketplace, query):
    page, _ = _page_and_count(app, client, marketplace, f"{query}&limit=50")
    assert not _sorts(page), page
