"""Films the scratch portal: the system Chromium (Playwright's sync API) goes through every
stage as a sample applicant of one category, highlighting each control it talks about, typing
at a human pace, and waiting at each step for as long as its narration lasts.

The highlight (a box around the control and a round pointer beside it) is drawn by the
recorder, not by the app: elements are made through ``page.evaluate`` DOM calls and styled
through the CSSOM, which the portal's Content Security Policy (no inline script or style)
does not govern, so the page under film is the page applicants get.

``fast=True`` is the same walk without video, speech or pauses: ``flask tutorials check``
uses it to read the labels every page shows now.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# The camera and the walk are their own modules; their names are re-exported for the callers.
from portal.recorder.filming import (  # noqa: F401
    CHROMIUM_FLAGS,
    MAX_NARRATED_DOCUMENTS,
    MAX_NARRATED_FIELDS,
    MAX_NARRATED_PAGES,
    NAV_TIMEOUT_MS,
    TYPING_DELAY_MS,
    VIEWPORTS,
    Filming,
    RecorderError,
)
from portal.recorder.script import (
    Chapter,
)
from portal.recorder.tts import Voice
from portal.recorder.walk import STAGE_WALKS, Walk  # noqa: F401


def _ffmpeg_for_playwright(playwright_dir: Path) -> Path:
    """Playwright's video recording runs its own ffmpeg build from its browsers folder; point
    it at the system ffmpeg instead (the system Chromium is used too), in a scratch folder.
    ``playwright_dir``: the folder of the installed ``playwright`` package."""
    folder = Path(tempfile.mkdtemp(prefix="sp-recorder-pw-"))
    browsers = playwright_dir / "driver" / "package" / "browsers.json"
    revision = "1011"
    try:
        data = json.loads(browsers.read_text())
        revision = next(b["revision"] for b in data["browsers"] if b["name"] == "ffmpeg")
    except (OSError, ValueError, StopIteration):
        pass
    target = folder / f"ffmpeg-{revision}"
    target.mkdir()
    ffmpeg = shutil.which("ffmpeg")
    if ffmpeg is None:
        raise RecorderError("ffmpeg is not installed (apt-get install ffmpeg)")
    (target / "ffmpeg-linux").symlink_to(ffmpeg)
    return folder


def chromium_args(lang: str) -> list[str]:
    """The browser's flags for a recording in ``lang``: the browser itself in that language
    (``--lang``: its interface and built-in texts), not only the page's locale. Headless
    Chromium ignores ``--lang`` for the languages it reports, so ``--accept-lang`` says the same
    (navigator.language and Accept-Language)."""
    code = "en" if lang == "en" else "id"
    return [*CHROMIUM_FLAGS, f"--lang={code}", f"--accept-lang={code}"]


def chromium_path() -> str:
    path = os.environ.get("CHROMIUM") or "/usr/bin/chromium"
    if not os.path.exists(path):
        found = shutil.which("chromium")
        if not found:
            raise RecorderError("Chromium is not installed (apt-get install chromium)")
        path = found
    return path


@dataclass
class Film:
    chapters: list[Chapter]
    clips: list[tuple[float, Path]]
    video: Path | None
    seen_labels: dict[str, set[str]]
    duration: float


def film(
    walk: Walk, *, lang: str, viewport: str, voice: Voice | None, workdir: Path, fast: bool = False
) -> Film:
    """Walk every stage in Chromium; with ``fast`` off, record the screen to ``workdir``.

    Playwright runs in a thread of its own: its sync API cannot start inside a thread that
    already runs an event loop (a caller's own Playwright, an async worker)."""
    outcome: dict[str, Any] = {}

    def _run() -> None:
        try:
            outcome["film"] = _film(
                walk, lang=lang, viewport=viewport, voice=voice, workdir=workdir, fast=fast
            )
        except BaseException as exc:  # noqa: BLE001 - re-raised in the caller's thread
            outcome["error"] = exc

    thread = threading.Thread(target=_run, name="recorder-browser", daemon=True)
    thread.start()
    thread.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["film"]


def _film(
    walk: Walk, *, lang: str, viewport: str, voice: Voice | None, workdir: Path, fast: bool = False
) -> Film:
    # Playwright is an optional dependency (the `recorder` extra, and the dev tools): loaded only
    # here, when a browser is launched, so the portal runs without it.
    import playwright  # noqa: PLC0415 - optional dependency
    from playwright.sync_api import Error as PlaywrightError  # noqa: PLC0415 - optional dependency
    from playwright.sync_api import sync_playwright  # noqa: PLC0415 - optional dependency

    size = VIEWPORTS[viewport]
    pw_folder = None
    previous = os.environ.get("PLAYWRIGHT_BROWSERS_PATH")
    if not fast:
        pw_folder = _ffmpeg_for_playwright(Path(playwright.__file__).parent)
        os.environ["PLAYWRIGHT_BROWSERS_PATH"] = str(pw_folder)
    try:
        with sync_playwright() as manager:
            browser = manager.chromium.launch(
                executable_path=chromium_path(), headless=True, args=chromium_args(lang)
            )
            try:
                options: dict[str, Any] = {
                    "viewport": size,
                    "locale": "en-US" if lang == "en" else "id-ID",
                    "device_scale_factor": 1,
                    "reduced_motion": "reduce",
                    "accept_downloads": True,
                    "has_touch": viewport == "phone",
                    "is_mobile": viewport == "phone",
                }
                if not fast:
                    options.update(record_video_dir=str(workdir / "raw"), record_video_size=size)
                context = browser.new_context(**options)
                context.set_default_timeout(15_000)
                page = context.new_page()
                filming = Filming(page=page, lang=lang, voice=voice, workdir=workdir, fast=fast)
                try:
                    for walk_stage in STAGE_WALKS:
                        walk_stage(filming, walk)
                    time.sleep(0 if fast else 0.6)
                    duration = filming.now()
                finally:
                    context.close()
                video = Path(page.video.path()) if (page.video and not fast) else None
            finally:
                browser.close()
    except PlaywrightError as exc:
        raise RecorderError(f"the browser failed: {str(exc).splitlines()[0]}") from exc
    finally:
        if pw_folder is not None:
            shutil.rmtree(pw_folder, ignore_errors=True)
            if previous is None:
                os.environ.pop("PLAYWRIGHT_BROWSERS_PATH", None)
            else:
                os.environ["PLAYWRIGHT_BROWSERS_PATH"] = previous
    return Film(
        chapters=filming.chapters,
        clips=filming.clips,
        video=video,
        seen_labels=filming.seen_labels,
        duration=duration,
    )
