"""Pages read as elements, the way a browser's DOM holds them: find by id, tag, class or attribute,
and read an element's text as a person sees it, rather than matching the markup with regexes."""
from dataclasses import dataclass, field
from html.parser import HTMLParser

# Elements that never have content or an end tag.
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    children: list = field(default_factory=list)  # Elements and strings, in document order

    @property
    def classes(self) -> set[str]:
        return set(self.attrs.get("class", "").split())

    def text(self) -> str:
        """The text inside, with runs of whitespace read as one space."""
        parts = [child if isinstance(child, str) else child.text() for child in self.children]
        return " ".join("".join(parts).split())

    def descendants(self):
        for child in self.children:
            if isinstance(child, Element):
                yield child
                yield from child.descendants()

    def find_all(self, tag: str | None = None, class_: str | None = None, **attrs: str) -> list["Element"]:
        """Elements inside this one with the tag, the class and every attribute given (``hx_post`` for
        ``hx-post``; ``True`` for any value)."""
        wanted = {name.replace("_", "-"): value for name, value in attrs.items()}
        return [
            element for element in self.descendants()
            if (tag is None or element.tag == tag)
            and (class_ is None or class_ in element.classes)
            and all(name in element.attrs and (value is True or element.attrs[name] == value)
                    for name, value in wanted.items())
        ]

    def find(self, tag: str | None = None, class_: str | None = None, **attrs: str) -> "Element | None":
        found = self.find_all(tag, class_, **attrs)
        return found[0] if found else None

    def by_id(self, element_id: str) -> "Element":
        found = self.find(id=element_id)
        assert found is not None, f"no element with id {element_id!r}"
        return found


class _Builder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Element("#document", {})
        self.open = [self.root]

    def handle_starttag(self, tag, attrs):
        element = Element(tag, {name: value if value is not None else "" for name, value in attrs})
        self.open[-1].children.append(element)
        if tag not in _VOID:
            self.open.append(element)

    def handle_startendtag(self, tag, attrs):
        self.open[-1].children.append(Element(tag, {name: value or "" for name, value in attrs}))

    def handle_endtag(self, tag):
        for depth in range(len(self.open) - 1, 0, -1):
            if self.open[depth].tag == tag:
                del self.open[depth:]
                return

    def handle_data(self, data):
        self.open[-1].children.append(data)


def parse(html: str) -> Element:
    builder = _Builder()
    builder.feed(html)
    builder.close()
    return builder.root
