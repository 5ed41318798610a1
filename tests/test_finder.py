"""The finder: search in citizens' own words (stems, synonyms, typos), other offices' permits,
"Help me choose a permit" and its tree (loops and dead ends refused), "I cannot find my permit",
and hostile search input. Runs on SQLite and PostgreSQL."""

from __future__ import annotations

import html as html_lib
import re
from datetime import timedelta

import pytest
from sqlalchemy import select, text

from portal.auth.models import Role
from portal.catalogue import finder, search
from portal.catalogue.models import PermitCategory, SearchTerm, Signpost, UnfoundSearch
from portal.catalogue.seed import seed_categories
from portal.catalogue.seed_finder import TREE, seed_finder
from portal.db import utcnow
from portal.extensions import db
from tests.conftest import csrf_token, is_postgres
from tests.factories import make_tutorial


@pytest.fixture
def seeded(app):
    """The eight demo permits with their words, the signposts and the questions."""
    if is_postgres():
        db.session.execute(text("CREATE EXTENSION IF NOT EXISTS pg_trgm"))
    db.session.connection().info.pop("pg_trgm", None)
    list(seed_categories())
    list(seed_finder())
    return {c.slug: c for c in db.session.scalars(select(PermitCategory))}


def _first(query: str) -> str:
    hits = search.search(query).permits
    assert hits, f"nothing found for {query!r}"
    return hits[0].obj.slug


def _result_links(html: str) -> list[str]:
    return re.findall(r'class="search-hit-link[^"]*" href="([^"]+)"', html)


# -- her words lead to the right permit --------------------------------------------------------
@pytest.mark.parametrize(
    ("query", "slug"),
    [
        ("izin usaha makanan rumahan", "pirt"),
        ("PIRT", "pirt"),
        ("buka warung", "surat-keterangan-domisili-usaha"),
        ("pasang spanduk toko", "izin-reklame"),
        ("bangun rumah", "pbg"),
        ("renovasi rumah", "pbg"),
        ("baliho", "izin-reklame"),
        ("praktik dokter gigi", "sip-dokter"),
        ("buka apotek", "sipa-apoteker"),
        ("klinik", "izin-operasional-klinik"),
        ("izin penelitian skripsi", "surat-keterangan-penelitian"),
        ("homestay", "tdup"),
        ("nomor induk berusaha", "nib"),
    ],
)
def test_everyday_words_find_the_right_permit_first(seeded, query, slug):
    assert _first(query) == slug


def test_affixes_are_stemmed(seeded):
    # None of these words is a keyword as typed; their stems are (bangun, pasang, jual).
    assert _first("pembangunan") == "pbg"
    assert _first("pemasangan") == "izin-reklame"
    assert _first("berjualan") == "surat-keterangan-domisili-usaha"


@pytest.mark.parametrize(
    ("typo", "slug"),
    [
        ("wareng", "surat-keterangan-domisili-usaha"),
        ("spandukk", "izin-reklame"),
        ("reklme", "izin-reklame"),
        ("apotik", "sipa-apoteker"),
    ],
)
def test_typos_find_the_closest_word(seeded, typo, slug):
    results = search.search(typo)
    assert results.permits and results.permits[0].obj.slug == slug
    assert typo in results.corrected


def test_search_page_lists_the_permit_and_its_signpost_links(seeded, client):
    page = client.get("/search?q=izin+usaha+makanan+rumahan").get_data(as_text=True)
    links = _result_links(page)
    assert links[0] == "/other-offices/pirt"
    assert "/permits/surat-keterangan-domisili-usaha" in links
    assert "Diurus di kantor lain" in page


def test_signpost_page_says_where_to_go_and_what_to_bring(seeded, client):
    page = client.get("/other-offices/pirt").get_data(as_text=True)
    assert "Kantor kami tidak menerbitkan izin ini." in page
    assert "Foto KTP" in page and "NIB" in page
    assert 'href="https://oss.go.id"' in page
    assert client.get("/other-offices/no-such").status_code == 404
    signpost = db.session.scalar(select(Signpost).where(Signpost.slug == "nib"))
    signpost.active = False
    db.session.commit()
    assert client.get("/other-offices/nib").status_code == 404
    assert "nib" not in [h.obj.slug for h in search.search("nomor induk berusaha").permits]


def test_guides_are_found_with_their_matching_chapters(seeded, app):

    tutorial = make_tutorial(
        title_id="Cara mengunggah berkas",
        title_en="Uploading files",
        published=True,
        chapters_json=[
            {"id": "foto", "start": 0, "end": 10, "title": {"id": "Memotret KTP", "en": "Photo"}},
            {"id": "kirim", "start": 10, "end": 20, "title": {"id": "Mengirim", "en": "Send"}},
        ],
        chapter_transcripts={
            "foto": {"id": "Potret kartu penduduk dengan kamera ponsel."},
            "kirim": {"id": "Tekan tombol kirim."},
        },
    )
    results = search.search("memotret kartu")
    assert [h.obj.id for h in results.tutorials] == [tutorial.id]
    assert results.tutorials[0].chapter_ids == ["foto"]
    tutorial.published = False
    db.session.commit()
    assert search.search("memotret kartu").tutorials == []


def test_the_index_follows_keyword_edits_and_closing_a_permit(seeded, client, login_as):
    category = seeded["tdup"]
    assert search.search("glamping").permits == []
    login_as(Role.ADMIN)
    page = client.get("/admin/finder/keywords/tdup").get_data(as_text=True)
    response = client.post(
        "/admin/finder/keywords/tdup",
        data={"csrf_token": csrf_token(page), "keywords": "homestay, Glamping\nglamping"},
    )
    assert response.status_code == 302
    assert finder.keywords_of(category) == "homestay\nglamping"
    assert _first("glamping") == "tdup"
    category.active = False
    db.session.commit()
    assert "tdup" not in [h.obj.slug for h in search.search("homestay").permits]
    assert (
        db.session.scalar(
            select(SearchTerm.id).where(SearchTerm.kind == "category", SearchTerm.ref_id == category.id)
        )
        is None
    )


def test_admin_menu_leads_to_the_search_words(seeded, client, login_as):
    login_as(Role.ADMIN)
    page = client.get("/admin/finder").get_data(as_text=True)
    assert 'href="/admin/finder" aria-current="page"' in page
    assert 'href="/admin/finder/keywords/pbg"' in page and "bangun rumah" in page
    assert 'href="/admin/finder/questions"' in page


def test_keyword_and_signpost_pages_are_for_admins_only(seeded, client, login_as):
    login_as(Role.OFFICER)
    for url in (
        "/admin/finder",
        "/admin/finder/keywords/pbg",
        "/admin/finder/questions",
        "/admin/finder/other-offices/pirt",
        "/admin/finder/other-offices/new",
    ):
        assert client.get(url).status_code == 403, url


# -- hostile input ---------------------------------------------------------------------------------
HOSTILE = {
    "2000 characters": "warung " * 285 + "x" * 5,
    "2000 letters without spaces": "a" * 2000,
    "punctuation only": "!!! ??? ... ,,, ;;; --- ''' \"\"\" ()[]{} %%% ___ \\\\",
    "sql": "'; DROP TABLE search_terms; --",
    "sql union": "warung' UNION SELECT password_hash FROM users --",
    "like wildcards": "%_%",
    "emoji": "😀🍜🏠 warung 👩‍🍳",
    "emoji only": "😀😀😀",
    "control characters": "war\x00ung\x07\x1b[31m\u202e",
    "markup": "<script>alert(1)</script>",
}


@pytest.mark.parametrize("query", HOSTILE.values(), ids=HOSTILE.keys())
def test_hostile_search_gives_a_normal_page(seeded, client, query):
    response = client.get("/search", query_string={"q": query})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "<script>alert" not in page
    assert "Bantu saya memilih izin" in page  # the help box is there, as on any search
    assert db.session.scalar(select(SearchTerm.id).limit(1)) is not None  # nothing dropped


@pytest.mark.parametrize("query", HOSTILE.values(), ids=HOSTILE.keys())
def test_hostile_search_service_answers_without_error(seeded, query):
    results = search.search(query)
    assert len(results.query.words) <= search.MAX_QUERY_WORDS
    assert all("\x00" not in w for w in results.query.words)
    search.suggestions(query)


def test_control_characters_are_separators_not_part_of_a_word(seeded):
    assert search.Query.parse("war\x00ung").words == ["war", "ung"]
    assert _first("warung\x00\x07") == "surat-keterangan-domisili-usaha"


# -- no result: suggestions, the finder, the help desk, "I cannot find my permit" ---------------
def test_no_result_page_offers_suggestions_finder_whatsapp_and_report(seeded, client):
    page = client.get("/search?q=izin+kapal+nelayan").get_data(as_text=True)
    assert "Mungkin yang Anda maksud:" in page
    assert re.search(r'class="search-suggestions"', page)
    assert 'href="/finder"' in page
    number = re.sub(r"\D", "", client.application.config["OFFICE_WHATSAPP"])
    assert f'href="https://wa.me/62{number[1:]}"' in page
    assert 'action="/search/not-found"' in page


def test_whatsapp_link_uses_the_number_from_the_settings():
    from portal.catalogue.finder_views import whatsapp_link

    assert whatsapp_link("0811 5843 555") == "https://wa.me/628115843555"
    assert whatsapp_link("+62 811-5843-555") == "https://wa.me/628115843555"
    assert whatsapp_link("") is None


def test_reporting_records_the_words_without_personal_data(seeded, client):
    page = client.get("/search?q=kapal").get_data(as_text=True)
    query = "izin kapal 6472 0155 0774 0003 siti@example.com 0812-3456-7890"
    response = client.post("/search/not-found", data={"csrf_token": csrf_token(page), "q": query})
    assert response.status_code == 302
    row = db.session.scalar(select(UnfoundSearch))
    assert row.query == "izin kapal"
    follow = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Terima kasih" in follow


def test_reporting_needs_the_form_token(seeded, client):
    assert client.post("/search/not-found", data={"q": "kapal"}).status_code == 400
    assert db.session.scalar(select(UnfoundSearch)) is None


def test_top_unfound_searches_are_counted(seeded):
    for q in ["kapal", "Kapal!", "kapal", "izin tambang"]:
        search.record_unfound(q)
    assert search.record_unfound("0812 3456 7890 !!!") is None
    now = utcnow()
    rows = search.top_unfound(now - timedelta(days=1), now + timedelta(minutes=1))
    assert [(r.query, r.count) for r in rows] == [("kapal", 3), ("izin tambang", 1)]


# -- "Help me choose a permit" --------------------------------------------------------------------
def test_finder_questions_lead_to_a_permit_or_a_signpost_with_plain_links(seeded, client):
    page = client.get("/finder").get_data(as_text=True)
    assert "Apa yang ingin Anda lakukan?" in page
    assert "<script" not in page.split("<main", 1)[1].split("</main>", 1)[0]
    assert 'href="/finder/usaha"' in page
    page = client.get("/finder/usaha").get_data(as_text=True)
    assert 'href="/other-offices/pirt"' in page and 'href="/other-offices/nib"' in page
    page = client.get("/finder/usaha-dimana").get_data(as_text=True)
    assert 'href="/permits/surat-keterangan-domisili-usaha"' in page
    assert client.get("/finder/nothing-here").status_code == 302


def _tree(*nodes):
    return [
        {
            "key": k,
            "question_id": f"Pertanyaan {k}?",
            "question_en": "",
            "choices": [{"label_id": f"Jawaban {t}", "label_en": "", "target": t} for t in targets],
        }
        for k, targets in nodes
    ]


def test_seeded_tree_passes_the_checks(seeded):
    assert finder.check_tree(finder.normalise_tree(TREE)) == []


@pytest.mark.parametrize(
    ("nodes", "needle"),
    [
        (_tree(("start", ["q:a"]), ("a", ["q:b"]), ("b", ["q:start"])), "go round in a circle"),
        (_tree(("start", ["q:a"]), ("a", ["q:a"])), "go round in a circle"),
        (_tree(("start", ["permit:pbg", "q:a"]), ("a", ["permit:pbg", "q:b"]), ("b", ["q:a"])), "a → b → a"),
        (_tree(("start", ["q:a"]), ("a", [])), "has no answers"),
        (_tree(("start", ["q:missing"])), "does not exist"),
        (_tree(("start", [""])), "leads nowhere"),
        (_tree(("start", ["permit:no-such-permit"])), "does not exist or is closed"),
        (_tree(("start", ["signpost:no-such"])), "does not exist or is hidden"),
        (_tree(("start", ["permit:pbg"]), ("lonely", ["permit:pbg"])), "No answer leads to"),
        (_tree(("start", ["permit:pbg"]), ("start", ["permit:pbg"])), "Two questions"),
        ([], "at least one question"),
    ],
)
def test_tree_with_a_loop_or_dead_end_is_refused(seeded, nodes, needle, app):
    with app.test_request_context("/?lang=en"):
        with pytest.raises(finder.FinderError) as caught:
            finder.save_tree(nodes)
        assert any(needle in p for p in caught.value.problems), caught.value.problems
    assert finder.current_tree()[0]["key"] == "start"
    assert finder.current_tree() == finder.normalise_tree(TREE)  # nothing saved


def test_a_closed_permit_makes_the_saved_tree_a_dead_end_when_saved_again(seeded):
    seeded["tdup"].active = False
    db.session.commit()
    with pytest.raises(finder.FinderError):
        finder.save_tree(TREE)


def _tree_form(page: str) -> dict[str, str]:
    """The admin's tree form as the browser would send it (inputs and selected options)."""
    data = {}
    for name, value in re.findall(
        r'<input class="form-control" id="[^"]+" name="([^"]+)" value="([^"]*)"', page
    ):
        data[name] = html_lib.unescape(value)
    for name, body in re.findall(
        r'<select class="form-select" id="[^"]+" name="([^"]+)">(.*?)</select>', page, re.S
    ):
        chosen = re.search(r'<option value="([^"]*)" selected>', body)
        data[name] = chosen.group(1) if chosen else ""
    data["csrf_token"] = csrf_token(page)
    return data


def test_admin_saving_a_loop_is_refused_and_nothing_changes(seeded, client, login_as):
    login_as(Role.ADMIN)
    page = client.get("/admin/finder/questions").get_data(as_text=True)
    data = _tree_form(page)
    assert data["n-0-key"] == "start" and data["n-1-c-2-target"] == "q:usaha-dimana"
    data["n-2-c-1-target"] = "q:usaha"  # usaha -> usaha-dimana -> usaha
    response = client.post("/admin/finder/questions", data=data)
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert "usaha → usaha-dimana → usaha" in html_lib.unescape(body)
    assert 'role="alert"' in body
    assert finder.current_tree() == finder.normalise_tree(TREE)


def test_admin_saving_a_dead_end_is_refused(seeded, client, login_as):
    login_as(Role.ADMIN)
    data = _tree_form(client.get("/admin/finder/questions").get_data(as_text=True))
    data.update(
        {
            "n-new-key": "kosong",
            "n-new-question_id": "Pertanyaan tanpa jawaban?",
            "n-0-c-6-label_id": "Lainnya",
            "n-0-c-6-target": "q:__new__",
        }
    )
    response = client.post("/admin/finder/questions", data=data)
    assert response.status_code == 400
    assert "tidak punya jawaban" in response.get_data(as_text=True)
    assert len(finder.current_tree()) == len(TREE)


def test_admin_adds_a_question_with_answers(seeded, client, login_as):
    login_as(Role.ADMIN)
    data = _tree_form(client.get("/admin/finder/questions").get_data(as_text=True))
    data.update(
        {
            "n-new-key": "lain",
            "n-new-question_id": "Yang mana?",
            "n-new-c-0-label_id": "Rumah",
            "n-new-c-0-target": "permit:pbg",
            "n-0-c-6-label_id": "Lainnya",
            "n-0-c-6-target": "q:__new__",
        }
    )
    response = client.post("/admin/finder/questions", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    tree = finder.current_tree()
    assert tree[-1]["key"] == "lain" and tree[-1]["choices"][0]["target"] == "permit:pbg"
    assert tree[0]["choices"][-1] == {"label_id": "Lainnya", "label_en": "", "target": "q:lain"}
    assert 'href="/finder/lain"' in client.get("/finder").get_data(as_text=True)


def test_admin_adds_a_signpost_that_search_then_finds(seeded, client, login_as):
    login_as(Role.ADMIN)
    page = client.get("/admin/finder/other-offices/new").get_data(as_text=True)
    data = {
        "csrf_token": csrf_token(page),
        "slug": "halal",
        "name_id": "Sertifikat Halal",
        "issuer_id": "BPJPH",
        "link_url": "http://halal.go.id",
        "keywords": "halal\nlabel halal",
        "active": "1",
    }
    refused = client.post("/admin/finder/other-offices/new", data=data)
    assert refused.status_code == 400
    assert "Tautan harus diawali https://" in refused.get_data(as_text=True)
    assert "halal" not in [h.obj.slug for h in search.search("sertifikat halal").permits]
    data["link_url"] = "https://halal.go.id"
    assert client.post("/admin/finder/other-offices/new", data=data).status_code == 302
    assert _first("label halal") == "halal"
    assert "Sertifikat Halal" in client.get("/other-offices/halal").get_data(as_text=True)


def test_the_stuck_report_lists_the_top_unfound_searches(seeded, client, login_as):
    for q in ["izin kapal", "izin kapal", "izin kapal", "tambang pasir 6472015507740003"]:
        search.record_unfound(q)
    db.session.commit()
    login_as(Role.HELPDESK)
    page = client.get("/helpdesk/stuck").get_data(as_text=True)
    assert "Pencarian yang tidak menemukan izin" in page
    table = page.split('class="table table-sm unfound-searches"', 1)[1].split("</table>", 1)[0]
    assert re.findall(r"<tr><td>([^<]+)</td><td>(\d+)</td></tr>", table) == [
        ("izin kapal", "3"),
        ("tambang pasir", "1"),
    ]
    assert "6472015507740003" not in page


def test_the_catalogue_list_sends_an_unmatched_word_to_the_finder_search(seeded, client):
    page = client.get("/permits?q=warung").get_data(as_text=True)
    assert 'href="/search?q=warung"' in page and 'href="/finder"' in page
    assert (
        _result_links(client.get("/search?q=warung").get_data(as_text=True))[0]
        == "/permits/surat-keterangan-domisili-usaha"
    )
