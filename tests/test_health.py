"""Serving: GET /healthz for load balancers, the one-line-per-request log, and PROXY_FIX behind a proxy."""
import json
import logging

from core.request_log import LOGGER_NAME


def test_healthz_answers_ok_when_the_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def test_healthz_needs_no_login_cookie_or_token(app):
    anonymous = app.test_client(use_cookies=False)
    assert anonymous.get("/healthz").status_code == 200


def test_healthz_is_503_with_the_kind_of_error_when_the_database_is_unreachable(app, tmp_path):
    from app import create_app

    broken = create_app({
        "TESTING": True, "AUTO_MIGRATE": False, "SECRET_KEY": "test-secret",
        # a folder, not a file: SQLite cannot open it
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}",
    })
    response = broken.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "unavailable", "database": "error", "error": "OperationalError"}


def _request_lines(caplog) -> list[dict]:
    return [json.loads(record.getMessage()) for record in caplog.records if record.name == LOGGER_NAME]


def test_each_request_is_logged_once_with_method_path_status_and_duration(client, caplog):
    with caplog.at_level(logging.INFO, logger=LOGGER_NAME):
        client.get("/healthz")
        client.get("/api/v1/no-such-endpoint")
    first, second = _request_lines(caplog)
    assert {key: first[key] for key in ("method", "path", "status")} == {
        "method": "GET", "path": "/healthz", "status": 200}
    assert isinstance(first["duration_ms"], (int, float)) and first["duration_ms"] >= 0
    assert (second["path"], second["status"]) == ("/api/v1/no-such-endpoint", 404)


def test_a_request_refused_before_its_view_runs_is_logged_too(app, client, caplog):
    too_big = b"x" * (app.config["MAX_CONTENT_LENGTH"] + 1)
    with caplog.at_level(logging.INFO, logger=LOGGER_NAME):
        response = client.post("/api/v1/pools", data=too_big, content_type="application/json")
    assert response.status_code == 413
    assert [(line["path"], line["status"]) for line in _request_lines(caplog)] == [("/api/v1/pools", 413)]


def test_the_log_never_has_the_query_string_or_the_token(client, make_user, caplog):
    person = make_user("logged")
    with caplog.at_level(logging.INFO, logger=LOGGER_NAME):
        client.get("/api/v1/wallet/balance?token=secret-in-the-url", headers=person.headers)
    lines = _request_lines(caplog)
    assert [line["path"] for line in lines] == ["/api/v1/wallet/balance"]
    assert "secret-in-the-url" not in caplog.text and person.token not in caplog.text


def test_log_level_warning_turns_the_request_lines_off(database_url, caplog):
    from app import create_app

    quiet = create_app({"TESTING": True, "AUTO_MIGRATE": False, "SECRET_KEY": "test-secret",
                        "SQLALCHEMY_DATABASE_URI": database_url, "LOG_LEVEL": "WARNING"})
    quiet.test_client().get("/healthz")
    assert _request_lines(caplog) == []


def _audit_ips(client, person, forwarded_for: str) -> set:
    headers = {**person.headers, "X-Forwarded-For": forwarded_for}
    created = client.post("/api/v1/pools", json={"name": f"Pool via {forwarded_for}"}, headers=headers)
    assert created.status_code == 201, created.get_json()
    audit = client.get(f"/api/v1/pools/{created.get_json()['data']['id']}/audit", headers=person.headers)
    return {event["ip"] for event in audit.get_json()["data"]}


def test_behind_a_proxy_proxy_fix_takes_the_client_address_from_x_forwarded_for(
        database_url, make_user, monkeypatch):
    from app import create_app

    person = make_user("proxied")
    monkeypatch.setenv("PROXY_FIX", "1")
    proxied = create_app({"TESTING": True, "AUTO_MIGRATE": False, "SECRET_KEY": "test-secret",
                          "SQLALCHEMY_DATABASE_URI": database_url})
    assert _audit_ips(proxied.test_client(), person, "203.0.113.7") == {"203.0.113.7"}


def test_without_proxy_fix_x_forwarded_for_is_ignored(client, make_user):
    person = make_user("direct")
    assert _audit_ips(client, person, "203.0.113.7") == {"127.0.0.1"}
