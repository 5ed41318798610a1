"""The signer adapter: what stands between the portal and the office's electronic signature.

A ``PermitSigner`` gives the certificate it signs with and a pyHanko ``Signer`` that makes
the raw signature. Two of them exist:

- ``LocalPkcs12Signer``: the embedded tier's PKCS#12 file (PERMIT_SIGNING_KEY) and its
  passphrase from config (PERMIT_SIGNING_PASSPHRASE, or the demo key's passphrase file).
- ``RemoteSigner``: a signing service holding the key (the way Indonesia's certified TTE
  providers work). Only the hash of what is signed leaves the portal; the HTTP boundary is
  described in ``remote.py`` and served for tests by ``stub_server.py``.

``signer_from_config`` picks one (PERMIT_SIGNER = "local" | "remote") and checks the
certificate before anything is signed: missing, unreadable, wrong passphrase, expired, not yet
valid, or a demo key where demo keys are not allowed each raise ``SigningUnavailable`` with a
sentence for the approver. ``pades.sign_pdf`` then signs.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import current_app

from portal.permits.signing import keys
from portal.permits.signing.base import PermitSigner, SigningUnavailable, check_certificate
from portal.permits.signing.local import LocalPkcs12Signer, throwaway_signer
from portal.permits.signing.remote import RemoteSigner

__all__ = [
    "LocalPkcs12Signer",
    "configured_passphrase",
    "key_path",
    "passphrase_path",
    "PermitSigner",
    "RemoteSigner",
    "SigningUnavailable",
    "check_certificate",
    "keys",
    "signer_from_config",
]


# -- choosing one from config ----------------------------------------------------------------------
def key_path(config: Any) -> Path:
    configured = config.get("PERMIT_SIGNING_KEY")
    return Path(configured) if configured else Path(config["INSTANCE_DIR"]) / "signing" / "office.p12"


def passphrase_path(config: Any) -> Path:
    return key_path(config).with_suffix(".pass")


def configured_passphrase(config: Any) -> str | None:
    """PERMIT_SIGNING_PASSPHRASE, else the demo key's passphrase file next to the key."""
    if config.get("PERMIT_SIGNING_PASSPHRASE") is not None:
        return str(config["PERMIT_SIGNING_PASSPHRASE"])
    try:
        return passphrase_path(config).read_text().strip()
    except OSError:
        return None


def signer_from_config() -> PermitSigner:
    """The configured signer, its certificate checked (raises SigningUnavailable)."""
    config = current_app.config
    allow_demo = bool(config.get("PERMIT_DEMO_SIGNING_KEYS", True))
    signer: PermitSigner
    if (config.get("PERMIT_SIGNER") or "local") == "remote":
        signer = RemoteSigner(
            config.get("PERMIT_SIGNING_REMOTE_URL") or "",
            token=config.get("PERMIT_SIGNING_REMOTE_TOKEN"),
            timeout=float(config.get("PERMIT_SIGNING_REMOTE_TIMEOUT") or 10),
        )
    else:
        path = key_path(config)
        if not path.exists() and config.get("PERMIT_SIGNING_THROWAWAY_KEY"):
            signer = throwaway_signer(config["OFFICE_NAME"])
        else:
            signer = LocalPkcs12Signer.from_file(path, configured_passphrase(config))
    check_certificate(signer.certificate, allow_demo=allow_demo)
    return signer
