"""Turn deploy/nginx/satupintu.conf into a complete nginx configuration that runs on this
machine, without root and without touching /etc/nginx: everything (pid, logs, temp files, a
self-signed certificate) lives under --prefix. Used by the tests (`nginx -t`) and the two-host
scripts under bench/.

    python deploy/nginx/render_local.py --prefix /tmp/satupintu-nginx \\
        --upstream 127.0.0.1:8001 --upstream 127.0.0.1:8002 \\
        --uploads /path/to/uploads --http-port 8080 [--https-port 8443 | --http-only]
    nginx -p /tmp/satupintu-nginx -c nginx.conf          # start
    nginx -p /tmp/satupintu-nginx -c nginx.conf -s quit  # stop

Only the values the site file marks as placeholders are replaced; everything else (body size,
static caching, the X-Accel-Redirect location, proxy headers) is the production file as is.
"""

from __future__ import annotations

import argparse
import getpass
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SITE = HERE / "satupintu.conf"
REPO = HERE.parent.parent
MIME_TYPES = Path("/etc/nginx/mime.types")


def render_site(
    site: str,
    *,
    prefix: Path,
    upstreams: list[str],
    uploads: Path,
    static: Path,
    http_port: int,
    https_port: int | None,
    cert: Path | None,
    key: Path | None,
) -> str:
    """The site file with this machine's addresses, ports and folders."""
    lines = site.splitlines()
    out: list[str] = []
    upstream_done = False
    for line in lines:
        stripped = line.strip()
        if stripped.startswith("server 10.0.0."):
            if not upstream_done:
                out += [f"    server {u} max_fails=3 fail_timeout=10s;" for u in upstreams]
                upstream_done = True
            continue
        if stripped.startswith("listen [::]"):
            continue  # loopback only
        out.append(line)
    text = "\n".join(out) + "\n"

    if https_port is None:
        # Plain HTTP: drop the redirecting server and serve the app on the HTTP port.
        text = re.sub(r"# Plain HTTP only redirects.*?\n}\n", "", text, count=1, flags=re.S)
        text = text.replace("listen 443 ssl http2;", f"listen 127.0.0.1:{http_port};")
        text = "\n".join(line for line in text.splitlines() if not line.strip().startswith("ssl_")) + "\n"
    else:
        text = text.replace("listen 80;", f"listen 127.0.0.1:{http_port};")
        text = text.replace("listen 443 ssl http2;", f"listen 127.0.0.1:{https_port} ssl http2;")
        text = text.replace(
            "return 301 https://$host$request_uri;", f"return 301 https://$host:{https_port}$request_uri;"
        )
        text = text.replace("/etc/letsencrypt/live/portal.example.go.id/fullchain.pem", str(cert))
        text = text.replace("/etc/letsencrypt/live/portal.example.go.id/privkey.pem", str(key))
    # $host has no port: on a port other than the scheme's default the app would see a Host
    # that differs from the browser's Referer and refuse every HTTPS form (CSRF origin check).
    port, default = (https_port, 443) if https_port is not None else (http_port, 80)
    if port != default:
        text = text.replace("proxy_set_header Host $host;", f"proxy_set_header Host $host:{port};")
        text = text.replace(
            "proxy_set_header X-Forwarded-Host $host;", f"proxy_set_header X-Forwarded-Host $host:{port};"
        )
    text = text.replace("server_name portal.example.go.id;", "server_name 127.0.0.1 localhost;")
    text = text.replace("/var/log/nginx/", f"{prefix / 'logs'}/")
    text = text.replace("/var/cache/nginx/satupintu", str(prefix / "cache"))
    text = text.replace("/var/www/letsencrypt", str(prefix / "acme"))
    text = text.replace("/srv/satupintu/app/portal/static/", f"{static}/")
    text = text.replace("/srv/satupintu/uploads/", f"{uploads}/")
    return text


def render(
    prefix: Path,
    *,
    upstreams: list[str],
    uploads: Path,
    static: Path | None = None,
    http_port: int = 8080,
    https_port: int | None = None,
    worker_processes: str = "auto",
) -> Path:
    """Write ``prefix``/nginx.conf (and a self-signed certificate when ``https_port`` is set);
    returns the path of nginx.conf."""
    prefix = Path(prefix).resolve()
    static = (static or REPO / "portal" / "static").resolve()
    uploads = Path(uploads).resolve()
    for sub in ("logs", "tmp", "acme", "cache"):
        (prefix / sub).mkdir(parents=True, exist_ok=True)
    cert = key = None
    if https_port is not None:
        cert, key = prefix / "selfsigned.crt", prefix / "selfsigned.key"
        if not cert.exists():
            subprocess.run(  # noqa: S603
                [
                    shutil.which("openssl") or "openssl",
                    "req",
                    "-x509",
                    "-newkey",
                    "rsa:2048",
                    "-nodes",
                    "-days",
                    "7",
                    "-subj",
                    "/CN=localhost",
                    "-keyout",
                    str(key),
                    "-out",
                    str(cert),
                ],
                check=True,
                capture_output=True,
            )
    site = render_site(
        SITE.read_text(),
        prefix=prefix,
        upstreams=upstreams,
        uploads=uploads,
        static=static,
        http_port=http_port,
        https_port=https_port,
        cert=cert,
        key=key,
    )
    tmp = prefix / "tmp"
    # As root (a container), workers would run as "nobody" and could not read the code's
    # static folder; run them as the invoking user instead.
    user = f"user {getpass.getuser()};\n" if os.geteuid() == 0 else ""
    mime = f"    include {MIME_TYPES};\n" if MIME_TYPES.exists() else ""
    conf = (
        f"{user}worker_processes {worker_processes};\n"
        f"pid {prefix / 'nginx.pid'};\n"
        f"error_log {prefix / 'logs' / 'error.log'};\n"
        "events { worker_connections 1024; }\n"
        "http {\n"
        f"{mime}"
        "    default_type application/octet-stream;\n"
        "    sendfile on;\n"
        "    tcp_nopush on;\n"
        "    server_tokens off;\n"
        f"    access_log {prefix / 'logs' / 'access.log'};\n"
        f"    client_body_temp_path {tmp / 'body'};\n"
        f"    proxy_temp_path {tmp / 'proxy'};\n"
        f"    fastcgi_temp_path {tmp / 'fastcgi'};\n"
        f"    uwsgi_temp_path {tmp / 'uwsgi'};\n"
        f"    scgi_temp_path {tmp / 'scgi'};\n"
        + "".join("    " + line + "\n" if line else "\n" for line in site.splitlines())
        + "}\n"
    )
    path = prefix / "nginx.conf"
    path.write_text(conf)
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--prefix", required=True, type=Path)
    parser.add_argument(
        "--upstream", action="append", required=True, help="host:port of an app host (repeat)"
    )
    parser.add_argument("--uploads", required=True, type=Path, help="the app's UPLOAD_ROOT")
    parser.add_argument("--static", type=Path, default=None)
    parser.add_argument("--http-port", type=int, default=8080)
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--https-port", type=int, default=None)
    group.add_argument("--http-only", action="store_true", help="(the default) no TLS")
    parser.add_argument("--workers", default="auto")
    args = parser.parse_args(argv)
    path = render(
        args.prefix,
        upstreams=args.upstream,
        uploads=args.uploads,
        static=args.static,
        http_port=args.http_port,
        https_port=args.https_port,
        worker_processes=args.workers,
    )
    print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
