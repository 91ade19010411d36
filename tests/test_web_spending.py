"""The spending sections of the pool page and the wallet page: charts drawn on the server (SVG with
its figures in words), the same numbers in tables, a month picker with and without htmx, and the CSV
downloads."""
import csv
import io
from datetime import datetime, timezone

import pytest

from tests import bad_values
from tests.html_tree import parse
from tests.movements import move, set_budget
from tests.web_helpers import HTMX, log_in, text


def at(day: int, month: int = 1, hour: int = 12) -> datetime:
    return datetime(2025, month, day, hour, tzinfo=timezone.utc)


@pytest.fixture
def pool_history(app, client, team, clock):
    """The owner and a member spend from the pool in January 2025, over the member's limit; the owner
    is signed in."""
    set_budget(app, team.pool_id, monthly_limit_cents=50_000, member_monthly_limit_cents=10_000)
    move(app, "credit", 100_000, user_id=team.owner.id, at=at(1))
    move(app, "transfer_in", 100_000, user_id=team.owner.id, pool_id=team.pool_id, at=at(1))
    move(app, "rental", 25_000, user_id=team.owner.id, pool_id=team.pool_id, at=at(5))
    move(app, "rental", 12_000, user_id=team.user.id, pool_id=team.pool_id, at=at(9))
    move(app, "refund", 1_000, user_id=team.user.id, pool_id=team.pool_id, at=at(10))
    log_in(client, "team_lead")
    return team


def test_the_pool_page_draws_this_months_spending_against_its_limits(client, pool_history):
    team = pool_history
    response = client.get(f"/pools/{team.pool_id}")
    assert response.status_code == 200
    page = parse(text(response))
    section = page.by_id("pool-spending")
    assert section.by_id("pool-spending-heading").text() == "Spending in January 2025"
    assert page.by_id("pool-spending-total").text() == "$360.00"
    total = section.by_id("pool-spending-bar")
    assert total.attrs["role"] == "img"
    assert total.attrs["aria-label"] == "The pool in January 2025: $360.00 spent of a $500.00 limit"
    assert total.find("line", class_="chart-limit").attrs["x1"] == "100.00"
    assert total.find("rect", class_="chart-fill").attrs["width"] == "72.00"
    owner_bar = section.by_id(f"pool-spending-member-{team.owner.id}")
    assert owner_bar.attrs["aria-label"] == ("Team Lead in January 2025: $250.00 spent of a $100.00 limit, "
                                             "over the limit")
    assert "chart-over" in owner_bar.classes
    member_bar = section.by_id(f"pool-spending-member-{team.user.id}")
    assert member_bar.attrs["aria-label"] == ("Joe User in January 2025: $110.00 spent of a $100.00 limit, "
                                              "over the limit")
    # The line marks the limit: at $100 of the $110 the bar is scaled to.
    assert member_bar.find("line", class_="chart-limit").attrs["x1"] == "90.91"
    idle_bar = section.by_id(f"pool-spending-member-{team.admin.id}")
    assert idle_bar.attrs["aria-label"] == "Jane Smith in January 2025: $0.00 spent of a $100.00 limit"
    rows = [[cell.text() for cell in row.find_all("td")]
            for row in section.find("table", class_="spending-members-table").find_all("tr") if row.find("td")]
    assert rows == [["Team Lead", "$250.00", "$100.00"], ["Joe User", "$110.00", "$100.00"],
                    ["Jane Smith", "$0.00", "$100.00"], ["Olga User", "$0.00", "$100.00"]]
    days = section.by_id("pool-spending-days")
    assert days.attrs["aria-label"] == ("The pool's spending in January 2025, a bar a day: $360.00 in all, "
                                        "most on 5 Jan ($250.00)")
    bars = {bar.attrs["data-date"]: bar for bar in days.find_all("rect", class_="chart-fill")}
    assert len(bars) == 31
    assert bars["2025-01-05"].attrs["height"] == "100.00" and bars["2025-01-09"].attrs["height"] == "48.00"
    assert bars["2025-01-09"].find("title").text() == "9 Jan 2025: $120.00"
    assert bars["2025-01-10"].attrs["height"] == "0.00"
    day_rows = {row.find_all("td")[0].text(): row.find_all("td")[1].text()
                for row in section.find("details").find_all("tr") if row.find("td")}
    assert len(day_rows) == 31
    assert (day_rows["5 Jan 2025"], day_rows["9 Jan 2025"], day_rows["10 Jan 2025"], day_rows["11 Jan 2025"]) == (
        "$250.00", "$120.00", "-$10.00", "$0.00")
    assert section.find("form", action=f"/pools/{team.pool_id}/transactions.csv") is not None


def test_the_month_picker_works_with_and_without_htmx(client, pool_history):
    team = pool_history
    page = parse(text(client.get(f"/pools/{team.pool_id}")))
    picker = page.by_id("pool-spending").find("form", method="get", action=f"/pools/{team.pool_id}")
    assert picker.attrs["hx-get"] == f"/pools/{team.pool_id}/spending"
    assert picker.find("input", name="month").attrs["value"] == "2025-01"
    previous = page.by_id("pool-spending").find("a", rel="prev")
    assert previous.attrs["href"] == f"/pools/{team.pool_id}?month=2024-12"
    # Without JavaScript: the whole page for the month picked.
    december = parse(text(client.get(f"/pools/{team.pool_id}?month=2024-12")))
    assert december.by_id("pool-spending-heading").text() == "Spending in December 2024"
    assert december.by_id("pool-spending-total").text() == "$0.00"
    # With htmx: the section alone.
    fragment = client.get(f"/pools/{team.pool_id}/spending?month=2025-01", headers=HTMX)
    assert fragment.status_code == 200 and "<html" not in text(fragment)
    assert text(fragment).lstrip().startswith('<section class="card spending" id="pool-spending"')
    assert parse(text(fragment)).by_id("pool-spending-total").text() == "$360.00"
    plain = client.get(f"/pools/{team.pool_id}/spending?month=2025-01")
    assert plain.status_code == 302 and plain.headers["Location"] == f"/pools/{team.pool_id}?month=2025-01"


@pytest.mark.parametrize("bad", bad_values.MONTH, ids=[bad.label for bad in bad_values.MONTH])
def test_a_bad_month_shows_this_month_with_why_beside_the_picker(client, pool_history, bad):
    pool = f"/pools/{pool_history.pool_id}"
    for path, headers, section in ((pool, {}, "pool-spending"), (f"{pool}/spending", HTMX, "pool-spending"),
                                   ("/wallet", {}, "wallet-spending"), ("/wallet/spending", HTMX, "wallet-spending")):
        response = client.get(path, query_string={"month": bad.value}, headers=headers)
        assert response.status_code == 422, path  # the page's htmx config swaps a 422 in
        picker = parse(text(response)).by_id(section).find("form", method="get")
        month = picker.find("input", name="month")
        assert month.attrs["value"] == "2025-01" and month.attrs["aria-invalid"] == "true"
        error = picker.by_id(month.attrs["aria-describedby"]).text()
        assert error == f"month {bad.message}; this month is shown instead."


def test_a_bad_period_to_download_is_a_400(client, pool_history):
    for path in (f"/pools/{pool_history.pool_id}/transactions.csv", "/wallet/transactions.csv"):
        response = client.get(path, query_string={"from": "2025-02-01", "to": "2025-01-01"})
        assert response.status_code == 400, path
        assert "to must not be before from" in parse(text(response)).text()


def test_no_one_but_members_sees_a_pools_spending(app, pool_history):
    client = app.test_client()
    log_in(client, "sam_stranger")
    assert client.get(f"/pools/{pool_history.pool_id}/spending", headers=HTMX).status_code == 404
    assert client.get(f"/pools/{pool_history.pool_id}/transactions.csv").status_code == 404


def test_the_pool_page_downloads_the_pools_transactions(client, pool_history):
    response = client.get(f"/pools/{pool_history.pool_id}/transactions.csv?from=2025-01-05&to=2025-01-09")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith("attachment; ")
    rows = list(csv.reader(io.StringIO(text(response))))
    assert [(row[2], row[3], row[6]) for row in rows[1:]] == [("rental", "-250.00", "team_lead"),
                                                              ("rental", "-120.00", "joe_user")]


def test_the_wallet_page_draws_the_months_spending_per_day(app, client, make_user, clock):
    alice = make_user("alice", alias="Alice")
    move(app, "credit", 50_000, user_id=alice.id, at=at(2))
    move(app, "rental", 7_000, user_id=alice.id, at=at(3))
    move(app, "extension", 25_000, user_id=alice.id, at=at(21, hour=9))
    move(app, "rental", 3_000, user_id=alice.id, at=at(1, month=2))
    log_in(client, "alice")
    page = parse(text(client.get("/wallet")))
    section = page.by_id("wallet-spending")
    assert section.by_id("wallet-spending-heading").text() == "Spending in January 2025"
    assert page.by_id("wallet-spending-total").text() == "$320.00"
    chart = section.by_id("wallet-spending-days")
    assert chart.attrs["aria-label"] == ("Your spending in January 2025, a bar a day: $320.00 in all, "
                                         "most on 21 Jan ($250.00)")
    heights = {bar.attrs["data-date"]: bar.attrs["height"] for bar in chart.find_all("rect", class_="chart-fill")}
    assert heights["2025-01-21"] == "100.00" and heights["2025-01-03"] == "28.00" and heights["2025-01-02"] == "0.00"
    assert section.find("form", action="/wallet/transactions.csv") is not None
    february = parse(text(client.get("/wallet/spending?month=2025-02", headers=HTMX)))
    assert february.by_id("wallet-spending-total").text() == "$30.00"
    download = client.get("/wallet/transactions.csv?from=2025-01-03")
    assert [row[3] for row in csv.reader(io.StringIO(text(download)))][1:] == ["-70.00", "-250.00", "-30.00"]
