"""Staff voices in a recorded guide: a chapter's synthetic narration is replaced by a person's
recording, and the chapter's picture is stretched (or, for a quicker reader, sped up, at most
twice) to the recording's length, so what is said still matches what is shown. The captions,
the chapters and the steps' times are moved with it: a time inside a stretched chapter moves
in proportion, a time after it by the time the chapter gained.

The guide is made again from its own files (the MP4 it plays, its captions and chapters):
the same renditions (MP4, 240p, audio only) as a fresh recording, through ``encode.render``.
"""

from __future__ import annotations

import subprocess
import wave
from dataclasses import dataclass, replace
from pathlib import Path

from portal.recorder.encode import CUE_GAP, EncodeError, Quality, probe_duration, render
from portal.recorder.tts import SAMPLE_RATE
from portal.tutorials import vtt
from portal.tutorials.recorded import Outputs

#: A quicker reader speeds the chapter's picture up, but never more than this.
MAX_SPEED_UP = 2.0


@dataclass
class Segment:
    """One chapter of the guide, before and after: ``factor`` = new length / old length."""

    chapter_id: str
    old_start: float
    old_end: float
    new_start: float
    new_end: float
    voice: Path | None = None

    @property
    def factor(self) -> float:
        old = self.old_end - self.old_start
        return (self.new_end - self.new_start) / old if old > 0 else 1.0


def plan(chapters: list[dict], duration: float, voices: dict[str, tuple[Path, float]]) -> list[Segment]:
    """The guide's chapters with their new bounds; ``voices``: chapter id -> (WAV, seconds)."""
    segments: list[Segment] = []
    at = 0.0
    for i, ch in enumerate(chapters):
        old_start = 0.0 if i == 0 else float(ch["start"])
        old_end = float(chapters[i + 1]["start"]) if i + 1 < len(chapters) else max(duration, ch["end"])
        length = max(old_end - old_start, 0.0)
        voice = voices.get(ch["id"])
        new_length = max(voice[1], length / MAX_SPEED_UP) if voice is not None and length > 0 else length
        segments.append(
            Segment(ch["id"], old_start, old_end, at, at + new_length, voice[0] if voice else None)
        )
        at += new_length
    return segments


def retime(t: float, segments: list[Segment]) -> float:
    """Where the moment ``t`` of the old guide is in the new one."""
    for seg in segments:
        if t < seg.old_end or seg is segments[-1]:
            inside = min(max(t - seg.old_start, 0.0), seg.old_end - seg.old_start)
            return round(seg.new_start + inside * seg.factor, 3)
    return t


def retime_cues(cues: list[vtt.Cue], segments: list[Segment], duration: float) -> list[vtt.Cue]:
    """Captions moved with the chapters; still one on screen at a time."""
    moved = [replace(c, start=retime(c.start, segments), end=retime(c.end, segments)) for c in cues]
    out: list[vtt.Cue] = []
    for i, cue in enumerate(moved):
        end = min(cue.end, duration)
        if i + 1 < len(moved):
            end = min(end, moved[i + 1].start - CUE_GAP)
        if end <= cue.start:
            end = cue.start + 0.05
        out.append(replace(cue, end=round(end, 3)))
    return out


def _read_frames(path: Path) -> bytes:
    with wave.open(str(path), "rb") as wav:
        if wav.getframerate() != SAMPLE_RATE or wav.getnchannels() != 1 or wav.getsampwidth() != 2:
            raise EncodeError(f"{path.name}: not a mono 16-bit {SAMPLE_RATE} Hz WAV")
        return wav.readframes(wav.getnframes())


def _to_track_wav(source: Path, out: Path) -> None:
    """Any sound file (the guide's MP4, a staff WAV) as the narration's mono 16-bit WAV."""
    try:
        subprocess.run(
            [
                "ffmpeg",
                "-v",
                "error",
                "-y",
                "-i",
                str(source),
                "-vn",
                "-ac",
                "1",
                "-ar",
                str(SAMPLE_RATE),
                "-sample_fmt",
                "s16",
                str(out),
            ],
            check=True,
            capture_output=True,
            timeout=300,
        )
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError) as exc:
        raise EncodeError(f"ffmpeg could not read {source.name}: {exc}") from None


def narration(guide_audio: bytes, segments: list[Segment], workdir: Path, out: Path) -> float:
    """The new narration: the old one for chapters without a staff voice, the staff voice
    (then quiet to the chapter's end) for the others. Returns its length in seconds."""
    frames_out = bytearray()
    for n, seg in enumerate(segments):
        length = int(round((seg.new_end - seg.new_start) * SAMPLE_RATE))
        if seg.voice is not None:
            converted = workdir / f"voice-{n}.wav"
            _to_track_wav(seg.voice, converted)
            part = _read_frames(converted)[: length * 2]
        else:
            a = int(round(seg.old_start * SAMPLE_RATE)) * 2
            part = guide_audio[a : a + length * 2]
        frames_out += part + b"\x00\x00" * (length - len(part) // 2)
    with wave.open(str(out), "wb") as dst:
        dst.setnchannels(1)
        dst.setsampwidth(2)
        dst.setframerate(SAMPLE_RATE)
        dst.writeframes(bytes(frames_out))
    return len(frames_out) / 2 / SAMPLE_RATE


def picture_filter(segments: list[Segment]) -> str:
    """``[0:v]`` cut at the chapters, each stretched by its factor, joined again."""
    parts = [s for s in segments if s.old_end > s.old_start]
    if all(abs(s.factor - 1) < 1e-6 for s in parts):
        return "[0:v]null"
    graph = [f"[0:v]split={len(parts)}" + "".join(f"[in{i}]" for i in range(len(parts)))]
    for i, seg in enumerate(parts):
        graph.append(
            f"[in{i}]trim=start={seg.old_start:.3f}:end={seg.old_end:.3f},"
            f"setpts=(PTS-STARTPTS)*{seg.factor:.6f}[c{i}]"
        )
    graph.append("".join(f"[c{i}]" for i in range(len(parts))) + f"concat=n={len(parts)}:v=1:a=0")
    return ";".join(graph)


@dataclass
class Voiced:
    outputs: Outputs
    steps: list[dict]
    segments: list[Segment]


def apply_voices(
    outputs: Outputs,
    steps: list[dict],
    voices: dict[str, tuple[Path, float]],
    workdir: Path,
    *,
    portrait: bool,
    quality: Quality | None = None,
) -> Voiced:
    """The guide in ``outputs`` with ``voices`` (chapter id -> (WAV, seconds)) in place of its
    narration for those chapters. New files in ``workdir``; raises EncodeError."""
    q = quality or Quality()
    chapters = [c for c in outputs.chapters]
    duration = probe_duration(outputs.video)
    segments = plan(
        chapters, duration, {k: v for k, v in voices.items() if any(c["id"] == k for c in chapters)}
    )
    old_track = workdir / "guide-old-narration.wav"
    _to_track_wav(outputs.video, old_track)
    track = workdir / "voiced-narration.wav"
    length = narration(_read_frames(old_track), segments, workdir, track)
    main, small, audio = render(
        outputs.video,
        track,
        workdir,
        portrait=portrait,
        quality=q,
        duration=length,
        video_filter=picture_filter(segments),
        prefix="voiced",
    )
    new_duration = min(length, probe_duration(main))
    by_id = {s.chapter_id: s for s in segments}
    new_chapters = [
        {
            **ch,
            "start": round(by_id[ch["id"]].new_start, 3) if i else 0.0,
            "end": round(by_id[ch["id"]].new_end if i + 1 < len(chapters) else new_duration, 3),
        }
        for i, ch in enumerate(chapters)
    ]
    captions = {
        lang: vtt.serialize(retime_cues(vtt.parse(data), segments, new_duration)).encode("utf-8")
        for lang, data in outputs.captions.items()
        if data
    }
    chapters_vtt = vtt.serialize(
        [
            vtt.Cue(start=c["start"], end=min(c["end"], new_duration), text=c["title"]["id"], id=c["id"])
            for c in new_chapters
        ]
    ).encode("utf-8")
    new_steps = [
        {
            **s,
            "start": retime(float(s.get("start") or 0), segments),
            "end": retime(float(s.get("end") or 0), segments),
        }
        for s in steps
    ]
    voiced = Outputs(
        video=main,
        small=small,
        audio=audio,
        posters=dict(outputs.posters),
        captions=captions,
        chapters_vtt=chapters_vtt,
        duration=new_duration,
        chapters=new_chapters,
        transcripts=dict(outputs.transcripts),
    )
    return Voiced(outputs=voiced, steps=new_steps, segments=segments)
