"""The templates' ``_()`` (template_speed.template_gettext) gives what Jinja's own newstyle
gettext gives, for every kind of string: plain, with %% (a percent sign), with variables that
hold HTML (escaped in an HTML template, kept in a text one), in both languages."""

from __future__ import annotations

import pytest
from flask_babel import force_locale, get_translations
from jinja2 import Environment

SOURCES = [
    "{{ _('Log in') }}",
    "{{ _('Office hours') }}: x",
    "{{ _('a string no catalogue has') }}",
    "{{ _('100%% of the fee') }}",
    "{{ _('Notifications (%(count)s)', count=3) }}",
    "{{ _('Notifications (%(count)s)', count='<b>3</b>') }}",
    "{{ _('Search for \"%(q)s\" in everyday words', q='<script>x</script>') }}",
    "{{ gettext('Log in') ~ '<i>' }}",
    "{% set t = _('Log in') %}{{ t ~ '&' }}",
    "{% trans %}Log in{% endtrans %}",
    "{% trans n=2 %}{{ n }} <b>files</b>{% endtrans %}",
]


def _reference(autoescape: bool) -> Environment:
    env = Environment(extensions=["jinja2.ext.i18n"], autoescape=autoescape)  # noqa: S701 - both kinds compared
    translations = get_translations()
    env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=translations.ugettext, ngettext=translations.ungettext, newstyle=True
    )
    return env


@pytest.mark.parametrize("lang", ["id", "en"])
@pytest.mark.parametrize("autoescape", [True, False])
@pytest.mark.parametrize("source", SOURCES)
def test_the_templates_gettext_answers_as_jinjas(app, lang, autoescape, source):
    with app.test_request_context("/"), force_locale(lang):
        env = app.jinja_env.overlay(autoescape=autoescape)
        assert env.from_string(source).render() == _reference(autoescape).from_string(source).render()


def test_a_page_in_indonesian_shows_translated_words(client):
    html = client.get("/permits?lang=id").get_data(as_text=True)
    assert ">Masuk<" in html and "Jenis Izin" in html
