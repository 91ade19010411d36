"""Previous/Next links for every paged list of the pages, keeping the other query parameters of the URL.

``pager()`` is also a template global, ``pager_for``, for the lists whose templates have the page
and the total at hand; ``templates/partials/pager.html`` shows what either gives.
"""
from dataclasses import dataclass
from urllib.parse import urlencode

from flask import request, url_for

from services.paging import Page
from views.web import web


def query_pairs(args=None) -> list[tuple[str, str]]:
    """The query string's parameters that say something, in order: empty values are dropped."""
    args = request.args if args is None else args
    return [(key, value) for key, value in args.items(multi=True) if value.strip()]


def url_with(endpoint: str, pairs: list[tuple[str, str]], **values) -> str:
    return url_for(endpoint, **values) + (f"?{urlencode(pairs)}" if pairs else "")


@dataclass
class Pager:
    total: int
    first: int  # 1-based position of the first item shown; 0 when none
    last: int
    previous_url: str | None
    next_url: str | None


def pager(page: Page, total: int, shown: int, endpoint: str, **values) -> Pager:
    """The links keep the query parameters (the search, the page size) of a request for this very
    list. A list that another request shows, such as a form's answer or the other list of a page
    with two, was not searched by it and gets plain links."""
    kept = query_pairs() if request.endpoint == endpoint else []
    others = [(key, value) for key, value in kept if key != "offset"]

    def at(offset: int) -> str:
        return url_with(endpoint, others + ([("offset", str(offset))] if offset else []), **values)

    previous_url = at(max(0, page.offset - page.limit)) if page.offset > 0 else None
    next_url = at(page.offset + page.limit) if page.offset + page.limit < total else None
    first = page.offset + 1 if shown else 0
    return Pager(total, first, page.offset + shown, previous_url, next_url)


web.add_app_template_global(pager, "pager_for")
