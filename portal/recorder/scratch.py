"""A scratch copy of the portal for the recorder: its own app on a temporary SQLite database
seeded with the reference data and the filmed category's published form version (never the
live applications or users, never a draft), mail written to a temporary folder (never sent),
uploads in a temporary folder, served on a free 127.0.0.1 port by a thread.

Everything lives in one temporary folder, removed when the ``with`` block ends, whatever
happened inside it.
"""

from __future__ import annotations

import email
import email.policy
import re
import secrets
import shutil
import tempfile
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import Flask, current_app
from sqlalchemy import inspect, select
from werkzeug.serving import make_server

from portal.auth.models import Role, User, UserRole
from portal.auth.passwords import hash_password
from portal.calendar.seed import seed_holidays
from portal.catalogue.models import FormVersion, PermitCategory
from portal.catalogue.seed import seed_categories
from portal.catalogue.services import publish_new_version
from portal.db import utcnow
from portal.extensions import db, limiter

_SKIP_COLUMNS = {"id", "current_version_id", "created_at", "updated_at", "popularity"}
STAFF_PASSWORD = "recorder-" + secrets.token_hex(8)
_FACTORY_KEY = "recorder.app_factory"


def init_app(app: Flask, app_factory: Callable[..., Flask]) -> None:
    """Keep the portal's app factory on the app: the scratch portal is made with it."""
    app.extensions[_FACTORY_KEY] = app_factory


@dataclass
class CategoryCopy:
    """What the scratch portal needs of the live category: its columns and the published
    form version's definition (the version's id is kept to mark the guide)."""

    slug: str
    columns: dict[str, Any]
    fields: list[dict[str, Any]]
    documents: list[dict[str, Any]]
    version_id: int | None
    version_number: int | None


def copy_category(slug: str) -> CategoryCopy:
    """Read the live category ``slug`` and its *published* form version (the current one);
    an admin's draft is never read. Needs the live app's context. Raises LookupError."""
    category = db.session.scalar(select(PermitCategory).where(PermitCategory.slug == slug))
    if category is None:
        raise LookupError(slug)
    columns = {
        attr.key: getattr(category, attr.key)
        for attr in inspect(PermitCategory).column_attrs
        if attr.key not in _SKIP_COLUMNS
    }
    version = (
        db.session.get(FormVersion, category.current_version_id) if category.current_version_id else None
    )
    return CategoryCopy(
        slug=slug,
        columns=columns,
        fields=[dict(f) for f in (version.fields if version else [])],
        documents=[dict(d) for d in (version.documents if version else [])],
        version_id=version.id if version else None,
        version_number=version.number if version else None,
    )


@dataclass
class ScratchPortal:
    app: Flask
    url: str
    folder: Path
    officer_id: int
    approver_id: int
    category_id: int

    def mail_link(self, address: str, path_part: str) -> str:
        """The newest link mailed to ``address`` whose URL contains ``path_part``."""
        for path in sorted(
            (self.folder / "mail").glob("*.eml"), key=lambda p: p.stat().st_mtime, reverse=True
        ):
            message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
            if address not in str(message.get("To", "")):
                continue
            for part in message.walk():
                if part.get_content_maintype() == "text":
                    text = part.get_content()
                    for link in re.findall(r"https?://[^\s\"'<>]+", text):
                        if path_part in link:
                            return link
        raise LookupError(f"no mail to {address} with a link containing {path_part}")


def _seed(copy: CategoryCopy) -> tuple[int, int, int]:
    db.create_all()
    list(seed_holidays())
    list(seed_categories())
    category = db.session.scalar(select(PermitCategory).where(PermitCategory.slug == copy.slug))
    if category is None:
        category = PermitCategory(slug=copy.slug)
        db.session.add(category)
    for key, value in copy.columns.items():
        setattr(category, key, value)
    category.active = True
    db.session.flush()
    if copy.fields or copy.documents:
        publish_new_version(category, copy.fields, copy.documents)
    else:
        category.current_version = None
    staff = []
    for role, name in ((Role.OFFICER, "Budi Santoso"), (Role.APPROVER, "Nurul Aini")):
        user = User(
            email=f"{role.value}@recorder.invalid",
            full_name=name,
            password_hash=hash_password(STAFF_PASSWORD),
            email_verified_at=utcnow(),
            locale="id",
        )
        user.roles = [UserRole(role=role)]
        db.session.add(user)
        staff.append(user)
    db.session.commit()
    return staff[0].id, staff[1].id, category.id


@contextmanager
def scratch_portal(copy: CategoryCopy, *, base_folder: Path | None = None) -> Iterator[ScratchPortal]:
    """Serve a scratch portal holding ``copy``; the folder and server go when the block ends.
    Needs the live app's context: the scratch app is made with the live app's factory."""
    create_app = current_app.extensions[_FACTORY_KEY]
    folder = Path(tempfile.mkdtemp(prefix="sp-recorder-", dir=base_folder))
    server = thread = None
    app = None
    # Flask-Limiter keeps its storage and its on/off switch on the one shared Limiter, and
    # init_app overwrites them: making the scratch app must not change the live process's rate
    # limits (a guide re-recorded in a web worker's thread would have switched them off).
    live_limiter = dict(vars(limiter))
    try:
        try:
            app = create_app(
                "test",
                SQLALCHEMY_DATABASE_URI=f"sqlite:///{folder / 'scratch.db'}",
                MAIL_SERVER=None,
                MAIL_DIR=folder / "mail",
                UPLOAD_ROOT=folder / "uploads",
                INSTANCE_DIR=folder,
                REDIS_URL=None,
                RATELIMIT_STORAGE_URI="memory://",
                WTF_CSRF_ENABLED=True,
                TESTING=False,
                SECRET_KEY=secrets.token_hex(16),
                TUTORIAL_RECORDER_SCRATCH=True,
                S3_BUCKET=None,
                STORAGE_BACKEND="local",
                X_ACCEL_REDIRECT_PREFIX=None,
                SEND_FILE_MAX_AGE_DEFAULT=3600,
            )
        finally:
            vars(limiter).update(live_limiter)
        with app.app_context():
            officer_id, approver_id, category_id = _seed(copy)
            db.session.remove()
        server = make_server("127.0.0.1", 0, app, threaded=True)
        url = f"http://127.0.0.1:{server.server_port}"
        app.config["BASE_URL"] = url
        thread = threading.Thread(target=server.serve_forever, name="recorder-portal", daemon=True)
        thread.start()
        yield ScratchPortal(
            app=app,
            url=url,
            folder=folder,
            officer_id=officer_id,
            approver_id=approver_id,
            category_id=category_id,
        )
    finally:
        if server is not None:
            server.shutdown()
            if thread is not None:
                thread.join(timeout=10)
            server.server_close()
        if app is not None:
            with app.app_context():
                db.engine.dispose()
        shutil.rmtree(folder, ignore_errors=True)


@limiter.request_filter
def _scratch_portal_is_not_rate_limited() -> bool:
    """The recorder's scratch portal films one sample applicant after another from 127.0.0.1;
    its requests are exempt (the live portal's limits are untouched, see scratch_portal)."""
    return bool(current_app.config.get("TUTORIAL_RECORDER_SCRATCH"))
