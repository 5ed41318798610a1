"""The recorder in the real Chromium: one category filmed end to end (the CI pass records it),
and the walks behind the bad inputs of issue 14 (a form with no pages, a 30-page form, a guide
naming a label the page no longer shows).

The filmed category carries hostile labels (quotes, emoji, right-to-left text, 200
characters), an admin's unpublished draft that must not be filmed, and two publishes a second
apart that must give one recording, of the latest version.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from sqlalchemy import select

from portal.auth.models import Role, User, UserRole
from portal.auth.passwords import hash_password
from portal.catalogue.models import PermitCategory, Sector
from portal.catalogue.services import publish_new_version
from portal.extensions import db
from portal.recorder import check, driver, queue
from portal.recorder.record import prepare
from portal.recorder.scratch import copy_category, scratch_portal
from portal.recorder.script import Step, label_matches
from portal.tutorials import services, vtt
from portal.tutorials.models import RecordingRequest, RecordingState, Tutorial

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("real_commits")]

QUOTED = 'Nama "panggilan" \U0001f600'
RTL = "\u0645\u062f\u064a\u0646\u0629"  # Arabic: city
LONG = "Alamat lengkap tempat usaha " + "beserta patokan yang mudah dicari " * 5
DRAFT_LABEL = "Label draf yang belum terbit"


def _tools() -> None:
    for tool in ("ffmpeg", "ffprobe", "espeak-ng"):
        if shutil.which(tool) is None:
            pytest.skip(f"{tool} is not installed")


def _fields(name_label: str, pages: int = 1) -> list[dict]:
    fields = [
        {
            "key": "nama",
            "type": "text",
            "label_id": name_label,
            "label_en": 'Nick "name" \U0001f600',
            "required": True,
            "page": "applicant",
            "help_id": "Contoh: Siti",
            "order": 1,
        },
        {"key": "kota", "type": "text", "label_id": RTL, "required": True, "page": "applicant", "order": 2},
        {
            "key": "alamat",
            "type": "textarea",
            "label_id": LONG[:200],
            "required": True,
            "page": "applicant",
            "order": 3,
        },
        {
            "key": "catatan",
            "type": "text",
            "label_id": "Catatan",
            "required": False,
            "page": "applicant",
            "order": 4,
        },
    ]
    for n in range(2, pages + 1):
        fields.append(
            {
                "key": f"isian_{n}",
                "type": "text",
                "label_id": f"Isian halaman {n}",
                "required": True,
                "page": f"halaman_{n}",
                "page_title_id": f"Halaman ke-{n}",
                "order": 10 + n,
            }
        )
    return fields


DOCS = [
    {"key": "ktp", "label_id": "Fotokopi KTP", "allowed_types": ["pdf", "jpeg"], "required": True},
    {"key": "foto", "label_id": "Foto tempat", "allowed_types": ["jpeg"], "required": False},
]


def _make_category(app, slug: str, fields: list[dict], docs: list[dict] | None = None) -> int:
    with app.app_context():
        category = db.session.scalar(select(PermitCategory).where(PermitCategory.slug == slug))
        if category is None:
            category = PermitCategory(
                slug=slug,
                code="UJI",
                name_id=f"Izin Uji {slug}",
                name_en=f"Test permit {slug}",
                sector=Sector.GENERAL,
                time_limit_days=3,
            )
            db.session.add(category)
        publish_new_version(category, fields, DOCS if docs is None else docs)
        db.session.commit()  # services flush; the caller commits
        category_id = category.id
        db.session.remove()
    return category_id


def _walk_labels(app, slug: str) -> tuple[dict[str, set[str]], list]:
    """A fast walk (no video): the labels each stage shows and the chapters."""
    with app.app_context():
        copy = copy_category(slug)
        workdir = Path(tempfile.mkdtemp(prefix="sp-test-walk-"))
        try:
            with scratch_portal(copy) as portal:
                spec, answers = prepare(copy, portal)
                walk = driver.Walk(
                    portal=portal,
                    category_slug=slug,
                    name_id=copy.columns["name_id"],
                    name_en=copy.columns["name_en"],
                    time_limit_days=3,
                    spec=spec,
                    answers=answers,
                    email="cek@example.com",
                )
                film = driver.film(walk, lang="id", viewport="phone", voice=None, workdir=workdir, fast=True)
        finally:
            shutil.rmtree(workdir, ignore_errors=True)
        db.session.remove()
    return film.seen_labels, film.chapters


def _probe(path: Path) -> dict:
    out = subprocess.run(
        ["ffprobe", "-v", "error", "-show_streams", "-show_format", "-of", "json", str(path)],
        check=True,
        capture_output=True,
    ).stdout
    return json.loads(out)


def test_a_changed_form_is_filmed_again_once_of_the_latest_version(live, tmp_path):
    """The CI end-to-end recording: an admin renames a field and publishes twice a second
    apart while a draft is in progress; one recording follows, of the latest version, naming
    the new label (and never the draft's); it replaces the old guide on the category's stages
    and serves as an H.264/AAC MP4 with faststart, a 240p version, audio and chapter posters."""
    _tools()
    app = live.app
    slug = "uji-perekam"
    category_id = _make_category(app, slug, _fields("Nama lama"))
    app.config.update(TUTORIAL_TTS_WPM=320, TUTORIAL_RECORD_QUIET_SECONDS=1)
    try:
        with app.app_context():
            from portal.admin.services import get_draft

            admin = User(
                email="admin-rekam@example.com", full_name="Admin", password_hash=hash_password("x" * 12)
            )
            admin.roles = [UserRole(role=Role.ADMIN)]
            db.session.add(admin)
            db.session.commit()
            category = db.session.get(PermitCategory, category_id)
            old = Tutorial(
                slug=f"guide-{slug}",
                title_id="Lama",
                title_en="Old",
                published=True,
                category_id=category_id,
                chapters_json=[],
                chapter_transcripts={},
                form_version_id=category.current_version_id,
                recording={"lang": "id", "steps": []},
                embed_url="https://www.youtube-nocookie.com/embed/x",
            )
            db.session.add(old)
            db.session.commit()
            old_id = old.id
            draft = get_draft(category, admin)
            draft.fields = [
                dict(f, label_id=DRAFT_LABEL) if f["key"] == "catatan" else f for f in draft.fields
            ]
            db.session.commit()
            # Two publishes a second apart.
            publish_new_version(category, _fields("Nama sementara"), DOCS)
            db.session.commit()
            assert queue.guide_status(db.session.get(Tutorial, old_id)) == "being_updated"
            publish_new_version(category, _fields(QUOTED), DOCS)
            db.session.commit()
            latest_version = category.current_version_id
            pending = list(
                db.session.scalars(
                    select(RecordingRequest).where(RecordingRequest.category_id == category_id)
                )
            )
            assert len(pending) == 1 and pending[0].state is RecordingState.PENDING
            # The old guide is still what the stages show while the recording waits.
            assert db.session.get(Tutorial, old_id).published
            outcomes = queue.run_pending()
            assert outcomes == ["done"], db.session.scalars(select(RecordingRequest.error)).all()

            db.session.expire_all()
            guide = db.session.get(Tutorial, old_id)  # the same guide, its files swapped
            assert guide.form_version_id == latest_version
            assert queue.guide_status(guide) == "current"
            assert guide.video_key and guide.small_video_key and guide.audio_key
            steps = [Step.from_dict(s) for s in guide.recording["steps"]]
            quoted = [label for s in steps for label in s.quoted()]
            assert any(label_matches(q, QUOTED) for q in quoted), quoted
            assert any(RTL in q for q in quoted)
            assert any(q.endswith("\u2026") and LONG.startswith(q[:-1]) for q in quoted)
            assert not any("Nama lama" in q or "Nama sementara" in q or DRAFT_LABEL in q for q in quoted)
            assert "Mulai permohonan" in quoted and "Kirim perbaikan" in quoted
            stages = [c["id"] for c in guide.chapters_json]
            assert stages == [
                "register",
                "login",
                "choose_category",
                "requirements",
                "fill_form",
                "upload_documents",
                "review_submit",
                "track_status",
                "respond_correction",
                "download_permit",
            ]
            assert all(c.get("poster_key") for c in guide.chapters_json)
            for stage in stages:
                choice = services.tutorial_for_stage(stage, category_id)
                assert choice.tutorial.id == guide.id and choice.chapter["id"] == stage
            storage_root = Path(app.config["UPLOAD_ROOT"])
            cues = {
                lang: vtt.parse((storage_root / getattr(guide, f"captions_{lang}_key")).read_bytes())
                for lang in ("id", "en")
            }
            video_key, small_key = guide.video_key, guide.small_video_key
            duration = guide.duration_seconds
            db.session.remove()
    finally:
        app.config.update(TUTORIAL_TTS_WPM=None, TUTORIAL_RECORD_QUIET_SECONDS=10)

    for lang_cues in cues.values():
        for first, second in zip(lang_cues, lang_cues[1:], strict=False):
            assert first.end < second.start  # one cue on screen at a time
        assert lang_cues[-1].end <= duration + vtt.DURATION_TOLERANCE
    main = _probe(storage_root / video_key)
    codecs = {s["codec_type"]: s for s in main["streams"]}
    assert codecs["video"]["codec_name"] == "h264" and codecs["audio"]["codec_name"] == "aac"
    assert codecs["video"]["width"] == 360
    data = (storage_root / video_key).read_bytes()
    assert data.find(b"moov") < data.find(b"mdat")  # faststart: playable while it downloads
    small = _probe(storage_root / small_key)
    assert next(s for s in small["streams"] if s["codec_type"] == "video")["width"] == 240

    # Served through the existing media view, with ranges.
    client = app.test_client()
    response = client.get(f"/tutorials/media/{old_id}/small", headers={"Range": "bytes=0-99"})
    assert response.status_code == 206 and len(response.data) == 100
    poster = client.get(f"/tutorials/media/{old_id}/poster-fill_form")
    assert poster.status_code == 200 and poster.data[:3] == b"\xff\xd8\xff"
    assert client.get(f"/tutorials/media/{old_id}/poster-nope").status_code == 404


def test_a_form_without_pages_is_filmed_without_a_form_chapter(live):
    _make_category(live.app, "uji-tanpa-halaman", [])
    seen, chapters = _walk_labels(live.app, "uji-tanpa-halaman")
    stages = [c.stage for c in chapters]
    assert "fill_form" not in stages
    assert stages[-1] == "download_permit" and "upload_documents" in stages


def test_a_thirty_page_form_is_filmed_with_a_bounded_form_chapter(live):
    _make_category(live.app, "uji-tiga-puluh", _fields("Nama", pages=30))
    _seen, chapters = _walk_labels(live.app, "uji-tiga-puluh")
    form = next(c for c in chapters if c.stage == "fill_form")
    narrated_pages = {s.page for s in form.steps}
    assert len(narrated_pages) <= driver.MAX_NARRATED_PAGES + 1
    assert len(form.steps) <= driver.MAX_NARRATED_PAGES * (driver.MAX_NARRATED_FIELDS + 3) + 1
    assert any("sampai halaman 30" in s.text["id"] for s in form.steps)
    assert chapters[-1].stage == "download_permit"  # all 30 pages were filled and submitted


def test_the_check_finds_a_label_the_page_no_longer_shows(live):
    _make_category(live.app, "uji-cek", _fields("Nama pemohon"))
    seen, _chapters = _walk_labels(live.app, "uji-cek")
    steps = [
        Step("requirements", "x", "", {"id": "Tekan \u201cMulai permohonan\u201d.", "en": ""}),
        Step("requirements", "x", "", {"id": "Klik \u201cAjukan Permohonan\u201d.", "en": ""}),
        Step("respond_correction", "x", "", {"id": "Tekan \u201cKirim perbaikan\u201d.", "en": ""}),
        Step("respond_correction", "x", "", {"id": "Klik \u201cAjukan Ulang\u201d.", "en": ""}),
        Step("fill_form", "x", "", {"id": "Isi \u201cNama pemohon\u201d.", "en": ""}),
        Step("fill_form", "x", "", {"id": "Kolom \u201cbertanda bintang\u201d wajib.", "en": ""}),
    ]
    stale = check.stale_labels(steps, seen)
    assert [s.label for s in stale] == ["Ajukan Permohonan", "Ajukan Ulang", "bertanda bintang"]


def test_the_committed_demo_guides_name_only_labels_their_pages_show(live):
    """A developer who renames a button (or a seed label) the demo guide names makes this
    fail: re-record with ``make demo-guides``."""
    from portal.calendar.seed import seed_holidays
    from portal.catalogue.seed import seed_categories

    folder = Path(__file__).resolve().parents[2] / "portal" / "data" / "tutorials" / "recorded"
    entries = [json.loads(p.read_text(encoding="utf-8")) for p in sorted(folder.glob("*.json"))]
    if not entries:
        pytest.skip("no recorded demo guides")
    with live.app.app_context():
        list(seed_holidays())
        list(seed_categories())
        db.session.remove()
    for entry in entries[:2]:  # bounded time; `flask tutorials check` walks every guide
        seen, _chapters = _walk_labels(live.app, entry["category_slug"])
        steps = [Step.from_dict(s) for s in entry["steps"]]
        assert sum(len(s.quoted()) for s in steps) > 20
        assert check.stale_labels(steps, seen) == [], entry["slug"]
