"""Captions and chapter titles typed and corrected in the browser (issue 14: made by a clerk).

The admin sees each chapter as a plain form: its title (Indonesian, English optional) and its
captions as rows (from, to, Indonesian text, English text), times as minutes:seconds. The
files the player reads are written from the rows; the admin never sees their format.

Rules, each refused with a sentence that names the row: a time must be readable and not
negative, a caption ends after it starts, it lies inside its chapter (so inside the video),
and it does not overlap another caption: one caption on screen at a time (a caption that ends
exactly when the next starts is shortened a little, as the player would show both).
English is optional: a row without English text has no English caption.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _

from portal.audit.services import audit
from portal.auth.models import User
from portal.errors import NotFoundError
from portal.extensions import db
from portal.storage import get_storage
from portal.tutorials import services, vtt
from portal.tutorials.editing import parse_time
from portal.tutorials.models import Tutorial
from portal.tutorials.services import TutorialError

MAX_TEXT = 1000
MAX_ROWS = 200
#: A caption that ends when the next one starts ends this much earlier (one on screen at once).
CUE_GAP = 0.05
#: A whole video without chapters is edited as one part under this name.
WHOLE = "whole"
#: Times typed as minutes:seconds are rounded; a caption may start or end this close outside
#: its chapter.
SLACK = 0.5


def clock(seconds: float) -> str:
    """75.0 -> "1:15"; 75.25 -> "1:15.3" (a tenth only when there is one)."""
    tenths = int(max(seconds, 0.0) * 10 + 0.5 + 1e-9)  # half a tenth up, not to even
    minutes, rest = divmod(tenths, 600)
    whole, tenth = divmod(rest, 10)
    return f"{minutes}:{whole:02d}" + (f".{tenth}" if tenth else "")


@dataclass
class CueRow:
    start: str = ""
    end: str = ""
    text_id: str = ""
    text_en: str = ""
    # The stored times, in seconds, so a row whose shown time is not changed keeps its exact time.
    exact_start: str = ""
    exact_end: str = ""

    def is_empty(self) -> bool:
        return not (self.start.strip() or self.end.strip() or self.text_id.strip() or self.text_en.strip())


@dataclass
class ChapterCaptions:
    chapter_id: str
    title_id: str
    title_en: str
    start: float
    end: float
    rows: list[CueRow] = field(default_factory=list)

    @property
    def span(self) -> str:
        return f"{clock(self.start)} \u2013 {clock(self.end)}"

    @property
    def missing_english(self) -> bool:
        return any(r.text_id and not r.text_en for r in self.rows)


def _cues(tutorial: Tutorial, lang: str) -> list[vtt.Cue]:
    key = getattr(tutorial, f"captions_{lang}_key")
    if not key:
        return []
    with get_storage().open(key) as fh:
        return vtt.parse(fh.read())


def _length(tutorial: Tutorial, cues: list[vtt.Cue]) -> float:
    chapters = tutorial.chapters_json or []
    return float(
        tutorial.duration_seconds or (chapters[-1]["end"] if chapters else 0) or (cues[-1].end if cues else 0)
    )


def _parts(tutorial: Tutorial, length: float) -> list[dict[str, Any]]:
    chapters = tutorial.chapters_json or []
    if chapters:
        return chapters
    return [
        {
            "id": WHOLE,
            "start": 0.0,
            "end": length,
            "title": {"id": tutorial.title_id, "en": tutorial.title_en},
        }
    ]


def _inside(cue: vtt.Cue, part: dict[str, Any], last: bool) -> bool:
    return part["start"] - 0.01 <= cue.start < part["end"] - 0.01 or (last and cue.start >= part["start"])


def _english_for(cue: vtt.Cue, english: list[vtt.Cue]) -> str:
    for other in english:
        if abs(other.start - cue.start) < 0.3:
            return other.text
    return ""


def chapter_captions(tutorial: Tutorial, spare: int = 2) -> list[ChapterCaptions]:
    """The guide's chapters, each with its captions as rows (and ``spare`` empty rows)."""
    indonesian = _cues(tutorial, "id")
    english = _cues(tutorial, "en")
    length = _length(tutorial, indonesian)
    parts = _parts(tutorial, length)
    out = []
    for i, part in enumerate(parts):
        last = i + 1 == len(parts)
        rows = [
            CueRow(
                start=clock(c.start),
                end=clock(c.end),
                text_id=_shown(c.text),
                text_en=_shown(_english_for(c, english)),
                exact_start=repr(c.start),
                exact_end=repr(c.end),
            )
            for c in indonesian
            if _inside(c, part, last)
        ]
        out.append(
            ChapterCaptions(
                chapter_id=part["id"],
                title_id=part["title"].get("id", ""),
                title_en=part["title"].get("en", "")
                if part["title"].get("en") != part["title"].get("id")
                else "",
                start=float(part["start"]),
                end=float(part["end"]),
                rows=rows + [CueRow() for _ in range(spare)],
            )
        )
    return out


def _time(typed: str, exact: str, n: int, what: str) -> float:
    typed = (typed or "").strip()
    if exact:
        try:
            kept = float(exact)
        except ValueError:
            kept = None
        if kept is not None and kept >= 0 and clock(kept) == typed:
            return kept
    if typed.startswith("-"):
        raise TutorialError(_("Line %(n)s: a time cannot be below 0:00.", n=n))
    value = parse_time(typed)
    if value is None:
        if what == "start":
            raise TutorialError(
                _("Line %(n)s: write when the caption starts as minutes:seconds, for example 1:05.", n=n)
            )
        raise TutorialError(
            _("Line %(n)s: write when the caption ends as minutes:seconds, for example 1:08.", n=n)
        )
    return value


def _text(text: str) -> str:
    """Typed text as caption text: blank lines dropped, and <, > and & shown as typed."""
    lines = [" ".join(line.split()) for line in (text or "").replace("\r", "\n").split("\n")]
    return "\n".join(line for line in lines if line).replace("-->", "->")


def _escaped(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _shown(text: str) -> str:
    """A caption's text as a person reads it (its markup and escapes gone)."""
    return vtt.plain_text([vtt.Cue(0, 1, text)])


def rows_to_cues(rows: list[CueRow], start: float, end: float) -> tuple[list[vtt.Cue], list[vtt.Cue]]:
    """The chapter's captions from its rows: (Indonesian, English). Raises TutorialError."""
    filled = [r for r in rows[:MAX_ROWS] if not r.is_empty()]
    timed: list[tuple[float, float, str, str, int]] = []
    for n, row in enumerate(filled, 1):
        cue_start = _time(row.start, row.exact_start, n, "start")
        cue_end = _time(row.end, row.exact_end, n, "end")
        if cue_end <= cue_start:
            raise TutorialError(_("Line %(n)s: the caption must end after it starts.", n=n))
        if cue_start < start - SLACK or cue_end > end + SLACK:
            raise TutorialError(
                _(
                    "Line %(n)s: this chapter runs from %(start)s to %(end)s; its captions must start "
                    "and end within that time.",
                    n=n,
                    start=clock(start),
                    end=clock(end),
                )
            )
        text_id, text_en = _text(row.text_id), _text(row.text_en)
        if not text_id:
            raise TutorialError(_("Line %(n)s: write the Indonesian text (English is optional).", n=n))
        if len(text_id) > MAX_TEXT or len(text_en) > MAX_TEXT:
            raise TutorialError(
                _(
                    "Line %(n)s: the text is longer than %(max)s characters; split it into two lines.",
                    n=n,
                    max="1.000",
                )
            )
        timed.append((max(cue_start, start), min(cue_end, end), text_id, text_en, n))
    timed.sort(key=lambda t: t[0])
    for (_s, prev_end, _t, _e, prev_n), (next_start, _x, _y, _z, next_n) in zip(
        timed, timed[1:], strict=False
    ):
        if next_start < prev_end - 1e-6:
            raise TutorialError(
                _(
                    "Line %(next)s starts at %(start)s, before line %(prev)s ends (%(end)s): only one "
                    "caption can be on screen at a time. Change one of the times.",
                    next=next_n,
                    prev=prev_n,
                    start=clock(next_start),
                    end=clock(prev_end),
                )
            )
    indonesian = [vtt.Cue(start=round(s, 3), end=round(e, 3), text=_escaped(t)) for s, e, t, _en, _n in timed]
    english = [
        vtt.Cue(start=round(s, 3), end=round(e, 3), text=_escaped(en)) for s, e, _t, en, _n in timed if en
    ]
    return indonesian, english


def one_at_a_time(cues: list[vtt.Cue]) -> list[vtt.Cue]:
    """Sorted, and each caption ended before the next one starts."""
    cues = sorted(cues, key=lambda c: c.start)
    out = []
    for i, cue in enumerate(cues):
        end = cue.end
        if i + 1 < len(cues) and end > cues[i + 1].start - CUE_GAP:
            end = max(cues[i + 1].start - CUE_GAP, cue.start + 0.01)
        out.append(vtt.Cue(start=cue.start, end=round(end, 3), text=cue.text))
    return out


def save_chapter(
    tutorial: Tutorial, chapter_id: str, title_id: str, title_en: str, rows: list[CueRow], actor: User
) -> None:
    """Replace one chapter's captions (both languages) and title with what the admin typed.
    Raises TutorialError; nothing changes then."""
    indonesian = _cues(tutorial, "id")
    english = _cues(tutorial, "en")
    length = _length(tutorial, indonesian)
    parts = _parts(tutorial, length)
    index = next((i for i, p in enumerate(parts) if p["id"] == chapter_id), None)
    if index is None:
        raise NotFoundError()
    part = parts[index]
    last = index + 1 == len(parts)
    title_id = " ".join((title_id or "").split())[:200]
    title_en = " ".join((title_en or "").split())[:200]
    if not title_id:
        raise TutorialError(_("Give the chapter a title in Indonesian (English is optional)."))
    new_id, new_en = rows_to_cues(rows, float(part["start"]), float(part["end"]))
    kept_id = [c for c in indonesian if not _inside(c, part, last)]
    kept_en = [c for c in english if not _inside(c, part, last)]
    captions_id = one_at_a_time(kept_id + new_id)
    if not captions_id:
        raise TutorialError(_("Write at least one caption."))
    services.attach_captions(tutorial, "id", vtt.serialize(captions_id).encode("utf-8"))
    captions_en = one_at_a_time(kept_en + new_en)
    if captions_en:
        services.attach_captions(tutorial, "en", vtt.serialize(captions_en).encode("utf-8"))
    elif tutorial.captions_en_key:
        services.clear_file(tutorial, "captions_en_key")
    if tutorial.is_recorded or not tutorial.transcript_id:
        tutorial.transcript_id = vtt.plain_text(captions_id)
    if tutorial.is_recorded or not tutorial.transcript_en:
        tutorial.transcript_en = vtt.plain_text(captions_en) if captions_en else ""
    if chapter_id != WHOLE:
        chapters = [
            {**c, "title": {"id": title_id, "en": title_en or title_id}} if c["id"] == chapter_id else c
            for c in tutorial.chapters_json
        ]
        cues = [vtt.Cue(start=c["start"], end=c["end"], text=c["title"]["id"], id=c["id"]) for c in chapters]
        services.attach_chapters(
            tutorial,
            vtt.serialize(cues).encode("utf-8"),
            titles_en={c["id"]: c["title"]["en"] for c in chapters},
        )
    else:
        tutorial.title_id = title_id
        tutorial.title_en = title_en
    services.refresh_chapter_transcripts(tutorial)
    audit(
        actor,
        "tutorial.captions",
        "tutorial",
        tutorial.id,
        "Captions typed",
        chapter=chapter_id,
        captions=len(new_id),
    )
    db.session.flush()
