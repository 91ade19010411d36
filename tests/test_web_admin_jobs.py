"""The admin jobs page: the periodic checks' last runs and results, the queue's depth, the workers,
and the failed jobs with their errors and a Retry button (htmx and a plain form). Administrators only."""
import html

import pytest
from sqlalchemy import select

from core.extensions import db
from models import FailedJob
from tests import job_helpers
from tests.html_tree import parse
from tests.snapshots import database_unchanged
from tests.web_helpers import HTMX, csrf_token, log_in
from tests.web_helpers import text as raw_text


def text(response) -> str:
    return html.unescape(raw_text(response))


@pytest.fixture
def root(client, make_user):
    person = make_user("root", is_admin=True)
    log_in(client, "root")
    return person


@pytest.fixture
def failed_job_id(app, tick, clock) -> str:
    """charge_card("order-7") failed three times: on its first run and both retries."""
    job_helpers.CARD_CALLS.clear()
    job_helpers.CARD_FAILURES["left"] = 3
    with app.app_context():
        from core import jobs

        jobs.enqueue(job_helpers.charge_card, "order-7")
    tick()
    clock.advance(seconds=30)
    tick()
    clock.advance(seconds=60)
    tick()
    with app.app_context():
        failed_id = db.session.scalar(select(FailedJob.id))
    assert failed_id is not None
    yield failed_id
    job_helpers.CARD_FAILURES["left"] = 0


def retry(client, failed_job_id: str, htmx: bool = False):
    return client.post(f"/admin/jobs/failed/{failed_job_id}/retry",
                       data={"csrf_token": csrf_token(client, "/admin/jobs")}, headers=HTMX if htmx else {})


def retried_at(app, failed_job_id: str):
    with app.app_context():
        value = db.session.scalar(select(FailedJob.retried_at).where(FailedJob.id == failed_job_id))
        db.session.remove()
    return value


# --- Who gets in --------------------------------------------------------------------------------------

def test_the_jobs_page_needs_login(client):
    response = client.get("/admin/jobs")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login?next=")


def test_the_jobs_page_and_retry_are_refused_to_other_users(app, client, make_user, failed_job_id):
    make_user("bob")
    log_in(client, "bob")
    assert client.get("/admin/jobs").status_code == 403
    assert "Only administrators can do this" in text(client.get("/admin/jobs", headers=HTMX))
    token = csrf_token(client, "/tokens")
    with database_unchanged(app):
        for headers in ({}, HTMX):
            response = client.post(f"/admin/jobs/failed/{failed_job_id}/retry", data={"csrf_token": token},
                                   headers=headers)
            assert response.status_code == 403
    assert job_helpers.CARD_CALLS == ["order-7"] * 3


def test_the_admin_page_links_to_the_jobs_page(client, root):
    assert 'href="/admin/jobs"' in text(client.get("/admin"))


# --- What it shows ----------------------------------------------------------------------------------------

def test_the_page_shows_each_check_the_queue_and_that_no_worker_ran(client, root):
    page = parse(text(client.get("/admin/jobs")))
    assert page.by_id("check-check_rentals").text() == "check_rentals every 1 min Never Not run yet"
    assert page.by_id("check-dispatch_events").text() == "dispatch_events every 1 min Never Not run yet"
    stats = [card.text() for card in page.find_all(class_="stat")]
    assert stats[0].startswith("Worker None No worker has run yet")
    assert stats[1:3] == ["Pending 0 Jobs waiting for a worker", "Scheduled 0 Retries and jobs for later"]
    assert "No job has failed." in page.text()


def test_the_page_shows_what_each_check_did_and_the_workers_heartbeat(app, api, client, root, tick, clock,
                                                                       make_user):
    from tests.factories import make_servers, server_record

    renter = make_user("renter", balance_cents=100_00)
    server_id = make_servers(app, [server_record("node-1", prices={"7": "70.00"})])["node-1"]
    api.post(f"/servers/{server_id}/rent", as_=renter, json={"rental_days": 7})
    clock.advance(days=6)
    tick()

    page = parse(text(client.get("/admin/jobs")))

    assert page.by_id("check-check_rentals").text() == (
        "check_rentals every 1 min 27 Jan 2025, 22:00 1 run rentals 1, events 1, rental.ending_soon 1")
    stats = page.find_all(class_="stat")
    assert stats[0].text() == "Worker Alive Last heartbeat 27 Jan 2025, 22:00"
    assert page.find(id="workers-heading") is not None


def test_a_failed_job_is_listed_with_its_error_and_a_retry_button(client, root, failed_job_id):
    page = parse(text(client.get("/admin/jobs")))

    row = page.by_id(f"failed-job-{failed_job_id}")
    assert "tests.job_helpers.charge_card" in row.text() and '["order-7"]' in row.text()
    assert "after 3 attempts" in row.text()
    assert "RuntimeError: the card processor is down" in row.text()
    assert "Traceback (most recent call last)" in row.find("pre").text()
    form = row.find("form")
    action = f"/admin/jobs/failed/{failed_job_id}/retry"
    assert (form.attrs["method"], form.attrs["action"], form.attrs["hx-post"]) == ("post", action, action)
    assert form.attrs["hx-target"] == "closest tr"
    assert form.find("input", name="csrf_token") is not None
    assert page.text().count("1 in all") == 1


def test_the_refresh_button_gets_the_panels_alone_with_htmx(client, root, failed_job_id):
    response = client.get("/admin/jobs", headers=HTMX)
    assert response.status_code == 200 and "HX-Request" in response.headers["Vary"]
    body = text(response)
    assert "<html" not in body and body.lstrip().startswith('<div id="jobs-panels">')
    assert f'id="failed-job-{failed_job_id}"' in body
    assert "<html" in text(client.get("/admin/jobs"))


# --- Retry -------------------------------------------------------------------------------------------------

def test_retry_with_a_plain_post_queues_the_job_again_and_comes_back_to_the_page(app, client, root, tick,
                                                                                 failed_job_id, clock):
    job_helpers.CARD_FAILURES["left"] = 0  # the card processor is back

    response = retry(client, failed_job_id)

    assert response.status_code == 303 and response.headers["Location"] == "/admin/jobs"
    page = text(client.get("/admin/jobs"))
    assert "tests.job_helpers.charge_card is queued again; a worker runs it shortly." in page
    assert retried_at(app, failed_job_id) == clock.now
    assert "Pending 1" in parse(page).text()

    assert "job tests.job_helpers.charge_card: charged" in tick()
    assert job_helpers.CARD_CALLS == ["order-7"] * 4
    row = parse(text(client.get("/admin/jobs"))).by_id(f"failed-job-{failed_job_id}")
    assert "Retried" in row.text() and row.find("form") is None


def test_retry_with_htmx_swaps_the_row_for_its_retried_state(app, client, root, tick, failed_job_id):
    job_helpers.CARD_FAILURES["left"] = 0

    response = retry(client, failed_job_id, htmx=True)

    assert response.status_code == 200
    body = text(response)
    assert body.lstrip().startswith(f'<tr id="failed-job-{failed_job_id}" class="is-inactive">')
    assert "Retried" in body and "is queued again" in body  # the row, and the flash out of band
    assert "job tests.job_helpers.charge_card: charged" in tick()


def test_a_job_that_fails_again_after_a_retry_is_listed_again(app, client, root, tick, clock, failed_job_id):
    job_helpers.CARD_FAILURES["left"] = 3
    retry(client, failed_job_id)
    tick()
    clock.advance(seconds=30)
    tick()
    clock.advance(seconds=60)
    tick()
    with app.app_context():
        assert db.session.scalar(select(db.func.count()).select_from(FailedJob)) == 2


def test_a_second_retry_of_the_same_failure_is_refused(app, client, root, failed_job_id):
    retry(client, failed_job_id)
    client.get("/admin/jobs")  # its message read
    with database_unchanged(app):
        plain = retry(client, failed_job_id)
        assert plain.status_code == 303
        assert "This job was retried already" in text(client.get("/admin/jobs"))
        htmx = retry(client, failed_job_id, htmx=True)
    assert htmx.status_code == 422 and htmx.headers["HX-Reswap"] == "none"
    assert "This job was retried already" in text(htmx)
    with app.app_context():
        assert app.extensions["jobs"].depth().pending == 1


def test_retrying_a_failure_that_does_not_exist_is_404(client, root):
    assert retry(client, "0123456789abcdef01234567").status_code == 404
