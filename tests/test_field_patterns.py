"""Admin-written field patterns (issue 12, item 9): ASCII only, checked when saved (compile
errors, shapes that make backtracking explode, back-references, length) with a sentence in the
admin's language, and matched under a time bound and an input length bound."""

from __future__ import annotations

import logging

import pytest
from flask_babel import force_locale
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from portal.admin.models import FormDraft
from portal.auth.models import Role
from portal.catalogue.formspec import FormSpec, patterns
from portal.catalogue.formspec.patterns import (
    MAX_MATCH_INPUT,
    MAX_PATTERN_LENGTH,
    pattern_matches,
    pattern_problem,
)
from portal.extensions import db
from tests.conftest import post_form
from tests.test_admin import A_AND_B, draft_with, field_post, new_category


def answer(pattern: str, value: str, kind: str = "text"):
    spec = FormSpec.from_version(
        [
            {
                "key": "answer",
                "label_id": "Jawaban",
                "label_en": "Answer",
                "page": "main",
                "type": kind,
                "pattern": pattern,
            }
        ],
        [],
    )
    result = spec.validate_page("main", MultiDict({"answer": value}), {})
    error = result.errors.get("answer")
    return result.values.get("answer"), (error.code if error else None)


# -- ASCII only ----------------------------------------------------------------------------------
NIK = "6472014507900001"


@pytest.mark.parametrize(
    ("pattern", "value"),
    [
        (
            r"\d{16}",
            "\uff16\uff14\uff17\uff12\uff10\uff11\uff14\uff15\uff10\uff17\uff19\uff10\uff10\uff10\uff10\uff11",
        ),
        (
            r"\d{16}",
            "\u0666\u0664\u0667\u0662\u0660\u0661\u0664\u0665\u0660\u0667\u0669\u0660\u0660\u0660\u0660\u0661",
        ),
        (
            r"\d{16}",
            "\u096c\u096a\u096d\u0968\u0966\u0967\u096a\u096b\u0966\u096d\u096f\u0966\u0966\u0966\u0966\u0967",
        ),
        (r"\d{15}\d", "647201450790000\uff11"),
        (r"\w+", "Jalan\uff21"),
        (r"\w+", "caf\u00e9"),
        (r"[a-z]+\s[a-z]+", "jalan\u00a0merdeka"),
        (r"(?i)[a-z]+", "\u212a"),  # the Kelvin sign folds to k only in Unicode mode
        (r"(?i)s+", "\u017f"),  # long s
        (r"\b\d{5}\b", "\uff11\uff12\uff13\uff14\uff15"),
    ],
)
def test_a_pattern_matches_ascii_only(pattern, value):
    assert pattern_problem(pattern) is None
    assert not pattern_matches(pattern, value)
    assert answer(pattern, value)[1] == "pattern"


def test_the_ascii_answer_still_matches():
    assert answer(r"\d{16}", NIK) == (NIK, None)
    assert answer(r"(?i)[a-z]+\s[a-z]+", "Jalan Merdeka") == ("Jalan Merdeka", None)


@pytest.mark.parametrize("pattern", [r"(?u)\d{16}", r"(?L)\d{16}", r"(?V1)\d{16}"])
def test_a_pattern_cannot_switch_unicode_back_on(pattern):
    assert pattern_problem(pattern) is not None
    assert not pattern_matches(pattern, NIK)


# -- checked when saved --------------------------------------------------------------------------
DANGEROUS = [
    "(a+)+b",
    "(a*)*",
    "(a+)*b",
    "(a+){2,}",
    "(a+){3}",
    "(a?)+",
    "(a?)*b",
    "(a{1,3})+",
    "(a|aa)+",
    "(a|ab)*c",
    "([a-z]+\\s?)+",
    "((ab)*)*",
    "(?:x+y*)+z",
    "(?>a+)+",
    "(?=a+)+b",
    "(\\d+)+$",
    "^(([a-z])+.)+[A-Z]([a-z])+$",
]
BACKREFERENCES = [r"(\w+)\1", r"(?P<x>a)(?P=x)", r"(a)?(?(1)b|c)"]
BROKEN = ["(", "[a-", "a{2,1}", "*a", "(?P<x", "\\", "[z-a]"]
NOT_RE = [r"\p{N}{16}", r"(?r)abc", r"(?V1)a", r"a{e<=1}"]
SAFE = [
    r"\d{16}",
    r"[0-9]{5}",
    r"[A-Z]{2}-[0-9]{4}",
    r"(08|\+628)[0-9]{8,11}",
    r"(\d{4}-){3}\d{4}",
    r"(a|b)+",
    r"[a-z]+( [a-z]+)?",
    r"(?i)rt\s?\d{3}/rw\s?\d{3}",
    r"\d{2}\.\d{3}\.\d{3}\.\d-\d{3}\.\d{3}",
]


@pytest.mark.parametrize("pattern", DANGEROUS + BACKREFERENCES + BROKEN + NOT_RE)
def test_unusable_patterns_are_refused_with_a_sentence(app, pattern):
    with app.test_request_context("/"), force_locale("en"):
        english = pattern_problem(pattern)
    with app.test_request_context("/"), force_locale("id"):
        indonesian = pattern_problem(pattern)
    assert english and indonesian and english != indonesian
    assert "error" not in english.lower() and "position" not in english  # not Python's text


@pytest.mark.parametrize("pattern", SAFE)
def test_ordinary_patterns_are_accepted(pattern):
    assert pattern_problem(pattern) is None


def test_the_pattern_length_is_bounded():
    assert pattern_problem("a" * MAX_PATTERN_LENGTH) is None
    assert pattern_problem("a" * (MAX_PATTERN_LENGTH + 1)) is not None


@pytest.mark.parametrize("pattern", ["(a+)+b", "(a|aa)+", r"(\w+)\1", "(", "x" * 201, r"\p{N}"])
@pytest.mark.parametrize("lang", ["en", "id"])
def test_the_admin_form_refuses_the_pattern_beside_the_field(app, client, login_as, pattern, lang):
    admin = login_as(Role.ADMIN, locale=lang)
    category = new_category()
    draft_with(category, A_AND_B, admin)
    base = f"/admin/categories/{category.id}/form"
    response = post_form(
        client,
        f"{base}/fields/new?lang={lang}",
        field_post(key="c", pattern=pattern),
        page=f"{base}/fields/new?lang={lang}",
    )
    assert response.status_code == 400
    with app.test_request_context("/"), force_locale(lang):
        expected = pattern_problem(pattern)
    html = response.get_data(as_text=True).replace("&#34;", '"').replace("&#39;", "'")
    assert expected in html
    assert "does not compile" not in html and "re.error" not in html
    db.session.expire_all()
    draft = db.session.scalar(select(FormDraft).where(FormDraft.category_id == category.id))
    assert [f["key"] for f in draft.fields] == ["a", "b"]


def test_publishing_a_draft_holding_a_dangerous_pattern_is_refused(client, login_as):
    from tests.test_admin import text_field

    admin = login_as(Role.ADMIN, locale="en")
    category = new_category()
    draft_with(category, [text_field("a", pattern="(a+)+b"), text_field("b", page="two")], admin)
    base = f"/admin/categories/{category.id}/form"
    response = post_form(client, f"{base}/publish", {}, page=base)
    assert response.status_code == 400
    assert "field a: The pattern repeats a part" in response.get_data(as_text=True)


# -- matched with bounds -------------------------------------------------------------------------
def test_a_dangerous_pattern_saved_before_the_checks_matches_nothing(caplog):
    caplog.set_level(logging.WARNING)
    patterns._compiled.cache_clear()
    assert answer("(a+)+b", "a" * 24 + "c")[1] == "pattern"
    assert answer("(a+)+b", "aab")[1] == "pattern"  # refused as a whole, not only when slow
    assert "not usable" in caplog.text


def test_a_match_that_runs_out_of_time_is_no_match(monkeypatch, caplog):
    caplog.set_level(logging.WARNING)
    # A pattern that passes no check of ours, let through as if it had: matching it against
    # 50 characters takes minutes without a time bound.
    monkeypatch.setattr(patterns, "pattern_problem", lambda pattern: None)
    patterns._compiled.cache_clear()
    try:
        assert pattern_matches("(.*){1,32000}[bc]", "a" * 50) is False
    finally:
        patterns._compiled.cache_clear()
    assert "ran out of time" in caplog.text


def test_the_answer_length_is_bounded():
    pattern = "[a-z ]*"
    assert pattern_matches(pattern, "a" * MAX_MATCH_INPUT)
    assert not pattern_matches(pattern, "a" * (MAX_MATCH_INPUT + 1))
    assert answer(pattern, "a" * (MAX_MATCH_INPUT + 1), kind="textarea")[1] == "pattern"
