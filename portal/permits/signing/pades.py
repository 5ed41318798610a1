"""PAdES signatures with pyHanko: signing a permit letter, and reading a signature back.

``sign_pdf`` adds a visible signature (PAdES baseline, SHA-256) in the box the letter keeps
for it, with an RFC 3161 timestamp when PERMIT_TIMESTAMP_URL is set. ``read_signature``
validates the signature of a PDF against the office's certificates: whether the signed bytes
are intact, whether the signature covers the whole file (nothing appended after it), who
signed and when.
"""

from __future__ import annotations

import asyncio
import io
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from flask_babel import lazy_gettext as _l
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers, timestamps
from pyhanko.sign.general import SigningError
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.errors import SignatureValidationError
from pyhanko.stamp import TextStampStyle
from pyhanko_certvalidator import ValidationContext

from portal.permits.signing.base import PermitSigner, SigningUnavailable

logger = logging.getLogger(__name__)
T = TypeVar("T")
FIELD_NAME = "TTE"
#: Room kept in the file for the signature (CMS with the signer's chain; with a timestamp token).
RESERVED_BYTES = 12 * 1024
RESERVED_BYTES_TIMESTAMPED = 24 * 1024
#: What the visible signature says (pyHanko fills %(signer)s and %(ts)s).
STAMP_TEXT = "Ditandatangani secara elektronik oleh\n%(signer)s\n%(ts)s"


def _outside_event_loop(func: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """pyHanko's sync calls run their own event loop (asyncio.run), which a thread that already
    runs one (Playwright's sync API, an async worker) cannot start: run them in a thread then."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return func(*args, **kwargs)
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(func, *args, **kwargs).result()


def sign_pdf(
    pdf: bytes,
    signer: PermitSigner,
    *,
    box: tuple[float, float, float, float],
    reason: str,
    location: str,
    timestamp_url: str | None = None,
    timestamp_timeout: float = 10,
    field_name: str = FIELD_NAME,
) -> bytes:
    """``pdf`` signed in an incremental update, the signature drawn in ``box`` on page 1."""
    meta = signers.PdfSignatureMetadata(
        field_name=field_name,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        reason=reason,
        location=location,
    )
    timestamper = (
        timestamps.HTTPTimeStamper(timestamp_url, timeout=timestamp_timeout) if timestamp_url else None
    )
    pdf_signer = signers.PdfSigner(
        meta,
        signer=signer.pyhanko_signer(),
        timestamper=timestamper,
        stamp_style=TextStampStyle(
            stamp_text=STAMP_TEXT, border_width=1, timestamp_format="%d-%m-%Y %H:%M:%S %Z"
        ),
        new_field_spec=fields.SigFieldSpec(
            field_name, on_page=0, box=(round(box[0]), round(box[1]), round(box[2]), round(box[3]))
        ),
    )
    out = io.BytesIO()
    try:
        # A fixed reservation spares pyHanko a trial signature to measure the CMS.
        reserved = RESERVED_BYTES_TIMESTAMPED if timestamper else RESERVED_BYTES
        _outside_event_loop(
            pdf_signer.sign_pdf,
            IncrementalPdfFileWriter(io.BytesIO(pdf)),
            bytes_reserved=reserved,
            output=out,
        )
    except SigningUnavailable:
        raise
    except timestamps.TimestampRequestError:
        logger.warning("timestamp server %s failed", timestamp_url, exc_info=True)
        raise SigningUnavailable(
            _l(
                "The timestamp server could not be reached, so the permit was not signed and not "
                "issued. Try again in a few minutes; if it keeps happening, tell the administrator."
            )
        ) from None
    except (SigningError, PdfError, ValueError):
        logger.exception("signing a permit letter failed")
        raise SigningUnavailable(
            _l("The permit could not be signed, so it was not issued. Tell the administrator.")
        ) from None
    return out.getvalue()


# -- reading a signature back ------------------------------------------------------------------------
@dataclass(frozen=True)
class SignatureReport:
    """What a PDF's (last) signature says. ``intact``: the signed bytes are unchanged;
    ``valid``: intact and the signature value matches the signer's key; ``ours``: the signer's
    certificate is one of the office's; ``whole_file``: nothing was added after signing."""

    intact: bool
    valid: bool
    ours: bool
    whole_file: bool
    signer: str
    signed_at: datetime | None
    timestamped: bool


def _asn1(certificate: x509.Certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(certificate.public_bytes(serialization.Encoding.DER))


def read_signature(
    reader: PdfFileReader, office_certificates: list[x509.Certificate]
) -> SignatureReport | None:
    """The last signature of the document, validated against ``office_certificates`` as the
    only trust roots (nothing is fetched from the network). None: the PDF is not signed."""
    signatures = reader.embedded_signatures
    if not signatures:
        return None
    embedded = signatures[-1]
    roots = [_asn1(c) for c in office_certificates]
    context = ValidationContext(trust_roots=roots, allow_fetching=False, revocation_mode="soft-fail")
    try:
        status: Any = _outside_event_loop(validate_pdf_signature, embedded, signer_validation_context=context)
    except (SignatureValidationError, PdfError, ValueError, KeyError, TypeError):
        return SignatureReport(False, False, False, False, _signer_name(embedded), None, False)
    cert = status.signing_cert
    ours = any(cert.dump() == root.dump() for root in roots)
    coverage = getattr(status.coverage, "name", "")
    whole = coverage == "ENTIRE_FILE" and len(signatures) == 1
    signed_at = None
    if status.timestamp_validity is not None:
        signed_at = status.timestamp_validity.timestamp
    elif status.signer_reported_dt is not None:
        signed_at = status.signer_reported_dt
    return SignatureReport(
        intact=bool(status.intact),
        valid=bool(status.intact and status.valid),
        ours=ours and bool(status.trusted),
        whole_file=whole,
        signer=cert.subject.native.get("common_name") or cert.subject.human_friendly,
        signed_at=signed_at,
        timestamped=status.timestamp_validity is not None,
    )


def _signer_name(embedded: Any) -> str:
    try:
        return str(embedded.signer_cert.subject.native.get("common_name") or "")
    except Exception:  # noqa: BLE001 - a broken signature has no readable signer
        return ""
