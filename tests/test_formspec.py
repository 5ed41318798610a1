"""The form-definition engine: every field type's valid and invalid answers, conditions,
posted keys that are not on the page, definition checks, and display of answers."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from werkzeug.datastructures import MultiDict

from portal.catalogue.formspec import DefinitionError, FormSpec

CHOICES = [
    {"value": "a", "label_id": "Pilihan A", "label_en": "Option A"},
    {"value": "b", "label_id": "Pilihan B", "label_en": "Option B"},
]


@pytest.fixture(autouse=True)
def _english(app):
    with app.test_request_context("/?lang=en"):
        yield


def one(field: dict) -> FormSpec:
    base = {"key": "answer", "label_id": "Jawaban", "label_en": "Answer", "page": "main"}
    return FormSpec.from_version([{**base, **field}], [])


def check(field: dict, value, *, answers=None):
    """Post ``value`` for a one-field page; returns (clean value or None, error code or None)."""
    spec = one(field)
    data = MultiDict([("answer", v) for v in value] if isinstance(value, list) else {"answer": value})
    result = spec.validate_page("main", data, answers or {})
    error = result.errors.get("answer")
    return result.values.get("answer"), (error.code if error else None)


# -- required -------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "kind",
    [
        "text",
        "textarea",
        "number",
        "decimal",
        "rupiah",
        "date",
        "email",
        "phone",
        "nik",
        "npwp",
        "nib",
        "address",
    ],
)
def test_required_field_left_empty_is_refused_with_its_label(kind):
    spec = one({"type": kind, "required": True})
    result = spec.validate_page("main", MultiDict({"answer": "   "}), {})
    assert result.errors["answer"].code == "required"
    assert "Answer" in result.errors["answer"].message
    assert "answer" not in result.values


def test_optional_empty_field_is_stored_as_none_so_a_cleared_answer_clears():
    assert check({"type": "text"}, "") == (None, None)
    assert check({"type": "number"}, "") == (None, None)


def test_required_select_not_posted_at_all():
    spec = one({"type": "select", "required": True, "options": CHOICES})
    result = spec.validate_page("main", MultiDict(), {})
    assert result.errors["answer"].code == "required"
    assert result.errors["answer"].message == "Choose an answer for Answer."


# -- text -----------------------------------------------------------------------------------------
def test_text_is_trimmed_and_cleaned_of_control_characters():
    assert check({"type": "text"}, "  Siti\u202e Rahma\x00wati ") == ("Siti Rahmawati", None)


def test_text_over_default_limit_of_500_is_too_long():
    assert check({"type": "text"}, "x" * 500)[1] is None
    assert check({"type": "text"}, "x" * 501) == (None, "too_long")


def test_textarea_allows_5000_and_keeps_newlines():
    value, error = check({"type": "textarea"}, "line one\r\nline two")
    assert (value, error) == ("line one\nline two", None)
    assert check({"type": "textarea"}, "y" * 5001)[1] == "too_long"


def test_min_and_max_length():
    assert check({"type": "text", "min_length": 5}, "abc")[1] == "too_short"
    assert check({"type": "text", "max_length": 3}, "abcd")[1] == "too_long"


def test_pattern_must_match_the_whole_value_and_uses_its_message():
    field = {"type": "text", "pattern": "[0-9]{4}", "pattern_message_en": "Enter 4 digits."}
    assert check(field, "1234") == ("1234", None)
    spec = one(field)
    result = spec.validate_page("main", MultiDict({"answer": "12345"}), {})
    assert result.errors["answer"].code == "pattern"
    assert result.errors["answer"].message == "Enter 4 digits."


# -- numbers --------------------------------------------------------------------------------------
def test_number_accepts_whole_numbers():
    assert check({"type": "number"}, "42") == (42, None)
    assert check({"type": "number"}, "-7") == (-7, None)


@pytest.mark.parametrize("value", ["4.5", "abc", "12a", "0x10", "1_000", "١٢"])
def test_number_refuses_non_integers(value):
    assert check({"type": "number"}, value) == (None, "invalid_number")


@pytest.mark.parametrize("value", ["NaN", "nan", "Infinity", "-Infinity", "inf"])
def test_number_refuses_nan_and_infinity(value):
    assert check({"type": "number"}, value) == (None, "not_finite")


@pytest.mark.parametrize("kind", ["number", "decimal", "rupiah"])
def test_1e309_is_refused_as_not_finite(kind):
    assert check({"type": kind}, "1e309") == (None, "not_finite")


def test_number_min_max_and_huge_values():
    assert check({"type": "number", "min": 1, "max": 10}, "0")[1] == "out_of_range"
    assert check({"type": "number", "min": 1, "max": 10}, "11")[1] == "out_of_range"
    assert check({"type": "number", "min": 1, "max": 10}, "10") == (10, None)
    assert check({"type": "number"}, "9" * 19)[1] == "out_of_range"
    assert check({"type": "number"}, "9" * 5000)[1] == "invalid_number"


def test_out_of_range_message_says_the_bounds():
    spec = one({"type": "number", "min": 1, "max": 10})
    result = spec.validate_page("main", MultiDict({"answer": "50"}), {})
    assert result.errors["answer"].message == "Answer must be between 1 and 10."


def test_decimal_accepts_point_and_indonesian_comma():
    assert check({"type": "decimal"}, "1,5") == ("1.5", None)
    assert check({"type": "decimal"}, "1.25") == ("1.25", None)
    assert check({"type": "decimal"}, "120") == ("120", None)


@pytest.mark.parametrize("value", ["NaN", "Infinity", "-inf", "sNaN"])
def test_decimal_refuses_non_finite(value):
    assert check({"type": "decimal"}, value) == (None, "not_finite")


@pytest.mark.parametrize("value", ["1.500.000", "1,2,3", "abc", "1e5", "--1"])
def test_decimal_refuses_ambiguous_or_malformed(value):
    assert check({"type": "decimal"}, value) == (None, "invalid_number")


def test_decimal_bounds():
    assert check({"type": "decimal", "min": 0, "max": 100}, "100,5")[1] == "out_of_range"
    assert check({"type": "decimal", "min": 0}, "-0,1")[1] == "out_of_range"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1500000", 1500000),
        ("1.500.000", 1500000),
        ("Rp 1.500.000", 1500000),
        ("Rp1.500.000,-", 1500000),
        ("1.500.000,00", 1500000),
        ("1,500,000", 1500000),
        ("0", 0),
        ("rp. 25.000", 25000),
    ],
)
def test_rupiah_accepts_local_formats(value, expected):
    assert check({"type": "rupiah"}, value) == (expected, None)


def test_rupiah_refuses_negative_amounts():
    value, error = check({"type": "rupiah"}, "-1")
    assert (value, error) == (None, "out_of_range")
    spec = one({"type": "rupiah"})
    message = spec.validate_page("main", MultiDict({"answer": "-1"}), {}).errors["answer"].message
    assert "negative" in message


@pytest.mark.parametrize("value", ["1.5", "1.50.000", "abc", "Rp", "1.500.000,50"])
def test_rupiah_refuses_malformed_amounts(value):
    assert check({"type": "rupiah"}, value) == (None, "invalid_number")


def test_rupiah_nan_is_not_finite():
    assert check({"type": "rupiah"}, "NaN") == (None, "not_finite")


# -- dates ----------------------------------------------------------------------------------------
def test_date_accepts_real_iso_dates():
    assert check({"type": "date"}, "2024-02-29") == ("2024-02-29", None)


@pytest.mark.parametrize(
    "value",
    [
        "2026-02-30",
        "2025-02-29",
        "2026-13-01",
        "17-03-2026",
        "2026-3-1",
        "tomorrow",
        "0000-01-01",
        "99999-01-01",
    ],
)
def test_date_refuses_impossible_or_malformed(value):
    assert check({"type": "date"}, value) == (None, "invalid_date")


def test_date_rules_past_and_future():
    today = date.today()
    tomorrow = (today + timedelta(days=2)).isoformat()
    yesterday = (today - timedelta(days=2)).isoformat()
    assert check({"type": "date", "date_rule": "past"}, tomorrow) == (None, "date_not_past")
    assert check({"type": "date", "date_rule": "past"}, yesterday) == (yesterday, None)
    assert check({"type": "date", "date_rule": "future"}, yesterday) == (None, "date_not_future")
    assert check({"type": "date", "date_rule": "future"}, tomorrow) == (tomorrow, None)


# -- choices --------------------------------------------------------------------------------------
@pytest.mark.parametrize("kind", ["select", "radio"])
def test_choice_must_be_one_of_the_options(kind):
    assert check({"type": kind, "options": CHOICES}, "b") == ("b", None)
    assert check({"type": kind, "options": CHOICES}, "c") == (None, "invalid_choice")
    assert check({"type": kind, "options": CHOICES}, "<script>") == (None, "invalid_choice")


def test_checkbox_group_keeps_a_subset_of_options_in_order():
    assert check({"type": "checkbox", "options": CHOICES}, ["b", "a", "a"]) == (["a", "b"], None)
    assert check({"type": "checkbox", "options": CHOICES}, ["a", "zzz"]) == (None, "invalid_choice")
    assert check({"type": "checkbox", "options": CHOICES}, []) == ([], None)
    assert check({"type": "checkbox", "options": CHOICES, "required": True}, []) == (None, "required")


def test_single_checkbox_is_yes_or_no():
    assert check({"type": "checkbox"}, "y") == (True, None)
    spec = one({"type": "checkbox"})
    assert spec.validate_page("main", MultiDict(), {}).values == {"answer": False}
    assert check({"type": "checkbox", "required": True}, "") == (None, "required")


# -- identifiers and contacts ---------------------------------------------------------------------
def test_email():
    assert check({"type": "email"}, "Siti@Example.com") == ("Siti@example.com", None)
    for bad in ("siti", "siti@", "@example.com", "a b@example.com", "x" * 250 + "@e.com"):
        assert check({"type": "email"}, bad) == (None, "invalid_email"), bad


def test_phone_is_normalised():
    assert check({"type": "phone"}, "0812-3456-7890") == ("+6281234567890", None)
    assert check({"type": "phone"}, "+62 812 3456 7890") == ("+6281234567890", None)
    assert check({"type": "phone"}, "021 555 1234") == (None, "invalid_phone")


def test_nik_uses_the_dukcapil_check():
    assert check({"type": "nik"}, "6472014507900001") == ("6472014507900001", None)
    assert check({"type": "nik"}, "64720145079000") == (None, "invalid_nik")
    assert check({"type": "nik"}, "9972014507900001") == (None, "invalid_nik")  # no such province
    assert check({"type": "nik"}, "6472013213900001") == (None, "invalid_nik")  # month 13


def test_npwp_accepts_punctuation_and_stores_digits():
    assert check({"type": "npwp"}, "01.234.567.8-901.000") == ("012345678901000", None)
    assert check({"type": "npwp"}, "6472014507900001") == ("6472014507900001", None)
    assert check({"type": "npwp"}, "1234") == (None, "invalid_npwp")


def test_nib_is_13_digits():
    assert check({"type": "nib"}, "9120001234567") == ("9120001234567", None)
    assert check({"type": "nib"}, "912000123456") == (None, "invalid_nib")
    assert check({"type": "nib"}, "912000123456a") == (None, "invalid_nib")


# -- conditions and stray keys ----------------------------------------------------------------------
CONDITIONAL = [
    {
        "key": "has_vehicle",
        "type": "radio",
        "label_id": "Kendaraan",
        "label_en": "Vehicle",
        "page": "main",
        "required": True,
        "options": [{"value": "ya", "label_en": "Yes"}, {"value": "tidak", "label_en": "No"}],
    },
    {
        "key": "plate",
        "type": "text",
        "label_id": "Nomor polisi",
        "label_en": "Plate number",
        "page": "main",
        "required": True,
        "show_if": {"field": "has_vehicle", "equals": "ya"},
    },
    {
        "key": "colour",
        "type": "text",
        "label_id": "Warna",
        "label_en": "Colour",
        "page": "other",
        "show_if": {"field": "plate", "equals": "KT 1"},
    },
]


def test_field_hidden_by_its_condition_is_ignored_even_when_posted():
    spec = FormSpec.from_version(CONDITIONAL, [])
    result = spec.validate_page("main", MultiDict({"has_vehicle": "tidak", "plate": "KT 1234 AB"}), {})
    assert result.ok
    assert result.values == {"has_vehicle": "tidak"}


def test_hidden_required_field_is_not_required_and_its_bad_value_is_not_an_error():
    spec = FormSpec.from_version(CONDITIONAL, [])
    result = spec.validate_page("main", MultiDict({"has_vehicle": "tidak", "plate": "x" * 9000}), {})
    assert result.ok


def test_shown_conditional_field_is_required():
    spec = FormSpec.from_version(CONDITIONAL, [])
    result = spec.validate_page("main", MultiDict({"has_vehicle": "ya"}), {})
    assert result.errors["plate"].code == "required"


def test_conditions_follow_chains():
    spec = FormSpec.from_version(CONDITIONAL, [])
    assert spec.visible("colour", {"has_vehicle": "ya", "plate": "KT 1"})
    # the controller (plate) is hidden, so its leftover answer does not show colour
    assert not spec.visible("colour", {"has_vehicle": "tidak", "plate": "KT 1"})


def test_extra_posted_keys_are_ignored():
    spec = FormSpec.from_version(CONDITIONAL, [])
    data = MultiDict(
        {
            "has_vehicle": "tidak",
            "status": "approved",
            "applicant_id": "1",
            "tracking_number": "SP-2026-000001",
            "colour": "red",
        }
    )
    result = spec.validate_page("main", data, {})
    assert set(result.values) == {"has_vehicle"}


def test_missing_lists_required_visible_fields_by_page():
    spec = FormSpec.from_version(CONDITIONAL, [])
    assert spec.missing({}) == {"main": ["has_vehicle"]}
    assert spec.missing({"has_vehicle": "ya"}) == {"main": ["plate"]}
    assert spec.missing({"has_vehicle": "tidak"}) == {}
    assert spec.missing({"has_vehicle": "ya", "plate": "KT 1"}) == {}


def test_unknown_page_raises_key_error():
    spec = FormSpec.from_version(CONDITIONAL, [])
    with pytest.raises(KeyError):
        spec.validate_page("nope", MultiDict(), {})


def test_pages_in_order_with_titles():
    spec = FormSpec.from_version(
        [
            {
                "key": "b",
                "type": "text",
                "label_id": "B",
                "page": "second",
                "order": 20,
                "page_title_id": "Kedua",
                "page_title_en": "Second",
            },
            {"key": "a", "type": "text", "label_id": "A", "page": "applicant", "order": 10},
        ],
        [],
    )
    assert [p.key for p in spec.pages] == ["applicant", "second"]
    assert [p.title for p in spec.pages] == ["Applicant", "Second"]


# -- definition checks ------------------------------------------------------------------------------
def problems(fields, documents=()):
    return [str(p) for p in FormSpec.from_version(fields, list(documents)).validate_definition()]


def test_definition_broken_pattern_names_the_field():
    found = problems([{"key": "code", "type": "text", "label_id": "Kode", "pattern": "([a-z"}])
    assert any("code" in p and "pattern" in p for p in found)


def test_definition_duplicate_keys():
    found = problems(
        [{"key": "name", "type": "text", "label_id": "A"}, {"key": "name", "type": "text", "label_id": "B"}]
    )
    assert any("name" in p and "duplicate" in p for p in found)


def test_definition_condition_on_missing_field():
    found = problems(
        [{"key": "plate", "type": "text", "label_id": "A", "show_if": {"field": "ghost", "equals": "x"}}]
    )
    assert any("plate" in p and "ghost" in p for p in found)


def test_definition_cycle_of_conditions():
    found = problems(
        [
            {"key": "one", "type": "text", "label_id": "1", "show_if": {"field": "two", "equals": "x"}},
            {"key": "two", "type": "text", "label_id": "2", "show_if": {"field": "three", "equals": "x"}},
            {"key": "three", "type": "text", "label_id": "3", "show_if": {"field": "one", "equals": "x"}},
        ]
    )
    assert any("one" in p and "cycle" in p for p in found)
    spec = FormSpec.from_version(
        [
            {"key": "one", "type": "text", "label_id": "1", "show_if": {"field": "two", "equals": "x"}},
            {"key": "two", "type": "text", "label_id": "2", "show_if": {"field": "one", "equals": "x"}},
        ],
        [],
    )
    assert not spec.visible("one", {"one": "x", "two": "x"})  # and it terminates


def test_definition_options_missing_and_unknown_type():
    found = problems(
        [
            {"key": "pick", "type": "select", "label_id": "P"},
            {"key": "odd", "type": "colour", "label_id": "O"},
        ]
    )
    assert any("pick" in p and "options" in p for p in found)
    assert any("odd" in p and "unknown type" in p for p in found)


def test_definition_bad_key_and_bad_documents():
    found = problems(
        [{"key": "Bad Key", "type": "text", "label_id": "X"}],
        [
            {"key": "scan", "label_id": "Scan", "allowed_types": ["gif"], "max_mb": 0},
            {"key": "scan", "label_id": "Scan 2", "allowed_types": ["pdf"], "max_files": 0},
        ],
    )
    assert any("Bad Key" in p for p in found)
    assert any("scan" in p and "allowed_types" in p for p in found)
    assert any("scan" in p and "max_mb" in p for p in found)
    assert any("scan" in p and "duplicate" in p for p in found)
    assert any("scan" in p and "max_files" in p for p in found)


def test_each_problem_names_its_field_or_document_as_data_and_reads_in_the_admins_language(app):
    from flask_babel import refresh

    spec = FormSpec.from_version(
        [
            {"key": "a", "type": "text", "label_id": "A", "show_if": {"field": "b", "equals": "x"}},
            {"key": "b", "type": "text", "label_id": "B", "show_if": {"field": "a", "equals": "y"}},
            {"key": "pick", "type": "select", "label_id": "P"},
        ],
        [{"key": "scan", "label_id": "Scan", "allowed_types": ["gif"]}],
    )
    found = spec.validate_definition()
    assert {(p.subject, p.key) for p in found} == {
        ("field", "a"),
        ("field", "b"),
        ("field", "pick"),
        ("document", "scan"),
    }
    cycle = next(p for p in found if p.about("field", "a"))
    with app.test_request_context("/?lang=en"):
        assert str(cycle) == "field a: show_if conditions form a cycle (a -> b -> a)"
    with app.test_request_context("/?lang=id"):
        refresh()  # the English above was cached on the app context
        shown = [str(p) for p in found]
        assert str(cycle) == (
            "isian a: syarat tampil (show_if) saling bergantung berputar "
            "(a -> b -> a); ubah salah satu syarat"
        )
        assert "isian pick: jenis select perlu daftar pilihan; tambahkan pilihan" in shown
        assert any(s.startswith("dokumen scan: jenis berkas yang boleh") for s in shown)
        assert not any(s.startswith(("field ", "document ")) for s in shown)


def test_publish_refuses_a_bad_definition(app):
    from portal.catalogue.models import PermitCategory, Sector
    from portal.catalogue.services import publish_new_version

    category = PermitCategory(
        slug="x-test", code="XT", name_id="X", name_en="X", sector=Sector.GENERAL, time_limit_days=3
    )
    with pytest.raises(DefinitionError) as info:
        publish_new_version(category, [{"key": "a", "type": "select", "label_id": "A"}], [])
    assert any("a" in str(p) for p in info.value.problems)


# -- display ----------------------------------------------------------------------------------------
def test_display_value_in_the_page_language():
    spec = FormSpec.from_version(
        [
            {"key": "pick", "type": "select", "label_id": "P", "page": "p", "options": CHOICES},
            {"key": "many", "type": "checkbox", "label_id": "M", "page": "p", "options": CHOICES},
            {"key": "cost", "type": "rupiah", "label_id": "C", "page": "p"},
            {"key": "day", "type": "date", "label_id": "D", "page": "p"},
            {"key": "ok", "type": "checkbox", "label_id": "O", "page": "p"},
        ],
        [],
    )
    assert spec.display_value("pick", "b") == "Option B"
    assert spec.display_value("many", ["a", "b"]) == "Option A, Option B"
    assert spec.display_value("cost", 1500000) == "Rp 1.500.000"
    assert spec.display_value("day", "2026-03-17") == "March 17, 2026"
    assert spec.display_value("ok", True) == "Yes"
    assert spec.display_value("pick", None) == ""


def test_display_value_in_indonesian(app):
    spec = FormSpec.from_version(
        [{"key": "pick", "type": "select", "label_id": "P", "page": "p", "options": CHOICES}], []
    )
    with app.test_request_context("/?lang=id"):
        assert spec.display_value("pick", "a") == "Pilihan A"


# -- the field-type registry --------------------------------------------------------------------
def test_a_new_field_type_is_one_registered_class(app, monkeypatch):
    """A type added by one class (cleaning, widget, display) is accepted by the definition check,
    offered by the form builder, cleaned on a page, drawn by the wizard and shown on review."""
    from flask import render_template_string

    from portal.catalogue.formspec import field_types, registry
    from portal.catalogue.formspec.common import Invalid

    monkeypatch.setattr(registry, "_REGISTRY", dict(registry._REGISTRY))
    assert "field answer: unknown type 'plate'" in map(str, one({"type": "plate"}).validate_definition())
    assert check({"type": "plate"}, "B 1234 XYZ") == (None, "invalid_choice")

    @registry.register
    class Plate(registry.FieldType):
        name = "plate"
        title = "Number plate"
        widget = registry.Widget(autocomplete="off", plain=True)

        def clean_text(self, f, text):
            compact = text.replace(" ", "").upper()
            if not compact.isalnum():
                raise Invalid("invalid_plate", "Enter the plate like B 1234 XYZ.")
            return compact

        def display(self, f, value):
            return f"[{value}]"

    assert "plate" in [t.name for t in field_types()]
    spec = one({"type": "plate", "required": True})
    assert spec.validate_definition() == []
    assert check({"type": "plate"}, "b 1234 xyz") == ("B1234XYZ", None)
    assert check({"type": "plate"}, "B-1234") == (None, "invalid_plate")
    assert check({"type": "plate", "required": True}, " ") == (None, "required")
    assert spec.display_value("answer", "B1234XYZ") == "[B1234XYZ]"
    html = render_template_string(
        '{% from "macros/dynamic_fields.html" import render_fields %}{{ render_fields(page, {}, {}) }}',
        page=spec.pages_by_key["main"],
    )
    assert 'name="answer"' in html
    assert 'spellcheck="false"' in html
