"""Notifications made the way the app makes them: a rental runs through its reminders, expiry and end
as the clock moves and ``flask jobs tick`` runs, and announcements posted by an administrator."""
from datetime import timedelta

from tests.factories import make_server

# A seven-day rental's notifications in the order they come: 72 and 24 hours before its end, its expiry
# into the hold, and its end when the hold is over.
RENTAL_MARKS = (timedelta(days=4), timedelta(days=6), timedelta(days=7), timedelta(days=9))


def rental_notifications(app, api, clock, runner, person, how_many: int = len(RENTAL_MARKS),
                         server_name: str = "node-us-nyc-1") -> str:
    """Rent a server for seven days as ``person`` (who needs $70) and move the clock through the first
    ``how_many`` marks of its life, each giving ``person`` one notification; returns the rental's id."""
    server_id = make_server(app, server_name)
    started = clock.now
    response = api.post(f"/servers/{server_id}/rent", as_=person, json={"rental_days": 7})
    assert response.status_code == 201, response.json
    for mark in RENTAL_MARKS[:how_many]:
        clock.set(started + mark)
        result = runner.invoke(args=["jobs", "tick"])
        assert result.exit_code == 0, result.output
    return response.json["data"]["rental"]["id"]


def announce(api, admin, **fields) -> dict:
    """Post an announcement as ``admin``; gives the notification the API answered."""
    body = {"title": "Maintenance tonight", "message": "The API is read-only for an hour.", **fields}
    response = api.post("/admin/notifications", as_=admin, json=body)
    assert response.status_code == 201, response.json
    return response.json["data"]
