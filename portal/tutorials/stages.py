"""The ten stages of the applicant's path (DESIGN.md). The keys are stable: tutorials,
the wizard and the help desk refer to them."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

#: key -> (Indonesian name, English name). The display name in the page's language comes from
#: ``stage_label`` (a translatable English msgid); the plain pair is for scripts and seeds.
STAGES: dict[str, tuple[str, str]] = {
    "register": ("Daftar akun", "Create an account"),
    "login": ("Masuk", "Log in"),
    "choose_category": ("Pilih jenis izin", "Choose the permit type"),
    "requirements": ("Baca persyaratan", "Read the requirements"),
    "fill_form": ("Isi formulir", "Fill in the form"),
    "upload_documents": ("Unggah dokumen", "Upload the documents"),
    "review_submit": ("Periksa dan ajukan", "Check and submit"),
    "track_status": ("Pantau status", "Track the status"),
    "respond_correction": ("Perbaiki permohonan", "Make corrections"),
    "download_permit": ("Unduh izin", "Download the permit"),
}

STAGE_KEYS: tuple[str, ...] = tuple(STAGES)

_LABELS = {
    "register": _l("Create an account"),
    "login": _l("Log in"),
    "choose_category": _l("Choose the permit type"),
    "requirements": _l("Read the requirements"),
    "fill_form": _l("Fill in the form"),
    "upload_documents": _l("Upload the documents"),
    "review_submit": _l("Check and submit"),
    "track_status": _l("Track the status"),
    "respond_correction": _l("Make corrections"),
    "download_permit": _l("Download the permit"),
}


def stage_label(key: str) -> str:
    """The stage's name in the page's language."""
    return str(_LABELS[key])


def is_stage(key: str) -> bool:
    return key in STAGES
