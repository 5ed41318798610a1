"""Choosing the backend: the STORAGE_BACKEND setting names it, made once per app."""

from __future__ import annotations

from pathlib import Path

from flask import Flask, current_app

from portal.storage.base import StorageBackend
from portal.storage.errors import StorageError
from portal.storage.local import LocalStorage
from portal.storage.s3 import S3Storage


def make_storage(app: Flask) -> StorageBackend:
    """Build the backend the app's configuration names. Raises StorageError for an unknown one."""
    name = (app.config.get("STORAGE_BACKEND") or "local").lower()
    if name == "local":
        return LocalStorage(Path(app.config["UPLOAD_ROOT"]))
    if name == "s3":
        return make_s3_storage(app)
    raise StorageError(f"unknown or not yet available STORAGE_BACKEND: {name!r}")


def make_s3_storage(app: Flask) -> StorageBackend:
    """The S3 backend from the app's S3_* settings (also used to move files to S3 while the app
    still runs on local disk). Raises StorageError without S3_BUCKET or with a bad S3_PREFIX."""
    return S3Storage(
        app.config.get("S3_BUCKET") or "",
        prefix=app.config.get("S3_PREFIX") or "",
        endpoint_url=app.config.get("S3_ENDPOINT_URL"),
        region=app.config.get("S3_REGION"),
        access_key_id=app.config.get("S3_ACCESS_KEY_ID"),
        secret_access_key=app.config.get("S3_SECRET_ACCESS_KEY"),
    )


def get_storage() -> StorageBackend:
    """The current app's storage backend (cached in app.extensions["storage"])."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    storage: StorageBackend | None = app.extensions.get("storage")
    if storage is None:
        storage = app.extensions.setdefault("storage", make_storage(app))
    return storage
