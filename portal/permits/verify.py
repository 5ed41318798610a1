"""Checking a permit: the signature of a stored letter, and the public check of an uploaded file.

``check_file(data)`` answers the "Periksa berkas izin" page: is it a PDF we can read, is its
signature valid and the office's, is it exactly the file we issued (its sha256 is on record),
and the permit's status. Nothing of the upload is stored: it is read in memory and dropped.
``stored_signature(permit)`` validates the letter as issued, for the verification page.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import re
from dataclasses import dataclass

from cryptography import x509
from flask import current_app
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from sqlalchemy import select

from portal.extensions import db
from portal.permits import services
from portal.permits.models import Permit
from portal.permits.signing import SigningUnavailable, signer_from_config
from portal.permits.signing.pades import SignatureReport, read_signature
from portal.storage import get_storage

VERDICTS = ("issued", "changed", "not_ours", "unsigned", "not_pdf", "too_large", "encrypted", "unreadable")
_SHORT_CODE_IN_KEYWORDS = re.compile(r"SatuPintu ([A-Z2-9]{4}-[A-Z2-9]{4})")


@dataclass(frozen=True)
class FileCheck:
    """The verdict on an uploaded file. ``verdict``: "issued" (exactly our file), "changed"
    (our letter, altered after signing), "not_ours" (signed by someone else), "unsigned",
    "not_pdf", "too_large", "encrypted", "unreadable". ``permit``: the permit it is, or claims
    to be (by the code in its metadata)."""

    verdict: str
    signature: SignatureReport | None = None
    exact_file: bool = False
    permit: Permit | None = None
    verification: services.Verification | None = None


def office_certificates(*extra: bytes | None) -> list[x509.Certificate]:
    """The certificates a signature of ours is made with: the current signer's, and those
    recorded on the permits in question (a letter stays ours after the key is replaced)."""
    found: list[x509.Certificate] = []
    for der in extra:
        if der:
            found.append(x509.load_der_x509_certificate(der))
    # An expired or missing key still lets the recorded certificates be trusted.
    with contextlib.suppress(SigningUnavailable):
        found.append(signer_from_config().certificate)
    return found


def _reader(data: bytes) -> PdfFileReader:
    return PdfFileReader(io.BytesIO(data), strict=False)


def stored_signature(permit: Permit) -> tuple[SignatureReport | None, bool]:
    """The signature of the letter as stored, and whether the stored bytes are still the ones
    recorded at issue (False: the stored file was changed or is missing)."""
    try:
        with get_storage().open(permit.pdf_key) as fh:
            data = fh.read()
    except (OSError, FileNotFoundError):
        return None, False
    unchanged = permit.sha256 is not None and hashlib.sha256(data).hexdigest() == permit.sha256
    try:
        report = read_signature(_reader(data), office_certificates(permit.signer_certificate))
    except (PdfError, ValueError):
        return None, unchanged
    return report, unchanged


def _claimed_permit(reader: PdfFileReader) -> Permit | None:
    try:
        info = reader.trailer_view.get("/Info")
        keywords = str(info.get_object().get("/Keywords", "")) if info is not None else ""
    except (PdfError, AttributeError, KeyError, ValueError, TypeError):
        return None
    match = _SHORT_CODE_IN_KEYWORDS.search(keywords)
    return services.find_by_short_code(match.group(1)) if match else None


def check_file(data: bytes) -> FileCheck:
    """The verdict on ``data`` (see FileCheck)."""
    if len(data) > int(current_app.config.get("PERMIT_CHECK_MAX_BYTES") or 10 * 1024 * 1024):
        return FileCheck("too_large")
    if not data.lstrip()[:5].startswith(b"%PDF-"):
        return FileCheck("not_pdf")
    digest = hashlib.sha256(data).hexdigest()
    exact = db.session.scalar(select(Permit).where(Permit.sha256 == digest))
    try:
        reader = _reader(data)
        if reader.encrypted:
            return FileCheck("encrypted")
        claimed = exact or _claimed_permit(reader)
        report = read_signature(reader, office_certificates(claimed.signer_certificate if claimed else None))
    except (PdfError, ValueError, KeyError, TypeError, AttributeError, IndexError, RecursionError):
        return FileCheck("unreadable")
    verification = services.verification_of(claimed) if claimed else None
    if exact is not None and report is not None and report.valid and report.ours and report.whole_file:
        return FileCheck("issued", report, True, exact, verification)
    if report is None:
        return FileCheck("unsigned", None, False, claimed, verification)
    if report.valid and not report.ours:
        return FileCheck("not_ours", report, False, None, None)
    return FileCheck("changed", report, False, claimed, verification)
