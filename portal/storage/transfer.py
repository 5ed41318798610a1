"""Moving and checking stored files across backends: writing a file under a known key, hashing
what is stored, listing every key, copying and verifying a list of ``FileRef``.

These are operator tools (portal/maintenance uses them), not feature code: they may ask which
backend they have. Which files the database refers to is the maintenance inventory's business.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from portal.storage.base import CHUNK_SIZE, StorageBackend, StoredFile, validate_key
from portal.storage.errors import StorageError
from portal.storage.local import DIR_MODE, FILE_MODE, TMP_DIR_NAME, LocalStorage


@dataclass(frozen=True)
class FileRef:
    """A file the database points to: its key, the sha256 the database recorded (when it keeps
    one; None elsewhere) and where the reference is, for messages."""

    key: str
    sha256: str | None
    where: str


def sha256_of(storage: StorageBackend, key: str) -> str:
    """The sha256 of the stored bytes, read in chunks. FileNotFoundError when missing."""
    digest = hashlib.sha256()
    chunks = getattr(storage, "iter_chunks", None)
    if chunks is not None:  # remote: hash straight off the wire, nothing spooled
        for chunk in chunks(key):
            digest.update(chunk)
        return digest.hexdigest()
    with storage.open(key) as fh:
        while chunk := fh.read(CHUNK_SIZE):
            digest.update(chunk)
    return digest.hexdigest()


def write_at(storage: StorageBackend, key: str, stream: BinaryIO) -> StoredFile:
    """Store ``stream`` under ``key`` itself (not a new random key), replacing what is there,
    atomically: a temporary file moved into place on disk, one PutObject or multipart upload
    on S3. For restoring and moving files whose keys the database holds."""
    validate_key(key)
    put = getattr(storage, "put", None)
    if put is not None:
        stored: StoredFile = put(key, stream)
        return stored
    if not isinstance(storage, LocalStorage):
        raise StorageError(f"cannot write a given key to {storage!r}")
    final = storage.local_path(key)
    storage.tmp_dir.mkdir(exist_ok=True, mode=DIR_MODE)
    fd, tmp_name = tempfile.mkstemp(dir=storage.tmp_dir, prefix="restore-", suffix=".part")
    digest = hashlib.sha256()
    size = 0
    try:
        with os.fdopen(fd, "wb") as out:
            while chunk := stream.read(CHUNK_SIZE):
                digest.update(chunk)
                size += len(chunk)
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(tmp_name, FILE_MODE)
        assert final is not None  # a local backend always has a path
        storage._move_into_place(tmp_name, final)  # noqa: SLF001 (the same atomic move as save)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp_name)
        raise
    return StoredFile(key=key, size=size, sha256=digest.hexdigest())


def iter_all_keys(storage: StorageBackend) -> Iterator[str]:
    """Every key stored in ``storage`` (temporary files excluded), in a stable order."""
    listing = getattr(storage, "iter_keys", None)
    if listing is not None:
        yield from listing()
        return
    if not isinstance(storage, LocalStorage):
        raise StorageError(f"cannot list {storage!r}")
    root = storage.root
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not (Path(dirpath) == root and d == TMP_DIR_NAME))
        for name in sorted(filenames):
            key = str(Path(dirpath, name).relative_to(root))
            try:
                yield validate_key(key)
            except StorageError:
                continue  # not a file the portal wrote


@dataclass
class TransferReport:
    """What a copy or a check found. ``ok`` is False when anything is missing or differs."""

    copied: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    checked: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    mismatched: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.missing and not self.mismatched

    def lines(self) -> list[str]:
        out = [f"missing: {item}" for item in self.missing]
        out += [f"sha256 differs: {item}" for item in self.mismatched]
        out.append(
            f"{len(self.copied)} copied, {len(self.skipped)} already present, "
            f"{len(self.checked)} checked, {len(self.missing)} missing, "
            f"{len(self.mismatched)} with a different sha256"
        )
        return out


def copy_files(source: StorageBackend, target: StorageBackend, refs: list[FileRef]) -> TransferReport:
    """Copy every referenced file from ``source`` to ``target`` under the same key, then read it
    back from ``target`` and compare sha256 (with the database's value where it has one, else
    with the source's). A file already in ``target`` with the right sha256 is skipped, so the
    command can run again after an interruption."""
    report = TransferReport()
    for ref in refs:
        label = f"{ref.key} ({ref.where})"
        try:
            expected = sha256_of(source, ref.key)
        except FileNotFoundError:
            report.missing.append(label + " not in the source")
            continue
        if ref.sha256 and expected != ref.sha256:
            report.mismatched.append(label + " in the source differs from the database")
            continue
        try:
            present = sha256_of(target, ref.key)
        except FileNotFoundError:
            present = None
        if present == expected:
            report.skipped.append(ref.key)
            continue
        with source.open(ref.key) as fh:
            write_at(target, ref.key, fh)
        try:
            after = sha256_of(target, ref.key)
        except FileNotFoundError:
            after = None
        if after != expected:
            report.mismatched.append(label + " differs after copying")
        else:
            report.copied.append(ref.key)
    return report


def verify_files(storage: StorageBackend, refs: list[FileRef]) -> TransferReport:
    """Check that every referenced file is stored, and that documents still have the sha256
    the database recorded."""
    report = TransferReport()
    for ref in refs:
        label = f"{ref.key} ({ref.where})"
        try:
            if ref.sha256:
                if sha256_of(storage, ref.key) != ref.sha256:
                    report.mismatched.append(label)
                    continue
            elif not storage.exists(ref.key):
                raise FileNotFoundError(ref.key)
        except FileNotFoundError:
            report.missing.append(label)
            continue
        report.checked.append(ref.key)
    return report
