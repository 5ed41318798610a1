"""A category's form as data: field and document definitions, server-side validation of one
wizard page, visibility rules, and display of answers. Pure Python (no database); only the
messages and labels need an app context for the page's language.

Definition shape (what ``FormVersion.fields`` / ``.documents`` hold): a list of dicts whose
keys are the attributes of ``FieldSpec`` / ``DocumentSpec`` below.

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

Decimal input: one decimal separator, "." or "," (Indonesian writes 1,5); thousands separators
are refused for decimals because "1.500" would be ambiguous. Rupiah amounts accept thousands
separators ("1.500.000", "Rp 1.500.000", "1,500,000", "Rp1.500.000,-", "1.500.000,00").
Dates: "past" = today or earlier, "future" = today or later (today in the office time zone).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from flask import current_app, has_app_context
from flask_babel import gettext as _

from portal.validation import NikError, check_nik, clean_display_text, normalize_phone

FIELD_TYPES = (
    "text", "textarea", "number", "decimal", "rupiah", "date", "select", "radio", "checkbox",
    "email", "phone", "nik", "npwp", "nib", "address",
)
DOCUMENT_TYPES = ("pdf", "jpeg", "png")
KEY_RE = re.compile(r"[a-z][a-z0-9_]{0,39}")
DEFAULT_MAX_LENGTH = {"text": 500, "textarea": 5000, "address": 1000, "email": 254}
#: Bounds for whole numbers and amounts, far inside JSON's and a BIGINT's exact range.
NUMBER_LIMIT = 10**15
_TRUTHY = {"y", "yes", "on", "1", "true", "ya"}

#: Titles (Indonesian, English) for pages whose fields carry no page_title_*.
DEFAULT_PAGE_TITLES = {
    "applicant": ("Data pemohon", "Applicant"),
    "business": ("Data usaha", "Business"),
    "location": ("Lokasi", "Location"),
    "details": ("Rincian", "Details"),
    "practice": ("Tempat praktik", "Place of practice"),
    "research": ("Penelitian", "Research"),
    "building": ("Bangunan", "Building"),
    "advertisement": ("Reklame", "Advertisement"),
    "facility": ("Fasilitas", "Facility"),
}


class DefinitionError(ValueError):
    """A form definition has problems; ``problems`` lists them, each naming the field."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


def _lang() -> str:
    if not has_app_context():
        return "id"
    try:
        from portal.i18n import current_language

        return current_language()
    except Exception:  # noqa: BLE001 - outside a request the default language applies
        return str(current_app.config.get("BABEL_DEFAULT_LOCALE", "id"))


def _pick(id_text: str | None, en_text: str | None) -> str:
    if _lang() == "en" and en_text:
        return en_text
    return id_text or en_text or ""


@dataclass
class FieldSpec:
    key: str
    type: str
    label_id: str
    label_en: str = ""
    help_id: str = ""
    help_en: str = ""
    required: bool = False
    page: str = "details"
    page_title_id: str = ""
    page_title_en: str = ""
    order: int = 0
    options: list[dict[str, Any]] = field(default_factory=list)
    min: float | int | None = None
    max: float | int | None = None
    min_length: int | None = None
    max_length: int | None = None
    pattern: str | None = None
    pattern_message_id: str = ""
    pattern_message_en: str = ""
    date_rule: str | None = None
    show_if: dict[str, Any] | None = None

    @property
    def label(self) -> str:
        return _pick(self.label_id, self.label_en)

    @property
    def help(self) -> str:
        return _pick(self.help_id, self.help_en)

    @property
    def is_multi(self) -> bool:
        return self.type == "checkbox" and bool(self.options)

    @property
    def option_values(self) -> list[str]:
        return [str(o.get("value")) for o in self.options]

    def option_label(self, value: Any) -> str:
        for o in self.options:
            if str(o.get("value")) == str(value):
                return _pick(o.get("label_id"), o.get("label_en")) or str(value)
        return str(value)

    @property
    def effective_max_length(self) -> int | None:
        return self.max_length if self.max_length is not None else DEFAULT_MAX_LENGTH.get(self.type)

    @property
    def pattern_message(self) -> str:
        return _pick(self.pattern_message_id, self.pattern_message_en)

    def to_dict(self) -> dict[str, Any]:
        from dataclasses import asdict

        return asdict(self)


@dataclass
class DocumentSpec:
    key: str
    label_id: str
    label_en: str = ""
    description_id: str = ""
    description_en: str = ""
    allowed_types: list[str] = field(default_factory=lambda: ["pdf"])
    max_mb: float = 5
    required: bool = True
    max_files: int = 1
    sample_key: str | None = None

    @property
    def label(self) -> str:
        return _pick(self.label_id, self.label_en)

    @property
    def description(self) -> str:
        return _pick(self.description_id, self.description_en)

    @property
    def max_bytes(self) -> int:
        return int(float(self.max_mb) * 1024 * 1024)

    def to_dict(self) -> dict[str, Any]:
        from dataclasses import asdict

        return asdict(self)


@dataclass
class Page:
    key: str
    title_id: str
    title_en: str
    fields: list[FieldSpec]
    spec: FormSpec | None = field(default=None, repr=False, compare=False)

    @property
    def title(self) -> str:
        return _pick(self.title_id, self.title_en)


@dataclass
class FieldError:
    code: str
    message: str


@dataclass
class PageResult:
    """``values``: cleaned values of the page's visible fields that passed; ``errors``: per
    field; ``raw``: what was posted for the fields in error, to show it again in the form."""

    values: dict[str, Any]
    errors: dict[str, FieldError]
    raw: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors

    def form_values(self, answers: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """What to put back in the form: saved answers, then this post's clean values, then the
        raw text of fields in error."""
        return {**(answers or {}), **self.values, **self.raw}


class _Invalid(Exception):  # noqa: N818 - internal control flow, not an API
    def __init__(self, code: str, message: str):
        super().__init__(code)
        self.code = code
        self.message = message


_FIELD_ATTRS = set(FieldSpec.__dataclass_fields__)
_DOC_ATTRS = set(DocumentSpec.__dataclass_fields__)


class FormSpec:
    """A parsed form definition. Build with ``FormSpec.from_version(fields, documents)``."""

    def __init__(self, fields: list[FieldSpec], documents: list[DocumentSpec],
                 parse_problems: list[str] | None = None):
        indexed = sorted(enumerate(fields), key=lambda pair: (_as_int(pair[1].order), pair[0]))
        self.fields: list[FieldSpec] = [f for _i, f in indexed]
        self.documents = documents
        self.parse_problems = parse_problems or []
        self.by_key: dict[str, FieldSpec] = {}
        for f in self.fields:
            self.by_key.setdefault(f.key, f)
        self.documents_by_key = {d.key: d for d in documents}
        self.pages = self._build_pages()
        self.pages_by_key = {p.key: p for p in self.pages}

    # -- building ---------------------------------------------------------------------------
    @classmethod
    def from_version(cls, fields_json: Iterable[Mapping[str, Any]] | None,
                     documents_json: Iterable[Mapping[str, Any]] | None) -> FormSpec:
        """Parse a stored definition. Never raises on a bad definition: what cannot be read is
        recorded and reported by ``validate_definition``."""
        problems: list[str] = []
        fields: list[FieldSpec] = []
        for i, raw in enumerate(fields_json or []):
            if not isinstance(raw, Mapping):
                problems.append(f"field #{i + 1}: not an object")
                continue
            data = {k: v for k, v in raw.items() if k in _FIELD_ATTRS}
            unknown = sorted(set(raw) - _FIELD_ATTRS)
            if unknown:
                problems.append(f"field {raw.get('key', f'#{i + 1}')!s}: unknown setting(s) "
                                + ", ".join(map(str, unknown)))
            data.setdefault("key", f"field_{i + 1}")
            data.setdefault("type", "text")
            data.setdefault("label_id", str(data.get("key")))
            data["key"], data["type"] = str(data["key"]), str(data["type"])
            if not isinstance(data.get("options") or [], list):
                problems.append(f"field {data['key']}: options must be a list")
                data["options"] = []
            data["options"] = [o if isinstance(o, Mapping) else {"value": str(o)}
                               for o in data.get("options") or []]
            fields.append(FieldSpec(**data))
        documents: list[DocumentSpec] = []
        for i, raw in enumerate(documents_json or []):
            if not isinstance(raw, Mapping):
                problems.append(f"document #{i + 1}: not an object")
                continue
            data = {k: v for k, v in raw.items() if k in _DOC_ATTRS}
            unknown = sorted(set(raw) - _DOC_ATTRS)
            if unknown:
                problems.append(f"document {raw.get('key', f'#{i + 1}')!s}: unknown setting(s) "
                                + ", ".join(map(str, unknown)))
            data.setdefault("key", f"document_{i + 1}")
            data.setdefault("label_id", str(data["key"]))
            documents.append(DocumentSpec(**data))
        return cls(fields, documents, problems)

    def _build_pages(self) -> list[Page]:
        pages: dict[str, Page] = {}
        for f in self.fields:
            page = pages.get(f.page)
            if page is None:
                page = pages[f.page] = Page(f.page, "", "", [], self)
            if not page.title_id and f.page_title_id:
                page.title_id = f.page_title_id
            if not page.title_en and f.page_title_en:
                page.title_en = f.page_title_en
            page.fields.append(f)
        for page in pages.values():
            if not page.title_id and not page.title_en:
                default = DEFAULT_PAGE_TITLES.get(page.key)
                if default:
                    page.title_id, page.title_en = default
                else:
                    page.title_id = page.title_en = page.key.replace("_", " ").capitalize()
        return list(pages.values())

    def to_json(self) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        return [f.to_dict() for f in self.fields], [d.to_dict() for d in self.documents]

    # -- checking the definition ---------------------------------------------------------------
    def validate_definition(self) -> list[str]:
        """Problems that make the definition unusable, each naming the field or document."""
        problems = list(self.parse_problems)
        seen: set[str] = set()
        for f in self.fields:
            name = f"field {f.key}"
            if not isinstance(f.key, str) or not KEY_RE.fullmatch(f.key):
                problems.append(f"{name}: key must be lower-case letters, digits and _ "
                                "(start with a letter, at most 40)")
            if f.key in seen:
                problems.append(f"{name}: duplicate key")
            seen.add(f.key)
            if f.type not in FIELD_TYPES:
                problems.append(f"{name}: unknown type {f.type!r}")
            if not f.label_id and not f.label_en:
                problems.append(f"{name}: label missing")
            if not f.page or not KEY_RE.fullmatch(str(f.page)):
                problems.append(f"{name}: page key {f.page!r} is not valid")
            if f.type in ("select", "radio") and not f.options:
                problems.append(f"{name}: options missing for {f.type}")
            values = [o.get("value") for o in f.options]
            if any(v is None or str(v) == "" for v in values):
                problems.append(f"{name}: an option has no value")
            if len({str(v) for v in values}) != len(values):
                problems.append(f"{name}: duplicate option values")
            if f.options and f.type not in ("select", "radio", "checkbox"):
                problems.append(f"{name}: options are only for select, radio and checkbox")
            if f.pattern is not None:
                try:
                    re.compile(f.pattern)
                except (re.error, TypeError) as exc:
                    problems.append(f"{name}: pattern does not compile ({exc})")
            for attr in ("min", "max"):
                value = getattr(f, attr)
                if value is not None and (isinstance(value, bool) or not isinstance(value, int | float)):
                    problems.append(f"{name}: {attr} must be a number")
            if (isinstance(f.min, int | float) and isinstance(f.max, int | float)
                    and not isinstance(f.min, bool) and f.min > f.max):
                problems.append(f"{name}: min is greater than max")
            for attr in ("min_length", "max_length"):
                value = getattr(f, attr)
                if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
                    problems.append(f"{name}: {attr} must be a whole number of 0 or more")
            if f.date_rule not in (None, "past", "future"):
                problems.append(f"{name}: date_rule must be past, future or empty")
            if f.show_if is not None:
                cond = f.show_if
                if not isinstance(cond, Mapping) or "field" not in cond or "equals" not in cond:
                    problems.append(f"{name}: show_if needs 'field' and 'equals'")
                elif f.show_if["field"] not in self.by_key:
                    problems.append(f"{name}: show_if refers to missing field {f.show_if['field']!r}")
                elif f.show_if["field"] == f.key:
                    problems.append(f"{name}: show_if refers to itself")
        problems.extend(self._cycle_problems())
        doc_seen: set[str] = set()
        for d in self.documents:
            name = f"document {d.key}"
            if not isinstance(d.key, str) or not KEY_RE.fullmatch(d.key):
                problems.append(f"{name}: key must be lower-case letters, digits and _")
            if d.key in doc_seen:
                problems.append(f"{name}: duplicate key")
            doc_seen.add(d.key)
            if not d.label_id and not d.label_en:
                problems.append(f"{name}: label missing")
            types = d.allowed_types if isinstance(d.allowed_types, list) else []
            if not types or any(t not in DOCUMENT_TYPES for t in types):
                problems.append(f"{name}: allowed_types must be a non-empty subset of pdf, jpeg, png")
            if isinstance(d.max_mb, bool) or not isinstance(d.max_mb, int | float) or not 0 < d.max_mb <= 50:
                problems.append(f"{name}: max_mb must be a number above 0 and at most 50")
            files = d.max_files
            if isinstance(files, bool) or not isinstance(files, int) or not 1 <= files <= 20:
                problems.append(f"{name}: max_files must be between 1 and 20")
        return problems

    def _cycle_problems(self) -> list[str]:
        problems = []
        for f in self.fields:
            seen = [f.key]
            current = f
            while isinstance(current.show_if, Mapping) and current.show_if.get("field") in self.by_key:
                nxt = self.by_key[current.show_if["field"]]
                if nxt.key == f.key:
                    if nxt.key != current.key:  # self-reference is reported on its own
                        problems.append(f"field {f.key}: show_if conditions form a cycle "
                                        f"({' -> '.join([*seen, f.key])})")
                    break
                if nxt.key in seen:
                    break  # a cycle not through f; reported for its members
                seen.append(nxt.key)
                current = nxt
        return problems

    # -- visibility -------------------------------------------------------------------------------
    def visible(self, f: FieldSpec | str, answers: Mapping[str, Any]) -> bool:
        """Whether ``f`` applies given ``answers``: its condition holds and its controller is
        itself visible (a field in a condition cycle is hidden)."""
        current = self.by_key[f] if isinstance(f, str) else f
        seen: set[str] = set()
        while current.show_if:
            if current.key in seen:
                return False
            seen.add(current.key)
            cond = current.show_if
            controller = self.by_key.get(cond.get("field")) if isinstance(cond, Mapping) else None
            if controller is None:
                return False
            if not _matches(answers.get(controller.key), cond.get("equals")):
                return False
            current = controller
        return True

    def visible_answers(self, answers: Mapping[str, Any]) -> dict[str, Any]:
        """The answers of the fields that apply, in form order (others dropped)."""
        return {f.key: answers[f.key] for f in self.fields
                if f.key in answers and self.visible(f, answers)}

    def missing(self, answers: Mapping[str, Any]) -> dict[str, list[str]]:
        """Required fields that apply but have no answer, by page (used at submission)."""
        result: dict[str, list[str]] = {}
        for page in self.pages:
            keys = [f.key for f in page.fields
                    if f.required and self.visible(f, answers) and _is_empty(f, answers.get(f.key))]
            if keys:
                result[page.key] = keys
        return result

    # -- one page's answers ---------------------------------------------------------------------
    def validate_page(self, page_key: str, formdata, answers: Mapping[str, Any] | None = None) -> PageResult:
        """Clean and check what was posted for one page. ``formdata`` is a werkzeug MultiDict
        (request.form); ``answers`` the draft's saved answers. Only this page's fields are read:
        any other posted key is ignored, and a field hidden by its condition is dropped even
        when posted. Raises KeyError for an unknown page."""
        page = self.pages_by_key[page_key]
        answers = dict(answers or {})
        cleaned: dict[str, Any] = {}
        failed: dict[str, FieldError] = {}
        raw: dict[str, Any] = {}
        for f in page.fields:
            posted = _posted(f, formdata)
            try:
                cleaned[f.key] = self._clean(f, posted)
            except _Invalid as exc:
                failed[f.key] = FieldError(exc.code, exc.message)
                raw[f.key] = posted if posted is not None else ""
        # Conditions are judged on this post's values for controllers on this page.
        merged = {**answers, **cleaned}
        for key in failed:
            merged[key] = None
        values = {k: v for k, v in cleaned.items() if self.visible(self.by_key[k], merged)}
        errors = {k: e for k, e in failed.items() if self.visible(self.by_key[k], merged)}
        raw = {k: v for k, v in raw.items() if k in errors}
        return PageResult(values, errors, raw)

    def validate_fields(self, keys: Iterable[str], formdata,
                        answers: Mapping[str, Any] | None = None) -> PageResult:
        """Like validate_page, for a chosen set of fields from any pages (a correction round:
        only the flagged fields are read; conditions are judged on the saved answers)."""
        answers = dict(answers or {})
        cleaned: dict[str, Any] = {}
        failed: dict[str, FieldError] = {}
        raw: dict[str, Any] = {}
        for key in keys:
            f = self.by_key.get(key)
            if f is None or not self.visible(f, answers):
                continue
            posted = _posted(f, formdata)
            try:
                cleaned[key] = self._clean(f, posted)
            except _Invalid as exc:
                failed[key] = FieldError(exc.code, exc.message)
                raw[key] = posted
        return PageResult(cleaned, failed, raw)

    def _clean(self, f: FieldSpec, posted: Any) -> Any:
        cleaner = getattr(self, f"_clean_{f.type}", None)
        if cleaner is None:
            raise _Invalid("invalid_choice", _("This question cannot be answered right now."))
        if f.is_multi or f.type == "checkbox":
            return cleaner(f, posted)
        text = (posted or "").strip() if isinstance(posted, str) else ""
        if text == "":
            if f.required:
                raise _Invalid("required", _required_message(f))
            return None
        return cleaner(f, text)

    # Text-like types
    def _text_common(self, f: FieldSpec, text: str, *, multiline: bool) -> str:
        if multiline:
            text = text.replace("\r\n", "\n").replace("\r", "\n")
            text = "\n".join(clean_display_text(line) for line in text.split("\n")).strip()
        else:
            text = clean_display_text(text).strip()
        if text == "":
            if f.required:
                raise _Invalid("required", _required_message(f))
            return text
        limit = f.effective_max_length
        if limit is not None and len(text) > limit:
            raise _Invalid("too_long", _("%(label)s is %(n)s characters long; shorten it to at most "
                                         "%(limit)s characters.", label=f.label, n=len(text), limit=limit))
        if f.min_length is not None and len(text) < f.min_length:
            raise _Invalid("too_short", _("%(label)s needs at least %(limit)s characters.",
                                          label=f.label, limit=f.min_length))
        if f.pattern and not _fullmatch(f.pattern, text):
            raise _Invalid("pattern", f.pattern_message
                           or _("%(label)s is not in the expected format. Check it and try again.",
                                label=f.label))
        return text

    def _clean_text(self, f, text):
        return self._text_common(f, text, multiline=False) or None

    def _clean_textarea(self, f, text):
        return self._text_common(f, text, multiline=True) or None

    def _clean_address(self, f, text):
        return self._text_common(f, text, multiline=True) or None

    def _clean_email(self, f, text):
        from email_validator import EmailNotValidError, validate_email

        text = text.strip()
        message = _("Enter an email address like name@example.com.")
        if len(text) > 254:
            raise _Invalid("invalid_email", message)
        try:
            result = validate_email(text, check_deliverability=False)
        except EmailNotValidError as exc:
            raise _Invalid("invalid_email", message) from exc
        return self._text_common(f, result.normalized, multiline=False)

    # Numbers
    def _clean_number(self, f, text):
        compact = re.sub(r"\s", "", text)
        if _NON_FINITE.fullmatch(compact):
            raise _Invalid("not_finite", _number_message(f))
        if len(compact) > 20 or not re.fullmatch(r"[-+]?[0-9]+", compact):
            if re.fullmatch(r"[-+]?[0-9]*[.,]?[0-9]+[eE][-+]?[0-9]+", compact) and _overflows(compact):
                raise _Invalid("not_finite", _number_message(f))
            raise _Invalid("invalid_number", _number_message(f))
        value = int(compact)
        self._check_range(f, value, integer=True)
        return value

    def _clean_decimal(self, f, text):
        compact = re.sub(r"\s", "", text)
        if _NON_FINITE.fullmatch(compact):
            raise _Invalid("not_finite", _decimal_message(f))
        if re.fullmatch(r"[-+]?[0-9]*[.,]?[0-9]+[eE][-+]?[0-9]+", compact) and _overflows(compact):
            raise _Invalid("not_finite", _decimal_message(f))
        match = re.fullmatch(r"([-+]?)([0-9]{1,15})(?:[.,]([0-9]{1,10}))?", compact)
        if not match:
            raise _Invalid("invalid_number", _decimal_message(f))
        sign, whole, frac = match.groups()
        value = Decimal(f"{sign}{whole}.{frac or '0'}")
        if not value.is_finite():  # pragma: no cover - the pattern admits only finite numbers
            raise _Invalid("not_finite", _decimal_message(f))
        self._check_range(f, value, integer=False)
        normalized = format(value.normalize(), "f")
        return "0" if normalized in ("-0", "+0") else normalized

    def _clean_rupiah(self, f, text):
        compact = re.sub(r"\s", "", text)
        compact = re.sub(r"^[Rr][Pp]\.?", "", compact)
        compact = re.sub(r",-$", "", compact)
        if _NON_FINITE.fullmatch(compact):
            raise _Invalid("not_finite", _rupiah_message(f))
        if re.fullmatch(r"[-+]?[0-9]*[.,]?[0-9]+[eE][-+]?[0-9]+", compact) and _overflows(compact):
            raise _Invalid("not_finite", _rupiah_message(f))
        negative = compact.startswith("-")
        if negative:
            compact = compact[1:]
        digits = None
        for pattern in (r"([0-9]{1,3}(?:\.[0-9]{3})+)(?:,0{1,2})?",  # 1.500.000 / 1.500.000,00
                        r"([0-9]{1,3}(?:,[0-9]{3})+)(?:\.0{1,2})?",  # 1,500,000 / 1,500,000.00
                        r"([0-9]{1,18})(?:[.,]0{1,2})?"):             # 1500000 / 1500000,00
            match = re.fullmatch(pattern, compact)
            if match:
                digits = re.sub(r"[.,]", "", match.group(1))
                break
        if digits is None:
            raise _Invalid("invalid_number", _rupiah_message(f))
        value = int(digits)
        if negative and value != 0:
            raise _Invalid("out_of_range", _("%(label)s cannot be negative. Enter an amount of Rp 0 or "
                                             "more.", label=f.label))
        self._check_range(f, value, integer=True, money=True)
        return value

    def _check_range(self, f: FieldSpec, value, *, integer: bool, money: bool = False) -> None:
        low = f.min if f.min is not None else (0 if money else -NUMBER_LIMIT)
        high = f.max if f.max is not None else NUMBER_LIMIT
        if Decimal(str(low)) <= Decimal(str(value)) <= Decimal(str(high)):
            return
        fmt = _format_money if money else _format_number
        if f.min is not None and f.max is not None:
            message = _("%(label)s must be between %(low)s and %(high)s.",
                        label=f.label, low=fmt(low), high=fmt(high))
        elif value < low:
            message = _("%(label)s must be at least %(low)s.", label=f.label, low=fmt(low))
        else:
            message = _("%(label)s must be at most %(high)s.", label=f.label, high=fmt(high))
        raise _Invalid("out_of_range", message)

    # Dates
    def _clean_date(self, f, text):
        message = _("Enter %(label)s as a real date, for example 2026-03-17.", label=f.label)
        if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text):
            raise _Invalid("invalid_date", message)
        try:
            value = date.fromisoformat(text)
        except ValueError as exc:
            raise _Invalid("invalid_date", message) from exc
        if value.year < 1900 or value.year > 2200:
            raise _Invalid("invalid_date", message)
        today = _today()
        if f.date_rule == "past" and value > today:
            raise _Invalid("date_not_past", _("%(label)s cannot be in the future. Enter today's date or "
                                              "an earlier one.", label=f.label))
        if f.date_rule == "future" and value < today:
            raise _Invalid("date_not_future", _("%(label)s cannot be in the past. Enter today's date or "
                                                "a later one.", label=f.label))
        return value.isoformat()

    # Choices
    def _clean_select(self, f, text):
        if text not in f.option_values:
            raise _Invalid("invalid_choice", _("Choose one of the options for %(label)s.", label=f.label))
        return text

    _clean_radio = _clean_select

    def _clean_checkbox(self, f, posted):
        if f.is_multi:
            chosen = [v.strip() for v in posted or [] if isinstance(v, str) and v.strip()]
            if any(v not in f.option_values for v in chosen):
                raise _Invalid("invalid_choice", _("Choose only from the options listed for %(label)s.",
                                                   label=f.label))
            ordered = [v for v in f.option_values if v in chosen]
            if f.required and not ordered:
                raise _Invalid("required", _("Tick at least one option for %(label)s.", label=f.label))
            return ordered
        checked = isinstance(posted, str) and posted.strip().lower() in _TRUTHY
        if f.required and not checked:
            raise _Invalid("required", _("Tick the box \"%(label)s\" to continue.", label=f.label))
        return checked

    # Indonesian identifiers and contacts
    def _clean_phone(self, f, text):
        try:
            return normalize_phone(text)
        except ValueError as exc:
            raise _Invalid("invalid_phone", _("Enter a mobile number like 0812 3456 7890 or +62 812 3456 "
                                              "7890.")) from exc

    def _clean_nik(self, f, text):
        compact = re.sub(r"[\s.\-]", "", text)
        try:
            return check_nik(compact)
        except NikError as exc:
            raise _Invalid("invalid_nik", _("Enter the 16-digit NIK exactly as printed on the e-KTP "
                                            "(identity card).")) from exc

    def _clean_npwp(self, f, text):
        compact = re.sub(r"[\s.\-]", "", text)
        if not re.fullmatch(r"[0-9]{15}|[0-9]{16}", compact):
            raise _Invalid("invalid_npwp", _("Enter the NPWP (tax ID) of 15 or 16 digits, for example "
                                             "01.234.567.8-901.000."))
        return compact

    def _clean_nib(self, f, text):
        compact = re.sub(r"[\s.\-]", "", text)
        if not re.fullmatch(r"[0-9]{13}", compact):
            raise _Invalid("invalid_nib", _("Enter the NIB (business ID) of 13 digits from your OSS "
                                            "registration."))
        return compact

    def condition_hint(self, f: FieldSpec | str) -> str:
        """"Only needed if <label> is <value>." for a field with a condition, else ""."""
        f = self.by_key[f] if isinstance(f, str) else f
        cond = f.show_if
        if not isinstance(cond, Mapping) or cond.get("field") not in self.by_key:
            return ""
        controller = self.by_key[cond["field"]]
        expected = cond.get("equals")
        if controller.type == "checkbox" and not controller.is_multi:
            if _truthy(expected):
                return _("Only needed if you ticked \"%(label)s\".", label=controller.label)
            return _("Only needed if you did not tick \"%(label)s\".", label=controller.label)
        shown = controller.option_label(expected) if controller.options else str(expected)
        return _("Only needed if %(label)s is \"%(value)s\".", label=controller.label, value=shown)

    # -- showing answers --------------------------------------------------------------------------
    def display_value(self, f: FieldSpec | str, value: Any) -> str:
        """An answer as text for the review page, in the page's language."""
        f = self.by_key[f] if isinstance(f, str) else f
        if _is_empty(f, value):
            return ""
        if f.type in ("select", "radio"):
            return f.option_label(value)
        if f.type == "checkbox":
            if f.is_multi:
                values = value if isinstance(value, list) else [value]
                return ", ".join(f.option_label(v) for v in values)
            return _("Yes") if value else _("No")
        if f.type == "rupiah":
            from portal.i18n import rupiah

            try:
                return rupiah(int(value))
            except (TypeError, ValueError):
                return str(value)
        if f.type in ("number", "decimal"):
            return _format_number(value)
        if f.type == "date":
            try:
                parsed = date.fromisoformat(str(value))
            except ValueError:
                return str(value)
            if has_app_context():
                from flask_babel import format_date

                return format_date(parsed, "long")
            return parsed.isoformat()
        if f.type == "npwp":
            digits = str(value)
            if len(digits) == 15:
                return f"{digits[0:2]}.{digits[2:5]}.{digits[5:8]}.{digits[8]}-{digits[9:12]}.{digits[12:15]}"
        return str(value)


# -- helpers ---------------------------------------------------------------------------------------
_NON_FINITE = re.compile(r"[-+]?(nan|snan|inf|infinity)", re.IGNORECASE)


def _as_int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def _overflows(text: str) -> bool:
    try:
        text = text.replace(",", ".")
        return not Decimal(text).is_finite() or abs(float(text)) == float("inf")
    except (InvalidOperation, ValueError, OverflowError):
        return True


def _fullmatch(pattern: str, text: str) -> bool:
    try:
        return re.fullmatch(pattern, text) is not None
    except re.error:
        return False


def _posted(f: FieldSpec, formdata) -> Any:
    if f.is_multi:
        return formdata.getlist(f.key) if hasattr(formdata, "getlist") else list(formdata.get(f.key) or [])
    value = formdata.get(f.key)
    return value if isinstance(value, str) else None


def _is_empty(f: FieldSpec, value: Any) -> bool:
    if value is None or value == "" or value == []:
        return True
    return f.type == "checkbox" and not f.is_multi and value is False


def _matches(value: Any, expected: Any) -> bool:
    if isinstance(value, list):
        return any(_matches(v, expected) for v in value)
    if isinstance(value, bool) or isinstance(expected, bool):
        return _truthy(value) == _truthy(expected) and value is not None
    if value is None:
        return expected is None
    return str(value) == str(expected)


def _truthy(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in _TRUTHY


def _today() -> date:
    if has_app_context():
        try:
            from zoneinfo import ZoneInfo

            return datetime.now(ZoneInfo(current_app.config.get("TIMEZONE", "UTC"))).date()
        except Exception:  # noqa: BLE001, S110 - fall back to UTC below
            pass
    return date.today()  # noqa: DTZ011


def _format_number(value: Any) -> str:
    if not has_app_context():
        return str(value)
    from babel.numbers import format_decimal

    try:
        return format_decimal(Decimal(str(value)), locale=_lang())
    except (InvalidOperation, ValueError):
        return str(value)


def _format_money(value: Any) -> str:
    from portal.i18n import rupiah

    return rupiah(int(value))


def _required_message(f: FieldSpec) -> str:
    if f.type in ("select", "radio"):
        return _("Choose an answer for %(label)s.", label=f.label)
    if f.type == "date":
        return _("Enter %(label)s.", label=f.label)
    return _("Fill in %(label)s.", label=f.label)


def _number_message(f: FieldSpec) -> str:
    return _("Enter %(label)s as a whole number using digits only, for example 12.", label=f.label)


def _decimal_message(f: FieldSpec) -> str:
    return _("Enter %(label)s as a number, for example 12 or 12,5.", label=f.label)


def _rupiah_message(f: FieldSpec) -> str:
    return _("Enter %(label)s as an amount in rupiah, for example 1.500.000.", label=f.label)
