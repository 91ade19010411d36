"""Properties that hold for every input: the marketplace's query parser, money, and price tiers."""
import string
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict

from core.limits import (
    CPU_SCORE_TYPES,
    DISK_TYPES,
    DURATION_DAYS_MAX,
    PRICE_CENTS_MAX,
    PRICES_MAX,
    RAM_TYPES,
    SERVER_CATEGORIES,
)
from core.money import InvalidAmount, cents_to_number, format_cents, parse_dollars
from services.errors import BadRequest
from services.inventory import price_tiers
from services.marketplace import ERROR_PREFIX, SORTS, MarketplaceFilters, parse_filters
from services.paging import Page, parse_page
from tests.factories import make_servers, server_record

FAST = settings(max_examples=150, deadline=None)

NUMBER_FILTERS = ("max_price_per_day", "min_cpu_cores", "min_cpu_score", "min_ram_gb", "min_total_storage_gb",
                  "min_bandwidth_mbps", "min_traffic_tb")
CHOICE_FILTERS = {"cpu_score_type": CPU_SCORE_TYPES, "category": SERVER_CATEGORIES, "sort": SORTS}
ARRAY_FILTERS = {"ram_types": RAM_TYPES, "disk_types": DISK_TYPES}
BOOLEAN_FILTERS = ("unlimited_traffic_only", "featured_only")
BOOLEANS = {"true": True, "TRUE": True, "True": True, "1": True, "false": False, "False": False, "0": False}
ALL_PARAMETERS = ("country", "region", "available_durations", "limit", "offset", *NUMBER_FILTERS,
                  *CHOICE_FILTERS, *ARRAY_FILTERS, *BOOLEAN_FILTERS)


# --- The marketplace's query parser -------------------------------------------------------------------

def _number_text():
    """Non-negative numbers written as JavaScript prints them, with the exact value they mean."""
    whole = st.integers(0, 10**15).map(lambda n: (str(n), Decimal(n)))
    fraction = st.decimals(min_value=0, max_value=10**6, places=3).map(lambda d: (str(d), d))
    tiny = st.integers(1, 9).map(lambda n: (f"{n}e-7", Decimal(n) * Decimal("1e-7")))
    return st.one_of(whole, fraction, tiny)


@st.composite
def valid_queries(draw):
    """A query of valid values, each array as a list; and the filters it should parse to."""
    query: dict[str, str | list[str]] = {}
    expected: dict = {}
    if draw(st.booleans()):
        country = draw(st.text(string.ascii_letters, min_size=2, max_size=2))
        query["country"], expected["country"] = country, country.upper()
    if draw(st.booleans()):
        region = draw(st.text(string.ascii_lowercase + string.digits + "-", min_size=1, max_size=20))
        query["region"], expected["region"] = region, region
    for name in draw(st.lists(st.sampled_from(NUMBER_FILTERS), unique=True)):
        text, value = draw(_number_text())
        query[name], expected[name] = text, value
    for name, allowed in CHOICE_FILTERS.items():
        if draw(st.booleans()):
            query[name] = expected[name] = draw(st.sampled_from(allowed))
    for name, allowed in ARRAY_FILTERS.items():
        items = draw(st.lists(st.sampled_from(allowed), unique=True, max_size=len(allowed)))
        if items:
            query[name], expected[name] = items, tuple(items)
    days = draw(st.lists(st.integers(1, DURATION_DAYS_MAX), unique=True, max_size=5))
    if days:
        query["available_durations"], expected["available_durations"] = [str(d) for d in days], tuple(sorted(days))
    for name in BOOLEAN_FILTERS:
        if draw(st.booleans()):
            text = draw(st.sampled_from(sorted(BOOLEANS)))
            query[name], expected[name] = text, BOOLEANS[text]
    return query, MarketplaceFilters(**expected)


def as_args(query: dict, joined: bool) -> MultiDict:
    """Arrays as one comma-joined value (``joined``) or as repeated keys."""
    pairs = []
    for name, value in query.items():
        if isinstance(value, list):
            pairs += [(name, ",".join(value))] if joined else [(name, item) for item in value]
        else:
            pairs.append((name, value))
    return MultiDict(pairs)


@FAST
@given(valid_queries())
def test_valid_values_parse_to_their_typed_values(case):
    query, expected = case
    assert parse_filters(as_args(query, joined=False)) == expected


@FAST
@given(valid_queries(), st.data())
def test_comma_joined_repeated_and_mixed_arrays_mean_the_same(case, data):
    query, expected = case
    assert parse_filters(as_args(query, joined=True)) == expected
    mixed = []
    for name, value in query.items():
        if isinstance(value, list) and len(value) > 1:
            cut = data.draw(st.integers(1, len(value) - 1))
            mixed += [(name, ",".join(value[:cut])), (name, " , ".join(value[cut:]) + ",")]
        else:
            mixed += [(name, item) for item in (value if isinstance(value, list) else [value])]
    assert parse_filters(MultiDict(mixed)) == expected


@FAST
@given(st.lists(st.tuples(st.sampled_from(ALL_PARAMETERS + ("unknown", "Country")), st.text(max_size=30)),
                max_size=8))
def test_any_text_parses_or_is_a_bad_request_naming_its_parameters(pairs):
    try:
        parse_filters(MultiDict(pairs))
    except BadRequest as error:
        named = {name for name, _ in pairs}
        assert error.details and all(detail["field"] in named for detail in error.details)
        assert error.message.startswith(ERROR_PREFIX)
        assert all(detail["field"] in error.message for detail in error.details)


@FAST
@given(st.sampled_from(NUMBER_FILTERS), st.decimals(min_value=-(10**9), max_value=Decimal("-0.001"), places=3))
def test_negative_numbers_are_refused(name, value):
    try:
        parse_filters(MultiDict([(name, str(value))]))
    except BadRequest as error:
        assert error.details == [{"field": name, "message": "must be at least 0"}]
    else:
        raise AssertionError(f"{name}={value} was accepted")


def numeric_looking_text():
    """Text that looks more or less like a number: any sign, digits, fraction and exponent, however long,
    the spellings of infinity and not-a-number, non-ASCII digits, and spaces around."""
    mantissa = st.one_of(
        st.from_regex(r"\A[0-9]{1,25}(\.[0-9]{0,25})?\Z"),
        st.from_regex(r"\A\.[0-9]{1,25}\Z"),
        st.integers(0, 3000).map(lambda n: "1" + "0" * n),
        st.integers(0, 3000).map(lambda n: "0." + "0" * n + "1"),
        st.text("0123456789.", max_size=6),
    )
    # Beyond 18 digits even Decimal gives up (1e9999999999999999999 is an InvalidOperation).
    exponent_digits = st.one_of(st.integers(0, 999).map(str), st.text("0123456789", min_size=4, max_size=18),
                                st.text("0123456789", min_size=19, max_size=40))
    exponent = st.one_of(
        st.just(""),
        st.tuples(st.sampled_from("eE"), st.sampled_from(["", "+", "-"]), st.sampled_from(["", "0", "000"]),
                  exponent_digits).map("".join),
        st.sampled_from(["e", "E+", "e-"]),
    )
    written = st.tuples(st.sampled_from(["", "+", "-"]), mantissa, exponent).map("".join)
    words = st.sampled_from(["Infinity", "-Infinity", "infinity", "inf", "NaN", "nan", "sNaN", "-0", "1e400",
                             "\u0661\u0662", "\uff11", "1_000", "0x10", "1e", "e5", ".", "-"])
    spaces = st.sampled_from(["", " ", "\t", "  "])
    return st.tuples(spaces, st.one_of(written, words), spaces).map("".join)


WHOLE_NUMBER_PARAMETERS = ("available_durations", "limit", "offset")


def parse_query(name: str, text: str) -> MarketplaceFilters | Page:
    args = MultiDict([(name, text)])
    return parse_page(args) if name in ("limit", "offset") else parse_filters(args)


@FAST
@given(st.sampled_from(NUMBER_FILTERS + WHOLE_NUMBER_PARAMETERS), numeric_looking_text())
@example("min_ram_gb", "1e-9999999999999999999")
@example("max_price_per_day", "1e9999999999999999999")
@example("limit", "2e9999999999999999999")
def test_numeric_looking_text_parses_exactly_or_is_a_bad_request_naming_its_parameter(name, text):
    try:
        parsed = parse_query(name, text)
    except BadRequest as error:
        assert error.details == [{"field": name, "message": error.details[0]["message"]}]
        assert error.message == f"{ERROR_PREFIX}{name} {error.details[0]['message']}"
        return
    value = getattr(parsed, name)
    written = text.strip(" \t")
    if not written:
        assert value == getattr(parse_query(name, ""), name)  # empty: as if not given
    elif name in NUMBER_FILTERS:
        assert value == Decimal(written) and value >= 0
    elif name == "available_durations":
        assert value == (int(Decimal(written)),)
    else:
        assert value == int(Decimal(written))


@pytest.fixture
def shopper(app, make_user):
    """Someone browsing a marketplace with servers of every kind of traffic."""
    make_servers(app, [server_record("metered", traffic_tb=0.5), server_record("none", traffic_tb=0),
                       server_record("open", traffic_tb=None)])
    return make_user("shopper")


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=st.sampled_from(NUMBER_FILTERS + WHOLE_NUMBER_PARAMETERS), text=numeric_looking_text())
@example(name="min_ram_gb", text="1e-9999999999999999999")
@example(name="max_price_per_day", text="1e9999999999999999999")
@example(name="min_traffic_tb", text="1e-400")
def test_numeric_looking_text_is_answered_200_or_400_by_the_api_and_422_by_the_page(api, client, shopper, name,
                                                                                      text):
    # Past the parser, the numbers meet comparisons, rounding and SQL, on either database.
    response = api.get("/servers/available", as_=shopper, query_string={name: text})
    assert response.status_code in (200, 400), response.json
    if response.status_code == 400:
        assert [detail["field"] for detail in response.json["details"]] == [name]
    page = client.get("/marketplace", query_string={name: text}, headers={"HX-Request": "true"})
    assert page.status_code == (200 if response.status_code == 200 else 422)


# --- Money -------------------------------------------------------------------------------------------

CENTS = st.integers(-(10**15), 10**15)


@FAST
@given(CENTS)
def test_format_then_parse_gives_back_the_cents(cents):
    text = format_cents(cents)
    assert parse_dollars(text) == cents
    assert Decimal(text) == Decimal(cents) / 100
    assert text.split(".")[1].isdigit() and len(text.split(".")[1]) == 2


@FAST
@given(st.decimals(min_value=-(10**12), max_value=10**12, places=2))
def test_parse_then_format_gives_back_the_amount(amount):
    assert Decimal(format_cents(parse_dollars(str(amount)))) == amount


@FAST
@given(st.integers(0, 10**13))
def test_dollars_as_floats_never_drift(cents):
    # 0.29 is 0.28999999999999998 as a float; it is still 29 cents.
    assert parse_dollars(cents / 100) == cents
    assert Decimal(str(cents_to_number(cents))) == Decimal(cents) / 100


@FAST
@given(st.integers(-(10**12), 10**12), st.integers(1, 9))
def test_a_third_decimal_is_refused_not_rounded(cents, extra):
    text = f"{format_cents(cents)}{extra}"
    try:
        parse_dollars(text)
    except InvalidAmount:
        pass
    else:
        raise AssertionError(f"{text} was accepted")


@FAST
@given(numeric_looking_text())
@example("1e999999")
@example("1e999999999999999999")
@example("123456789012345678901234567890.129")
def test_numeric_looking_text_is_exact_cents_or_an_invalid_amount(text):
    try:
        cents = parse_dollars(text)
    except InvalidAmount:
        return
    assert Fraction(cents, 100) == Fraction(Decimal(text.strip()))


# --- Price tiers -------------------------------------------------------------------------------------

PRICES = st.dictionaries(st.integers(1, DURATION_DAYS_MAX), st.integers(1, PRICE_CENTS_MAX),
                         min_size=1, max_size=PRICES_MAX)


def _half_up(value: Fraction) -> Decimal:
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(Decimal("0.01"), ROUND_HALF_UP)


@FAST
@given(PRICES)
def test_price_tiers_are_exact(prices):
    tiers = price_tiers(prices)
    assert list(tiers) == [str(days) for days in sorted(prices)]
    base_days = min(prices)
    base_rate = Fraction(prices[base_days], base_days)
    for days, cents in prices.items():
        tier = tiers[str(days)]
        rate = Fraction(cents, days)
        assert tier["days"] == days
        assert tier["price"] == format_cents(cents)
        assert Decimal(tier["price_per_day"]) == _half_up(rate / 100)
        discount = _half_up((1 - rate / base_rate) * 100)
        # A JSON number: the nearest double to the exact percentage, whole ones as integers.
        assert tier["discount_percent"] == float(discount)
        assert isinstance(tier["discount_percent"], int) == (discount == discount.to_integral_value())
        if days == base_days:
            assert tier["discount_percent"] == 0
        if rate <= base_rate:
            assert tier["discount_percent"] >= 0
