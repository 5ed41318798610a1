"""Upload benchmark: peak memory growth of the server process and throughput for a 50 MB PDF
upload, next to a plain shutil.copyfileobj of the same bytes in the same run.

    .venv/bin/python bench/bench_upload.py [--size-mb 50] [--runs 3]

The app (temporary SQLite database and UPLOAD_ROOT) runs under Werkzeug's threaded server in a
subprocess on 127.0.0.1 with benchmark-only routes: /bench/save (storage.save only),
/bench/check (check_upload for a PDF slot: stream to storage, sniff, parse with pypdf) and a
control, /bench/whole, that reads the upload whole into memory, to show that the measurement
would catch it. Memory: /proc/<pid>/status VmHWM after resetting it through clear_refs, so the
figure is the peak during the upload itself; where that is unavailable and psutil is installed,
RSS sampled every 5 ms during the upload. Prints figures; not a test.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SERVER = textwrap.dedent("""
    import os, sys
    sys.path.insert(0, {root!r})
    from flask import jsonify, request
    from werkzeug.serving import make_server
    from portal import create_app
    from portal.extensions import csrf, db
    from portal.security import public
    from portal.storage import FileKind, UploadRejected, check_upload, get_storage

    tmp = {tmp!r}
    app = create_app("default", SQLALCHEMY_DATABASE_URI="sqlite:///" + os.path.join(tmp, "bench.db"),
                     UPLOAD_ROOT=os.path.join(tmp, "uploads"), INSTANCE_DIR=tmp,
                     MAIL_DIR=os.path.join(tmp, "mail"), SECRET_KEY="bench-only")
    with app.app_context():
        db.create_all()

    @app.post("/bench/save")
    @csrf.exempt
    @public
    def bench_save():
        stored = get_storage().save(request.files["file"].stream, max_bytes=55 * 1024 * 1024,
                                    key_prefix="documents/")
        return jsonify(size=stored.size, sha256=stored.sha256)

    @app.post("/bench/check")
    @csrf.exempt
    @public
    def bench_check():
        try:
            checked = check_upload(request.files["file"], {{FileKind.PDF}}, 55 * 1024 * 1024)
        except UploadRejected as exc:
            return jsonify(code=exc.code), 422
        return jsonify(size=checked.stored.size, sha256=checked.stored.sha256)

    @app.post("/bench/whole")
    @csrf.exempt
    @public
    def bench_whole():
        # Control, NOT how to do it: reads the upload whole into memory, to show that the
        # memory figure would catch it.
        data = request.files["file"].read()
        return jsonify(size=len(data))

    import logging
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    print(server.server_port, flush=True)
    server.serve_forever()
""")


def rss_kib(pid: int) -> tuple[int, int]:
    """(current RSS, peak RSS) in KiB."""
    fields = {}
    with open(f"/proc/{pid}/status") as fh:
        for line in fh:
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                fields[key] = int(value.split()[0])
    return fields["VmRSS"], fields["VmHWM"]


def reset_peak(pid: int) -> bool:
    """Reset VmHWM to the current RSS (Linux: write 5 to clear_refs)."""
    try:
        with open(f"/proc/{pid}/clear_refs", "w") as fh:
            fh.write("5")
        return True
    except OSError:
        return False


class PeakSampler:
    """Fallback without clear_refs: sample the RSS with psutil while the upload runs."""

    def __init__(self, pid: int):
        import threading

        import psutil

        self.process = psutil.Process(pid)
        self.before = self.peak = self.process.memory_info().rss // 1024
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        while not self.stop.wait(0.005):
            self.peak = max(self.peak, self.process.memory_info().rss // 1024)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        self.thread.join()


def measure(pid: int, upload) -> tuple[float | None, tuple]:
    """Run ``upload()``; return (peak RSS growth of ``pid`` in MB or None, upload's result)."""
    if os.path.exists(f"/proc/{pid}/status") and reset_peak(pid):
        before, _ = rss_kib(pid)
        reset_peak(pid)
        result = upload()
        _, peak = rss_kib(pid)
        return (peak - before) / 1024, result
    try:
        sampler = PeakSampler(pid)
    except ImportError:
        return None, upload()
    with sampler:
        result = upload()
    return (sampler.peak - sampler.before) / 1024, result


def post_file(port: int, path: str, file_path: Path, chunk: int = 256 * 1024) -> tuple[int, bytes, float]:
    boundary = uuid.uuid4().hex
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.pdf"\r\n'
        "Content-Type: application/pdf\r\n\r\n"
    ).encode()
    tail = f"\r\n--{boundary}--\r\n".encode()
    size = file_path.stat().st_size
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
    start = time.perf_counter()
    conn.putrequest("POST", path)
    conn.putheader("Content-Type", f"multipart/form-data; boundary={boundary}")
    conn.putheader("Content-Length", str(len(head) + size + len(tail)))
    conn.endheaders()
    conn.send(head)
    with open(file_path, "rb") as fh:
        while data := fh.read(chunk):
            conn.send(data)
    conn.send(tail)
    response = conn.getresponse()
    body = response.read()
    elapsed = time.perf_counter() - start
    conn.close()
    return response.status, body, elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mb", type=int, default=50)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    from tests.fixtures_files import make_big_pdf

    with tempfile.TemporaryDirectory(prefix="bench-upload-") as tmp_name:
        tmp = Path(tmp_name)
        pdf = tmp / "big.pdf"
        with open(pdf, "wb") as out:
            for piece in make_big_pdf(args.size_mb * 1024 * 1024):
                out.write(piece)
        size = pdf.stat().st_size
        mb = size / 1024 / 1024

        # Plain copy of the same bytes, in this process.
        copies = []
        for _ in range(args.runs):
            start = time.perf_counter()
            with open(pdf, "rb") as src, open(tmp / "copy.pdf", "wb") as dst:
                shutil.copyfileobj(src, dst, 64 * 1024)
                dst.flush()
                os.fsync(dst.fileno())
            copies.append(time.perf_counter() - start)
            (tmp / "copy.pdf").unlink()

        env = dict(os.environ, PORTAL_INSTANCE_DIR=str(tmp), PYTHONDONTWRITEBYTECODE="1")
        server = subprocess.Popen(
            [sys.executable, "-c", SERVER.format(root=str(ROOT), tmp=str(tmp))],
            stdout=subprocess.PIPE,
            env=env,
            cwd=tmp,
        )
        try:
            port = int(server.stdout.readline())
            small = tmp / "small.pdf"
            small.write_bytes(b"".join(make_big_pdf(200 * 1024)))
            routes = ("/bench/save", "/bench/check", "/bench/whole")
            for route in routes:  # warm up: imports, first request
                status, body, _ = post_file(port, route, small)
                assert status == 200, body

            print(
                f"Upload of a {mb:.1f} MB PDF to a Werkzeug server on 127.0.0.1 "
                f"(Python {sys.version.split()[0]}, {args.runs} runs, best time, max memory)"
            )
            best_copy = min(copies)
            print(
                f"  shutil.copyfileobj (same bytes, + fsync): {mb / best_copy:8.1f} MB/s "
                f"({best_copy * 1000:.0f} ms)"
            )
            for route in routes:
                times, growths = [], []
                for _ in range(args.runs):
                    growth, (status, body, elapsed) = measure(
                        server.pid, lambda route=route: post_file(port, route, pdf)
                    )
                    assert status == 200, body
                    assert json.loads(body)["size"] == size
                    times.append(elapsed)
                    growths.append(growth)
                best = min(times)
                growth = None if None in growths else max(growths)
                growth_text = f"{growth:6.1f} MB" if growth is not None else "   n/a (no /proc, no psutil)"
                label = "(control: read whole)" if route == "/bench/whole" else "upload + store"
                print(
                    f"  POST {route:<13} {label:<26} {mb / best:8.1f} MB/s "
                    f"({best * 1000:.0f} ms); server peak RSS growth {growth_text}"
                )
        finally:
            server.terminate()
            server.wait(timeout=10)


if __name__ == "__main__":
    main()
