"""The embedded tier's signer: a PKCS#12 file on this host and its passphrase from config."""

from __future__ import annotations

import hashlib
import threading
from pathlib import Path
from typing import Any

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.types import PrivateKeyTypes
from cryptography.hazmat.primitives.serialization import pkcs12
from flask_babel import lazy_gettext as _l
from pyhanko.sign import signers
from pyhanko.sign.general import get_pyca_cryptography_hash
from pyhanko_certvalidator.registry import SimpleCertificateStore

from portal.permits.signing import keys
from portal.permits.signing.base import SigningUnavailable


class _LoadedKeySigner(signers.SimpleSigner):
    """pyHanko's SimpleSigner decodes (and, with RSA, checks) the private key again for every
    signature, which took most of a signature's time; this one signs with the key object
    loaded once. Other key types go the SimpleSigner way."""

    def __init__(self, private_key: PrivateKeyTypes, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._private_key = private_key

    def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
        mechanism = self.get_signature_mechanism_for_digest(digest_algorithm).signature_algo
        algorithm = get_pyca_cryptography_hash(digest_algorithm)
        key = self._private_key
        if mechanism == "rsassa_pkcs1v15" and isinstance(key, rsa.RSAPrivateKey):
            return key.sign(data, padding.PKCS1v15(), algorithm)
        if mechanism == "ecdsa" and isinstance(key, ec.EllipticCurvePrivateKey):
            return key.sign(data, ec.ECDSA(algorithm))
        return bytes(super().sign_raw(data, digest_algorithm))


def _asn1_cert(certificate: x509.Certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(certificate.public_bytes(serialization.Encoding.DER))


_cache_lock = threading.Lock()
_cache: dict[str, tuple[x509.Certificate, signers.SimpleSigner]] = {}


class LocalPkcs12Signer:
    """A PKCS#12 file on this host. Loaded once per process for each (file, content,
    passphrase): decrypting it costs more than signing."""

    def __init__(self, data: bytes, passphrase: str) -> None:
        digest = hashlib.sha256(data + b"\0" + passphrase.encode()).hexdigest()
        with _cache_lock:
            cached = _cache.get(digest)
        if cached is None:
            try:
                private_key, certificate, others = pkcs12.load_key_and_certificates(data, passphrase.encode())
                if private_key is None or certificate is None:
                    raise ValueError("no key or certificate")
                registry = SimpleCertificateStore()
                registry.register_multiple([_asn1_cert(c) for c in others])
                signer = _LoadedKeySigner(
                    private_key,
                    signing_cert=_asn1_cert(certificate),
                    signing_key=asn1_keys.PrivateKeyInfo.load(
                        private_key.private_bytes(
                            serialization.Encoding.DER,
                            serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption(),
                        )
                    ),
                    cert_registry=registry,
                )
            except (ValueError, TypeError):
                raise SigningUnavailable(
                    _l(
                        "The signing key could not be opened: the passphrase is wrong or the file is "
                        "damaged. The permit was not issued. Ask the administrator to check the "
                        "signing key's passphrase."
                    )
                ) from None
            cached = (certificate, signer)
            with _cache_lock:
                _cache[digest] = cached
        self._certificate, self._signer = cached

    @classmethod
    def from_file(cls, path: Path, passphrase: str | None) -> LocalPkcs12Signer:
        try:
            data = path.read_bytes()
        except OSError:
            raise SigningUnavailable(
                _l(
                    "The office's signing key is missing, so the permit cannot be signed and was not "
                    "issued. Ask the administrator to install it (flask permits signing-key create makes "
                    "one for a demo)."
                )
            ) from None
        if passphrase is None:
            raise SigningUnavailable(
                _l(
                    "The signing key's passphrase is not configured, so the permit cannot be signed and "
                    "was not issued. Ask the administrator to set PERMIT_SIGNING_PASSPHRASE."
                )
            )
        return cls(data, passphrase)

    @property
    def certificate(self) -> x509.Certificate:
        return self._certificate

    def pyhanko_signer(self) -> signers.Signer:
        return self._signer


_throwaway_lock = threading.Lock()
_throwaway: list[LocalPkcs12Signer] = []


def throwaway_signer(office_name: str) -> LocalPkcs12Signer:
    """A demo key made in memory once per process (the test configuration's
    PERMIT_SIGNING_THROWAWAY_KEY, used when no key file exists)."""
    with _throwaway_lock:
        if not _throwaway:
            data = keys.make_pkcs12(office_name, office_name, "throwaway")
            _throwaway.append(LocalPkcs12Signer(data, "throwaway"))
        return _throwaway[0]
