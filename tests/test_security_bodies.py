"""Caps on what a request may carry: the URL's length (414), the body size (413), JSON nesting (400)
and a pool's settings (400)."""
import json

import pytest

from app import create_app
from core.config import ConfigurationError, from_environment
from core.limits import JSON_DEPTH_MAX, POOL_SETTINGS_MAX_BYTES, URL_LENGTH_MAX
from tests.routes import api_calls
from tests.snapshots import database_unchanged
from tests.web_helpers import csrf_token, log_in, text


def oversized_json(app) -> bytes:
    limit = app.config["MAX_CONTENT_LENGTH"]
    return json.dumps({"name": "x" * limit}).encode()


def test_an_oversized_body_to_any_api_endpoint_is_413_in_the_envelope(app, client, make_user):
    alice = make_user("alice")
    body = oversized_json(app)
    wrong = []
    with database_unchanged(app):
        for method, path in api_calls(app):
            response = client.open(path, method=method, data=body, content_type="application/json",
                                   headers=alice.headers)
            envelope = response.get_json(silent=True) or {}
            if (response.status_code != 413 or envelope.get("statusCode") != 413
                    or envelope.get("error") != "Request Entity Too Large"
                    or "larger than the limit" not in envelope.get("message", "")):
                wrong.append(f"{method} {path} -> {response.status_code}")
    assert wrong == []


def test_a_body_at_the_limit_is_read(app, api, make_user):
    alice = make_user("alice")
    limit = app.config["MAX_CONTENT_LENGTH"]
    body = {"name": "Big", "description": "d", "settings": {"notes": ""}}
    padding = limit - len(json.dumps(body).encode())
    body["settings"]["notes"] = " " * padding
    response = api.post("/pools", as_=alice, data=json.dumps(body), content_type="application/json")
    assert len(json.dumps(body).encode()) == limit
    assert response.status_code == 400  # read and judged: the settings are over their own cap
    assert response.json["details"][0]["field"] == "settings"


def test_an_oversized_form_post_is_a_friendly_413_page(app, client, make_user):
    make_user("alice")
    log_in(client, "alice")
    token = csrf_token(client, "/tokens")
    with database_unchanged(app):
        response = client.post("/tokens", data={"name": "x" * app.config["MAX_CONTENT_LENGTH"], "lifetime": "30",
                                                "csrf_token": token})
    assert response.status_code == 413
    page = text(response)
    assert "<html" in page
    assert "larger than this site accepts (256 KB)" in page


def padded(url: str, length: int) -> str:
    """``url`` with a query parameter that brings it to ``length`` bytes."""
    url += "&" if "?" in url else "?"
    return url + "pad=" + "x" * (length - len(url) - len("pad="))


# A server that hands the app no raw URL (neither RAW_URI nor REQUEST_URI) is measured as well.
NO_RAW_URL = {"RAW_URI": "", "REQUEST_URI": ""}


@pytest.mark.parametrize("environ", [{}, NO_RAW_URL], ids=["raw URL", "no raw URL"])
def test_an_overlong_url_to_any_api_endpoint_is_414_in_the_envelope(app, client, make_user, environ):
    alice = make_user("alice")
    wrong = []
    with database_unchanged(app):
        for method, path in api_calls(app):
            response = client.open(padded(path, URL_LENGTH_MAX + 1), method=method, json={"name": "x"},
                                   headers=alice.headers, environ_overrides=environ)
            if response.status_code != 414 or response.get_json(silent=True) != {
                    "statusCode": 414, "message": f"The URL is longer than the limit of {URL_LENGTH_MAX} bytes",
                    "error": "Request URI Too Long", "code": "URI_TOO_LONG"}:
                wrong.append(f"{method} {path} -> {response.status_code}")
    assert wrong == []


def test_an_overlong_url_for_a_page_is_a_friendly_414_page(client):
    response = client.get(padded("/marketplace", URL_LENGTH_MAX + 1))
    assert response.status_code == 414
    page = text(response)
    assert "<html" in page
    assert f"The address you asked for is longer than this site accepts ({URL_LENGTH_MAX} characters)." in page


@pytest.mark.parametrize("environ", [{}, NO_RAW_URL], ids=["raw URL", "no raw URL"])
def test_a_url_at_the_limit_is_served(api, make_user, client, environ):
    alice = make_user("alice")
    assert api.get(padded("/pools", URL_LENGTH_MAX - len("/api/v1")), as_=alice,
                   environ_overrides=environ).status_code == 200
    assert client.get(padded("/marketplace", URL_LENGTH_MAX), environ_overrides=environ).status_code == 200


def test_the_url_limit_comes_from_the_environment(monkeypatch, tmp_path, database_url):
    monkeypatch.setenv("MAX_URL_LENGTH", "100")
    assert from_environment(str(tmp_path))["MAX_URL_LENGTH"] == 100
    client = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url, "AUTO_MIGRATE": False,
                         "SECRET_KEY": "test-secret"}).test_client()
    assert client.get(padded("/healthz", 100)).status_code == 200
    assert client.get(padded("/healthz", 101)).status_code == 414
    monkeypatch.setenv("MAX_URL_LENGTH", "lots")
    with pytest.raises(ConfigurationError, match="MAX_URL_LENGTH must be a number of bytes like 4096, not 'lots'"):
        from_environment(str(tmp_path))


def nested(depth: int):
    """A value with ``depth`` levels of arrays (1 is ``[]``)."""
    value = []
    for _ in range(depth - 1):
        value = [value]
    return value


def test_json_nested_up_to_the_cap_is_accepted(api, make_user):
    alice = make_user("alice")
    # The body is one level and settings another, so the value inside may nest the rest.
    response = api.post("/pools", as_=alice, json={"name": "Deep", "settings": {"tree": nested(JSON_DEPTH_MAX - 2)}})
    assert response.status_code == 201, response.json


def test_json_nested_beyond_the_cap_is_400_naming_the_problem(app, api, make_user):
    alice = make_user("alice")
    with database_unchanged(app):
        for depth in (JSON_DEPTH_MAX - 1, 5000, 100_000):
            raw = json.dumps({"name": "Deep", "settings": {"tree": nested(depth)}}) if depth < 1000 else (
                '{"name": "Deep", "settings": ' + "[" * depth + "]" * depth + "}")
            response = api.post("/pools", as_=alice, data=raw, content_type="application/json")
            assert response.status_code == 400, depth
            assert response.json["message"] == ("Malformed JSON in the request body: arrays and objects nested "
                                                 f"more than {JSON_DEPTH_MAX} levels deep")


def test_settings_over_their_cap_are_400_and_change_nothing(app, api, make_user):
    alice = make_user("alice")
    pool_id = api.post("/pools", as_=alice, json={"name": "Team"}).json["data"]["id"]
    big = {"notes": "x" * POOL_SETTINGS_MAX_BYTES}
    with database_unchanged(app):
        for method, path, body in [("POST", "/pools", {"name": "Other", "settings": big}),
                                   ("PATCH", f"/pools/{pool_id}", {"settings": big}),
                                   ("PUT", f"/pools/{pool_id}", {"settings": big})]:
            response = api.call(method, path, as_=alice, json=body)
            assert response.status_code == 400
            assert response.json["details"] == [
                {"field": "settings", "message": f"must be at most {POOL_SETTINGS_MAX_BYTES} bytes as JSON"}]


def test_settings_at_their_cap_are_kept(api, make_user):
    alice = make_user("alice")
    overhead = len(json.dumps({"notes": ""}, separators=(",", ":")))
    settings = {"notes": "x" * (POOL_SETTINGS_MAX_BYTES - overhead)}
    created = api.post("/pools", as_=alice, json={"name": "Team", "settings": settings})
    assert created.status_code == 201
    assert api.get(f"/pools/{created.json['data']['id']}", as_=alice).json["data"]["settings"] == settings
