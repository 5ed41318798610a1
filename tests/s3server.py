"""A local S3-compatible server for the tests: moto in server mode, in a process of its own
(so memory measured in the test process is the app's, not the server's), on 127.0.0.1 and a
free port. Started once per test run, on first use, and stopped at exit."""

from __future__ import annotations

import atexit
import socket
import subprocess
import sys
import time
import urllib.request
import uuid

import pytest

ACCESS_KEY = "testing"
SECRET_KEY = "testing"  # moto accepts any credentials
REGION = "us-east-1"
BUCKET = "satupintu-test"

_server: dict = {}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def endpoint() -> str:
    """The server's URL, starting it (and creating BUCKET) on first call."""
    if "url" in _server:
        return _server["url"]
    try:
        import moto.server  # noqa: F401
    except ImportError:
        pytest.skip("moto[server] is not installed (pip install 'moto[server]')")
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    atexit.register(_stop, process)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(url + "/moto-api/", timeout=1).close()  # noqa: S310
            break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("the moto S3 server did not start") from None
            time.sleep(0.05)
    _server["url"] = url
    client().create_bucket(Bucket=BUCKET)
    return url


def _stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=5)
    except subprocess.TimeoutExpired:
        process.kill()


def client():
    """One shared boto3 client (thread-safe; making one costs a second of model loading)."""
    if "client" not in _server:
        from portal.storage.s3 import make_client

        _server["client"] = make_client(
            endpoint_url=endpoint(), region=REGION, access_key_id=ACCESS_KEY, secret_access_key=SECRET_KEY
        )
    return _server["client"]


def fresh_prefix() -> str:
    """A prefix of its own for one test, so listings see only that test's objects."""
    return f"t{uuid.uuid4().hex}/"


def app_config(prefix: str | None = None, **extra) -> dict:
    """create_app overrides for an app storing its files on the test server."""
    return {
        "STORAGE_BACKEND": "s3",
        "S3_BUCKET": BUCKET,
        "S3_PREFIX": prefix or fresh_prefix(),
        "S3_ENDPOINT_URL": endpoint(),
        "S3_REGION": REGION,
        "S3_ACCESS_KEY_ID": ACCESS_KEY,
        "S3_SECRET_ACCESS_KEY": SECRET_KEY,
        **extra,
    }


def leftovers(prefix: str) -> set[str]:
    """Everything under ``prefix`` on the server: objects and unfinished multipart uploads."""
    s3 = client()
    names = {item["Key"] for item in s3.list_objects_v2(Bucket=BUCKET, Prefix=prefix).get("Contents", [])}
    uploads = s3.list_multipart_uploads(Bucket=BUCKET, Prefix=prefix).get("Uploads", [])
    names |= {"(unfinished upload) " + u["Key"] for u in uploads}
    return names
