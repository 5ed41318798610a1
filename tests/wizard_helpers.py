"""A small permit category for wizard tests: two form pages (one with a condition) and two
document slots (PDF; PDF/JPEG/PNG optional)."""

from __future__ import annotations

import io

from portal.catalogue.models import PermitCategory, Sector
from portal.catalogue.services import publish_new_version

FIELDS = [
    {"key": "business_name", "type": "text", "label_id": "Nama usaha", "label_en": "Business name",
     "required": True, "page": "business", "page_title_id": "Data usaha",
     "page_title_en": "Business details", "order": 1, "max_length": 100},
    {"key": "employees", "type": "number", "label_id": "Jumlah karyawan",
     "label_en": "Number of employees", "required": True, "page": "business", "order": 2,
     "min": 0, "max": 10000},
    {"key": "has_branch", "type": "radio", "label_id": "Punya cabang?", "label_en": "Has a branch?",
     "required": True, "page": "business", "order": 3,
     "options": [{"value": "yes", "label_id": "Ya", "label_en": "Yes"},
                 {"value": "no", "label_id": "Tidak", "label_en": "No"}]},
    {"key": "branch_address", "type": "address", "label_id": "Alamat cabang",
     "label_en": "Branch address", "required": True, "page": "business", "order": 4,
     "show_if": {"field": "has_branch", "equals": "yes"}},
    {"key": "start_date", "type": "date", "label_id": "Tanggal mulai", "label_en": "Start date",
     "required": True, "page": "location", "page_title_id": "Lokasi", "page_title_en": "Location",
     "order": 5, "date_rule": "past"},
    {"key": "capital", "type": "rupiah", "label_id": "Modal", "label_en": "Capital",
     "required": False, "page": "location", "order": 6, "min": 0},
]
DOCUMENTS = [
    {"key": "ktp", "label_id": "KTP pemohon", "label_en": "Applicant's ID card",
     "allowed_types": ["pdf", "jpeg", "png"], "max_mb": 2, "required": True},
    {"key": "photo", "label_id": "Foto lokasi", "label_en": "Photo of the site",
     "allowed_types": ["jpeg", "png"], "max_mb": 2, "required": False},
]

GOOD_PAGES = {
    "business": {"business_name": "Warung Sederhana", "employees": "3", "has_branch": "no"},
    "location": {"start_date": "2020-05-01", "capital": "Rp 1.500.000"},
}


def make_category(slug: str = "test-domisili", time_limit_days: int = 5, **kwargs) -> PermitCategory:
    category = PermitCategory(slug=slug, code="TST", name_id="Izin Uji", name_en="Test permit",
                              summary_id="Izin untuk pengujian", summary_en="A permit for tests",
                              sector=Sector.TRADE, time_limit_days=time_limit_days, **kwargs)
    publish_new_version(category, FIELDS, DOCUMENTS)
    return category


def file_upload(data: bytes, name: str, content_type: str = "application/octet-stream"):
    return (io.BytesIO(data), name, content_type)


def make_submitted(applicant, category, *, answers: dict | None = None, document_name: str = "ktp.pdf"):
    """A submitted application with valid answers and its KTP document, through the services."""
    from portal.applications import services
    from portal.applications.models import Document
    from portal.extensions import db
    from portal.storage import get_storage
    from tests.fixtures_files import make_pdf

    application = services.start_application(applicant, category)
    application.answers = answers or {"business_name": "Warung Sederhana", "employees": 3,
                                      "has_branch": "no", "start_date": "2020-05-01"}
    application.completed_pages = ["business", "location"]
    db.session.commit()
    stored = get_storage().save(io.BytesIO(make_pdf()), key_prefix="documents/")
    db.session.add(Document(application_id=application.id, requirement_key="ktp",
                            storage_key=stored.key, original_name=document_name, size=stored.size,
                            sha256=stored.sha256, content_type="application/pdf"))
    db.session.commit()
    services.submit(application, applicant, declaration=True)
    return application
