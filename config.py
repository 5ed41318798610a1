"""Configuration classes: Default (embedded, one machine), Test and Production.

Pick one with the environment variable ``PORTAL_CONFIG`` (``default``, ``test`` or
``production``); every value can also be overridden by an environment variable of the
same name where noted.
"""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = Path(os.environ.get("PORTAL_INSTANCE_DIR", BASE_DIR / "instance"))


def _env(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return value if value not in (None, "") else default


def instance_secret_key() -> str:
    """A stable secret for the embedded tier: kept in instance/secret_key, made on first run."""
    key = _env("SECRET_KEY")
    if key:
        return key
    path = INSTANCE_DIR / "secret_key"
    if path.exists():
        return path.read_text().strip()
    INSTANCE_DIR.mkdir(parents=True, exist_ok=True, mode=0o700)
    INSTANCE_DIR.chmod(0o700)
    key = secrets.token_urlsafe(48)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)  # never readable by others
    except FileExistsError:  # another process made it a moment ago
        return path.read_text().strip()
    with os.fdopen(fd, "w") as fh:
        fh.write(key)
    return key


#: Words that show a SECRET_KEY was typed by a person (or copied from an example), not drawn.
_PLACEHOLDER_WORDS = (
    "secret",
    "password",
    "passwd",
    "changeme",
    "change-me",
    "change_me",
    "example",
    "default",
    "satupintu",
    "portal",
    "production",
    "insecure",
    "letmein",
    "qwerty",
    "demo-portal",
)


def secret_key_problem(key: str) -> str | None:
    """Why ``key`` is not at least 32 random bytes, or None when it looks like one. A person
    cannot be proven random; this refuses what is short, repetitive or typed: under 32 bytes,
    under 16 different characters, a repeated block, a run of consecutive characters, a
    placeholder word, words joined by dashes or spaces, or under 128 bits by the key's own
    character frequencies."""
    import math
    import re
    from collections import Counter

    raw = key.encode()
    if len(raw) < 32:
        return f"it is {len(raw)} bytes long, under 32"
    if len(set(key)) < 10:
        return f"it uses only {len(set(key))} different characters"
    for size in range(1, len(key) // 2 + 1):
        if len(key) % size == 0 and key[:size] * (len(key) // size) == key:
            return "it is one short block repeated"
    steps = sum(1 for a, b in zip(key, key[1:], strict=False) if abs(ord(b) - ord(a)) == 1)
    if steps > len(key) // 2:
        return "it is mostly runs of consecutive characters (like abcd or 1234)"
    folded = key.lower()
    for word in _PLACEHOLDER_WORDS:
        if word in folded:
            return f"it contains the word {word!r}"
    parts = [p for p in re.split(r"[-_ .,:;/]+", key) if p]
    if len(parts) >= 3 and all(p.islower() or p.isdigit() or p.istitle() for p in parts):
        return "it is made of words"
    counts = Counter(key)
    bits = -sum(n * math.log2(n / len(key)) for n in counts.values())
    if bits < 128:
        return f"it holds about {bits:.0f} bits of randomness, under 128"
    return None


class Default:
    """The embedded tier: SQLite in WAL mode, local uploads, jobs in-process, limits in memory."""

    SECRET_KEY = _env("SECRET_KEY")  # the embedded tier makes one in instance/ (create_app)
    SQLALCHEMY_DATABASE_URI = _env("DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'portal.db'}")
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}
    INSTANCE_DIR = INSTANCE_DIR
    UPLOAD_ROOT = Path(_env("UPLOAD_ROOT", str(BASE_DIR / "uploads")))
    STORAGE_BACKEND = _env("STORAGE_BACKEND", "local")
    # nginx `internal` location aliased to UPLOAD_ROOT; when set, downloads use X-Accel-Redirect.
    X_ACCEL_REDIRECT_PREFIX = _env("X_ACCEL_REDIRECT_PREFIX")
    # S3-compatible object storage (STORAGE_BACKEND=s3). Credentials not set here come from
    # boto3's usual chain (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, an instance role).
    S3_BUCKET = _env("S3_BUCKET")
    S3_PREFIX = _env("S3_PREFIX", "")
    S3_ENDPOINT_URL = _env("S3_ENDPOINT_URL")
    S3_REGION = _env("S3_REGION", _env("AWS_DEFAULT_REGION", "us-east-1"))
    S3_ACCESS_KEY_ID = _env("S3_ACCESS_KEY_ID")
    S3_SECRET_ACCESS_KEY = _env("S3_SECRET_ACCESS_KEY")
    # Downloads (attachments) redirect to a short-lived presigned URL after the access check,
    # instead of passing through the app.
    S3_PRESIGNED_DOWNLOADS = _env("S3_PRESIGNED_DOWNLOADS", "0") == "1"
    S3_PRESIGN_SECONDS = int(_env("S3_PRESIGN_SECONDS", "60") or 60)
    # Behind nginx: trust one proxy's X-Forwarded-For/-Proto/-Host (werkzeug ProxyFix).
    PROXY_FIX = _env("PROXY_FIX", "0") == "1"
    MAIL_DIR = INSTANCE_DIR / "mail"

    # The demo accounts of `make run` (*@demo.test) may log in; never under Production.
    DEMO_ACCOUNTS_ENABLED = True

    # The public address of the portal; links in emails and QR codes always use it,
    # never the Host header of the request.
    BASE_URL = _env("BASE_URL", "http://127.0.0.1:5000")

    # The office, shown in the header, footer, emails and certificates.
    OFFICE_NAME = _env("OFFICE_NAME", "Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu")
    OFFICE_SHORT_NAME = _env("OFFICE_SHORT_NAME", "DPMPTSP")
    OFFICE_CITY = _env("OFFICE_CITY", "Kota Samarinda")
    OFFICE_ADDRESS = _env("OFFICE_ADDRESS", "Jl. Dahlia No. 81, Samarinda, Kalimantan Timur")
    OFFICE_PHONE = _env("OFFICE_PHONE", "(0541) 000000")
    OFFICE_WHATSAPP = _env("OFFICE_WHATSAPP", "0811 0000 0000")
    OFFICE_EMAIL = _env("OFFICE_EMAIL", "layanan@dpmptsp.demo.test")
    OFFICE_HOURS = _env("OFFICE_HOURS", "Senin-Jumat 08.00-15.00 WITA")
    TIMEZONE = _env("PORTAL_TIMEZONE", "Asia/Makassar")
    # The first month the office served (YYYY-MM): the monthly report refuses earlier periods.
    OFFICE_OPENED = _env("OFFICE_OPENED", "2024-01")

    # Permit signatures (portal/permits/signing). PERMIT_SIGNER "local": the PKCS#12 file
    # PERMIT_SIGNING_KEY (default instance/signing/office.p12) with PERMIT_SIGNING_PASSPHRASE
    # (default: the demo key's office.pass next to it); "remote": a signing service that gets
    # only the hash (PERMIT_SIGNING_REMOTE_URL, _TOKEN). An approval whose letter cannot be
    # signed is refused. PERMIT_TIMESTAMP_URL: an RFC 3161 timestamp server (optional).
    PERMIT_SIGNER = _env("PERMIT_SIGNER", "local")
    PERMIT_SIGNING_KEY = _env("PERMIT_SIGNING_KEY")
    PERMIT_SIGNING_PASSPHRASE = _env("PERMIT_SIGNING_PASSPHRASE")
    PERMIT_SIGNING_REMOTE_URL = _env("PERMIT_SIGNING_REMOTE_URL")
    PERMIT_SIGNING_REMOTE_TOKEN = _env("PERMIT_SIGNING_REMOTE_TOKEN")
    PERMIT_SIGNING_REMOTE_TIMEOUT = float(_env("PERMIT_SIGNING_REMOTE_TIMEOUT", "10") or 10)
    PERMIT_TIMESTAMP_URL = _env("PERMIT_TIMESTAMP_URL")
    # Keys made by `flask permits signing-key create` are marked as demo keys; never under Production.
    PERMIT_DEMO_SIGNING_KEYS = True
    PERMIT_SIGNING_THROWAWAY_KEY = False
    # The public "Periksa berkas izin" page reads an uploaded PDF up to this size (never stored).
    PERMIT_CHECK_MAX_BYTES = 10 * 1024 * 1024

    # Outgoing mail: with no MAIL_SERVER, messages are written to instance/mail/*.eml.
    MAIL_SERVER = _env("MAIL_SERVER")
    MAIL_PORT = int(_env("MAIL_PORT", "25") or 25)
    MAIL_USERNAME = _env("MAIL_USERNAME")
    MAIL_PASSWORD = _env("MAIL_PASSWORD")
    MAIL_USE_TLS = _env("MAIL_USE_TLS", "0") == "1"
    MAIL_USE_SSL = _env("MAIL_USE_SSL", "0") == "1"
    MAIL_TIMEOUT = 10
    MAIL_DEFAULT_SENDER = _env("MAIL_DEFAULT_SENDER", "SatuPintu <no-reply@dpmptsp.demo.test>")

    # Languages: Indonesian first.
    LANGUAGES = ("id", "en")
    BABEL_DEFAULT_LOCALE = "id"
    BABEL_DEFAULT_TIMEZONE = "Asia/Makassar"
    BABEL_TRANSLATION_DIRECTORIES = str(BASE_DIR / "portal" / "translations")

    # Sessions: idle and absolute limits are enforced server-side (auth.sessions).
    SESSION_COOKIE_NAME = "satupintu_session"
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    PERMANENT_SESSION_LIFETIME = timedelta(hours=12)
    SESSION_IDLE_TIMEOUT = timedelta(minutes=30)
    SESSION_ABSOLUTE_TIMEOUT = timedelta(hours=12)
    REMEMBER_COOKIE_DURATION = timedelta(seconds=0)  # remember-me is not offered
    # Staff second factor (auth.second_factor): wrong codes before a lock, how long it lasts,
    # how long a device may skip the code (at most 12 hours), how long the code prompt waits.
    SECOND_FACTOR_MAX_FAILURES = 5
    SECOND_FACTOR_LOCK = timedelta(minutes=15)
    SECOND_FACTOR_REMEMBER = timedelta(hours=12)
    SECOND_FACTOR_PENDING = timedelta(minutes=10)
    # Personal data retention (privacy.retention, `flask privacy retention` every night): a draft
    # untouched for this many days is deleted, with an email this many days before; the
    # documents of a rejected or withdrawn application are deleted this many days after.
    RETENTION_DRAFT_DAYS = int(_env("RETENTION_DRAFT_DAYS", "180"))
    RETENTION_DRAFT_REMINDER_DAYS = int(_env("RETENTION_DRAFT_REMINDER_DAYS", "14"))
    RETENTION_CLOSED_DOCUMENT_DAYS = int(_env("RETENTION_CLOSED_DOCUMENT_DAYS", "365"))

    WTF_CSRF_TIME_LIMIT = 8 * 3600
    HSTS = False

    # Request size: views marked @accepts_uploads take up to MAX_CONTENT_LENGTH (files stream
    # to disk); every other request up to MAX_FORM_BODY_SIZE (portal/request_limits.py). The
    # nginx site mirrors both per location (deploy/nginx/satupintu.conf): change them together.
    MAX_CONTENT_LENGTH = 60 * 1024 * 1024
    MAX_FORM_BODY_SIZE = 1024 * 1024
    MAX_FORM_MEMORY_SIZE = 1024 * 1024
    MAX_FORM_PARTS = 500

    # Rate limits (Flask-Limiter): memory by default, Redis when configured.
    RATELIMIT_STORAGE_URI = _env("RATELIMIT_STORAGE_URI", _env("REDIS_URL", "memory://"))
    RATELIMIT_HEADERS_ENABLED = True
    RATELIMIT_STRATEGY = "moving-window"
    RATELIMIT_SWALLOW_ERRORS = True
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    # Page views (portal.visits): one client counts at most this many (a person reads fewer
    # pages a minute), one page at most this many from everyone (a flood from many addresses).
    VISITS_PER_CLIENT = _env("VISITS_PER_CLIENT", "20 per minute")
    VISITS_PER_PAGE = _env("VISITS_PER_PAGE", "120 per minute")
    LOGIN_LIMIT_PER_ACCOUNT = "5 per minute"
    LOGIN_LIMIT_PER_ADDRESS = "20 per minute"
    EMAIL_LIMIT_PER_ADDRESS = "10 per hour"
    # Caps per target email address, whoever asks from wherever (auth.services
    # account_email_allowed): reset emails, and registration emails (the verification link,
    # "someone tried to register with your address", "your NIK is already used").
    RESET_EMAIL_LIMIT_PER_ACCOUNT = "3 per hour;10 per day"
    REGISTER_EMAIL_LIMIT_PER_ACCOUNT = "3 per hour;10 per day"

    REDIS_URL = _env("REDIS_URL")
    # Without RQ, a failed job is run again after 10 s, 1 min and 5 min by a timer thread of
    # the process (portal/jobs.py); JOBS_RETRY_INTERVALS sets the waits for both.
    JOBS_INLINE_RETRY = True
    # Webhooks go only to hosts whose every address is public (not private, loopback,
    # link-local, multicast, reserved); on, private hosts and plain http to them are allowed
    # (a closed network where the partner's receiver has a private address; the tests).
    WEBHOOK_ALLOW_PRIVATE_HOSTS = _env("WEBHOOK_ALLOW_PRIVATE_HOSTS", "") in ("1", "true", "yes")
    TOKEN_LIFETIME_VERIFY = timedelta(days=2)
    TOKEN_LIFETIME_RESET = timedelta(hours=1)
    ARGON2_TIME_COST = 3
    ARGON2_MEMORY_COST = 65536


class Test(Default):
    """The test suite: SQLite in a temporary file unless TEST_DATABASE_URL names PostgreSQL."""

    TESTING = True
    SECRET_KEY = "test-secret-key-not-for-production"  # noqa: S105
    SQLALCHEMY_DATABASE_URI = _env("TEST_DATABASE_URL", "sqlite://")
    BASE_URL = "http://portal.test"
    RATELIMIT_STORAGE_URI = "memory://"
    REDIS_URL = None  # jobs run inline unless a test points at Redis itself
    # A failed inline job is not retried later by a timer thread, unless a test asks for it.
    JOBS_INLINE_RETRY = False
    # Webhook receivers in the tests listen on 127.0.0.1 without TLS (off by default: Default).
    WEBHOOK_ALLOW_PRIVATE_HOSTS = True
    # Re-recordings of video guides stay pending; the tests that want one run it themselves.
    TUTORIAL_RECORDINGS_DISPATCH = False
    # Staff voices wait too (portal.recorder.voices.run_pending applies them).
    TUTORIAL_VOICES_DISPATCH = False
    MAIL_SERVER = None
    # Without a key file, approvals sign with a key made in memory once per run; the tests of a
    # missing, expired or locked key switch this off.
    PERMIT_SIGNING_THROWAWAY_KEY = True
    # Cheaper hashing keeps the suite fast (still argon2id, 1 MiB: about 1 ms a hash instead of
    # 6 ms at 8 MiB; a test run hashes thousands of times); production parameters are tested
    # separately.
    ARGON2_TIME_COST = 1
    ARGON2_MEMORY_COST = 1024


class Production(Default):
    """Several hosts: everything from environment variables; refuses to start without them."""

    SESSION_COOKIE_SECURE = True
    HSTS = True
    PREFERRED_URL_SCHEME = "https"
    PROXY_FIX = _env("PROXY_FIX", "1") == "1"
    # Demo accounts never authenticate, whatever the database holds (portal.auth.demo).
    DEMO_ACCOUNTS_ENABLED = False
    # A demo signing key (flask permits signing-key create) never signs a permit here.
    PERMIT_DEMO_SIGNING_KEYS = False

    @classmethod
    def check(cls) -> None:
        missing = [name for name in ("SECRET_KEY", "DATABASE_URL", "BASE_URL") if not _env(name)]
        if (_env("STORAGE_BACKEND") or "local").lower() == "s3" and not _env("S3_BUCKET"):
            missing.append("S3_BUCKET")
        if missing:
            raise RuntimeError(
                "Production configuration needs these environment variables: " + ", ".join(missing)
            )
        problem = secret_key_problem(_env("SECRET_KEY") or "")
        if problem:
            raise RuntimeError(
                f"SECRET_KEY is too weak: {problem}. Use at least 32 random bytes, for example "
                "the output of: python3 -c 'import secrets; print(secrets.token_urlsafe(48))'"
            )


CONFIGS = {"default": Default, "test": Test, "production": Production}
