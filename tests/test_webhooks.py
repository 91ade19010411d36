"""Webhooks through the API, delivered for real: a receiver on localhost checks every signature with the
``standardwebhooks`` library, and the job queue (``flask jobs tick``'s work, on the fake clock) sends.

Each test's app allows private addresses (the receiver is on 127.0.0.1) and retries after 1 and 2
seconds, unless the test says otherwise.
"""
import pytest
from sqlalchemy import select

from core.extensions import db
from models import WebhookEndpoint
from services import wallet
from tests.factories import make_server
from tests.mail import links_in, mail_server, text_of  # noqa: F401  (mail_server is a fixture)
from tests.webhook_receiver import Behaviour, Receivers

ALLOWED_LIST = "allowed: rental.created, rental.extended"


@pytest.fixture
def receivers():
    started = Receivers()
    yield started
    started.stop()


@pytest.fixture(autouse=True)
def webhook_settings(app):
    app.config.update(WEBHOOK_ALLOW_PRIVATE=True, WEBHOOK_RETRY_SCHEDULE=(1, 2), WEBHOOK_TIMEOUT_SECONDS=2)


def create(api, person, receiver, events=("*",), pool_id=None, status=201):
    body = {"url": receiver.url, "description": "tests", "events": list(events),
            **({"pool_id": pool_id} if pool_id else {})}
    response = api.post("/webhooks", as_=person, json=body)
    assert response.status_code == status, response.json
    if status == 201:
        receiver.secret = response.json["data"]["secret"]
    return response.json["data"]


def credit(app, person, cents=1000, note="Credit"):
    with app.app_context():
        wallet.credit(person.username, cents, note)
        db.session.remove()


def deliveries(api, person, endpoint_id):
    response = api.get(f"/webhooks/{endpoint_id}/deliveries", as_=person)
    assert response.status_code == 200, response.json
    return response.json["data"]


def test_a_users_endpoint_receives_their_wallet_credit_signed_as_the_standard_says(
        clock, app, api, make_user, receivers, run_jobs):
    alice = make_user("alice")
    receiver = receivers()
    endpoint = create(api, alice, receiver, events=["wallet.credited"])
    assert endpoint["secret"].startswith("whsec_")
    assert "secret" not in api.get(f"/webhooks/{endpoint['id']}", as_=alice).json["data"]
    assert [item["id"] for item in api.get("/webhooks", as_=alice).json["data"]] == [endpoint["id"]]

    credit(app, alice, 2500, "Top-up")
    run_jobs()

    assert len(receiver.received) == 1
    delivery = receiver.received[0]
    assert delivery.verified
    assert delivery.signature.startswith("v1,")
    payload = delivery.payload
    assert set(payload) == {"id", "type", "created_at", "data"}
    assert payload["type"] == "wallet.credited"
    assert payload["data"]["amount_cents"] == 2500
    assert payload["data"]["transaction"]["amount"] == 25
    assert payload["data"]["transaction"]["type"] == "credit"
    [attempt] = deliveries(api, alice, endpoint["id"])
    assert attempt["event_id"] == payload["id"]
    assert attempt["event_type"] == "wallet.credited"
    assert (attempt["attempt"], attempt["status_code"], attempt["error"], attempt["next_retry_at"]) == (1, 200, None, None)
    assert attempt["duration_ms"] >= 0


def test_a_wrong_secret_fails_the_check(clock, app, api, make_user, receivers, run_jobs):
    alice = make_user("alice")
    receiver = receivers()
    create(api, alice, receiver, events=["wallet.credited"])
    receiver.secret = "whsec_" + "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo="
    credit(app, alice)
    run_jobs()
    assert [item.verified for item in receiver.received] == [False]


def test_events_not_subscribed_and_other_peoples_events_are_not_sent(clock, app, api, make_user, receivers, run_jobs):
    alice, bob = make_user("alice"), make_user("bob")
    receiver = receivers()
    create(api, alice, receiver, events=["rental.created"])
    credit(app, alice)
    credit(app, bob)
    run_jobs()
    assert receiver.received == []


def test_failed_attempts_are_retried_with_the_same_id_and_hold_the_endpoints_later_messages(
        clock, app, api, make_user, receivers, run_jobs):
    alice = make_user("alice")
    receiver = receivers()
    receiver.behaviour = Behaviour(fail_first=2)
    endpoint = create(api, alice, receiver, events=["wallet.credited"])
    for cents in (100, 200, 300):
        credit(app, alice, cents)
        clock.advance(milliseconds=1)
    run_jobs()
    assert len(receiver.received) == 1  # the first failed; the others wait behind it

    clock.advance(seconds=1)
    run_jobs()
    assert len(receiver.received) == 2  # failed again; next in 2 s
    clock.advance(seconds=1)
    run_jobs()
    assert len(receiver.received) == 2
    clock.advance(seconds=1)
    run_jobs()

    amounts = [item.payload["data"]["amount_cents"] for item in receiver.received]
    assert amounts == [100, 100, 100, 200, 300]
    ids = [item.webhook_id for item in receiver.received]
    assert ids[0] == ids[1] == ids[2] and len(set(ids)) == 3
    assert all(item.verified for item in receiver.received)
    attempts = deliveries(api, alice, endpoint["id"])  # newest first
    # Newest first: the three that arrived (in one moment of the fake clock), then the two failures.
    assert sorted((item["attempt"], item["status_code"]) for item in attempts[:3]) == [(1, 200), (1, 200), (3, 200)]
    assert [(item["attempt"], item["status_code"]) for item in attempts[3:]] == [(2, 500), (1, 500)]
    assert attempts[3]["next_retry_at"] == "2025-01-21T22:00:03.003Z"  # the credits took the clock 3 ms on
    assert attempts[4]["next_retry_at"] == "2025-01-21T22:00:01.003Z"
    assert attempts[4]["error"] == "HTTP 500"


def test_an_endpoint_that_fails_every_attempt_is_turned_off_and_its_owner_told(
        clock, app, api, make_user, receivers, run_jobs):
    alice = make_user("alice")
    receiver = receivers()
    receiver.behaviour = Behaviour(fail_first=3)
    endpoint = create(api, alice, receiver, events=["wallet.credited"])
    credit(app, alice, 100)
    run_jobs()
    clock.advance(seconds=1)
    run_jobs()
    clock.advance(seconds=2)
    run_jobs()
    assert len(receiver.received) == 3
    shown = api.get(f"/webhooks/{endpoint['id']}", as_=alice).json["data"]
    assert shown["enabled"] is False
    assert "Every attempt to deliver wallet.credited failed" in shown["disabled_reason"]
    notes = api.get("/notifications", as_=alice).json["data"]
    assert notes[0]["title"] == "A webhook endpoint was turned off"
    assert notes[0]["event"] == "webhook.disabled"
    assert receiver.url in notes[0]["message"]

    credit(app, alice, 200)  # while it is off: nothing is written for it
    run_jobs()
    assert len(receiver.received) == 3

    turned_on = api.patch(f"/webhooks/{endpoint['id']}", as_=alice, json={"enabled": True})
    assert turned_on.status_code == 200 and turned_on.json["data"]["enabled"] is True
    last_failed = deliveries(api, alice, endpoint["id"])[0]
    again = api.post(f"/webhooks/{endpoint['id']}/deliveries/{last_failed['id']}/redeliver", as_=alice)
    assert again.status_code == 202, again.json
    assert again.json["data"]["event_id"] == last_failed["event_id"]
    run_jobs()
    assert len(receiver.received) == 4
    redelivered = receiver.received[-1]
    assert redelivered.verified and redelivered.payload["id"] == last_failed["event_id"]
    assert redelivered.webhook_id == again.json["data"]["message_id"] != receiver.received[0].webhook_id


def test_a_test_ping_is_sent_at_once_and_signed(clock, app, api, make_user, receivers, run_jobs):
    alice = make_user("alice")
    receiver = receivers()
    endpoint = create(api, alice, receiver, events=["rental.created"])
    response = api.post(f"/webhooks/{endpoint['id']}/test", as_=alice)
    assert response.status_code == 202, response.json
    run_jobs()
    [ping] = receiver.received
    assert ping.verified and ping.type == "ping" and ping.webhook_id == response.json["data"]["message_id"]
    assert deliveries(api, alice, endpoint["id"])[0]["status_code"] == 200


def test_a_pools_endpoint_receives_its_rentals_and_members(clock, app, api, team, receivers, run_jobs):
    run_jobs()  # the team's set-up, dispatched before the endpoint exists
    receiver = receivers()
    create(api, team.owner, receiver, pool_id=team.pool_id)
    server_id = make_server(app)
    credit(app, team.user, 10_000)
    rental_id = api.rent(team.user, server_id, pool_id=team.pool_id)
    clock.advance(milliseconds=1)
    credit(app, team.admin, 10_000)  # the admin's own wallet: not the pool's event
    extended = api.post(f"/rentals/{rental_id}/extend", as_=team.admin, json={"additional_days": 7})
    assert extended.status_code == 200, extended.json
    clock.advance(milliseconds=1)
    api.post(f"/pools/{team.invitation_id}/accept", as_=team.invitee)
    run_jobs()

    assert receiver.types() == ["rental.created", "rental.extended", "pool.member_joined"]
    created, extension, joined = (item.payload for item in receiver.received)
    rental = api.get("/rentals", as_=team.user).json["data"][0]
    assert created["data"]["rental"]["id"] == rental_id
    assert set(created["data"]["rental"]) == set(rental)
    assert extension["data"]["rental"]["rental_end"] == rental["rental_end"]
    assert joined["data"]["pool"]["id"] == team.pool_id and joined["data"]["username"] == team.invitee.username
    # Joining and renting are not notices to anyone.
    notes = api.get("/notifications", as_=team.owner).json["data"]
    assert not {note["event"] for note in notes} & {"rental.created", "rental.extended", "pool.member_joined"}


def test_pool_endpoints_are_managed_by_the_owner_and_admins_only(clock, app, api, team, receivers):
    receiver = receivers()
    endpoint = create(api, team.owner, receiver, pool_id=team.pool_id, events=["rental.created"])
    path = f"/webhooks/{endpoint['id']}"

    assert api.get(path, as_=team.admin).status_code == 200
    assert [item["id"] for item in api.get("/webhooks", as_=team.admin).json["data"]] == [endpoint["id"]]
    changed = api.put(path, as_=team.admin, json={"events": ["rental.created", "rental.ended"],
                                                   "description": "Ops"})
    assert changed.status_code == 200 and changed.json["data"]["events"] == ["rental.created", "rental.ended"]
    assert changed.json["data"]["description"] == "Ops"

    member_refused = api.get(path, as_=team.user)
    assert (member_refused.status_code, member_refused.json["code"]) == (403, "FORBIDDEN")
    assert api.patch(path, as_=team.user, json={"enabled": False}).status_code == 403
    assert api.post(f"{path}/test", as_=team.user).status_code == 403
    assert api.get("/webhooks", as_=team.user).json["data"] == []
    refused = api.post("/webhooks", as_=team.user, json={"url": receiver.url, "events": ["*"],
                                                          "pool_id": team.pool_id})
    assert (refused.status_code, refused.json["code"]) == (403, "FORBIDDEN")

    for outsider in (team.stranger, team.invitee):
        assert api.get(path, as_=outsider).status_code == 404
        assert api.delete(path, as_=outsider).status_code == 404
        assert api.post("/webhooks", as_=outsider, json={"url": receiver.url, "events": ["*"],
                                                         "pool_id": team.pool_id}).status_code == 403

    assert api.delete(path, as_=team.admin).status_code == 200
    assert api.get(path, as_=team.owner).status_code == 404


def test_a_users_endpoint_is_theirs_alone(clock, app, api, make_user, receivers):
    alice, bob = make_user("alice"), make_user("bob")
    endpoint = create(api, alice, receivers())
    for method in ("get", "delete"):
        assert getattr(api, method)(f"/webhooks/{endpoint['id']}", as_=bob).status_code == 404
    assert api.get(f"/webhooks/{endpoint['id']}/deliveries", as_=bob).status_code == 404
    assert api.get("/webhooks", as_=bob).json["data"] == []


def test_unknown_event_types_are_refused_with_the_allowed_ones(clock, app, api, make_user, receivers):
    alice = make_user("alice")
    receiver = receivers()
    response = api.post("/webhooks", as_=alice, json={"url": receiver.url, "events": ["rental.created", "nope"]})
    assert (response.status_code, response.json["code"]) == (400, "VALIDATION_FAILED")
    assert response.json["details"][0]["field"] == "events"
    assert "unknown event types (nope)" in response.json["message"]
    assert ALLOWED_LIST in response.json["message"]


@pytest.mark.parametrize("url, why", [
    ("ftp://example.com/hooks", "must start with http:// or https://"),
    ("https://user:secret@example.com/hooks", "must not contain a user name or password"),
    ("http://127.0.0.1:9/hooks", "loopback"),
    ("http://localhost/hooks", "loopback"),
    ("http://[::1]/hooks", "loopback"),
    ("http://10.1.2.3/hooks", "private"),
    ("http://192.168.0.10/hooks", "private"),
    ("http://169.254.169.254/latest/meta-data", "link-local"),
    ("http://100.64.0.1/hooks", "carrier-grade NAT"),
    ("http://224.0.0.1/hooks", "multicast"),
    ("http://0.0.0.0/hooks", "unspecified"),
    ("http://240.0.0.1/hooks", "reserved"),
    ("http://[::ffff:127.0.0.1]/hooks", "loopback"),
])
def test_urls_that_are_not_public_http_are_refused(clock, app, api, make_user, url, why):
    app.config["WEBHOOK_ALLOW_PRIVATE"] = False
    alice = make_user("alice")
    response = api.post("/webhooks", as_=alice, json={"url": url, "events": ["*"]})
    assert (response.status_code, response.json["code"]) == (400, "VALIDATION_FAILED"), response.json
    assert response.json["details"][0]["field"] == "url"
    assert why in response.json["message"]


def test_a_url_that_turns_private_after_it_was_saved_is_refused_at_delivery(
        clock, app, api, make_user, receivers, run_jobs):
    alice = make_user("alice")
    receiver = receivers()
    endpoint = create(api, alice, receiver, events=["wallet.credited"])
    app.config["WEBHOOK_ALLOW_PRIVATE"] = False  # as if its name now resolved to a private address
    credit(app, alice)
    run_jobs()
    assert receiver.received == []
    [attempt] = deliveries(api, alice, endpoint["id"])
    assert attempt["status_code"] is None
    assert attempt["error"].startswith("URL refused: it resolves to a loopback address (127.0.0.1)")
    changed = api.patch(f"/webhooks/{endpoint['id']}", as_=alice, json={"url": receiver.url + "/other"})
    assert changed.status_code == 400 and "loopback" in changed.json["message"]


def test_a_receiver_that_hangs_is_a_failed_attempt_after_the_timeout_and_is_retried(
        clock, app, api, make_user, receivers, run_jobs):
    app.config["WEBHOOK_TIMEOUT_SECONDS"] = 1
    alice = make_user("alice")
    receiver = receivers()
    receiver.behaviour = Behaviour(hang=1)
    endpoint = create(api, alice, receiver, events=["wallet.credited"])
    credit(app, alice)
    run_jobs()
    [attempt] = deliveries(api, alice, endpoint["id"])
    assert attempt["error"] == "no answer within 1 s" and attempt["status_code"] is None
    clock.advance(seconds=1)
    run_jobs()
    assert [item["status_code"] for item in deliveries(api, alice, endpoint["id"])] == [200, None]
    assert receiver.received[0].webhook_id == receiver.received[1].webhook_id


def test_a_redirect_is_not_followed_and_is_a_failed_attempt(clock, app, api, make_user, receivers, run_jobs):
    alice = make_user("alice")
    receiver, elsewhere = receivers(), receivers()
    receiver.behaviour = Behaviour(status=302, location=elsewhere.url)
    endpoint = create(api, alice, receiver, events=["wallet.credited"])
    credit(app, alice)
    run_jobs()
    assert len(receiver.received) == 1 and elsewhere.received == []
    [attempt] = deliveries(api, alice, endpoint["id"])
    assert (attempt["status_code"], attempt["error"]) == (302, "HTTP 302: redirects are not followed")
    assert attempt["next_retry_at"] is not None


def test_a_huge_answer_is_read_up_to_the_limit_and_is_a_failed_attempt(
        clock, app, api, make_user, receivers, run_jobs):
    alice = make_user("alice")
    receiver = receivers()
    receiver.behaviour = Behaviour(body_bytes=10 * 1024 * 1024)
    endpoint = create(api, alice, receiver, events=["wallet.credited"])
    credit(app, alice)
    run_jobs()
    [attempt] = deliveries(api, alice, endpoint["id"])
    assert (attempt["status_code"], attempt["error"]) == (200, "the answer is longer than 65536 bytes")


def test_endpoints_per_owner_are_limited(clock, app, api, make_user, receivers):
    alice = make_user("alice")
    receiver = receivers()
    with app.app_context():
        user_id = alice.id
        for _ in range(20):
            db.session.add(WebhookEndpoint(user_id=user_id, url=receiver.url, events=["*"], secret_encrypted="x"))
        db.session.commit()
        assert len(db.session.scalars(select(WebhookEndpoint)).all()) == 20
        db.session.remove()
    response = api.post("/webhooks", as_=alice, json={"url": receiver.url, "events": ["*"]})
    assert (response.status_code, response.json["code"]) == (409, "CONFLICT")
    assert "at most 20 per user" in response.json["message"]


def test_a_ping_is_not_held_behind_a_message_waiting_for_its_retry(clock, app, api, make_user, receivers, run_jobs):
    alice = make_user("alice")
    receiver = receivers()
    receiver.behaviour = Behaviour(fail_first=1)
    endpoint = create(api, alice, receiver, events=["wallet.credited"])
    credit(app, alice)
    run_jobs()
    api.post(f"/webhooks/{endpoint['id']}/test", as_=alice)
    run_jobs()
    assert receiver.types() == ["wallet.credited", "ping"]
    clock.advance(seconds=1)
    run_jobs()
    assert receiver.types() == ["wallet.credited", "ping", "wallet.credited"]


def test_the_owner_of_an_endpoint_turned_off_is_emailed_too(clock, app, api, make_user, receivers, run_jobs,
                                                             mail_server):
    alice = make_user("alice")
    response = api.patch("/users/me", as_=alice, json={"email": "alice@example.com"})
    assert response.status_code == 200, response.json
    run_jobs()
    token = next(link for link in links_in(mail_server.to("alice@example.com")[-1])
                 if "/verify-email" in link).partition("token=")[2]
    assert api.post("/auth/verify-email", json={"token": token}).status_code == 200
    app.config["WEBHOOK_RETRY_SCHEDULE"] = (1,)
    receiver = receivers()
    receiver.behaviour = Behaviour(fail_first=2)
    create(api, alice, receiver, events=["wallet.credited"])
    credit(app, alice)
    run_jobs()
    clock.advance(seconds=1)
    run_jobs()
    run_jobs()  # the notice's email
    [notice] = [message for message in mail_server.to("alice@example.com")
                if message["Subject"] == "A webhook endpoint was turned off"]
    assert receiver.url in text_of(notice) and "/webhooks" in text_of(notice)
