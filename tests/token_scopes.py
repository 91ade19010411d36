"""API tokens with permissions, as tests make and use them through the API."""
import dataclasses

from tests.people import Person


def scoped(api, person: Person, **fields) -> Person:
    """``person`` calling with a new token made through the API with ``fields`` (an alias is added)."""
    created = api.post("/auth/tokens", as_=person, json={"alias": "scoped", **fields})
    assert created.status_code == 201, created.json
    return dataclasses.replace(person, token=created.json["data"]["token"])


def denied_permission(response) -> str | None:
    """The permission a 403 TOKEN_PERMISSION_DENIED names, or None for any other answer."""
    body = response.get_json(silent=True) or {}
    if response.status_code != 403 or body.get("code") != "TOKEN_PERMISSION_DENIED":
        return None
    return body["details"][0]["permission"]
