"""Language choice: Indonesian by default, ?lang=, Accept-Language, the visible switch, the
account's saved choice; and a complete Indonesian catalogue."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from sqlalchemy import select

from portal.auth.models import User
from portal.extensions import db
from tests.conftest import csrf_token, login, make_user

PO_FILE = Path(__file__).resolve().parent.parent / "portal/translations/id/LC_MESSAGES/messages.po"


def page_lang(response) -> str:
    html = response.get_data(as_text=True)
    start = html.index('<html lang="') + len('<html lang="')
    return html[start : html.index('"', start)]


def test_default_is_indonesian(client):
    response = client.get("/")
    assert page_lang(response) == "id"
    assert "Masuk" in response.get_data(as_text=True)


def test_query_parameter_is_for_that_page_and_the_switch_remembers(client):
    """An anonymous ``?lang=`` shows that page in that language and sets nothing (the page is
    cacheable under its URL); the visible switch keeps the choice for the next pages."""
    assert page_lang(client.get("/?lang=en")) == "en"
    assert page_lang(client.get("/permits")) == "id"
    client.get("/language?lang=en&next=/")
    assert page_lang(client.get("/permits")) == "en"
    assert page_lang(client.get("/?lang=id")) == "id"  # this page only
    assert page_lang(client.get("/")) == "en"
    assert "Log in" in client.get("/login").get_data(as_text=True)
    client.get("/language?lang=id&next=/")
    assert page_lang(client.get("/")) == "id"


@pytest.mark.parametrize(
    "path", ["/", "/permits", "/tutorials", "/search?q=izin", "/statistics", "/mal-pelayanan"]
)
def test_a_search_on_a_lang_page_stays_in_that_language(client, path):
    """?lang= sets no cookie, so the page's search forms carry it: the results are in the
    language the visitor was reading, not back in her browser's."""
    sep = "&" if "?" in path else "?"
    html = client.get(f"{path}{sep}lang=en", headers={"Accept-Language": "id"}).get_data(as_text=True)
    form = html.split('method="get"', 1)[1].split("</form>", 1)[0]
    assert '<input type="hidden" name="lang" value="en">' in form
    plain = client.get(path, headers={"Accept-Language": "id"}).get_data(as_text=True)
    assert 'name="lang"' not in plain.split('method="get"', 1)[1].split("</form>", 1)[0]


def test_a_lang_value_that_is_not_a_language_is_not_echoed_into_forms(client):
    html = client.get('/permits?lang="><script>x</script>').get_data(as_text=True)
    assert 'name="lang"' not in html
    assert "<script>x</script>" not in html


def test_unsupported_language_is_ignored(client):
    assert page_lang(client.get("/?lang=fr")) == "id"
    assert page_lang(client.get("/?lang=../../etc")) == "id"


def test_accept_language_english_for_an_anonymous_user(client):
    response = client.get("/", headers={"Accept-Language": "en-US,en;q=0.9"})
    assert page_lang(response) == "en"


def test_accept_language_prefers_the_higher_quality(client):
    headers = {"Accept-Language": "en;q=0.5, id;q=0.9"}
    assert page_lang(client.get("/", headers=headers)) == "id"


def test_accept_language_of_another_language_falls_back_to_indonesian(client):
    assert page_lang(client.get("/", headers={"Accept-Language": "fr-FR,de;q=0.8"})) == "id"


def test_query_parameter_beats_accept_language(client):
    headers = {"Accept-Language": "en"}
    assert page_lang(client.get("/?lang=id", headers=headers)) == "id"
    assert page_lang(client.get("/", headers=headers)) == "en"  # that page only: the browser again


def test_visible_switch_for_an_anonymous_user(client):
    assert "/language?lang=en&amp;next=%2F" in client.get("/").get_data(as_text=True)
    response = client.get("/language", query_string={"lang": "en", "next": "/login"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/login"
    assert page_lang(client.get("/login")) == "en"


def test_visible_switch_saves_a_logged_in_users_choice(app, client, login_as):
    user = login_as(locale="id")
    response = client.get("/language", query_string={"lang": "en", "next": "/dashboard"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.scalar(select(User.locale).where(User.id == user.id)) == "en"
    assert page_lang(client.get("/dashboard")) == "en"

    # Kept in the account: another browser, with an Indonesian Accept-Language, gets English.
    other = app.test_client()
    assert login(other, user.email).status_code == 302
    assert page_lang(other.get("/dashboard", headers={"Accept-Language": "id"})) == "en"


def test_visible_switch_refuses_an_unknown_language(client, login_as):
    user = login_as(locale="id")
    client.get("/language", query_string={"lang": "xx"})
    db.session.expire_all()
    assert db.session.scalar(select(User.locale).where(User.id == user.id)) == "id"


def test_saved_choice_beats_accept_language_after_login(client):
    user = make_user(locale="en")
    assert login(client, user.email).status_code == 302
    assert page_lang(client.get("/dashboard", headers={"Accept-Language": "id"})) == "en"


def test_query_parameter_for_a_logged_in_user_is_remembered_without_saving(client, login_as):
    user = login_as(locale="id")
    assert page_lang(client.get("/dashboard?lang=en")) == "en"
    assert page_lang(client.get("/account")) == "en"
    db.session.expire_all()
    assert db.session.scalar(select(User.locale).where(User.id == user.id)) == "id"  # GET saves nothing


def test_email_uses_the_recipients_language(client, outbox):
    english, indonesian = make_user(locale="en"), make_user(locale="id")
    token = csrf_token(client.get("/forgot-password").get_data(as_text=True))
    client.post("/forgot-password", data={"csrf_token": token, "email": english.email})
    client.post("/forgot-password", data={"csrf_token": token, "email": indonesian.email})
    assert outbox.to(english.email)[0]["Subject"] == "Reset your password"
    assert outbox.to(indonesian.email)[0]["Subject"] != "Reset your password"


def _catalogue():
    with PO_FILE.open("rb") as fh:
        return read_po(fh, locale="id")


def test_every_msgid_has_an_indonesian_translation():
    """Every msgid in the catalogue has a non-fuzzy Indonesian translation."""
    missing, fuzzy = [], []
    for message in _catalogue():
        if not message.id:
            continue  # the header
        strings = message.string if isinstance(message.string, tuple | list) else (message.string,)
        if not all(s and s.strip() for s in strings):
            missing.append(message.id)
        if message.fuzzy:
            fuzzy.append(message.id)
    assert not missing, f"{len(missing)} msgids without Indonesian, e.g. {missing[:5]}"
    assert not fuzzy, f"{len(fuzzy)} fuzzy translations, e.g. {fuzzy[:5]}"


@pytest.mark.parametrize("msgid", ["Log in", "Register", "Page not found", "This form has expired"])
def test_core_words_are_translated(msgid):
    message = _catalogue().get(msgid)
    assert message is not None
    assert message.string
    assert message.string != msgid


def test_the_catalogue_holds_every_message_in_the_code():
    """A ``_()`` added to the code or a template must reach messages.po (``make
    extract-messages``, then translate): otherwise Indonesian visitors read English."""
    from babel.messages.extract import extract_from_dir
    from babel.messages.frontend import parse_mapping_cfg

    root = PO_FILE.parents[4]
    with (root / "babel.cfg").open() as fh:
        method_map, options_map = parse_mapping_cfg(fh)
    keywords = {
        "_": None,
        "gettext": None,
        "ngettext": (1, 2),
        "_l": None,
        "lazy_gettext": None,
        "pgettext": ((1, "c"), 2),
        "npgettext": ((1, "c"), 2, 3),
        "lazy_ngettext": (1, 2),
    }
    catalogue = {m.id if isinstance(m.id, str) else m.id[0]: m for m in _catalogue() if m.id}
    missing = set()
    for _filename, _lineno, message, _comments, _context in extract_from_dir(
        str(root), method_map, options_map, keywords=keywords
    ):
        msgid = message if isinstance(message, str) else message[0]
        entry = catalogue.get(msgid)
        if entry is None or not entry.string:
            missing.add(msgid)
    assert not missing, (
        f"{len(missing)} messages in the code lack Indonesian in messages.po "
        f"(run make extract-messages and translate them), e.g. {sorted(missing)[:5]}"
    )


def test_an_email_in_the_recipients_language_inside_a_request_and_the_page_after(app):
    """A page asks its language a dozen times (the answer is kept per request); an email
    rendered inside that request in the recipient's language (force_locale) gets hers, and the
    rest of the page is in the page's language again."""
    from flask_babel import force_locale, gettext

    from portal.i18n import current_language

    with app.test_request_context("/permits", headers={"Accept-Language": "id"}):
        assert current_language() == "id"
        assert current_language() == "id"
        with force_locale("en"):
            assert current_language() == "en"
            assert gettext("Log in") == "Log in"
            with force_locale("id"):
                assert current_language() == "id"
            assert current_language() == "en"
        assert current_language() == "id"
        assert gettext("Log in") == "Masuk"


def test_each_browser_gets_its_own_language_however_many_and_however_long(app, monkeypatch):
    """The choice for an Accept-Language header is kept per process: another header still gets
    its own answer, a header too long to keep (junk, or a filler before the real choice) is
    read each time, and no more than the memo's size are kept."""
    from portal import i18n

    monkeypatch.setattr(i18n._browser_choices, "size", 5)
    client = app.test_client()
    for _ in range(2):
        assert page_lang(client.get("/", headers={"Accept-Language": "en-GB,en;q=0.9"})) == "en"
        assert page_lang(client.get("/", headers={"Accept-Language": "id-ID,id;q=0.9"})) == "id"
        assert page_lang(client.get("/", headers={"Accept-Language": "fr, de;q=0.5"})) == "id"
    filler = ",".join(f"x{n};q=0.1" for n in range(60))
    assert page_lang(client.get("/", headers={"Accept-Language": f"{filler},en;q=0.9"})) == "en"
    assert page_lang(client.get("/", headers={"Accept-Language": f"{filler},id;q=0.9"})) == "id"
    assert not any(len(header) > 200 for header, _languages in i18n._browser_choices._values)
    for n in range(20):
        client.get("/", headers={"Accept-Language": f"xx-{n}, en;q=0.8"})
    assert len(i18n._browser_choices) <= 5
    assert page_lang(client.get("/", headers={"Accept-Language": "en"})) == "en"
