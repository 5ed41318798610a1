"""Captions and chapter titles typed in the browser (issue 14, item 8: made by a clerk): a plain
form per chapter, captions as rows with minutes:seconds times; the served captions file
follows; bad times are refused with a sentence naming the line; English is optional."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from portal.auth.models import Role
from portal.extensions import db
from portal.tutorials import services, vtt
from portal.tutorials.models import Tutorial
from tests.conftest import post_form

ID = {"Accept-Language": "id"}


def _tutorial(*, english: bool = True) -> Tutorial:
    tutorial = Tutorial(
        slug="uji-teks",
        title_id="Panduan uji",
        title_en="Test guide",
        published=False,
        chapters_json=[],
        chapter_transcripts={},
        duration_seconds=20.0,
        video_key="tutorials/none.mp4",
        video_type="video/mp4",
    )
    db.session.add(tutorial)
    db.session.flush()
    chapters = [vtt.Cue(0.0, 10.0, "Pembuka", id="intro"), vtt.Cue(10.0, 20.0, "Masuk", id="login")]
    services.attach_chapters(
        tutorial, vtt.serialize(chapters).encode(), {"intro": "Opening", "login": "Log in"}
    )
    cues = [
        vtt.Cue(0.5, 3.0, "Halo"),
        vtt.Cue(4.0, 8.0, "Ini awal"),
        vtt.Cue(10.5, 14.0, "Tekan \u201cMasuk\u201d."),
        vtt.Cue(15.0, 19.25, "Isi email"),
    ]
    services.attach_captions(tutorial, "id", vtt.serialize(cues).encode())
    if english:
        en = [vtt.Cue(0.5, 3.0, "Hello"), vtt.Cue(10.5, 14.0, "Press \u201cLog in\u201d.")]
        services.attach_captions(tutorial, "en", vtt.serialize(en).encode())
    db.session.commit()
    return tutorial


def _served(client, tutorial: Tutorial, lang: str = "id") -> list[vtt.Cue]:
    response = client.get(f"/tutorials/media/{tutorial.id}/captions-{lang}")
    if response.status_code == 404:
        return []
    data = response.get_data()
    response.close()
    return vtt.parse(data)


def _rows(page: str, chapter: str) -> list[dict[str, str]]:
    """The rows of one chapter's form as the page shows them."""
    form = page.split(f'/captions/{chapter}"', 1)[1].split("</form>", 1)[0]
    values = {name: re.findall(rf'name="{name}" value="([^"]*)"', form) for name in ("start", "end")}
    values.update(
        {name: re.findall(rf'name="{name}"[^>]*>([^<]*)</textarea>', form) for name in ("text_id", "text_en")}
    )
    values.update(
        {name: re.findall(rf'name="{name}" value="([^"]*)"', form) for name in ("exact_start", "exact_end")}
    )
    return [{k: v[i] for k, v in values.items()} for i in range(len(values["start"]))]


def _save(client, tutorial, chapter: str, rows: list[dict[str, str]], title_id="Masuk", title_en=""):
    data: dict = {"title_id": title_id, "title_en": title_en}
    for key in ("start", "end", "text_id", "text_en", "exact_start", "exact_end"):
        data[key] = [r.get(key, "") for r in rows]
    return post_form(
        client,
        f"/admin/tutorials/{tutorial.id}/captions/{chapter}",
        data,
        page=f"/admin/tutorials/{tutorial.id}/captions",
        headers=ID,
    )


def test_the_page_lists_each_chapter_with_its_captions_as_rows_in_minutes_and_seconds(client, login_as):
    tutorial = _tutorial()
    login_as(Role.ADMIN)
    page = client.get(f"/admin/tutorials/{tutorial.id}/captions", headers=ID).get_data(as_text=True)
    rows = _rows(page, "login")  # the second chapter
    assert [(r["start"], r["end"], r["text_id"]) for r in rows[:2]] == [
        ("0:10.5", "0:14", "Tekan \u201cMasuk\u201d."),
        ("0:15", "0:19.3", "Isi email"),
    ]
    assert rows[0]["text_en"] == "Press \u201cLog in\u201d."
    assert "Teks bahasa Inggris belum ada" in page  # "Isi email" has no English
    assert "-->" not in page and "WEBVTT" not in page


def test_editing_a_caption_changes_the_served_file(client, login_as):
    tutorial = _tutorial()
    login_as(Role.ADMIN)
    page = client.get(f"/admin/tutorials/{tutorial.id}/captions", headers=ID).get_data(as_text=True)
    rows = _rows(page, "login")
    rows[0]["text_id"] = "Tekan tombol \u201cMasuk\u201d di atas."
    rows[1]["start"] = "0:16"
    response = _save(client, tutorial, "login", rows, title_id="Masuk ke akun", title_en="Log in")
    assert response.status_code == 302
    cues = _served(client, tutorial)
    assert [(c.start, c.text) for c in cues] == [
        (0.5, "Halo"),
        (4.0, "Ini awal"),
        (10.5, "Tekan tombol \u201cMasuk\u201d di atas."),
        (16.0, "Isi email"),
    ]
    assert cues[3].end == 19.25  # an unchanged time keeps its exact value
    db.session.expire_all()
    tutorial = db.session.get(Tutorial, tutorial.id)
    assert tutorial.chapter("login")["title"] == {"id": "Masuk ke akun", "en": "Log in"}
    response = client.get(f"/tutorials/media/{tutorial.id}/chapters")
    chapters = vtt.parse(response.get_data())
    response.close()
    assert [c.text for c in chapters] == ["Pembuka", "Masuk ke akun"]
    assert "Tekan tombol" in tutorial.chapter_transcript("login", "id")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({1: {"start": "0:13"}}, "Baris 2 mulai pada 0:13, sebelum baris 1 selesai (0:14)"),  # overlap
        ({0: {"start": "-0:05"}}, "Baris 1: waktu tidak boleh kurang dari 0:00."),  # negative
        ({1: {"end": "0:25"}}, "bagian ini berjalan dari 0:10 sampai 0:20"),  # past the chapter / the video
        ({0: {"start": "0:02"}}, "bagian ini berjalan dari 0:10 sampai 0:20"),  # in the chapter before
        ({0: {"end": "0:10"}}, "Baris 1: teks harus selesai sesudah mulai."),
        ({0: {"start": "satu menit"}}, "Baris 1: tulis kapan teks mulai sebagai menit:detik"),
        ({0: {"text_id": ""}}, "Baris 1: tulis teks bahasa Indonesia"),
        ({0: {"text_id": "x" * 1001}}, "lebih dari 1.000 karakter"),
    ],
    ids=[
        "overlap",
        "negative",
        "past-the-end",
        "outside-its-chapter",
        "ends-before-start",
        "unreadable",
        "no-text",
        "too-long",
    ],
)
def test_a_bad_caption_is_refused_with_a_clear_message_and_nothing_changes(client, login_as, change, message):
    tutorial = _tutorial()
    login_as(Role.ADMIN)
    before = _served(client, tutorial)
    page = client.get(f"/admin/tutorials/{tutorial.id}/captions", headers=ID).get_data(as_text=True)
    rows = _rows(page, "login")
    for index, values in change.items():
        rows[index].update(values)
    response = _save(client, tutorial, "login", rows)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert message in html
    assert _served(client, tutorial) == before
    # What the admin typed is shown again, to correct.
    typed = next(iter(change.values()))
    assert all(value in html or value == "" or len(value) > 200 for value in typed.values())


def test_captions_that_touch_still_show_one_at_a_time(client, login_as):
    tutorial = _tutorial()
    login_as(Role.ADMIN)
    page = client.get(f"/admin/tutorials/{tutorial.id}/captions", headers=ID).get_data(as_text=True)
    rows = _rows(page, "login")
    rows[0]["end"] = "0:15"  # ends when the next one starts
    rows[2].update(start="0:10", end="0:10.5", text_id="Bagian masuk")  # a new first caption
    assert _save(client, tutorial, "login", rows).status_code == 302
    cues = _served(client, tutorial)
    for first, second in zip(cues, cues[1:], strict=False):
        assert first.end < second.start, (first, second)
    assert "Bagian masuk" in [c.text for c in cues]


def test_a_caption_of_a_thousand_characters_is_kept_whole(client, login_as):
    tutorial = _tutorial()
    login_as(Role.ADMIN)
    page = client.get(f"/admin/tutorials/{tutorial.id}/captions", headers=ID).get_data(as_text=True)
    rows = _rows(page, "login")
    long_text = ("Bacalah petunjuk ini dengan teliti <penting> & jangan terburu-buru. " * 20)[:1000].strip()
    rows[0]["text_id"] = long_text
    assert _save(client, tutorial, "login", rows).status_code == 302
    cues = _served(client, tutorial)
    assert vtt.plain_text([cues[2]]) == long_text
    page = client.get(f"/admin/tutorials/{tutorial.id}/captions", headers=ID).get_data(as_text=True)
    assert _rows(page, "login")[0]["text_id"] == long_text.replace("&", "&amp;").replace("<", "&lt;").replace(
        ">", "&gt;"
    )


def test_english_is_optional_removing_it_and_publishing_without_it(app, client, login_as):
    tutorial = _tutorial(english=False)
    login_as(Role.ADMIN)
    response = post_form(
        client,
        f"/admin/tutorials/{tutorial.id}/publish",
        {"published": "1"},
        page=f"/admin/tutorials/{tutorial.id}",
        headers=ID,
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Tutorial, tutorial.id).published
    # On the English watch page (a visitor reading English), the Indonesian captions play, with a note.
    html = (
        app.test_client()
        .get(f"/tutorials/{tutorial.id}", headers={"Accept-Language": "en"})
        .get_data(as_text=True)
    )
    assert 'srclang="id"' in html and 'srclang="en"' not in html
    assert "No English text yet" in html


def test_clearing_every_english_text_removes_the_english_captions(client, login_as):
    tutorial = _tutorial()
    login_as(Role.ADMIN)
    page = client.get(f"/admin/tutorials/{tutorial.id}/captions", headers=ID).get_data(as_text=True)
    for chapter in ("intro", "login"):
        rows = _rows(page, chapter)
        for row in rows:
            row["text_en"] = ""
        assert _save(client, tutorial, chapter, rows, title_id="Judul").status_code == 302
        page = client.get(f"/admin/tutorials/{tutorial.id}/captions", headers=ID).get_data(as_text=True)
    assert _served(client, tutorial, "en") == []
    assert db.session.scalar(select(Tutorial.captions_en_key).where(Tutorial.id == tutorial.id)) is None


FORBIDDEN = re.compile(
    r"WebVTT|\.vtt\b|\bVTT\b|\bslug\b|regex|regular expression|\bMP4\b|WebM|JPEG|PNG|\bid bab\b|Chapter id",
    re.I,
)


def test_the_tutorial_admin_pages_use_no_file_formats_or_keys_in_their_words(client, login_as):
    tutorial = _tutorial()
    login_as(Role.ADMIN)
    for url in (
        "/admin/tutorials",
        f"/admin/tutorials/{tutorial.id}",
        f"/admin/tutorials/{tutorial.id}/captions",
        f"/admin/tutorials/{tutorial.id}/stages",
    ):
        for headers in (ID, {"Accept-Language": "en"}):
            html = client.get(url, headers=headers).get_data(as_text=True)
            words = re.sub(r"<[^>]+>", " ", re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", html, flags=re.S))
            assert not FORBIDDEN.search(words), (url, FORBIDDEN.search(words).group(0))


@pytest.mark.parametrize("role", [Role.OFFICER, Role.HELPDESK, Role.APPROVER, Role.APPLICANT])
def test_staff_without_the_admin_role_cannot_edit_captions(client, login_as, role):
    tutorial = _tutorial()
    login_as(role)
    assert client.get(f"/admin/tutorials/{tutorial.id}/captions").status_code == 403
    response = post_form(
        client, f"/admin/tutorials/{tutorial.id}/captions/login", {"title_id": "x"}, page="/account"
    )
    assert response.status_code == 403
