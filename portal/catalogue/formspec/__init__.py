"""A category's form as data: field and document definitions, server-side validation of one
wizard page, visibility rules, and display of answers. Pure Python (no database); only the
messages and labels need an app context for the page's language.

- ``definition``: ``FieldSpec`` / ``DocumentSpec`` (the keys of the dicts ``FormVersion.fields``
  / ``.documents`` hold), ``Page``, ``PageResult``;
- ``form``: ``FormSpec``, the parsed definition (pages, definition checks, ``show_if``, one page's
  answers, display);
- ``registry`` and ``fields/``: one class per field type (its definition settings, cleaning,
  widget and display); a new type is a new class there;
- ``patterns``: the admin-written regular expression of a text field.

Pages: every field names its ``page`` (a key such as "applicant"). Pages come in the order in
which they first appear when the fields are sorted by ``order`` (ties keep list order). A page's
title is taken from the first field of that page that carries ``page_title_id`` /
``page_title_en``; when no field does, a built-in title for common keys is used (see
``DEFAULT_PAGE_TITLES``), else the key itself.

Cleaned values (what ``PageResult.values`` holds, all JSON-able):
  text, textarea, address, email, pattern-checked text -> str (stripped; "" never: empty is None)
  number  -> int                     decimal -> str, canonical with "." ("1.5"), exact
  rupiah  -> int (>= 0)              date    -> "YYYY-MM-DD"
  select, radio -> str (an option value)
  checkbox with options -> list[str] (option order); checkbox without options -> bool
  phone   -> "+628..."               nik, npwp, nib -> digits only
  an empty optional field -> None (or [] / False for checkboxes), so clearing a field clears it.
"""

from portal.catalogue.formspec import fields as _fields  # noqa: F401 - registers the field types
from portal.catalogue.formspec.common import Problem
from portal.catalogue.formspec.definition import (
    DEFAULT_PAGE_TITLES,
    DOCUMENT_TYPES,
    KEY_RE,
    NUMBER_LIMIT,
    PREFILL_SOURCES,
    DefinitionError,
    DocumentSpec,
    FieldError,
    FieldSpec,
    Page,
    PageResult,
)
from portal.catalogue.formspec.form import FormSpec
from portal.catalogue.formspec.registry import FieldType, Widget, field_types, get_field_type, register

#: The names of every field type, in the form builder's order.
FIELD_TYPES = tuple(t.name for t in field_types())

__all__ = [
    "PREFILL_SOURCES",
    "DEFAULT_PAGE_TITLES",
    "DOCUMENT_TYPES",
    "FIELD_TYPES",
    "KEY_RE",
    "NUMBER_LIMIT",
    "DefinitionError",
    "DocumentSpec",
    "FieldError",
    "FieldSpec",
    "FieldType",
    "FormSpec",
    "Page",
    "PageResult",
    "Problem",
    "Widget",
    "field_types",
    "get_field_type",
    "register",
]
