"""Browser tests: the app served on a free port, driven by Playwright in Debian's Chromium.

The browser is the system's (``/usr/bin/chromium``, or ``CHROMIUM`` to point elsewhere);
nothing is downloaded. Screenshots of the main pages land in ``test-artifacts/screenshots``.
"""
import os
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect, sync_playwright

from tests.live_server import served

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
TIMEOUT_MS = 10_000
HTTP_STATUS_LOG = "Failed to load resource: the server responded with a status of 4"

expect.set_options(timeout=TIMEOUT_MS)


@pytest.fixture(scope="session")
def browser():
    assert Path(CHROMIUM).exists(), f"{CHROMIUM} is missing: apt-get install -y chromium (scripts/setup does it)"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def live_server(app):
    """The test app on 127.0.0.1 and a free port, answering from a thread per request."""
    with served(app) as address:
        yield address


class Browser:
    """Opens isolated browser sessions (one per person) against the live server."""

    def __init__(self, browser, base_url: str):
        self._browser = browser
        self.base_url = base_url
        self._contexts = []

    def new_page(self, javascript: bool = True) -> Page:
        context = self._browser.new_context(base_url=self.base_url, java_script_enabled=javascript,
                                            viewport={"width": 1280, "height": 860})
        context.set_default_timeout(TIMEOUT_MS)
        self._contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda error: self.page_errors.append(str(error)))
        page.on("console", self._console_message)
        return page

    page_errors: list
    console_errors: list

    def _console_message(self, message) -> None:
        # A 4xx answer (a form with errors, a refusal) is logged by the browser but is the test's to judge.
        if message.type == "error" and not message.text.startswith(HTTP_STATUS_LOG):
            self.console_errors.append(message.text)

    def errors(self) -> list:
        """The console errors but those of a request htmx aborted on purpose: one that a newer request
        replaces (``hx-sync`` replace, on a slow machine) is logged as an ``htmx:afterRequest`` and an
        ``htmx:sendAbort`` error, and is not one."""
        aborted = sum(text.startswith("htmx:sendAbort") for text in self.console_errors)
        kept, spared = [], 0
        for text in self.console_errors:
            if text.startswith("htmx:sendAbort"):
                continue
            if text.startswith("htmx:afterRequest") and spared < aborted:
                spared += 1
                continue
            kept.append(text)
        return kept

    def close(self):
        for context in self._contexts:
            context.close()


@pytest.fixture
def browse(browser, live_server):
    """``browse.new_page()`` for each person in the story; fails on any script error or CSP violation."""
    sessions = Browser(browser, live_server)
    sessions.page_errors, sessions.console_errors = [], []
    yield sessions
    sessions.close()
    assert sessions.page_errors == [], sessions.page_errors
    assert sessions.errors() == [], sessions.console_errors
