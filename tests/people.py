"""What the tests' fixtures hand out: the controllable clock, people with tokens, a client for the API,
and a team of people in every position of a pool. Kept apart from conftest so any test can name the types."""
from dataclasses import dataclass
from datetime import datetime, timedelta


class Clock:
    """The application's time, standing still until a test moves it."""

    def __init__(self, now: datetime):
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta) -> None:
        self.now += timedelta(**delta)

    def set(self, value: datetime) -> None:
        self.now = value


@dataclass
class Person:
    """A user as a test sees them: ids and a live API token."""

    id: str
    username: str
    alias: str
    token: str
    default_pool_id: str

    @property
    def headers(self) -> dict:
        return {"Authorization": f"Bearer {self.token}"}


class ApiClient:
    """Calls /api/v1 as a given person (or anonymously) and returns the response."""

    def __init__(self, client):
        self.client = client

    def call(self, method: str, path: str, as_: Person | None = None, json=None, headers=None, **kwargs):
        all_headers = dict(as_.headers) if as_ else {}
        all_headers.update(headers or {})
        return self.client.open(f"/api/v1{path}", method=method, json=json, headers=all_headers, **kwargs)

    def get(self, path, as_=None, **kwargs):
        return self.call("GET", path, as_, **kwargs)

    def post(self, path, as_=None, **kwargs):
        return self.call("POST", path, as_, **kwargs)

    def put(self, path, as_=None, **kwargs):
        return self.call("PUT", path, as_, **kwargs)

    def patch(self, path, as_=None, **kwargs):
        return self.call("PATCH", path, as_, **kwargs)

    def delete(self, path, as_=None, **kwargs):
        return self.call("DELETE", path, as_, **kwargs)

    def rent(self, person: Person, server_id: str, days: int = 7, pool_id: str | None = None) -> str:
        """Rent as ``person``, checked to succeed; the rental's id."""
        body = {"rental_days": days, **({"pool_id": pool_id} if pool_id else {})}
        response = self.post(f"/servers/{server_id}/rent", as_=person, json=body)
        assert response.status_code == 201, response.json
        return response.json["data"]["rental"]["id"]


@dataclass
class Team:
    """A pool with one person in each position a caller can hold."""

    pool_id: str
    owner: Person
    admin: Person
    user: Person
    other_user: Person
    invitee: Person
    stranger: Person
    invitation_id: str

    def person(self, position: str) -> Person | None:
        return None if position == "anonymous" else getattr(self, position)
