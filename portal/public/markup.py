"""Markdown written by staff (news, FAQ answers), rendered to HTML and then sanitised.

The sanitiser (nh3, an allow-list) is what makes the output safe: Markdown passes raw HTML
through, so a ``<script>`` or ``onerror=`` typed into a news item is removed here. Images
may only come from this site (the CSP's img-src is 'self'): an image from another host
becomes a plain link to it.
"""

from __future__ import annotations

from urllib.parse import urlsplit
from xml.etree import ElementTree

import markdown
import nh3
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

ALLOWED_TAGS = {
    "p",
    "br",
    "hr",
    "strong",
    "em",
    "b",
    "i",
    "u",
    "s",
    "del",
    "code",
    "pre",
    "blockquote",
    "ul",
    "ol",
    "li",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "a",
    "img",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "abbr",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "abbr": {"title"},
    "th": {"align"},
    "td": {"align"},
}
URL_SCHEMES = {"http", "https", "mailto", "tel"}
MAX_SOURCE_CHARS = 100_000


def is_local_url(url: str) -> bool:
    """A path on this site: no scheme, no host, not protocol-relative."""
    url = (url or "").strip()
    if url.startswith("//") or "\\" in url:
        return False
    parts = urlsplit(url)
    return not parts.scheme and not parts.netloc


class _ExternalImagesAsLinks(Treeprocessor):
    def run(self, root):
        for parent in root.iter():
            for index, child in enumerate(list(parent)):
                if child.tag == "img" and not is_local_url(child.get("src", "")):
                    link = ElementTree.Element("a", {"href": child.get("src", "")})
                    link.text = child.get("alt") or child.get("src", "")
                    link.tail = child.tail
                    parent.remove(child)
                    parent.insert(index, link)
        return None


class _LocalImagesOnly(Extension):
    def extendMarkdown(self, md):  # noqa: N802 - the Markdown library's name
        md.treeprocessors.register(_ExternalImagesAsLinks(md), "external_images_as_links", 0)


def _attribute_filter(tag: str, attribute: str, value: str) -> str | None:
    # Raw HTML <img> skips the Markdown tree: drop a src from another host here.
    if tag == "img" and attribute == "src" and not is_local_url(value):
        return None
    return value


def render_markdown(text: str) -> str:
    """Safe HTML for ``text`` (Markdown): only basic tags, links get rel="nofollow noopener",
    no scripts, event handlers, styles or images from other hosts."""
    html = markdown.markdown(
        (text or "")[:MAX_SOURCE_CHARS],
        extensions=["sane_lists", "tables", _LocalImagesOnly()],
        output_format="html",
    )
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="nofollow noopener",
        attribute_filter=_attribute_filter,
        strip_comments=True,
    )
