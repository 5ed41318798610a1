"""The video guide recorder's rules that need no browser: the narration's quoted labels
(quotes, emoji, right-to-left text, very long labels), captions that never overlap, sample
answers the forms accept, re-recording requests (one per category, of the latest version),
the one-commit swap that keeps the old guide live when storing fails, and the admin page's
access. The filming itself is tested in tests/browser/test_recorder_journey.py."""

from __future__ import annotations

import errno
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import func, select

from portal.auth.models import Role
from portal.catalogue.formspec import FormSpec
from portal.catalogue.models import PermitCategory, Sector
from portal.catalogue.seed import build_definition, load_reference
from portal.catalogue.services import publish_new_version
from portal.extensions import db
from portal.recorder import queue, samples
from portal.recorder.encode import Outputs, caption_cues, encode, probe_duration, timed_chapters
from portal.recorder.script import (
    MAX_QUOTED_CHARS,
    Chapter,
    Step,
    label_matches,
    quote,
    quoted_labels,
    speakable,
)
from portal.storage import get_storage
from portal.tutorials import services, vtt
from portal.tutorials.models import RecordingRequest, RecordingState, StageTutorial, Tutorial
from portal.tutorials.recorded import map_guide_stages, publish_guide
from tests.conftest import post_form

RECORDED = Path(__file__).resolve().parent.parent / "portal" / "data" / "tutorials" / "recorded"
HOSTILE_LABELS = [
    'Nama "panggilan" Anda',
    "Nama \u201cpanggilan\u201d",
    "Foto usaha \U0001f3ea\u2728",
    "\u0627\u0633\u0645 \u0627\u0644\u0645\u0633\u062a\u062e\u062f\u0645",  # Arabic: user name
    "Alamat " + "sangat panjang " * 14,  # 200+ characters
    "Baris satu\nbaris dua --> tiga",
]


# -- the script's labels ---------------------------------------------------------------------------
@pytest.mark.parametrize("label", HOSTILE_LABELS)
def test_a_hostile_label_is_quoted_so_the_check_finds_it_again(label):
    text = f"Isi {quote(label)}. Lalu tekan {quote('Simpan dan lanjutkan')}."
    found = quoted_labels(text)
    assert len(found) == 2, found
    assert label_matches(found[0], label)
    assert found[1] == "Simpan dan lanjutkan"
    assert "\n" not in text and "-->" not in text
    assert len(found[0]) <= MAX_QUOTED_CHARS


def test_a_cut_label_does_not_match_a_different_label():
    long = "Alamat " + "sangat panjang " * 14
    quoted = quoted_labels(quote(long))[0]
    assert quoted.endswith("\u2026")
    assert not label_matches(quoted, "Alamat lain sama sekali " * 8)


def test_right_to_left_text_is_isolated_inside_its_quotes():
    arabic = HOSTILE_LABELS[3]
    assert quote(arabic) == f"\u201c\u2068{arabic}\u2069\u201d"


def test_the_speech_text_has_no_emoji_quotes_or_isolates():
    spoken = speakable(f"Unggah {quote(HOSTILE_LABELS[2])} dan {quote(HOSTILE_LABELS[3])}.")
    assert "\U0001f3ea" not in spoken and "\u2728" not in spoken
    assert "\u201c" not in spoken and "\u2068" not in spoken
    assert spoken.startswith("Unggah Foto usaha dan ")


def test_a_renamed_label_no_longer_matches():
    assert label_matches("Mulai permohonan", "Mulai permohonan")
    assert not label_matches("Ajukan Permohonan", "Mulai permohonan")


# -- captions and chapters -------------------------------------------------------------------------
def _chapters() -> list[Chapter]:
    def step(stage, start, end, text):
        return Step(
            stage=stage, selector="main h1", label="", text={"id": text, "en": text}, start=start, end=end
        )

    return [
        Chapter(
            "register",
            {"id": "Daftar akun", "en": "Create an account"},
            [step("register", 1.0, 4.0, "satu"), step("register", 3.5, 6.0, "dua")],
        ),
        # The last cue of a chapter runs past the next chapter's first step.
        Chapter(
            "login",
            {"id": "Masuk", "en": "Log in"},
            [step("login", 5.8, 9.0, "tiga"), step("login", 9.0, 12.0, "empat")],
        ),
    ]


def test_captions_never_show_two_cues_at_once_even_across_chapters():
    cues = caption_cues(_chapters(), "id", duration=11.0)
    for first, second in zip(cues, cues[1:], strict=False):
        assert first.end < second.start, (first, second)
    assert cues[-1].end <= 11.0
    parsed = vtt.parse(vtt.serialize(cues))
    assert [c.text for c in parsed] == ["satu", "dua", "tiga", "empat"]


def test_chapters_follow_each_other_from_zero_to_the_end():
    timed = timed_chapters(_chapters(), duration=12.5)
    assert [c["id"] for c in timed] == ["register", "login"]
    assert timed[0]["start"] == 0.0 and timed[0]["end"] == timed[1]["start"] == 5.8
    assert timed[1]["end"] == 12.5
    vtt.check_chapters([vtt.Cue(c["start"], c["end"], c["title"]["id"], id=c["id"]) for c in timed], 12.5)


# -- sample answers ---------------------------------------------------------------------------------
@pytest.mark.parametrize("raw", load_reference()["categories"], ids=lambda raw: raw["slug"])
def test_sample_answers_pass_every_page_of_every_seeded_form(raw):
    from werkzeug.datastructures import MultiDict

    spec = FormSpec.from_version(*build_definition(raw))
    answers = samples.sample_answers(spec)
    for page in spec.pages:
        data = MultiDict()
        for f in page.fields:
            value = answers[f.key]
            for v in value if isinstance(value, list) else [value]:
                data.add(f.key, v)
        result = spec.validate_page(page.key, data, answers)
        assert result.ok, (page.key, {k: e.message for k, e in result.errors.items()})


def test_a_pattern_field_takes_the_example_in_its_help_text():
    spec = FormSpec.from_version(
        [
            {
                "key": "kode",
                "type": "text",
                "label_id": "Kode kantor",
                "required": True,
                "pattern": "KT-[0-9]{4}",
                "help_id": "Contoh: KT-2026",
            }
        ],
        [],
    )
    assert samples.sample_answers(spec)["kode"] == "KT-2026"


def test_a_field_no_sample_can_pass_is_named():
    spec = FormSpec.from_version(
        [
            {
                "key": "kode_rahasia",
                "type": "text",
                "label_id": "Kode",
                "required": True,
                "pattern": "ZZ[0-9]{9}QQ",
            }
        ],
        [],
    )
    with pytest.raises(samples.SampleError, match="kode_rahasia"):
        samples.sample_answers(spec)


# -- re-recording requests -------------------------------------------------------------------------
def _category(slug: str = "uji-rekam") -> PermitCategory:
    category = PermitCategory(
        slug=slug,
        code="UJI",
        name_id="Izin Uji Rekam",
        name_en="Recording test permit",
        sector=Sector.GENERAL,
        time_limit_days=3,
    )
    db.session.add(category)
    publish_new_version(
        category,
        [{"key": "nama", "type": "text", "label_id": "Nama", "required": True, "page": "applicant"}],
        [{"key": "ktp", "label_id": "KTP", "allowed_types": ["pdf"]}],
    )
    return category


def _recorded_guide(category: PermitCategory, version_id: int | None) -> Tutorial:
    tutorial = Tutorial(
        slug=f"guide-{category.slug}",
        title_id="Panduan",
        title_en="Guide",
        published=True,
        category_id=category.id,
        chapters_json=[],
        chapter_transcripts={},
        form_version_id=version_id,
        recording={"lang": "id", "steps": []},
    )
    db.session.add(tutorial)
    db.session.commit()
    return tutorial


def _publish_again(category: PermitCategory, label: str) -> None:
    version = category.current_version
    fields = [dict(f, label_id=label) if f["key"] == "nama" else f for f in version.fields]
    publish_new_version(category, fields, version.documents)


def _pending(category: PermitCategory) -> list[RecordingRequest]:
    return list(
        db.session.scalars(
            select(RecordingRequest).where(
                RecordingRequest.category_id == category.id, RecordingRequest.state == RecordingState.PENDING
            )
        )
    )


def test_publishing_a_form_queues_a_recording_of_its_guide():
    category = _category()
    _recorded_guide(category, category.current_version_id)
    _publish_again(category, "Nama lengkap")
    requests = _pending(category)
    assert len(requests) == 1
    assert requests[0].reason == "form version published"


def test_two_publishes_a_second_apart_make_one_request():
    category = _category()
    _recorded_guide(category, category.current_version_id)
    _publish_again(category, "Nama lengkap")
    first = _pending(category)[0].requested_at
    _publish_again(category, "Nama sesuai KTP")
    requests = _pending(category)
    assert len(requests) == 1
    assert requests[0].requested_at >= first


def test_a_category_without_a_recorded_guide_queues_nothing():
    category = _category()
    _publish_again(category, "Nama lengkap")
    assert _pending(category) == []


def test_a_guide_of_an_older_form_version_shows_as_being_updated():
    category = _category()
    guide = _recorded_guide(category, category.current_version_id)
    assert queue.guide_status(guide) == "current"
    _publish_again(category, "Nama lengkap")
    assert queue.guide_status(guide) == "being_updated"
    db.session.execute(RecordingRequest.__table__.delete())
    assert queue.guide_status(guide) == "being_updated"  # still filmed from the old version


def test_a_running_job_for_a_taken_request_does_nothing():
    category = _category()
    request = RecordingRequest(category_id=category.id, state=RecordingState.RUNNING)
    db.session.add(request)
    db.session.commit()
    assert queue.run_recording(request.id) == "skipped"


# -- the swap ---------------------------------------------------------------------------------------
def _outputs(tmp_path: Path, duration: float = 4.0) -> Outputs:
    if shutil.which("ffmpeg") is None:
        pytest.skip("ffmpeg is not installed")
    video = tmp_path / "v.mp4"
    subprocess.run(
        [
            "ffmpeg",
            "-v",
            "error",
            "-y",
            "-f",
            "lavfi",
            "-i",
            f"color=c=white:s=240x320:d={duration}",
            "-f",
            "lavfi",
            "-i",
            "anullsrc=r=22050:cl=mono",
            "-t",
            str(duration),
            "-c:v",
            "libx264",
            "-pix_fmt",
            "yuv420p",
            "-c:a",
            "aac",
            "-movflags",
            "+faststart",
            str(video),
        ],
        check=True,
    )
    poster = tmp_path / "p.jpg"
    poster.write_bytes(samples.sample_jpeg("poster"))
    chapters = [{"id": "login", "start": 0.0, "end": duration, "title": {"id": "Masuk", "en": "Log in"}}]
    cues = [vtt.Cue(0.5, 2.0, "Tekan \u201cMasuk\u201d.")]
    return Outputs(
        video=video,
        small=video,
        audio=video,
        posters={"login": poster},
        captions={"id": vtt.serialize(cues).encode(), "en": vtt.serialize(cues).encode()},
        chapters_vtt=vtt.serialize([vtt.Cue(0.0, duration, "Masuk", id="login")]).encode(),
        duration=duration,
        chapters=chapters,
        transcripts={"login": {"id": "Tekan Masuk.", "en": "Press Log in."}},
    )


def _stored_files(app) -> set[Path]:
    root = Path(app.config["UPLOAD_ROOT"])
    return {p for p in root.rglob("*") if p.is_file()} if root.exists() else set()


def test_a_recorded_guide_is_published_and_shown_on_its_category_stages(tmp_path, client):
    category = _category()
    steps = [{"stage": "login", "selector": "#email", "label": "Masuk", "text": {"id": "a", "en": "a"}}]
    tutorial = publish_guide(
        category,
        _outputs(tmp_path),
        steps,
        lang="id",
        viewport="phone",
        form_version_id=category.current_version_id,
        form_version_number=1,
    )
    assert tutorial.published and tutorial.recording["steps"] == steps
    choice = services.tutorial_for_stage("login", category.id)
    assert choice.tutorial.id == tutorial.id and choice.chapter["id"] == "login"
    assert tutorial.chapters_json[0]["poster_key"]
    poster = client.get(f"/tutorials/media/{tutorial.id}/poster-login")
    assert poster.status_code == 200 and poster.headers["Content-Type"] == "image/jpeg"
    assert client.get(f"/tutorials/media/{tutorial.id}/poster-fill_form").status_code == 404
    # Stages the guide has no chapter for show the general guide.
    assert services.tutorial_for_stage("fill_form", category.id) is None


@pytest.mark.parametrize("failure", ["disk_full", "crash"])
def test_a_failed_store_keeps_the_old_guide_live_and_leaves_no_files(app, tmp_path, monkeypatch, failure):
    category = _category()
    steps = [{"stage": "login", "selector": "#email", "label": "Masuk", "text": {"id": "a", "en": "a"}}]
    old = publish_guide(
        category,
        _outputs(tmp_path),
        steps,
        lang="id",
        viewport="phone",
        form_version_id=category.current_version_id,
        form_version_number=1,
    )
    old_keys = (old.video_key, old.small_video_key, old.audio_key, old.captions_id_key, old.poster_key)
    files_before = _stored_files(app)
    storage = get_storage()
    real_save = type(storage).save
    calls = {"n": 0}

    def failing_save(self, *args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 4:  # after the videos and the audio file were stored
            if failure == "disk_full":
                raise OSError(errno.ENOSPC, "No space left on device")
            raise RuntimeError("recorder crashed")
        return real_save(self, *args, **kwargs)

    monkeypatch.setattr(type(storage), "save", failing_save)
    fresh = tmp_path / "new"
    fresh.mkdir()
    new_outputs = _outputs(fresh, duration=5.0)
    with pytest.raises((OSError, RuntimeError)):
        publish_guide(
            category,
            new_outputs,
            steps,
            lang="id",
            viewport="phone",
            form_version_id=category.current_version_id,
            form_version_number=2,
        )
    monkeypatch.undo()
    db.session.expire_all()
    live = db.session.get(Tutorial, old.id)
    assert live.published
    assert (
        live.video_key,
        live.small_video_key,
        live.audio_key,
        live.captions_id_key,
        live.poster_key,
    ) == old_keys
    assert live.duration_seconds == 4.0
    assert _stored_files(app) == files_before  # nothing half-published, nothing left over
    assert services.tutorial_for_stage("login", category.id).tutorial.id == old.id


def test_a_guide_without_a_form_chapter_sends_that_stage_back_to_the_general_guide(tmp_path):
    category = _category()
    steps = [{"stage": "login", "selector": "#email", "label": "Masuk", "text": {"id": "a", "en": "a"}}]
    tutorial = publish_guide(
        category,
        _outputs(tmp_path),
        steps,
        lang="id",
        viewport="phone",
        form_version_id=category.current_version_id,
        form_version_number=1,
    )
    services.map_stage("fill_form", tutorial, None, category_id=category.id)  # an old mapping
    map_guide_stages(tutorial, category.id)
    stages = set(
        db.session.scalars(select(StageTutorial.stage_key).where(StageTutorial.category_id == category.id))
    )
    assert stages == {"login"}


# -- the committed demo guides ----------------------------------------------------------------------
def test_the_committed_demo_guides_are_small_and_name_only_labels_in_quotes():
    entries = sorted(RECORDED.glob("*.json"))
    if not entries:
        pytest.skip("no recorded demo guides (make demo-guides)")
    total = 0
    for path in RECORDED.iterdir():
        assert path.stat().st_size <= 5 * 1024 * 1024, path.name
        total += path.stat().st_size
    assert total <= 40 * 1024 * 1024
    import json

    for path in entries:
        entry = json.loads(path.read_text(encoding="utf-8"))
        cues = vtt.parse((RECORDED / entry["files"]["captions_id"]).read_bytes())
        for first, second in zip(cues, cues[1:], strict=False):
            assert first.end < second.start
        assert all(Step.from_dict(s).quoted() or s["stage"] for s in entry["steps"])


# -- the admin page --------------------------------------------------------------------------------
@pytest.mark.parametrize("role", [Role.OFFICER, Role.APPROVER, Role.HELPDESK, Role.APPLICANT])
def test_staff_without_the_admin_role_cannot_open_or_use_the_recorder_page(client, login_as, role):
    category = _category()
    login_as(role)
    assert client.get("/admin/recorded-guides/").status_code == 403
    response = post_form(client, f"/admin/recorded-guides/{category.id}/record", {}, page="/account")
    assert response.status_code == 403
    assert _pending(category) == []


def test_an_admin_asks_for_a_new_recording_and_sees_the_guide_being_updated(client, login_as):
    category = _category()
    guide = _recorded_guide(category, category.current_version_id)
    login_as(Role.ADMIN)
    page = client.get("/admin/recorded-guides/").get_data(as_text=True)
    assert "Izin Uji Rekam" in page and guide.title("id") in page
    response = post_form(
        client, f"/admin/recorded-guides/{category.id}/record", {}, page="/admin/recorded-guides/"
    )
    assert response.status_code == 302
    assert len(_pending(category)) == 1
    page = client.get("/admin/recorded-guides/", headers={"Accept-Language": "id"}).get_data(as_text=True)
    assert "Sedang diperbarui" in page
    assert db.session.scalar(select(func.count()).select_from(RecordingRequest)) == 1


def test_a_scratch_portal_leaves_the_live_rate_limits_alone(app, client):
    """The scratch app is made inside the live process (a guide re-recorded in a web worker's
    thread): it must neither switch off nor replace the live portal's rate limits."""
    from portal.extensions import limiter
    from portal.recorder.scratch import CategoryCopy, scratch_portal
    from tests.conftest import make_user

    storage = limiter._storage
    copy = CategoryCopy(
        slug="surat-keterangan-domisili-usaha",
        columns={},
        fields=[],
        documents=[],
        version_id=None,
        version_number=None,
    )
    with scratch_portal(copy):
        pass
    assert limiter.enabled is True
    assert limiter._storage is storage
    user = make_user()
    answers = [
        post_form(client, "/login", {"email": user.email, "password": "wrong password x"}).status_code
        for _ in range(6)
    ]
    assert answers[-1] == 429


# -- holds: the recorder does not sit through each narration -----------------------------------------
def test_a_steps_narration_is_held_on_its_frame_by_the_encoder(tmp_path):
    """The browser is filmed without waiting for each narration to end; the encoder repeats the
    frame at the end of the step's action for the rest of it, so the guide is as long as its
    narration and everything after the hold comes later by as much."""
    if shutil.which("ffmpeg") is None:
        pytest.skip("ffmpeg is not installed")
    raw = tmp_path / "raw.webm"
    subprocess.run(
        [
            "ffmpeg",
            "-v",
            "error",
            "-y",
            "-f",
            "lavfi",
            "-i",
            "testsrc=s=240x320:d=4:r=10",
            "-c:v",
            "libvpx",
            str(raw),
        ],
        check=True,
    )
    chapters = [
        Chapter(
            "login",
            {"id": "Masuk", "en": "Log in"},
            [Step("login", "#a", "A", {"id": "a", "en": "a"}, start=0.2, end=4.8, hold_at=1.0, hold=3.0)],
        ),
        Chapter(
            "register",
            {"id": "Daftar", "en": "Register"},
            [Step("register", "#b", "B", {"id": "b", "en": "b"}, start=5.0, end=8.8, hold_at=3.5, hold=2.0)],
        ),
    ]
    work = tmp_path / "out"
    work.mkdir()
    outputs = encode(raw, [], chapters, work, portrait=True)
    assert outputs.duration == pytest.approx(9.0, abs=0.1)
    assert probe_duration(outputs.video) == pytest.approx(9.0, abs=0.2)
    assert [c["start"] for c in outputs.chapters] == [0.0, 5.0]
    found = subprocess.run(
        [
            "ffmpeg",
            "-hide_banner",
            "-i",
            str(outputs.video),
            "-vf",
            "freezedetect=n=0.001:d=1",
            "-f",
            "null",
            "-",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stderr
    starts = [float(v) for v in re.findall(r"freeze_start: ([\d.]+)", found)]
    ends = [float(v) for v in re.findall(r"freeze_end: ([\d.]+)", found)]
    assert starts == pytest.approx([1.0, 6.5], abs=0.25)  # the held frames, where the steps held them
    assert ends == pytest.approx([4.0, 8.5], abs=0.25)
