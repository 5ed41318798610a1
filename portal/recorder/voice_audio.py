"""A staff member's voice recording for a guide's chapter, checked and made ready for the guide:
read by ffmpeg (whatever the browser or the phone recorded: WebM/Opus, M4A, MP3, WAV, ...),
refused when it is not sound, silent or longer than five minutes, and converted to one mono
16-bit 48 kHz WAV with the silence before the first and after the last word cut off.

A recording made at a higher quality than speech needs (96 kHz, 24- or 32-bit) is converted
and the person is told so. Every refusal is a ``VoiceRejected`` whose text says what to do.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import tempfile
import wave
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from flask_babel import gettext as _

from portal.errors import PortalError

MAX_SECONDS = 5 * 60
MIN_SECONDS = 0.5
RATE = 48_000
#: Louder than this somewhere, or it is silence (a muted microphone reads about -90 dB).
SILENCE_DB = -45.0
TIMEOUT = 120


class VoiceRejected(PortalError, ValueError):
    """A voice recording that cannot be used; ``str()`` says why and what to do."""


@dataclass
class PreparedVoice:
    path: Path  # mono 16-bit 48 kHz WAV
    seconds: float
    converted_note: str = ""  # said to the person when the recording was converted


def _ffmpeg() -> str:
    exe = shutil.which("ffmpeg")
    if exe is None:
        raise RuntimeError("ffmpeg is not installed")
    return exe


def probe(path: Path) -> dict:
    """ffprobe's streams and format, or {} when ffmpeg cannot read the file at all."""
    exe = shutil.which("ffprobe")
    if exe is None:
        raise RuntimeError("ffprobe is not installed")
    result = subprocess.run(
        [exe, "-v", "error", "-show_streams", "-show_format", "-of", "json", str(path)],
        capture_output=True,
        timeout=TIMEOUT,
        check=False,
    )
    if result.returncode != 0:
        return {}
    try:
        return json.loads(result.stdout or b"{}")
    except ValueError:
        return {}


def _not_audio() -> VoiceRejected:
    return VoiceRejected(
        _(
            "This file is not a sound recording. Record your voice on this page, or choose the "
            "recording your phone or computer made."
        )
    )


def _audio_stream(info: dict) -> dict | None:
    for stream in info.get("streams") or []:
        if stream.get("codec_type") == "audio":
            return stream
    return None


def _bits(stream: dict) -> int:
    for key in ("bits_per_raw_sample", "bits_per_sample"):
        try:
            value = int(stream.get(key) or 0)
        except ValueError:
            value = 0
        if value:
            return value
    match = re.search(r"(\d+)", stream.get("sample_fmt") or "")
    codec = stream.get("codec_name") or ""
    if codec.startswith("pcm_") and match:
        return int(match.group(1))
    return 0


def _max_volume(path: Path) -> float:
    result = subprocess.run(
        [_ffmpeg(), "-hide_banner", "-nostats", "-i", str(path), "-af", "volumedetect", "-f", "null", "-"],
        capture_output=True,
        timeout=TIMEOUT,
        check=False,
    )
    match = re.search(rb"max_volume:\s*(-?[\d.]+|-inf) dB", result.stderr)
    if not match or match.group(1) == b"-inf":
        return -120.0
    return float(match.group(1))


def wav_seconds(path: Path) -> float:
    with wave.open(str(path), "rb") as wav:
        return wav.getnframes() / float(wav.getframerate())


def prepare_voice(upload: IO[bytes], folder: Path) -> PreparedVoice:
    """Check the recording in ``upload`` and write the guide's copy into ``folder``. Raises
    VoiceRejected (nothing is kept then: the caller's ``folder`` is scratch)."""
    raw = Path(tempfile.mkstemp(prefix="voice-upload-", dir=folder)[1])
    with raw.open("wb") as out:
        shutil.copyfileobj(upload, out, length=1024 * 1024)
    if raw.stat().st_size == 0:
        raise _not_audio()
    info = probe(raw)
    stream = _audio_stream(info)
    if stream is None:
        raise _not_audio()
    try:
        declared = float((info.get("format") or {}).get("duration") or stream.get("duration") or 0)
    except ValueError:
        declared = 0.0
    too_long = VoiceRejected(
        _(
            "The recording is longer than 5 minutes. Read only this chapter's text, or split "
            "it into shorter parts, and record again."
        )
    )
    if declared > MAX_SECONDS + 0.5:
        raise too_long
    decoded = folder / "voice-decoded.wav"
    # Decoded whatever its length said (a browser's recording often says none), but never
    # more than just over the limit.
    result = subprocess.run(
        [
            _ffmpeg(),
            "-v",
            "error",
            "-y",
            "-i",
            str(raw),
            "-map",
            "0:a:0",
            "-t",
            str(MAX_SECONDS + 1),
            "-ac",
            "1",
            "-ar",
            str(RATE),
            "-sample_fmt",
            "s16",
            str(decoded),
        ],
        capture_output=True,
        timeout=TIMEOUT,
        check=False,
    )
    raw.unlink(missing_ok=True)
    if result.returncode != 0 or not decoded.exists():
        raise _not_audio()
    try:
        seconds = wav_seconds(decoded)
    except (wave.Error, EOFError):
        raise _not_audio() from None
    if seconds > MAX_SECONDS + 0.5:
        raise too_long
    silent = VoiceRejected(
        _(
            "The recording is silent: no voice was heard. Check that the microphone is on and "
            "allowed for this page, then record again."
        )
    )
    if seconds < 0.05 or _max_volume(decoded) < SILENCE_DB:
        raise silent
    ready = folder / "voice.wav"
    # The quiet before the first word and after the last one goes (a quarter second stays).
    trim = (
        f"silenceremove=start_periods=1:start_silence=0.25:start_threshold={SILENCE_DB}dB,"
        "areverse,"
        f"silenceremove=start_periods=1:start_silence=0.25:start_threshold={SILENCE_DB}dB,"
        "areverse"
    )
    subprocess.run(
        [_ffmpeg(), "-v", "error", "-y", "-i", str(decoded), "-af", trim, "-sample_fmt", "s16", str(ready)],
        capture_output=True,
        timeout=TIMEOUT,
        check=True,
    )
    decoded.unlink(missing_ok=True)
    seconds = wav_seconds(ready)
    if seconds < MIN_SECONDS:
        raise silent
    note = ""
    rate = int(stream.get("sample_rate") or 0)
    bits = _bits(stream)
    if rate > RATE or bits > 16:
        note = _(
            "Your recording was made at a higher quality than speech needs (%(rate)s kHz, "
            "%(bits)s-bit); it was converted to 48 kHz, 16-bit. It sounds the same.",
            rate=f"{rate / 1000:g}" if rate else "?",
            bits=bits or "?",
        )
    return PreparedVoice(path=ready, seconds=round(seconds, 3), converted_note=note)
