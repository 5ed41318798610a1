"""The narration script of a recorded guide: for each stage, the steps a person takes, each
naming the control it is about.

A step is plain data (JSON-able), so the same script drives the recorder (which films the
step and speaks its text), the captions, chapters and transcript (written from the same texts
and the times the recorder measured), ``flask tutorials check`` (which looks for every quoted
label on its page again) and, later, an in-page walkthrough (the selector says which element
to highlight, the text what to say).

Texts are written from the live definitions: the category's published form version (page
titles, field labels, help texts, required documents) and the labels read off the rendered
page (buttons, links). A control is always named by its visible label, in quotation marks.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import asdict, dataclass, field
from typing import Any

from portal.tutorials.stages import STAGES

#: Longer labels are cut (with an ellipsis) in the narration; the check accepts the cut form.
MAX_QUOTED_CHARS = 80
OPEN_QUOTE, CLOSE_QUOTE = "\u201c", "\u201d"
ELLIPSIS = "\u2026"
_QUOTED = re.compile(r"\u201c(.+?)\u201d(?=[\s.,;:!?)\u2069]|$)")
_RTL = {"R", "AL", "AN"}
_SPACES = re.compile(r"\s+")


def clean_label(text: str) -> str:
    """A label as it reads on screen: whitespace collapsed, control characters dropped
    (a caption line cannot hold a newline or ``-->``)."""
    text = "".join(ch for ch in (text or "") if unicodedata.category(ch)[0] != "C" or ch in "\t\n ")
    text = _SPACES.sub(" ", text).strip()
    return text.replace("-->", "->")


def shorten(text: str, limit: int = MAX_QUOTED_CHARS) -> str:
    text = clean_label(text)
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0] if " " in text[: limit - 1] else text[: limit - 1]
    return cut.rstrip(" ,.;:") + ELLIPSIS


def has_rtl(text: str) -> bool:
    return any(unicodedata.bidirectional(ch) in _RTL for ch in text)


def quote(label: str) -> str:
    """“label”, cut to MAX_QUOTED_CHARS; right-to-left text is isolated (U+2068 .. U+2069) so
    the quotation marks and the sentence around it keep their places."""
    text = shorten(label)
    if has_rtl(text):
        text = f"\u2068{text}\u2069"
    return f"{OPEN_QUOTE}{text}{CLOSE_QUOTE}"


def quoted_labels(text: str) -> list[str]:
    """The labels a narration text names in quotation marks (isolates removed)."""
    return [m.group(1).replace("\u2068", "").replace("\u2069", "") for m in _QUOTED.finditer(text)]


def label_matches(quoted: str, shown: str) -> bool:
    """Whether a quoted label names the label shown on the page (a cut label matches its
    beginning)."""
    shown = clean_label(shown)
    if quoted.endswith(ELLIPSIS):
        return shown.startswith(quoted[:-1].rstrip(" ,.;:"))
    return quoted == shown


def speakable(text: str) -> str:
    """The text for the speech synthesiser: no quotation marks, isolates or emoji (espeak-ng
    reads their names aloud or stumbles on them)."""
    out = []
    for ch in text:
        if ch in (OPEN_QUOTE, CLOSE_QUOTE, "\u2068", "\u2069", '"'):
            continue
        cat = unicodedata.category(ch)
        if cat == "So" or cat == "Cs" or ch in ("\ufe0f", "\u200d"):
            continue
        out.append(ch)
    return _SPACES.sub(" ", "".join(out)).strip()


@dataclass
class Step:
    """One thing the guide shows: highlight ``selector`` (whose visible label is ``label``)
    and say ``text`` (``{"id": ..., "en": ...}``). ``start``/``end`` are seconds in the video,
    filled in by the recorder."""

    stage: str
    selector: str | None
    label: str
    text: dict[str, str]
    page: str = ""  # the path the step was filmed on (for the check and a walkthrough)
    start: float = 0.0
    end: float = 0.0
    # The narration outlasted the step's action: the encoder shows the screen as it was at
    # ``hold_at`` (seconds of the browser's own recording) for ``hold`` more seconds.
    hold_at: float = 0.0
    hold: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Step:
        known = {k: data[k] for k in cls.__dataclass_fields__ if k in data}
        return cls(**known)

    def quoted(self) -> list[str]:
        seen: list[str] = []
        for lang in ("id", "en"):
            for label in quoted_labels(self.text.get(lang, "")):
                if label not in seen:
                    seen.append(label)
        return seen


@dataclass
class Chapter:
    """One stage's part of the guide."""

    stage: str
    title: dict[str, str]
    steps: list[Step] = field(default_factory=list)

    @property
    def start(self) -> float:
        return self.steps[0].start if self.steps else 0.0

    @property
    def end(self) -> float:
        return self.steps[-1].end if self.steps else 0.0


def chapter_for(stage: str) -> Chapter:
    id_title, en_title = STAGES[stage]
    return Chapter(stage=stage, title={"id": id_title, "en": en_title})


def bilingual(id_label: str, en_label: str, lang: str) -> tuple[str, str]:
    """How a defined label (a field, a page, a document) is named in the Indonesian and the
    English narration of a guide filmed in ``lang``: always the label the screen shows, in
    quotes; the other language's label follows in brackets when it differs."""
    shown = (en_label or id_label) if lang == "en" else (id_label or en_label)
    other_id = "" if lang == "id" or not id_label or id_label == shown else f" ({shorten(id_label)})"
    other_en = "" if lang == "en" or not en_label or en_label == shown else f" ({shorten(en_label)})"
    return quote(shown) + other_id, quote(shown) + other_en


# -- the sentences ---------------------------------------------------------------------------------
# Each returns {"id": ..., "en": ...}. ``q`` is an on-screen label already quoted.


def say(id_text: str, en_text: str) -> dict[str, str]:
    return {"id": id_text, "en": en_text}


def fill_in(q_id: str, q_en: str, help_id: str = "", help_en: str = "") -> dict[str, str]:
    extra_id = f" {help_id.rstrip('.')}." if help_id else ""
    extra_en = f" {help_en.rstrip('.')}." if help_en else ""
    return say(f"Isi {q_id}.{extra_id}", f"Fill in {q_en}.{extra_en}")


def choose(q_id: str, q_en: str) -> dict[str, str]:
    return say(f"Pilih jawaban untuk {q_id}.", f"Choose an answer for {q_en}.")


def press(q: str) -> dict[str, str]:
    return say(f"Tekan {q}.", f"Press {q}.")


def open_link(q: str) -> dict[str, str]:
    return say(f"Tekan {q}.", f"Tap {q}.")


def to_json(chapters: list[Chapter]) -> list[dict[str, Any]]:
    return [step.to_dict() for ch in chapters for step in ch.steps]


# -- the sentences about the category's own definitions (the walk and the walkthrough) -----------


def is_choice(field_spec: Any) -> bool:
    """A field answered by choosing (a list, radio buttons or a group of tick boxes)."""
    kind = field_spec.type
    return kind in ("select", "radio") or (kind == "checkbox" and bool(field_spec.options))


def field_text(field_spec: Any, lang: str, intro: dict[str, str] | None = None) -> dict[str, str]:
    """What is said of one field of the published form: its label as the screen shows it (in
    quotes), what to do with it, and its help text; ``intro`` (a page's) goes first."""
    q_id, q_en = bilingual(field_spec.label_id, field_spec.label_en, lang)
    if is_choice(field_spec):
        text = say(f"Pilih {q_id}.", f"Choose {q_en}.")
    else:
        text = say(f"Isi {q_id}.", f"Fill in {q_en}.")
    help_id = field_spec.help_id or field_spec.help_en
    help_en = field_spec.help_en or field_spec.help_id
    if help_id:
        text["id"] += f" {shorten(help_id, 120).rstrip('.')}."
        text["en"] += f" {shorten(help_en, 120).rstrip('.')}."
    if intro:
        text = {code: f"{intro[code]} {text[code]}" for code in ("id", "en")}
    return text


def page_intro(number: int, total: int, form_page: Any, lang: str) -> dict[str, str]:
    """“Page 2 of 3: “Business”.”: said before the first field of a form page."""
    q_id, q_en = bilingual(form_page.title_id, form_page.title_en, lang)
    return say(f"Halaman {number} dari {total}: {q_id}.", f"Page {number} of {total}: {q_en}.")


def document_text(doc: Any, q_choose: str, lang: str, *, first: bool = False) -> dict[str, str]:
    """What is said of one required document's place on the documents page; ``q_choose`` is the
    quoted label of its file button."""
    q_id, q_en = bilingual(doc.label_id, doc.label_en, lang)
    lead_id = "Setiap dokumen punya tempatnya sendiri. " if first else ""
    lead_en = "Each document has its own place. " if first else ""
    return say(
        f"{lead_id}{q_id}: tekan {q_choose}, lalu pilih foto atau PDF-nya. "
        "Berkas langsung dikirim; tunggu sampai selesai.",
        f"{lead_en}{q_en}: press {q_choose}, then pick the photo or PDF. "
        "It is sent at once; wait until it is done.",
    )


def tick(q: str) -> dict[str, str]:
    return say(f"Centang {q}.", f"Tick {q}.")
