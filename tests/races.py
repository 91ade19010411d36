"""Requests racing from threads against one app and database: each thread has its own client (so its
own session and connection), and a barrier starts them together."""
import threading

from core.extensions import db


def race(app, requests: list) -> list:
    """Send each ``(method, path, headers, json)`` from its own thread, all at once; the responses in order."""
    barrier = threading.Barrier(len(requests))
    results: list = [None] * len(requests)

    def send(index, method, path, headers, body):
        client = app.test_client()
        barrier.wait()
        try:
            response = client.open(f"/api/v1{path}", method=method, headers=headers, json=body)
            results[index] = (response.status_code, response.get_json())
        except Exception as error:  # reported below, so a failing thread fails the test
            results[index] = ("exception", repr(error))

    threads = [threading.Thread(target=send, args=(i, *request)) for i, request in enumerate(requests)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert all(result is not None and result[0] != "exception" for result in results), results
    return results


def count(app, statement) -> int:
    with app.app_context():
        value = db.session.scalar(statement)
        db.session.remove()
        return value


def join(api, owner, member, pool_id: str) -> None:
    invitation = api.post(f"/pools/{pool_id}/members", as_=owner, json={"username": member.username, "role": "user"})
    assert api.post(f"/pools/{invitation.json['data']['id']}/accept", as_=member).status_code == 200
