"""The marketplace page: live filters with the API's rules, a page or only the results, paging, and a server's page."""
import re
from datetime import timedelta
from urllib.parse import parse_qsl, urlsplit

import pytest
from sqlalchemy import update

from core.extensions import db
from core.ids import CANONICAL_ID
from core.timeutil import utcnow
from models import Server
from tests.factories import make_servers, server_record
from tests.web_helpers import HTMX, log_in, text

SERVERS = [
    dict(name="nyc-1", country="US", region="us-east", category="compute", featured=True, popularity_rank=1,
         prices={"1": "12.00", "7": "70.00", "30": "240.00"}, cpu_cores=64, cpu_score=48500, ram_gb=256,
         ram_type="ECC DDR5", disks=[(2, 1000, "NVMe")], bandwidth_mbps=10000, traffic_tb=100),
    dict(name="lax-1", country="us", region="us-west", category="storage", popularity_rank=2,
         prices={"7": "35.00", "30": "150.00"}, cpu_cores=16, cpu_score=22000, ram_gb=64, ram_type="DDR4",
         disks=[(12, 16000, "HDD"), (2, 960, "SSD")], bandwidth_mbps=10000, traffic_tb=None),
    dict(name="fra-1", country="DE", region="eu-central", category="memory", featured=True, popularity_rank=2,
         prices={"1": "20.00", "7": "105.00"}, cpu_cores=32, cpu_score=15000, cpu_score_type="geekbench_multi",
         ram_gb=1024, ram_type="ECC DDR4", disks=[(2, 3840, "NVMe")], bandwidth_mbps=25000, traffic_tb=50),
    dict(name="ams-1", country="NL", region="eu-west", category="general", popularity_rank=4,
         prices={"1": "3.00", "7": "17.50", "30": "60.00"}, cpu_cores=4, cpu_score=8000, ram_gb=16, ram_type="DDR3",
         disks=[(1, 2000, "HDD")], bandwidth_mbps=500, traffic_tb=5),
    dict(name="sgp-1", country="SG", region="ap-southeast", category="compute", popularity_rank=6,
         prices={"1": "25.00", "7": "140.00"}, cpu_cores=96, cpu_score=61000, ram_gb=384, ram_type="ECC DDR5",
         disks=[(2, 1000, "NVMe"), (4, 4000, "SAS")], bandwidth_mbps=10000, traffic_tb=30),
]
OFFER = re.compile(rf'<h3 class="offer-name"><a href="/marketplace/({CANONICAL_ID})">([^<]+)</a>')


@pytest.fixture
def inventory(app) -> dict[str, str]:
    return make_servers(app, [server_record(**fields) for fields in SERVERS])


def names(response) -> list[str]:
    return [name for _, name in OFFER.findall(text(response))]


def api_names(api, person, query: str) -> list[str]:
    response = api.get(f"/servers/available?{query}", as_=person)
    assert response.status_code == 200, response.json
    return [server["name"] for server in response.json["data"]]


def query_of(url: str) -> list[tuple[str, str]]:
    return parse_qsl(urlsplit(url).query)


def link(body: str, rel: str) -> str:
    match = re.search(rf'href="([^"]+)" rel="{rel}"', body)
    assert match, f"no {rel} link"
    return match.group(1).replace("&amp;", "&")


# --- The page and its fragment ------------------------------------------------------------------

def test_logged_out_visitors_browse_the_whole_page(client, inventory):
    response = client.get("/marketplace")
    assert response.status_code == 200
    body = text(response)
    assert "<html" in body and 'id="results"' in body and 'id="filters"' in body
    assert names(response) == ["nyc-1", "fra-1", "lax-1", "ams-1", "sgp-1"]  # the API's order
    assert 'href="/marketplace"' in body and "Log in" in body  # the header links here for visitors too
    assert "HX-Request" in response.headers["Vary"]


def test_htmx_gets_only_the_results_with_the_address_to_show(client, inventory):
    response = client.get("/marketplace?country=us", headers=HTMX)
    assert response.status_code == 200
    body = text(response)
    assert "<html" not in body and 'id="filters"' not in body
    assert body.lstrip().startswith('<section id="results"')
    assert names(response) == ["nyc-1", "lax-1"]
    assert response.headers["HX-Push-Url"] == "/marketplace?country=us"
    assert "HX-Request" in response.headers["Vary"]


def test_the_filter_form_asks_for_results_live_and_keeps_them_in_the_address(client, inventory):
    body = text(client.get("/marketplace"))
    form = body[body.index('<form id="filters"'):]
    form = form[: form.index(">")]
    assert 'method="get"' in form and 'action="/marketplace"' in form
    assert 'hx-get="/marketplace"' in form and 'hx-target="#results"' in form and 'hx-push-url="true"' in form
    assert "keyup changed delay:400ms" in form and "change" in form
    assert 'hx-indicator="#results-indicator"' in form and 'id="results-indicator"' in body
    for name in ("country", "region", "max_price_per_day", "available_durations", "min_cpu_cores", "min_cpu_score",
                 "cpu_score_type", "min_ram_gb", "ram_types", "min_total_storage_gb", "disk_types",
                 "min_bandwidth_mbps", "min_traffic_tb", "unlimited_traffic_only", "category", "featured_only",
                 "sort"):
        assert f'name="{name}"' in body, name


def test_a_result_shows_where_what_and_from_how_much(client, inventory):
    body = text(client.get("/marketplace?country=US&region=us-east"))
    card = body[body.index('<li class="card offer'):]
    card = card[: card.index("</li>")]
    assert f'href="/marketplace/{inventory["nyc-1"]}"' in card
    assert "Featured" in card
    assert "\U0001F1FA\U0001F1F8" in card and "Somewhere" in card and ">US<" in card  # flag, city, country
    assert "AMD EPYC 7763 · 64 cores" in card
    assert "256 GB ECC DDR5" in card
    assert "2x1TB NVMe" in card and "(2 TB)" in card
    assert "10 Gbps · 100 TB/month" in card
    assert "$8.00</strong>" in card  # 30 days at $240 is the cheapest per day
    lax = text(client.get("/marketplace?region=us-west"))
    assert "unlimited traffic" in lax and "Featured</span>" not in lax


# --- Filters: the API's rules, kept in the form -----------------------------------------------

# Every filter and sort of the API, alone and combined (one app for all: each query only reads).
SAME_AS_API = [
    "country=us",
    "country=DE",
    "region=eu-west",
    "max_price_per_day=10",
    "max_price_per_day=10&available_durations=7",
    "available_durations=1",
    "available_durations=30&available_durations=1",
    "min_cpu_cores=32",
    "min_cpu_score=20000",
    "min_cpu_score=10000&cpu_score_type=geekbench_multi",
    "cpu_score_type=geekbench_multi",
    "min_ram_gb=256",
    "ram_types=DDR4,DDR3",
    "ram_types=ECC+DDR5",
    "min_total_storage_gb=10000",
    "disk_types=SAS&disk_types=SSD",
    "min_bandwidth_mbps=25000",
    "min_traffic_tb=40",
    "unlimited_traffic_only=true",
    "category=compute",
    "featured_only=1",
    "sort=price_per_day",
    "sort=-price_per_day",
    "sort=cpu_score",
    "sort=ram_gb",
    "sort=storage_gb",
    "country=US&sort=-price_per_day&featured_only=false",
    "min_cpu_cores=99999999999999999999999",
]


def test_the_page_lists_what_the_api_lists(client, api, make_user, inventory):
    reader = make_user("reader")
    for query in SAME_AS_API:
        expected = api_names(api, reader, query)
        for headers in ({}, HTMX):
            response = client.get(f"/marketplace?{query}", headers=headers)
            assert response.status_code == 200, query
            assert names(response) == expected, query
    assert any(api_names(api, reader, query) == [] for query in SAME_AS_API)  # some filters leave nothing


def test_filters_are_filled_in_again_when_the_address_is_reloaded(client, inventory):
    query = ("country=de&region=eu-central&max_price_per_day=30&available_durations=7,1&min_cpu_cores=8"
             "&min_cpu_score=100&cpu_score_type=geekbench_multi&min_ram_gb=512&ram_types=ECC+DDR4"
             "&min_total_storage_gb=1000&disk_types=NVMe&min_bandwidth_mbps=1000&min_traffic_tb=10"
             "&category=memory&featured_only=true&sort=ram_gb")
    response = client.get(f"/marketplace?{query}")
    assert names(response) == ["fra-1"]
    body = text(response)
    for name, value in (("country", "de"), ("region", "eu-central"), ("max_price_per_day", "30"),
                        ("min_cpu_cores", "8"), ("min_cpu_score", "100"), ("min_ram_gb", "512"),
                        ("min_total_storage_gb", "1000"), ("min_bandwidth_mbps", "1000"), ("min_traffic_tb", "10")):
        assert re.search(rf'name="{name}"[^>]*value="{value}"|value="{value}"[^>]*name="{name}"', body), name
    for name, value in (("available_durations", "7"), ("available_durations", "1"), ("ram_types", "ECC DDR4"),
                        ("disk_types", "NVMe"), ("featured_only", "true")):
        assert re.search(rf'name="{name}" value="{value}" checked', body), (name, value)
    assert not re.search(r'name="ram_types" value="DDR4" checked', body)
    assert not re.search(r'name="unlimited_traffic_only" value="true" checked', body)
    for select, value in (("cpu_score_type", "geekbench_multi"), ("category", "memory"), ("sort", "ram_gb")):
        chosen = body[body.index(f'name="{select}"'):]
        assert f'<option selected value="{value}">' in chosen[: chosen.index("</select>")], select


def test_a_duration_outside_the_usual_ticks_is_kept_as_its_own_tick(client, inventory):
    body = text(client.get("/marketplace?available_durations=45"))
    assert re.search(r'name="available_durations" value="45" checked', body)
    assert "45 days" in body


def test_empty_fields_are_dropped_from_the_address(client, inventory):
    query = "country=&region=&min_ram_gb=64&ram_types=&sort="
    plain = client.get(f"/marketplace?{query}")
    assert plain.status_code == 302
    assert plain.headers["Location"] == "/marketplace?min_ram_gb=64"

    partial = client.get(f"/marketplace?{query}", headers=HTMX)
    assert partial.status_code == 200
    assert partial.headers["HX-Push-Url"] == "/marketplace?min_ram_gb=64"
    assert names(partial) == ["nyc-1", "fra-1", "lax-1", "sgp-1"]


def test_nothing_matching_is_a_clear_empty_state(client, inventory):
    response = client.get("/marketplace?country=JP")
    assert response.status_code == 200
    assert names(response) == []
    assert "No servers match these filters" in text(response)
    assert "0 servers available" in text(response)


def test_a_rented_server_is_not_listed(app, client, inventory):
    with app.app_context():
        db.session.execute(update(Server).where(Server.id == inventory["nyc-1"])
                           .values(reserved_until=utcnow() + timedelta(days=3)))
        db.session.commit()
    assert "nyc-1" not in names(client.get("/marketplace"))


# --- Bad filters: a friendly message, never a 500 ----------------------------------------------

BAD_FILTERS = [
    ("min_ram_gb=abc", "Min RAM (GB)", "must be a number"),
    ("country=USA", "Country", "must be a 2-letter country code such as US"),
    ("max_price_per_day=-5", "Max price per day ($)", "must be at least 0"),
    ("ram_types=DDR9", "RAM types", "has unknown value(s) DDR9"),
    ("disk_types=Floppy", "Disk types", "has unknown value(s) Floppy"),
    ("available_durations=0", "Rental periods", "must be whole numbers of days from 1 to 3650"),
    ("available_durations=abc", "Rental periods", "must be whole numbers of days"),
    ("featured_only=maybe", "Featured only", "must be true or false"),
    ("sort=cheapest", "Sort by", "must be one of: price_per_day"),
    ("category=toaster", "Category", "must be one of: compute"),
    ("cpu_score_type=bogomips", "Score type", "must be one of: passmark"),
    ("country=US&country=DE", "Country", "must be given only once"),
    ("offset=-1", "offset", "must be an integer"),
    ("limit=0", "limit", "must be an integer between 1 and 500"),
    ("limit=many", "limit", "must be an integer between 1 and 500"),
    ("min_ram_gb=1e-9999999999999999999", "Min RAM (GB)", "must be a number with an exponent of at most 3 digits"),
    ("max_price_per_day=1e9999999999999999999", "Max price per day ($)",
     "must be a number with an exponent of at most 3 digits"),
    ("min_traffic_tb=Infinity", "Min monthly traffic (TB)", "must be a number"),
    ("limit=1e-9999999999999999999", "limit", "must be an integer between 1 and 500"),
]


def test_a_bad_filter_is_a_message_beside_the_panel(client, inventory):
    for query, label, message in BAD_FILTERS:
        page = client.get(f"/marketplace?{query}")
        assert page.status_code == 422, query
        body = text(page)
        assert "<html" in body and "Some filters could not be used" in body
        assert f"<strong>{label}</strong>: {message}" in body.replace("&#39;", "'"), query
        assert names(page) == []

        partial = client.get(f"/marketplace?{query}", headers=HTMX)
        assert partial.status_code == 422, query  # swapped in by the page's htmx config
        assert "<html" not in text(partial) and message in text(partial)


@pytest.mark.parametrize("field, value", [("min_ram_gb", "1e-9999999999999999999"),
                                          ("max_price_per_day", "1e9999999999999999999"),
                                          ("min_bandwidth_mbps", "NaN")])
def test_a_number_no_client_writes_is_marked_beside_its_field(client, inventory, field, value):
    page = client.get("/marketplace", query_string={field: value})
    assert page.status_code == 422
    body = text(page)
    beside = body[body.index(f'<label for="{field}">'):]
    beside = beside[: beside.index("</div>")]
    assert f'value="{value}"' in beside and 'aria-invalid="true"' in beside
    assert "Must be a number" in beside


def test_a_filter_form_sent_with_every_field_empty_lists_everything(client, inventory):
    # What the form sends untouched (and htmx sends as it is): every field, empty.
    empty = "&".join(f"{name}=" for name in (
        "country", "region", "max_price_per_day", "min_cpu_cores", "min_cpu_score", "cpu_score_type", "min_ram_gb",
        "min_total_storage_gb", "min_bandwidth_mbps", "min_traffic_tb", "unlimited_traffic_only", "category",
        "featured_only", "sort", "limit", "offset"))
    partial = client.get(f"/marketplace?{empty}&available_durations=&ram_types=&disk_types= ", headers=HTMX)
    assert partial.status_code == 200
    assert sorted(names(partial)) == sorted(server["name"] for server in SERVERS)
    assert partial.headers["HX-Push-Url"] == "/marketplace"


def test_a_bad_value_is_also_marked_beside_its_field(client, inventory):
    body = text(client.get("/marketplace?min_ram_gb=12x&country=US"))
    field = body[body.index('<label for="min_ram_gb">'):]
    field = field[: field.index("</div>")]
    assert 'value="12x"' in field and 'aria-invalid="true"' in field
    assert "Must be a number" in field


def test_every_bad_filter_is_reported_at_once(client, inventory):
    body = text(client.get("/marketplace?min_ram_gb=abc&country=USA&ram_types=DDR9"))
    for label in ("Min RAM (GB)", "Country", "RAM types"):
        assert f"<strong>{label}</strong>" in body


# --- Paging -------------------------------------------------------------------------------------

def test_paging_keeps_the_filters(client, inventory):
    first = client.get("/marketplace?region=&min_cpu_cores=20&limit=2", headers=HTMX)
    body = text(first)
    assert names(first) == ["nyc-1", "fra-1"]
    assert "1–2 of 3" in body
    next_url = link(body, "next")
    assert query_of(next_url) == [("min_cpu_cores", "20"), ("limit", "2"), ("offset", "2")]
    assert 'hx-target="#results"' in body and 'hx-push-url="true"' in body
    assert 'rel="prev"' not in body

    second = client.get(next_url)
    assert names(second) == ["sgp-1"]
    assert "3–3 of 3" in text(second)
    assert query_of(link(text(second), "prev")) == [("min_cpu_cores", "20"), ("limit", "2")]
    assert 'rel="next"' not in text(second)
    assert 'name="limit" value="2"' in text(second)  # a filter change keeps the page size


def test_a_page_beyond_the_end_offers_the_way_back(client, inventory):
    body = text(client.get("/marketplace?limit=2&offset=10"))
    assert "No servers match" in body
    assert query_of(link(body, "prev")) == [("limit", "2"), ("offset", "8")]


# --- One server ---------------------------------------------------------------------------------

def test_a_server_page_shows_its_specs_and_price_tiers(client, inventory):
    response = client.get(f"/marketplace/{inventory['nyc-1']}")
    assert response.status_code == 200
    body = text(response)
    assert "<html" in body and "<h1>nyc-1" in body
    for spec in ("AMD EPYC 7763", "64 cores / 128 threads", "48,500", "256 GB ECC DDR5", "4800 MHz",
                 "2 × 1 TB NVMe", "PCIe 4.0", "10 Gbps", "100 TB a month", "1 IPv4 · IPv6", "Dell PowerEdge R750"):
        assert spec in body, spec
    tiers = body[body.index('class="table table-stack tiers-table"'):]
    tiers = tiers[: tiers.index("</table>")]
    rows = re.findall(r"<tr>(.*?)</tr>", tiers, re.S)[1:]
    cells = [re.findall(r"<td[^>]*>(.*?)</td>", row, re.S) for row in rows]
    assert [[re.sub(r"<[^>]+>", "", cell).strip() for cell in row] for row in cells] == [
        ["1 day", "$12.00", "$12.00", "—"],
        ["7 days", "$70.00", "$10.00", "16.67% off"],
        ["30 days", "$240.00", "$8.00", "33.33% off"],
    ]
    assert "HX-Request" in response.headers["Vary"]


def test_a_server_page_for_htmx_is_its_content_only(client, inventory):
    response = client.get(f"/marketplace/{inventory['nyc-1']}", headers=HTMX)
    assert response.status_code == 200
    assert "<html" not in text(response)
    assert text(response).lstrip().startswith('<div id="server-page"')


@pytest.mark.parametrize("model", ["Virtual machine on Dell PowerEdge R750", "Dell PowerEdge R750"])
def test_a_virtual_machine_says_so_once(app, client, model):
    record = {**server_record("vm-1"), "model": model, "is_vm": True}
    server_id = make_servers(app, [record])["vm-1"]
    body = text(client.get(f"/marketplace/{server_id}"))
    head = body[body.index("<h1>vm-1"):]
    head = head[: head.index("</div>")]
    assert "Dell PowerEdge R750" in head
    assert head.lower().count("virtual machine") == 1


def test_logged_out_visitors_are_asked_to_log_in_to_rent(client, inventory):
    body = text(client.get(f"/marketplace/{inventory['nyc-1']}"))
    assert f'href="/login?next=/marketplace/{inventory["nyc-1"]}"' in body
    assert "Log in to rent" in body
    assert 'name="rental_days"' not in body


def test_a_rented_server_says_it_is_not_available(app, client, make_user, inventory):
    make_user("alice", balance_cents=100_000)
    log_in(client, "alice")
    with app.app_context():
        db.session.execute(update(Server).where(Server.id == inventory["nyc-1"])
                           .values(reserved_until=utcnow() + timedelta(days=3)))
        db.session.commit()
    body = text(client.get(f"/marketplace/{inventory['nyc-1']}"))
    assert "Not available" in body
    assert 'name="rental_days"' not in body
    assert "Price tiers" in body  # still worth reading


@pytest.mark.parametrize("server_id", ["0" * 24, "nope", "x" * 300, "A" * 24])
def test_an_unknown_server_is_a_404_page(client, inventory, server_id):
    response = client.get(f"/marketplace/{server_id}")
    assert response.status_code == 404
    assert "<html" in text(response)


def test_a_server_id_in_capitals_is_the_same_server(client, inventory):
    response = client.get(f"/marketplace/{inventory['nyc-1'].upper()}")
    assert response.status_code == 200
    assert "<h1>nyc-1" in text(response)
