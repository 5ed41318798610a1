"""Signing keys on disk: a PKCS#12 file (key + certificate) with a passphrase.

``create_self_signed`` makes the demo key of ``flask permits signing-key create``: a
self-signed certificate for the office, marked as a demo key (its organisational unit), which
a production configuration refuses to sign with. A real office gets its certificate from a
certification authority (in Indonesia, a TTE provider) and points PERMIT_SIGNING_KEY at it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

#: The organisational unit that marks a key made by ``create_self_signed``.
DEMO_MARKER = "SatuPintu demo signing key (not for production)"


@dataclass(frozen=True)
class KeyFile:
    path: Path
    passphrase: str
    certificate: x509.Certificate


def make_pkcs12(
    common_name: str,
    organisation: str,
    passphrase: str,
    *,
    not_before: datetime | None = None,
    days: int = 3 * 365,
    demo: bool = True,
) -> bytes:
    """A PKCS#12 archive holding a new RSA key and its self-signed certificate."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    attributes = [
        x509.NameAttribute(NameOID.COUNTRY_NAME, "ID"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation[:64]),
        x509.NameAttribute(NameOID.COMMON_NAME, common_name[:64]),
    ]
    if demo:
        attributes.insert(2, x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, DEMO_MARKER))
    name = x509.Name(attributes)
    start = not_before or datetime.now(UTC) - timedelta(minutes=5)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    return pkcs12.serialize_key_and_certificates(
        b"satupintu", key, certificate, None, serialization.BestAvailableEncryption(passphrase.encode())
    )


def write_key_file(path: Path, data: bytes, passphrase: str, *, passphrase_file: Path | None = None) -> None:
    """Write the archive (and, for the demo, its passphrase next to it), readable by the owner
    only."""
    path.parent.mkdir(parents=True, exist_ok=True)
    for target, content in ((path, data), (passphrase_file, passphrase.encode())):
        if target is None:
            continue
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(content)


def certificate_of(data: bytes, passphrase: str) -> x509.Certificate:
    """The certificate in a PKCS#12 archive; ValueError when it cannot be opened."""
    _key, certificate, _others = pkcs12.load_key_and_certificates(data, passphrase.encode())
    if certificate is None:
        raise ValueError("the PKCS#12 archive holds no certificate")
    return certificate


def is_demo(certificate: x509.Certificate) -> bool:
    units = certificate.subject.get_attributes_for_oid(NameOID.ORGANIZATIONAL_UNIT_NAME)
    return any(unit.value == DEMO_MARKER for unit in units)


def common_name(certificate: x509.Certificate) -> str:
    names = certificate.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    return str(names[0].value) if names else certificate.subject.rfc4514_string()
