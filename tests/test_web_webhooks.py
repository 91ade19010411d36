"""The webhooks pages, with and without htmx: add an endpoint (its secret shown once), a test ping that
really arrives, the attempts listed, sending one again, turning it off and on, removing it; and a pool's
webhooks page for its owner and admins only."""
import re

import pytest

from core.extensions import db
from core.ids import CANONICAL_ID
from models import User
from services import wallet, webhook_demo_receiver
from tests.live_server import served
from tests.web_helpers import HTMX, csrf_token, log_in, post_form, text
from tests.webhook_receiver import Receivers

SECRET = re.compile(r'<code class="secret" id="new-webhook-secret">([^<]+)</code>')
ROW = re.compile(f'<tr id="webhook-({CANONICAL_ID})"')


@pytest.fixture
def receivers():
    started = Receivers()
    yield started
    started.stop()


@pytest.fixture(autouse=True)
def webhook_settings(app):
    app.config.update(WEBHOOK_ALLOW_PRIVATE=True, WEBHOOK_RETRY_SCHEDULE=(1,), WEBHOOK_TIMEOUT_SECONDS=2)


def add(client, receiver, path="/webhooks", headers=None, **fields):
    data = {"url": receiver.url, "description": "Deploy bot", "events": ["rental.created", "wallet.credited"],
            **fields}
    return post_form(client, "/webhooks", data, form_page=path, headers=headers)


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_an_endpoint_is_added_its_secret_shown_once_and_a_test_ping_arrives_signed(
        client, make_user, receivers, run_jobs, headers):
    make_user("alice")
    log_in(client, "alice")
    assert 'href="/webhooks"' in text(client.get("/"))  # in the nav
    receiver = receivers()
    added = add(client, receiver, headers=headers)
    assert added.status_code == 200
    body = text(added)
    assert ("<html" in body) == (not headers)
    receiver.secret = SECRET.search(body).group(1)
    assert receiver.secret.startswith("whsec_")
    endpoint_id = ROW.search(body).group(1)
    listed = text(client.get("/webhooks"))
    assert receiver.url in listed and "Deploy bot" in listed and "rental.created, wallet.credited" in listed
    assert receiver.secret not in listed

    page = f"/webhooks/{endpoint_id}"
    tested = post_form(client, f"{page}/test", {}, form_page=page, headers=headers)
    assert tested.status_code == (200 if headers else 303)
    run_jobs()
    [ping] = receiver.received
    assert ping.verified and ping.type == "ping"
    shown = text(client.get(page))
    assert "Test ping sent" in shown
    assert "<code>ping</code>" in shown and ">200<" in shown and " ms<" in shown

    token = csrf_token(client, page)
    delivery_id = re.search(rf'/webhooks/{endpoint_id}/deliveries/({CANONICAL_ID})/redeliver', shown).group(1)
    again = client.post(f"{page}/deliveries/{delivery_id}/redeliver", data={"csrf_token": token}, headers=headers)
    assert again.status_code == (200 if headers else 303)
    run_jobs()
    assert [item.type for item in receiver.received] == ["ping", "ping"]


def test_an_endpoint_is_changed_turned_off_and_on_and_removed(client, make_user, receivers):
    make_user("alice")
    log_in(client, "alice")
    receiver = receivers()
    endpoint_id = ROW.search(text(add(client, receiver))).group(1)
    page = f"/webhooks/{endpoint_id}"

    refused = post_form(client, page, {"url": "ftp://example.com/x", "events": ["*"]})
    assert refused.status_code == 422
    assert "Must start with http:// or https://" in text(refused)
    unknown = post_form(client, page, {"url": receiver.url, "events": ["rental.bogus"]})
    assert unknown.status_code == 422 and "unknown event types (rental.bogus)" in text(unknown)
    saved = post_form(client, page, {"url": receiver.url + "/v2", "description": "", "events": ["*"]})
    assert saved.status_code == 303
    shown = text(client.get(page))
    assert "Webhook saved" in shown and receiver.url + "/v2" in shown

    assert post_form(client, f"{page}/disable", {}, form_page=page).status_code == 303
    shown = text(client.get(page))
    assert "Turn on" in shown and ">Off<" in shown
    assert post_form(client, f"{page}/enable", {}, form_page=page, headers=HTMX).headers["HX-Redirect"] == page
    assert "Turn off" in text(client.get(page))

    removed = post_form(client, f"{page}/delete", {}, form_page=page)
    assert removed.status_code == 303 and removed.headers["Location"] == "/webhooks"
    assert client.get(page).status_code == 404


def test_a_pools_webhooks_page_is_for_its_owner_and_admins(client, team, receivers):
    log_in(client, team.admin.username)
    pool_page = text(client.get(f"/pools/{team.pool_id}"))
    assert f'href="/pools/{team.pool_id}/webhooks"' in pool_page
    receiver = receivers()
    path = f"/pools/{team.pool_id}/webhooks"
    added = add(client, receiver, path=path, pool_id=team.pool_id)
    assert added.status_code == 200 and SECRET.search(text(added))
    endpoint_id = ROW.search(text(added)).group(1)
    assert receiver.url in text(client.get(path))
    assert receiver.url not in text(client.get("/webhooks"))  # the user's own page lists their own only

    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    log_in(client, team.user.username)
    assert f'href="/pools/{team.pool_id}/webhooks"' not in text(client.get(f"/pools/{team.pool_id}"))
    assert client.get(path).status_code == 403
    assert client.get(f"/webhooks/{endpoint_id}").status_code == 403
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    log_in(client, team.stranger.username)
    assert client.get(path).status_code == 404
    assert client.get(f"/webhooks/{endpoint_id}").status_code == 404


def test_the_demo_receiver_checks_what_the_app_sends_it_and_lists_it(app, client, make_user, run_jobs, tmp_path):
    app.config.update(WEBHOOK_DEMO_RECEIVER=True)
    app.instance_path = str(tmp_path)  # its log of what arrived
    alice = make_user("alice")
    with served(app) as address:
        with app.app_context():
            assert webhook_demo_receiver.ensure_endpoint(db.session.get(User, alice.id), address) == "created"
            wallet.credit("alice", 1500)
        run_jobs()
        forged = client.post("/demo/webhook-receiver", data=b'{"type": "wallet.credited"}',
                             headers={"webhook-id": "x", "webhook-timestamp": "1", "webhook-signature": "v1,AAAA"})
        assert forged.status_code == 400
    app.config["SERVER_NAME"] = "localhost"
    log_in(client, "alice")
    page = text(client.get("/demo/webhook-receiver"))
    assert page.count("Signature valid") == 1 and "<code>wallet.credited</code>" in page
    assert "Not verified: no message of this app has that webhook-id" in page


def test_the_demo_receiver_is_off_unless_asked_for(client, make_user):
    assert client.post("/demo/webhook-receiver", data=b"{}").status_code == 404
    make_user("alice")
    log_in(client, "alice")
    assert client.get("/demo/webhook-receiver").status_code == 404
