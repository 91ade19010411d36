"""What happens to people, told to them: an invitation received, a role changed, a removal from a pool,
a credit to the wallet, a login from a new address. Each event is written with its action (a refused
action writes none), reaches the person concerned only, and once, however often the queue runs.

The work runs as cron would run it, with ``flask jobs tick``.
"""
from sqlalchemy import select

from core.extensions import db
from models import Event, LoginAddress, Notification, User
from tests.users import PASSWORD
from tests.web_helpers import post_form


def notifications(app, event: str | None = None) -> list[dict]:
    """The notifications (of one event type, or all), oldest first, as their readers see them."""
    with app.app_context():
        statement = (select(Notification, User.username).join(User, User.id == Notification.user_id)
                     .order_by(Notification.created_at, Notification.id))
        if event is not None:
            statement = statement.where(Notification.event == event)
        rows = db.session.execute(statement).all()
        db.session.remove()
    return [{"to": username, "event": note.event, "title": note.title, "message": note.message,
             "link": note.link, "severity": note.severity, "data": note.data} for note, username in rows]


def event_count(app) -> int:
    with app.app_context():
        count = db.session.scalar(select(db.func.count()).select_from(Event))
        db.session.remove()
    return count


# --- Pools ----------------------------------------------------------------------------------------

def test_an_invitee_is_told_of_the_invitation_with_a_link_to_answer_it(app, api, tick, make_user):
    owner, bob = make_user("olivia"), make_user("bob")
    pool_id = api.post("/pools", as_=owner, json={"name": "Render farm"}).json["data"]["id"]
    invitation_id = api.post(f"/pools/{pool_id}/members", as_=owner,
                             json={"username": "bob", "role": "admin"}).json["data"]["id"]

    tick()

    [note] = notifications(app)
    assert note["to"] == "bob" and note["event"] == "invitation.received"
    assert note["title"] == "You are invited to Render farm"
    assert note["message"] == ("You were invited by olivia to join the pool Render farm as admin. Accept or "
                               "decline the invitation on your invitations page.")
    assert note["link"] == "/invitations"
    assert note["data"]["invitation_id"] == invitation_id and note["data"]["pool_id"] == pool_id


def test_a_refused_invitation_tells_nobody(app, api, tick, team):
    again = api.post(f"/pools/{team.pool_id}/members", as_=team.owner, json={"username": team.invitee.username,
                                                                              "role": "user"})
    assert again.status_code == 409
    before = event_count(app)

    tick()

    assert event_count(app) == before
    assert sorted(note["to"] for note in notifications(app, "invitation.received")) == [
        "ivan_invitee", "jane_admin", "joe_user", "olga_user"]  # the team's own invitations, once each


def test_a_member_whose_role_changed_is_told_and_nobody_else(app, api, tick, team):
    changed = api.put(f"/pools/{team.pool_id}/members/{team.user.id}", as_=team.owner, json={"role": "admin"})
    assert changed.status_code == 200, changed.json
    api.put(f"/pools/{team.pool_id}/members/{team.admin.id}", as_=team.owner, json={"role": "admin"})  # no change
    api.put(f"/pools/{team.pool_id}/members/{team.invitee.id}", as_=team.owner, json={"role": "admin"})  # not joined

    tick()

    [note] = notifications(app, "pool.role_changed")
    assert note["to"] == "joe_user"
    assert note["title"] == "You are now admin in Development Team"
    assert note["message"] == "Your role in the pool Development Team was changed by team_lead from user to admin."
    assert note["link"] == f"/pools/{team.pool_id}"


def test_a_removed_member_is_told_but_leaving_tells_nobody(app, api, tick, team):
    assert api.delete(f"/pools/{team.pool_id}/members/{team.user.id}", as_=team.admin).status_code == 200
    assert api.delete(f"/pools/{team.pool_id}/members/{team.other_user.id}", as_=team.other_user).status_code == 200
    assert api.delete(f"/pools/{team.pool_id}/members/{team.invitee.id}", as_=team.owner).status_code == 200

    tick()

    [note] = notifications(app, "pool.member_removed")
    assert note["to"] == "joe_user"
    assert note["title"] == "You were removed from Development Team"
    assert note["message"] == ("You were removed by jane_admin from the pool Development Team. Your rentals in it "
                               "went back to your default pool.")
    assert note["severity"] == "WARNING" and note["link"] == "/pools"


# --- Wallet ---------------------------------------------------------------------------------------

def test_a_credit_tells_the_wallets_owner_the_amount_and_the_new_balance(app, runner, tick, make_user):
    make_user("bob", balance_cents=10_00)

    result = runner.invoke(args=["wallet", "credit", "bob", "25.50"])
    assert result.exit_code == 0, result.output
    tick()

    [note] = notifications(app, "wallet.credited")
    assert note["to"] == "bob"
    assert note["title"] == "$25.50 added to your wallet"
    assert note["message"] == ("Your wallet was credited with $25.50 (Credit from the command line). Your balance "
                               "is now $35.50.")
    assert note["link"] == "/wallet" and note["severity"] == "SUCCESS"
    assert note["data"]["amount_cents"] == 2550 and note["data"]["balance_cents"] == 3550


def test_a_refused_credit_tells_nobody(app, runner, tick, make_user):
    make_user("bob")
    assert runner.invoke(args=["wallet", "credit", "bob", "0"]).exit_code != 0
    tick()
    assert notifications(app, "wallet.credited") == []


# --- Logins ---------------------------------------------------------------------------------------

def page_login(app, username: str, ip: str) -> None:
    with app.test_client() as browser:
        browser.environ_base["REMOTE_ADDR"] = ip
        response = post_form(browser, "/login", {"username": username, "password": PASSWORD})
        assert response.status_code == 303, response.get_data(as_text=True)


def api_login(api, username: str, ip: str, password: str = PASSWORD) -> int:
    return api.post("/users/auth/login", json={"username": username, "password": password},
                    environ_overrides={"REMOTE_ADDR": ip}).status_code


def addresses(app, username: str) -> list[str]:
    with app.app_context():
        found = db.session.scalars(select(LoginAddress.ip).join(User, User.id == LoginAddress.user_id)
                                   .where(User.username == username).order_by(LoginAddress.first_seen_at,
                                                                              LoginAddress.ip)).all()
        db.session.remove()
    return found


def test_a_login_from_a_new_address_is_told_once_and_the_first_address_silently(app, api, clock, tick, make_user):
    make_user("bob")
    page_login(app, "bob", "203.0.113.5")  # the account's first address: recorded, nothing said
    clock.advance(minutes=5)
    page_login(app, "bob", "203.0.113.5")
    tick()
    assert notifications(app, "security.new_login") == []

    clock.advance(hours=1)
    assert api_login(api, "bob", "198.51.100.7") == 200
    assert api_login(api, "bob", "198.51.100.7") == 200
    tick()
    tick()

    [note] = notifications(app, "security.new_login")
    assert note["to"] == "bob" and note["title"] == "New login from 198.51.100.7"
    assert note["message"].startswith("Your account was logged into on 21 Jan 2025, 23:05 UTC from 198.51.100.7, "
                                      "an address it had not been used from before.")
    assert note["link"] == "/tokens" and note["data"]["ip"] == "198.51.100.7"
    assert addresses(app, "bob") == ["203.0.113.5", "198.51.100.7"]

    page_login(app, "bob", "203.0.113.5")  # an address known before
    tick()
    assert len(notifications(app, "security.new_login")) == 1


def test_a_wrong_password_records_no_address(app, api, tick, make_user):
    make_user("bob")
    page_login(app, "bob", "203.0.113.5")
    assert api_login(api, "bob", "198.51.100.7", password="not-the-password") == 401
    tick()
    assert addresses(app, "bob") == ["203.0.113.5"]
    assert notifications(app, "security.new_login") == []


# --- Once -----------------------------------------------------------------------------------------

def test_a_second_tick_adds_nothing(app, api, runner, tick, team):
    api.put(f"/pools/{team.pool_id}/members/{team.user.id}", as_=team.owner, json={"role": "admin"})
    api.delete(f"/pools/{team.pool_id}/members/{team.other_user.id}", as_=team.owner)
    runner.invoke(args=["wallet", "credit", "joe_user", "5"])
    tick()
    before = notifications(app)
    events = event_count(app)

    output = tick()

    assert notifications(app) == before
    assert event_count(app) == events
    assert {note["event"] for note in before} == {"invitation.received", "pool.role_changed",
                                                 "pool.member_removed", "wallet.credited"}
    assert "check dispatch_events: nothing to do" in output
