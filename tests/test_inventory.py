"""services.inventory: what a valid server record is, the rows it becomes, and the browse object
(views.api.serializers) they are shown as."""
import json

import pytest
from sqlalchemy import func, select

from core.extensions import db
from models import Server, ServerDiskType, ServerPrice
from services import inventory
from services.errors import BadRequest
from tests.records import DELETE, SAMPLE_FILE, SEED_SERVER, record
from views.api.serializers import marketplace_server


def fields(errors: list[dict], index: int) -> dict[str, str]:
    return {e["field"]: e["message"] for e in errors if e["index"] == index}


# --- Shape: round trip, field order, computed values ---------------------------------------------


def test_round_trip_of_the_seed_example():
    server = inventory.build_server(SEED_SERVER)
    assert marketplace_server(server) == SEED_SERVER
    # The order of the fields is the seed's too, all the way down.
    as_json = json.dumps(marketplace_server(server))
    assert as_json == json.dumps(SEED_SERVER)


def test_round_trip_is_stable_for_any_valid_record():
    shown = marketplace_server(inventory.build_server(record()))
    again = marketplace_server(inventory.build_server(shown))
    assert again == shown


def test_computed_fields_are_filled_in():
    server = inventory.build_server(record())
    assert len(server.id) == 24
    assert server.total_storage_gb == 92000
    assert server.disk_summary == "2x1TB NVMe + 6x15TB NVMe"
    assert server.min_price_per_day_millicents == 800_000  # $8.00 a day for 30 days
    assert {(p.days, p.price_cents, p.price_per_day_millicents) for p in server.prices} == {
        (1, 1200, 1_200_000), (7, 7000, 1_000_000), (30, 24000, 800_000)}
    assert [d.disk_type for d in server.disk_types] == ["NVMe"]
    shown = marketplace_server(server)
    assert shown["specs"]["disks"]["total_gb"] == 92000
    assert shown["specs"]["network"]["bandwidth_formatted"] == "10 Gbps"
    assert list(shown["pricing"]["price_tiers"]) == ["1", "7", "30"]


def test_price_tiers_example():
    tiers = inventory.price_tiers({1: 1200, 7: 7000})
    assert tiers == {
        "1": {"days": 1, "price": "12.00", "price_per_day": "12.00", "discount_percent": 0},
        "7": {"days": 7, "price": "70.00", "price_per_day": "10.00", "discount_percent": 16.67},
    }


def test_price_tiers_without_a_one_day_price_compare_with_the_shortest():
    tiers = inventory.price_tiers({30: 30000, 7: 7700, 90: 81000})
    assert list(tiers) == ["7", "30", "90"]
    assert tiers["7"]["discount_percent"] == 0
    assert tiers["30"] == {"days": 30, "price": "300.00", "price_per_day": "10.00", "discount_percent": 9.09}
    assert tiers["90"]["price_per_day"] == "9.00"
    assert tiers["90"]["discount_percent"] == 18.18
    # Per-day prices round half up to the cent.
    assert inventory.price_tiers({3: 1000})["3"]["price_per_day"] == "3.33"
    assert inventory.price_tiers({}) == {}


@pytest.mark.parametrize("mbps, shown", [(500, "500 Mbps"), (1000, "1 Gbps"), (2500, "2.5 Gbps"),
                                         (10000, "10 Gbps"), (25000, "25 Gbps")])
def test_bandwidth_formatted(mbps, shown):
    assert inventory.format_bandwidth(mbps) == shown


def test_disk_summary_units():
    config = [{"count": 2, "capacity_gb": 480, "type": "SSD"}, {"count": 12, "capacity_gb": 1920, "type": "SAS"},
              {"count": 1, "capacity_gb": 15360, "type": "HDD"}]
    assert inventory.disk_summary(config) == "2x480GB SSD + 12x1.92TB SAS + 1x15.36TB HDD"


def test_unlimited_traffic_is_null_tb():
    shown = marketplace_server(inventory.build_server(
        record(specs__network={"bandwidth_mbps": 500, "traffic_tb": None, "traffic_unlimited": True})))
    assert shown["specs"]["network"] == {"bandwidth_mbps": 500, "bandwidth_formatted": "500 Mbps",
                                         "traffic_tb": None, "traffic_unlimited": True}
    # traffic_tb may be left out when unlimited; a fractional allowance stays a fraction.
    assert inventory.build_server(record(specs__network__traffic_tb=DELETE,
                                         specs__network__traffic_unlimited=True)).traffic_tb is None
    half = inventory.build_server(record(specs__network__traffic_tb=0.5))
    assert marketplace_server(half)["specs"]["network"]["traffic_tb"] == 0.5


def test_normalized_records():
    records, errors = inventory.validate_records([record(
        id="507F1F77BCF86CD7994390AA", country="de", name="  box-1  ",
        pricing={"prices": {"7": 70, "1": "12.5"}, "price_tiers": {"junk": True}},
        unknown_field="ignored",
    )], check_database=False)
    assert errors == []
    (normalized,) = records
    assert normalized["id"] == "507f1f77bcf86cd7994390aa"
    assert normalized["country"] == "DE"
    assert normalized["name"] == "box-1"
    assert normalized["pricing"] == {"prices": {"1": "12.50", "7": "70.00"}}
    assert "unknown_field" not in normalized
    # A normalized record is a valid record, with the same meaning.
    assert inventory.validate_records(records, check_database=False) == (records, [])


# --- Validation: every problem, by index and field ------------------------------------------------


def test_every_problem_of_every_record_is_reported():
    items = [
        record(),
        record(specs__cpu__cores=0, country="USA", category="quantum"),
        record(),
        "not an object",
        record(pricing__prices={}, specs__ram__type="DDR6", specs__disks__config=[]),
    ]
    records, errors = inventory.validate_records(items, check_database=False)
    assert len(records) == 2
    assert fields(errors, 1) == {
        "specs.cpu.cores": "must be at least 1",
        "country": "must be a 2-letter country code such as US",
        "category": "must be one of: compute, memory, storage, general, gpu",
    }
    assert fields(errors, 3) == {"": "must be an object"}
    assert fields(errors, 4) == {
        "pricing.prices": "must have at least one price",
        "specs.ram.type": "must be one of: DDR3, DDR4, DDR5, ECC DDR3, ECC DDR4, ECC DDR5",
        "specs.disks.config": "must have at least 1 item(s)",
    }
    assert [e["index"] for e in errors] == sorted(e["index"] for e in errors)


def test_types_are_strict():
    _, errors = inventory.validate_records([record(
        specs__cpu__cores="64", is_vm=0, featured="true", popularity_rank=1.0,
        specs__network__traffic_tb="100", specs__ram__capacity_gb=True,
    )], check_database=False)
    assert fields(errors, 0) == {
        "specs.cpu.cores": "must be an integer",
        "is_vm": "must be true or false",
        "featured": "must be true or false",
        "popularity_rank": "must be an integer",
        "specs.network.traffic_tb": "must be a number",
        "specs.ram.capacity_gb": "must be an integer",
    }


def test_ram_types_are_exact():
    _, errors = inventory.validate_records([record(specs__ram__type="ddr5"), record(specs__ram__type="ECC DDR4")],
                                           check_database=False)
    assert set(fields(errors, 0)) == {"specs.ram.type"}
    assert fields(errors, 1) == {}


def test_required_fields():
    _, errors = inventory.validate_records([record(name=DELETE, specs__additional=DELETE)],
                                           check_database=False)
    assert fields(errors, 0) == {"name": "is required", "specs.additional": "is required"}
    _, errors = inventory.validate_records([record(name="   ")], check_database=False)
    assert fields(errors, 0) == {"name": "must not be empty"}


@pytest.mark.parametrize("prices, problems", [
    ({"0": "10.00"}, {"pricing.prices.0": inventory.DAYS_RULE}),
    ({"3651": "10.00"}, {"pricing.prices.3651": inventory.DAYS_RULE}),
    ({"07": "10.00"}, {"pricing.prices.07": inventory.DAYS_RULE}),
    ({"week": "10.00"}, {"pricing.prices.week": inventory.DAYS_RULE}),
    ({"7": "12.345"}, {"pricing.prices.7": "must have at most 2 decimals"}),
    ({"7": 12.345}, {"pricing.prices.7": "must have at most 2 decimals"}),
    ({"7": "-5"}, {"pricing.prices.7": inventory.PRICE_RULE}),
    ({"7": -5}, {"pricing.prices.7": "must be greater than 0"}),
    ({"7": "0.00"}, {"pricing.prices.7": "must be greater than 0"}),
    ({"7": "1e3"}, {"pricing.prices.7": inventory.PRICE_RULE}),
    ({"7": True}, {"pricing.prices.7": inventory.PRICE_RULE}),
    ({"7": None}, {"pricing.prices.7": inventory.PRICE_RULE}),
    ({"7": "20000000.00"}, {"pricing.prices.7": "must be at most 10000000.00"}),
    ([], {"pricing.prices": "must be an object"}),
])
def test_bad_prices(prices, problems):
    _, errors = inventory.validate_records([record(pricing__prices=prices)], check_database=False)
    assert fields(errors, 0) == problems


def test_every_bad_price_is_reported():
    _, errors = inventory.validate_records([record(pricing__prices={"1": "10.00", "0": "x", "7": "1.999"})],
                                           check_database=False)
    assert [(e["field"], e["message"]) for e in errors] == [
        ("pricing.prices.0", inventory.DAYS_RULE),
        ("pricing.prices.0", inventory.PRICE_RULE),
        ("pricing.prices.7", "must have at most 2 decimals"),
    ]


def test_prices_accept_json_numbers():
    server = inventory.build_server(record(pricing__prices={"1": 12, "7": 70.5}))
    assert {p.days: p.price_cents for p in server.prices} == {1: 1200, 7: 7050}


def test_traffic_must_match_unlimited():
    _, errors = inventory.validate_records([
        record(specs__network__traffic_unlimited=True),
        record(specs__network__traffic_tb=None),
        record(specs__network__traffic_tb=DELETE),
        record(specs__network__traffic_tb=-1),
    ], check_database=False)
    assert fields(errors, 0) == {"specs.network.traffic_tb": "must be null when traffic_unlimited is true"}
    required = {"specs.network.traffic_tb": "is required (a number of TB) when traffic_unlimited is false"}
    assert fields(errors, 1) == required
    assert fields(errors, 2) == required
    assert fields(errors, 3) == {"specs.network.traffic_tb": "must be at least 0"}


def test_total_gb_must_match_the_config():
    good = record(specs__disks__total_gb=92000)
    bad = record(specs__disks__total_gb=90000)
    _, errors = inventory.validate_records([good, bad], check_database=False)
    assert fields(errors, 0) == {}
    assert fields(errors, 1) == {
        "specs.disks.total_gb": "must equal the sum of count x capacity_gb over config (92000)"}


def test_cross_field_rules_are_reported_beside_other_problems_of_the_object():
    item = record(specs__network__traffic_unlimited=True, specs__network__bandwidth_mbps=0,
                  specs__disks__total_gb=5, specs__disks__config=[
                      {"count": 2, "capacity_gb": 1000, "type": "NVMe", "interface": ""}])
    _, errors = inventory.validate_records([item], check_database=False)
    assert fields(errors, 0) == {
        "specs.network.bandwidth_mbps": "must be at least 1",
        "specs.network.traffic_tb": "must be null when traffic_unlimited is true",
        "specs.disks.config.0.interface": "must not be empty",
        "specs.disks.total_gb": "must equal the sum of count x capacity_gb over config (2000)",
    }


def test_duplicate_ids_in_the_input():
    items = [record(id="aaaaaaaaaaaaaaaaaaaaaaaa"), record(), record(id="AAAAAAAAAAAAAAAAAAAAAAAA"),
             record(id="not-an-id")]
    records, errors = inventory.validate_records(items, check_database=False)
    assert len(records) == 2
    assert fields(errors, 2) == {"id": "duplicates the id of record 0"}
    assert fields(errors, 3) == {"id": "must be 24 hexadecimal characters"}


def test_validate_record_for_forms_and_the_api():
    assert inventory.validate_record(record())["country"] == "US"
    with pytest.raises(BadRequest) as caught:
        inventory.validate_record(record(specs__cpu__threads=0))
    assert caught.value.details == [{"field": "specs.cpu.threads", "message": "must be at least 1"}]
    with pytest.raises(BadRequest):
        inventory.build_server(record(category="mainframe"))


# --- Importing --------------------------------------------------------------------------------------


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_import_inserts_servers_with_every_column(app):
    with app.app_context():
        items = [SEED_SERVER, record(name="node-de-fra-1", country="de", region="eu-central", city="Frankfurt",
                                     specs__disks__config=[
                                         {"count": 2, "capacity_gb": 480, "type": "SSD", "interface": "SATA"},
                                         {"count": 4, "capacity_gb": 16000, "type": "HDD", "interface": "SATA"}])]
        assert inventory.import_servers(items) == 2
        assert count(Server) == 2
        assert count(ServerPrice) == 6
        assert count(ServerDiskType) == 3
        db.session.expunge_all()
        seeded = db.session.get(Server, SEED_SERVER["id"])
        assert marketplace_server(seeded) == SEED_SERVER
        assert seeded.created_at is not None and seeded.reserved_until is None
        frankfurt = db.session.scalar(select(Server).where(Server.name == "node-de-fra-1"))
        assert frankfurt.country == "DE"
        assert frankfurt.total_storage_gb == 64960
        assert frankfurt.disk_summary == "2x480GB SSD + 4x16TB HDD"
        assert sorted(d.disk_type for d in frankfurt.disk_types) == ["HDD", "SSD"]
        assert frankfurt.traffic_tb == 100.0
        assert frankfurt.min_price_per_day_millicents == 800_000


def test_import_is_all_or_nothing(app):
    with app.app_context():
        items = [record(), record(specs__cpu__cores=0), record(), record(pricing__prices={"1": "free"})]
        with pytest.raises(BadRequest) as caught:
            inventory.import_servers(items)
        assert {(e["index"], e["field"]) for e in caught.value.details} == {
            (1, "specs.cpu.cores"), (3, "pricing.prices.1")}
        assert count(Server) == 0 and count(ServerPrice) == 0


def test_import_refuses_ids_already_in_the_inventory(app):
    with app.app_context():
        inventory.import_servers([SEED_SERVER])
        with pytest.raises(BadRequest) as caught:
            inventory.import_servers([record(), SEED_SERVER])
        assert caught.value.details == [
            {"index": 1, "field": "id", "message": "a server with this id already exists"}]
        assert count(Server) == 1
        records, errors = inventory.validate_records([SEED_SERVER])
        assert records == [] and errors[0]["field"] == "id"
        # seed-demo's way: skip what is already there.
        assert inventory.import_servers([SEED_SERVER, record()], skip_existing=True) == 1
        assert count(Server) == 2


def test_import_in_chunks_from_a_generator(app):
    with app.app_context():
        generated = (record(name=f"node-{i}") for i in range(25))
        assert inventory.import_servers(generated, chunk_size=10) == 25
        assert count(Server) == 25
        assert count(ServerPrice) == 75
        # An error in a later chunk undoes the chunks already written.
        later_bad = (record(name=f"late-{i}", popularity_rank=0 if i == 23 else 1) for i in range(25))
        with pytest.raises(BadRequest) as caught:
            inventory.import_servers(later_bad, chunk_size=10)
        assert caught.value.details == [{"index": 23, "field": "popularity_rank", "message": "must be at least 1"}]
        assert count(Server) == 25


def test_import_refuses_what_is_not_a_list(app):
    with app.app_context():
        for not_a_list in ({"name": "x"}, "[]", None):
            with pytest.raises(BadRequest):
                inventory.import_servers(not_a_list)
        assert inventory.import_servers([]) == 0


def test_the_sample_file_is_valid():
    items = json.loads(SAMPLE_FILE.read_text())
    records, errors = inventory.validate_records(items, check_database=False)
    assert errors == [] and len(records) == 3
    assert {r["category"] for r in records} >= {"compute", "storage"}


def test_a_broken_rule_is_reported_once():
    _, errors = inventory.validate_records(
        [record(specs__network__traffic_unlimited=True, specs__cpu__cores=0, specs__disks__total_gb=1)],
        check_database=False)
    assert [e["field"] for e in errors] == ["specs.cpu.cores", "specs.disks.total_gb", "specs.network.traffic_tb"]
