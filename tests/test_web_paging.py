"""Every paged list of the pages pages alike: the count of what is shown, Previous and Next links
that keep the list's own search and page size, and htmx swapping the list alone (the same link
loads the whole page without JavaScript).

The marketplace, rentals and wallet lists are paged through in their own modules; here are the
others, which share the same pager."""
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlsplit

import pytest

from tests.factories import make_servers, server_record
from tests.html_tree import parse
from tests.web_helpers import HTMX, log_in, text


@dataclass
class PagedList:
    path: str  # the first page, two items a page
    target: str  # the element the list's fragment replaces
    noun: str


# Each makes the items of one list for a person to see, and gives that person's username.

def with_pools(app, api, make_user) -> str:
    alice = make_user("alice")  # three pools and her default one
    for name in ("Alpha", "Beta", "Gamma"):
        api.post("/pools", as_=alice, json={"name": name})
    return alice.username


def with_invitations(app, api, make_user) -> str:
    alice = make_user("alice")
    for owner in (make_user(name) for name in ("olga", "omar", "otto", "oona")):
        api.post(f"/pools/{owner.default_pool_id}/members", as_=owner, json={"username": alice.username, "role": "user"})
    return alice.username


def with_servers(app, api, make_user) -> str:
    make_servers(app, [server_record(f"node-{n}") for n in range(3)] + [server_record("other")])
    return make_user("root", is_admin=True).username


def with_users(app, api, make_user) -> str:
    for name in ("user_a", "user_b", "user_c"):
        make_user(name)
    return make_user("root", is_admin=True).username


LISTS = {
    "pools": (with_pools, PagedList("/pools?limit=2", "#pools-section", "pools"), 4),
    "invitations": (with_invitations, PagedList("/invitations?limit=2", "#invitations-section", "invitations"), 4),
    "admin servers": (with_servers, PagedList("/admin?q=node&limit=2", "#server-results", "servers"), 3),
    "admin users": (with_users, PagedList("/admin/users?q=user&limit=2", "#user-results", "users"), 3),
}


def pager_of(html: str):
    pager = parse(html).find("nav", class_="pager")
    assert pager is not None, "no pager"
    return pager


def link(pager, rel: str) -> str | None:
    found = pager.find("a", rel=rel)
    return found.attrs["href"] if found else None


def query_of(url: str) -> list[tuple[str, str]]:
    return parse_qsl(urlsplit(url).query)


@pytest.mark.parametrize("name", LISTS)
def test_a_paged_list_counts_what_it_shows_and_links_the_next_page(app, api, client, make_user, name):
    make, paged, total = LISTS[name]
    log_in(client, make(app, api, make_user))

    first = client.get(paged.path)
    assert first.status_code == 200 and "<html" in text(first)
    pager = pager_of(text(first))
    assert pager.find(class_="pager-count").text() == f"1–2 of {total} {paged.noun}"
    assert link(pager, "prev") is None
    next_url = link(pager, "next")
    kept = query_of(paged.path)
    assert query_of(next_url) == kept + [("offset", "2")]
    anchor = pager.find("a", rel="next")
    assert (anchor.attrs["hx-get"], anchor.attrs["hx-target"], anchor.attrs["hx-push-url"]) == (
        next_url, paged.target, "true")

    # htmx gets the list alone; the same address loads the whole page.
    fragment = client.get(next_url, headers=HTMX)
    assert fragment.status_code == 200 and "<html" not in text(fragment)
    assert parse(text(fragment)).find(id=paged.target.lstrip("#")) is not None
    pager = pager_of(text(fragment))
    assert pager.find(class_="pager-count").text() == f"3–{total} of {total} {paged.noun}"
    assert link(pager, "next") is None
    assert query_of(link(pager, "prev")) == kept
    assert "<html" in text(client.get(next_url))


@pytest.mark.parametrize("name", LISTS)
def test_a_list_that_fits_on_one_page_has_no_pager(app, api, client, make_user, name):
    make, paged, _ = LISTS[name]
    log_in(client, make(app, api, make_user))
    first_page = paged.path.replace("limit=2", "limit=10")
    assert parse(text(client.get(first_page))).find("nav", class_="pager") is None


def test_the_other_list_of_a_page_does_not_take_this_lists_search(app, client, make_user):
    """The admin page shows servers and users, each with its own search: paging the users from a
    server search starts from all users."""
    for n in range(21):
        make_user(f"user_{n:02}")
    make_servers(app, [server_record(f"node-{n}") for n in range(3)])
    log_in(client, make_user("root", is_admin=True).username)

    page = parse(text(client.get("/admin?q=node&limit=2")))
    assert link(page.by_id("server-results").find("nav", class_="pager"), "next") == "/admin?q=node&limit=2&offset=2"
    assert link(page.by_id("user-results").find("nav", class_="pager"), "next") == "/admin/users?offset=20"
