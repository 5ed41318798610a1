"""The storage interface every backend implements (local disk now, S3 later).

Feature code gets a backend from ``get_storage()`` and uses only these methods; it never asks
which backend it has. Keys are random, made by ``new_key``; a filename never becomes a path.
"""

from __future__ import annotations

import re
import secrets
from abc import ABC, abstractmethod
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import IO, Any, BinaryIO

from portal.storage.errors import StorageError, UploadRejected

CHUNK_SIZE = 64 * 1024


def metered_chunks(stream: IO[bytes], max_bytes: int | None, digest: Any) -> Iterator[bytes]:
    """The stream's chunks, each added to ``digest``; past ``max_bytes`` it raises
    UploadRejected("too_large") before the chunk is used. Every backend's save() reads
    through this, so the limit and the hash are the same everywhere."""
    size = 0
    while chunk := stream.read(CHUNK_SIZE):
        size += len(chunk)
        if max_bytes is not None and size > max_bytes:
            raise UploadRejected("too_large", limit=max_bytes)
        digest.update(chunk)
        yield chunk


MAX_KEY_LENGTH = 512

#: A key: segments of [A-Za-z0-9_-] joined by single slashes. No dots at all (so no "..", no
#: hidden names, no extensions), no leading slash, no empty segment, no NUL or backslash.
KEY_RE = re.compile(r"[A-Za-z0-9_-]+(?:/[A-Za-z0-9_-]+)*")
#: A key prefix: empty, or segments each followed by a slash ("documents/", "tutorials/posters/").
PREFIX_RE = re.compile(r"(?:[A-Za-z0-9_-]+/)*")


@dataclass(frozen=True)
class StoredFile:
    """A file as stored: its key, its size in bytes and the sha256 (hex) of its bytes."""

    key: str
    size: int
    sha256: str


def validate_key(key: str) -> str:
    """Return ``key`` if it is a well-formed storage key; raise StorageError otherwise."""
    if not isinstance(key, str) or not key or len(key) > MAX_KEY_LENGTH or not KEY_RE.fullmatch(key):
        raise StorageError(f"invalid storage key: {key!r}")
    return key


def validate_prefix(prefix: str) -> str:
    if not isinstance(prefix, str) or len(prefix) > 100 or not PREFIX_RE.fullmatch(prefix):
        raise StorageError(f"invalid key prefix: {prefix!r}")
    return prefix


def new_key(prefix: str = "") -> str:
    """A fresh random key sharded as ``<prefix>ab/cd/<token>`` (192 random bits)."""
    validate_prefix(prefix)
    token = secrets.token_urlsafe(24)
    return f"{prefix}{token[0:2]}/{token[2:4]}/{token}"


class StorageBackend(ABC):
    """Where uploaded and generated files live. All methods take keys made by ``save``;
    a malformed key raises StorageError before anything is touched."""

    @abstractmethod
    def save(self, stream: IO[bytes], *, max_bytes: int | None = None, key_prefix: str = "") -> StoredFile:
        """Copy ``stream`` (read in 64 KiB chunks, never whole) under a new random key and
        return it. Raises UploadRejected(code="too_large", limit=max_bytes) when the stream
        holds more than ``max_bytes``; nothing is left behind then."""

    @abstractmethod
    def open(self, key: str) -> BinaryIO:
        """A binary read stream of the file, positioned at its start; the caller closes it.
        It must be seekable (Pillow and pypdf seek): a remote backend spools to a temporary
        file first. FileNotFoundError if missing."""

    @abstractmethod
    def size(self, key: str) -> int:
        """Size in bytes. FileNotFoundError if missing."""

    @abstractmethod
    def modified(self, key: str) -> datetime:
        """Last modification time, UTC-aware. FileNotFoundError if missing."""

    @abstractmethod
    def exists(self, key: str) -> bool:
        """Whether a file is stored under ``key``."""

    @abstractmethod
    def delete(self, key: str) -> None:
        """Remove the file; a missing file is not an error."""

    @abstractmethod
    def local_path(self, key: str) -> Path | None:
        """The file's real path on local disk (for X-Accel-Redirect and ffmpeg), or None when
        the backend is remote. The path may not exist; check ``exists`` first."""
