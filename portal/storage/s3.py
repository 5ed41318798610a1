"""The S3-compatible backend (AWS S3, MinIO, Ceph, ...): files are objects under
``<S3_PREFIX><key>`` in one bucket.

Writing: the stream is read in 64 KiB chunks while its sha256 and size are computed and
``max_bytes`` is enforced; bytes go out in parts of ``part_size`` (5 MiB, the S3 minimum), so at
most one part is in memory. A file smaller than one part is sent with one PutObject; a larger one
with a multipart upload. Both are atomic on the server: the object appears whole under its key
when PutObject or CompleteMultipartUpload succeeds, and not at all before. That is the S3 form of
"write to a temporary name, then move": no temporary key and copy are needed. When anything
fails (the limit, a broken client stream, a network error) the multipart upload is aborted, so
nothing is left behind; parts orphaned by a crashed process are invisible and removed by the
bucket's "abort incomplete multipart uploads" lifecycle rule (see the README).

Reading: ``open`` copies the object into a SpooledTemporaryFile (memory up to ``spool_max``,
then a temporary file on disk), because callers seek (Pillow, pypdf, Range requests).
"""

from __future__ import annotations

import contextlib
import hashlib
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any, BinaryIO

from portal.storage.base import (
    CHUNK_SIZE,
    StorageBackend,
    StoredFile,
    metered_chunks,
    new_key,
    validate_key,
    validate_prefix,
)
from portal.storage.errors import StorageError

#: Size of each part of a multipart upload (S3 refuses parts under 5 MiB except the last).
PART_SIZE = 5 * 1024 * 1024
#: ``open`` keeps up to this many bytes in memory before spooling to a temporary file.
SPOOL_MAX = 2 * 1024 * 1024
_MISSING_CODES = {"404", "NoSuchKey", "NotFound"}


class S3Storage(StorageBackend):
    """Files in ``bucket`` under ``prefix``. Keys are validated exactly as LocalStorage does
    (``validate_key``) before any request is made. The boto3 client is thread-safe and shared."""

    def __init__(
        self,
        bucket: str,
        *,
        prefix: str = "",
        client: Any = None,
        endpoint_url: str | None = None,
        region: str | None = None,
        access_key_id: str | None = None,
        secret_access_key: str | None = None,
        part_size: int = PART_SIZE,
        spool_max: int = SPOOL_MAX,
    ):
        if not bucket:
            raise StorageError("S3 storage needs a bucket (S3_BUCKET)")
        self.bucket = bucket
        self.prefix = validate_prefix(prefix or "")
        self.part_size = max(part_size, 5 * 1024 * 1024)
        self.spool_max = spool_max
        self.client = client or make_client(
            endpoint_url=endpoint_url,
            region=region,
            access_key_id=access_key_id,
            secret_access_key=secret_access_key,
        )

    def __repr__(self) -> str:
        return f"S3Storage(bucket={self.bucket!r}, prefix={self.prefix!r})"

    def _object_key(self, key: str) -> str:
        return self.prefix + validate_key(key)

    # -- writing -----------------------------------------------------------------------------
    def save(self, stream: IO[bytes], *, max_bytes: int | None = None, key_prefix: str = "") -> StoredFile:
        key = new_key(key_prefix)
        return self._upload(key, stream, max_bytes=max_bytes)

    def put(self, key: str, stream: BinaryIO) -> StoredFile:
        """Store ``stream`` under the given ``key`` (replacing what is there). For moving and
        restoring files whose keys the database already holds; feature code uses ``save``."""
        return self._upload(key, stream, max_bytes=None)

    def _upload(self, key: str, stream: IO[bytes], *, max_bytes: int | None) -> StoredFile:
        object_key = self._object_key(key)
        digest = hashlib.sha256()
        size = 0
        buffer = bytearray()
        upload_id: str | None = None
        parts: list[dict] = []
        try:
            for chunk in metered_chunks(stream, max_bytes, digest):
                size += len(chunk)
                buffer += chunk
                if len(buffer) >= self.part_size:
                    if upload_id is None:
                        upload_id = self.client.create_multipart_upload(
                            Bucket=self.bucket, Key=object_key, ContentType="application/octet-stream"
                        )["UploadId"]
                    parts.append(self._upload_part(object_key, upload_id, len(parts) + 1, buffer))
                    buffer = bytearray()
            if upload_id is None:
                self.client.put_object(
                    Bucket=self.bucket,
                    Key=object_key,
                    Body=bytes(buffer),
                    ContentType="application/octet-stream",
                )
            else:
                if buffer:
                    parts.append(self._upload_part(object_key, upload_id, len(parts) + 1, buffer))
                self.client.complete_multipart_upload(
                    Bucket=self.bucket, Key=object_key, UploadId=upload_id, MultipartUpload={"Parts": parts}
                )
        except BaseException:
            if upload_id is not None:
                # The first error is the one to report.
                with contextlib.suppress(Exception):
                    self.client.abort_multipart_upload(Bucket=self.bucket, Key=object_key, UploadId=upload_id)
            raise
        return StoredFile(key=key, size=size, sha256=digest.hexdigest())

    def _upload_part(self, object_key: str, upload_id: str, number: int, body: bytearray) -> dict:
        response = self.client.upload_part(
            Bucket=self.bucket, Key=object_key, UploadId=upload_id, PartNumber=number, Body=body
        )
        return {"PartNumber": number, "ETag": response["ETag"]}

    # -- reading -----------------------------------------------------------------------------
    def open(self, key: str) -> BinaryIO:
        object_key = self._object_key(key)
        try:
            response = self.client.get_object(Bucket=self.bucket, Key=object_key)
        except Exception as exc:
            _raise_missing(exc, key)
            raise
        spool = tempfile.SpooledTemporaryFile(max_size=self.spool_max)  # noqa: SIM115
        body = response["Body"]
        try:
            for chunk in body.iter_chunks(CHUNK_SIZE):
                spool.write(chunk)
            spool.seek(0)
        except BaseException:
            spool.close()
            raise
        finally:
            body.close()
        return spool  # type: ignore[return-value]

    def iter_chunks(self, key: str) -> Iterator[bytes]:
        """The file's bytes in chunks, straight from the server (nothing spooled)."""
        object_key = self._object_key(key)
        try:
            response = self.client.get_object(Bucket=self.bucket, Key=object_key)
        except Exception as exc:
            _raise_missing(exc, key)
            raise
        body = response["Body"]
        try:
            yield from body.iter_chunks(CHUNK_SIZE)
        finally:
            body.close()

    def _head(self, key: str) -> dict[str, Any]:
        object_key = self._object_key(key)
        try:
            head: dict[str, Any] = self.client.head_object(Bucket=self.bucket, Key=object_key)
            return head
        except Exception as exc:
            _raise_missing(exc, key)
            raise

    def size(self, key: str) -> int:
        return int(self._head(key)["ContentLength"])

    def modified(self, key: str) -> datetime:
        value: datetime = self._head(key)["LastModified"]
        return value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)

    def exists(self, key: str) -> bool:
        try:
            self._head(key)
        except FileNotFoundError:
            return False
        return True

    def iter_keys(self) -> Iterator[str]:
        """Every stored key (under this backend's prefix), for backups and checks."""
        paginator = self.client.get_paginator("list_objects_v2")
        for page in paginator.paginate(Bucket=self.bucket, Prefix=self.prefix):
            for item in page.get("Contents", []):
                key = item["Key"][len(self.prefix) :]
                try:
                    yield validate_key(key)
                except StorageError:
                    continue  # not ours (written by something else into the bucket)

    # -- deleting ----------------------------------------------------------------------------
    def delete(self, key: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=self._object_key(key))

    def local_path(self, key: str) -> Path | None:
        validate_key(key)
        return None

    # -- serving -----------------------------------------------------------------------------
    def presigned_url(
        self, key: str, *, content_type: str, content_disposition: str, expires: int = 60
    ) -> str:
        """A URL that lets its holder GET the file for ``expires`` seconds, answered with the
        given Content-Type and Content-Disposition. Only hand it out after the access check."""
        url: str = self.client.generate_presigned_url(
            "get_object",
            Params={
                "Bucket": self.bucket,
                "Key": self._object_key(key),
                "ResponseContentType": content_type,
                "ResponseContentDisposition": content_disposition,
                "ResponseCacheControl": "private, no-store",
            },
            ExpiresIn=expires,
        )
        return url


def make_client(
    *,
    endpoint_url: str | None = None,
    region: str | None = None,
    access_key_id: str | None = None,
    secret_access_key: str | None = None,
) -> Any:
    """A boto3 S3 client. Credentials not given here come from boto3's usual chain
    (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, ~/.aws, an instance role). A custom endpoint
    (MinIO, a local test server) gets path-style addressing."""
    import boto3
    from botocore.config import Config

    options: dict[str, Any] = {
        "signature_version": "s3v4",
        "retries": {"max_attempts": 4, "mode": "standard"},
        "connect_timeout": 5,
        "read_timeout": 60,
    }
    if endpoint_url:
        options["s3"] = {"addressing_style": "path"}
    session = boto3.session.Session()
    return session.client(
        "s3",
        endpoint_url=endpoint_url or None,
        region_name=region or "us-east-1",
        aws_access_key_id=access_key_id or None,
        aws_secret_access_key=secret_access_key or None,
        config=Config(**options),
    )


def _raise_missing(exc: Exception, key: str) -> None:
    """Turn the client's "no such object" into FileNotFoundError; leave other errors alone."""
    response = getattr(exc, "response", None)
    if isinstance(response, dict):
        code = str(response.get("Error", {}).get("Code", ""))
        status = response.get("ResponseMetadata", {}).get("HTTPStatusCode")
        if code in _MISSING_CODES or status == 404:
            raise FileNotFoundError(key) from None
