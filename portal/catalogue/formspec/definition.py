"""The pieces of a form definition (``FieldSpec``, ``DocumentSpec``, ``Page``) and of one
page's result (``FieldError``, ``PageResult``). The attributes of ``FieldSpec`` /
``DocumentSpec`` are the keys of the dicts ``FormVersion.fields`` / ``.documents`` hold."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from portal.catalogue.formspec.common import Problem, pick
from portal.catalogue.formspec.registry import UNKNOWN, FieldType, Widget, get_field_type
from portal.errors import PortalError

if TYPE_CHECKING:
    from portal.catalogue.formspec.form import FormSpec

DOCUMENT_TYPES = ("pdf", "jpeg", "png")
#: What a field can be filled in from: the account's attribute of that name.
PREFILL_SOURCES = ("full_name", "nik", "phone", "email", "address")
KEY_RE = re.compile(r"[a-z][a-z0-9_]{0,39}")
#: Bounds for whole numbers and amounts, far inside JSON's and a BIGINT's exact range.
NUMBER_LIMIT = 10**15

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


class DefinitionError(PortalError, ValueError):
    """A form definition has problems; ``problems`` lists them (``Problem``), each naming its
    field, document or page."""

    def __init__(self, problems: list[Problem]):
        super().__init__("; ".join(map(str, problems)))
        self.problems = problems


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
    #: Filled in from the applicant's account when the form opens (one of PREFILL_SOURCES);
    #: the applicant can still change it, and the field's own rules still apply.
    prefill: str | None = None

    @property
    def kind(self) -> FieldType:
        """The registered type that handles this field (a stand-in for an unknown type)."""
        return get_field_type(self.type) or UNKNOWN

    @property
    def widget(self) -> Widget:
        return self.kind.widget_for(self)

    @property
    def label(self) -> str:
        return pick(self.label_id, self.label_en)

    @property
    def help(self) -> str:
        return pick(self.help_id, self.help_en)

    @property
    def is_multi(self) -> bool:
        return self.type == "checkbox" and bool(self.options)

    @property
    def option_values(self) -> list[str]:
        return [str(o.get("value")) for o in self.options]

    def option_label(self, value: Any) -> str:
        for o in self.options:
            if str(o.get("value")) == str(value):
                return pick(o.get("label_id"), o.get("label_en")) or str(value)
        return str(value)

    @property
    def effective_max_length(self) -> int | None:
        return self.max_length if self.max_length is not None else self.kind.default_max_length

    @property
    def pattern_message(self) -> str:
        return pick(self.pattern_message_id, self.pattern_message_en)

    def to_dict(self) -> dict[str, Any]:
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
        return pick(self.label_id, self.label_en)

    @property
    def description(self) -> str:
        return pick(self.description_id, self.description_en)

    @property
    def max_bytes(self) -> int:
        return int(float(self.max_mb) * 1024 * 1024)

    def to_dict(self) -> dict[str, Any]:
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
        return pick(self.title_id, self.title_en)


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
