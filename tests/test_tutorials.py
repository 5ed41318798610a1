"""Video tutorials: bad uploads refused, media served with exact Range answers, progress kept
only for the logged-in viewer, the stage panel, the library search, and the demo seed."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import flask_babel
import pytest
from flask import render_template_string
from flask_babel import force_locale
from sqlalchemy import func, select

from portal.auth.models import Role
from portal.extensions import db
from portal.storage import UploadRejected, get_storage
from portal.tutorials import services, vtt
from portal.tutorials.models import StageTutorial, Tutorial, TutorialView
from portal.tutorials.stages import STAGE_KEYS
from tests.conftest import csrf_token, make_user
from tests.factories import plain_category
from tests.fixtures_files import html_bytes, make_pdf, make_png, mp4_bytes, webm_bytes

DURATION = 20.0
PAYLOAD = bytes(range(256)) * 8  # 2048 bytes after the container header, so ranges are easy
VIDEO = mp4_bytes() + PAYLOAD
CAPTIONS_ID = (
    "WEBVTT\n\n00:00.000 --> 00:05.000\nBuka halaman Daftar.\n\n"
    "00:05.000 --> 00:10.000\nIsi nama dan NIK enam belas angka.\n\n"
    "00:10.000 --> 00:20.000\nUnggah dokumen persyaratan dalam bentuk PDF.\n"
)
CAPTIONS_EN = (
    "WEBVTT\n\n00:00.000 --> 00:05.000\nOpen the Register page.\n\n"
    "00:05.000 --> 00:10.000\nFill in your name and sixteen-digit NIK.\n\n"
    "00:10.000 --> 00:20.000\nUpload the required documents as PDF.\n"
)
CHAPTERS = (
    "WEBVTT\n\nregister\n00:00.000 --> 00:10.000\nDaftar akun\n\n"
    "upload\n00:10.000 --> 00:20.000\nUnggah dokumen\n"
)


def stored_files(app) -> set[str]:
    root = Path(app.config["UPLOAD_ROOT"])
    if not root.exists():
        return set()
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file() and ".tmp" not in p.parts}


def make_tutorial(
    *, published: bool = True, slug: str | None = None, video: bytes = VIDEO, title: str = "Cara mendaftar"
) -> Tutorial:
    tutorial = Tutorial(
        slug=slug,
        title_id=title,
        title_en="How to register",
        duration_seconds=DURATION,
        chapters_json=[],
        chapter_transcripts={},
        published=False,
    )
    db.session.add(tutorial)
    services.attach_video(tutorial, video)
    services.attach_poster(tutorial, make_png(32, 18))
    services.attach_captions(tutorial, "id", CAPTIONS_ID.encode())
    services.attach_captions(tutorial, "en", CAPTIONS_EN.encode())
    services.attach_chapters(
        tutorial, CHAPTERS.encode(), titles_en={"register": "Create an account", "upload": "Upload documents"}
    )
    tutorial.published = published
    db.session.commit()
    return tutorial


@pytest.fixture
def tutorial(app) -> Tutorial:
    return make_tutorial()


def token(client) -> str:
    page = client.get("/tutorials?lang=en").get_data(as_text=True)  # the log-out form's token
    if 'name="csrf_token"' not in page:
        page = client.get("/login?lang=en").get_data(as_text=True)  # anonymous: the login form
    return csrf_token(page)


# -- bad input: each refused, nothing left behind ----------------------------------------------------
def test_captions_that_do_not_parse_are_refused_naming_the_line(app, tutorial, english_messages):
    before = stored_files(app)
    broken = b"WEBVTT\n\n00:00.000 --> 00:05.000\nBuka.\n\n00:05.000 -> 00:09.000\nSalah panah.\n"
    with pytest.raises(vtt.VttError) as info:
        services.attach_captions(tutorial, "id", broken)
    assert info.value.line == 6
    assert "line 6" in str(info.value)
    assert stored_files(app) == before
    assert tutorial.captions_id_key is not None  # the old captions still stand


@pytest.mark.parametrize("lang", ["fr", "jv", "../id"])
def test_captions_for_an_unknown_language_are_refused(app, tutorial, english_messages, lang):
    before = stored_files(app)
    with pytest.raises(vtt.VttError, match="not offered"):
        services.attach_captions(tutorial, lang, CAPTIONS_ID.encode())
    assert stored_files(app) == before


def test_chapters_beyond_the_video_length_are_refused(app, tutorial, english_messages):
    before = stored_files(app)
    late = CHAPTERS + "\nextra\n00:20.000 --> 00:35.000\nTerlalu panjang\n"
    with pytest.raises(vtt.VttError, match="after the end of the video"):
        services.attach_chapters(tutorial, late.encode())
    assert stored_files(app) == before
    assert [c["id"] for c in tutorial.chapters_json] == ["register", "upload"]


def test_captions_beyond_the_video_length_are_refused(app, tutorial, english_messages):
    with pytest.raises(vtt.VttError, match="after the end of the video"):
        services.attach_captions(tutorial, "en", CAPTIONS_EN.encode() + b"\n00:30.000 --> 00:40.000\nLate\n")


@pytest.mark.parametrize(
    ("data", "found"),
    [
        (make_pdf(), "pdf"),
        (html_bytes(), "html"),
        (b"\x00\x01 not a video at all" * 10, "unknown"),
    ],
)
def test_a_video_whose_bytes_are_not_mp4_or_webm_is_refused(app, tutorial, data, found):
    before = stored_files(app)
    with pytest.raises(UploadRejected) as info:
        services.attach_video(tutorial, data)
    assert info.value.code == "wrong_type"
    assert info.value.params["found"] == found
    with app.test_request_context("/?lang=en"):
        assert "this document must be an MP4 or WebM file" in info.value.message()
    assert stored_files(app) == before


def test_webm_video_is_accepted_and_served_as_webm(app, client, tutorial):
    services.attach_video(tutorial, webm_bytes() + PAYLOAD)
    db.session.commit()
    assert tutorial.video_type == "video/webm"
    response = client.get(f"/tutorials/media/{tutorial.id}/video")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "video/webm"


def test_a_video_over_the_size_limit_is_refused(app, tutorial):
    before = stored_files(app)
    app.config["TUTORIAL_VIDEO_MAX_BYTES"] = 1000
    try:
        with pytest.raises(UploadRejected) as info:
            services.attach_video(tutorial, VIDEO)
    finally:
        del app.config["TUTORIAL_VIDEO_MAX_BYTES"]
    assert info.value.code == "too_large"
    assert stored_files(app) == before


@pytest.mark.parametrize(
    "url",
    [
        "https://www.youtube.com/embed/abc",  # not the nocookie host
        "https://evil.example/embed/abc",
        "https://www.youtube-nocookie.com.evil.example/embed/abc",
        "https://user@www.youtube-nocookie.com/embed/abc",
        "https://www.youtube-nocookie.com:8443/embed/abc",
        "javascript:alert(1)",
        "JavaScript://www.youtube-nocookie.com/%0aalert(1)",
        "http://www.youtube-nocookie.com/embed/abc",  # plain http
        "//www.youtube-nocookie.com/embed/abc",
        "https://www.youtube-nocookie.com/embed/a b",
        "data:text/html,<script>alert(1)</script>",
        "",
    ],
)
def test_embed_urls_off_the_allow_list_are_refused(app, tutorial, url):
    with app.test_request_context("/?lang=en"), pytest.raises(services.TutorialError, match="https://"):
        services.set_embed(tutorial, url)
    assert tutorial.embed_url is None


def test_embed_urls_on_the_allow_list_are_accepted(app, tutorial):
    services.set_embed(tutorial, "https://www.youtube-nocookie.com/embed/abc123")
    assert tutorial.embed_url == "https://www.youtube-nocookie.com/embed/abc123"
    app.config["TUTORIAL_EMBED_HOSTS"] = ["video.kota.go.id"]
    try:
        with pytest.raises(services.TutorialError):
            services.set_embed(tutorial, "https://player.vimeo.com/video/1")
        services.set_embed(tutorial, "https://video.kota.go.id/v/1")
    finally:
        del app.config["TUTORIAL_EMBED_HOSTS"]


def test_embedded_tutorial_shows_a_sandboxed_iframe(app, client):
    t = Tutorial(
        title_id="Video luar",
        title_en="External video",
        duration_seconds=60,
        chapters_json=[],
        chapter_transcripts={},
        transcript_id="Teks narasi luar",
        published=True,
    )
    services.set_embed(t, "https://www.youtube-nocookie.com/embed/abc123")
    db.session.add(t)
    db.session.commit()
    html = client.get(f"/tutorials/{t.id}?lang=en").get_data(as_text=True)
    assert '<iframe src="https://www.youtube-nocookie.com/embed/abc123"' in html
    assert 'sandbox="allow-scripts allow-same-origin allow-presentation allow-popups"' in html
    assert "Teks narasi luar" in html


# -- serving with Range ------------------------------------------------------------------------------
def video_url(t: Tutorial) -> str:
    return f"/tutorials/media/{t.id}/video"


def test_range_from_zero_gives_206_with_exact_headers(client, tutorial):
    response = client.get(video_url(tutorial), headers={"Range": "bytes=0-"})
    assert response.status_code == 206
    assert response.headers["Content-Range"] == f"bytes 0-{len(VIDEO) - 1}/{len(VIDEO)}"
    assert response.headers["Content-Length"] == str(len(VIDEO))
    assert response.headers["Accept-Ranges"] == "bytes"
    assert response.headers["Content-Type"] == "video/mp4"
    assert response.data == VIDEO


def test_a_middle_range_gives_exactly_those_bytes(client, tutorial):
    response = client.get(video_url(tutorial), headers={"Range": "bytes=100-1123"})
    assert response.status_code == 206
    assert response.headers["Content-Range"] == f"bytes 100-1123/{len(VIDEO)}"
    assert response.headers["Content-Length"] == "1024"
    assert response.data == VIDEO[100:1124]


def test_a_suffix_range_gives_the_last_bytes(client, tutorial):
    response = client.get(video_url(tutorial), headers={"Range": "bytes=-10"})
    assert response.status_code == 206
    assert response.data == VIDEO[-10:]


@pytest.mark.parametrize(
    "header", ["bytes=abc", "bytes=500-100", "bytes=", "bytes=1-2-3", "bytes=-0", "0-100"]
)
def test_malformed_ranges_give_416(client, tutorial, header):
    response = client.get(video_url(tutorial), headers={"Range": header})
    assert response.status_code == 416
    assert response.headers["Content-Range"] == f"bytes */{len(VIDEO)}"
    assert response.data == b""


def test_a_range_past_the_end_gives_416(client, tutorial):
    response = client.get(video_url(tutorial), headers={"Range": "bytes=999999999-"})
    assert response.status_code == 416
    assert response.headers["Content-Range"] == f"bytes */{len(VIDEO)}"


def test_several_ranges_at_once_give_the_whole_file(client, tutorial):
    response = client.get(video_url(tutorial), headers={"Range": "bytes=0-9,100-109"})
    assert response.status_code == 200
    assert "Content-Range" not in response.headers
    assert response.data == VIDEO


def test_a_range_in_an_unknown_unit_is_ignored(client, tutorial):
    response = client.get(video_url(tutorial), headers={"Range": "items=0-5"})
    assert response.status_code == 200
    assert response.data == VIDEO


def test_a_range_on_a_missing_file_gives_404(app, client, tutorial):
    get_storage().delete(tutorial.video_key)
    response = client.get(video_url(tutorial), headers={"Range": "bytes=0-"})
    assert response.status_code == 404


def test_etag_and_last_modified_allow_revalidation(client, tutorial):
    first = client.get(f"{video_url(tutorial)}?v={tutorial.media_version}")
    assert first.status_code == 200
    assert first.headers["Cache-Control"] == "public, max-age=86400"
    etag = first.headers["ETag"]
    again = client.get(video_url(tutorial), headers={"If-None-Match": etag})
    assert again.status_code == 304
    since = client.get(video_url(tutorial), headers={"If-Modified-Since": first.headers["Last-Modified"]})
    assert since.status_code == 304
    stale = client.get(video_url(tutorial), headers={"Range": "bytes=0-9", "If-Range": '"other"'})
    assert stale.status_code == 200  # the file changed since: the whole file, not a piece


@pytest.mark.parametrize(
    ("kind", "content_type"),
    [
        ("poster", "image/png"),
        ("captions-id", "text/vtt; charset=utf-8"),
        ("captions-en", "text/vtt; charset=utf-8"),
        ("chapters", "text/vtt; charset=utf-8"),
    ],
)
def test_tracks_and_poster_have_the_right_content_type(client, tutorial, kind, content_type):
    response = client.get(f"/tutorials/media/{tutorial.id}/{kind}")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == content_type
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    if kind == "captions-en":
        assert response.data.decode() == CAPTIONS_EN


@pytest.mark.parametrize(
    "path",
    [
        "/tutorials/media/{id}/script",
        "/tutorials/media/{id}/small",
        "/tutorials/media/999999/video",
        "/tutorials/999999",
    ],
)
def test_unknown_kind_tutorial_or_missing_rendition_gives_404(client, tutorial, path):
    assert client.get(path.format(id=tutorial.id)).status_code == 404


def test_unpublished_tutorials_are_not_served_to_the_public(client):
    hidden = make_tutorial(published=False)
    assert client.get(video_url(hidden)).status_code == 404
    assert client.get(f"/tutorials/{hidden.id}").status_code == 404
    assert "Cara mendaftar" not in client.get("/tutorials").get_data(as_text=True)


def test_an_admin_may_preview_an_unpublished_tutorial_without_caching(client, login_as):
    hidden = make_tutorial(published=False)
    login_as("admin")
    response = client.get(video_url(hidden))
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "private, no-store"


def test_x_accel_redirect_hands_the_file_to_nginx(app, client, tutorial):
    app.config["X_ACCEL_REDIRECT_PREFIX"] = "/_protected_uploads/"
    try:
        response = client.get(video_url(tutorial), headers={"Range": "bytes=0-"})
    finally:
        del app.config["X_ACCEL_REDIRECT_PREFIX"]
    assert response.status_code == 200
    assert response.headers["X-Accel-Redirect"] == "/_protected_uploads/" + tutorial.video_key
    assert response.headers["Content-Type"] == "video/mp4"
    assert response.data == b""


# -- progress -----------------------------------------------------------------------------------------
def post_progress(client, t_id: int, body, *, csrf: str | None = "page"):
    headers = {}
    if csrf == "page":
        headers["X-CSRFToken"] = token(client)
    elif csrf:
        headers["X-CSRFToken"] = csrf
    return client.post(
        f"/tutorials/{t_id}/progress",
        data=json.dumps(body) if not isinstance(body, str) else body,
        content_type="application/json",
        headers=headers,
    )


def views_count() -> int:
    return db.session.scalar(select(func.count()).select_from(TutorialView))


def test_progress_keeps_the_furthest_point_and_completed_chapters(client, login_as, tutorial):
    user = login_as("applicant")
    assert post_progress(client, tutorial.id, {"position": 8.5}).status_code == 200
    response = post_progress(client, tutorial.id, {"position": 10.2, "chapter": "register"})
    assert response.status_code == 200
    assert response.get_json() == {"furthest_seconds": 10.2, "chapters_completed": ["register"]}
    # Seeking back does not lose anything; the same chapter is not counted twice.
    post_progress(client, tutorial.id, {"position": 2.0, "chapter": "register"})
    view = db.session.scalar(select(TutorialView).where(TutorialView.user_id == user.id))
    db.session.refresh(view)
    assert view.furthest_seconds == 10.2
    assert view.chapters_completed == ["register"]
    assert services.progress_for(user.id)[0].tutorial.id == tutorial.id


def test_progress_for_an_unpublished_tutorial_is_refused(client, login_as):
    hidden = make_tutorial(published=False)
    login_as("applicant")
    assert post_progress(client, hidden.id, {"position": 3}).status_code == 404
    assert views_count() == 0


def test_progress_for_an_unknown_tutorial_is_refused(client, login_as):
    login_as("applicant")
    assert post_progress(client, 987654, {"position": 3}).status_code == 404
    assert views_count() == 0


@pytest.mark.parametrize(
    "body",
    [
        {"position": -1},
        {"position": -0.001},
        {"position": 1e9},
        {"position": DURATION + 1.5},
        '{"position": NaN}',
        '{"position": Infinity}',
        '{"position": -Infinity}',
        {"position": "abc"},
        {"position": None},
        {},
        {"position": [1]},
        {"position": True} if False else {"position": "1e999"},
        {"position": 3, "chapter": "no-such-chapter"},
        {"position": 3, "chapter": ["register"]},
    ],
)
def test_bad_positions_and_chapters_are_refused(client, login_as, tutorial, body):
    login_as("applicant")
    response = post_progress(client, tutorial.id, body)
    assert response.status_code == 400
    assert views_count() == 0


def test_progress_without_csrf_is_refused(client, login_as, tutorial):
    login_as("applicant")
    assert post_progress(client, tutorial.id, {"position": 3}, csrf=None).status_code == 400
    assert post_progress(client, tutorial.id, {"position": 3}, csrf="forged-token").status_code == 400
    assert views_count() == 0


def test_a_post_changes_only_the_callers_own_row(app, client, login_as, tutorial, user_factory):
    other = user_factory("applicant")
    services.record_progress(other.id, tutorial.id, 4.0)
    db.session.commit()
    me = login_as("applicant")
    # There is no user parameter; one smuggled in is ignored.
    response = post_progress(client, tutorial.id, {"position": 15, "chapter": "upload", "user_id": other.id})
    assert response.status_code == 200
    rows = {v.user_id: v for v in db.session.scalars(select(TutorialView))}
    for row in rows.values():
        db.session.refresh(row)
    assert rows[other.id].furthest_seconds == 4.0
    assert rows[other.id].chapters_completed == []
    assert rows[me.id].furthest_seconds == 15
    assert rows[me.id].chapters_completed == ["upload"]


def test_anonymous_progress_is_not_tracked(client, tutorial):
    response = post_progress(client, tutorial.id, {"position": 3})
    assert response.status_code in (302, 401)
    if response.status_code == 302:
        assert "/login" in response.headers["Location"]
    assert views_count() == 0


def test_anonymous_viewers_get_no_progress_url(client, tutorial):
    html = client.get(f"/tutorials/{tutorial.id}").get_data(as_text=True)
    assert "data-progress-url" not in html


# -- the stage panel ----------------------------------------------------------------------------------
PANEL = '{% from "tutorials/_panel.html" import tutorial_panel %}{{ tutorial_panel(stage, category_id=cat) }}'


def render_panel(app, stage: str, category_id=None, lang: str = "en") -> str:
    with app.test_request_context(f"/?lang={lang}"):
        # The test's app context is shared with this request: forget the cached locale.
        flask_babel.refresh()
        return render_template_string(PANEL, stage=stage, cat=category_id)


def make_category(slug: str = "pbg-test"):
    from portal.catalogue.models import Sector

    return plain_category(
        slug, code="PBGT", name_id="PBG", name_en="PBG", sector=Sector.BUILDING, time_limit_days=10
    )


def test_a_stage_shows_its_chapter_with_captions_and_transcript(app, tutorial):
    services.map_stage("upload_documents", tutorial, "upload")
    db.session.commit()
    html = render_panel(app, "upload_documents", lang="en")
    assert "<details" in html
    # Nobody chose yet: one line (tutorials.js opens it on a wide screen; issue 14).
    assert "open>" not in html.split("<summary")[0]
    assert 'preload="metadata"' in html
    assert " controls " in html
    assert f'src="/tutorials/media/{tutorial.id}/video?v={tutorial.media_version}#t=10.000"' in html
    assert 'srclang="en" label="English" src="' in html
    en_track = html[html.index('srclang="en"') :].split(">")[0]
    id_track = html[html.index('srclang="id"') :].split(">")[0]
    assert " default" in en_track
    assert " default" not in id_track
    assert 'kind="chapters"' in html
    assert WATCH_UPLOAD.search(html)
    # The chapter's transcript is shown; the other chapter's is hidden until chosen.
    assert '<div data-chapter-transcript="upload">' in html
    assert '<div data-chapter-transcript="register" hidden>' in html
    assert "Upload the required documents as PDF." in html
    assert f'href="/tutorials/{tutorial.id}?chapter=register"' in html
    # In Indonesian the Indonesian captions are on by default.
    html_id = render_panel(app, "upload_documents", lang="id")
    id_track = html_id[html_id.index('srclang="id"') :].split(">")[0]
    assert " default" in id_track
    assert "Unggah dokumen persyaratan dalam bentuk PDF." in html_id


def test_a_category_tutorial_wins_over_the_general_one(app, tutorial):
    category = make_category()
    own = make_tutorial(title="Gambar bangunan PBG")
    services.map_stage("upload_documents", tutorial, "upload")
    services.map_stage("upload_documents", own, "register", category_id=category.id)
    db.session.commit()
    choice = services.tutorial_for_stage("upload_documents", category.id)
    assert choice.tutorial.id == own.id
    assert choice.chapter["id"] == "register"
    assert services.tutorial_for_stage("upload_documents").tutorial.id == tutorial.id
    assert services.tutorial_for_stage("upload_documents", category.id + 1000).tutorial.id == tutorial.id
    own.published = False
    db.session.commit()
    assert services.tutorial_for_stage("upload_documents", category.id).tutorial.id == tutorial.id


def test_a_stage_without_a_tutorial_shows_no_video(app, tutorial):
    html = render_panel(app, "download_permit")
    assert "<details" not in html and "<video" not in html
    # Only the walkthrough's button, hidden until walkthrough.js reveals it (issue 14).
    assert re.search(r"<button type=\"button\" class=\"[^\"]*tutorial-walkthrough-start\" hidden", html)
    assert services.tutorial_for_stage("no_such_stage") is None


def test_one_general_mapping_per_stage(app, tutorial):
    services.map_stage("login", tutorial, "register")
    services.map_stage("login", tutorial, "upload")
    db.session.commit()
    rows = db.session.scalars(select(StageTutorial).where(StageTutorial.stage_key == "login")).all()
    assert [(r.chapter_id, r.category_id) for r in rows] == [("upload", None)]
    with pytest.raises(services.TutorialError):
        services.map_stage("login", tutorial, "no-such-chapter")


def test_watched_marks_follow_the_logged_in_user(app, client, login_as, tutorial):
    user = login_as("applicant")
    post_progress(client, tutorial.id, {"position": 10.0, "chapter": "register"})
    html = client.get(f"/tutorials/{tutorial.id}?lang=en").get_data(as_text=True)
    register_item = html[html.index('data-chapter="register"') : html.index('data-chapter="upload"')]
    assert 'class="tutorial-watched badge text-bg-success">' in register_item
    upload_item = html[html.index('data-chapter="upload"') :]
    assert "hidden>Watched" in upload_item
    assert f'data-progress-url="/tutorials/{tutorial.id}/progress"' in html
    assert user.id  # the row belongs to this user (see test_a_post_changes_only_the_callers_own_row)


def test_watch_page_starts_at_the_chosen_chapter(client, tutorial):
    html = client.get(f"/tutorials/{tutorial.id}?chapter=upload&lang=en").get_data(as_text=True)
    assert "#t=10.000" in html
    assert 'data-start="10.0"' in html
    html = client.get(f"/tutorials/{tutorial.id}?chapter=gone&lang=en").get_data(as_text=True)
    assert "#t=" not in html  # an unknown chapter plays from the start


# -- library ------------------------------------------------------------------------------------------
def test_library_search_finds_a_chapter_by_a_word_of_its_transcript(client, tutorial):
    make_tutorial(title="Panduan lain")
    html = client.get("/tutorials?q=persyaratan&lang=en").get_data(as_text=True)
    assert html.count('class="tutorial-chapter is-match"') == 2  # the "upload" chapter of each
    assert f'href="/tutorials/{tutorial.id}?chapter=upload"' in html
    html = client.get("/tutorials?q=sixteen-digit&lang=en").get_data(as_text=True)
    assert "is-match" in html
    assert "Fill in your name and sixteen-digit NIK." in html


def test_library_search_treats_like_wildcards_literally(client, tutorial):
    for query in ("%", "_", "%%", "a%b", "\\"):
        html = client.get("/tutorials", query_string={"q": query, "lang": "en"}).get_data(as_text=True)
        assert "No video guide matches" in html, query
    assert "How to register" in client.get("/tutorials?lang=en").get_data(as_text=True)


def test_library_search_with_a_nul_or_control_character_is_a_normal_page(client, tutorial):
    """PostgreSQL refuses NUL in text: the route fuzzer's ``q=\x00`` gave a 500 there."""
    for query in ("\x00", "pers\x00yaratan", "\x1b[2J", "\u202e"):
        response = client.get("/tutorials", query_string={"q": query, "lang": "en"})
        assert response.status_code == 200, repr(query)
    html = client.get("/tutorials", query_string={"q": "pers\x00yaratan", "lang": "en"}).get_data(
        as_text=True
    )
    assert "is-match" in html  # the NUL is dropped, the word still found


def test_library_lists_every_published_tutorial_with_chapter_links(client, tutorial):
    html = client.get("/tutorials?lang=en").get_data(as_text=True)
    assert f'href="/tutorials/{tutorial.id}?chapter=register"' in html
    assert f'href="/tutorials/{tutorial.id}?chapter=upload"' in html
    assert "Create an account" in html


# -- demo content -------------------------------------------------------------------------------------
DATA = Path(__file__).resolve().parent.parent / "portal" / "data" / "tutorials"


def test_demo_seed_maps_every_stage_and_is_idempotent(app):
    from portal.tutorials.seed import seed_tutorials

    first = list(seed_tutorials())
    assert any("panduan-permohonan" in line for line in first)
    assert list(seed_tutorials()) == []
    for stage in STAGE_KEYS:
        choice = services.tutorial_for_stage(stage)
        assert choice is not None, stage
        assert choice.chapter["id"] == stage
        assert choice.tutorial.captions_id_key
        assert choice.tutorial.captions_en_key
        assert choice.tutorial.small_video_key
        assert choice.tutorial.audio_key
    guide = services.tutorial_for_stage("register").tutorial
    assert "verifikasi" in guide.chapter_transcript("register", "id")
    assert "verification" in guide.chapter_transcript("register", "en")


def test_demo_files_are_small_and_consistent():
    manifest = json.loads((DATA / "manifest.json").read_text(encoding="utf-8"))
    total = sum(p.stat().st_size for p in DATA.iterdir() if p.is_file())
    assert total < 6 * 1024 * 1024
    guide = manifest["tutorials"][0]
    assert set(guide["stages"]) == set(STAGE_KEYS)
    for entry in manifest["tutorials"]:
        chapters = vtt.check_chapters(
            vtt.parse((DATA / entry["files"]["chapters"]).read_bytes()), entry["duration_seconds"]
        )
        assert [c.id for c in chapters] == [c["id"] for c in entry["chapters"]]
        for lang in ("id", "en"):
            vtt.check_captions(
                vtt.parse((DATA / entry["files"][f"captions_{lang}"]).read_bytes()), entry["duration_seconds"]
            )


def _need_ffmpeg():
    if shutil.which("ffprobe") is None:
        if os.environ.get("REQUIRE_FFMPEG") == "1":
            pytest.fail("REQUIRE_FFMPEG=1 but ffprobe is not installed (apt-get install ffmpeg)")
        pytest.skip(
            "ffmpeg is not installed: the demo videos' streams cannot be inspected; "
            "set REQUIRE_FFMPEG=1 to make this a failure"
        )


def test_demo_videos_are_h264_aac_and_as_long_as_their_chapters():
    _need_ffmpeg()
    manifest = json.loads((DATA / "manifest.json").read_text(encoding="utf-8"))
    for entry in manifest["tutorials"]:
        for name, height in ((entry["files"]["video"], 360), (entry["files"]["small"], 240)):
            out = subprocess.run(
                [
                    "ffprobe",
                    "-v",
                    "error",
                    "-show_entries",
                    "format=duration:stream=codec_name,height",
                    "-of",
                    "json",
                    str(DATA / name),
                ],
                check=True,
                capture_output=True,
                text=True,
            ).stdout
            info = json.loads(out)
            codecs = {s["codec_name"] for s in info["streams"]}
            assert codecs == {"h264", "aac"}, name
            assert max(s.get("height", 0) for s in info["streams"]) == height
            assert abs(float(info["format"]["duration"]) - entry["duration_seconds"]) < 0.5, name


@pytest.fixture
def english_messages(app):
    """Refusals are translated; the tests asking for this read the English ones."""
    with app.test_request_context("/"), force_locale("en"):
        yield


# -- the panel, cached for visitors -------------------------------------------------------------------
WATCH_UPLOAD = re.compile(
    r'Watch how · 0:\d\d</span>\s*<span class="tutorial-panel-chapter">Upload documents<'
)


def _panel_queries(client, url: str) -> tuple[str, int]:
    from sqlalchemy import event

    statements: list[str] = []

    def record(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        html = client.get(url).get_data(as_text=True)
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    return html, len([s for s in statements if "stage_tutorials" in s or "FROM tutorials" in s])


def test_a_visitors_panel_is_rendered_once_per_stage_category_and_language(client, tutorial):
    from tests.wizard_helpers import make_category as make_permit

    category = make_permit()
    services.map_stage("requirements", tutorial, "upload")
    db.session.commit()
    url = f"/permits/{category.slug}"
    first, queried = _panel_queries(client, url + "?lang=en")
    assert WATCH_UPLOAD.search(first) and queried > 0
    again, queried = _panel_queries(client, url + "?lang=en")
    assert queried == 0 and again == first  # the same panel, from the cache
    indonesian, queried = _panel_queries(client, url + "?lang=id")
    assert queried > 0 and "Watch how" not in indonesian  # its own entry per language


def test_an_unpublished_tutorial_leaves_the_cached_panel_at_once(client, tutorial):
    from portal.tutorials.editing import set_tutorial_published
    from tests.wizard_helpers import make_category as make_permit

    category = make_permit()
    services.map_stage("requirements", tutorial, "upload")
    db.session.commit()
    url = f"/permits/{category.slug}?lang=en"
    assert WATCH_UPLOAD.search(client.get(url).get_data(as_text=True))
    set_tutorial_published(tutorial, False, make_user(Role.ADMIN))
    db.session.commit()
    assert "Watch how" not in client.get(url).get_data(as_text=True)


def test_a_logged_in_persons_panel_is_their_own(client, login_as, tutorial):
    from tests.wizard_helpers import make_category as make_permit

    category = make_permit()
    services.map_stage("requirements", tutorial, "upload")
    db.session.commit()
    url = f"/permits/{category.slug}?lang=en"
    assert "data-progress-url" not in client.get(url).get_data(as_text=True)  # cached, anonymous
    login_as(Role.APPLICANT)
    assert "data-progress-url" in client.get(url).get_data(as_text=True)
