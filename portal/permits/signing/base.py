"""What every signer shares: the refusal, the interface and the certificate check."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Protocol

from cryptography import x509
from flask_babel import format_date
from flask_babel import lazy_gettext as _l
from pyhanko.sign import signers

from portal.errors import PortalError
from portal.permits.signing import keys


class SigningUnavailable(PortalError):
    """The permit cannot be signed now; nothing was issued. 409: the approver's page says why."""

    status_code = 409


class PermitSigner(Protocol):
    @property
    def certificate(self) -> x509.Certificate: ...

    def pyhanko_signer(self) -> signers.Signer: ...


def check_certificate(
    certificate: x509.Certificate, *, allow_demo: bool, now: datetime | None = None
) -> None:
    """Refuse a certificate that cannot sign a permit today."""
    now = now or datetime.now(UTC)
    if certificate.not_valid_after_utc < now:
        raise SigningUnavailable(
            _l(
                "The office's signing certificate expired on %(date)s, so the permit cannot be signed "
                "and was not issued. Ask the administrator to install a new signing key.",
                date=format_date(certificate.not_valid_after_utc.date(), "long"),
            )
        )
    if certificate.not_valid_before_utc > now:
        raise SigningUnavailable(
            _l(
                "The office's signing certificate is valid only from %(date)s, so the permit cannot be "
                "signed yet and was not issued. Ask the administrator to check the signing key.",
                date=format_date(certificate.not_valid_before_utc.date(), "long"),
            )
        )
    if not allow_demo and keys.is_demo(certificate):
        raise SigningUnavailable(
            _l(
                "The signing key is a demo key, which this portal does not sign with. The permit was not "
                "issued. Ask the administrator to install the office's real signing key."
            )
        )
