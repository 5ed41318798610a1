"""Factories for the objects tests build: users, permit categories (with the small wizard form
or none), drafts with valid answers, stored documents, submitted applications and tutorials.
Each adds its rows, commits, and returns the object; keyword arguments override the defaults."""

from __future__ import annotations

import io
import itertools
import sys
import types
from collections.abc import Iterator
from typing import Any

import pyotp
from sqlalchemy import select

from portal.applications import services as app_services
from portal.applications.models import Application, Document
from portal.auth import second_factor
from portal.auth.models import Role, User, UserRole
from portal.auth.passwords import hash_password
from portal.auth.second_factor_models import SecondFactor
from portal.catalogue.models import PermitCategory, Sector
from portal.catalogue.services import publish_new_version
from portal.db import utcnow
from portal.extensions import db
from portal.storage import get_storage
from portal.tutorials.models import Tutorial
from tests.fixtures_files import make_pdf

DEFAULT_PASSWORD = "correct horse battery staple"

#: The small wizard form: two pages (one field shown on a condition) and two document slots.
FIELDS = [
    {
        "key": "business_name",
        "type": "text",
        "label_id": "Nama usaha",
        "label_en": "Business name",
        "required": True,
        "page": "business",
        "page_title_id": "Data usaha",
        "page_title_en": "Business details",
        "order": 1,
        "max_length": 100,
    },
    {
        "key": "employees",
        "type": "number",
        "label_id": "Jumlah karyawan",
        "label_en": "Number of employees",
        "required": True,
        "page": "business",
        "order": 2,
        "min": 0,
        "max": 10000,
    },
    {
        "key": "has_branch",
        "type": "radio",
        "label_id": "Punya cabang?",
        "label_en": "Has a branch?",
        "required": True,
        "page": "business",
        "order": 3,
        "options": [
            {"value": "yes", "label_id": "Ya", "label_en": "Yes"},
            {"value": "no", "label_id": "Tidak", "label_en": "No"},
        ],
    },
    {
        "key": "branch_address",
        "type": "address",
        "label_id": "Alamat cabang",
        "label_en": "Branch address",
        "required": True,
        "page": "business",
        "order": 4,
        "show_if": {"field": "has_branch", "equals": "yes"},
    },
    {
        "key": "start_date",
        "type": "date",
        "label_id": "Tanggal mulai",
        "label_en": "Start date",
        "required": True,
        "page": "location",
        "page_title_id": "Lokasi",
        "page_title_en": "Location",
        "order": 5,
        "date_rule": "past",
    },
    {
        "key": "capital",
        "type": "rupiah",
        "label_id": "Modal",
        "label_en": "Capital",
        "required": False,
        "page": "location",
        "order": 6,
        "min": 0,
    },
]
DOCUMENTS = [
    {
        "key": "ktp",
        "label_id": "KTP pemohon",
        "label_en": "Applicant's ID card",
        "allowed_types": ["pdf", "jpeg", "png"],
        "max_mb": 2,
        "required": True,
    },
    {
        "key": "photo",
        "label_id": "Foto lokasi",
        "label_en": "Photo of the site",
        "allowed_types": ["jpeg", "png"],
        "max_mb": 2,
        "required": False,
    },
]
#: Clean answers of the wizard form (as stored), every page done.
VALID_ANSWERS = {
    "business_name": "Warung Sederhana",
    "employees": 3,
    "has_branch": "no",
    "start_date": "2020-05-01",
}


def _shared_counter() -> Iterator[int]:
    """pytest loads conftest.py as ``conftest`` while test modules import ``tests.conftest``:
    two module objects. Everything draws from one counter, or two hand out the same email/NIK."""
    holder = sys.modules.setdefault(
        "_satupintu_test_factories", types.ModuleType("_satupintu_test_factories")
    )
    if not hasattr(holder, "counter"):
        holder.counter = itertools.count(1)
    return holder.counter


_counter = _shared_counter()


def make_user(
    role: Role | str = Role.APPLICANT,
    *,
    email: str | None = None,
    password: str = DEFAULT_PASSWORD,
    verified: bool = True,
    full_name: str | None = None,
    roles: list[Role] | None = None,
    nik: str | None = None,
    locale: str = "id",
    enrolled: bool = True,
    **profile: str,
) -> User:
    """A user; a staff account comes with two-step login set up (``enrolled=False``: not yet),
    its secret a random one that ``totp_code`` reads back."""
    n = next(_counter)
    roles = roles or [Role(role)]
    if nik is None and Role.APPLICANT in roles:
        nik = f"647201450790{n:04d}"
    user = User(
        email=email or f"user{n}@example.test",
        full_name=full_name or f"Test User {n}",
        nik=nik,
        phone="+62812000" + f"{n:05d}"[-5:],
        password_hash=hash_password(password),
        email_verified_at=utcnow() if verified else None,
        locale=locale,
        **profile,  # staff: nip, rank, position
    )
    user.roles = [UserRole(role=r) for r in roles]
    db.session.add(user)
    db.session.flush()
    if enrolled and second_factor.needs_second_factor(user):
        second_factor.enrol_with_secret(user, pyotp.random_base32())
    db.session.commit()
    return user


def totp_code(email: str, *, fresh: bool = True) -> str:
    """The current code of the account's authenticator. ``fresh`` (test-only, no such way in
    the app) forgets the last accepted time-step first, so helpers may log the same account in
    twice within one 30-second window; tests of replay pass ``fresh=False``."""
    factor = db.session.scalar(
        select(SecondFactor).join(User, User.id == SecondFactor.user_id).where(User.email == email.lower())
    )
    assert factor is not None and factor.secret, f"{email} has no authenticator"
    if fresh and factor.last_step is not None:
        factor.last_step = None
        db.session.commit()
    return pyotp.TOTP(factor.secret).now()


def plain_category(slug: str, **attrs: Any) -> PermitCategory:
    """A category with no form published (closed to applicants unless ``active`` is given)."""
    values: dict[str, Any] = {
        "code": "TST",
        "name_id": "Izin Uji",
        "name_en": "Test permit",
        "sector": Sector.TRADE,
        "time_limit_days": 5,
    }
    category = PermitCategory(slug=slug, **{**values, **attrs})
    db.session.add(category)
    db.session.commit()
    return category


def make_category(slug: str = "test-domisili", time_limit_days: int = 5, **kwargs) -> PermitCategory:
    """A category with the small wizard form (FIELDS, DOCUMENTS) published."""
    category = PermitCategory(
        slug=slug,
        code="TST",
        name_id="Izin Uji",
        name_en="Test permit",
        summary_id="Izin untuk pengujian",
        summary_en="A permit for tests",
        sector=Sector.TRADE,
        time_limit_days=time_limit_days,
        **kwargs,
    )
    publish_new_version(category, FIELDS, DOCUMENTS)
    db.session.commit()
    return category


def make_draft(
    applicant: User, category: PermitCategory, *, answers: dict | None = None, **attrs: Any
) -> Application:
    """A draft of the wizard form with valid answers on every page (``attrs``: e.g. stage)."""
    application = app_services.start_application(applicant, category)
    application.answers = dict(VALID_ANSWERS) if answers is None else answers
    application.completed_pages = ["business", "location"]
    for name, value in attrs.items():
        setattr(application, name, value)
    db.session.commit()
    return application


def add_document(
    application: Application,
    requirement_key: str = "ktp",
    data: bytes | None = None,
    *,
    name: str = "ktp.pdf",
    content_type: str = "application/pdf",
) -> Document:
    """A file stored for one of the application's document slots (a one-page PDF by default)."""
    stored = get_storage().save(io.BytesIO(make_pdf() if data is None else data), key_prefix="documents/")
    document = Document(
        application_id=application.id,
        requirement_key=requirement_key,
        storage_key=stored.key,
        original_name=name,
        size=stored.size,
        sha256=stored.sha256,
        content_type=content_type,
    )
    db.session.add(document)
    db.session.commit()
    return document


def make_submitted(
    applicant: User, category: PermitCategory, *, answers: dict | None = None, document_name: str = "ktp.pdf"
) -> Application:
    """A submitted application with valid answers and its KTP document, through the services."""
    application = make_draft(applicant, category, answers=answers or None)
    add_document(application, name=document_name)
    app_services.submit(application, applicant, declaration=True)
    return application


def make_tutorial(**attrs: Any) -> Tutorial:
    """A tutorial row without files (``published`` False unless given)."""
    values: dict[str, Any] = {
        "title_id": "Panduan",
        "title_en": "Guide",
        "published": False,
        "chapters_json": [],
        "chapter_transcripts": {},
    }
    tutorial = Tutorial(**{**values, **attrs})
    db.session.add(tutorial)
    db.session.commit()
    return tutorial
