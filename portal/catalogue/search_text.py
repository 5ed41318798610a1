"""How the permit search reads text: words cut from any text (Unicode-normalised, letters and
digits only), Indonesian stems (Sastrawi) and the words that say nothing about which permit is
meant. Used to build the index, to read a query and to scrub a reported search."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from Sastrawi.Stemmer.StemmerFactory import StemmerFactory

#: A query longer than this is cut: nobody types more into a search box.
MAX_QUERY_CHARS = 100
MAX_QUERY_WORDS = 8
MAX_WORD_CHARS = 40


#: Words that say nothing about which permit is meant ("saya mau buka usaha" -> "buka usaha").
STOP_WORDS = frozenset(
    [
        "izin",
        "ijin",
        "surat",
        "permohonan",
        "mohon",
        "cara",
        "bagaimana",
        "gimana",
        "apa",
        "yang",
        "untuk",
        "di",
        "ke",
        "dari",
        "dan",
        "atau",
        "saya",
        "aku",
        "kami",
        "mau",
        "ingin",
        "ini",
        "itu",
        "dengan",
        "bikin",
        "buat",
        "membuat",
        "urus",
        "mengurus",
        "syarat",
        "persyaratan",
        "daftar",
        "the",
        "a",
        "an",
        "of",
        "for",
        "to",
        "and",
        "or",
        "in",
        "how",
        "i",
        "my",
        "permit",
        "permits",
        "apply",
        "application",
    ]
)

_WORD_RE = re.compile(r"[^\W_]+", re.UNICODE)


@lru_cache(maxsize=1)
def _stemmer():
    return StemmerFactory().create_stemmer()


@lru_cache(maxsize=50_000)
def stem(word: str) -> str:
    """The Indonesian stem of one lower-case word ("perizinan" -> "izin"); digits and short
    words as they are."""
    if len(word) <= 3 or not word.isalpha():
        return word
    return _stemmer().stem(word) or word


def words_of(text_: str | None, *, limit: int | None = None) -> list[str]:
    """The words of a text: Unicode-normalised, lower-case, letters and digits only (so
    punctuation, SQL, markup, emoji and control characters are only separators)."""
    if not text_:
        return []
    normal = unicodedata.normalize("NFKC", text_).lower()
    words = [w[:MAX_WORD_CHARS] for w in _WORD_RE.findall(normal)]
    return words[:limit] if limit else words


def stems_of(text_: str | None) -> list[str]:
    return [stem(w) for w in words_of(text_)]


def _phrases(stems: list[str]) -> list[str]:
    return [f"{a} {b}" for a, b in zip(stems, stems[1:], strict=False)]
