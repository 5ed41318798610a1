"""The field-type registry: one ``FieldType`` subclass per type of question a form can ask.

A type says how the form builder offers it, which definition settings it takes, how an answer
is cleaned and checked, how the wizard draws it (``Widget``, read by
``macros/dynamic_fields.html``) and how an answer is shown on the review page. The types live
in ``formspec/fields/``, one class each, and register themselves with ``@register``: adding a
type is adding a class in a module there.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from portal.catalogue.formspec.common import Invalid, Problem

if TYPE_CHECKING:
    from portal.catalogue.formspec.definition import FieldSpec


@dataclass(frozen=True)
class Widget:
    """How the wizard draws a field."""

    #: "input", "textarea", "select", "checkbox" (one box) or "choices" (a fieldset of boxes)
    kind: str = "input"
    #: the ``<input type>``; for "choices", radio or checkbox
    input_type: str = "text"
    inputmode: str | None = None
    autocomplete: str | None = None
    #: put the field's length limit on the input as ``maxlength``
    maxlength: bool = False
    rows: int | None = None
    #: text shown before the input (the currency)
    prefix: str | None = None
    #: an ID number: no spell check, no autofill
    plain: bool = False


class FieldType:
    """A type of question. Instances are stateless; the field's settings come as ``f``."""

    name: ClassVar[str] = ""
    #: what the form builder calls the type (a lazy translation)
    title: ClassVar[Any] = ""
    #: place in the form builder's list of types
    position: ClassVar[int] = 1000
    #: whether the definition needs a list of options ("required"), may have one ("allowed")
    #: or must not ("none")
    options: ClassVar[str] = "none"
    default_max_length: ClassVar[int | None] = None
    widget: ClassVar[Widget] = Widget()

    # -- the definition -----------------------------------------------------------------------
    def definition_problems(self, f: FieldSpec) -> list[Problem]:
        """Problems with this type's own settings, each about the field ``f``."""
        problems = []
        if self.options == "required" and not f.options:
            problems.append(Problem("field", f.key, _l("options missing for %(type)s", type=f.type)))
        if f.options and self.options == "none":
            takers = [t.name for t in field_types() if t.options != "none"]
            problems.append(
                Problem(
                    "field",
                    f.key,
                    _l(
                        "options are only for %(types)s and %(last)s",
                        types=", ".join(takers[:-1]),
                        last=takers[-1],
                    ),
                )
            )
        return problems

    # -- an answer ----------------------------------------------------------------------------
    def clean(self, f: FieldSpec, posted: Any) -> Any:
        """The cleaned value of what was posted (a str, or a list for a multi-choice field);
        raises ``Invalid``. Empty text is None, or a refusal when the field is required."""
        text = (posted or "").strip() if isinstance(posted, str) else ""
        if text == "":
            if f.required:
                raise Invalid("required", self.required_message(f))
            return None
        return self.clean_text(f, text)

    def clean_text(self, f: FieldSpec, text: str) -> Any:
        """Clean a non-empty, stripped answer."""
        raise NotImplementedError

    def required_message(self, f: FieldSpec) -> str:
        return _("Fill in %(label)s.", label=f.label)

    def is_empty(self, f: FieldSpec, value: Any) -> bool:
        return value is None or value == "" or value == []

    # -- showing --------------------------------------------------------------------------------
    def widget_for(self, f: FieldSpec) -> Widget:
        return self.widget

    def display(self, f: FieldSpec, value: Any) -> str:
        """A non-empty answer as text for the review page."""
        return str(value)

    def condition_hint(self, controller: FieldSpec, expected: Any) -> str:
        """The hint beside a field shown only when ``controller`` (a field of this type) has
        the answer ``expected``."""
        shown = controller.option_label(expected) if controller.options else str(expected)
        return _('Only needed if %(label)s is "%(value)s".', label=controller.label, value=shown)


class UnknownType(FieldType):
    """What a field of a type no class handles behaves as: drawn as a text box, never
    answerable (``validate_definition`` reports it)."""

    def clean(self, f: FieldSpec, posted: Any) -> Any:
        raise Invalid("invalid_choice", _("This question cannot be answered right now."))


UNKNOWN = UnknownType()
_T = TypeVar("_T", bound=type[FieldType])
_REGISTRY: dict[str, FieldType] = {}


def register(cls: _T) -> _T:
    """Class decorator: make ``cls`` the handler of fields whose type is ``cls.name``."""
    if not cls.name or cls.name in _REGISTRY:
        raise ValueError(f"field type {cls.name!r} has no name or is registered twice")
    _REGISTRY[cls.name] = cls()
    return cls


def get_field_type(name: str) -> FieldType | None:
    return _REGISTRY.get(name)


def field_types() -> list[FieldType]:
    """Every registered type, in the form builder's order."""
    return sorted(_REGISTRY.values(), key=lambda t: (t.position, t.name))
