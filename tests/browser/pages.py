"""What a person does in the browser, for every browser test: log in, follow the navigation, and
keep a screenshot of what they saw (in ``test-artifacts/screenshots``), and ask axe-core what the page breaks."""
from pathlib import Path

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"


def screenshot(page: Page, name: str) -> None:
    """Keep a full-page picture of ``page`` for people to look at after the run."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def log_in(page: Page, username: str, password: str) -> None:
    page.goto("/login")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()


def go_to(page: Page, section: str) -> None:
    """Follow the main navigation, as a person would, and wait until the new page has loaded.

    A click only waits for the navigation to start; the form fields are in the HTML before the
    deferred htmx script has bound its triggers, and a field filled in that gap sends nothing."""
    with page.expect_navigation(wait_until="load"):
        page.get_by_role("navigation", name="Main").get_by_role("link", name=section).click()


WCAG_21_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
              "resultTypes": ["violations"]}
WIDTHS = {"desktop": {"width": 1280, "height": 860}, "phone": {"width": 390, "height": 844}}


def violations(page) -> str:
    """axe's report on the page as it stands, at each width; empty when nothing is broken."""
    reports = []
    for width, viewport in WIDTHS.items():
        page.set_viewport_size(viewport)
        results = Axe().run(page, options=WCAG_21_AA)
        if results.violations_count:
            reports.append(f"At {width} width ({page.url}): {results.generate_report()}")
    return "\n".join(reports)
