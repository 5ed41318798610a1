"""``FormSpec``: a parsed form definition. Builds the pages, checks the definition, decides
which fields apply (``show_if``), cleans and checks one wizard page, and shows answers. What
differs by field type is asked of the field's registered type (``FieldSpec.kind``)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from flask_babel import lazy_gettext as _l

from portal.catalogue.formspec.common import Invalid, Problem, truthy
from portal.catalogue.formspec.definition import (
    DEFAULT_PAGE_TITLES,
    DOCUMENT_TYPES,
    KEY_RE,
    PREFILL_SOURCES,
    DocumentSpec,
    FieldError,
    FieldSpec,
    Page,
    PageResult,
)
from portal.catalogue.formspec.patterns import pattern_problem
from portal.catalogue.formspec.registry import get_field_type

_FIELD_ATTRS = set(FieldSpec.__dataclass_fields__)
_DOC_ATTRS = set(DocumentSpec.__dataclass_fields__)


class FormSpec:
    """A parsed form definition. Build with ``FormSpec.from_version(fields, documents)``."""

    def __init__(
        self,
        fields: list[FieldSpec],
        documents: list[DocumentSpec],
        parse_problems: list[Problem] | None = None,
    ):
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
    def from_version(
        cls,
        fields_json: Iterable[Mapping[str, Any]] | None,
        documents_json: Iterable[Mapping[str, Any]] | None,
    ) -> FormSpec:
        """Parse a stored definition. Never raises on a bad definition: what cannot be read is
        recorded and reported by ``validate_definition``."""
        problems: list[Problem] = []
        fields: list[FieldSpec] = []
        for i, raw in enumerate(fields_json or []):
            if not isinstance(raw, Mapping):
                problems.append(Problem("field", f"#{i + 1}", _l("not an object")))
                continue
            data = {k: v for k, v in raw.items() if k in _FIELD_ATTRS}
            unknown = sorted(set(raw) - _FIELD_ATTRS)
            if unknown:
                problems.append(
                    Problem(
                        "field",
                        str(raw.get("key", f"#{i + 1}")),
                        _l("unknown setting(s) %(names)s", names=", ".join(map(str, unknown))),
                    )
                )
            data.setdefault("key", f"field_{i + 1}")
            data.setdefault("type", "text")
            data.setdefault("label_id", str(data.get("key")))
            data["key"], data["type"] = str(data["key"]), str(data["type"])
            if not isinstance(data.get("options") or [], list):
                problems.append(Problem("field", data["key"], _l("options must be a list")))
                data["options"] = []
            data["options"] = [
                o if isinstance(o, Mapping) else {"value": str(o)} for o in data.get("options") or []
            ]
            fields.append(FieldSpec(**data))
        documents: list[DocumentSpec] = []
        for i, raw in enumerate(documents_json or []):
            if not isinstance(raw, Mapping):
                problems.append(Problem("document", f"#{i + 1}", _l("not an object")))
                continue
            data = {k: v for k, v in raw.items() if k in _DOC_ATTRS}
            unknown = sorted(set(raw) - _DOC_ATTRS)
            if unknown:
                problems.append(
                    Problem(
                        "document",
                        str(raw.get("key", f"#{i + 1}")),
                        _l("unknown setting(s) %(names)s", names=", ".join(map(str, unknown))),
                    )
                )
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
    def validate_definition(self) -> list[Problem]:
        """Problems that make the definition unusable, each naming its field or document (as
        ``Problem.subject`` / ``.key``; the sentence is translated when shown)."""
        problems = list(self.parse_problems)
        seen: set[str] = set()
        for f in self.fields:

            def field(message: Any, key: str = f.key) -> None:
                problems.append(Problem("field", key, message))

            if not isinstance(f.key, str) or not KEY_RE.fullmatch(f.key):
                field(_l("key must be lower-case letters, digits and _ (start with a letter, at most 40)"))
            if f.key in seen:
                field(_l("duplicate key"))
            seen.add(f.key)
            if get_field_type(f.type) is None:
                field(_l("unknown type %(type)s", type=repr(f.type)))
            if not f.label_id and not f.label_en:
                field(_l("label missing"))
            if not f.page or not KEY_RE.fullmatch(str(f.page)):
                field(_l("page key %(page)s is not valid", page=repr(f.page)))
            problems.extend(f.kind.definition_problems(f))
            values = [o.get("value") for o in f.options]
            if any(v is None or str(v) == "" for v in values):
                field(_l("an option has no value"))
            if len({str(v) for v in values}) != len(values):
                field(_l("duplicate option values"))
            problem = pattern_problem(f.pattern) if f.pattern is not None else None
            if problem:
                field(problem)
            for attr in ("min", "max"):
                value = getattr(f, attr)
                if value is not None and (isinstance(value, bool) or not isinstance(value, int | float)):
                    field(_l("%(setting)s must be a number", setting=attr))
            if (
                isinstance(f.min, int | float)
                and isinstance(f.max, int | float)
                and not isinstance(f.min, bool)
                and f.min > f.max
            ):
                field(_l("min is greater than max"))
            for attr in ("min_length", "max_length"):
                value = getattr(f, attr)
                if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
                    field(_l("%(setting)s must be a whole number of 0 or more", setting=attr))
            if f.date_rule not in (None, "past", "future"):
                field(_l("date_rule must be past, future or empty"))
            if f.show_if is not None:
                cond = f.show_if
                if not isinstance(cond, Mapping) or "field" not in cond or "equals" not in cond:
                    field(_l("show_if needs 'field' and 'equals'"))
                elif f.show_if["field"] not in self.by_key:
                    field(_l("show_if refers to missing field %(other)s", other=repr(f.show_if["field"])))
                elif f.show_if["field"] == f.key:
                    field(_l("show_if refers to itself"))
            if f.prefill is not None and f.prefill not in PREFILL_SOURCES:
                field(_l("prefill must be one of %(sources)s", sources=", ".join(PREFILL_SOURCES)))
        problems.extend(self._cycle_problems())
        doc_seen: set[str] = set()
        for d in self.documents:

            def document(message: Any, key: str = d.key) -> None:
                problems.append(Problem("document", key, message))

            if not isinstance(d.key, str) or not KEY_RE.fullmatch(d.key):
                document(_l("key must be lower-case letters, digits and _"))
            if d.key in doc_seen:
                document(_l("duplicate key"))
            doc_seen.add(d.key)
            if not d.label_id and not d.label_en:
                document(_l("label missing"))
            types = d.allowed_types if isinstance(d.allowed_types, list) else []
            if not types or any(t not in DOCUMENT_TYPES for t in types):
                document(_l("allowed_types must be a non-empty subset of pdf, jpeg, png"))
            if isinstance(d.max_mb, bool) or not isinstance(d.max_mb, int | float) or not 0 < d.max_mb <= 50:
                document(_l("max_mb must be a number above 0 and at most 50"))
            files = d.max_files
            if isinstance(files, bool) or not isinstance(files, int) or not 1 <= files <= 20:
                document(_l("max_files must be between 1 and 20"))
        return problems

    def _cycle_problems(self) -> list[Problem]:
        problems = []
        for f in self.fields:
            seen = [f.key]
            current = f
            while isinstance(current.show_if, Mapping) and current.show_if.get("field") in self.by_key:
                nxt = self.by_key[current.show_if["field"]]
                if nxt.key == f.key:
                    if nxt.key != current.key:  # self-reference is reported on its own
                        problems.append(
                            Problem(
                                "field",
                                f.key,
                                _l(
                                    "show_if conditions form a cycle (%(chain)s)",
                                    chain=" -> ".join([*seen, f.key]),
                                ),
                            )
                        )
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
        return {f.key: answers[f.key] for f in self.fields if f.key in answers and self.visible(f, answers)}

    def missing(self, answers: Mapping[str, Any]) -> dict[str, list[str]]:
        """Required fields that apply but have no answer, by page (used at submission)."""
        result: dict[str, list[str]] = {}
        for page in self.pages:
            keys = [
                f.key
                for f in page.fields
                if f.required and self.visible(f, answers) and f.kind.is_empty(f, answers.get(f.key))
            ]
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
                cleaned[f.key] = f.kind.clean(f, posted)
            except Invalid as exc:
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

    def validate_fields(
        self, keys: Iterable[str], formdata, answers: Mapping[str, Any] | None = None
    ) -> PageResult:
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
                cleaned[key] = f.kind.clean(f, posted)
            except Invalid as exc:
                failed[key] = FieldError(exc.code, exc.message)
                raw[key] = posted
        return PageResult(cleaned, failed, raw)

    def condition_hint(self, f: FieldSpec | str) -> str:
        """ "Only needed if <label> is <value>." for a field with a condition, else ""."""
        f = self.by_key[f] if isinstance(f, str) else f
        cond = f.show_if
        if not isinstance(cond, Mapping) or cond.get("field") not in self.by_key:
            return ""
        controller = self.by_key[cond["field"]]
        return controller.kind.condition_hint(controller, cond.get("equals"))

    # -- showing answers --------------------------------------------------------------------------
    def display_value(self, f: FieldSpec | str, value: Any) -> str:
        """An answer as text for the review page, in the page's language."""
        f = self.by_key[f] if isinstance(f, str) else f
        if f.kind.is_empty(f, value):
            return ""
        return f.kind.display(f, value)


def _as_int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def _posted(f: FieldSpec, formdata) -> Any:
    if f.is_multi:
        return formdata.getlist(f.key) if hasattr(formdata, "getlist") else list(formdata.get(f.key) or [])
    value = formdata.get(f.key)
    return value if isinstance(value, str) else None


def _matches(value: Any, expected: Any) -> bool:
    if isinstance(value, list):
        return any(_matches(v, expected) for v in value)
    if isinstance(value, bool) or isinstance(expected, bool):
        return truthy(value) == truthy(expected) and value is not None
    if value is None:
        return expected is None
    return str(value) == str(expected)
