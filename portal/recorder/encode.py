"""From the filmed screen and the narration lines to the files a guide serves: an H.264/AAC
MP4 with faststart, a 240p version, an audio-only file and a poster per chapter, plus the
captions (id, en) and chapters as WebVTT, all from the same script and times.

Captions: one cue per step, never two on screen at once (a cue ends before the next begins,
also across chapters). Chapters: one per stage, from its first step to the next chapter.
"""

from __future__ import annotations

import json
import subprocess
import wave
from dataclasses import dataclass
from pathlib import Path

from portal.recorder.script import Chapter, speakable
from portal.recorder.tts import SAMPLE_RATE
from portal.tutorials import vtt
from portal.tutorials.recorded import Outputs

#: A cue ends this long before the next starts, so a player never shows both.
CUE_GAP = 0.05
FFMPEG_TIMEOUT = 900


class EncodeError(RuntimeError):
    """ffmpeg failed (a full disk, a broken recording); nothing was published."""


@dataclass
class Quality:
    """Encoder settings: the committed demo uses a lower bitrate than a live office."""

    crf: int = 30
    small_crf: int = 34
    fps: int = 10
    audio_kbps: int = 48
    small_audio_kbps: int = 32
    small_max_kbps: int = 90
    audio_rate: int = 22050


#: The committed demo guides: small files, still legible on a phone.
DEMO_QUALITY = Quality(
    crf=38, small_crf=40, fps=6, audio_kbps=16, small_audio_kbps=16, small_max_kbps=40, audio_rate=16000
)


def _run(args: list[str]) -> None:
    try:
        subprocess.run(args, check=True, capture_output=True, timeout=FFMPEG_TIMEOUT)
    except subprocess.CalledProcessError as exc:
        tail = exc.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] if exc.stderr else []
        raise EncodeError(f"ffmpeg failed: {' '.join(tail) or exc}") from None
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise EncodeError(f"ffmpeg failed: {exc}") from None


def probe_duration(path: Path) -> float:
    out = subprocess.run(
        ["ffprobe", "-v", "error", "-show_entries", "format=duration", "-of", "json", str(path)],
        check=True,
        capture_output=True,
        timeout=60,
    ).stdout
    return float(json.loads(out)["format"]["duration"])


def narration_track(clips: list[tuple[float, Path]], duration: float, out: Path) -> None:
    """One mono WAV of ``duration`` seconds with each clip starting at its time."""
    total = int(duration * SAMPLE_RATE) + 1
    with wave.open(str(out), "wb") as dst:
        dst.setnchannels(1)
        dst.setsampwidth(2)
        dst.setframerate(SAMPLE_RATE)
        written = 0
        for start, path in sorted(clips):
            at = int(start * SAMPLE_RATE)
            if at > written:
                dst.writeframes(b"\x00\x00" * (at - written))
                written = at
            with wave.open(str(path), "rb") as src:
                frames = src.readframes(src.getnframes())
            room = max(0, total - written)
            frames = frames[: room * 2]
            dst.writeframes(frames)
            written += len(frames) // 2
        if written < total:
            dst.writeframes(b"\x00\x00" * (total - written))


def timed_chapters(chapters: list[Chapter], duration: float) -> list[dict]:
    """Chapter bounds: each from its first step to the next chapter's first step."""
    kept = [c for c in chapters if c.steps]
    out = []
    for i, ch in enumerate(kept):
        start = 0.0 if i == 0 else round(ch.start, 3)
        end = round(kept[i + 1].start, 3) if i + 1 < len(kept) else round(duration, 3)
        out.append({"id": ch.stage, "start": start, "end": max(end, start + 0.1), "title": dict(ch.title)})
    return out


def caption_cues(chapters: list[Chapter], lang: str, duration: float) -> list[vtt.Cue]:
    steps = [s for c in chapters for s in c.steps]
    cues = []
    for i, step in enumerate(steps):
        end = step.end
        if i + 1 < len(steps):
            end = min(end, steps[i + 1].start - CUE_GAP)
        end = min(end, duration)
        start = round(step.start, 3)
        end = round(end, 3)
        if end <= start:
            end = start + 0.05
        cues.append(vtt.Cue(start=start, end=end, text=step.text[lang].replace("-->", "->")))
    return cues


def chapter_cues(timed: list[dict], lang: str) -> list[vtt.Cue]:
    return [vtt.Cue(start=c["start"], end=c["end"], text=c["title"][lang], id=c["id"]) for c in timed]


def transcripts(chapters: list[Chapter]) -> dict[str, dict[str, str]]:
    return {
        c.stage: {lang: " ".join(s.text[lang] for s in c.steps) for lang in ("id", "en")}
        for c in chapters
        if c.steps
    }


def render(
    video: Path,
    narration: Path,
    workdir: Path,
    *,
    portrait: bool,
    quality: Quality,
    duration: float,
    video_filter: str = "[0:v]null",
    prefix: str = "guide",
) -> tuple[Path, Path, Path]:
    """The three files a guide plays from one picture and one narration track: the MP4, its
    240p version and the audio-only file, each ``duration`` seconds. ``video_filter`` is a
    filter graph from ``[0:v]`` to the picture (by default the picture as filmed); the staff
    voices (recorder/voiceover.py) stretch chapters with it."""
    q = quality
    main = workdir / f"{prefix}.mp4"
    small = workdir / f"{prefix}-240p.mp4"
    audio = workdir / f"{prefix}-audio.m4a"
    small_scale = "scale=240:-2" if portrait else "scale=-2:240"
    video_opts = [
        "-c:v",
        "libx264",
        "-preset",
        "veryfast",
        "-tune",
        "stillimage",
        "-g",
        str(q.fps * 5),
        "-c:a",
        "aac",
        "-ac",
        "1",
        "-ar",
        str(q.audio_rate),
        "-movflags",
        "+faststart",
        "-t",
        f"{duration:.3f}",
    ]
    # One decode, two renditions.
    _run(
        [
            "ffmpeg",
            "-v",
            "error",
            "-y",
            "-i",
            str(video),
            "-i",
            str(narration),
            "-filter_complex",
            f"{video_filter}[src];"
            f"[src]fps={q.fps},split=2[a][b];[a]scale=trunc(iw/2)*2:trunc(ih/2)*2,format=yuv420p[v1];"
            f"[b]{small_scale},format=yuv420p[v2]",
            "-map",
            "[v1]",
            "-map",
            "1:a:0",
            *video_opts,
            "-profile:v",
            "main",
            "-crf",
            str(q.crf),
            "-b:a",
            f"{q.audio_kbps}k",
            str(main),
            "-map",
            "[v2]",
            "-map",
            "1:a:0",
            *video_opts,
            "-profile:v",
            "baseline",
            "-crf",
            str(q.small_crf),
            "-maxrate",
            f"{q.small_max_kbps}k",
            "-bufsize",
            f"{q.small_max_kbps * 2}k",
            "-b:a",
            f"{q.small_audio_kbps}k",
            str(small),
        ]
    )
    _run(
        [
            "ffmpeg",
            "-v",
            "error",
            "-y",
            "-i",
            str(narration),
            "-c:a",
            "aac",
            "-ac",
            "1",
            "-ar",
            str(q.audio_rate),
            "-b:a",
            f"{q.small_audio_kbps}k",
            "-movflags",
            "+faststart",
            str(audio),
        ]
    )
    return main, small, audio


def hold_filter(chapters: list[Chapter], fps: int) -> str:
    """The filmed picture at ``fps`` with each step's hold (script.Step.hold) added: the frame
    at ``hold_at`` repeated (the loop filter keeps one frame, whatever the length), then the
    frames re-timed. Holds are rounded to whole frames as a running total, so they never drift."""
    holds = sorted((s.hold_at, s.hold) for c in chapters for s in c.steps if s.hold > 0)
    if not holds:
        return "[0:v]null"
    parts = [f"[0:v]fps={fps}"]
    added = 0
    total = 0.0
    for at, seconds in holds:
        total += seconds
        count = round(total * fps) - added
        if count <= 0:
            continue
        parts.append(f"loop=loop={count}:size=1:start={int(at * fps) + added}")
        added += count
    parts.append(f"setpts=N/({fps}*TB)")
    return ",".join(parts)


def encode(
    video: Path,
    clips: list[tuple[float, Path]],
    chapters: list[Chapter],
    workdir: Path,
    *,
    portrait: bool,
    quality: Quality | None = None,
) -> Outputs:
    """Encode everything into ``workdir``; raises EncodeError (files there are scratch)."""
    q = quality or Quality()
    held = sum(s.hold for c in chapters for s in c.steps)
    duration = probe_duration(video) + held
    narration = workdir / "narration.wav"
    narration_track(clips, duration, narration)
    main, small, audio = render(
        video,
        narration,
        workdir,
        portrait=portrait,
        quality=q,
        duration=duration,
        video_filter=hold_filter(chapters, q.fps),
    )
    timed = timed_chapters(chapters, duration)
    posters: dict[str, Path] = {}
    first_steps = {c.stage: c.steps[0] for c in chapters if c.steps}
    for ch in timed:
        step = first_steps[ch["id"]]
        # Once the first highlight is drawn, within the chapter.
        at = min(step.start + min(1.0, (step.end - step.start) / 2), ch["end"] - 0.05)
        poster = workdir / f"poster-{ch['id']}.jpg"
        _run(
            [
                "ffmpeg",
                "-v",
                "error",
                "-y",
                "-ss",
                f"{at:.3f}",
                "-i",
                str(main),
                "-frames:v",
                "1",
                "-q:v",
                "6",
                str(poster),
            ]
        )
        posters[ch["id"]] = poster
    captions = {
        lang: vtt.serialize(caption_cues(chapters, lang, duration)).encode("utf-8") for lang in ("id", "en")
    }
    chapters_vtt = vtt.serialize(chapter_cues(timed, "id")).encode("utf-8")
    return Outputs(
        video=main,
        small=small,
        audio=audio,
        posters=posters,
        captions=captions,
        chapters_vtt=chapters_vtt,
        duration=duration,
        chapters=timed,
        transcripts=transcripts(chapters),
    )


__all__ = ["EncodeError", "Outputs", "Quality", "encode", "speakable"]
