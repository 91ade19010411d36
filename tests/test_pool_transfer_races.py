"""A pool changing hands while its owner changes it: the member accepting the offer at the moment the
owner deletes the pool or removes them, or pressing accept twice. One of the two goes first, the other
sees what it did (a 404 or a 403), never a 500; the pool ends with exactly one owner, or is gone.
These run on SQLite and on PostgreSQL alike (where the pool's row lock orders them).
"""
from collections import Counter

from sqlalchemy import func, select

from core.extensions import db

from models import Membership, Pool, TransferOffer
from tests.races import count, join, race

ROUNDS = 6


def owners(app, pool_id: str) -> list[str]:
    """The user ids with role owner in the pool, and the pool's own owner_id, to compare."""
    with app.app_context():
        members = db.session.scalars(select(Membership.user_id).where(Membership.pool_id == pool_id,
                                                                      Membership.role == "owner")).all()
        owner_id = db.session.scalar(select(Pool.owner_id).where(Pool.id == pool_id))
        db.session.remove()
    return [*members, owner_id] if owner_id else list(members)


def offered_pool(api, owner, member, name: str) -> str:
    pool_id = api.post("/pools", as_=owner, json={"name": name}).json["data"]["id"]
    join(api, owner, member, pool_id)
    assert api.post(f"/pools/{pool_id}/transfer", as_=owner, json={"user_id": member.id}).status_code == 201
    return pool_id


def test_accepting_while_the_owner_deletes_the_pool(app, api, make_user):
    owner, member = make_user("owner"), make_user("member")
    outcomes = Counter()
    for number in range(ROUNDS):
        pool_id = offered_pool(api, owner, member, f"Doomed {number}")
        accepted, deleted = race(app, [("POST", f"/pools/{pool_id}/transfer/accept", member.headers, None),
                                       ("DELETE", f"/pools/{pool_id}", owner.headers, None)])
        if accepted[0] == 200:
            # The member came first: the old owner, an admin now, may not delete it.
            assert deleted[0] == 403, deleted
            assert owners(app, pool_id) == [member.id, member.id]
        else:
            assert (accepted[0], deleted[0]) == (404, 200), (accepted, deleted)
            assert owners(app, pool_id) == []
        outcomes[accepted[0]] += 1
    assert count(app, select(func.count(TransferOffer.id))) == 0
    assert outcomes.total() == ROUNDS


def test_accepting_while_the_owner_removes_the_member(app, api, make_user):
    owner, member = make_user("owner"), make_user("member")
    for number in range(ROUNDS):
        pool_id = offered_pool(api, owner, member, f"Contested {number}")
        accepted, removed = race(app, [("POST", f"/pools/{pool_id}/transfer/accept", member.headers, None),
                                       ("DELETE", f"/pools/{pool_id}/members/{member.id}", owner.headers, None)])
        if accepted[0] == 200:
            assert removed[0] == 403, removed  # an admin cannot remove the owner
            assert owners(app, pool_id) == [member.id, member.id]
        else:
            assert (accepted[0], removed[0]) == (404, 200), (accepted, removed)
            assert owners(app, pool_id) == [owner.id, owner.id]
    assert count(app, select(func.count(TransferOffer.id))) == 0


def test_accept_pressed_many_times_hands_the_pool_over_once(app, api, make_user):
    owner, member = make_user("owner"), make_user("member")
    pool_id = offered_pool(api, owner, member, "Shared")
    results = race(app, [("POST", f"/pools/{pool_id}/transfer/accept", member.headers, None)] * 8)
    assert Counter(status for status, _ in results) == {200: 1, 404: 7}, results
    assert owners(app, pool_id) == [member.id, member.id]
    transferred = [e for e in api.get(f"/pools/{pool_id}/audit", as_=member).json["data"]
                   if e["action"] == "pool.transferred"]
    assert len(transferred) == 1


def test_offers_made_at_once_leave_one_open_offer(app, api, make_user):
    owner = make_user("owner")
    members = [make_user(f"member{n}") for n in range(4)]
    pool_id = api.post("/pools", as_=owner, json={"name": "Shared"}).json["data"]["id"]
    for member in members:
        join(api, owner, member, pool_id)
    results = race(app, [("POST", f"/pools/{pool_id}/transfer", owner.headers, {"user_id": m.id}) for m in members])
    assert {status for status, _ in results} == {201}, results
    assert count(app, select(func.count(TransferOffer.id))) == 1
