"""Issue 14's "staff replace one chapter's voice with their own recording", in the real
Chromium: an admin opens a recorded guide's voice page on a phone, records the microphone
(Chromium's fake device, fed a 440 Hz tone) with the page's recorder, sends it, and the guide
served afterwards plays that recording in that chapter, stretched to it, with the captions
moved along. Screenshots at 360x740 and 1280x800 in Indonesian."""

from __future__ import annotations

import shutil
import time
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from portal.auth.models import Role
from portal.extensions import db
from portal.recorder.encode import Quality, encode, probe_duration
from portal.recorder.script import Chapter, Step, to_json
from portal.tutorials import vtt
from portal.tutorials.models import Tutorial, TutorialVoice, VoiceState
from portal.tutorials.recorded import publish_guide
from tests.browser.conftest import _chromium_path, log_in
from tests.test_voices import _category, _energy, _ffmpeg, _tone

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("real_commits")]

PHONE = {"width": 360, "height": 740}
FAKE_MICROPHONE = ["--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream"]


def _recorded_guide(app, tmp_path: Path) -> int:
    raw = tmp_path / "raw.webm"
    _ffmpeg("-f", "lavfi", "-i", "testsrc=s=360x740:d=6:r=10", "-c:v", "libvpx", "-b:v", "100k", str(raw))
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
                    {"id": "Isi \u201cEmail\u201d dengan alamat email Anda.", "en": "Fill in Email."},
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
    with app.app_context():
        category = _category()
        tutorial = publish_guide(
            category,
            outputs,
            to_json(chapters),
            lang="id",
            viewport="phone",
            form_version_id=category.current_version_id,
            form_version_number=1,
        )
        tutorial_id = tutorial.id
        db.session.remove()
    return tutorial_id


def _get(url: str, path: Path) -> Path:
    with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 - the local live server
        path.write_bytes(response.read())
    return path


def _voice_state(app, tutorial_id: int) -> VoiceState | None:
    with app.app_context():
        state = db.session.scalar(select(TutorialVoice.state).where(TutorialVoice.tutorial_id == tutorial_id))
        db.session.remove()
    return state


def test_staff_replace_a_chapters_voice_with_their_own_recording(
    browser, live, live_user, tmp_path, screenshot
):
    if shutil.which("ffmpeg") is None:
        pytest.skip("ffmpeg is not installed")
    app = live.app
    tutorial_id = _recorded_guide(app, tmp_path)
    admin = live_user(Role.ADMIN)
    # Chromium's fake microphone plays this file: 440 Hz, unlike the computer voice's 880 Hz.
    tone = _tone(tmp_path / "microphone.wav", 30.0, 440, rate=48000)
    chromium = browser.browser_type.launch(
        executable_path=_chromium_path(),
        headless=True,
        args=[
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            *FAKE_MICROPHONE,
            f"--use-file-for-fake-audio-capture={tone}",
        ],
    )
    app.config["TUTORIAL_VOICES_DISPATCH"] = True
    try:
        context = chromium.new_context(
            locale="id-ID", base_url=live.url, viewport=PHONE, has_touch=True, is_mobile=True
        )
        context.set_default_timeout(15_000)
        context.grant_permissions(["microphone"], origin=live.url)
        problems: list[str] = []
        page = context.new_page()
        page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: problems.append(str(e)))

        log_in(page, admin)

        page.goto(f"/admin/recorded-guides/{tutorial_id}/voices")
        expect(page.locator("h1")).to_have_text("Suara Anda sendiri")
        screenshot(page, "voices-phone", full_page=True)
        with page.expect_navigation():
            page.locator(f'main a[href$="/{tutorial_id}/voices/login"]').click()
        expect(page.locator(".voice-script")).to_contain_text(
            "Isi \u201cEmail\u201d dengan alamat email Anda."
        )
        start = page.get_by_role("button", name="Mulai merekam")
        expect(start).to_be_visible()  # the recorder shows only with JavaScript
        start.click()
        expect(page.locator("[data-voice-status]")).to_contain_text("Merekam")
        screenshot(page, "recording-phone")
        page.wait_for_timeout(4500)
        page.get_by_role("button", name="Berhenti").click()
        expect(page.locator("[data-voice-status]")).to_contain_text("Rekaman Anda siap")
        assert page.locator("#voice-file").evaluate("el => el.files.length") == 1
        screenshot(page, "recorded-phone", full_page=True)
        with page.expect_navigation():
            page.get_by_role("button", name="Pakai rekaman ini").click()
        expect(page.locator(".alert-success")).to_contain_text("Suara Anda sudah disimpan")

        deadline = time.monotonic() + 240
        while _voice_state(app, tutorial_id) in (VoiceState.PENDING, VoiceState.APPLYING):
            assert time.monotonic() < deadline, "the guide was not made again in time"
            time.sleep(1)
        assert _voice_state(app, tutorial_id) is VoiceState.READY

        with app.app_context():
            tutorial = db.session.get(Tutorial, tutorial_id)
            voice = db.session.scalar(select(TutorialVoice).where(TutorialVoice.tutorial_id == tutorial_id))
            login, register = tutorial.chapters_json
            seconds, version = voice.duration_seconds, tutorial.media_version
            db.session.remove()
        assert 3.0 < seconds < 6.0  # about what was recorded, the quiet cut off
        assert login["end"] == pytest.approx(seconds, abs=0.2)  # the chapter lasts as long as the voice
        assert register["end"] - register["start"] == pytest.approx(2.9, abs=0.3)  # the next one is as it was

        base = f"{live.url}/tutorials/media/{tutorial_id}"
        audio = _get(f"{base}/audio?v={version}", tmp_path / "served.m4a")
        video = _get(f"{base}/video?v={version}", tmp_path / "served.mp4")
        assert probe_duration(audio) == pytest.approx(seconds + 2.9, abs=0.4)
        assert probe_duration(video) == pytest.approx(seconds + 2.9, abs=0.4)
        # The login chapter plays the staff recording, the register chapter the computer voice.
        assert _energy(video, 0.5, seconds - 0.5, 440) > 0.3
        assert _energy(audio, login["end"] + 0.3, login["end"] + 1.5, 880) > 0.3
        cues = vtt.parse(_get(f"{base}/captions-id?v={version}", tmp_path / "c.vtt").read_bytes())
        assert login["start"] <= cues[0].start < cues[0].end < login["end"]  # in sync with its chapter
        assert register["start"] <= cues[1].start < cues[1].end <= register["end"] + 0.05

        page.reload()
        expect(page.locator("main")).to_contain_text("Suara Anda")
        screenshot(page, "voice-ready-phone", full_page=True)
        page.set_viewport_size({"width": 1280, "height": 800})
        screenshot(page, "voice-ready-desktop")
        page.goto(f"/admin/recorded-guides/{tutorial_id}/voices")
        screenshot(page, "voices-desktop")
        assert not problems, problems
        context.close()
    finally:
        app.config["TUTORIAL_VOICES_DISPATCH"] = False
        chromium.close()
