"""Speech for the narration, behind a small adapter: ``get_voice()`` returns the configured
engine (TUTORIAL_TTS, default "espeak-ng"), whose ``speak(text, lang, out)`` writes a mono
16-bit WAV and returns its length in seconds.

A chapter's synthetic voice can later be replaced by a person's recording: the recorder asks
``voice_for_chapter(stage)`` first (the staff voice page fills ``ChapterVoices``), and a
recorded clip is used for the whole chapter instead of the per-step synthetic lines.
"""

from __future__ import annotations

import shutil
import subprocess
import wave
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from flask import current_app, has_app_context

SAMPLE_RATE = 22050


class TTSError(RuntimeError):
    """The speech engine is missing or failed."""


class Voice(Protocol):
    name: str

    def speak(self, text: str, lang: str, out: Path) -> float: ...


def wav_seconds(path: Path) -> float:
    with wave.open(str(path), "rb") as wav:
        return wav.getnframes() / float(wav.getframerate())


@dataclass
class EspeakVoice:
    """espeak-ng (GPL, packaged by every Linux distribution): Indonesian and English, slow
    enough for someone hearing the steps for the first time."""

    name: str = "espeak-ng"
    binary: str = "espeak-ng"
    voices: dict[str, str] = field(default_factory=lambda: {"id": "id", "en": "en-us"})
    words_per_minute: int = 160

    def speak(self, text: str, lang: str, out: Path) -> float:
        exe = shutil.which(self.binary)
        if exe is None:
            raise TTSError("espeak-ng is not installed (apt-get install espeak-ng)")
        raw = out.with_suffix(".raw.wav")
        try:
            subprocess.run(
                [
                    exe,
                    "-v",
                    self.voices.get(lang, lang),
                    "-s",
                    str(self.words_per_minute),
                    "-w",
                    str(raw),
                    "--",
                    text,
                ],
                check=True,
                capture_output=True,
                timeout=60,
            )
            _resample(raw, out)
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError) as exc:
            raise TTSError(f"espeak-ng failed: {exc}") from exc
        finally:
            raw.unlink(missing_ok=True)
        return wav_seconds(out)


def _resample(src: Path, dst: Path) -> None:
    """espeak-ng writes 22050 Hz mono already; anything else is converted by ffmpeg."""
    with wave.open(str(src), "rb") as wav:
        fine = wav.getframerate() == SAMPLE_RATE and wav.getnchannels() == 1 and wav.getsampwidth() == 2
    if fine:
        shutil.move(str(src), dst)
        return
    subprocess.run(
        [
            "ffmpeg",
            "-v",
            "error",
            "-y",
            "-i",
            str(src),
            "-ac",
            "1",
            "-ar",
            str(SAMPLE_RATE),
            "-sample_fmt",
            "s16",
            str(dst),
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )


VOICES: dict[str, type] = {"espeak-ng": EspeakVoice}


def get_voice(name: str | None = None) -> Voice:
    options = {}
    if has_app_context():
        name = name or current_app.config.get("TUTORIAL_TTS")
        if current_app.config.get("TUTORIAL_TTS_WPM"):
            options["words_per_minute"] = int(current_app.config["TUTORIAL_TTS_WPM"])
    try:
        return VOICES[name or "espeak-ng"](**options)
    except KeyError:
        raise TTSError(f"unknown speech engine {name!r}; one of {', '.join(VOICES)}") from None


@dataclass
class ChapterVoices:
    """Recorded voices that replace the synthetic one, by stage (WAV paths)."""

    recorded: dict[str, Path] = field(default_factory=dict)

    def voice_for_chapter(self, stage: str) -> Path | None:
        return self.recorded.get(stage)
