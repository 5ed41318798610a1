"""Password hashing (argon2id) and the password policy: 10-128 characters, no composition
rules, the most common passwords and the published demo password refused."""

from __future__ import annotations

import gzip
from functools import cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from flask_babel import lazy_gettext as _l

from portal.auth.demo import is_demo_password

MIN_LENGTH = 10
MAX_LENGTH = 128
# Django's list of 20,000 common passwords (BSD licence), shipped in portal/data/.
COMMON_PASSWORDS_FILE = Path(__file__).resolve().parent.parent / "data" / "common-passwords.txt.gz"


@cache
def _common_passwords() -> frozenset[str]:
    with gzip.open(COMMON_PASSWORDS_FILE, "rt", encoding="utf-8") as fh:
        return frozenset(line.strip().lower() for line in fh if line.strip())


def _hasher() -> PasswordHasher:
    cfg = current_app.config
    return PasswordHasher(time_cost=cfg["ARGON2_TIME_COST"], memory_cost=cfg["ARGON2_MEMORY_COST"])


def password_problem(password: str) -> str | None:
    """The reason a new password is refused, in the user's language, or None when it is fine.
    Length is checked first, so a huge value is refused before any hashing."""
    if len(password) > MAX_LENGTH:
        return str(_l("Use at most %(max)d characters.", max=MAX_LENGTH))
    if len(password) < MIN_LENGTH:
        return str(
            _l("Use at least %(min)d characters. A short sentence you remember works well.", min=MIN_LENGTH)
        )
    if is_demo_password(password):
        return str(
            _l(
                "This is the published password of the demo accounts, so anyone could "
                "guess it. Choose another one."
            )
        )
    if password.strip().lower() in _common_passwords():
        return str(_l("This password is too common and easy to guess. Choose another one."))
    return None


def hash_password(password: str) -> str:
    if len(password) > MAX_LENGTH:
        raise ValueError("password too long")
    return _hasher().hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """True when ``password`` matches. Without a hash, a dummy hash is checked anyway so an
    unknown account takes as long to refuse as a wrong password."""
    if len(password) > MAX_LENGTH:
        return False
    hasher = _hasher()
    try:
        return hasher.verify(password_hash or _dummy_hash(), password) and bool(password_hash)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher().check_needs_rehash(password_hash)


def _dummy_hash() -> str:
    cfg = current_app.config
    key = (cfg["ARGON2_TIME_COST"], cfg["ARGON2_MEMORY_COST"])
    cached = _DUMMY.get(key)
    if cached is None:
        cached = _DUMMY[key] = _hasher().hash("not a real password, only for timing")
    return cached


_DUMMY: dict[tuple[int, int], str] = {}
