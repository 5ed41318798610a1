"""Accounts, roles, server-side login sessions and single-use email tokens."""

from __future__ import annotations

import enum
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import ForeignKey, Index, String, UniqueConstraint, false, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.db import TimestampMixin, str_enum, utcnow
from portal.extensions import db


class Role(enum.StrEnum):
    APPLICANT = "applicant"
    OFFICER = "officer"
    APPROVER = "approver"
    HELPDESK = "helpdesk"
    ADMIN = "admin"


STAFF_ROLES = frozenset({Role.OFFICER, Role.APPROVER, Role.HELPDESK, Role.ADMIN})


class TokenPurpose(enum.StrEnum):
    VERIFY_EMAIL = "verify_email"
    RESET_PASSWORD = "reset_password"  # noqa: S105  (a purpose name, not a secret)


class User(UserMixin, TimestampMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    full_name: Mapped[str] = mapped_column(String(120))
    nik: Mapped[str | None] = mapped_column(String(16), unique=True)
    phone: Mapped[str | None] = mapped_column(String(16), index=True)
    #: Her home address as she writes it (the profile page); forms can be filled in from it.
    address: Mapped[str | None] = mapped_column(String(300))
    password_hash: Mapped[str] = mapped_column(String(255))
    email_verified_at: Mapped[datetime | None]
    locale: Mapped[str | None] = mapped_column(String(5))
    is_active_account: Mapped[bool] = mapped_column(default=True, server_default=true())
    password_changed_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: A consultant (biro jasa) files for many principals. A flag, not a role: it grants nothing
    #: (every access comes from a mandate the principal gave); it labels the account for the
    #: office and the principals, and gives her the list of applications by principal.
    is_consultant: Mapped[bool] = mapped_column(default=False, server_default=false())
    # Staff only, printed under the approver's name on a permit letter.
    nip: Mapped[str | None] = mapped_column(String(18))  # Nomor Induk Pegawai (18 digits)
    rank: Mapped[str | None] = mapped_column(String(80))  # pangkat / golongan
    position: Mapped[str | None] = mapped_column(String(120))  # jabatan

    roles: Mapped[list[UserRole]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin"
    )

    # Flask-Login: the id it keeps in the cookie is the server-side session's token,
    # set by auth.sessions when the session is loaded; see load_user there.
    _session_token = None  # not a column

    def get_id(self) -> str | None:  # pragma: no cover - Flask-Login calls it only at login
        return self._session_token

    @property
    def is_active(self) -> bool:
        return self.is_active_account

    @property
    def role_set(self) -> frozenset[Role]:
        return frozenset(r.role for r in self.roles)

    def has_role(self, *roles: Role) -> bool:
        return bool(self.role_set.intersection(roles))

    @property
    def is_staff(self) -> bool:
        return bool(self.role_set & STAFF_ROLES)

    @property
    def email_verified(self) -> bool:
        return self.email_verified_at is not None

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email}>"


class UserRole(db.Model):
    __tablename__ = "user_roles"
    __table_args__ = (
        UniqueConstraint("user_id", "role", name="uq_user_roles_user_role"),
        # "every officer" (the queue's officer list) without reading all roles
        Index("ix_user_roles_role_user_id", "role", "user_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[Role] = mapped_column(str_enum(Role, "role"))
    user: Mapped[User] = relationship(back_populates="roles")


class LoginSession(db.Model):
    """One logged-in browser. The cookie holds the token; its sha256 is stored here, so logging
    out, changing the password or deactivating the account ends it for good."""

    __tablename__ = "login_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    ended_at: Mapped[datetime | None]
    user_agent: Mapped[str | None] = mapped_column(String(200))
    #: when this browser passed the staff second factor (None: not passed, or not needed)
    second_factor_at: Mapped[datetime | None]

    user: Mapped[User] = relationship(lazy="joined")


class AuthToken(db.Model):
    """A single-use token sent by email (verification, password reset). Only its hash is kept."""

    __tablename__ = "auth_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[TokenPurpose] = mapped_column(str_enum(TokenPurpose, "token_purpose"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()
