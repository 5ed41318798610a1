"""A rendered page read back on the server, for the in-page walkthrough: a small element tree
(standard library ``html.parser``), the visible label of an element as the recorder reads it
off the screen, and a matcher for the simple CSS selectors the recorder's script uses (tag,
``#id``, ``.class``, ``[attr]``, ``[attr=v]``, ``[attr^=v]``, ``[attr$=v]``, ``[attr*=v]``,
descendant and ``+`` combinators, selector lists)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser

from portal.recorder.script import clean_label

VOID = frozenset(
    "area base br col embed hr img input link meta param source track wbr".split()  # noqa: SIM905
)
#: Subtrees the visible label leaves out (as the recorder's label reader does).
_HIDDEN_CLASSES = frozenset({"visually-hidden", "visually-hidden-focusable"})


@dataclass(eq=False)
class Element:
    tag: str
    attrs: dict[str, str]
    parent: Element | None = None
    children: list[Element | str] = field(default_factory=list)

    @property
    def id(self) -> str:
        return self.attrs.get("id", "")

    @property
    def classes(self) -> set[str]:
        return set(self.attrs.get("class", "").split())

    def elements(self) -> Iterator[Element]:
        """The descendants, in document order."""
        for child in self.children:
            if isinstance(child, Element):
                yield child
                yield from child.elements()

    def ancestors(self) -> Iterator[Element]:
        node = self.parent
        while node is not None:
            yield node
            node = node.parent

    def previous_element(self) -> Element | None:
        if self.parent is None:
            return None
        before = None
        for child in self.parent.children:
            if child is self:
                return before
            if isinstance(child, Element):
                before = child
        return None

    def text(self, *, skip_hidden: bool = True) -> str:
        """The text a person sees (hidden helper text left out)."""
        parts: list[str] = []

        def walk(node: Element) -> None:
            for child in node.children:
                if isinstance(child, str):
                    parts.append(child)
                elif not (
                    skip_hidden
                    and (child.classes & _HIDDEN_CLASSES or child.attrs.get("aria-hidden") == "true")
                ):
                    walk(child)

        walk(self)
        return clean_label(" ".join(parts))

    def is_hidden(self) -> bool:
        """Not shown: ``hidden`` on it or an ancestor, a hidden input, or inside a template."""
        if self.tag == "input" and self.attrs.get("type", "").lower() == "hidden":
            return True
        return any(
            "hidden" in node.attrs or node.tag == "template" or node.attrs.get("aria-hidden") == "true"
            for node in (self, *self.ancestors())
        )


class _Builder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element("#document", {})
        self.current = self.root

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, {k: (v if v is not None else "") for k, v in attrs}, parent=self.current)
        self.current.children.append(element)
        if tag not in VOID:
            self.current = element

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, {k: (v if v is not None else "") for k, v in attrs}, parent=self.current)
        self.current.children.append(element)

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            return
        node: Element | None = self.current
        while node is not None and node.tag != tag:
            node = node.parent
        if node is not None and node.parent is not None:
            self.current = node.parent  # closes what was left open inside it too

    def handle_data(self, data: str) -> None:
        self.current.children.append(data)


def parse(html: str) -> Element:
    builder = _Builder()
    builder.feed(html)
    builder.close()
    return builder.root


def find_main(root: Element) -> Element | None:
    return next((el for el in root.elements() if el.tag == "main"), None)


def label_index(scope: Element) -> dict[str, Element]:
    """``{id: its first <label for=id>}`` under ``scope`` (made once per page)."""
    index: dict[str, Element] = {}
    for other in scope.elements():
        if other.tag == "label" and other.attrs.get("for"):
            index.setdefault(other.attrs["for"], other)
    return index


def label_of(el: Element, scope: Element, labels: dict[str, Element] | None = None) -> str:
    """The element's visible label: its ``<label for>``, a fieldset's legend, else its own
    text, value or aria-label (the recorder's reading of the screen). ``labels``: the page's
    ``label_index``, when it is at hand."""
    if el.id:
        found = (labels if labels is not None else label_index(scope)).get(el.id)
        if found is not None:
            return found.text()
    if el.tag == "fieldset":
        legend = next((c for c in el.elements() if c.tag == "legend"), None)
        if legend is not None:
            return legend.text()
    own = "" if el.tag in VOID else el.text()
    return own or clean_label(el.attrs.get("value", "")) or clean_label(el.attrs.get("aria-label", ""))


# -- selectors ---------------------------------------------------------------------------------

_STRING = r""""(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'"""
_ATTR = rf"""\[(?:{_STRING}|[^\]"'])*\]"""
_COMPOUND = re.compile(rf"""(?P<tag>[a-zA-Z][a-zA-Z0-9-]*|\*)?(?P<rest>(?:\#[\w-]+|\.[\w-]+|{_ATTR})*)""")
_PART = re.compile(
    r"""\#(?P<id>[\w-]+)|\.(?P<cls>[\w-]+)|\[(?P<attr>[\w-]+)\s*(?:(?P<op>[\^$*]?=)\s*"""
    rf"""(?P<val>{_STRING}|[^\]\s]+))?\s*\]"""
)
_TOKENS = re.compile(rf"""\s*(\+|>)\s*|\s+|((?:[a-zA-Z][a-zA-Z0-9-]*|\*)?(?:\#[\w-]+|\.[\w-]+|{_ATTR})*)""")
_ESCAPE = re.compile(r"\\([0-9a-fA-F]{1,6}) ?|\\(.)", re.DOTALL)


def _unescape(value: str) -> str:
    """A CSS string's text (backslash escapes undone)."""
    return _ESCAPE.sub(lambda m: chr(int(m.group(1), 16)) if m.group(1) else m.group(2), value)


class SelectorError(ValueError):
    """A selector this matcher does not understand (the step is left out)."""


def _split_list(selector: str) -> list[str]:
    parts, depth, quote, start, escaped = [], 0, "", 0, False
    for i, ch in enumerate(selector):
        if escaped:
            escaped = False
        elif ch == "\\":
            escaped = True
        elif quote:
            quote = "" if ch == quote else quote
        elif ch in "\"'":
            quote = ch
        elif ch == "[":
            depth += 1
        elif ch == "]":
            depth -= 1
        elif ch == "," and depth == 0:
            parts.append(selector[start:i])
            start = i + 1
    parts.append(selector[start:])
    return [p.strip() for p in parts if p.strip()]


def _compile(selector: str) -> list[tuple[str, list]]:
    """``[(combinator, tests), ...]`` left to right; the first combinator is ""."""
    out: list[tuple[str, list]] = []
    pos, combinator = 0, ""
    selector = selector.strip()
    while pos < len(selector):
        m = _TOKENS.match(selector, pos)
        if not m or m.end() == pos:
            raise SelectorError(selector)
        pos = m.end()
        if m.group(1):
            combinator = m.group(1)
            continue
        if m.group(2) is None or m.group(2) == "":
            if m.group(0).strip() == "":
                combinator = combinator or " "
                continue
            raise SelectorError(selector)
        compound = _COMPOUND.fullmatch(m.group(2))
        if compound is None:
            raise SelectorError(selector)
        tests: list = [("tag", compound.group("tag"))] if compound.group("tag") not in (None, "*") else []
        for part in _PART.finditer(compound.group("rest")):
            if part.group("id"):
                tests.append(("id", part.group("id")))
            elif part.group("cls"):
                tests.append(("class", part.group("cls")))
            else:
                val = part.group("val")
                if val and val[0] in "\"'":
                    val = _unescape(val[1:-1])
                tests.append(("attr", (part.group("attr"), part.group("op"), val)))
        out.append((combinator if out else "", tests))
        combinator = ""
    if not out:
        raise SelectorError(selector)
    return out


def _test(el: Element, tests: list) -> bool:
    for kind, value in tests:
        if kind == "tag" and el.tag != value.lower():
            return False
        if kind == "id" and el.id != value:
            return False
        if kind == "class" and value not in el.classes:
            return False
        if kind == "attr":
            name, op, want = value
            if name not in el.attrs:
                return False
            have = el.attrs[name]
            if (
                (op == "=" and have != want)
                or (op == "^=" and not (want and have.startswith(want)))
                or (op == "$=" and not (want and have.endswith(want)))
                or (op == "*=" and not (want and want in have))
            ):
                return False
    return True


def _matches(el: Element, parts: list[tuple[str, list]]) -> bool:
    combinator, tests = parts[-1]
    if not _test(el, tests):
        return False
    if len(parts) == 1:
        return True
    rest = parts[:-1]
    if combinator == "+":
        before = el.previous_element()
        return before is not None and _matches(before, rest)
    if combinator == ">":
        return el.parent is not None and _matches(el.parent, rest)
    return any(_matches(a, rest) for a in el.ancestors())


def select(root: Element, selector: str) -> list[Element]:
    """Every element under ``root`` the selector matches, in document order."""
    compiled = [_compile(s) for s in _split_list(selector)]
    return [el for el in root.elements() if any(_matches(el, parts) for parts in compiled)]


def select_one(root: Element, selector: str) -> Element | None:
    found = select(root, selector)
    return found[0] if found else None
