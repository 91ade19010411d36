"""Every operation of the OpenAPI document, fuzzed against the app by schemathesis with all of its checks.

Each operation gets a fresh database with a user who has a token, money, a pool with a member, a
pending invitation, servers in the inventory and a rental (and an administrator, who calls the
administrators' operations); generated ids are swapped for those, so requests reach real objects. Every check schemathesis has runs on every answer (``st run --checks
all``): no 5xx; statuses, headers and bodies as documented; a request the document allows is not
refused (``positive_data_acceptance``) and one it forbids is (``negative_data_rejection``); a missing
or bad token is refused (``ignored_auth``); methods the document leaves out get 405 with ``Allow``.
The stateful test below chains calls along the document's links, for the checks that look at what
came before (``use_after_free``, ``ensure_resource_availability``).
"""
from datetime import date, timedelta

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.generation import GenerationMode

from app import create_app
from core.ids import is_valid_id
from core.limits import DURATION_DAYS_MAX, WEBHOOK_URL_MAX
from services.transaction_exports import EXPORT_DAYS_MAX
from tests.database import empty_database
from tests.factories import make_servers
from tests.records import RENTABLE_SERVER
from views.api.openapi import build_document

# The document comes from the app's URL map alone; this app never opens its database.
schema = schemathesis.openapi.from_dict(build_document(create_app({
    "TESTING": True, "AUTO_MIGRATE": False, "SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "fuzz-document",
})))
schema.config.seed = 20250121
schema.config.generation.update(
    modes=list(GenerationMode),
    # Every request carries the owner's token (OwnersToken); ignored_auth leaves it out and spoils it in
    # probes of its own, which say more than a generated "negative" Authorization header would.
    with_security_parameters=False,
    # Unknown query parameters and body fields are ignored, as the contract says: a request with one is
    # not invalid, so negative_data_rejection must not expect a 400 for it.
    allow_extra_parameters=False,
)



@schema.auth(refresh_interval=None)
class OwnersToken:
    """The token of the world's owner (of its administrator, for the administrators' operations); each
    test makes a new world, so it is never cached."""

    token: str | None = None
    admin_token: str | None = None

    @classmethod
    def for_operation(cls, case) -> str | None:
        return cls.admin_token if case.operation.path.startswith("/api/v1/admin/") else cls.token

    def get(self, case, context):
        return OwnersToken.for_operation(case)

    def set(self, case, token, context):
        case.headers = {**(case.headers or {}), "Authorization": f"Bearer {token}"}


MAX_EXAMPLES = 25
STATEFUL_SCENARIOS = 30
STATEFUL_STEPS = 8
SERVER_DURATIONS = sorted(int(days) for days in RENTABLE_SERVER["pricing"]["prices"])
DURATION_FIELDS = ("rental_days", "additional_days")


@pytest.fixture
def world(app, api, make_user):
    yield build_world(app, api, make_user)
    OwnersToken.token = OwnersToken.admin_token = None


def build_world(app, api, make_user) -> dict:
    """Path ids of real objects, by parameter name; requests are made as their owner."""
    app.config["WEBHOOK_ALLOW_PRIVATE"] = True  # see offer_a_reachable_webhook_url
    owner = make_user("fuzz_owner", balance_cents=10_000_000_000)
    member = make_user("fuzz_member", balance_cents=1_000_000)
    host = make_user("fuzz_host")
    administrator = make_user("fuzz_admin", is_admin=True)
    record = {key: value for key, value in RENTABLE_SERVER.items() if key != "id"}
    servers = make_servers(app, [{**record, "name": f"fuzz-{n}"} for n in range(3)])
    pool_id = api.post("/pools", as_=owner, json={"name": "Fuzz Team"}).json["data"]["id"]
    invited = api.post(f"/pools/{pool_id}/members", as_=owner, json={"username": member.username, "role": "user"})
    api.post(f"/pools/{invited.json['data']['id']}/accept", as_=member)
    host_pool = api.post("/pools", as_=host, json={"name": "Host Team"}).json["data"]["id"]
    invitation = api.post(f"/pools/{host_pool}/members", as_=host, json={"username": owner.username, "role": "admin"})
    rented = api.post(f"/servers/{servers['fuzz-0']}/rent", as_=owner, json={"rental_days": 7, "pool_id": pool_id})
    for pool in (pool_id, owner.default_pool_id):  # so that charges paid from a pool are not short
        api.post(f"/pools/{pool}/wallet/transfers", as_=owner, json={"amount_cents": 100_000_000})
    OwnersToken.token, OwnersToken.admin_token = owner.token, administrator.token
    return {
        "ids": {
            "pool_id": pool_id,
            "invitation_id": invitation.json["data"]["id"],
            "user_id": member.id,
            "rental_id": rented.json["data"]["rental"]["id"],
            "server_id": servers["fuzz-1"],
        },
    }


def reach_real_objects(case, world) -> None:
    """Point a generated request at the world's objects, where a generated id would only ever miss."""
    # A malformed id is kept, to test the 400.
    for name, value in (case.path_parameters or {}).items():
        if is_valid_id(value) and name in world["ids"]:
            case.path_parameters[name] = world["ids"][name]
    offer_real_durations(case)
    offer_a_future_expiry(case)
    offer_a_period_of_a_year(case)
    offer_a_reachable_webhook_url(case)


# 2996-01-01 in Unix seconds: where a generated Unix time (nearly always past) is moved to.
FUTURE_UNIX_SECONDS = 32_377_449_600


def offer_a_future_expiry(case) -> None:
    """An announcement's or a token's ``expires_at`` must be in the future, which the document cannot say:
    a generated time (nearly always past) moves to the year 2996, keeping its form (a leap year: 29
    February stays valid); a token's Unix time, a number or a string of digits, moves there too."""
    if not isinstance(case.body, dict):
        return
    expiry = case.body.get("expires_at")
    if type(expiry) in (int, float) and 0 <= expiry < FUTURE_UNIX_SECONDS:
        case.body["expires_at"] = expiry + FUTURE_UNIX_SECONDS
    elif isinstance(expiry, str) and expiry.strip().isdigit() and int(expiry) < FUTURE_UNIX_SECONDS:
        case.body["expires_at"] = str(int(expiry) + FUTURE_UNIX_SECONDS)
    elif isinstance(expiry, str) and len(expiry) >= 4 and expiry[:4].isdigit() and int(expiry[:4]) < 2996:
        case.body["expires_at"] = "2996" + expiry[4:]


# Where a generated webhook URL goes: a generated host does not resolve here (no network), which is a 400
# the document cannot foresee; a loopback address is taken while the world allows private addresses.
REACHABLE_WEBHOOK_URL = "http://127.0.0.1:9/hooks"


def offer_a_reachable_webhook_url(case) -> None:
    """A generated webhook URL the document allows is swapped for one that resolves; one it refuses (too
    long, not a string) is kept, to test the 400."""
    if isinstance(case.body, dict) and "webhooks" in case.operation.path:
        url = case.body.get("url")
        if isinstance(url, str) and 0 < len(url) <= WEBHOOK_URL_MAX:
            case.body["url"] = REACHABLE_WEBHOOK_URL


def offer_a_period_of_a_year(case) -> None:
    """An export's ``to`` must be from ``from`` to a year after it, which the document cannot say: two
    generated days that are not make ``to`` the same day as ``from``."""
    query = case.query or {}
    first, last = query.get("from"), query.get("to")
    if not (isinstance(first, str) and isinstance(last, str)):
        return
    try:
        first_day, last_day = date.fromisoformat(first), date.fromisoformat(last)
    except ValueError:
        return
    if not timedelta(0) <= last_day - first_day < timedelta(days=EXPORT_DAYS_MAX):
        case.query["to"] = first


def offer_real_durations(case) -> None:
    """A generated duration is nearly never one the server offers, and the document cannot say which it
    offers (the contract's 400 lists them): swap it for an offered one of the same JSON type, so that
    7.0 still tests that a whole float is an integer."""
    if isinstance(case.body, dict):
        for name in DURATION_FIELDS:
            value = case.body.get(name)
            if type(value) in (int, float) and value == int(value) and 1 <= value <= DURATION_DAYS_MAX:
                days = SERVER_DURATIONS[int(value) % len(SERVER_DURATIONS)]
                case.body[name] = type(value)(days)


@schema.parametrize()
@settings(max_examples=MAX_EXAMPLES, derandomize=True, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.filter_too_much, HealthCheck.data_too_large])
def test_operation(case, app, world):
    reach_real_objects(case, world)
    # The checks that send requests of their own (ignored_auth, unsupported_method) send them to this app.
    case.operation.schema.app = app
    # The examples and coverage phases leave the auth provider out: the token goes with the call too.
    case.call_and_validate(app=app, headers={"Authorization": f"Bearer {OwnersToken.for_operation(case)}"})


@pytest.mark.parametrize("method, path, body", [
    ("POST", "/pools", {"name": "Fuzz\u0000Team"}),
    ("POST", "/pools", {"name": "Fuzz Team", "description": "a\u0000b"}),
    ("GET", "/servers/available?region=us%00east", None),
])
def test_nul_characters_are_refused_not_a_server_error(api, make_user, method, path, body):
    alice = make_user("alice")
    response = api.call(method, path, as_=alice, json=body)
    assert response.status_code == 400
    assert response.json["details"][0]["message"] == "must not contain NUL characters"


def test_an_offset_beyond_what_databases_take_is_refused(api, make_user):
    alice = make_user("alice")
    assert api.get("/pools?offset=9223372036854775807", as_=alice).status_code == 200
    response = api.get("/pools?offset=9223372036854775808", as_=alice)
    assert response.status_code == 400
    assert response.json["details"] == [
        {"field": "offset", "message": "must be an integer between 0 and 9223372036854775807"}]


def test_chains_of_calls_along_the_documents_links(app, api, make_user, world):
    """Create, read, change and delete along the document's links; what was made is there, what was deleted is gone."""
    schema.app = app

    class AgainstTheApp(schema.as_state_machine()):
        def setup(self):
            # Every scenario starts from the same world: Hypothesis replays scenarios while it shrinks
            # one, and a replay must meet what the first run met (a pool name not yet taken, say).
            empty_database(app)
            build_world(app, api, make_user)

        def before_call(self, case):
            offer_real_durations(case)  # ids come from the links
            offer_a_future_expiry(case)
            offer_a_reachable_webhook_url(case)

        def get_call_kwargs(self, case):
            return {"app": app}

    AgainstTheApp.run(settings=settings(max_examples=STATEFUL_SCENARIOS, stateful_step_count=STATEFUL_STEPS,
                                        derandomize=True, deadline=None,
                                        suppress_health_check=list(HealthCheck)))
