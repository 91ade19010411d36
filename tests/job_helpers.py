"""Jobs that exist only in the tests, and the app factory their worker processes run.

Importing this module declares the jobs, so every app made afterwards (the tests' ``app`` fixture,
or ``flask --app tests.job_helpers:create_worker_app jobs worker`` in a subprocess) knows them.
"""
import socket

from core import jobs

# charge_card's calls, and how many more of them fail; the tests set and read these.
CARD_CALLS: list[str] = []
CARD_FAILURES = {"left": 0}


@jobs.task(retries=2, retry_delay=30, retry_backoff=2)
def charge_card(order_id: str) -> str:
    """A job whose service is down for the next ``CARD_FAILURES["left"]`` calls."""
    CARD_CALLS.append(order_id)
    if CARD_FAILURES["left"]:
        CARD_FAILURES["left"] -= 1
        raise RuntimeError("the card processor is down")
    return "charged"


@jobs.task(retries=1, retry_delay=0)
def check_rentals_then_wait(socket_path: str) -> dict:
    """The rental check and the dispatch of its events, committed; then it tells the test listening
    on ``socket_path`` that it got that far, and waits for the test's word before it finishes.

    A test kills the worker while it waits: the job's effect is done, the job is not.
    """
    from core.extensions import db
    from services.events import dispatch_events
    from services.rental_lifecycle import check_rentals

    done = {"check": check_rentals()}
    db.session.commit()
    done["dispatch"] = dispatch_events()
    db.session.commit()
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as connection:
        connection.connect(socket_path)
        connection.sendall(b"effect done\n")
        connection.recv(16)  # the test's word, or nothing when the test has gone
    return done


def create_worker_app():
    """The app as ``flask jobs worker`` makes it from the environment, with the jobs above."""
    from app import create_app

    return create_app()
