"""The local-disk backend: files under UPLOAD_ROOT, written to a temporary name and moved."""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, BinaryIO

from portal.storage.base import (
    StorageBackend,
    StoredFile,
    metered_chunks,
    new_key,
    validate_key,
)
from portal.storage.errors import StorageError, UploadRejected

#: Temporary files live here while being written: inside the root (same filesystem, so the
#: final os.replace is atomic) but under a name no key can take (keys contain no dots).
TMP_DIR_NAME = ".tmp"
#: Files are readable by the owner and the group (so nginx, in the app's group, can serve them
#: through X-Accel-Redirect); nobody else.
FILE_MODE = 0o640
DIR_MODE = 0o750


class LocalStorage(StorageBackend):
    """Files on local disk under ``root``. Every key is checked twice: by the key pattern and by
    resolving the path and requiring it to stay under the resolved root (symlinks included)."""

    def __init__(self, root: Path | str):
        self.root = Path(root).resolve()
        self.root.mkdir(parents=True, exist_ok=True, mode=DIR_MODE)
        self.tmp_dir = self.root / TMP_DIR_NAME

    def __repr__(self) -> str:
        return f"LocalStorage({str(self.root)!r})"

    # -- paths -------------------------------------------------------------------------------
    def _path(self, key: str) -> Path:
        validate_key(key)
        path = (self.root / key).resolve()
        if not path.is_relative_to(self.root) or path == self.root:
            raise StorageError(f"storage key leaves the root: {key!r}")
        return path

    def local_path(self, key: str) -> Path | None:
        return self._path(key)

    # -- writing -----------------------------------------------------------------------------
    def save(self, stream: IO[bytes], *, max_bytes: int | None = None, key_prefix: str = "") -> StoredFile:
        key = new_key(key_prefix)
        final = self._path(key)
        self.tmp_dir.mkdir(exist_ok=True, mode=DIR_MODE)
        fd, tmp_name = tempfile.mkstemp(dir=self.tmp_dir, prefix="upload-", suffix=".part")
        digest = hashlib.sha256()
        size = 0
        try:
            with os.fdopen(fd, "wb") as out:
                for chunk in metered_chunks(stream, max_bytes, digest):
                    size += len(chunk)
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
            os.chmod(tmp_name, FILE_MODE)
            self._move_into_place(tmp_name, final)
        except BaseException as exc:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp_name)
            if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT):
                # The person can do nothing about it, but must know the file was not kept.
                raise UploadRejected("storage_full") from exc
            raise
        return StoredFile(key=key, size=size, sha256=digest.hexdigest())

    def _move_into_place(self, tmp_name: str, final: Path) -> None:
        # A concurrent delete() may remove an emptied shard folder between mkdir and replace:
        # make it again and retry.
        for attempt in range(5):
            final.parent.mkdir(parents=True, exist_ok=True, mode=DIR_MODE)
            try:
                os.replace(tmp_name, final)
                break
            except FileNotFoundError:
                if attempt == 4 or not os.path.exists(tmp_name):
                    raise
        _fsync_dir(final.parent)

    # -- reading -----------------------------------------------------------------------------
    def open(self, key: str) -> BinaryIO:
        path = self._path(key)
        if not path.is_file():
            raise FileNotFoundError(key)
        return open(path, "rb")  # noqa: SIM115 (the caller closes it)

    def size(self, key: str) -> int:
        return self._stat(key).st_size

    def modified(self, key: str) -> datetime:
        return datetime.fromtimestamp(self._stat(key).st_mtime, tz=UTC)

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()

    def _stat(self, key: str) -> os.stat_result:
        path = self._path(key)
        if not path.is_file():
            raise FileNotFoundError(key)
        return path.stat()

    # -- deleting ----------------------------------------------------------------------------
    def delete(self, key: str) -> None:
        path = self._path(key)
        try:
            path.unlink()
        except FileNotFoundError:
            return
        except IsADirectoryError:
            raise StorageError(f"storage key names a folder: {key!r}") from None
        # Remove the shard folders the file leaves empty (never the root or a prefix's top).
        parent = path.parent
        for _ in range(2):
            if parent == self.root:
                break
            try:
                parent.rmdir()
            except OSError:
                break
            parent = parent.parent


def _fsync_dir(path: Path) -> None:
    """Make the rename durable: fsync the folder that now holds the file."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
