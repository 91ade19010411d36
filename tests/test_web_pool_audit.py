"""The audit log on a pool's page: its owner sees who did what and from where; nobody else sees it."""
import pytest

from tests.web_helpers import log_in, text

PAYLOAD = '<script>alert("x")</script>'


def pool_page(client, person, pool_id: str) -> str:
    log_in(client, person.username)
    response = client.get(f"/pools/{pool_id}")
    assert response.status_code == 200
    return text(response)


def test_the_owner_sees_the_pools_events_newest_first_with_their_ip(client, team):
    page = pool_page(client, team.owner, team.pool_id)
    assert 'id="pool-audit"' in page
    log = page[page.index('id="pool-audit"'):]
    assert "sent an invitation" in log and "accepted an invitation" in log and "created the pool" in log
    assert log.index("sent an invitation") < log.index("created the pool")  # newest first
    assert "ivan_invitee" in log
    assert "<code>127.0.0.1</code>" in log


@pytest.mark.parametrize("position", ["admin", "user"])
def test_members_other_than_the_owner_do_not_see_the_audit_log(client, team, position):
    page = pool_page(client, team.person(position), team.pool_id)
    assert 'id="pool-audit"' not in page
    assert "Audit log" not in page


def test_text_from_members_is_shown_inert_in_the_log(client, api, team):
    api.patch(f"/pools/{team.pool_id}", as_=team.owner, json={"description": PAYLOAD})
    page = pool_page(client, team.owner, team.pool_id)
    assert PAYLOAD not in page
    assert "&lt;script&gt;" in page
    assert "changed the pool" in page
