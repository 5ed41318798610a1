"""A remote signing service: the key stays with the service, only a hash leaves the portal.

The HTTP boundary (JSON over HTTPS; ``Authorization: Bearer <PERMIT_SIGNING_REMOTE_TOKEN>``):

``GET  {PERMIT_SIGNING_REMOTE_URL}/certificate``
    200 ``{"certificate": "<base64 DER>", "chain": ["<base64 DER>", ...]}``: the certificate
    the service signs with and its issuers.

``POST {PERMIT_SIGNING_REMOTE_URL}/sign``
    body ``{"digest_algorithm": "sha256", "digest": "<base64>", "signature_algorithm":
    "rsassa_pkcs1v15" | "ecdsa"}``: the hash of the CMS signed attributes (which hold the
    hash of the PDF's signed byte ranges); 200 ``{"signature": "<base64>"}``, the raw signature
    value over that hash. Any other answer is ``{"error": "<text>"}`` with a 4xx/5xx status.

pyHanko builds the CMS around the returned value, so the portal's PDF and the service stay
independent: a certified TTE provider's API is wrapped by changing this module only.
``stub_server.py`` serves this boundary from a PKCS#12 file, on 127.0.0.1, for the tests.
"""

from __future__ import annotations

import base64
import hashlib
import json
import threading
import time
import urllib.error
import urllib.request
from typing import Any

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from flask_babel import lazy_gettext as _l
from pyhanko.sign import signers
from pyhanko_certvalidator.registry import SimpleCertificateStore

from portal.permits.signing.base import SigningUnavailable

CERTIFICATE_CACHE_SECONDS = 300

_UNREACHABLE = _l(
    "The signing service could not be reached, so the permit was not signed and not issued. "
    "Try again in a few minutes; if it keeps happening, tell the administrator."
)


def _refused(reason: str) -> Any:
    return _l(
        "The signing service refused to sign, so the permit was not issued. Tell the administrator: "
        "%(reason)s",
        reason=reason,
    )


def _call(url: str, token: str | None, timeout: float, body: dict[str, Any] | None = None) -> dict[str, Any]:
    headers = {"Accept": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    if not url.startswith(("http://", "https://")):
        raise SigningUnavailable(_UNREACHABLE)
    request = urllib.request.Request(url, data=data, headers=headers, method="POST" if body else "GET")  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - http(s) only
            return dict(json.loads(response.read(1024 * 1024)))
    except urllib.error.HTTPError as exc:
        try:
            reason = str(json.loads(exc.read(4096)).get("error") or exc.code)
        except ValueError:
            reason = str(exc.code)
        raise SigningUnavailable(_refused(reason)) from None
    except (OSError, ValueError):
        raise SigningUnavailable(_UNREACHABLE) from None


class _RemoteRawSigner(signers.Signer):
    """pyHanko's view of the service: ``async_sign_raw`` sends the hash, gets the value."""

    def __init__(
        self, owner: RemoteSigner, certificate: asn1_x509.Certificate, chain: list[asn1_x509.Certificate]
    ):
        registry = SimpleCertificateStore()
        registry.register_multiple(chain)
        super().__init__(signing_cert=certificate, cert_registry=registry)
        self._owner = owner
        self._length = (certificate.public_key.bit_size + 7) // 8

    async def async_sign_raw(self, data: bytes, digest_algorithm: str, dry_run: bool = False) -> bytes:
        mechanism = self.get_signature_mechanism_for_digest(digest_algorithm).signature_algo
        if dry_run:  # pyHanko sizes the signature's placeholder first
            return bytes(self._length + (16 if mechanism == "ecdsa" else 0))
        digest = hashlib.new(digest_algorithm, data).digest()
        answer = self._owner.call(
            "/sign",
            {
                "digest_algorithm": digest_algorithm,
                "digest": base64.b64encode(digest).decode(),
                "signature_algorithm": mechanism,
            },
        )
        try:
            return base64.b64decode(answer["signature"], validate=True)
        except (KeyError, TypeError, ValueError):
            raise SigningUnavailable(_UNREACHABLE) from None


_cert_lock = threading.Lock()
_cert_cache: dict[str, tuple[float, bytes, list[bytes]]] = {}


class RemoteSigner:
    def __init__(self, base_url: str, *, token: str | None = None, timeout: float = 10) -> None:
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.timeout = timeout
        der, chain = self._fetch_certificate()
        try:
            self._certificate = x509.load_der_x509_certificate(der)
            self._asn1 = asn1_x509.Certificate.load(der)
            self._chain = [asn1_x509.Certificate.load(c) for c in chain]
        except ValueError:
            raise SigningUnavailable(_UNREACHABLE) from None

    def call(self, path: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        return _call(self.base_url + path, self.token, self.timeout, body)

    def _fetch_certificate(self) -> tuple[bytes, list[bytes]]:
        now = time.monotonic()
        with _cert_lock:
            cached = _cert_cache.get(self.base_url)
        if cached and now - cached[0] < CERTIFICATE_CACHE_SECONDS:
            return cached[1], cached[2]
        answer = self.call("/certificate")
        try:
            der = base64.b64decode(answer["certificate"], validate=True)
            chain = [base64.b64decode(c, validate=True) for c in answer.get("chain") or []]
        except (KeyError, TypeError, ValueError):
            raise SigningUnavailable(_UNREACHABLE) from None
        with _cert_lock:
            _cert_cache[self.base_url] = (now, der, chain)
        return der, chain

    @property
    def certificate(self) -> x509.Certificate:
        return self._certificate

    def pyhanko_signer(self) -> signers.Signer:
        return _RemoteRawSigner(self, self._asn1, self._chain)
