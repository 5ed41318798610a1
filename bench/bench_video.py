"""Benchmark: 20 concurrent viewers seeking in a 100 MB tutorial video.

The portal app runs under gunicorn on 127.0.0.1 (one worker, threads), serving a published
tutorial whose video is a 100 MB file in local storage. Each viewer repeatedly "seeks": a GET
with a random ``Range: bytes=<offset>-<offset+256 KiB>`` and reads the 206 body, for a bounded
time. Printed: requests, median and p95 time to first byte of the 206 responses, throughput,
and the server process's memory (RSS) before, at its peak and after. When nginx is installed,
the same load is run against nginx serving the same file, for comparison.

Usage:  .venv/bin/python bench/bench_video.py [--seconds 20] [--viewers 20] [--size-mb 100]
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
CHUNK = 256 * 1024


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_kib(pid: int) -> int:
    """Resident memory of a process and its children (gunicorn master + worker), in KiB."""
    total = 0
    pids = [pid]
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        pids += [int(c) for c in children]
    except OSError:
        pass
    for p in pids:
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total


def wait_for(port: int, path: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", path, headers={"Range": "bytes=0-0"})
            status = conn.getresponse().status
            conn.close()
            if status in (200, 206):
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"server on port {port} did not answer {path}")


def load(port: int, path: str, size: int, viewers: int, seconds: float, pid: int | None) -> dict:
    ttfb: list[float] = []
    errors = [0]
    total_bytes = [0]
    lock = threading.Lock()
    deadline = time.monotonic() + seconds
    peak = [rss_kib(pid) if pid else 0]

    def viewer(seed: int) -> None:
        rng = random.Random(seed)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while time.monotonic() < deadline:
            start = rng.randrange(0, size - CHUNK)
            try:
                t0 = time.perf_counter()
                conn.request("GET", path, headers={"Range": f"bytes={start}-{start + CHUNK - 1}"})
                response = conn.getresponse()
                first = time.perf_counter() - t0
                body = response.read()
            except (OSError, http.client.HTTPException):
                errors[0] += 1
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                continue
            with lock:
                if response.status == 206 and len(body) == CHUNK:
                    ttfb.append(first)
                    total_bytes[0] += len(body)
                else:
                    errors[0] += 1
        conn.close()

    def sampler() -> None:
        while time.monotonic() < deadline:
            peak[0] = max(peak[0], rss_kib(pid))
            time.sleep(0.2)

    threads = [threading.Thread(target=viewer, args=(n,)) for n in range(viewers)]
    if pid:
        threads.append(threading.Thread(target=sampler))
    began = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - began
    ttfb.sort()
    return {
        "requests": len(ttfb),
        "errors": errors[0],
        "median_ms": statistics.median(ttfb) * 1000 if ttfb else float("nan"),
        "p95_ms": ttfb[int(len(ttfb) * 0.95) - 1] * 1000 if ttfb else float("nan"),
        "mb_per_s": total_bytes[0] / elapsed / 1e6,
        "peak_kib": peak[0],
    }


def prepare_app(workdir: Path, size: int) -> tuple[dict, int]:
    """A SQLite database and local storage with one published tutorial whose video is ``size``
    bytes; returns the environment for the server and the tutorial's id."""
    env = dict(os.environ)
    env.update(
        {
            "PORTAL_CONFIG": "default",
            "PORTAL_INSTANCE_DIR": str(workdir),
            "DATABASE_URL": f"sqlite:///{workdir / 'bench.db'}",
            "UPLOAD_ROOT": str(workdir / "uploads"),
            "SECRET_KEY": "bench-only-secret",
            "RATELIMIT_STORAGE_URI": "memory://",
        }
    )
    os.environ.update(env)
    from portal import create_app
    from portal.extensions import db
    from portal.storage import get_storage
    from portal.tutorials.models import Tutorial

    app = create_app("default")
    with app.app_context():
        db.create_all()
        source = workdir / "video.bin"
        with source.open("wb") as fh:
            fh.write(b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2")  # an MP4 start
            block = os.urandom(1 << 20)
            written = 24
            while written < size:
                n = min(len(block), size - written)
                fh.write(block[:n])
                written += n
        with source.open("rb") as fh:
            stored = get_storage().save(fh, key_prefix="tutorials/")
        source.unlink()
        tutorial = Tutorial(
            title_id="Bench",
            title_en="Bench",
            video_key=stored.key,
            video_type="video/mp4",
            duration_seconds=600,
            published=True,
            chapters_json=[],
            chapter_transcripts={},
        )
        db.session.add(tutorial)
        db.session.commit()
        return env, tutorial.id, Path(env["UPLOAD_ROOT"]) / stored.key


def report(name: str, result: dict, before: int | None, after: int | None) -> None:
    print(
        f"{name:<28} {result['requests']:>8} {result['errors']:>6} {result['median_ms']:>10.1f} "
        f"{result['p95_ms']:>8.1f} {result['mb_per_s']:>8.1f}  ",
        end="",
    )
    if before is not None:
        print(
            f"RSS {before / 1024:.1f} -> peak {result['peak_kib'] / 1024:.1f} -> {after / 1024:.1f} MiB "
            f"(growth {(after - before) / 1024:+.1f} MiB)"
        )
    else:
        print()


def run_nginx(path: Path, viewers: int, seconds: float, size: int) -> None:
    nginx = shutil.which("nginx")
    if nginx is None:
        print("nginx not installed")
        return
    port = free_port()
    conf_dir = Path(tempfile.mkdtemp(prefix="bench-nginx-"))
    (conf_dir / "logs").mkdir()
    conf = conf_dir / "nginx.conf"
    # As root, nginx's workers would run as "nobody" and could not read the temporary file.
    user = "user root;" if os.geteuid() == 0 else ""
    conf.write_text(f"""
{user}
worker_processes 1;
pid {conf_dir}/nginx.pid;
error_log {conf_dir}/logs/error.log;
daemon off;
events {{ worker_connections 256; }}
http {{
  access_log off;
  client_body_temp_path {conf_dir}/body; proxy_temp_path {conf_dir}/proxy;
  fastcgi_temp_path {conf_dir}/fcgi; uwsgi_temp_path {conf_dir}/uwsgi; scgi_temp_path {conf_dir}/scgi;
  sendfile on;
  server {{
    listen 127.0.0.1:{port};
    location = /video.mp4 {{ alias {path}; default_type video/mp4; }}
  }}
}}
""")
    proc = subprocess.Popen([nginx, "-c", str(conf), "-p", str(conf_dir)])
    try:
        wait_for(port, "/video.mp4")
        before = rss_kib(proc.pid)
        result = load(port, "/video.mp4", size, viewers, seconds, proc.pid)
        report("nginx (sendfile)", result, before, rss_kib(proc.pid))
    finally:
        proc.send_signal(signal.SIGQUIT)
        proc.wait(timeout=10)
        shutil.rmtree(conf_dir, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--viewers", type=int, default=20)
    parser.add_argument("--size-mb", type=int, default=100)
    args = parser.parse_args()
    size = args.size_mb * 1024 * 1024
    workdir = Path(tempfile.mkdtemp(prefix="bench-video-"))
    try:
        env, tutorial_id, file_path = prepare_app(workdir, size)
        port = free_port()
        url = f"/tutorials/media/{tutorial_id}/video"
        gunicorn = Path(sys.executable).with_name("gunicorn")
        server = subprocess.Popen(
            [
                str(gunicorn),
                "-w",
                "1",
                "--threads",
                str(args.viewers),
                "-b",
                f"127.0.0.1:{port}",
                "--log-level",
                "warning",
                "portal:create_app()",
            ],
            env=env,
            cwd=ROOT,
        )
        try:
            wait_for(port, url)
            print(
                f"{args.viewers} viewers, random 256 KiB ranges in a {args.size_mb} MB file, "
                f"{args.seconds:.0f} s each run"
            )
            print(f"{'server':<28} {'206s':>8} {'errors':>6} {'TTFB p50':>10} {'p95 ms':>8} {'MB/s':>8}")
            before = rss_kib(server.pid)
            result = load(port, url, size, args.viewers, args.seconds, server.pid)
            report("app under gunicorn", result, before, rss_kib(server.pid))
        finally:
            server.terminate()
            server.wait(timeout=10)
        run_nginx(file_path, args.viewers, args.seconds, size)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
