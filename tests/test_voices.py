"""Staff voices on recorded guides (issue 14, item 3): a chapter's computer voice replaced by a
recording made by staff, the chapter's picture stretched to it and the captions moved with
it; the old guide stays live until the new one is stored. Bad recordings are refused (or
converted) with a message and change nothing; the pages are for admins only."""

from __future__ import annotations

import io
import math
import shutil
import struct
import subprocess
import wave
from pathlib import Path

import pytest
from sqlalchemy import func, select

from portal.auth.models import Role
from portal.catalogue.models import PermitCategory, Sector
from portal.catalogue.services import publish_new_version
from portal.extensions import db
from portal.recorder import voices
from portal.recorder.encode import Quality, encode, probe_duration
from portal.recorder.script import Chapter, Step, to_json
from portal.storage import get_storage
from portal.tutorials import vtt
from portal.tutorials.models import Tutorial, TutorialVoice, VoiceState
from portal.tutorials.recorded import publish_guide
from tests.conftest import post_form

pytestmark = pytest.mark.skipif(shutil.which("ffmpeg") is None, reason="ffmpeg is not installed")

RATE = 22050


def _tone(path: Path, seconds: float, freq: float, *, rate: int = RATE, amplitude: float = 0.4) -> Path:
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        n = int(seconds * rate)
        out.writeframes(
            b"".join(
                struct.pack("<h", int(amplitude * 32767 * math.sin(2 * math.pi * freq * i / rate)))
                for i in range(n)
            )
        )
    return path


def _ffmpeg(*args: str) -> None:
    subprocess.run(["ffmpeg", "-v", "error", "-y", *args], check=True, capture_output=True)


def _category() -> PermitCategory:
    category = PermitCategory(
        slug="uji-suara",
        code="UJS",
        name_id="Izin Uji Suara",
        name_en="Voice test permit",
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


@pytest.fixture(scope="module")
def guide_files(tmp_path_factory):
    """The files of a recorded guide of two chapters (log in 0-3 s, register 3-6 s), each
    narrated by an 880 Hz tone standing in for the computer voice; encoded once."""
    tmp_path = tmp_path_factory.mktemp("guide")
    raw = tmp_path / "raw.webm"
    _ffmpeg("-f", "lavfi", "-i", "testsrc=s=240x320:d=6:r=10", "-c:v", "libvpx", "-b:v", "100k", str(raw))
    line = _tone(tmp_path / "line.wav", 1.5, 880)
    chapters = [
        Chapter(
            "login",
            {"id": "Masuk", "en": "Log in"},
            [
                Step(
                    "login",
                    "#email",
                    "Email",
                    {"id": "Isi \u201cEmail\u201d.", "en": "Fill in Email."},
                    start=0.2,
                    end=2.8,
                )
            ],
        ),
        Chapter(
            "register",
            {"id": "Daftar", "en": "Register"},
            [
                Step(
                    "register",
                    "#nama",
                    "Nama",
                    {"id": "Isi \u201cNama\u201d.", "en": "Fill in Name."},
                    start=3.1,
                    end=5.8,
                )
            ],
        ),
    ]
    work = tmp_path / "encode"
    work.mkdir()
    outputs = encode(raw, [(0.2, line), (3.1, line)], chapters, work, portrait=True, quality=Quality(fps=5))
    return outputs, to_json(chapters)


@pytest.fixture
def guide(guide_files) -> Tutorial:
    outputs, steps = guide_files
    category = _category()
    return publish_guide(
        category,
        outputs,
        steps,
        lang="id",
        viewport="phone",
        form_version_id=category.current_version_id,
        form_version_number=1,
    )


def _served(client, url: str, path: Path) -> Path:
    response = client.get(url)
    assert response.status_code == 200, url
    path.write_bytes(response.get_data())
    response.close()
    return path


def _energy(path: Path, start: float, end: float, freq: float) -> float:
    """How much of the sound between ``start`` and ``end`` is at ``freq`` (Goertzel, 0..1)."""
    wav = path.with_suffix(".check.wav")
    _ffmpeg("-i", str(path), "-vn", "-ac", "1", "-ar", "8000", "-ss", f"{start}", "-to", f"{end}", str(wav))
    with wave.open(str(wav), "rb") as src:
        frames = src.readframes(src.getnframes())
    samples = [s / 32768 for (s,) in struct.iter_unpack("<h", frames)]
    if not samples:
        return 0.0
    k = 2 * math.cos(2 * math.pi * freq / 8000)
    s1 = s2 = 0.0
    for x in samples:
        s1, s2 = x + k * s1 - s2, s1
    power = s1 * s1 + s2 * s2 - k * s1 * s2
    total = sum(x * x for x in samples) * len(samples) / 2
    return power / total if total else 0.0


def _upload(client, guide: Tutorial, data: bytes, name: str, chapter: str = "login"):
    url = f"/admin/recorded-guides/{guide.id}/voices/{chapter}"
    return post_form(
        client,
        url,
        {"voice": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
        headers={"Accept-Language": "id"},
    )


def _voice_rows() -> int:
    return db.session.scalar(select(func.count()).select_from(TutorialVoice)) or 0


def _stored(app) -> set[Path]:
    root = Path(app.config["UPLOAD_ROOT"])
    return {p for p in root.rglob("*") if p.is_file()} if root.exists() else set()


# -- a staff voice replaces the computer voice ---------------------------------------------------------
def test_a_staff_voice_replaces_the_chapter_and_the_captions_move_with_it(
    app, client, login_as, guide, tmp_path
):
    old_audio_key = guide.audio_key
    login_as(Role.ADMIN)
    page = client.get(f"/admin/recorded-guides/{guide.id}/voices/login", headers={"Accept-Language": "id"})
    html = page.get_data(as_text=True)
    assert "Isi \u201cEmail\u201d." in html  # the script to read aloud
    assert "microphone=(self)" in page.headers["Permissions-Policy"]
    staff = _tone(tmp_path / "staff.wav", 5.0, 440, rate=44100)
    response = _upload(client, guide, staff.read_bytes(), "suara.wav")
    assert response.status_code == 302
    voice = db.session.scalar(select(TutorialVoice))
    assert voice.state is VoiceState.PENDING and voice.chapter_id == "login"
    # Until the guide is made again, the old one is served.
    db.session.refresh(guide)
    assert guide.audio_key == old_audio_key

    assert voices.run_pending() == ["done"]
    db.session.expire_all()
    guide = db.session.get(Tutorial, guide.id)
    voice = db.session.get(TutorialVoice, voice.id)
    assert voice.state is VoiceState.READY
    assert guide.audio_key != old_audio_key
    login, register = guide.chapters_json
    assert login["end"] == pytest.approx(5.0, abs=0.15)  # the chapter lasts as long as the voice
    assert register["start"] == pytest.approx(5.0, abs=0.15) and register["end"] - register[
        "start"
    ] == pytest.approx(3.0, abs=0.2)
    assert guide.duration_seconds == pytest.approx(8.0, abs=0.2)
    assert guide.chapters_json[0]["poster_key"]

    audio = _served(client, f"/tutorials/media/{guide.id}/audio", tmp_path / "served-audio.m4a")
    video = _served(client, f"/tutorials/media/{guide.id}/video", tmp_path / "served-video.mp4")
    assert probe_duration(audio) == pytest.approx(8.0, abs=0.25)
    assert probe_duration(video) == pytest.approx(8.0, abs=0.25)
    # The login chapter is the staff recording (440 Hz), the register chapter still the computer (880 Hz).
    assert _energy(video, 0.5, 4.5, 440) > 0.5
    assert _energy(video, 0.5, 4.5, 880) < 0.1
    assert _energy(audio, 5.4, 6.4, 880) > 0.5

    cues = vtt.parse(client.get(f"/tutorials/media/{guide.id}/captions-id").get_data())
    assert [c.text for c in cues] == ["Isi \u201cEmail\u201d.", "Isi \u201cNama\u201d."]
    assert cues[0].start == pytest.approx(0.2 * 5 / 3, abs=0.1)  # stretched with the chapter
    assert cues[1].start == pytest.approx(3.1 + 2.0, abs=0.1)  # moved by what the chapter gained
    assert cues[0].end < cues[1].start
    assert guide.recording["voices"] == {"login": voice.id}


def test_the_old_guide_stays_when_making_it_again_fails(app, client, login_as, guide, tmp_path, monkeypatch):
    before = (guide.video_key, guide.audio_key, guide.captions_id_key, list(guide.chapters_json))
    login_as(Role.ADMIN)
    staff = _tone(tmp_path / "staff.wav", 2.0, 440)
    assert _upload(client, guide, staff.read_bytes(), "suara.wav").status_code == 302

    def broken(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(voices, "apply_voices", broken)
    assert voices.run_pending() == ["failed"]
    db.session.expire_all()
    guide = db.session.get(Tutorial, guide.id)
    assert (guide.video_key, guide.audio_key, guide.captions_id_key, guide.chapters_json) == before
    voice = db.session.scalar(select(TutorialVoice))
    assert voice.state is VoiceState.FAILED
    html = client.get(
        f"/admin/recorded-guides/{guide.id}/voices", headers={"Accept-Language": "id"}
    ).get_data(as_text=True)
    assert "tidak dapat dimasukkan" in html


def test_a_new_filming_keeps_a_voice_whose_text_is_the_same_and_sets_aside_one_that_changed(guide, tmp_path):
    steps = guide.recording["steps"]
    same = TutorialVoice(
        tutorial_id=guide.id,
        chapter_id="login",
        audio_key="x",
        duration_seconds=2,
        script=voices.script_of(steps, "login", "id"),
        state=VoiceState.READY,
    )
    changed = TutorialVoice(
        tutorial_id=guide.id,
        chapter_id="register",
        audio_key="y",
        duration_seconds=2,
        script="Isi \u201cNama lama\u201d.",
        state=VoiceState.READY,
    )
    db.session.add_all([same, changed])
    db.session.flush()
    kept = voices.voices_for_recording("uji-suara", "id", "phone", steps)
    assert kept == [same]
    assert changed.state is VoiceState.OUTDATED


# -- bad recordings -----------------------------------------------------------------------------------
def _png() -> bytes:
    return bytes.fromhex(
        "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
        "1f15c4890000000d49444154789c6360000002000001e221bc330000000049454e44ae426082"
    )


@pytest.mark.parametrize(
    ("name", "make", "message"),
    [
        ("suara.wav", lambda tmp: _png(), "bukan rekaman suara"),  # a picture renamed
        ("suara.m4a", lambda tmp: b"Ini hanya teks, bukan suara.\n" * 50, "bukan rekaman suara"),
        ("kosong.wav", lambda tmp: b"", "bukan rekaman suara"),
        ("sunyi.wav", lambda tmp: _tone(tmp / "silent.wav", 3.0, 440, amplitude=0.0).read_bytes(), "sunyi"),
        (
            "panjang.wav",
            lambda tmp: _tone(tmp / "long.wav", 5 * 60 + 5, 440, rate=4000).read_bytes(),
            "lebih dari 5 menit",
        ),
    ],
    ids=["renamed-png", "text-file", "empty", "silent", "over-5-minutes"],
)
def test_a_bad_recording_is_refused_with_a_message_and_changes_nothing(
    app, client, login_as, guide, tmp_path, name, make, message
):
    before = (guide.audio_key, guide.media_version)
    login_as(Role.ADMIN)
    files_before = _stored(app)
    response = _upload(client, guide, make(tmp_path), name)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert _voice_rows() == 0
    assert _stored(app) == files_before
    db.session.refresh(guide)
    assert (guide.audio_key, guide.media_version) == before


def test_no_recording_chosen_is_refused_with_a_message(client, login_as, guide, tmp_path):
    login_as(Role.ADMIN)
    response = post_form(
        client, f"/admin/recorded-guides/{guide.id}/voices/login", {}, headers={"Accept-Language": "id"}
    )
    assert response.status_code == 400
    assert "Rekam suara Anda" in response.get_data(as_text=True)
    assert _voice_rows() == 0


def test_a_96_khz_32_bit_recording_is_converted_and_the_admin_is_told(app, client, login_as, guide, tmp_path):
    login_as(Role.ADMIN)
    source = _tone(tmp_path / "hi.wav", 2.0, 440)
    hi = tmp_path / "studio.wav"
    _ffmpeg("-i", str(source), "-ar", "96000", "-c:a", "pcm_s32le", str(hi))
    response = _upload(client, guide, hi.read_bytes(), "studio.wav")
    assert response.status_code == 302
    page = client.get(response.headers["Location"], headers={"Accept-Language": "id"}).get_data(as_text=True)
    assert "96 kHz" in page and "48 kHz, 16-bit" in page
    voice = db.session.scalar(select(TutorialVoice))
    with get_storage().open(voice.audio_key) as fh, wave.open(fh, "rb") as wav:
        assert (wav.getframerate(), wav.getsampwidth(), wav.getnchannels()) == (48000, 2, 1)
    assert voice.duration_seconds == pytest.approx(2.0, abs=0.35)


def test_a_browser_recording_without_a_length_in_its_header_is_read(client, login_as, guide, tmp_path):
    """MediaRecorder's WebM/Opus says no duration; the length is measured by decoding it."""
    login_as(Role.ADMIN)
    webm = tmp_path / "rec.webm"
    _ffmpeg("-i", str(_tone(tmp_path / "t.wav", 2.0, 440)), "-c:a", "libopus", "-f", "webm", str(webm))
    assert _upload(client, guide, webm.read_bytes(), "blob").status_code == 302
    voice = db.session.scalar(select(TutorialVoice))
    assert voice.duration_seconds == pytest.approx(2.0, abs=0.35)


# -- who may -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("role", [Role.OFFICER, Role.HELPDESK, Role.APPROVER, Role.APPLICANT])
def test_staff_without_the_admin_role_get_403_on_the_voice_pages(client, login_as, guide, tmp_path, role):
    login_as(role)
    base = f"/admin/recorded-guides/{guide.id}/voices"
    for url in (base, f"{base}/login", f"{base}/login/sound", "/admin/recorded-guides/"):
        assert client.get(url).status_code == 403, url
    staff = _tone(tmp_path / "staff.wav", 2.0, 440).read_bytes()
    response = post_form(
        client,
        f"{base}/login",
        {"voice": (io.BytesIO(staff), "s.wav")},
        page="/account",
        content_type="multipart/form-data",
    )
    assert response.status_code == 403
    assert post_form(client, f"{base}/login/remove", {}, page="/account").status_code == 403
    assert _voice_rows() == 0


def test_a_visitor_is_sent_to_the_login_page_from_the_recorder_and_voice_pages(client, guide, tmp_path):
    for url in (
        "/admin/recorded-guides/",
        f"/admin/recorded-guides/{guide.id}/voices",
        f"/admin/recorded-guides/{guide.id}/voices/login",
    ):
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"], url
