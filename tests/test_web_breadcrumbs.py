"""Breadcrumbs: a page below a section names the section (a link back), a slash, then itself."""
import pytest

from tests.factories import make_rental, make_server
from tests.html_tree import parse
from tests.web_helpers import log_in, text


@pytest.fixture
def places(app, client, make_user) -> dict:
    """An administrator, logged in, with a rental; the ids the pages below need."""
    root = make_user("root", is_admin=True)
    log_in(client, "root")
    rented = make_server(app, name="node-rented")
    free = make_server(app, name="node-free")
    return {"pool": root.default_pool_id, "free": free, "rented": rented,
            "rental": make_rental(app, root.id, root.default_pool_id, rented)}


BREADCRUMBS = [
    # (page, the section it leads back to, that section's name, the page's own name)
    ("/marketplace/{free}", "/marketplace", "Marketplace", "node-free"),
    ("/rentals/{rental}", "/rentals", "My rentals", "node-rented"),
    ("/pools/{pool}", "/pools", "Pools", "Default"),
    ("/admin/servers/{free}", "/admin", "Admin", "node-free"),
    ("/admin/servers/new", "/admin", "Admin", "Add a server"),
]


@pytest.mark.parametrize(("path", "section_path", "section", "here"), BREADCRUMBS)
def test_a_breadcrumb_names_the_section_and_the_page_itself(client, places, path, section_path, section, here):
    response = client.get(path.format(**places))
    assert response.status_code == 200
    crumbs = parse(text(response)).find("nav", aria_label="Breadcrumb")
    assert crumbs.text() == f"{section} / {here}"
    assert crumbs.find("a").attrs["href"] == section_path and crumbs.find("a").text() == section
    assert crumbs.find(aria_current="page").text() == here
