"""The portal's Jinja environment (template_speed.PortalEnvironment) behaves as Flask's: a
template's globals are its own over the environment's, with the same names and values, and a
macro imported from another template still sees the globals that template was loaded with."""

from __future__ import annotations

from collections import ChainMap

from jinja2 import DictLoader, Environment

from portal.template_speed import PortalEnvironment, TemplateGlobals


def test_the_app_uses_the_portal_environment(app):
    assert isinstance(app.jinja_env, PortalEnvironment)
    assert isinstance(app.jinja_env.get_template("base.html").globals, TemplateGlobals)


def test_template_globals_have_the_names_and_values_of_jinjas(app):
    own = {"office_hint": "x", "url_for": "shadowed"}
    ours = app.jinja_env.make_globals(own)
    jinjas = ChainMap(own, app.jinja_env.globals)
    assert set(ours.keys()) == set(jinjas.keys())
    assert {"c", "office_hint"} - ours.keys() == {"c"}
    assert ours["url_for"] == "shadowed"  # a template's own global wins, as in Jinja
    assert ours["gettext"] is app.jinja_env.globals["gettext"]
    app.jinja_env.globals["added_later"] = 1  # the environment's globals stay live
    try:
        assert "added_later" in ours and {"added_later"} <= ours.keys()
    finally:
        del app.jinja_env.globals["added_later"]


SOURCES = {
    "macros.html": "{% macro hello() %}{{ greeting }} {{ name }}{% endmacro %}",
    "page.html": '{% from "macros.html" import hello %}{{ hello() }}',
    "with.html": '{% from "macros.html" import hello with context %}{{ hello() }}',
}


def test_an_imported_macro_sees_what_it_sees_in_jinja(app):
    ours = app.jinja_env.overlay(loader=DictLoader(SOURCES))
    jinjas = Environment(loader=DictLoader(SOURCES), autoescape=True)
    assert type(ours) is PortalEnvironment
    for name in ("page.html", "with.html"):
        for env in (ours, jinjas):
            env.cache = None  # the same template name loaded again, with other globals
        rendered = [
            env.get_template(name, globals={"greeting": "Halo"}).render(name="Ani") for env in (ours, jinjas)
        ]
        assert rendered[0] == rendered[1]
    assert ours.get_template("with.html").render(name="Ani", greeting="Hai") == "Hai Ani"
