"""Sample answers and sample files for the recorder's applicant: valid for each field's
rules, so the filmed form is accepted page after page.

Values are tried in order and checked with the form's own validation (FormSpec), so a field
whose rules change gets a value that passes or a clear error naming the field.
"""

from __future__ import annotations

import io
import re
from datetime import date, timedelta
from typing import Any

from PIL import Image, ImageDraw
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas
from werkzeug.datastructures import MultiDict

from portal.catalogue.formspec import FieldSpec, FormSpec

APPLICANT = {
    "full_name": "Siti Aminah",
    "nik": "6472014507900001",
    "phone": "0812 3456 7890",
    "password": "nasi goreng kampung pedas manis",
}
ADDRESS = "Jl. Pahlawan No. 12, Kelurahan Dadi Mulya, Samarinda"

_BY_KEY = [
    (re.compile(r"koordinat|coordinate"), ["-0.502106, 117.153709"]),
    (re.compile(r"^(no_kk|nomor_kk|kk)$"), ["6472010101900001"]),
    (re.compile(r"^rt$|^rw$"), ["007", "7"]),
    (re.compile(r"nama_usaha|nama_klinik|nama_fasilitas|nama_tempat|nama_badan"), ["Usaha Maju Bersama"]),
    (re.compile(r"nama|name"), ["Siti Aminah"]),
    (re.compile(r"alamat|address|lokasi"), [ADDRESS]),
    (re.compile(r"judul|title"), ["Pemetaan Usaha Mikro di Kota Samarinda"]),
    (
        re.compile(r"tujuan|metode|keperluan|naskah|sasaran|ruang|purpose"),
        ["Untuk keperluan administrasi usaha"],
    ),
    (re.compile(r"jenis|bidang"), ["Rumah makan"]),
    (re.compile(r"tempat_lahir"), ["Samarinda"]),
    (re.compile(r"masa_berlaku"), ["31 Desember 2030"]),
    (re.compile(r"nomor|no_|^nip|sertifikat|str$"), ["123/ABC/2026", "1234567890"]),
]
_GENERIC = ["Contoh isian", "12345", "1234567890123456", "ABC123", "1"]
_EXAMPLE = re.compile(r"(?:contoh|misalnya|example|e\.g\.)\s*:?\s*([^.;()]+)", re.IGNORECASE)


class SampleError(ValueError):
    """No sample value passes a field's rules (its definition needs a hint or an example)."""


def _candidates(f: FieldSpec, index: int) -> list[Any]:
    t = f.type
    if t in ("select", "radio"):
        return [str(o.get("value")) for o in f.options[:3]]
    if t == "checkbox":
        return [[str(f.options[0].get("value"))]] if f.options else ["y"]
    if t == "email":
        return ["siti.aminah@example.com"]
    if t == "phone":
        return [APPLICANT["phone"]]
    if t == "nik":
        return [APPLICANT["nik"]]
    if t == "npwp":
        return ["09.254.294.3-407.000", "0925429434070000"]
    if t == "nib":
        return ["9120301234567"]
    if t in ("number", "decimal", "rupiah"):
        low = f.min if f.min is not None else 1
        high = f.max if f.max is not None else max(low, 1) * 100
        values = [v for v in (max(low, 2), max(low, 1), low, high) if low <= v <= high]
        if t == "rupiah":
            return ["150.000.000", *[str(int(v)) for v in values]]
        if t == "decimal":
            return [str(v).replace(".", ",") for v in values] + ["120,5"]
        return [str(int(v)) for v in values if float(v).is_integer()]
    if t == "date":
        today = date.today()
        if f.date_rule == "future":
            return [(today + timedelta(days=30 * (index + 1))).isoformat()]
        return [date(1990, 7, 5).isoformat(), (today - timedelta(days=1)).isoformat()]
    found = [m.group(1).strip() for m in _EXAMPLE.finditer(f"{f.help_id} {f.help_en}")]
    for pattern, key_values in _BY_KEY:
        if pattern.search(f.key):
            found += key_values
    if t in ("textarea", "address"):
        found.append(ADDRESS)
    return [*found, *_GENERIC]


def sample_answers(spec: FormSpec) -> dict[str, Any]:
    """A value for every field of the form that passes the field's own checks (optional
    fields too, so the guide could show any of them). Raises SampleError naming a field no
    candidate passes."""
    answers: dict[str, Any] = {}
    for index, f in enumerate(spec.fields):
        for value in _candidates(f, index):
            data: MultiDict[str, Any] = MultiDict()
            if isinstance(value, list):
                for v in value:
                    data.add(f.key, v)
            else:
                data.add(f.key, value)
            result = spec.validate_fields([f.key], data, answers)
            if result.ok:
                answers[f.key] = value
                break
        else:
            raise SampleError(f"no sample answer passes the rules of the field {f.key!r}")
    return answers


def as_typed(value: Any) -> str:
    return value if isinstance(value, str) else str(value)


# -- files ------------------------------------------------------------------------------------------
def sample_pdf(title: str) -> bytes:
    """A one-page PDF that says it is a sample of ``title``."""
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    pdf.setFont("Helvetica-Bold", 20)
    pdf.drawString(72, 760, "CONTOH / SAMPLE")
    pdf.setFont("Helvetica", 12)
    text = title.encode("latin-1", "replace").decode("latin-1")
    pdf.drawString(72, 730, text[:90])
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def sample_jpeg(title: str) -> bytes:
    image = Image.new("RGB", (480, 320), (240, 244, 248))
    draw = ImageDraw.Draw(image)
    draw.rectangle((10, 10, 470, 310), outline=(40, 80, 140), width=4)
    draw.text((30, 40), "CONTOH / SAMPLE", fill=(20, 40, 80))
    draw.text((30, 80), title[:60], fill=(20, 40, 80))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=70)
    return out.getvalue()


def sample_file(title: str, allowed_types: list[str]) -> tuple[str, bytes]:
    """A file name and bytes of an allowed type (a PDF when PDFs are allowed)."""
    slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:40] or "dokumen"
    if "pdf" in allowed_types:
        return f"contoh-{slug}.pdf", sample_pdf(title)
    return f"contoh-{slug}.jpg", sample_jpeg(title)
