"""The strict WebVTT reader: good files read back exactly; each broken file names its line."""

from __future__ import annotations

import pytest
from flask_babel import force_locale

from portal.tutorials import vtt


@pytest.fixture(autouse=True)
def _english(app):
    """The messages are translated; these tests read the English ones."""
    with app.test_request_context("/"), force_locale("en"):
        yield


GOOD = """WEBVTT - captions

NOTE written by hand

register
00:00.000 --> 00:05.500
Buka halaman Daftar.

00:05.500 --> 01:00:10.000 align:start
Isi <b>NIK</b> Anda
dua baris
"""


def test_reads_cues_ids_times_and_text():
    cues = vtt.parse(GOOD)
    assert [c.id for c in cues] == ["register", None]
    assert cues[0].start == 0.0
    assert cues[0].end == 5.5
    assert cues[1].end == 3610.0
    assert cues[1].settings == "align:start"
    assert cues[1].text == "Isi <b>NIK</b> Anda\ndua baris"
    assert [c.id for c in vtt.chapters(cues)] == ["register"]


def test_round_trip_serialize_then_parse():
    cues = vtt.parse(GOOD)
    again = vtt.parse(vtt.serialize(cues))
    assert [(c.id, c.start, c.end, c.text, c.settings) for c in again] == [
        (c.id, c.start, c.end, c.text, c.settings) for c in cues
    ]


def test_bom_and_crlf_are_accepted():
    data = ("\ufeffWEBVTT\r\n\r\n00:01.000 --> 00:02.000\r\nHalo\r\n").encode()
    assert vtt.parse(data)[0].text == "Halo"


def test_plain_text_drops_markup():
    assert vtt.plain_text(vtt.parse(GOOD)) == "Buka halaman Daftar.\nIsi NIK Anda dua baris"


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("WEBVT\n\n00:00.000 --> 00:01.000\nx\n", 1, "first line must be WEBVTT"),
        ("", 1, "first line must be WEBVTT"),
        ("WEBVTT\n00:00.000 --> 00:01.000\nx\n", 2, "blank line must follow"),
        ("WEBVTT\n\n00:00.000 --> 00:01.000\nok\n\n00:01,000 --> 00:02.000\nkoma\n", 6, "is not a time"),
        ("WEBVTT\n\n00:00.000 --> 00:61.000\nx\n", 3, "is not a time"),
        ("WEBVTT\n\n00:00.000 -->\nx\n", 3, "no end time"),
        ("WEBVTT\n\n00:05.000 --> 00:04.000\nx\n", 3, "ends before or when it starts"),
        ("WEBVTT\n\n00:05.000 --> 00:05.000\nx\n", 3, "ends before or when it starts"),
        ("WEBVTT\n\n00:05.000 --> 00:06.000\nx\n\n00:01.000 --> 00:02.000\ny\n", 6, "not in order"),
        ("WEBVTT\n\n00:00.000 --> 00:01.000\nx\n00:01.000 --> 00:02.000\ny\n", 5, "blank line missing"),
        ("WEBVTT\n\nintro\nno timing here\n", 4, "expected a timing line"),
        ("WEBVTT\n\na\n00:00.000 --> 00:01.000\nx\n\na\n00:01.000 --> 00:02.000\ny\n", 7, "used twice"),
    ],
)
def test_broken_files_name_the_line(text, line, words):
    with pytest.raises(vtt.VttError) as info:
        vtt.parse(text)
    assert info.value.line == line
    assert words in info.value.message
    assert str(info.value).startswith(f"line {line}: ")


def test_not_utf8_names_the_line():
    with pytest.raises(vtt.VttError) as info:
        vtt.parse(b"WEBVTT\n\n00:00.000 --> 00:01.000\nK\xe9\xe9\n")
    assert info.value.line == 4
    assert "UTF-8" in info.value.message


def test_chapters_beyond_the_video_are_refused():
    cues = vtt.parse(
        "WEBVTT\n\nintro\n00:00.000 --> 00:10.000\nPembuka\n\nlate\n00:10.000 --> 00:45.000\nTerlambat\n"
    )
    vtt.check_chapters(cues, 45.0)
    with pytest.raises(vtt.VttError) as info:
        vtt.check_chapters(cues, 30.0)
    assert info.value.line == 8
    assert "'late'" in info.value.message
    assert "after the end of the video" in info.value.message


def test_chapter_without_id_or_title_is_refused():
    with pytest.raises(vtt.VttError, match="needs an id"):
        vtt.check_chapters(vtt.parse("WEBVTT\n\n00:00.000 --> 00:01.000\nx\n"), 10)
    with pytest.raises(vtt.VttError, match="has no title"):
        vtt.check_chapters(vtt.parse("WEBVTT\n\nintro\n00:00.000 --> 00:01.000\n"), 10)


@pytest.mark.parametrize("lang", ["fr", "jv", "", "ID", "en-US"])
def test_caption_languages_are_id_and_en_only(lang):
    with pytest.raises(vtt.VttError, match="not offered"):
        vtt.check_language(lang)
    assert vtt.check_language("id") == "id"
    assert vtt.check_language("en") == "en"
