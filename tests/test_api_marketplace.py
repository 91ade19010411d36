"""GET /servers/available: every filter, the order and sorts, paging, visibility, errors and the shape."""
import dataclasses
import re
from datetime import timedelta
from decimal import Decimal
from fractions import Fraction
from urllib.parse import urlencode

import pytest
from sqlalchemy import update
from werkzeug.datastructures import MultiDict

from core.extensions import db
from core.timeutil import utcnow
from models import Server
from services.marketplace import MarketplaceFilters, parse_filters
from tests.factories import make_servers, server_record
from tests.records import SEED_SERVER
from tests.statements import statements_sent

MESSAGE = "Available servers retrieved successfully"

# The inventory, as the attributes the marketplace filters on (see factories.server_record).
# Some countries are imported in lower case; ams-1 and ams-2 tie on everything the order looks at but id.
SERVERS = [
    dict(name="nyc-1", country="US", region="us-east", category="compute", featured=True, popularity_rank=1,
         prices={"1": "12.00", "7": "70.00", "30": "240.00"}, cpu_cores=64, cpu_score=48500,
         cpu_score_type="passmark", ram_gb=256, ram_type="ECC DDR5", disks=[(2, 1000, "NVMe"), (6, 15000, "NVMe")],
         bandwidth_mbps=10000, traffic_tb=100),
    dict(name="nyc-2", country="US", region="us-east", category="general", featured=False, popularity_rank=3,
         prices={"1": "5.00", "30": "120.00"}, cpu_cores=8, cpu_score=1900, cpu_score_type="geekbench_single",
         ram_gb=32, ram_type="DDR4", disks=[(2, 480, "SSD")], bandwidth_mbps=1000, traffic_tb=10),
    dict(name="lax-1", country="us", region="us-west", category="storage", featured=False, popularity_rank=2,
         prices={"7": "35.00", "30": "150.00"}, cpu_cores=16, cpu_score=22000, cpu_score_type="passmark",
         ram_gb=64, ram_type="DDR4", disks=[(12, 16000, "HDD"), (2, 960, "SSD")], bandwidth_mbps=10000,
         traffic_tb=None),
    dict(name="fra-1", country="DE", region="eu-central", category="memory", featured=True, popularity_rank=2,
         prices={"1": "20.00", "7": "105.00"}, cpu_cores=32, cpu_score=15000, cpu_score_type="geekbench_multi",
         ram_gb=1024, ram_type="ECC DDR4", disks=[(2, 3840, "NVMe")], bandwidth_mbps=25000, traffic_tb=50),
    dict(name="fra-2", country="de", region="eu-central", category="compute", featured=False, popularity_rank=5,
         prices={"1": "15.50"}, cpu_cores=48, cpu_score=52000, cpu_score_type="passmark", ram_gb=128,
         ram_type="DDR5", disks=[(4, 1920, "SAS")], bandwidth_mbps=10000, traffic_tb=20),
    dict(name="fsn-1", country="DE", region="eu-central", category="gpu", featured=True, popularity_rank=1,
         prices={"30": "900.00", "90": "2400.00"}, cpu_cores=32, cpu_score=2500, cpu_score_type="geekbench_single",
         ram_gb=512, ram_type="ECC DDR5", disks=[(2, 7680, "NVMe")], bandwidth_mbps=40000, traffic_tb=None),
    dict(name="ams-1", country="NL", region="eu-west", category="general", featured=False, popularity_rank=4,
         prices={"1": "3.00", "7": "17.50", "30": "60.00"}, cpu_cores=4, cpu_score=8000, cpu_score_type="passmark",
         ram_gb=16, ram_type="DDR3", disks=[(1, 2000, "HDD")], bandwidth_mbps=500, traffic_tb=5),
    dict(name="ams-2", country="NL", region="eu-west", category="storage", featured=False, popularity_rank=4,
         prices={"1": "3.00", "7": "17.50", "30": "60.00"}, cpu_cores=4, cpu_score=7500, cpu_score_type="passmark",
         ram_gb=16, ram_type="ECC DDR3", disks=[(24, 18000, "HDD")], bandwidth_mbps=1000, traffic_tb=0.5),
    dict(name="sgp-1", country="SG", region="ap-southeast", category="compute", featured=False, popularity_rank=6,
         prices={"1": "25.00", "7": "140.00"}, cpu_cores=96, cpu_score=61000, cpu_score_type="passmark",
         ram_gb=384, ram_type="ECC DDR5", disks=[(2, 1000, "NVMe"), (4, 4000, "SAS")], bandwidth_mbps=10000,
         traffic_tb=30),
    dict(name="tyo-1", country="JP", region="ap-northeast", category="memory", featured=False, popularity_rank=7,
         prices={"30": "450.00"}, cpu_cores=24, cpu_score=3100, cpu_score_type="geekbench_single", ram_gb=768,
         ram_type="DDR5", disks=[(2, 1920, "SSD")], bandwidth_mbps=5000, traffic_tb=2.5),
    dict(name="lon-1", country="GB", region="eu-west", category="general", featured=True, popularity_rank=3,
         prices={"1": "10.00", "7": "63.00"}, cpu_cores=12, cpu_score=12000, cpu_score_type="geekbench_multi",
         ram_gb=64, ram_type="ECC DDR4", disks=[(2, 1000, "SSD")], bandwidth_mbps=1000, traffic_tb=None),
    dict(name="par-1", country="FR", region="eu-west", category="gpu", featured=False, popularity_rank=8,
         prices={"7": "70.00"}, cpu_cores=64, cpu_score=45000, cpu_score_type="passmark", ram_gb=256,
         ram_type="ECC DDR4", disks=[(4, 3840, "NVMe")], bandwidth_mbps=10000, traffic_tb=100),
    dict(name="mia-1", country="US", region="us-east", category="storage", featured=False, popularity_rank=9,
         prices={"1": "9.99", "90": "810.00"}, cpu_cores=8, cpu_score=9000, cpu_score_type="passmark", ram_gb=32,
         ram_type="DDR3", disks=[(8, 8000, "HDD")], bandwidth_mbps=1000, traffic_tb=200),
    dict(name="chi-1", country="US", region="us-central", category="compute", featured=False, popularity_rank=10,
         prices={"3": "31.00"}, cpu_cores=32, cpu_score=30000, cpu_score_type="passmark", ram_gb=128,
         ram_type="DDR5", disks=[(2, 2000, "NVMe")], bandwidth_mbps=10000, traffic_tb=15.5),
    dict(name="waw-1", country="PL", region="eu-central", category="compute", featured=False, popularity_rank=11,
         prices={"1": "7.00"}, cpu_cores=16, cpu_score=14000, cpu_score_type="passmark", ram_gb=64,
         ram_type="DDR4", disks=[(2, 512, "SSD")], bandwidth_mbps=1000, traffic_tb=None),
    dict(name="bos-1", country="US", region="us-east", category="compute", featured=True, popularity_rank=1,
         prices={"1": "1.00", "7": "6.30"}, cpu_cores=2, cpu_score=3000, cpu_score_type="passmark", ram_gb=8,
         ram_type="DDR4", disks=[(1, 240, "SSD")], bandwidth_mbps=100, traffic_tb=1),
]
ALL = {s["name"] for s in SERVERS}


def per_day_prices(server: dict, durations=None) -> list[Fraction]:
    return [Fraction(Decimal(price)) / int(days) for days, price in server["prices"].items()
            if durations is None or int(days) in durations]


def cheapest_per_day(server: dict, durations=None) -> Fraction | None:
    return min(per_day_prices(server, durations), default=None)


def total_storage(server: dict) -> int:
    return sum(count * capacity for count, capacity, _ in server["disks"])


def unlimited(server: dict) -> bool:
    return server["traffic_tb"] is None


def costs_at_most(limit: str, durations=None):
    def check(server):
        cheapest = cheapest_per_day(server, durations)
        return cheapest is not None and cheapest <= Fraction(Decimal(limit))
    return check


@pytest.fixture
def buyer(make_user):
    return make_user("buyer")


@pytest.fixture
def inventory(app) -> dict[str, str]:
    """The servers of SERVERS in the database: ``{name: id}``."""
    return make_servers(app, [server_record(**server) for server in SERVERS])


def browse(api, person, params=()):
    response = api.get("/servers/available", as_=person, query_string=params)
    assert response.status_code == 200, response.json
    assert response.json["statusCode"] == 200 and response.json["message"] == MESSAGE
    return response


def names(response) -> list[str]:
    return [server["name"] for server in response.json["data"]]


def expect_names(predicate) -> set[str]:
    return {server["name"] for server in SERVERS if predicate(server)}


# --- Filters --------------------------------------------------------------------------------------

FILTER_CASES = [
    ([("country", "US")], lambda s: s["country"].upper() == "US"),
    ([("country", "de")], lambda s: s["country"].upper() == "DE"),
    ([("region", "eu-central")], lambda s: s["region"] == "eu-central"),
    ([("region", "us-east")], lambda s: s["region"] == "us-east"),
    ([("max_price_per_day", "10")], costs_at_most("10")),
    ([("max_price_per_day", "15.5")], costs_at_most("15.5")),
    ([("max_price_per_day", "2.5")], costs_at_most("2.5")),
    ([("max_price_per_day", "10.34")], costs_at_most("10.34")),
    ([("available_durations", "30")], lambda s: "30" in s["prices"]),
    ([("available_durations", "1,90")], lambda s: "1" in s["prices"] or "90" in s["prices"]),
    ([("available_durations", "3"), ("available_durations", "90")],
     lambda s: "3" in s["prices"] or "90" in s["prices"]),
    ([("max_price_per_day", "9"), ("available_durations", "1")], costs_at_most("9", {1})),
    ([("max_price_per_day", "5"), ("available_durations", "7,30")], costs_at_most("5", {7, 30})),
    ([("min_cpu_cores", "32")], lambda s: s["cpu_cores"] >= 32),
    ([("min_cpu_cores", "31.5")], lambda s: s["cpu_cores"] >= 31.5),
    ([("min_cpu_score", "20000")], lambda s: s["cpu_score_type"] == "passmark" and s["cpu_score"] >= 20000),
    ([("min_cpu_score", "2000"), ("cpu_score_type", "geekbench_single")],
     lambda s: s["cpu_score_type"] == "geekbench_single" and s["cpu_score"] >= 2000),
    ([("min_cpu_score", "13000"), ("cpu_score_type", "geekbench_multi")],
     lambda s: s["cpu_score_type"] == "geekbench_multi" and s["cpu_score"] >= 13000),
    ([("cpu_score_type", "geekbench_multi")], lambda s: s["cpu_score_type"] == "geekbench_multi"),
    ([("min_ram_gb", "256")], lambda s: s["ram_gb"] >= 256),
    ([("ram_types", "DDR5")], lambda s: s["ram_type"] == "DDR5"),
    ([("ram_types", "ECC DDR5")], lambda s: s["ram_type"] == "ECC DDR5"),
    ([("ram_types", "DDR3,ECC DDR4")], lambda s: s["ram_type"] in {"DDR3", "ECC DDR4"}),
    ([("min_total_storage_gb", "10000")], lambda s: total_storage(s) >= 10000),
    ([("disk_types", "HDD")], lambda s: any(kind == "HDD" for _, _, kind in s["disks"])),
    ([("disk_types", "SAS,SSD")], lambda s: any(kind in {"SAS", "SSD"} for _, _, kind in s["disks"])),
    ([("min_bandwidth_mbps", "10000")], lambda s: s["bandwidth_mbps"] >= 10000),
    ([("min_traffic_tb", "50")], lambda s: unlimited(s) or s["traffic_tb"] >= 50),
    ([("min_traffic_tb", "15.5")], lambda s: unlimited(s) or s["traffic_tb"] >= 15.5),
    ([("min_traffic_tb", "2.5")], lambda s: unlimited(s) or s["traffic_tb"] >= 2.5),
    ([("unlimited_traffic_only", "true")], unlimited),
    ([("unlimited_traffic_only", "1")], unlimited),
    ([("unlimited_traffic_only", "TRUE")], unlimited),
    ([("category", "storage")], lambda s: s["category"] == "storage"),
    ([("category", "gpu")], lambda s: s["category"] == "gpu"),
    ([("featured_only", "true")], lambda s: s["featured"]),
    ([("featured_only", "1")], lambda s: s["featured"]),
    # The published client's example, and more combinations: every filter narrows the others.
    ([("country", "US"), ("max_price_per_day", "15"), ("min_cpu_cores", "8")],
     lambda s: s["country"].upper() == "US" and costs_at_most("15")(s) and s["cpu_cores"] >= 8),
    ([("ram_types", "DDR4,ECC DDR4"), ("min_traffic_tb", "20"), ("category", "general")],
     lambda s: s["ram_type"] in {"DDR4", "ECC DDR4"} and (unlimited(s) or s["traffic_tb"] >= 20)
     and s["category"] == "general"),
    ([("region", "eu-central"), ("disk_types", "NVMe"), ("featured_only", "1"), ("min_ram_gb", "600")],
     lambda s: s["region"] == "eu-central" and any(k == "NVMe" for _, _, k in s["disks"]) and s["featured"]
     and s["ram_gb"] >= 600),
    ([("available_durations", "30"), ("unlimited_traffic_only", "true"), ("min_cpu_score", "10000")],
     lambda s: "30" in s["prices"] and unlimited(s) and s["cpu_score_type"] == "passmark"
     and s["cpu_score"] >= 10000),
]


@pytest.mark.parametrize("params, predicate", FILTER_CASES, ids=[urlencode(case[0]) for case in FILTER_CASES])
def test_each_filter_lists_exactly_the_matching_servers(api, buyer, inventory, params, predicate):
    expected = expect_names(predicate)
    assert 0 < len(expected) < len(SERVERS), "the case must tell matching servers from the others"
    response = browse(api, buyer, params)
    assert set(names(response)) == expected
    assert response.headers["X-Total-Count"] == str(len(expected))


NO_FILTER_CASES = [
    [],
    [("country", "")],
    [("region", ""), ("ram_types", ""), ("disk_types", " , ")],
    [("unlimited_traffic_only", "false"), ("featured_only", "0")],
    [("unlimited_traffic_only", "0"), ("featured_only", "False")],
    [("colour", "blue"), ("min_cpu_cores", "")],
    [("max_price_per_day", "1e30")],
    [("min_cpu_cores", "1e-7"), ("min_traffic_tb", "0")],
    # Every parameter empty, as the pages' filter form sends them, or only spaces: none is given.
    [(f.name, "") for f in dataclasses.fields(MarketplaceFilters)] + [("limit", ""), ("offset", "")],
    [(f.name, " \t ") for f in dataclasses.fields(MarketplaceFilters)] + [("limit", " "), ("offset", "\t")],
]


@pytest.mark.parametrize("params", NO_FILTER_CASES, ids=[urlencode(p)[:60] or "nothing" for p in NO_FILTER_CASES])
def test_absent_empty_false_unknown_and_unbounded_filters_list_everything(api, buyer, inventory, params):
    response = browse(api, buyer, params)
    assert set(names(response)) == ALL
    assert response.headers["X-Total-Count"] == str(len(SERVERS))


@pytest.mark.parametrize("params, expected", [
    ([("max_price_per_day", "0")], set()),
    ([("min_total_storage_gb", "1e30")], set()),
    ([("min_cpu_cores", "99999999999")], set()),
    ([("ram_types", "DDR5"), ("country", "NL")], set()),
    ([("min_traffic_tb", "1e400")], expect_names(unlimited)),
], ids=["price-zero", "storage-beyond-any", "cores-beyond-integer", "no-overlap", "traffic-beyond-any"])
def test_filters_beyond_every_server(api, buyer, inventory, params, expected):
    assert set(names(browse(api, buyer, params))) == expected


def test_max_price_looks_only_at_the_asked_durations(api, buyer, inventory):
    over_all_durations = set(names(browse(api, buyer, [("max_price_per_day", "9")])))
    over_one_day = set(names(browse(api, buyer, [("max_price_per_day", "9"), ("available_durations", "1")])))
    assert over_all_durations == expect_names(costs_at_most("9"))
    assert over_one_day == expect_names(costs_at_most("9", {1}))
    assert "nyc-1" in over_all_durations - over_one_day  # 8.00 a day for 30 days, 12.00 for one


def test_a_price_equal_to_the_maximum_passes(api, buyer, inventory):
    assert "par-1" in names(browse(api, buyer, [("max_price_per_day", "10")]))  # 70.00 for 7 days
    assert "par-1" not in names(browse(api, buyer, [("max_price_per_day", "9.99")]))


def test_ram_types_are_exact_values(api, buyer, inventory):
    ddr5 = set(names(browse(api, buyer, [("ram_types", "DDR5")])))
    ecc_ddr5 = set(names(browse(api, buyer, [("ram_types", "ECC DDR5")])))
    assert ddr5 and ecc_ddr5 and not ddr5 & ecc_ddr5


@pytest.mark.parametrize("params", [
    [("ram_types", "DDR4"), ("ram_types", "ECC DDR5")],
    [("ram_types", "DDR4,ECC DDR5")],
    [("ram_types", " DDR4 , ECC DDR5 ")],
    [("ram_types", "DDR4,"), ("ram_types", "ECC DDR5"), ("ram_types", "DDR4")],
], ids=["repeated", "comma-joined", "spaces", "mixed"])
def test_arrays_come_repeated_comma_joined_or_mixed(api, buyer, inventory, params):
    expected = expect_names(lambda s: s["ram_type"] in {"DDR4", "ECC DDR5"})
    assert set(names(browse(api, buyer, params))) == expected


def test_disk_type_arrays_in_every_form(api, buyer, inventory):
    expected = expect_names(lambda s: any(kind in {"SAS", "HDD"} for _, _, kind in s["disks"]))
    for params in ([("disk_types", "SAS"), ("disk_types", "HDD")], [("disk_types", "SAS,HDD")],
                   [("disk_types", "SAS,HDD"), ("disk_types", "HDD")]):
        assert set(names(browse(api, buyer, params))) == expected


def test_a_scalar_repeated_with_the_same_value_is_fine(api, buyer, inventory):
    response = browse(api, buyer, [("country", "NL"), ("country", "NL")])
    assert set(names(response)) == expect_names(lambda s: s["country"] == "NL")


def test_parse_filters_normalises_the_query_for_every_surface():
    args = MultiDict([("country", " de "), ("ram_types", "DDR5, DDR4"), ("ram_types", "DDR4"),
                      ("available_durations", "30,7"), ("available_durations", "7"), ("max_price_per_day", "15.5"),
                      ("featured_only", "1"), ("unlimited_traffic_only", "false"), ("sort", "-price_per_day"),
                      ("limit", "5"), ("utm_source", "mail")])
    assert parse_filters(args) == MarketplaceFilters(
        country="DE", ram_types=("DDR5", "DDR4"), available_durations=(7, 30), max_price_per_day=Decimal("15.5"),
        featured_only=True, sort="-price_per_day")


# --- Order, sorts and paging ----------------------------------------------------------------------


def default_key(server: dict, ids: dict[str, str]):
    return (not server["featured"], server["popularity_rank"], cheapest_per_day(server), ids[server["name"]])


SORTS = {
    "price_per_day": lambda s: cheapest_per_day(s),
    "-price_per_day": lambda s: -cheapest_per_day(s),
    "cpu_score": lambda s: -s["cpu_score"],
    "ram_gb": lambda s: -s["ram_gb"],
    "storage_gb": lambda s: -total_storage(s),
}


def expected_order(ids: dict[str, str], sort: str | None = None) -> list[str]:
    first = SORTS[sort] if sort else (lambda s: 0)
    return [s["name"] for s in sorted(SERVERS, key=lambda s: (first(s), default_key(s, ids)))]


def test_default_order_is_featured_then_popularity_then_price_then_id(api, buyer, inventory):
    order = names(browse(api, buyer))
    assert order == expected_order(inventory)
    featured = expect_names(lambda s: s["featured"])
    assert set(order[:len(featured)]) == featured
    tied = [name for name in order if name in ("ams-1", "ams-2")]
    assert tied == sorted(tied, key=inventory.get)
    assert abs(order.index("ams-1") - order.index("ams-2")) == 1


@pytest.mark.parametrize("sort", list(SORTS))
def test_each_sort_goes_first_and_ties_keep_the_default_order(api, buyer, inventory, sort):
    assert names(browse(api, buyer, [("sort", sort)])) == expected_order(inventory, sort)


def test_sort_combines_with_filters(api, buyer, inventory):
    params = [("sort", "-price_per_day"), ("country", "US")]
    expected = [name for name in expected_order(inventory, "-price_per_day")
                if name in expect_names(lambda s: s["country"].upper() == "US")]
    assert names(browse(api, buyer, params)) == expected


def test_limit_and_offset_page_through_with_the_total(api, buyer, inventory):
    order = expected_order(inventory)
    response = browse(api, buyer, [("limit", "5"), ("offset", "5")])
    assert names(response) == order[5:10]
    assert response.headers["X-Total-Count"] == str(len(SERVERS))
    pages = [names(browse(api, buyer, [("limit", "3"), ("offset", str(offset))]))
             for offset in range(0, len(SERVERS), 3)]
    assert [name for page in pages for name in page] == order
    beyond = browse(api, buyer, [("limit", "3"), ("offset", "100")])
    assert beyond.json["data"] == [] and beyond.headers["X-Total-Count"] == str(len(SERVERS))


def test_the_total_counts_the_filtered_servers_not_the_page(api, buyer, inventory):
    us = [name for name in expected_order(inventory) if name in expect_names(lambda s: s["country"].upper() == "US")]
    response = browse(api, buyer, [("country", "US"), ("limit", "2"), ("offset", "1")])
    assert names(response) == us[1:3]
    assert response.headers["X-Total-Count"] == str(len(us))


# --- Visibility -----------------------------------------------------------------------------------


def test_a_reserved_server_is_hidden_until_its_reservation_passes(app, api, buyer, inventory, clock):
    reserved_until = clock.now + timedelta(days=3)
    with app.app_context():
        db.session.execute(update(Server).where(Server.id == inventory["nyc-1"]).values(reserved_until=reserved_until))
        db.session.commit()

    listed = browse(api, buyer)
    assert "nyc-1" not in names(listed)
    assert listed.headers["X-Total-Count"] == str(len(SERVERS) - 1)
    assert "nyc-1" not in names(browse(api, buyer, [("country", "US")]))

    clock.set(reserved_until - timedelta(seconds=1))
    assert "nyc-1" not in names(browse(api, buyer))

    clock.set(reserved_until)
    assert names(browse(api, buyer)) == expected_order(inventory)

    clock.set(reserved_until + timedelta(days=1))
    assert "nyc-1" in names(browse(api, buyer, [("featured_only", "true")]))


def test_a_past_reservation_does_not_hide_a_server(app, api, buyer, inventory):
    with app.app_context():
        db.session.execute(update(Server).where(Server.id == inventory["fsn-1"])
                           .values(reserved_until=utcnow() - timedelta(minutes=1)))
        db.session.commit()
    assert "fsn-1" in names(browse(api, buyer))


# --- Cost -----------------------------------------------------------------------------------------

SERVER_TABLES = re.compile(r"\b(servers|server_prices|server_disk_types)\b")


@pytest.mark.parametrize("params", [
    [("limit", "2")],
    [("limit", "500")],
    [("available_durations", "1,30"), ("disk_types", "NVMe,SSD"), ("max_price_per_day", "50")],
], ids=["small-page", "large-page", "filtered"])
def test_a_page_costs_two_statements_whatever_its_size(app, api, buyer, inventory, params):
    """The count and the page: each server's prices are stored with it, ready to show."""
    with statements_sent(app) as sent:
        response = browse(api, buyer, params)
    statements = [statement for statement, _ in sent if SERVER_TABLES.search(statement)]
    assert response.json["data"], "the page must hold servers for the count to mean something"
    assert len(statements) == 2, statements
    assert all(server["pricing"]["prices"] for server in response.json["data"])


# --- Errors ---------------------------------------------------------------------------------------

BAD_QUERIES = [
    ("country=USA", "country"),
    ("country=1", "country"),
    ("country=US&country=DE", "country"),
    ("region=eu-west&region=us-east", "region"),
    ("category=cloud", "category"),
    ("cpu_score_type=cinebench", "cpu_score_type"),
    ("ram_types=DDR6", "ram_types"),
    ("ram_types=DDR4,ddr5", "ram_types"),
    ("disk_types=Optane", "disk_types"),
    ("disk_types=NVMe,ssd", "disk_types"),
    ("sort=name", "sort"),
    ("min_cpu_cores=-1", "min_cpu_cores"),
    ("max_price_per_day=-0.5", "max_price_per_day"),
    ("min_traffic_tb=abc", "min_traffic_tb"),
    ("min_ram_gb=NaN", "min_ram_gb"),
    ("min_bandwidth_mbps=Infinity", "min_bandwidth_mbps"),
    ("min_total_storage_gb=1e", "min_total_storage_gb"),
    ("min_cpu_score=--5", "min_cpu_score"),
    ("min_cpu_score=0x10", "min_cpu_score"),
    ("available_durations=0", "available_durations"),
    ("available_durations=7.5", "available_durations"),
    ("available_durations=7,week", "available_durations"),
    ("available_durations=-7", "available_durations"),
    ("featured_only=yes", "featured_only"),
    ("unlimited_traffic_only=2", "unlimited_traffic_only"),
    ("limit=0", "limit"),
    ("limit=abc", "limit"),
    ("limit=501", "limit"),
    ("offset=-1", "offset"),
    ("limit=5&limit=10", "limit"),
]


@pytest.mark.parametrize("query, field", BAD_QUERIES, ids=[q for q, _ in BAD_QUERIES])
def test_a_bad_value_is_a_400_naming_the_parameter(api, buyer, query, field):
    response = api.get(f"/servers/available?{query}", as_=buyer)
    assert response.status_code == 400, response.json
    body = response.json
    assert body["statusCode"] == 400 and body["error"] == "Bad Request"
    assert body["message"].startswith(f"Invalid query parameter: {field} "), body["message"]
    assert body["details"][0]["field"] == field


NUMBER_FILTERS = ("max_price_per_day", "min_cpu_cores", "min_cpu_score", "min_ram_gb", "min_total_storage_gb",
                  "min_bandwidth_mbps", "min_traffic_tb")
# Numbers no JavaScript client prints, which Python's Decimal cannot even hold (or, for 1e-1000000, not
# multiply without underflowing), and spellings of infinity: each a 400 naming the parameter.
EXTREME_NUMBERS = [
    ("1e-9999999999999999999", "must be a number with an exponent of at most 3 digits"),
    ("1e9999999999999999999", "must be a number with an exponent of at most 3 digits"),
    ("1E+1000", "must be a number with an exponent of at most 3 digits"),
    ("1e-1000000", "must be a number with an exponent of at most 3 digits"),
    ("0e99999999999999999999", "must be a number with an exponent of at most 3 digits"),
    ("Infinity", "must be a number"),
    ("-Infinity", "must be a number"),
    ("inf", "must be a number"),
    ("NaN", "must be a number"),
    ("sNaN", "must be a number"),
    ("1e", "must be a number"),
    ("١٢", "must be a number"),  # digits, but not ASCII ones
]


@pytest.mark.parametrize("value, message", EXTREME_NUMBERS, ids=[value for value, _ in EXTREME_NUMBERS])
def test_a_number_no_client_writes_is_a_400_naming_the_parameter(api, buyer, inventory, value, message):
    for name in NUMBER_FILTERS:
        response = api.get("/servers/available", as_=buyer, query_string={name: value})
        assert response.status_code == 400, response.json
        assert response.json["details"] == [{"field": name, "message": message}]
        assert response.json["message"] == f"Invalid query parameter: {name} {message}"


# Within the syntax, however many digits: huge minimums match nothing, a huge maximum price is no limit,
# tiny ones and zero (negative or not) are the same as zero for whole-number columns.
EXTREME_BUT_WRITTEN_NUMBERS = ["1e400", "1e999", "1e-400", "1e-999", "9" * 5000, "0." + "0" * 5000 + "1", "-0",
                               "-0.0e-0", "0e999", "+7", "92233720368547758.07", "9223372036854775808"]


MINIMUM_OF = {
    "min_cpu_cores": lambda s: s["cpu_cores"],
    "min_cpu_score": lambda s: s["cpu_score"] if s["cpu_score_type"] == "passmark" else None,
    "min_ram_gb": lambda s: s["ram_gb"],
    "min_total_storage_gb": total_storage,
    "min_bandwidth_mbps": lambda s: s["bandwidth_mbps"],
}


@pytest.mark.parametrize("value", EXTREME_BUT_WRITTEN_NUMBERS, ids=lambda value: value[:24])
def test_any_number_within_the_syntax_is_answered_exactly(api, buyer, inventory, value):
    number = Decimal(value)
    for name in NUMBER_FILTERS:
        matching = set(names(browse(api, buyer, [(name, value)])))
        if name == "max_price_per_day":
            assert matching == expect_names(costs_at_most(value)), name
        elif name == "min_traffic_tb":
            assert matching == expect_names(lambda s: unlimited(s) or s["traffic_tb"] >= number), name
        else:
            amount = MINIMUM_OF[name]
            assert matching == expect_names(lambda s: amount(s) is not None and amount(s) >= number), name


def test_a_tiny_minimum_traffic_is_more_than_none(app, api, buyer):
    # 1e-400 is 0.0 as a float; the comparison must not let a server with no traffic through.
    make_servers(app, [server_record("no-traffic", traffic_tb=0), server_record("some-traffic", traffic_tb=0.001)])
    assert names(browse(api, buyer, [("min_traffic_tb", "1e-400")])) == ["some-traffic"]
    assert set(names(browse(api, buyer, [("min_traffic_tb", "0")]))) == {"no-traffic", "some-traffic"}


@pytest.mark.parametrize("query, expected", [
    ("available_durations=7.0", {"7"}),
    ("available_durations=3e0,9e1", {"3", "90"}),
    ("available_durations=30.000", {"30"}),
])
def test_durations_are_whole_numbers_however_written(api, buyer, inventory, query, expected):
    response = api.get(f"/servers/available?{query}", as_=buyer)
    assert set(names(response)) == expect_names(lambda s: bool(expected & set(s["prices"])))


@pytest.mark.parametrize("query", ["available_durations=7.5", "available_durations=1e9999999999",
                                   "available_durations=1e-9999999999", "available_durations=Infinity"])
def test_a_duration_that_is_no_whole_number_is_a_400(api, buyer, inventory, query):
    response = api.get(f"/servers/available?{query}", as_=buyer)
    assert response.status_code == 400
    assert response.json["details"] == [
        {"field": "available_durations", "message": "must be whole numbers of days from 1 to 3650"}]


@pytest.mark.parametrize("query, shown", [("limit=2.0", 2), ("limit=2e0", 2), ("limit=%202%20", 2),
                                          ("limit=", 16), ("limit=&offset=", 16), ("offset=1.5e1", 1)])
def test_paging_numbers_are_whole_numbers_however_written(api, buyer, inventory, query, shown):
    response = api.get(f"/servers/available?{query}", as_=buyer)
    assert response.status_code == 200, response.json
    assert len(response.json["data"]) == shown


@pytest.mark.parametrize("query, field", [
    ("limit=2.5", "limit"), ("limit=1e-9999999999999999999", "limit"), ("limit=1e9999999999999999999", "limit"),
    ("offset=1e999", "offset"), ("offset=" + "9" * 4000, "offset"), ("offset=-0.5", "offset"),
    ("limit=NaN", "limit"), ("limit=1_0", "limit"),
])
def test_paging_that_is_no_whole_number_in_range_is_a_400(api, buyer, inventory, query, field):
    response = api.get(f"/servers/available?{query}", as_=buyer)
    assert response.status_code == 400, response.json
    assert [detail["field"] for detail in response.json["details"]] == [field]


def test_enum_errors_list_the_allowed_values(api, buyer):
    sort = api.get("/servers/available?sort=name", as_=buyer).json
    assert sort["details"] == [{"field": "sort", "message": "must be one of: price_per_day, -price_per_day, "
                                                             "cpu_score, ram_gb, storage_gb"}]
    ram = api.get("/servers/available?ram_types=DDR4,DDR6", as_=buyer).json
    assert ram["details"] == [{"field": "ram_types", "message": "has unknown value(s) DDR6; allowed: DDR3, DDR4, "
                                                                 "DDR5, ECC DDR3, ECC DDR4, ECC DDR5"}]


def test_every_bad_parameter_is_reported_at_once(api, buyer):
    body = api.get("/servers/available?country=USA&category=cloud&min_ram_gb=-1", as_=buyer).json
    assert [d["field"] for d in body["details"]] == ["country", "min_ram_gb", "category"]


def test_the_marketplace_needs_a_token(api, inventory):
    anonymous = api.get("/servers/available")
    assert anonymous.status_code == 401
    assert anonymous.json["statusCode"] == 401 and anonymous.json["error"] == "Unauthorized"
    forged = api.get("/servers/available", headers={"Authorization": "Bearer not-a-token"})
    assert forged.status_code == 401


# --- Shape ----------------------------------------------------------------------------------------

def assert_same_keys_in_order(actual, expected, path="data[0]"):
    if isinstance(expected, dict):
        assert list(actual.keys()) == list(expected.keys()), path
        for key in expected:
            assert_same_keys_in_order(actual[key], expected[key], f"{path}.{key}")
    elif isinstance(expected, list):
        assert len(actual) == len(expected), path
        for index, (item, expected_item) in enumerate(zip(actual, expected)):
            assert_same_keys_in_order(item, expected_item, f"{path}[{index}]")


def test_the_answer_has_the_seed_examples_shape(app, api, buyer):
    make_servers(app, [SEED_SERVER])  # the browse object is also a valid import record
    response = api.get("/servers/available", as_=buyer)
    assert response.status_code == 200
    body = response.json
    assert list(body) == ["statusCode", "message", "data"]
    assert body["statusCode"] == 200
    assert body["message"] == "Available servers retrieved successfully"
    assert response.headers["X-Total-Count"] == "1"
    assert isinstance(body["data"], list) and len(body["data"]) == 1
    server = body["data"][0]
    assert_same_keys_in_order(server, SEED_SERVER)
    for field in ("id", "name", "country", "region", "city", "datacenter", "model", "is_vm", "category",
                  "featured", "popularity_rank", "setup_time_minutes"):
        assert server[field] == SEED_SERVER[field], field
    assert server["pricing"]["prices"] == SEED_SERVER["pricing"]["prices"]
    assert server["pricing"]["price_tiers"] == SEED_SERVER["pricing"]["price_tiers"]
    for group in ("cpu", "ram", "disks", "network", "additional"):
        assert server["specs"][group] == SEED_SERVER["specs"][group], group
    assert server == SEED_SERVER


def test_unlimited_traffic_shows_null_traffic(app, api, buyer):
    make_servers(app, [server_record("open-pipe", traffic_tb=None)])
    network = api.get("/servers/available", as_=buyer).json["data"][0]["specs"]["network"]
    assert network["traffic_tb"] is None and network["traffic_unlimited"] is True


# --- Upgrading ------------------------------------------------------------------------------------


def test_servers_stored_before_their_pricing_was_show_the_same_prices_after_the_upgrade(tmp_path):
    """Migration 0009 fills ``servers.pricing`` from the price rows of the servers already there."""
    from flask_migrate import upgrade
    from sqlalchemy import text

    from app import MIGRATIONS_DIR, create_app
    from services import accounts, tokens

    old = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'old.db'}", "AUTO_MIGRATE": False,
                      "TESTING": True, "SECRET_KEY": "test-secret", "JOBS_DB": str(tmp_path / "jobs.sqlite3")})
    now = utcnow().replace(tzinfo=None)
    with old.app_context():
        upgrade(directory=MIGRATIONS_DIR, revision="0008")
        db.session.execute(text(
            "INSERT INTO servers (id, name, country, region, city, datacenter, model, is_vm, category, featured, "
            "popularity_rank, setup_time_minutes, cpu_model, cpu_cores, cpu_threads, cpu_score, cpu_score_type, "
            "ram_gb, ram_type, ram_speed_mhz, disks, total_storage_gb, disk_summary, bandwidth_mbps, "
            "traffic_unlimited, ipv4_count, ipv6_enabled, min_price_per_day_millicents, disk_type_bits, "
            "durations_key, created_at, updated_at) "
            "VALUES ('5f0000000000000000000001', 'old-1', 'US', 'r', 'c', 'd', 'm', 0, 'compute', 0, 1, 1, 'c', 1, "
            "1, 1, 'passmark', 1, 'DDR4', 1, '[]', 1, '', 1, 1, 1, 1, 800000, 0, '|1|7|30|', :now, :now)"),
            {"now": now})
        for days, cents in ((30, 24000), (1, 1200), (7, 7000)):
            db.session.execute(text(
                "INSERT INTO server_prices (server_id, days, price_cents, price_per_day_millicents) "
                "VALUES ('5f0000000000000000000001', :days, :cents, :per_day)"),
                {"days": days, "cents": cents, "per_day": -(-cents * 1000 // days)})
        db.session.commit()

        upgrade(directory=MIGRATIONS_DIR)

        _, plain = tokens.create_token(accounts.create_user("upgrader", "correct-horse-battery"), "t", None)
    response = old.test_client().get("/api/v1/servers/available",
                                      headers={"Authorization": f"Bearer {plain}"})
    with old.app_context():
        db.engine.dispose()
    assert response.get_json()["data"][0]["pricing"] == {
        "prices": {"1": "12.00", "7": "70.00", "30": "240.00"},
        "price_tiers": {
            "1": {"days": 1, "price": "12.00", "price_per_day": "12.00", "discount_percent": 0},
            "7": {"days": 7, "price": "70.00", "price_per_day": "10.00", "discount_percent": 16.67},
            "30": {"days": 30, "price": "240.00", "price_per_day": "8.00", "discount_percent": 33.33},
        },
    }
