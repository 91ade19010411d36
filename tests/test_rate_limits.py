"""Rate limits: login per username and per IP (API and login page together), token creation per user and IP.

Each test has a fresh app, so every count starts at zero.
"""
import re

import pytest
from limits.storage import MemoryStorage, RedisStorage
from redis import Redis

from app import create_app
from core import limits
from core.config import ConfigurationError, check_rate_limit_sharing, from_environment, without_password
from core.extensions import limiter
from tests.users import PASSWORD
from tests.web_helpers import HTMX, csrf_token, log_in, text

LOGIN = "/api/v1/users/auth/login"


def api_login(client, username, password="wrong-password", ip="10.0.0.1"):
    return client.post(LOGIN, json={"username": username, "password": password},
                       environ_base={"REMOTE_ADDR": ip})


def web_login(client, username, password="wrong-password", ip="10.0.0.1", headers=None):
    token = csrf_token(client, "/login")
    return client.post("/login", data={"username": username, "password": password, "csrf_token": token},
                       environ_base={"REMOTE_ADDR": ip}, headers=headers or {})


def assert_api_429(response):
    assert response.status_code == 429
    assert response.json == {"statusCode": 429, "message": response.json["message"], "error": "Too Many Requests",
                             "code": "RATE_LIMITED"}
    assert response.json["message"].startswith("Too many requests. Try again in ")
    assert 1 <= int(response.headers["Retry-After"]) <= 60


def test_the_defaults_are_the_documented_ones(app):
    assert app.config["RATELIMIT_LOGIN_PER_USERNAME"] == limits.LOGIN_RATE_PER_USERNAME == "10 per minute"
    assert app.config["RATELIMIT_LOGIN_PER_IP"] == limits.LOGIN_RATE_PER_IP == "30 per minute"
    assert app.config["RATELIMIT_TOKEN_CREATE_PER_USER"] == limits.TOKEN_CREATE_RATE_PER_USER == "20 per hour"
    assert app.config["RATELIMIT_TOKEN_CREATE_PER_IP"] == limits.TOKEN_CREATE_RATE_PER_IP == "60 per hour"
    assert app.config["RATELIMIT_RECOVERY_PER_ADDRESS"] == limits.RECOVERY_RATE_PER_ADDRESS == "5 per hour"
    assert app.config["RATELIMIT_RECOVERY_PER_IP"] == limits.RECOVERY_RATE_PER_IP == "30 per hour"


# --- Login through the API -----------------------------------------------------------------------

def test_the_eleventh_api_login_for_one_username_in_a_minute_is_429(client, make_user):
    make_user("alice")
    for _ in range(10):
        assert api_login(client, "alice").status_code == 401
    assert_api_429(api_login(client, "alice"))
    # Even the right password waits: the limit is on attempts, not on failures.
    assert_api_429(api_login(client, "alice", PASSWORD))


def test_the_username_limit_ignores_case_and_counts_unknown_usernames_too(client, make_user):
    make_user("alice")
    for attempt in range(10):
        assert api_login(client, "ALICE" if attempt % 2 else "alice").status_code == 401
    assert_api_429(api_login(client, "Alice"))
    for _ in range(10):
        assert api_login(client, "nobody").status_code == 401
    assert_api_429(api_login(client, "nobody"))


def test_the_username_limit_holds_across_addresses(client, make_user):
    make_user("alice")
    for attempt in range(10):
        assert api_login(client, "alice", ip=f"10.0.1.{attempt}").status_code == 401
    assert_api_429(api_login(client, "alice", ip="10.0.2.1"))


def test_other_usernames_are_not_held_up_by_one_being_limited(client, make_user):
    make_user("alice")
    make_user("bob")
    for _ in range(11):
        api_login(client, "alice")
    response = api_login(client, "bob", PASSWORD)
    assert response.status_code == 200
    assert response.json["data"]["token"]


def test_the_thirty_first_api_login_from_one_address_in_a_minute_is_429(client):
    for attempt in range(30):
        assert api_login(client, f"user{attempt}", ip="10.0.0.9").status_code == 401
    assert_api_429(api_login(client, "someone_else", ip="10.0.0.9"))
    assert api_login(client, "someone_else", ip="10.0.0.10").status_code == 401


def test_a_refused_login_changes_nothing_but_the_count(app, client, make_user):
    from tests.snapshots import database_unchanged

    make_user("alice")
    for _ in range(10):
        api_login(client, "alice")
    with database_unchanged(app):
        assert_api_429(api_login(client, "alice", PASSWORD))


def test_logins_without_a_username_are_counted_together(client):
    bodies = ["{", "[]", '{"username": 5}', "", '{"username": "  "}'] * 2
    for body in bodies:
        assert client.post(LOGIN, data=body, content_type="application/json").status_code == 400
    assert_api_429(client.post(LOGIN, data="{", content_type="application/json"))


# --- Login through the page ----------------------------------------------------------------------

def test_the_login_page_shares_the_count_with_the_api(client, make_user):
    make_user("alice")
    for _ in range(5):
        api_login(client, "alice")
    for _ in range(5):
        assert web_login(client, "alice").status_code == 422
    response = web_login(client, "alice")
    assert response.status_code == 429
    assert 1 <= int(response.headers["Retry-After"]) <= 60
    assert "Too many login attempts. Try again in " in text(response)
    assert "<html" in text(response) and 'name="username"' in text(response)
    assert_api_429(api_login(client, "alice"))


def test_a_limited_login_through_htmx_is_the_form_with_the_message(client, make_user):
    make_user("alice")
    for _ in range(10):
        web_login(client, "alice")
    response = web_login(client, "alice", PASSWORD, headers=HTMX)
    assert response.status_code == 429
    body = text(response)
    assert "<html" not in body and "<form" in body
    assert "Too many login attempts" in body and 'value="alice"' in body
    assert response.headers["Retry-After"]


def test_showing_the_login_page_is_not_counted(client, make_user):
    make_user("alice")
    for _ in range(40):
        assert client.get("/login", environ_base={"REMOTE_ADDR": "10.0.0.1"}).status_code == 200
    assert web_login(client, "alice", PASSWORD).status_code == 303


def test_the_login_page_is_limited_per_address(client):
    for attempt in range(30):
        assert web_login(client, f"user{attempt}", ip="10.0.3.1").status_code == 422
    assert web_login(client, "another", ip="10.0.3.1").status_code == 429
    assert web_login(client, "another", ip="10.0.3.2").status_code == 422


def test_limits_come_from_the_configuration(database_url):
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url, "AUTO_MIGRATE": False,
                      "SECRET_KEY": "test-secret", "RATELIMIT_LOGIN_PER_USERNAME": "2 per minute"})
    client = app.test_client()
    assert [api_login(client, "alice").status_code for _ in range(3)] == [401, 401, 429]


def test_limits_can_be_set_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("RATELIMIT_LOGIN_PER_USERNAME", "5 per minute")
    monkeypatch.setenv("RATELIMIT_TOKEN_CREATE_PER_IP", "100 per hour; 500 per day")
    monkeypatch.setenv("RATELIMIT_RECOVERY_PER_ADDRESS", "3 per day")
    settings = from_environment(str(tmp_path))
    assert settings["RATELIMIT_RECOVERY_PER_ADDRESS"] == "3 per day"
    assert settings["RATELIMIT_LOGIN_PER_USERNAME"] == "5 per minute"
    assert settings["RATELIMIT_TOKEN_CREATE_PER_IP"] == "100 per hour; 500 per day"
    assert settings["RATELIMIT_LOGIN_PER_IP"] == "30 per minute"


def test_a_malformed_limit_in_the_environment_stops_the_start(monkeypatch, tmp_path):
    monkeypatch.setenv("RATELIMIT_LOGIN_PER_IP", "lots")
    with pytest.raises(ConfigurationError, match="RATELIMIT_LOGIN_PER_IP must be a rate limit like"):
        from_environment(str(tmp_path))


# --- Where the counts are kept -------------------------------------------------------------------

def test_counts_are_kept_in_memory_by_default(app, monkeypatch, tmp_path):
    monkeypatch.delenv("RATELIMIT_STORAGE_URI", raising=False)
    monkeypatch.delenv("REDIS_URL", raising=False)
    assert from_environment(str(tmp_path))["RATELIMIT_STORAGE_URI"] == "memory://"
    assert isinstance(limiter.storage, MemoryStorage)


def test_a_redis_store_is_used_when_configured(monkeypatch, tmp_path, database_url):
    url = "redis://127.0.0.1:6379/0"
    monkeypatch.setenv("RATELIMIT_STORAGE_URI", url)
    assert from_environment(str(tmp_path))["RATELIMIT_STORAGE_URI"] == url
    create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url, "AUTO_MIGRATE": False,
                "SECRET_KEY": "test-secret", "RATELIMIT_STORAGE_URI": url})
    assert isinstance(limiter.storage, RedisStorage)
    client = limiter.storage.storage
    assert isinstance(client, Redis)
    assert client.connection_pool.connection_kwargs["host"] == "127.0.0.1"
    assert client.connection_pool.connection_kwargs["port"] == 6379


def test_the_installs_redis_keeps_the_counts_unless_another_store_is_named(monkeypatch, tmp_path):
    monkeypatch.delenv("RATELIMIT_STORAGE_URI", raising=False)
    monkeypatch.setenv("REDIS_URL", "redis://cache.internal:6379/2")
    settings = from_environment(str(tmp_path))
    assert settings["REDIS_URL"] == settings["RATELIMIT_STORAGE_URI"] == "redis://cache.internal:6379/2"
    monkeypatch.setenv("RATELIMIT_STORAGE_URI", "redis://limits.internal:6379/0")
    assert from_environment(str(tmp_path))["RATELIMIT_STORAGE_URI"] == "redis://limits.internal:6379/0"


def test_the_start_log_shows_where_counts_are_kept_but_no_password():
    assert without_password("redis://:s3cret@cache.internal:6379/0") == "redis://:***@cache.internal:6379/0"
    assert without_password("redis://cache.internal:6379/0") == "redis://cache.internal:6379/0"


@pytest.mark.parametrize("processes, storage, per_process, refused", [
    (1, "memory://", "", False),
    (4, "memory://", "", True),
    (4, "redis://127.0.0.1:6379/0", "", False),
    (4, "memory://", "1", False),
])
def test_several_processes_are_refused_only_when_they_would_count_apart_unannounced(
        monkeypatch, processes, storage, per_process, refused):
    monkeypatch.setenv("RATELIMIT_PER_PROCESS", per_process)
    if refused:
        with pytest.raises(ConfigurationError, match="4 worker processes would each keep their own rate-limit counts"):
            check_rate_limit_sharing(processes, storage)
    else:
        check_rate_limit_sharing(processes, storage)


# --- Keys any store can keep ---------------------------------------------------------------------

LONE_SURROGATE = "\ud800x"  # sent as the JSON escape "\\ud800x": valid JSON, yet no UTF-8 can encode it


def counting_in(storage: str, database_url: str):
    return create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url, "AUTO_MIGRATE": False,
                       "SECRET_KEY": "test-secret", "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
                       "RATELIMIT_STORAGE_URI": storage}).test_client()


def test_a_lone_surrogate_username_is_the_same_400_whichever_store_counts(database_url, redis_url):
    answers = []
    for storage in ("memory://", redis_url):
        response = api_login(counting_in(storage, database_url), LONE_SURROGATE)
        answers.append((response.status_code, response.json))
    assert answers[0] == answers[1]
    status, envelope = answers[0]
    assert status == 400
    assert envelope["error"] == "Bad Request"
    assert [detail["field"] for detail in envelope["details"]] == ["username"]


@pytest.mark.parametrize("store", ["memory", "redis"])
def test_a_lone_surrogate_username_is_counted_like_any_other(database_url, request, store):
    storage = "memory://" if store == "memory" else request.getfixturevalue("redis_url")
    client = counting_in(storage, database_url)
    for attempt in range(10):
        assert api_login(client, LONE_SURROGATE.upper() if attempt % 2 else LONE_SURROGATE).status_code == 400
    assert_api_429(api_login(client, LONE_SURROGATE))
    assert api_login(client, "alice").status_code == 401


def test_undecodable_bytes_on_the_login_page_are_the_same_422_whichever_store_counts(database_url, redis_url):
    answers = []
    for storage in ("memory://", redis_url):
        client = counting_in(storage, database_url)
        token = csrf_token(client, "/login")
        response = client.post("/login", data=f"username=%ED%A0%80x&password=wrong-password&csrf_token={token}",
                               content_type="application/x-www-form-urlencoded")
        answers.append((response.status_code, "Invalid username or password" in text(response)))
    assert answers == [(422, True), (422, True)]


def test_every_key_in_redis_is_short_plain_ascii_whatever_the_username(database_url, redis_url):
    client = counting_in(redis_url, database_url)
    for username in ("alice", LONE_SURROGATE, "a b", "tab\there", "Ünïcödé", "x" * 5000, "/" * 50):
        api_login(client, username)
    keys = Redis.from_url(redis_url).keys()
    assert len(keys) == 8  # seven usernames and the one address
    assert all(re.fullmatch(rb"[!-~]{1,200}", key) for key in keys), keys


# --- Token creation ------------------------------------------------------------------------------

def create_token_on_page(client, name, ip="10.0.0.1", headers=None):
    token = csrf_token(client, "/tokens")
    return client.post("/tokens", data={"name": name, "lifetime": "30", "csrf_token": token},
                       environ_base={"REMOTE_ADDR": ip}, headers=headers or {})


def test_the_twenty_first_token_in_an_hour_is_429(client, make_user):
    make_user("alice")
    log_in(client, "alice")
    for number in range(20):
        assert create_token_on_page(client, f"token {number}").status_code == 200
    response = create_token_on_page(client, "one too many")
    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) > 60  # the hour's window, not a minute's
    body = text(response)
    assert "Too many new tokens. Try again in " in body
    assert "one too many" in body  # the form keeps what was typed
    assert "token 19" in body  # and the list is still there


def test_a_limited_token_creation_through_htmx_is_the_section(client, make_user):
    make_user("alice")
    log_in(client, "alice")
    for number in range(20):
        create_token_on_page(client, f"token {number}", headers=HTMX)
    response = create_token_on_page(client, "one too many", headers=HTMX)
    assert response.status_code == 429
    assert "<html" not in text(response) and 'id="tokens-section"' in text(response)


def test_token_creation_is_counted_per_user(client, make_user):
    make_user("alice")
    make_user("bob")
    log_in(client, "alice")
    for number in range(20):
        create_token_on_page(client, f"token {number}")
    assert create_token_on_page(client, "more").status_code == 429
    client.post("/logout", data={"csrf_token": csrf_token(client, "/tokens")})
    log_in(client, "bob")
    assert create_token_on_page(client, "bobs token").status_code == 200


def test_token_creation_is_counted_per_address(database_url, make_user):
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url, "AUTO_MIGRATE": False,
                      "SECRET_KEY": "test-secret", "RATELIMIT_TOKEN_CREATE_PER_IP": "3 per hour",
                      "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"})
    make_user("alice")
    make_user("bob")
    alice, bob = app.test_client(), app.test_client()
    log_in(alice, "alice")
    log_in(bob, "bob")
    statuses = [create_token_on_page(person, f"t{n}").status_code for n, person in enumerate([alice, bob, alice])]
    assert statuses == [200, 200, 200]
    assert create_token_on_page(bob, "fourth").status_code == 429
    assert create_token_on_page(bob, "elsewhere", ip="10.9.9.9").status_code == 200


def test_nothing_else_is_limited(client, make_user, api):
    alice = make_user("alice")
    for _ in range(80):
        assert api.get("/pools", as_=alice).status_code == 200
