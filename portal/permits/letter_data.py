"""What a permit letter prints, built from the database in one language.

Only the fields the category marks "on the certificate" (``PermitCategory.certificate_fields``,
chosen by an admin; a short default for each seeded category) are printed, after the holder's
name and masked NIK. Every identity number (NIK, family card KK, passport) is masked, whoever
chose the field.
"""

from __future__ import annotations

import re
from typing import Any

from flask import current_app
from flask_babel import force_locale, format_date
from flask_babel import gettext as _

from portal.applications.models import Application
from portal.auth.models import User
from portal.calendar import clock
from portal.catalogue.formspec import FormSpec
from portal.catalogue.models import FormVersion, PermitCategory
from portal.extensions import db
from portal.permits.letter import LetterData
from portal.permits.models import Letterhead, Permit
from portal.storage import get_storage
from portal.urls import absolute_url

DEFAULT_HEAD_TITLE = "Kepala Dinas Penanaman Modal dan PTSP"
MAX_CERTIFICATE_FIELDS = 12

#: The short default of each seeded category: what a real letter of that kind shows.
DEFAULT_CERTIFICATE_FIELDS: dict[str, list[str]] = {
    "pbg": [
        "fungsi_bangunan",
        "alamat_lokasi",
        "kelurahan",
        "kecamatan",
        "luas_bangunan_m2",
        "jumlah_lantai",
    ],
    "izin-reklame": [
        "nama_perusahaan",
        "jenis_reklame",
        "naskah_reklame",
        "alamat_titik",
        "panjang_m",
        "lebar_m",
    ],
    "sip-dokter": ["nomor_str", "nama_tempat_praktik", "alamat_tempat_praktik", "jadwal_praktik"],
    "surat-keterangan-penelitian": [
        "institusi",
        "judul_penelitian",
        "lokasi_penelitian",
        "tanggal_mulai",
        "tanggal_selesai",
    ],
    "tdup": ["nama_usaha", "bidang_usaha", "jenis_subjenis_usaha", "alamat_usaha"],
    "izin-operasional-klinik": ["nama_klinik", "jenis_klinik", "alamat_klinik", "nama_dokter_pj"],
    "surat-keterangan-domisili-usaha": ["nama_usaha", "bentuk_usaha", "jenis_usaha", "alamat_usaha"],
    "sipa-apoteker": ["nomor_str", "nama_fasilitas", "alamat_fasilitas"],
}
#: Fields never worth a line on the letter (the holder's name and NIK are printed anyway).
_PERSONAL = re.compile(r"^(nama_pemohon|nama_lengkap.*|nik|no_hp|email|rt|rw|alamat_pemohon|alamat_rumah)$")
#: Identity numbers: masked on the letter whatever the admin chose.
IDENTITY_KEY = re.compile(r"(^|_)(nik|kk|paspor|passport)($|_)")


def mask_number(value: str) -> str:
    """An identity number with only its first four and last two characters
    ("6472**********01"); a short one is hidden whole."""
    text = re.sub(r"\s+", "", value or "")
    if len(text) < 8:
        return "*" * len(text)
    return text[:4] + "*" * (len(text) - 6) + text[-2:]


def is_identity_field(key: str, field_type: str) -> bool:
    return field_type in ("nik", "kk", "passport") or bool(IDENTITY_KEY.search(key))


def certificate_field_keys(category: PermitCategory, spec: FormSpec) -> list[str]:
    """The keys printed for ``category``: the admin's choice, else the short default, else the
    first few descriptive fields of the form."""
    known = {f.key for f in spec.fields}
    if category.certificate_fields is not None:
        return [k for k in category.certificate_fields if k in known][:MAX_CERTIFICATE_FIELDS]
    preset = DEFAULT_CERTIFICATE_FIELDS.get(category.slug)
    if preset is not None:
        return [k for k in preset if k in known]
    chosen = [
        f.key
        for f in spec.fields
        if not _PERSONAL.match(f.key) and f.type not in ("file", "geo", "repeater", "boolean")
    ]
    return chosen[:4]


def format_nip(nip: str | None) -> str:
    """An 18-digit NIP grouped as printed on letters ("19870101 201001 1 001")."""
    digits = re.sub(r"\D", "", nip or "")
    if len(digits) == 18:
        return f"{digits[:8]} {digits[8:14]} {digits[14]} {digits[15:]}"
    return (nip or "").strip()


def letterhead_logo() -> bytes | None:
    """The uploaded coat of arms, or None for the placeholder."""
    row = db.session.scalar(db.select(Letterhead).order_by(Letterhead.id.desc()).limit(1))
    if row is None:
        return None
    try:
        with get_storage().open(row.logo_key) as fh:
            return bytes(fh.read())
    except (OSError, FileNotFoundError):
        current_app.logger.warning("letterhead logo %s is missing; using the placeholder", row.logo_key)
        return None


def _place(city: str) -> str:
    for prefix in ("Kota ", "Kabupaten "):
        if city.startswith(prefix):
            return city[len(prefix) :]
    return city


def _holder_rows(permit: Permit, applicant: User) -> list[tuple[str, str]]:
    """Who holds the permit: a business by its name and NIB (as issued), else the person by
    her name and masked NIK. (Called inside the letter's locale.)"""
    if permit.holder_nib:
        return [(_("Business name"), permit.holder_name), (_("NIB"), permit.holder_nib)]
    rows = [(_("Name"), applicant.full_name)]
    if applicant.nik:
        rows.append((_("NIK"), mask_number(applicant.nik)))
    return rows


def letter_data(
    permit: Permit,
    application: Application,
    category: PermitCategory,
    applicant: User,
    approver: User | None,
    *,
    lang: str = "id",
    logo: bytes | None = None,
) -> LetterData:
    """The letter of ``permit`` in ``lang`` ("id": the permit; "en": its translation)."""
    config = current_app.config
    version = db.session.get_one(FormVersion, application.form_version_id)
    spec = version.spec
    answers: dict[str, Any] = application.answers or {}
    city = config["OFFICE_CITY"]
    office = config["OFFICE_NAME"]
    with force_locale(lang):
        rows = _holder_rows(permit, applicant)
        for key in certificate_field_keys(category, spec):
            f = spec.by_key[key]
            if key not in answers or not spec.visible(f, answers):
                continue
            value = spec.display_value(f, answers[key])
            if not value:
                continue
            if is_identity_field(f.key, f.type):
                value = mask_number(str(answers[key]))
            label = (f.label_en or f.label_id) if lang == "en" else (f.label_id or f.label_en)
            rows.append((label or f.key, value))
        issued_on = clock.office_today(permit.issued_at)
        issued_text = format_date(issued_on, "long")
        title = (category.name_en or category.name_id) if lang == "en" else category.name_id
        if permit.valid_until:
            validity = _("This permit is valid until %(date)s.", date=format_date(permit.valid_until, "long"))
        else:
            validity = _("This permit has no end date; it holds while the activity goes on as stated above.")
        position = (approver.position if approver and approver.position else None) or (
            config.get("OFFICE_HEAD_TITLE") or DEFAULT_HEAD_TITLE
        )
        certificate = category.certificate_layout == "certificate"
        opening = (
            _("This %(permit)s is granted to:", permit=title)
            if certificate
            else _("The undersigned, %(position)s, %(city)s, states that:", position=position, city=city)
        )
        decision = " ".join(
            [
                _(
                    "has met the requirements and is granted the %(permit)s, on the application with "
                    "tracking number %(tracking)s.",
                    permit=title,
                    tracking=application.tracking_number or "-",
                ),
                validity,
            ]
        )
        short_code = permit.short_code or ""
        data = LetterData(
            lang=lang,
            layout="certificate" if certificate else "letter",
            government=_("Government of %(city)s", city=city).upper(),
            office_name=office.upper(),
            office_contact=" · ".join(
                part
                for part in (
                    config["OFFICE_ADDRESS"],
                    f"Telp. {config['OFFICE_PHONE']}" if config.get("OFFICE_PHONE") else "",
                    config.get("OFFICE_EMAIL") or "",
                )
                if part
            ),
            title=title,
            number_label=_("Number"),
            number=permit.number,
            opening=opening,
            rows=rows,
            decision=decision,
            closing=_("This letter is issued to be used as appropriate.") if not certificate else "",
            place_date=_("Issued in %(place)s, on %(date)s", place=_place(city), date=issued_text),
            position=position,
            approver_name=approver.full_name if approver else "-",
            approver_rank=(approver.rank or "") if approver else "",
            approver_nip=_("NIP. %(nip)s", nip=format_nip(approver.nip)) if approver and approver.nip else "",
            verify_url=absolute_url("permits.verify", token=permit.verification_token),
            short_code_label=_("Verification code"),
            short_code=short_code,
            scan_text=_("Scan the QR code or open:"),
            esign_statement=_(
                "This document is signed electronically by %(office)s with an electronic certificate; "
                "it needs no wet signature or stamp. Check that it is genuine by scanning the QR code, "
                "or upload the file at %(url)s.",
                office=office,
                url=absolute_url("permits.check"),
            ),
            banner=(
                _(
                    "English translation, for information. The permit is the Indonesian letter signed "
                    "electronically by the office (verification code %(code)s).",
                    code=short_code,
                )
                if lang == "en"
                else ""
            ),
            keywords=f"SatuPintu {short_code}",
            logo=logo,
            signature_placeholder=(
                _("Signed electronically on the Indonesian letter.") if lang == "en" else ""
            ),
        )
    return data
