"""The storage contract: what every backend (local disk, S3) must do, written once.

A test module uses it by subclassing with a name starting with ``Test`` and providing two
fixtures: ``storage`` (a fresh, empty backend) and ``leftovers`` (a function returning the set of
everything stored for that backend, temporary files and unfinished uploads included)::

    class TestLocalStorage(StorageContract):
        ...
"""

from __future__ import annotations

import hashlib
import io
import os
from datetime import UTC, datetime, timedelta

import pytest

from portal.storage import StorageError, StoredFile, UploadRejected
from portal.storage.base import CHUNK_SIZE, KEY_RE


class Trickle(io.RawIOBase):
    """A stream of ``size`` bytes that hands out at most ``step`` bytes per read, generated on
    the fly (never held whole), and counts how much was read."""

    def __init__(self, size: int, step: int = 7000, byte: bytes = b"a"):
        self.remaining = size
        self.step = step
        self.byte = byte
        self.read_total = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        n = min(len(buffer), self.step, self.remaining)
        buffer[:n] = self.byte * n
        self.remaining -= n
        self.read_total += n
        return n


class Broken(io.RawIOBase):
    """A client that goes away after ``good_reads`` reads of ``step`` bytes."""

    def __init__(self, good_reads: int = 3, step: int = 10):
        self.calls = 0
        self.good_reads = good_reads
        self.step = step

    def readable(self):
        return True

    def readinto(self, buffer):
        self.calls += 1
        if self.calls > self.good_reads:
            raise ConnectionResetError("client went away")
        n = min(self.step, len(buffer))
        buffer[:n] = b"0" * n
        return n


TRAVERSAL_KEYS = [
    "../x",
    "/etc/passwd",
    "a/../../b",
    "documents/../../etc/passwd",
    "..",
    ".",
    "",
    "a\x00b",
    "documents/ab/cd/tok\x00.pdf",
    "a\\..\\b",
    "./a",
    "a//b",
    "a/",
    "~/x",
    "a/b.pdf",
    "%2e%2e/x",
    "C:/Windows/win.ini",
    "a" * 600,
]


def read_all(storage, key: str) -> bytes:
    with storage.open(key) as fh:
        return fh.read()


class StorageContract:
    """Behaviour every StorageBackend shares. Subclasses provide ``storage`` and ``leftovers``."""

    # -- save ------------------------------------------------------------------------------------
    def test_save_returns_random_sharded_key_size_and_sha256_of_stored_bytes(self, storage, leftovers):
        data = os.urandom(300_000)
        stored = storage.save(io.BytesIO(data), key_prefix="documents/")
        assert isinstance(stored, StoredFile)
        assert stored.size == len(data)
        prefix, a, b, token = stored.key.split("/")
        assert prefix == "documents"
        assert token[:2] == a
        assert token[2:4] == b
        assert len(token) >= 32
        assert read_all(storage, stored.key) == data
        assert stored.sha256 == hashlib.sha256(data).hexdigest()
        assert len(leftovers()) == 1

    def test_two_saves_of_the_same_bytes_get_different_keys(self, storage):
        one = storage.save(io.BytesIO(b"same"))
        two = storage.save(io.BytesIO(b"same"))
        assert one.key != two.key
        assert one.sha256 == two.sha256
        assert KEY_RE.fullmatch(one.key)
        assert "/" in one.key

    def test_an_empty_file_is_stored_as_empty(self, storage):
        stored = storage.save(io.BytesIO(b""))
        assert stored.size == 0
        assert stored.sha256 == hashlib.sha256(b"").hexdigest()
        assert read_all(storage, stored.key) == b""

    def test_save_reads_in_chunks_of_64_kib(self, storage):
        class Recorder(io.BytesIO):
            sizes: list[int] = []

            def read(self, n=-1):
                self.sizes.append(n)
                return super().read(n)

        stream = Recorder(b"x" * 200_000)
        storage.save(stream)
        assert stream.sizes
        assert all(n == CHUNK_SIZE for n in stream.sizes)

    def test_save_over_max_bytes_mid_stream_is_refused_and_leaves_nothing(self, storage, leftovers):
        source = Trickle(9 * 1024 * 1024)
        limit = 7 * 1024 * 1024  # past one S3 part, so a multipart upload has begun
        with pytest.raises(UploadRejected) as info:
            storage.save(source, max_bytes=limit, key_prefix="documents/")
        assert info.value.code == "too_large"
        assert info.value.params["limit"] == limit
        # It stopped soon after the limit instead of reading everything...
        assert source.read_total <= limit + CHUNK_SIZE
        # ...and nothing is left: no file, no temporary file, no unfinished upload.
        assert leftovers() == set()

    def test_save_exactly_max_bytes_is_accepted(self, storage):
        stored = storage.save(io.BytesIO(b"z" * 1000), max_bytes=1000)
        assert stored.size == 1000
        assert storage.exists(stored.key)

    def test_save_failing_stream_leaves_nothing(self, storage, leftovers):
        with pytest.raises(ConnectionResetError):
            storage.save(Broken())
        assert leftovers() == set()

    def test_save_failing_stream_after_several_parts_leaves_nothing(self, storage, leftovers):
        with pytest.raises(ConnectionResetError):
            storage.save(Broken(good_reads=200, step=CHUNK_SIZE))  # 12.5 MiB, then gone
        assert leftovers() == set()

    @pytest.mark.parametrize("prefix", ["../", "/etc/", "documents", "a/../", "doc uments/", "dok.", "a//"])
    def test_save_refuses_a_bad_prefix(self, storage, leftovers, prefix):
        with pytest.raises(StorageError):
            storage.save(io.BytesIO(b"x"), key_prefix=prefix)
        assert leftovers() == set()

    # -- reading, deleting -----------------------------------------------------------------------
    def test_open_size_modified_exists_delete(self, storage, leftovers):
        before = datetime.now(UTC) - timedelta(seconds=2)
        stored = storage.save(io.BytesIO(b"hello world"), key_prefix="tutorials/")
        assert read_all(storage, stored.key) == b"hello world"
        assert storage.size(stored.key) == 11
        modified = storage.modified(stored.key)
        assert modified.tzinfo is not None
        assert modified.utcoffset() == timedelta(0)
        assert before <= modified <= datetime.now(UTC) + timedelta(seconds=2)
        assert storage.exists(stored.key)
        storage.delete(stored.key)
        assert not storage.exists(stored.key)
        assert leftovers() == set()

    def test_open_is_seekable_for_pillow_and_pypdf(self, storage):
        data = os.urandom(3 * 1024 * 1024)  # more than a remote backend keeps in memory
        stored = storage.save(io.BytesIO(data))
        with storage.open(stored.key) as fh:
            assert fh.seekable()
            fh.seek(-10, io.SEEK_END)
            assert fh.read() == data[-10:]
            fh.seek(1000)
            assert fh.read(5) == data[1000:1005]
            fh.seek(0)
            assert hashlib.sha256(fh.read()).hexdigest() == stored.sha256

    def test_missing_key_raises_file_not_found_and_delete_is_quiet(self, storage):
        key = "documents/ab/cd/abcdNotThere"
        with pytest.raises(FileNotFoundError):
            storage.open(key)
        with pytest.raises(FileNotFoundError):
            storage.size(key)
        with pytest.raises(FileNotFoundError):
            storage.modified(key)
        assert storage.exists(key) is False
        storage.delete(key)  # no error

    def test_a_folder_is_not_a_file(self, storage):
        stored = storage.save(io.BytesIO(b"x"), key_prefix="documents/")
        with pytest.raises(FileNotFoundError):
            storage.open("documents")
        assert not storage.exists("documents")
        assert storage.exists(stored.key)

    @pytest.mark.parametrize("key", TRAVERSAL_KEYS)
    @pytest.mark.parametrize("method", ["open", "size", "modified", "exists", "delete", "local_path"])
    def test_path_traversal_and_malformed_keys_are_refused(self, storage, key, method):
        with pytest.raises(StorageError):
            getattr(storage, method)(key)
