"""A strict WebVTT reader and writer for captions and chapters.

Only what the portal needs, but checked strictly so a broken file is refused at upload with the
line to fix, instead of silently showing no captions in the browser:

- the first line is ``WEBVTT`` (optionally followed by a space and text; a BOM is allowed);
- blocks are separated by blank lines; ``NOTE``, ``STYLE`` and ``REGION`` blocks are skipped;
- a cue is an optional id line, a timing line ``[HH:]MM:SS.mmm --> [HH:]MM:SS.mmm [settings]``
  and its text lines;
- cues start in order and each ends after it starts.

Chapters are cues with an id (the id is what a stage mapping and a deep link name).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from portal.errors import PortalError

CAPTION_LANGUAGES = ("id", "en")
#: A chapter may end this far past the end of the video (encoders round durations).
DURATION_TOLERANCE = 0.5

_TIMESTAMP = re.compile(r"^(?:(\d{2,}):)?([0-5]\d):([0-5]\d)\.(\d{3})$")
_ARROW = "-->"
_LOOKS_TIMED = re.compile(r"^\s*[\d:.]+\s*(?:-+>?|>|–|—)")


class VttError(PortalError, ValueError):
    """A WebVTT file that cannot be used; ``line`` is 1-based (0 when no single line is at fault)."""

    def __init__(self, line: int, message):
        self.line = line
        self.message = message  # a lazy string: translated when shown, in the reader's language
        super().__init__(message)

    def __str__(self) -> str:
        if self.line:
            return str(_l("line %(line)d: %(message)s", line=self.line, message=self.message))
        return str(self.message)


@dataclass(frozen=True)
class Cue:
    start: float
    end: float
    text: str
    id: str | None = None
    settings: str = ""
    line: int = 0  # where the timing line was, for later error messages


def parse_timestamp(value: str, line: int = 0) -> float:
    """``01:02:03.456`` or ``02:03.456`` -> seconds."""
    match = _TIMESTAMP.match(value)
    if not match:
        raise VttError(
            line, _l("'%(value)s' is not a time; write it as HH:MM:SS.mmm or MM:SS.mmm", value=value)
        )
    hours, minutes, seconds, millis = match.groups()
    return int(hours or 0) * 3600 + int(minutes) * 60 + int(seconds) + int(millis) / 1000


def format_timestamp(seconds: float) -> str:
    total_ms = int(round(seconds * 1000))
    hours, rest = divmod(total_ms, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    secs, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}.{millis:03d}"


def _timing(line_text: str, line: int) -> tuple[float, float, str]:
    left, _, right = line_text.partition(_ARROW)
    start_text = left.strip()
    right = right.strip()
    if not right:
        raise VttError(line, _l("the cue has no end time after '-->'"))
    end_text, _, settings = right.partition(" ")
    if "\t" in end_text:
        end_text, _, more = end_text.partition("\t")
        settings = (more + " " + settings).strip()
    start = parse_timestamp(start_text, line)
    end = parse_timestamp(end_text.strip(), line)
    if end <= start:
        raise VttError(line, _l("the cue ends before or when it starts; the end time must be later"))
    return start, end, settings.strip()


def parse(text: str | bytes) -> list[Cue]:
    """Read a WebVTT file and return its cues. Raises VttError naming the line at fault."""
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = text[: exc.start].count(b"\n") + 1
            raise VttError(line, _l("the file is not UTF-8 text")) from None
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\x00" in text:
        raise VttError(text[: text.index("\x00")].count("\n") + 1, _l("the file contains a NUL byte"))
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    first = lines[0] if lines else ""
    if not (first == "WEBVTT" or first.startswith(("WEBVTT ", "WEBVTT\t"))):
        raise VttError(1, _l("the first line must be WEBVTT"))
    if _ARROW in first:
        raise VttError(1, _l("the header line cannot contain '-->'"))

    i = 1
    # The rest of the header block, up to the first blank line.
    while i < len(lines) and lines[i].strip():
        if _ARROW in lines[i]:
            raise VttError(i + 1, _l("a blank line must follow the WEBVTT header before the first cue"))
        i += 1

    cues: list[Cue] = []
    ids: set[str] = set()
    while i < len(lines):
        if not lines[i].strip():
            i += 1
            continue
        block_start = i
        block: list[str] = []
        while i < len(lines) and lines[i].strip():
            block.append(lines[i])
            i += 1
        head = block[0]
        if head == "NOTE" or head.startswith(("NOTE ", "NOTE\t")):
            continue
        if not cues and head in ("STYLE", "REGION"):
            continue
        if _ARROW in head:
            cue_id, timing_index = None, 0
        else:
            cue_id, timing_index = head.strip(), 1
            if (len(block) < 2 or _ARROW not in block[1]) and _LOOKS_TIMED.match(head):
                raise VttError(
                    block_start + 1,
                    _l(
                        "this looks like a timing line but the arrow is wrong; "
                        "write it as 00:00:05.000 --> 00:00:09.000"
                    ),
                )
            if len(block) < 2 or _ARROW not in block[1]:
                raise VttError(
                    block_start + 2 if len(block) >= 2 else block_start + 1,
                    _l("expected a timing line like 00:00:05.000 --> 00:00:09.000"),
                )
        timing_line = block_start + timing_index + 1
        start, end, settings = _timing(block[timing_index], timing_line)
        for offset, payload in enumerate(block[timing_index + 1 :], start=timing_index + 2):
            if _ARROW in payload:
                raise VttError(
                    block_start + offset, _l("a cue's text cannot contain '-->'; is a blank line missing?")
                )
        if cues and start < cues[-1].start:
            raise VttError(timing_line, _l("the cues are not in order; this cue starts before the one above"))
        if cue_id is not None:
            if cue_id in ids:
                raise VttError(block_start + 1, _l("the cue id '%(id)s' is used twice", id=cue_id))
            ids.add(cue_id)
        cues.append(
            Cue(
                start=start,
                end=end,
                text="\n".join(block[timing_index + 1 :]).strip(),
                id=cue_id,
                settings=settings,
                line=timing_line,
            )
        )
    return cues


def serialize(cues: list[Cue]) -> str:
    """Write cues back as a WebVTT file (parse(serialize(c)) == c, positions aside)."""
    out = ["WEBVTT", ""]
    for cue in cues:
        if cue.id:
            out.append(cue.id)
        timing = f"{format_timestamp(cue.start)} --> {format_timestamp(cue.end)}"
        out.append(f"{timing} {cue.settings}".rstrip())
        out.extend(cue.text.split("\n") if cue.text else [])
        out.append("")
    return "\n".join(out)


def chapters(cues: list[Cue]) -> list[Cue]:
    """The cues that are chapters: those with an id."""
    return [c for c in cues if c.id]


def check_chapters(cues: list[Cue], duration: float | None) -> list[Cue]:
    """Every chapter needs an id and a title, and ends within the video. Returns the chapters."""
    if not cues:
        raise VttError(0, _l("the chapters file has no chapters"))
    for cue in cues:
        if not cue.id:
            raise VttError(
                cue.line - 1 if cue.line > 1 else cue.line,
                _l("each chapter needs an id line above its times"),
            )
        if not cue.text:
            raise VttError(cue.line, _l("the chapter '%(id)s' has no title", id=cue.id))
        if duration is not None and cue.end > duration + DURATION_TOLERANCE:
            raise VttError(
                cue.line,
                _l(
                    "the chapter '%(id)s' ends at %(end)s, after the end of the video (%(duration)s)",
                    id=cue.id,
                    end=format_timestamp(cue.end),
                    duration=format_timestamp(duration),
                ),
            )
    return cues


def check_captions(cues: list[Cue], duration: float | None) -> list[Cue]:
    """Captions may not run past the end of the video."""
    for cue in cues:
        if duration is not None and cue.end > duration + DURATION_TOLERANCE:
            raise VttError(
                cue.line,
                _l(
                    "this caption ends at %(end)s, after the end of the video (%(duration)s)",
                    end=format_timestamp(cue.end),
                    duration=format_timestamp(duration),
                ),
            )
    return cues


def check_language(lang: str) -> str:
    if lang not in CAPTION_LANGUAGES:
        raise VttError(
            0, _l("captions in '%(lang)s' are not offered; use Indonesian (id) or English (en)", lang=lang)
        )
    return lang


def plain_text(cues: list[Cue]) -> str:
    """The cues' text without markup, one cue per line: a transcript derived from captions."""
    tag = re.compile(r"<[^>]*>")
    return "\n".join(
        tag.sub("", c.text)
        .replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("\n", " ")
        .strip()
        for c in cues
    )
