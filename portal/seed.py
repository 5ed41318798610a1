"""Demo data for `make run`: the demo accounts of DESIGN.md and, as features land, their
reference data. Idempotent: running it twice adds nothing. Under the production configuration
the demo accounts never log in (portal.auth.demo)."""

from __future__ import annotations

from collections.abc import Iterator

from portal.auth import second_factor
from portal.auth.demo import DEMO_PASSWORD, DEMO_TOTP_SECRET
from portal.auth.models import Role, User, UserRole
from portal.auth.passwords import hash_password
from portal.auth.services import get_user_by_email
from portal.calendar.seed import seed_holidays
from portal.catalogue.seed import seed_categories
from portal.catalogue.seed_finder import seed_finder
from portal.db import utcnow
from portal.directory.seed import seed_directory
from portal.events.seed import seed_events
from portal.extensions import db
from portal.permits.register import seed_register
from portal.public.seed import seed_public_demo
from portal.site.seed import seed_site
from portal.tutorials.seed import seed_tutorials

DEMO_USERS = [
    ("applicant@demo.test", "Siti Rahmawati", [Role.APPLICANT], "6472014507900001", "+6281234567890"),
    ("officer@demo.test", "Budi Santoso", [Role.OFFICER], None, None),
    ("approver@demo.test", "Dra. Hj. Nurul Aini, M.Si.", [Role.APPROVER], None, None),
    ("helpdesk@demo.test", "Rina Kartika", [Role.HELPDESK], None, None),
    ("admin@demo.test", "Admin Portal", [Role.ADMIN], None, None),
]


def seed_demo() -> Iterator[str]:
    yield from _seed_users()
    yield from seed_holidays()
    yield from seed_categories()
    yield from seed_register()
    yield from seed_tutorials()
    yield from seed_public_demo()
    yield from seed_finder()
    yield from seed_site()
    yield from seed_directory()
    yield from seed_events()


def _seed_users() -> Iterator[str]:
    for email, name, roles, nik, phone in DEMO_USERS:
        if get_user_by_email(email) is not None:
            continue
        user = User(
            email=email,
            full_name=name,
            nik=nik,
            phone=phone,
            password_hash=hash_password(DEMO_PASSWORD),
            email_verified_at=utcnow(),
            locale="id",
        )
        user.roles = [UserRole(role=r) for r in roles]
        if Role.APPROVER in roles:  # printed under the name on the permit letters
            user.position = "Kepala Dinas Penanaman Modal dan PTSP"
            user.rank = "Pembina Utama Muda (IV/c)"
            user.nip = "197001011995032001"
        db.session.add(user)
        db.session.flush()
        if second_factor.needs_second_factor(user):
            # enrolled with the README's published secret (demo data; refused in production)
            second_factor.enrol_with_secret(user, DEMO_TOTP_SECRET)
        yield f"demo user {email} ({', '.join(roles)})"
    db.session.commit()
