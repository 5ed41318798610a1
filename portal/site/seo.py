"""What search engines and link previews read from every public page: the canonical address,
the page in each language (``hreflang``: the language is the ``?lang=`` query, portal.i18n),
and the sitemap's entries. Addresses are made on BASE_URL, never on the request's Host header."""

from __future__ import annotations

from urllib.parse import urlencode

from flask import current_app, request

from portal import site_registry
from portal.memo import Memo


def _base() -> str:
    return str(current_app.config["BASE_URL"]).rstrip("/")


def _query_without_lang() -> list[tuple[str, str]]:
    return [(k, v) for k, v in request.args.items(multi=True) if k not in ("lang", "next")]


def page_url(lang: str | None = None, path: str | None = None) -> str:
    """This page's absolute address (or ``path``'s), in ``lang`` when given (``?lang=xx``)."""
    args = _query_without_lang() if path is None else []
    if lang:
        args.append(("lang", lang))
    query = ("?" + urlencode(args)) if args else ""
    return _base() + (path if path is not None else request.path) + query


_addresses = Memo()


def _page_addresses() -> tuple[str, tuple[tuple[str, str], ...]]:
    """(canonical, alternates) of this page, worked out once per process and address: they
    depend on BASE_URL, the path and the query string only."""

    def compute() -> tuple[str, tuple[tuple[str, str], ...]]:
        lang = request.args.get("lang")
        pairs = [(code, page_url(code)) for code in current_app.config["LANGUAGES"]]
        pairs.append(("x-default", page_url()))
        return page_url(lang if lang in current_app.config["LANGUAGES"] else None), tuple(pairs)

    return _addresses.get((_base(), request.script_root, request.path, request.query_string), compute)


def canonical() -> str:
    """This page's own address: with ``?lang=`` when it was asked for in the URL, plain
    otherwise (the plain address is the x-default one, which picks the visitor's language; a
    canonical pointing from it to one of the language versions would tell search engines the
    versions are duplicates)."""
    return _page_addresses()[0]


def alternates() -> list[tuple[str, str]]:
    """(hreflang, href) for each language the portal speaks, and x-default (the plain address,
    which picks the visitor's language)."""
    return list(_page_addresses()[1])


def plain_page_url() -> str:
    """This page's address without ``?lang=`` (the x-default one), from the same memo."""
    return _page_addresses()[1][-1][1]


def sitemap_entries() -> list[tuple[site_registry.SitemapEntry, list[tuple[str, str]]]]:
    """Every registered source's entries, each with its language versions, without repeats."""
    seen: set[str] = set()
    out = []
    for source in site_registry.sitemap_sources():
        for entry in source():
            if entry.path in seen:
                continue
            seen.add(entry.path)
            langs = [(lang, page_url(lang, entry.path)) for lang in current_app.config["LANGUAGES"]]
            out.append((entry, langs))
    return out
