"""Right-to-left text (Arabic, Hebrew) on the permit letter, in the order and shapes it is read.

ReportLab draws characters one after the other, left to right, as they are stored: an Arabic
name would come out with its letters unjoined and its words backwards. ``visual_lines`` does
what a text engine does, in the order that keeps a wrapped paragraph right: it joins the
Arabic letters (arabic-reshaper gives each letter the form it takes at the start, middle or end
of a word), breaks the text into lines that fit ``width`` in reading order, and only then puts
each line in display order (python-bidi, the Unicode bidirectional algorithm; a Latin word in
an Arabic name stays left to right). Text without a right-to-left letter is left alone.
"""

from __future__ import annotations

import functools
import unicodedata

from arabic_reshaper import ArabicReshaper
from arabic_reshaper.ligatures import LIGATURES
from bidi import get_display
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfmetrics import stringWidth

_RTL_CLASSES = frozenset({"R", "AL"})


def has_rtl(text: str) -> bool:
    return any(unicodedata.bidirectional(ch) in _RTL_CLASSES for ch in text)


def starts_rtl(text: str) -> bool:
    """Whether the first letter with a direction reads right to left (the paragraph's own
    direction, as the bidirectional algorithm chooses it)."""
    for ch in text:
        kind = unicodedata.bidirectional(ch)
        if kind in _RTL_CLASSES:
            return True
        if kind == "L":
            return False
    return False


@functools.lru_cache(maxsize=8)
def _reshaper(font: str) -> ArabicReshaper:
    """A reshaper that makes only the ligatures ``font`` has a glyph for (DejaVu Sans lacks
    the word "Allah" as one glyph: it is spelt out instead of printed as a box)."""
    glyphs = getattr(getattr(pdfmetrics.getFont(font), "face", None), "charToGlyph", None) or {}
    return ArabicReshaper(
        configuration={
            name: bool(glyphs) and all(ord(ch) in glyphs for form in forms for ch in form)
            for name, (_match, forms) in LIGATURES
        }
    )


def _break_word(word: str, font: str, size: float, width: float) -> list[str]:
    """A word wider than the line, cut into pieces that fit (a name without spaces)."""
    pieces: list[str] = []
    current = ""
    for ch in word:
        if current and stringWidth(current + ch, font, size) > width:
            pieces.append(current)
            current = ch
        else:
            current += ch
    if current:
        pieces.append(current)
    return pieces


def visual_lines(text: str, font: str, size: float, width: float) -> list[str]:
    """``text`` shaped and broken into lines of at most ``width`` points in ``font`` at
    ``size``, each line in display order. One line per paragraph of the text at least."""
    shaped = _reshaper(font).reshape(text)
    base = "R" if starts_rtl(text) else "L"
    out: list[str] = []
    for paragraph in shaped.split("\n"):
        lines: list[str] = []
        current = ""
        for word in paragraph.split():
            for piece in _break_word(word, font, size, width):
                candidate = f"{current} {piece}" if current else piece
                if current and stringWidth(candidate, font, size) > width:
                    lines.append(current)
                    current = piece
                else:
                    current = candidate
        lines.append(current)
        out.extend(str(get_display(line, base_dir=base)) for line in lines)
    return out
