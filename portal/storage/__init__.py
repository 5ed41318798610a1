"""File storage and upload validation.

    from portal.storage import get_storage, check_upload, FileKind, UploadRejected

``get_storage()`` returns the backend chosen by the STORAGE_BACKEND setting ("local" or
"s3", see s3.py), made once per app. ``check_upload`` streams a form upload into storage and checks
it by content; see checks.py. ``safe_download_response`` in serving.py sends a stored file.
"""

from __future__ import annotations

from pathlib import Path

from flask import Flask, current_app

from portal.storage.base import StorageBackend, StoredFile
from portal.storage.checks import CheckedUpload, FileKind, check_upload, clean_filename
from portal.storage.errors import StorageError, UploadRejected
from portal.storage.local import LocalStorage

__all__ = [
    "CheckedUpload",
    "FileKind",
    "LocalStorage",
    "StorageBackend",
    "StorageError",
    "StoredFile",
    "UploadRejected",
    "check_upload",
    "clean_filename",
    "get_storage",
    "make_s3_storage",
    "make_storage",
]


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
    from portal.storage.s3 import S3Storage

    return S3Storage(app.config.get("S3_BUCKET") or "", prefix=app.config.get("S3_PREFIX") or "",
                     endpoint_url=app.config.get("S3_ENDPOINT_URL"),
                     region=app.config.get("S3_REGION"),
                     access_key_id=app.config.get("S3_ACCESS_KEY_ID"),
                     secret_access_key=app.config.get("S3_SECRET_ACCESS_KEY"))


def get_storage() -> StorageBackend:
    """The current app's storage backend (cached in app.extensions["storage"])."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    storage = app.extensions.get("storage")
    if storage is None:
        storage = app.extensions.setdefault("storage", make_storage(app))
    return storage
