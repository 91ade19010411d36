"""Two-factor login through the API, as the published service's paths have it: setup, the first code,
status, the second step of a login, backup codes, turning it off, the token gate, and every refusal."""
from datetime import timedelta

import pytest

from tests.races import race
from tests.two_factor import code_at, turn_on
from tests.users import PASSWORD


def login(api, username="alice", password=PASSWORD):
    return api.post("/users/auth/login", json={"username": username, "password": password})


def temp_token(api, username="alice") -> str:
    response = login(api, username)
    assert response.status_code == 200, response.json
    return response.json["data"]["temp_token"]


def test_setup_shows_the_qr_code_the_key_and_ten_backup_codes_once(api, make_user, clock):
    alice = make_user("alice")
    response = api.post("/users/auth/2fa/setup", as_=alice, json={"password": PASSWORD})
    assert response.status_code == 200
    assert response.headers["Cache-Control"].startswith("no-store")
    data = response.json["data"]
    assert set(data) == {"qr_code", "manual_entry_key", "backup_codes"}
    assert data["qr_code"].startswith("data:image/svg+xml;")
    assert len(data["manual_entry_key"]) == 32
    assert len(data["backup_codes"]) == len(set(data["backup_codes"])) == 10
    # Until a code confirms it, nothing changes.
    status = api.get("/users/auth/2fa/status", as_=alice).json["data"]
    assert status == {"enabled": False, "verified": False, "enabled_at": None, "backup_codes_remaining": 0,
                      "require_for_tokens": False}
    assert "token" in login(api).json["data"]


def test_setup_needs_the_right_password(api, make_user, clock):
    alice = make_user("alice")
    wrong = api.post("/users/auth/2fa/setup", as_=alice, json={"password": "not-it"})
    assert wrong.status_code == 403 and wrong.json["code"] == "FORBIDDEN"
    missing = api.post("/users/auth/2fa/setup", as_=alice, json={})
    assert missing.status_code == 400 and missing.json["code"] == "VALIDATION_FAILED"


def test_the_first_code_turns_it_on_and_signs_out_every_login(api, make_user, clock):
    alice = make_user("alice")
    api_login_token = login(api).json["data"]["token"]
    setup = api.post("/users/auth/2fa/setup", as_=alice, json={"password": PASSWORD}).json["data"]

    wrong = api.post("/users/auth/2fa/verify-setup", as_=alice, json={"code": "000000"})
    assert wrong.status_code == 401 and wrong.json["code"] == "TWO_FACTOR_REQUIRED"
    # A backup code confirms nothing: only the app shows the setup works.
    backup = api.post("/users/auth/2fa/verify-setup", as_=alice, json={"code": setup["backup_codes"][0]})
    assert backup.status_code == 401

    confirmed = api.post("/users/auth/2fa/verify-setup", as_=alice,
                         json={"code": code_at(setup["manual_entry_key"], clock.now)})
    assert confirmed.status_code == 200
    assert confirmed.json["data"] == {"enabled": True, "enabled_at": "2025-01-21T22:00:00.000Z", "sessions_revoked": 1}
    assert api.get("/pools", headers={"Authorization": f"Bearer {api_login_token}"}).status_code == 401
    assert api.get("/pools", as_=alice).status_code == 200  # a named token keeps working
    status = api.get("/users/auth/2fa/status", as_=alice).json["data"]
    assert status == {"enabled": True, "verified": True, "enabled_at": "2025-01-21T22:00:00.000Z",
                      "backup_codes_remaining": 10, "require_for_tokens": False}
    again = api.post("/users/auth/2fa/setup", as_=alice, json={"password": PASSWORD})
    assert again.status_code == 409 and again.json["code"] == "CONFLICT"


def test_login_asks_for_a_code_and_the_code_completes_it(api, make_user, clock):
    alice = make_user("alice")
    two_factor = turn_on(api, alice, clock)

    first = login(api)
    assert first.status_code == 200
    data = first.json["data"]
    assert set(data) == {"requires_2fa", "temp_token", "method"} and data["requires_2fa"] is True
    assert data["method"] == "totp"

    wrong = api.post("/users/auth/2fa/verify", json={"temp_token": data["temp_token"], "code": "123456"})
    assert wrong.status_code == 401 and wrong.json["code"] == "TWO_FACTOR_REQUIRED"
    done = api.post("/users/auth/2fa/verify",
                    json={"temp_token": data["temp_token"], "code": code_at(two_factor.secret, clock.now)})
    assert done.status_code == 200 and done.json["message"] == "Login successful"
    assert set(done.json["data"]) == {"token", "expires_at", "user"}
    assert done.json["data"]["user"]["username"] == "alice"
    token = done.json["data"]["token"]
    assert api.get("/users/me", headers={"Authorization": f"Bearer {token}"}).status_code == 200


def test_a_code_cannot_be_used_twice_in_its_window(api, make_user, clock):
    alice = make_user("alice")
    two_factor = turn_on(api, alice, clock)
    code = code_at(two_factor.secret, clock.now)
    assert api.post("/users/auth/2fa/verify", json={"temp_token": temp_token(api), "code": code}).status_code == 200
    replayed = api.post("/users/auth/2fa/verify", json={"temp_token": temp_token(api), "code": code})
    assert replayed.status_code == 401 and replayed.json["code"] == "TWO_FACTOR_REQUIRED"
    # Nor an older one the drift would otherwise allow.
    older = code_at(two_factor.secret, clock.now - timedelta(seconds=30))
    assert api.post("/users/auth/2fa/verify", json={"temp_token": temp_token(api), "code": older}).status_code == 401
    clock.advance(seconds=30)
    fresh = code_at(two_factor.secret, clock.now)
    assert api.post("/users/auth/2fa/verify", json={"temp_token": temp_token(api), "code": fresh}).status_code == 200


def test_one_step_of_drift_either_way_is_accepted(api, make_user, clock):
    alice = make_user("alice")
    two_factor = turn_on(api, alice, clock)
    clock.advance(seconds=60)
    behind = code_at(two_factor.secret, clock.now - timedelta(seconds=30))
    assert api.post("/users/auth/2fa/verify", json={"temp_token": temp_token(api), "code": behind}).status_code == 200
    ahead = code_at(two_factor.secret, clock.now + timedelta(seconds=30))
    assert api.post("/users/auth/2fa/verify", json={"temp_token": temp_token(api), "code": ahead}).status_code == 200
    clock.advance(seconds=60)
    too_late = code_at(two_factor.secret, clock.now - timedelta(seconds=60))
    assert api.post("/users/auth/2fa/verify", json={"temp_token": temp_token(api), "code": too_late}).status_code == 401


def test_a_temp_token_expires_after_five_minutes_and_works_once(api, make_user, clock):
    alice = make_user("alice")
    two_factor = turn_on(api, alice, clock)
    waiting = temp_token(api)
    clock.advance(minutes=5)
    expired = api.post("/users/auth/2fa/verify",
                       json={"temp_token": waiting, "code": code_at(two_factor.secret, clock.now)})
    assert expired.status_code == 401 and expired.json["code"] == "UNAUTHENTICATED"

    used = temp_token(api)
    assert api.post("/users/auth/2fa/verify",
                    json={"temp_token": used, "code": code_at(two_factor.secret, clock.now)}).status_code == 200
    clock.advance(seconds=30)
    again = api.post("/users/auth/2fa/verify", json={"temp_token": used, "code": code_at(two_factor.secret, clock.now)})
    assert again.status_code == 401 and again.json["code"] == "UNAUTHENTICATED"
    forged = api.post("/users/auth/2fa/verify",
                      json={"temp_token": used.partition(".")[0] + ".forged", "code": "123456"})
    assert forged.status_code == 401 and forged.json["code"] == "UNAUTHENTICATED"


def test_a_backup_code_works_once(api, make_user, clock):
    alice = make_user("alice")
    two_factor = turn_on(api, alice, clock)
    code = two_factor.backup_codes[3]
    assert api.post("/users/auth/2fa/verify", json={"temp_token": temp_token(api), "code": code.upper()}
                    ).status_code == 200
    again = api.post("/users/auth/2fa/verify", json={"temp_token": temp_token(api), "code": code})
    assert again.status_code == 401 and again.json["code"] == "TWO_FACTOR_REQUIRED"
    assert api.get("/users/auth/2fa/status", as_=alice).json["data"]["backup_codes_remaining"] == 9


def test_guessing_codes_is_rate_limited(api, make_user, clock):
    alice = make_user("alice")
    two_factor = turn_on(api, alice, clock)
    waiting = temp_token(api)
    for guess in range(10):
        response = api.post("/users/auth/2fa/verify", json={"temp_token": waiting, "code": f"{guess:06d}"})
        assert response.status_code == 401
    limited = api.post("/users/auth/2fa/verify",
                       json={"temp_token": waiting, "code": code_at(two_factor.secret, clock.now)})
    assert limited.status_code == 429 and limited.json["code"] == "RATE_LIMITED"
    assert int(limited.headers["Retry-After"]) > 0


def test_turning_it_off_needs_the_password_and_a_code(api, make_user, clock):
    alice = make_user("alice")
    two_factor = turn_on(api, alice, clock)
    code = code_at(two_factor.secret, clock.now)
    no_password = api.delete("/users/auth/2fa", as_=alice, json={"code": code})
    assert no_password.status_code == 400 and no_password.json["code"] == "VALIDATION_FAILED"
    wrong_password = api.delete("/users/auth/2fa", as_=alice, json={"password": "nope", "code": code})
    assert wrong_password.status_code == 403
    wrong_code = api.delete("/users/auth/2fa", as_=alice, json={"password": PASSWORD, "code": "999999"})
    assert wrong_code.status_code == 401 and wrong_code.json["code"] == "TWO_FACTOR_REQUIRED"
    assert api.get("/users/auth/2fa/status", as_=alice).json["data"]["enabled"] is True

    off = api.delete("/users/auth/2fa", as_=alice, json={"password": PASSWORD, "code": code})
    assert off.status_code == 200 and off.json["message"] == "Two-factor login disabled"
    assert api.get("/users/auth/2fa/status", as_=alice).json["data"]["enabled"] is False
    assert "token" in login(api).json["data"]
    again = api.delete("/users/auth/2fa", as_=alice, json={"password": PASSWORD, "code": code})
    assert again.status_code == 409


def test_regenerating_backup_codes_replaces_the_old_ones(api, make_user, clock):
    alice = make_user("alice")
    two_factor = turn_on(api, alice, clock)
    api.post("/users/auth/2fa/verify", json={"temp_token": temp_token(api), "code": two_factor.backup_codes[0]})
    wrong = api.post("/users/auth/2fa/backup-codes/regenerate", as_=alice, json={"password": PASSWORD, "code": "1"})
    assert wrong.status_code == 401
    response = api.post("/users/auth/2fa/backup-codes/regenerate", as_=alice,
                        json={"password": PASSWORD, "code": two_factor.backup_codes[1]})
    assert response.status_code == 200
    fresh = response.json["data"]["backup_codes"]
    assert len(fresh) == 10 and not set(fresh) & set(two_factor.backup_codes)
    assert api.get("/users/auth/2fa/status", as_=alice).json["data"]["backup_codes_remaining"] == 10
    old = api.post("/users/auth/2fa/verify", json={"temp_token": temp_token(api), "code": two_factor.backup_codes[2]})
    assert old.status_code == 401
    assert api.post("/users/auth/2fa/verify", json={"temp_token": temp_token(api), "code": fresh[0]}).status_code == 200


def test_the_token_gate_is_set_on_and_needs_a_code_to_come_off(api, make_user, clock):
    alice = make_user("alice")
    refused = api.put("/users/auth/2fa/token-gate", as_=alice, json={"require_for_tokens": True})
    assert refused.status_code == 409  # two-factor is off: there is no code to ask for
    two_factor = turn_on(api, alice, clock)
    on = api.put("/users/auth/2fa/token-gate", as_=alice, json={"require_for_tokens": True})
    assert on.status_code == 200 and on.json["data"]["require_for_tokens"] is True
    without_code = api.put("/users/auth/2fa/token-gate", as_=alice, json={"require_for_tokens": False})
    assert without_code.status_code == 401 and without_code.json["code"] == "TWO_FACTOR_REQUIRED"
    off = api.put("/users/auth/2fa/token-gate", as_=alice,
                  json={"require_for_tokens": False, "code": code_at(two_factor.secret, clock.now)})
    assert off.status_code == 200 and off.json["data"]["require_for_tokens"] is False


@pytest.mark.parametrize("method, path, body", [
    ("POST", "/users/auth/2fa/setup", {"password": PASSWORD}),
    ("POST", "/users/auth/2fa/verify-setup", {"code": "123456"}),
    ("GET", "/users/auth/2fa/status", None),
    ("DELETE", "/users/auth/2fa", {"password": PASSWORD, "code": "123456"}),
    ("POST", "/users/auth/2fa/backup-codes/regenerate", {"password": PASSWORD, "code": "123456"}),
    ("PUT", "/users/auth/2fa/token-gate", {"require_for_tokens": True}),
])
def test_the_settings_need_a_token(api, method, path, body):
    assert api.call(method, path, json=body).status_code == 401


def test_changes_are_told_to_the_account_holder(api, make_user, clock, run_jobs):
    alice = make_user("alice")
    two_factor = turn_on(api, alice, clock)
    api.delete("/users/auth/2fa", as_=alice, json={"password": PASSWORD, "code": code_at(two_factor.secret, clock.now)})
    run_jobs()
    titles = [note["title"] for note in api.get("/notifications", as_=alice).json["data"]]
    assert sorted(titles) == ["Two-factor login is off", "Two-factor login is on"]


def test_an_operator_turns_it_off_for_someone_locked_out(api, runner, make_user, clock):
    alice = make_user("alice")
    turn_on(api, alice, clock)
    result = runner.invoke(args=["users", "two-factor-off", "ALICE"])
    assert result.exit_code == 0, result.output
    assert result.stdout == "Two-factor login is off for alice: they log in with their password alone\n"
    assert "token" in login(api).json["data"]
    again = runner.invoke(args=["users", "two-factor-off", "alice"])
    assert again.stdout == "alice had no two-factor login\n"


def test_one_code_sent_at_once_from_many_places_logs_in_once(app, api, make_user, clock):
    alice = make_user("alice")
    two_factor = turn_on(api, alice, clock)
    code = code_at(two_factor.secret, clock.now)
    backup = two_factor.backup_codes[0]
    requests = [("POST", "/users/auth/2fa/verify", {}, {"temp_token": temp_token(api), "code": each})
                for each in [code] * 4 + [backup] * 4]
    statuses = [status for status, _ in race(app, requests)]
    assert statuses[:4].count(200) == 1 and statuses[4:].count(200) == 1
    assert sorted(statuses) == [200, 200] + [401] * 6
