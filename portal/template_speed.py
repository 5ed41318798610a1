"""Cheaper helpers for the templates of the hot pages (catalogue, home, queue): the same
answers as Flask's and Flask-Babel's, remembered instead of worked out again.

- ``url_for`` in templates: the address of an endpoint with the same values is the same for
  every request of this process (same URL map, same script root), so it is built once and kept
  (up to ``MAX_URLS``; then the memo starts again). Blueprint-relative endpoints (".name") and
  ``_external``/``_scheme``/``_anchor``/``_method`` go to Flask every time. Static files'
  fingerprints (``static_assets``) are read once per process and address: a new file comes with
  a restart, as new code does. Not used when the app reloads templates (``make dev``), so an
  edited stylesheet still gets its new fingerprint there.
- Translations: Flask-Babel looks the catalogue up through its request namespace and the
  locale's name on every ``_()``, a page has 50 to 100 of them. :class:`RequestDomain` keeps the
  catalogue found for the request's locale object next to it; ``force_locale`` (emails in the
  recipient's language) sets another locale object, so the catalogue is looked up again. A
  template's ``_()`` / ``gettext()`` is one call (:func:`template_gettext`) instead of Jinja's
  alias, context lookup and call chain, with the same answer.
- Imports: a page that imports macros (``{% from "x.html" import m %}``) makes Jinja subtract
  the imported template's globals' names from the page's on every render; through the generic
  ChainMap key view that was a Python loop over every global (45 of them), a few percent of a
  page. :class:`PortalEnvironment` gives templates globals whose key view is a plain dict's.
"""

from __future__ import annotations

from collections import ChainMap
from collections.abc import KeysView, MutableMapping
from typing import Any

from flask import Flask, g, has_app_context, has_request_context, request, url_for
from flask.templating import Environment
from flask_babel import Domain, get_locale, get_translations
from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup

MAX_URLS = 20_000
_urls: dict[tuple[Any, ...], str] = {}


def cached_url_for(endpoint: str, **values: Any) -> str:
    """``url_for(endpoint, **values)``, built once per process for the same arguments."""
    if endpoint.startswith(".") or not has_request_context() or any(k.startswith("_") for k in values):
        return url_for(endpoint, **values)
    try:
        key = (request.script_root, endpoint, *sorted(values.items()))
        hit = _urls.get(key)
    except TypeError:  # an unhashable or unorderable value: no memo
        return url_for(endpoint, **values)
    if hit is None:
        hit = url_for(endpoint, **values)
        if len(_urls) >= MAX_URLS:
            _urls.clear()
        _urls[key] = hit
    return hit


class TemplateGlobals(ChainMap[str, Any]):
    """A template's globals over the environment's (what Jinja's ``make_globals`` gives), with
    the same lookups; ``keys()`` is a plain dict's view of the names, so Jinja's set
    subtraction on each import runs in C."""

    def keys(self) -> KeysView[str]:  # type: ignore[override]
        names: dict[str, None] = {}
        for mapping in reversed(self.maps):
            names.update(dict.fromkeys(mapping))
        return names.keys()


class PortalEnvironment(Environment):
    """Flask's Jinja environment with :class:`TemplateGlobals` (``Flask.jinja_environment``)."""

    def make_globals(self, d: MutableMapping[str, Any] | None) -> MutableMapping[str, Any]:
        return TemplateGlobals(d or {}, self.globals)


def _translations() -> Any:
    """The current catalogue: the one kept for the current locale object, else Flask-Babel's."""
    space = g.get("_flask_babel") if has_app_context() else None
    kept = getattr(space, "satupintu_translations", None)
    if kept is not None and kept[0] is getattr(space, "babel_locale", None):
        return kept[1]
    return get_translations()


class RequestDomain(Domain):
    """Flask-Babel's domain, with the catalogue of the current locale kept beside it in
    Flask-Babel's per-context namespace."""

    def get_translations(self):  # type: ignore[no-untyped-def]
        space = g.get("_flask_babel") if has_app_context() else None
        locale = getattr(space, "babel_locale", None)
        kept = getattr(space, "satupintu_translations", None)
        if kept is not None and locale is not None and kept[0] is locale:
            return kept[1]
        translations = super().get_translations()
        space = g.get("_flask_babel") if has_app_context() else None
        if space is not None:
            space.satupintu_translations = (get_locale(), translations)
        return translations


@pass_context
def template_gettext(context: Context, string: str, **variables: Any) -> str:
    """Jinja's newstyle ``gettext`` (the translation, Markup where the template autoescapes,
    always formatted with the variables, so ``%%`` is a percent sign), called directly."""
    translated = _translations().ugettext(string)
    if context.eval_ctx.autoescape:
        translated = Markup(translated)  # noqa: S704 - the catalogue is the office's own text, as in Jinja
    # formatting with no variables only turns %% into %: skipped when there is no %
    return translated % variables if variables or "%" in translated else translated


def init_app(app: Flask) -> None:
    """After Flask-Babel's ``init_app``: its domain becomes a :class:`RequestDomain` (the
    templates' ``_()`` and every ``_l()`` go through it), and templates get the remembered
    ``url_for``."""
    babel = app.extensions["babel"].instance
    if not isinstance(babel.__dict__.get("domain_instance"), RequestDomain):
        # Babel.domain_instance is a cached property: this sets the value it keeps.
        babel.domain_instance = RequestDomain(domain=app.extensions["babel"].default_domain)
    app.jinja_env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=lambda s: _translations().ugettext(s),
        ngettext=lambda s, p, n: _translations().ungettext(s, p, n),
        pgettext=lambda c, s: _translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: _translations().unpgettext(c, s, p, n),
        newstyle=True,
    )
    app.jinja_env.globals["_"] = app.jinja_env.globals["gettext"] = template_gettext
    if not (app.debug or app.config.get("TEMPLATES_AUTO_RELOAD")):
        app.jinja_env.globals["url_for"] = cached_url_for
