"""Invitations expire: each has `expires_at`, INVITATION_TTL_DAYS (7 by default, a decimal number) after
it was sent. After that it is gone from the pending list and the pool's members, its accept or reject is
410 `INVITATION_EXPIRED` (and changes nothing), and the user can be invited again.
"""
import pytest

from app import create_app
from core.config import ConfigurationError
from tests.snapshots import database_unchanged


def invite(api, owner, pool_id, username, role="user"):
    return api.post(f"/pools/{pool_id}/members", as_=owner, json={"username": username, "role": role})


def test_an_invitation_expires_seven_days_after_it_is_sent(api, clock, team, make_user):
    newcomer = make_user("new_developer")
    invited = invite(api, team.owner, team.pool_id, newcomer.username).json["data"]
    assert invited["expires_at"] == "2025-01-28T22:00:00.000Z"
    [pending] = api.get("/pools/invitations/pending", as_=newcomer).json["data"]
    assert pending["expires_at"] == "2025-01-28T22:00:00.000Z"
    members = api.get(f"/pools/{team.pool_id}", as_=team.owner).json["data"]["members"]
    assert [m["expires_at"] for m in members if m["user"]["id"] == newcomer.id] == ["2025-01-28T22:00:00.000Z"]


def test_the_time_to_live_is_a_setting(app, api, clock, team, make_user):
    app.config["INVITATION_TTL_DAYS"] = 0.5
    make_user("new_developer")
    invited = invite(api, team.owner, team.pool_id, "new_developer").json["data"]
    assert invited["expires_at"] == "2025-01-22T10:00:00.000Z"


@pytest.mark.parametrize("value", ["0", "-1", "seven", "nan", "inf"])
def test_a_time_to_live_that_is_not_a_positive_number_stops_the_start(monkeypatch, tmp_path, value):
    monkeypatch.setenv("INVITATION_TTL_DAYS", value)
    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path))
    with pytest.raises(ConfigurationError, match="INVITATION_TTL_DAYS"):
        create_app({"AUTO_MIGRATE": False})


def test_an_expired_invitation_is_gone_from_every_list(api, clock, team):
    clock.advance(days=7)
    assert api.get("/pools/invitations/pending", as_=team.invitee).json["data"] == []
    assert api.get("/pools/invitations/pending", as_=team.invitee).headers["X-Total-Count"] == "0"
    usernames = [m["user"]["username"] for m in api.get(f"/pools/{team.pool_id}", as_=team.owner).json["data"]["members"]]
    assert "ivan_invitee" not in usernames


def test_an_invitation_is_open_until_its_last_moment(api, clock, team):
    clock.advance(days=7, microseconds=-1000)
    assert len(api.get("/pools/invitations/pending", as_=team.invitee).json["data"]) == 1
    assert api.post(f"/pools/{team.invitation_id}/accept", as_=team.invitee).status_code == 200


@pytest.mark.parametrize("verb", ["accept", "reject"])
def test_an_expired_invitation_cannot_be_answered(app, api, clock, team, verb):
    clock.advance(days=8)
    with database_unchanged(app):
        response = api.post(f"/pools/{team.invitation_id}/{verb}", as_=team.invitee)
    assert response.status_code == 410, response.json
    assert response.json == {"statusCode": 410, "message": "This invitation has expired; ask for a new one",
                             "error": "Gone", "code": "INVITATION_EXPIRED"}


@pytest.mark.parametrize("verb", ["accept", "reject"])
def test_someone_elses_expired_invitation_is_still_not_found(app, api, clock, team, verb):
    clock.advance(days=8)
    with database_unchanged(app):
        response = api.post(f"/pools/{team.invitation_id}/{verb}", as_=team.stranger)
    assert response.status_code == 404


def test_an_accepted_invitation_never_expires(api, clock, team):
    clock.advance(days=20)
    assert api.get(f"/pools/{team.pool_id}", as_=team.user).status_code == 200
    answered = api.post(f"/pools/{team.invitation_id}/accept", as_=team.user)
    assert answered.status_code == 404


def test_someone_whose_invitation_expired_can_be_invited_again(app, api, clock, team, tick):
    clock.advance(days=8)
    again = invite(api, team.owner, team.pool_id, team.invitee.username, role="admin")
    assert again.status_code == 201, again.json
    data = again.json["data"]
    assert data["id"] != team.invitation_id and data["role"] == "admin"
    assert data["expires_at"] == "2025-02-05T22:00:00.000Z"
    assert api.post(f"/pools/{team.invitation_id}/accept", as_=team.invitee).status_code == 404  # the old one
    assert api.post(f"/pools/{data['id']}/accept", as_=team.invitee).status_code == 200
    tick()
    received = [n for n in api.get("/notifications", as_=team.invitee).json["data"]
                if n["event"] == "invitation.received"]
    assert len(received) == 2  # told of each invitation


def test_an_open_invitation_still_blocks_a_second_one(app, api, clock, team):
    clock.advance(days=6)
    with database_unchanged(app):
        response = invite(api, team.owner, team.pool_id, team.invitee.username)
    assert response.status_code == 409 and response.json["code"] == "ALREADY_MEMBER"


def test_an_expired_invitation_can_still_be_cancelled(api, clock, team):
    clock.advance(days=8)
    assert api.delete(f"/pools/{team.pool_id}/members/{team.invitee.id}", as_=team.owner).status_code == 200


def test_invitations_sent_before_the_upgrade_expire_a_ttl_after_they_were_sent(tmp_path, monkeypatch):
    """The migration that brings expiry gives every pending invitation ``invited_at`` + INVITATION_TTL_DAYS."""
    from datetime import datetime

    from flask_migrate import upgrade
    from sqlalchemy import text

    from app import MIGRATIONS_DIR
    from core.extensions import db

    monkeypatch.setenv("INVITATION_TTL_DAYS", "2.5")
    old = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'old.db'}", "AUTO_MIGRATE": False,
                      "TESTING": True, "SECRET_KEY": "test-secret-" + "x" * 32, "JOBS_DB": str(tmp_path / "jobs.db")})
    sent = datetime(2025, 1, 20, 14, 30)
    with old.app_context():
        upgrade(directory=MIGRATIONS_DIR, revision="0013")
        for number, name in ((1, "olivia"), (2, "bob")):
            db.session.execute(text(
                "INSERT INTO users (id, username, alias, password_hash, balance_cents, is_admin, created_at) "
                "VALUES (:id, :name, '', 'x', 0, 0, :at)"), {"id": f"{number:024x}", "name": name, "at": sent})
        db.session.execute(text(
            "INSERT INTO pools (id, owner_id, name, description, is_default, settings, created_at, updated_at) "
            "VALUES (:id, :owner, 'Render farm', '', 0, '{}', :at, :at)"),
            {"id": "a" * 24, "owner": f"{1:024x}", "at": sent})
        for membership, user, role, authorized in (("b" * 24, 1, "owner", 1), ("c" * 24, 2, "user", 0)):
            db.session.execute(text(
                "INSERT INTO pool_memberships (id, pool_id, user_id, role, is_authorized, invited_at) "
                "VALUES (:id, :pool, :user, :role, :authorized, :at)"),
                {"id": membership, "pool": "a" * 24, "user": f"{user:024x}", "role": role,
                 "authorized": authorized, "at": sent})
        db.session.commit()

        upgrade(directory=MIGRATIONS_DIR)

        expiry = dict(db.session.execute(text("SELECT id, expires_at FROM pool_memberships")).all())
        db.session.remove()
        db.engine.dispose()
    assert expiry["b" * 24] is None
    assert datetime.fromisoformat(str(expiry["c" * 24])) == datetime(2025, 1, 23, 2, 30)
