"""Two-factor login on the pages: the account page sets it up (a QR image, the key, backup codes shown
once, a first code), makes new backup codes, sets the token gate and turns it off; the login page asks
for the code as a second step and opens no session before it."""
from datetime import timedelta

from tests.html_tree import parse
from tests.two_factor import code_at, turn_on
from tests.users import PASSWORD
from tests.web_helpers import HTMX, csrf_token, log_in, post_form, text


def logged_in(client) -> bool:
    return client.get("/tokens").status_code == 200


def set_up_on_the_page(client, clock) -> tuple[str, list[str]]:
    """Set two-factor up on the account page; the secret (the key shown) and the backup codes."""
    started = post_form(client, "/account/two-factor/setup", {"password": PASSWORD}, form_page="/account")
    assert started.status_code == 200
    page = parse(text(started))
    secret = page.by_id("manual-entry-key").text()
    codes = [item.text() for item in page.by_id("backup-codes").find_all("li")]
    confirmed = post_form(client, "/account/two-factor/confirm", {"code": code_at(secret, clock.now)},
                          form_page="/account")
    assert confirmed.status_code == 303
    clock.advance(seconds=30)
    return secret, codes


def waiting_for_a_code(client, make_user, clock) -> tuple[str, list[str]]:
    """Alice with two-factor set up on the page, logged out, then past the password step again."""
    make_user("alice")
    log_in(client, "alice")
    secret, codes = set_up_on_the_page(client, clock)
    post_form(client, "/logout", {}, form_page="/")
    password_step(client)
    return secret, codes


def password_step(client, username="alice"):
    return post_form(client, "/login", {"username": username, "password": PASSWORD})


def code_step(client, code):
    return post_form(client, "/login/code", {"code": code}, form_page="/login/code")


def test_the_account_page_sets_it_up_with_a_qr_image_the_key_and_backup_codes(app, client, make_user, clock):
    make_user("alice")
    log_in(client, "alice")
    page = parse(text(client.get("/account")))
    assert page.by_id("two-factor-status").text() == "Off"

    refused = post_form(client, "/account/two-factor/setup", {"password": "wrong"}, form_page="/account")
    assert refused.status_code == 422
    assert parse(text(refused)).by_id("two-factor-errors").text() == "The password is not right"

    started = post_form(client, "/account/two-factor/setup", {"password": PASSWORD}, form_page="/account")
    assert started.headers["Cache-Control"].startswith("no-store")
    page = parse(text(started))
    image = page.by_id("two-factor-qr")
    assert image.tag == "img" and image.attrs["src"] == "/account/two-factor/qr.svg"
    qr = client.get(image.attrs["src"])
    assert qr.status_code == 200 and qr.mimetype == "image/svg+xml" and text(qr).startswith("<svg")
    assert len(page.by_id("manual-entry-key").text()) == 32
    assert len(page.by_id("backup-codes").find_all("li")) == 10
    # Shown once: the page does not show the codes or the key again.
    again = parse(text(client.get("/account")))
    assert again.find(id="backup-codes") is None and again.find(id="manual-entry-key") is None
    assert again.find(id="two-factor-qr") is not None  # the setup still waits for its code


def test_the_first_code_turns_it_on_and_signs_out_the_other_browsers(app, client, make_user, clock):
    make_user("alice")
    elsewhere = app.test_client()
    log_in(elsewhere, "alice")
    log_in(client, "alice")
    started = post_form(client, "/account/two-factor/setup", {"password": PASSWORD}, form_page="/account")
    secret = parse(text(started)).by_id("manual-entry-key").text()

    wrong = post_form(client, "/account/two-factor/confirm", {"code": "000000"}, form_page="/account")
    assert wrong.status_code == 422
    assert "not right" in parse(text(wrong)).by_id("two-factor-errors").text()

    confirmed = post_form(client, "/account/two-factor/confirm", {"code": code_at(secret, clock.now)},
                          form_page="/account", headers=HTMX)
    assert confirmed.status_code == 200
    assert "Two-factor login is on. 1 other session or login token ended." in text(confirmed)
    assert parse(text(client.get("/account"))).by_id("two-factor-status").text() == "On"
    assert logged_in(client) and not logged_in(elsewhere)


def test_login_asks_for_the_code_before_opening_a_session(client, make_user, clock):
    make_user("alice")
    log_in(client, "alice")
    secret, _ = set_up_on_the_page(client, clock)
    post_form(client, "/logout", {}, form_page="/")

    first = password_step(client)
    assert first.status_code == 303 and first.headers["Location"] == "/login/code"
    assert not logged_in(client)
    page = parse(text(client.get("/login/code")))
    assert page.find("input", name="code", autocomplete="one-time-code") is not None

    wrong = code_step(client, "123456")
    assert wrong.status_code == 422
    assert "not right" in parse(text(wrong)).by_id("code-error").text()
    assert not logged_in(client)

    done = code_step(client, code_at(secret, clock.now))
    assert done.status_code == 303 and done.headers["Location"] == "/"
    assert logged_in(client)
    assert client.get("/login/code").status_code == 303  # nothing is pending any more


def test_a_backup_code_logs_in_once_on_the_page(client, make_user, clock):
    _, codes = waiting_for_a_code(client, make_user, clock)
    assert code_step(client, codes[0]).status_code == 303
    post_form(client, "/logout", {}, form_page="/")
    password_step(client)
    assert code_step(client, codes[0]).status_code == 422
    assert not logged_in(client)


def test_a_pending_login_expires_after_five_minutes(client, make_user, clock):
    secret, _ = waiting_for_a_code(client, make_user, clock)
    clock.advance(minutes=5)
    expired = code_step(client, code_at(secret, clock.now))
    assert expired.status_code == 303 and expired.headers["Location"] == "/login"
    assert "This login has expired" in text(client.get("/login"))
    assert not logged_in(client)


def test_the_code_step_is_rate_limited(client, make_user, clock):
    secret, _ = waiting_for_a_code(client, make_user, clock)
    token = csrf_token(client, "/login/code")
    for guess in range(10):
        assert client.post("/login/code", data={"code": f"{guess:06d}", "csrf_token": token}).status_code == 422
    limited = client.post("/login/code", data={"code": code_at(secret, clock.now), "csrf_token": token})
    assert limited.status_code == 429 and "Too many codes tried" in text(limited)
    assert not logged_in(client)


def test_new_backup_codes_and_turning_it_off_need_the_password_and_a_code(client, make_user, clock):
    make_user("alice")
    log_in(client, "alice")
    secret, codes = set_up_on_the_page(client, clock)

    fresh = post_form(client, "/account/two-factor/backup-codes", {"password": PASSWORD, "code": codes[0]},
                      form_page="/account", headers=HTMX)
    assert fresh.status_code == 200
    new_codes = [item.text() for item in parse(text(fresh)).by_id("backup-codes").find_all("li")]
    assert len(new_codes) == 10 and not set(new_codes) & set(codes)

    no_password = post_form(client, "/account/two-factor/disable", {"password": "", "code": new_codes[0]},
                            form_page="/account")
    assert no_password.status_code == 422
    assert parse(text(no_password)).by_id("two-factor-errors").text() == "Password must not be empty"
    assert parse(text(client.get("/account"))).by_id("two-factor-status").text() == "On"

    off = post_form(client, "/account/two-factor/disable", {"password": PASSWORD, "code": code_at(secret, clock.now)},
                    form_page="/account")
    assert off.status_code == 303
    assert parse(text(client.get("/account"))).by_id("two-factor-status").text() == "Off"


def test_the_token_gate_asks_for_a_code_on_the_tokens_page(client, make_user, clock):
    make_user("alice")
    log_in(client, "alice")
    secret, _ = set_up_on_the_page(client, clock)
    assert post_form(client, "/account/two-factor/token-gate", {"require_for_tokens": "on"},
                     form_page="/account").status_code == 303
    page = parse(text(client.get("/tokens")))
    assert page.find("input", name="otp_code") is not None

    refused = post_form(client, "/tokens", {"name": "deploy", "lifetime": "30"}, form_page="/tokens")
    assert refused.status_code == 422
    assert parse(text(refused)).by_id("otp_code-error").text() == "Give a code from your authenticator app"
    made = post_form(client, "/tokens", {"name": "deploy", "lifetime": "30", "otp_code": code_at(secret, clock.now)},
                     form_page="/tokens")
    assert made.status_code == 200 and parse(text(made)).find(id="new-token-value") is not None

    clock.advance(seconds=30)
    kept = post_form(client, "/account/two-factor/token-gate", {}, form_page="/account")
    assert kept.status_code == 422  # turning it off needs a code
    lifted = post_form(client, "/account/two-factor/token-gate", {"code": code_at(secret, clock.now)},
                       form_page="/account")
    assert lifted.status_code == 303
    assert parse(text(client.get("/tokens"))).find("input", name="otp_code") is None


def test_the_section_answers_htmx_with_itself_and_a_plain_post_with_the_page(client, make_user, clock):
    make_user("alice")
    log_in(client, "alice")
    fragment = post_form(client, "/account/two-factor/setup", {"password": PASSWORD}, form_page="/account",
                         headers=HTMX)
    assert parse(text(fragment)).find("section", id="account-two-factor") is not None
    assert "<html" not in text(fragment) and "HX-Request" in fragment.headers["Vary"]
    page = post_form(client, "/account/two-factor/setup", {"password": PASSWORD}, form_page="/account")
    assert "<html" in text(page)


def test_the_api_setup_and_the_page_login_agree(api, client, make_user, clock):
    alice = make_user("alice")
    two_factor = turn_on(api, alice, clock)
    password_step(client)
    assert code_step(client, code_at(two_factor.secret, clock.now + timedelta(seconds=30))).status_code == 303
    assert logged_in(client)
