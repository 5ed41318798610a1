"""A stand-in for a remote signing service (the boundary in ``remote.py``), on 127.0.0.1.

For tests and for trying PERMIT_SIGNER=remote on a laptop::

    python -m portal.permits.signing.stub_server --key office.p12 --passphrase ... --port 8765

It signs whatever hash it is sent with the key in the PKCS#12 file; a real service checks who
asks and keeps a record. Not for production.
"""

from __future__ import annotations

import argparse
import base64
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa, utils
from cryptography.hazmat.primitives.serialization import pkcs12

_HASHES: dict[str, type[hashes.SHA256 | hashes.SHA384 | hashes.SHA512]] = {
    "sha256": hashes.SHA256,
    "sha384": hashes.SHA384,
    "sha512": hashes.SHA512,
}


class StubSigningServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, p12: bytes, passphrase: str, *, token: str | None = None, port: int = 0) -> None:
        key, certificate, others = pkcs12.load_key_and_certificates(p12, passphrase.encode())
        if key is None or certificate is None:
            raise ValueError("the PKCS#12 file holds no key and certificate")
        self.key = key
        self.certificate_der = certificate.public_bytes(serialization.Encoding.DER)
        self.chain_der = [c.public_bytes(serialization.Encoding.DER) for c in others]
        self.token = token
        self.refuse_with: str | None = None  # tests: answer /sign with this error
        self.requests: list[dict[str, Any]] = []
        super().__init__(("127.0.0.1", port), _Handler)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def start(self) -> StubSigningServer:
        threading.Thread(target=self.serve_forever, daemon=True).start()
        return self

    def sign(self, body: dict[str, Any]) -> bytes:
        algorithm = _HASHES[str(body["digest_algorithm"])]()
        digest = base64.b64decode(str(body["digest"]), validate=True)
        if len(digest) != algorithm.digest_size:
            raise ValueError("the digest has the wrong length")
        prehashed = utils.Prehashed(algorithm)
        if isinstance(self.key, rsa.RSAPrivateKey):
            return self.key.sign(digest, padding.PKCS1v15(), prehashed)
        if isinstance(self.key, ec.EllipticCurvePrivateKey):
            return self.key.sign(digest, ec.ECDSA(prehashed))
        raise ValueError("unsupported key type")


class _Handler(BaseHTTPRequestHandler):
    server: StubSigningServer

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
        return

    def _answer(self, status: int, body: dict[str, Any]) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _authorised(self) -> bool:
        if self.server.token and self.headers.get("Authorization") != f"Bearer {self.server.token}":
            self._answer(401, {"error": "not authorised"})
            return False
        return True

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        if not self._authorised():
            return
        if self.path != "/certificate":
            self._answer(404, {"error": "not found"})
            return
        self._answer(
            200,
            {
                "certificate": base64.b64encode(self.server.certificate_der).decode(),
                "chain": [base64.b64encode(c).decode() for c in self.server.chain_der],
            },
        )

    def do_POST(self) -> None:  # noqa: N802 - http.server's name
        if not self._authorised():
            return
        if self.path != "/sign":
            self._answer(404, {"error": "not found"})
            return
        try:
            body = json.loads(self.rfile.read(min(int(self.headers.get("Content-Length") or 0), 65536)))
            self.server.requests.append(body)
            if self.server.refuse_with:
                self._answer(403, {"error": self.server.refuse_with})
                return
            signature = self.server.sign(body)
        except (KeyError, TypeError, ValueError) as exc:
            self._answer(400, {"error": str(exc)})
            return
        self._answer(200, {"signature": base64.b64encode(signature).decode()})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--key", required=True, help="PKCS#12 file")
    parser.add_argument("--passphrase", required=True)
    parser.add_argument("--token", default=None)
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args()
    with open(args.key, "rb") as fh:
        server = StubSigningServer(fh.read(), args.passphrase, token=args.token, port=args.port)
    print(f"signing stub on {server.url}")  # noqa: T201
    server.serve_forever()


if __name__ == "__main__":
    main()
