"""Who may call each pools endpoint: owner, admin, user, pending invitee, stranger and anonymous.

A pool is invisible (404) to anyone who has not joined it; members who can see it but whose role
does not allow the action get 403; calls without a token get 401.
"""
import pytest

POSITIONS = ["owner", "admin", "user", "invitee", "stranger", "anonymous"]


def _ids(team):
    return {"pool": team.pool_id, "invitation": team.invitation_id, "target": team.other_user.id}


ENDPOINTS = {
    # name: (method, path template, body, expected status by position)
    "get pool": ("GET", "/pools/{pool}", None,
                 dict(owner=200, admin=200, user=200, invitee=404, stranger=404, anonymous=401)),
    "update pool (PATCH)": ("PATCH", "/pools/{pool}", {"description": "new"},
                            dict(owner=200, admin=403, user=403, invitee=404, stranger=404, anonymous=401)),
    "update pool (PUT)": ("PUT", "/pools/{pool}", {"description": "new"},
                          dict(owner=200, admin=403, user=403, invitee=404, stranger=404, anonymous=401)),
    "delete pool": ("DELETE", "/pools/{pool}", None,
                    dict(owner=200, admin=403, user=403, invitee=404, stranger=404, anonymous=401)),
    "invite as user": ("POST", "/pools/{pool}/members", {"username": "fresh_face", "role": "user"},
                       dict(owner=201, admin=201, user=403, invitee=404, stranger=404, anonymous=401)),
    "invite as admin": ("POST", "/pools/{pool}/members", {"username": "fresh_face", "role": "admin"},
                        dict(owner=201, admin=403, user=403, invitee=404, stranger=404, anonymous=401)),
    "change role (PATCH)": ("PATCH", "/pools/{pool}/members/{target}", {"role": "admin"},
                            dict(owner=200, admin=403, user=403, invitee=404, stranger=404, anonymous=401)),
    "change role (PUT)": ("PUT", "/pools/{pool}/members/{target}", {"role": "admin"},
                          dict(owner=200, admin=403, user=403, invitee=404, stranger=404, anonymous=401)),
    "remove a user-role member": ("DELETE", "/pools/{pool}/members/{target}", None,
                                  dict(owner=200, admin=200, user=403, invitee=404, stranger=404, anonymous=401)),
    "accept the invitation": ("POST", "/pools/{invitation}/accept", None,
                              dict(owner=404, admin=404, user=404, invitee=200, stranger=404, anonymous=401)),
    "reject the invitation": ("POST", "/pools/{invitation}/reject", None,
                              dict(owner=404, admin=404, user=404, invitee=200, stranger=404, anonymous=401)),
    "list pools": ("GET", "/pools", None,
                   dict(owner=200, admin=200, user=200, invitee=200, stranger=200, anonymous=401)),
    "list pending invitations": ("GET", "/pools/invitations/pending", None,
                                 dict(owner=200, admin=200, user=200, invitee=200, stranger=200, anonymous=401)),
    "create pool": ("POST", "/pools", {"name": "Another"},
                    dict(owner=201, admin=201, user=201, invitee=201, stranger=201, anonymous=401)),
}

CASES = [(name, position) for name in ENDPOINTS for position in POSITIONS]


@pytest.mark.parametrize("endpoint, position", CASES, ids=[f"{n} as {p}" for n, p in CASES])
def test_authorization_matrix(api, team, make_user, endpoint, position):
    make_user("fresh_face")
    method, template, body, expected = ENDPOINTS[endpoint]
    response = api.call(method, template.format(**_ids(team)), as_=team.person(position), json=body)
    assert response.status_code == expected[position], response.json
    assert response.json["statusCode"] == expected[position]
    if expected[position] >= 400:
        assert "error" in response.json and response.json["message"]


@pytest.mark.parametrize("position", ["owner", "admin", "user", "stranger"])
def test_only_the_invitee_sees_their_invitation(api, team, position):
    pending = api.get("/pools/invitations/pending", as_=team.person(position)).json["data"]
    assert team.invitation_id not in [i["id"] for i in pending]


@pytest.mark.parametrize("position", ["invitee", "stranger"])
def test_list_pools_hides_pools_not_joined(api, team, position):
    pools = api.get("/pools", as_=team.person(position)).json["data"]
    assert team.pool_id not in [p["id"] for p in pools]


def test_refused_calls_change_nothing(app, api, team, make_user):
    from tests.snapshots import database_snapshot

    make_user("fresh_face")
    before = database_snapshot(app)
    for name, (method, template, body, expected) in ENDPOINTS.items():
        for position in POSITIONS:
            if expected[position] >= 400:
                api.call(method, template.format(**_ids(team)), as_=team.person(position), json=body)
    after = database_snapshot(app)
    # Live tokens note when they were last used; nothing else may differ.
    before.pop("api_tokens"), after.pop("api_tokens")
    assert after == before
