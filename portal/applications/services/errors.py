"""The applicant's refusals: ``ApplicationError`` and ``MissingItems`` (what is still missing)."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from portal.errors import PortalError


class ApplicationError(PortalError):
    """Refused by a rule; ``str(error)`` is for the applicant, in their language."""


@dataclass
class Missing:
    pages: dict[str, list[str]]
    documents: list[str]

    def __bool__(self) -> bool:
        return bool(self.pages or self.documents)


class MissingItems(ApplicationError):
    def __init__(self, missing: Missing):
        super().__init__(_l("Some required information is still missing."))
        self.missing = missing
