"""Issue 14, item 6: the steps of "Show me on this page" (portal.recorder.walkthrough), built from
the page as it was rendered, with the recorder's sentences; and the stage panel's open/closed
choice (item 7) saved per person."""

from __future__ import annotations

import html as htmllib
import json
import re

import pytest

from portal.catalogue.formspec import FormSpec
from portal.extensions import db
from portal.recorder import pagetree
from portal.recorder.script import ELLIPSIS, MAX_QUOTED_CHARS
from portal.recorder.walkthrough import MAX_STEPS, PageFacts, build_steps, stable_selector
from portal.tutorials import preferences
from portal.tutorials.preferences import TutorialPanelPreference
from tests.conftest import csrf_token

RTL = "\u0627\u0633\u0645 \u0627\u0644\u0634\u0631\u0643\u0629"  # Arabic: "the company's name"
LONG = ("Nama lengkap pemilik usaha sesuai akta pendirian " * 5)[:200]


def page(main: str, *, before: str = "") -> str:
    return (
        "<!doctype html><html><body><header><a href='/'>SatuPintu</a>"
        "<button type='button'>Menu</button></header>"
        f"<main id='main'>{before}{main}</main></body></html>"
    )


PANEL = (
    "<div class='tutorial-stage' data-tutorial-stage><details><summary><h2>Lihat caranya</h2></summary>"
    "<a class='btn' href='/tutorials/1'>Buka</a></details>"
    "<button type='button' hidden data-walkthrough='x'>Tunjukkan di halaman ini</button></div>"
)


def spec(fields: list[dict], documents: list[dict] | None = None) -> FormSpec:
    return FormSpec.from_version(fields, documents or [])


def field(key: str, label_id: str, label_en: str = "", **extra) -> dict:
    return {
        "key": key,
        "type": "text",
        "label_id": label_id,
        "label_en": label_en,
        "required": True,
        "page": "p1",
        "page_title_id": "Data usaha",
        "page_title_en": "Business",
        **extra,
    }


def steps_of(html: str, stage: str = "register", **facts) -> list[dict]:
    facts.setdefault("lang", "id")
    facts.setdefault("path", "/register")
    return build_steps(html, PageFacts(stage=stage, **facts))


def texts(steps: list[dict]) -> list[str]:
    return [s["text"] for s in steps]


# -- only elements that are on the page -------------------------------------------------------


def test_steps_name_only_the_controls_the_page_shows():
    html = page(
        "<h1>Daftar akun</h1><form method='post'>"
        "<input type='hidden' name='csrf_token' value='t'>"
        "<label for='full_name'>Nama lengkap</label><input id='full_name' name='full_name'>"
        "<label for='secret'>Tersembunyi</label><input id='secret' name='secret' hidden>"
        "<div hidden><label for='inner'>Di dalam</label><input id='inner'></div>"
        "<template><label for='tpl'>Templat</label><input id='tpl'></template>"
        "<input id='nolabel' name='nolabel'>"
        "<button type='submit'>Daftar</button><button type='button'>Salin</button></form>",
        before=PANEL,
    )
    steps = steps_of(html)
    assert texts(steps) == ["Isi \u201cNama lengkap\u201d.", "Tekan \u201cDaftar\u201d."]
    root = pagetree.parse(html)
    for step in steps:  # each selector finds exactly one element of this page
        assert len(pagetree.select(root, step["selector"])) == 1
    assert steps[0]["selector"] == "#full_name"
    assert steps[1]["selector"] == '#main form button[type="submit"]'


def test_a_control_without_a_stable_selector_is_left_out():
    # Two forms with the same button and no id, name or address: nothing finds one of them alone.
    html = page(
        "<form method='post'><button type='submit'>Hapus</button></form>"
        "<form method='post'><button type='submit'>Hapus</button></form>"
        "<a class='btn btn-primary' href='/x'>Lanjutkan</a><a class='btn' href='/x'>Lanjutkan</a>"
        "<a href='/y'>Bantuan</a>"
    )
    assert steps_of(html) == []


def test_recorded_steps_whose_element_is_missing_or_relabelled_are_left_out():
    recorded = [
        {
            "stage": "register",
            "page": "/register",
            "selector": "main h1",
            "label": "Daftar akun",
            "text": {"id": "Pertama, buat akun.", "en": "First, create an account."},
            "start": 0.5,
            "end": 4.0,
        },
        {
            "stage": "register",
            "page": "/register",
            "selector": "#gone",
            "label": "Hilang",
            "text": {"id": "Isi \u201cHilang\u201d.", "en": "Fill in \u201cHilang\u201d."},
            "start": 4,
            "end": 6,
        },
        {
            "stage": "register",
            "page": "/register",
            "selector": "#email",
            "label": "Email lama",
            "text": {"id": "Isi \u201cEmail lama\u201d.", "en": "x"},
            "start": 6,
            "end": 8,
        },
        {
            "stage": "register",
            "page": "/register",
            "selector": "main ::weird(",
            "label": "x",
            "text": {"id": "x", "en": "x"},
        },
        {
            "stage": "login",
            "page": "/register",
            "selector": "main h1",
            "label": "Daftar akun",
            "text": {"id": "Tahap lain.", "en": "x"},
        },
        {
            "stage": "register",
            "page": "/register/check-email",
            "selector": "main h1",
            "label": "Daftar akun",
            "text": {"id": "Halaman lain.", "en": "x"},
        },
    ]
    html = page("<h1>Daftar akun</h1><label for='email'>Alamat email</label><input id='email' type='email'>")
    steps = steps_of(html, recorded=recorded, audio=True)
    assert steps == [
        {"selector": "main h1", "text": "Pertama, buat akun.", "start": 0.5, "end": 4.0},
        {"selector": "#email", "text": "Isi \u201cAlamat email\u201d."},  # the live label, no audio
    ]


def test_a_recorded_step_quoting_a_label_the_page_no_longer_shows_is_said_anew():
    recorded = [
        {
            "stage": "fill_form",
            "page": "/applications/<id>/form/p1",
            "selector": "#f-nama",
            "label": "Nama usaha",
            "text": {"id": "Isi \u201cNama usaha\u201d. Lalu tekan \u201cKirim\u201d.", "en": "x"},
            "start": 1,
            "end": 2,
        },
    ]
    html = page("<label for='f-nama'>Nama usaha</label><input id='f-nama' name='nama'>")
    steps = steps_of(
        html,
        stage="fill_form",
        path="/applications/9/form/p1",
        recorded=recorded,
        audio=True,
        spec=spec([field("nama", "Nama usaha")]),
    )
    assert steps == [
        {
            "selector": "#f-nama",
            "text": "Halaman 1 dari 1: \u201cData usaha\u201d. Isi \u201cNama usaha\u201d.",
        }
    ]


def test_recorded_times_are_given_only_for_a_recording_in_the_pages_language():
    recorded = [
        {
            "stage": "login",
            "page": "/login",
            "selector": "#email",
            "label": "Email",
            "text": {"id": "Isi \u201cEmail\u201d.", "en": "Fill in \u201cEmail\u201d."},
            "start": 3,
            "end": 5,
        }
    ]
    html = page("<label for='email'>Email</label><input id='email'>")
    assert steps_of(html, stage="login", path="/login", recorded=recorded, audio=False) == [
        {"selector": "#email", "text": "Isi \u201cEmail\u201d."}
    ]
    assert steps_of(html, stage="login", path="/login", lang="en", recorded=recorded, audio=True) == [
        {"selector": "#email", "text": "Fill in \u201cEmail\u201d.", "start": 3.0, "end": 5.0}
    ]


def test_a_page_with_many_controls_is_cut_to_the_first_ones():
    fields = "".join(f"<label for='f{i}'>Kolom {i}</label><input id='f{i}'>" for i in range(MAX_STEPS + 10))
    steps = steps_of(page(fields))
    assert len(steps) == MAX_STEPS and steps[0]["text"] == "Isi \u201cKolom 0\u201d."


def test_a_page_without_main_content_has_no_steps():
    assert steps_of("<html><body><p>Halo</p></body></html>") == []


# -- the recorder's sentences, from the published form ----------------------------------------


def test_form_fields_are_said_from_the_published_definition_with_the_page_intro():
    form = spec(
        [
            field("nama", "Nama usaha", "Business name", help_id="Sesuai akta.", order=1),
            field(
                "bentuk",
                "Bentuk usaha",
                "Kind",
                type="select",
                order=2,
                options=[{"value": "pt", "label_id": "PT", "label_en": "PT"}],
            ),
            field(
                "cabang",
                "Punya cabang?",
                "Branch?",
                type="radio",
                order=3,
                options=[{"value": "y", "label_id": "Ya", "label_en": "Yes"}],
            ),
        ]
    )
    html = page(
        "<form method='post'><label for='f-nama'>Nama usaha</label><input id='f-nama' name='nama'>"
        "<label for='f-bentuk'>Bentuk usaha</label><select id='f-bentuk' name='bentuk'></select>"
        "<fieldset id='f-cabang'><legend>Punya cabang?</legend>"
        "<input type='radio' id='f-cabang-1' name='cabang'><label for='f-cabang-1'>Ya</label></fieldset>"
        "<button type='submit' name='action' value='continue'>Simpan dan lanjutkan</button></form>"
    )
    steps = steps_of(html, stage="fill_form", path="/applications/3/form/p1", spec=form)
    assert texts(steps) == [
        "Halaman 1 dari 1: \u201cData usaha\u201d. Isi \u201cNama usaha\u201d. Sesuai akta.",
        "Pilih \u201cBentuk usaha\u201d.",
        "Pilih \u201cPunya cabang?\u201d.",  # the group once, not each radio button
        "Tekan \u201cSimpan dan lanjutkan\u201d.",
    ]
    assert [s["selector"] for s in steps] == [
        "#f-nama",
        "#f-bentuk",
        "#f-cabang",
        'button[name="action"][value="continue"]',
    ]
    english = steps_of(html, stage="fill_form", path="/applications/3/form/p1", spec=form, lang="en")
    assert (
        english[0]["text"]
        == "Page 1 of 1: \u201cBusiness\u201d. Fill in \u201cBusiness name\u201d. Sesuai akta."
    )


def test_documents_are_said_as_the_recorder_says_them():
    form = spec(
        [],
        [
            {"key": "ktp", "label_id": "Foto KTP", "label_en": "ID card", "allowed_types": ["pdf"]},
            {"key": "kk", "label_id": "Kartu Keluarga", "allowed_types": ["pdf"]},
        ],
    )
    html = page(
        "<label for='file-ktp'>Pilih berkas</label><input type='file' id='file-ktp' name='file'>"
        "<label for='file-kk'>Pilih berkas</label><input type='file' id='file-kk' name='file'>"
    )
    first, second = steps_of(html, stage="upload_documents", path="/applications/3/documents", spec=form)
    assert first["text"].startswith(
        "Setiap dokumen punya tempatnya sendiri. \u201cFoto KTP\u201d: tekan \u201cPilih berkas\u201d"
    )
    assert second["text"].startswith("\u201cKartu Keluarga\u201d: tekan \u201cPilih berkas\u201d")


# -- labels with quotes, emoji, right-to-left text, 200 characters ------------------------------


@pytest.mark.parametrize(
    ("label", "said"),
    [
        ('Nama "panggilan" & <alias>', '\u201cNama "panggilan" & <alias>\u201d'),
        ("\U0001f3e0 Alamat rumah", "\u201c\U0001f3e0 Alamat rumah\u201d"),
        (RTL, f"\u201c\u2068{RTL}\u2069\u201d"),
    ],
    ids=["quotes", "emoji", "rtl"],
)
def test_odd_labels_are_quoted_as_the_page_shows_them(label, said):
    escaped = htmllib.escape(label)
    html = page(
        f"<label for='x'>{escaped}</label><input id='x'><button type='submit' name='go'>{escaped}</button>"
    )
    steps = steps_of(html)
    assert texts(steps) == [f"Isi {said}.", f"Tekan {said}."]


def test_a_200_character_label_is_cut_in_the_sentence():
    html = page(f"<label for='x'>{LONG}</label><input id='x'>")
    (step,) = steps_of(html)
    quoted = re.search("\u201c(.+)\u201d", step["text"]).group(1)
    assert quoted.endswith(ELLIPSIS) and len(quoted) <= MAX_QUOTED_CHARS
    assert LONG.startswith(quoted[:-1])


def test_selectors_of_odd_ids_names_and_addresses_find_their_element():
    html = page(
        "<a class='btn' href='/permits?q=\"rumah\"&amp;x=1'>Cari \"rumah\"</a>"
        "<button type='submit' name='do' value='it \"now\"'>Kirim</button>"
        "<label for='a:b'>Titik dua</label><input id='a:b'>"
    )
    root = pagetree.parse(html)
    main = pagetree.find_main(root)
    for el in main.elements():
        if el.tag in ("a", "button", "input"):
            selector = stable_selector(el, root, main)
            assert selector is not None and pagetree.select(root, selector) == [el], selector


# -- the stage page, through the app -------------------------------------------------------------


def walkthrough_of(body: str) -> dict:
    match = re.search(r'data-walkthrough="([^"]*)"', body)
    assert match, "the stage page has no walkthrough button"
    return json.loads(htmllib.unescape(match.group(1)))


def test_stage_pages_carry_steps_that_exist_on_them(client, login_as):
    from tests.wizard_helpers import make_category

    body = client.get("/register?lang=id").get_data(as_text=True)
    data = walkthrough_of(body)
    assert data["title"] == "Daftar akun"
    root = pagetree.parse(body)
    assert data["steps"] and all(len(pagetree.select(root, s["selector"])) == 1 for s in data["steps"])
    assert "Isi \u201cAlamat email\u201d." in texts(data["steps"])
    # The button is hidden until walkthrough.js reveals it.
    assert re.search(r"<button[^>]*tutorial-walkthrough-start[^>]*\shidden", body)

    category = make_category(slug="walk-form")
    user = login_as()
    from portal.applications import services as apps

    draft = apps.start_application(user, category)
    db.session.commit()
    body = client.get(f"/applications/{draft.id}/form/business?lang=en").get_data(as_text=True)
    data = walkthrough_of(body)
    root = pagetree.parse(body)
    assert all(len(pagetree.select(root, s["selector"])) == 1 for s in data["steps"])
    assert data["steps"][0]["text"].startswith(
        "Page 1 of 2: \u201cBusiness details\u201d. Fill in \u201cBusiness name\u201d"
    )
    assert "Press \u201cSave and continue\u201d." in texts(data["steps"])


def test_the_same_page_again_is_not_read_again(client, monkeypatch):
    from portal.recorder import walkthrough

    built = []
    real = walkthrough.build_steps
    monkeypatch.setattr(walkthrough, "build_steps", lambda html, facts: built.append(1) or real(html, facts))
    first = walkthrough_of(client.get("/login?lang=id").get_data(as_text=True))
    other = client.application.test_client()  # another visitor: another session token
    again = walkthrough_of(other.get("/login?lang=id").get_data(as_text=True))
    assert first == again and first["steps"] and len(built) == 1


def test_a_page_that_is_not_a_stage_is_left_as_it_was(client):
    body = client.get("/complaints").get_data(as_text=True)
    assert "data-walkthrough" not in body and "__satupintu_walkthrough" not in body


# -- the stage panel's open/closed choice --------------------------------------------------------


def token(client, page: str = "/complaints") -> str:
    return csrf_token(client.get(page).get_data(as_text=True))


def test_the_panel_choice_is_saved_per_person_without_javascript(client, login_as):
    user = login_as()
    response = client.post(
        "/tutorials/panel-preference",
        data={"open": "0", "next": "/permits", "csrf_token": token(client)},
    )
    assert response.status_code == 302 and response.headers["Location"].endswith("/permits")
    assert preferences.panel_open(user.id) is False
    response = client.post(
        "/tutorials/panel-preference",
        json={"open": 1},
        headers={"X-CSRFToken": token(client)},
    )
    assert response.status_code == 200 and response.get_json() == {"open": True}
    assert preferences.panel_open(user.id) is True
    assert db.session.query(TutorialPanelPreference).count() == 1  # one choice per person


@pytest.mark.parametrize("value", ["", "yes", "2", None])
def test_a_bad_panel_choice_is_refused(client, login_as, value):
    user = login_as()
    payload = {"csrf_token": token(client)}
    if value is not None:
        payload["open"] = value
    assert client.post("/tutorials/panel-preference", data=payload).status_code == 400
    assert preferences.panel_open(user.id) is None


def test_the_panel_choice_goes_back_only_to_this_site(client, login_as):
    login_as()
    response = client.post(
        "/tutorials/panel-preference",
        data={"open": "1", "next": "https://evil.example/", "csrf_token": token(client)},
    )
    assert response.status_code == 302 and "evil.example" not in response.headers["Location"]


def test_an_anonymous_visitor_stores_nothing_on_the_server(client):
    response = client.post(
        "/tutorials/panel-preference", data={"open": "1", "csrf_token": token(client, "/login")}
    )
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert db.session.query(TutorialPanelPreference).count() == 0
