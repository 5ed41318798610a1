"""The files the database refers to, gathered from the features that own them.

A feature that stores files registers, at app creation, a function that yields a
``FileRef`` for each stored key its tables hold::

    bp.record_once(lambda state: inventory.register_files(state.app, "permits", stored_files))

Backups, restores and ``flask storage verify`` / ``migrate-to-s3`` ask ``referenced_files()``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from flask import current_app
from flask.sansio.app import App

from portal.storage.transfer import FileRef

FileLister = Callable[[], Iterable[FileRef]]

_EXTENSION = "satupintu.file_owners"


def register_files(app: App, owner: str, lister: FileLister) -> None:
    """Record that ``owner`` keeps files, listed by ``lister`` (called within an app context).
    Registering the same owner again replaces its lister."""
    app.extensions.setdefault(_EXTENSION, {})[owner] = lister


def file_owners(app: App | None = None) -> dict[str, FileLister]:
    """The registered owners and their listers, in registration order."""
    owners: dict[str, FileLister] = (app or current_app).extensions.get(_EXTENSION, {})
    return dict(owners)


def referenced_files() -> list[FileRef]:
    """Every storage key held by the database, once each (a key listed twice keeps the entry
    with a recorded sha256). Needs an app context."""
    refs: dict[str, FileRef] = {}
    for lister in file_owners().values():
        for ref in lister():
            if ref.key and (ref.key not in refs or (ref.sha256 and not refs[ref.key].sha256)):
                refs[ref.key] = ref
    return list(refs.values())
