"""File storage and upload validation.

    from portal.storage import get_storage, check_upload, FileKind, UploadRejected

``get_storage()`` returns the backend chosen by the STORAGE_BACKEND setting ("local" or
"s3", see s3.py), made once per app. ``check_upload`` streams a form upload into storage and checks
it by content; see checks.py. ``safe_download_response`` in serving.py sends a stored file.
"""

from __future__ import annotations

from portal.storage.backends import get_storage, make_s3_storage, make_storage
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
