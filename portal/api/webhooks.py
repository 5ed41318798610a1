"""Webhooks: every application status change is posted, signed, to the endpoints admins
registered, through the job queue, with bounded retries; a delivery log admins can read.

- The receiver of ``applications.signals.status_changed`` writes one ``WebhookDelivery`` per
  (status change, endpoint) in the workflow's transaction (a unique constraint), so a change
  that rolls back is never announced. Once the change commits, the deliveries are handed to
  the job queue (after the request, or at the end of a job), like the email outbox.
- ``deliver`` claims the row with a conditional UPDATE (PENDING -> SENDING) and commits before
  posting, so two workers never post the same delivery, and one the receiver acknowledged
  (2xx) is DELIVERED and never posted again. Each try is logged (``WebhookAttempt``). A
  refused try (timeout, refused connection, non-2xx, a redirect) puts the row back to PENDING
  and raises, so the queue retries it after its backoff (``JOBS_RETRY_INTERVALS``: 10 s,
  1 min, 5 min; with RQ its scheduler, without Redis the job layer's timer thread); after
  ``WEBHOOK_MAX_ATTEMPTS`` tries (4) it is FAILED. Redirects are never
  followed; the timeout is ``WEBHOOK_TIMEOUT_SECONDS`` (5).
- Signature: header ``X-SatuPintu-Signature: t=<unix seconds>,v1=<hex>``, where ``<hex>`` is
  HMAC-SHA256 with the endpoint's secret over ``"<t>." + body`` (the raw bytes of the body).
  A receiver recomputes it, compares in constant time and refuses a ``t`` older than 5
  minutes. ``X-SatuPintu-Delivery`` is the delivery's id: the same on every retry.
- Addresses (server-side request forgery): ``target`` allows https only, no user or password,
  and a host whose every address is public (not private, loopback, link-local, multicast,
  reserved, unspecified, shared; IPv4 inside IPv6 judged as IPv4; any numeric spelling the C
  library reads is resolved to what it means). It runs when an admin registers the endpoint
  and again before every try: a host that now resolves inside is recorded as FAILED, not sent
  (DNS rebinding), and the try connects to the address just checked (``_Pinned*Connection``),
  never resolving again. ``WEBHOOK_ALLOW_PRIVATE_HOSTS`` (off; on in the tests' config) lets
  private hosts, and plain http to them, through.
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import ipaddress
import json
import secrets
import socket
import ssl
import time
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from flask import Flask, Response, current_app, g, has_app_context
from flask_babel import lazy_gettext as _l
from sqlalchemy import event, select, update
from sqlalchemy.orm import Session

from portal.api.models import DeliveryState, WebhookAttempt, WebhookDelivery, WebhookEndpoint
from portal.applications.models import Application, AuditEvent
from portal.audit.services import audit as audit_log
from portal.auth.models import User
from portal.catalogue.models import PermitCategory
from portal.db import rowcount, utcnow
from portal.errors import PortalError
from portal.extensions import db
from portal.jobs import enqueue, job_context, job_finished

EVENT_TYPE = "application.status_changed"
SIGNATURE_HEADER = "X-SatuPintu-Signature"
DELIVERY_HEADER = "X-SatuPintu-Delivery"
EVENT_HEADER = "X-SatuPintu-Event"
DEFAULT_TIMEOUT = 5
DEFAULT_MAX_ATTEMPTS = 4
MAX_LOGGED_ERROR = 500


class WebhookError(PortalError):
    """An endpoint an admin cannot register (bad address)."""


class HostNotFound(WebhookError):
    """The endpoint's host does not resolve (now)."""


class PrivateHost(WebhookError):
    """The endpoint's host resolves to an address webhooks are never sent to."""

    def __init__(self, message: object, addresses: list[str]) -> None:
        super().__init__(message)
        self.addresses = addresses


class DeliveryFailed(Exception):
    """One try failed; raised so the job queue retries the delivery after its backoff."""


# -- endpoints (admins) -------------------------------------------------------------------------
#: NAT64 (RFC 6052): the last 32 bits are an IPv4 address.
_NAT64 = ipaddress.ip_network("64:ff9b::/96")


def resolve(host: str, port: int) -> list[str]:
    """Every address ``host`` resolves to now (the system resolver: /etc/hosts, then DNS).
    A numeric host in any form the C library reads (``2130706433``, ``0x7f000001``,
    ``0177.0.0.1``, ``127.1``) comes back as the address it means."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def _public(address: str) -> bool:
    """True for an address on the internet: not private, loopback, link-local, multicast,
    reserved, unspecified or shared (100.64/10); an IPv4-mapped, 6to4, Teredo or NAT64
    IPv6 address is judged by the IPv4 address inside it."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address):
        inner = ip.ipv4_mapped or ip.sixtofour or (ip.teredo[1] if ip.teredo else None)
        if inner is None and ip in _NAT64:
            inner = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        if inner is not None and not _public(str(inner)):
            return False
    return ip.is_global and not (
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
    )


class Target:
    """Where one URL may be posted: its parts and the checked address to connect to."""

    def __init__(self, scheme: str, host: str, port: int, path: str, address: str) -> None:
        self.scheme, self.host, self.port, self.path, self.address = scheme, host, port, path, address


def _split(url: str) -> tuple[str, str, int, str]:
    """(scheme, host, port, path and query) of an http(s) address without user or password."""
    parts = urlsplit(url)
    try:
        port = parts.port
    except ValueError:
        port = None
        host = ""
    else:
        host = parts.hostname or ""
    if len(url) > 500 or parts.scheme not in ("https", "http") or not host:
        raise WebhookError(_l("Give the full address of the endpoint, starting with https://."))
    if "@" in parts.netloc or parts.username is not None or parts.password is not None:
        raise WebhookError(_l("Give the address without a user name or password in it."))
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return parts.scheme, host, port or (443 if parts.scheme == "https" else 80), path


def target(url: str) -> Target:
    """Check ``url`` against the rules of webhooks, resolving its host now; raises
    ``WebhookError`` with the reason. https only, no user or password, and a host whose every
    address is public, unless WEBHOOK_ALLOW_PRIVATE_HOSTS is on (tests, a closed network):
    then private hosts are allowed, and plain http to them."""
    scheme, host, port, path = _split(url)
    name = host.rstrip(".").lower()
    if (name == "localhost" or name.endswith(".localhost")) and not current_app.config.get(
        "WEBHOOK_ALLOW_PRIVATE_HOSTS"
    ):
        # RFC 6761: always this machine, whatever a resolver says of it.
        raise PrivateHost(
            _l(
                "The address %(host)s leads to a private or local network (%(address)s). "
                "Webhooks are sent only to hosts on the internet.",
                host=host,
                address=name,
            ),
            [name],
        )
    try:
        addresses = resolve(host, port)
    except (OSError, UnicodeError):
        raise HostNotFound(
            _l("The host %(host)s could not be found. Check the address.", host=host)
        ) from None
    private = [address for address in addresses if not _public(address)]
    if not current_app.config.get("WEBHOOK_ALLOW_PRIVATE_HOSTS"):
        if private or not addresses:
            raise PrivateHost(
                _l(
                    "The address %(host)s leads to a private or local network (%(address)s). "
                    "Webhooks are sent only to hosts on the internet.",
                    host=host,
                    address=", ".join(private) or "-",
                ),
                private,
            )
        if scheme != "https":
            raise WebhookError(_l("Give the full address of the endpoint, starting with https://."))
    elif scheme != "https" and len(private) != len(addresses):
        raise WebhookError(_l("Give the full address of the endpoint, starting with https://."))
    return Target(scheme, host, port, path, addresses[0])


def check_url(url: str) -> str:
    """The address, stripped, when an endpoint may be registered there (see ``target``)."""
    url = (url or "").strip()
    target(url)
    return url


def register(name: str, url: str, categories: list[str], admin: User | None) -> WebhookEndpoint:
    """A new endpoint with a new secret (the caller commits)."""
    name = (name or "").strip()
    if not name:
        raise WebhookError(_l("Give the endpoint a name (the partner it is for)."))
    endpoint = WebhookEndpoint(
        name=name[:120],
        url=check_url(url),
        secret=secrets.token_urlsafe(32),
        categories=sorted(set(categories)),
        created_by_id=admin.id if admin else None,
    )
    db.session.add(endpoint)
    db.session.flush()
    audit_log(admin, "webhook.register", "webhook_endpoint", endpoint.id, f"{endpoint.name} {endpoint.url}")
    return endpoint


def set_active(endpoint_id: int, active: bool, admin: User | None) -> WebhookEndpoint | None:
    endpoint = db.session.get(WebhookEndpoint, endpoint_id)
    if endpoint is not None:
        endpoint.active = active
        audit_log(admin, "webhook.enable" if active else "webhook.disable", "webhook_endpoint", endpoint.id)
    return endpoint


def list_endpoints() -> list[WebhookEndpoint]:
    return list(db.session.scalars(select(WebhookEndpoint).order_by(WebhookEndpoint.id)))


def delivery_log(endpoint_id: int, limit: int = 50) -> list[tuple[WebhookDelivery, list[WebhookAttempt]]]:
    """The endpoint's latest deliveries, newest first, each with its tries."""
    deliveries = list(
        db.session.scalars(
            select(WebhookDelivery)
            .where(WebhookDelivery.endpoint_id == endpoint_id)
            .order_by(WebhookDelivery.id.desc())
            .limit(limit)
        )
    )
    attempts: dict[int, list[WebhookAttempt]] = {d.id: [] for d in deliveries}
    if deliveries:
        for attempt in db.session.scalars(
            select(WebhookAttempt)
            .where(WebhookAttempt.delivery_id.in_(list(attempts)))
            .order_by(WebhookAttempt.delivery_id, WebhookAttempt.number)
        ):
            attempts[attempt.delivery_id].append(attempt)
    return [(d, attempts[d.id]) for d in deliveries]


# -- events -------------------------------------------------------------------------------------
def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat().replace("+00:00", "Z") if moment else None


def on_status_changed(application: Application, *, audit: AuditEvent, **_: object) -> None:
    """``status_changed`` receiver: one delivery per active endpoint that hears of this
    category, written in the workflow's transaction."""
    endpoints = list(db.session.scalars(select(WebhookEndpoint).where(WebhookEndpoint.active.is_(True))))
    if not endpoints:
        return
    slug = db.session.scalar(select(PermitCategory.slug).where(PermitCategory.id == application.category_id))
    if audit.id is None:
        db.session.flush()
    payload = {
        "id": f"evt_{audit.id}",
        "type": EVENT_TYPE,
        "created_at": _iso(audit.created_at or utcnow()),
        "data": {
            "tracking_number": application.tracking_number,
            "category": slug,
            "from_status": audit.from_status,
            "to_status": audit.to_status,
        },
    }
    new = []
    for endpoint in endpoints:
        if endpoint.categories and slug not in endpoint.categories:
            continue
        delivery = WebhookDelivery(
            event_id=audit.id, endpoint_id=endpoint.id, event_type=EVENT_TYPE, payload=payload
        )
        db.session.add(delivery)
        new.append(delivery)
    db.session.flush()
    db.session.info.setdefault("webhook_new", []).extend(d.id for d in new)


@event.listens_for(Session, "after_commit")
def _remember_committed(session: Session) -> None:
    ids = session.info.pop("webhook_new", None)
    if ids and has_app_context():
        g.setdefault("webhook_committed", []).extend(ids)


@event.listens_for(Session, "after_rollback")
def _forget_after_rollback(session: Session) -> None:
    session.info.pop("webhook_new", None)


def dispatch_queued() -> int:
    """Hand the deliveries committed so far in this request or job to the job queue."""
    ids = g.pop("webhook_committed", None) if has_app_context() else None
    handed = 0
    for delivery_id in ids or []:
        try:
            enqueue(deliver, delivery_id)
            handed += 1
        except Exception:  # noqa: BLE001 - committed already; `flask api webhooks requeue` hands it on
            current_app.logger.exception("could not queue webhook delivery %s", delivery_id)
    return handed


# -- delivering ---------------------------------------------------------------------------------
def sign(secret: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(secret.encode(), str(timestamp).encode() + b"." + body, hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """Connects to the address that was checked, not to what the host resolves to later."""

    def __init__(self, target: Target, timeout: float) -> None:
        super().__init__(target.host, target.port, timeout=timeout)
        self._address = target.address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """TLS to the checked address; the certificate is verified for the URL's host name."""

    def __init__(self, target: Target, timeout: float) -> None:
        super().__init__(target.host, target.port, timeout=timeout, context=ssl.create_default_context())
        self._address = target.address

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)  # type: ignore[attr-defined]


def _post(
    target: Target, body: bytes, headers: dict[str, str], timeout: float
) -> tuple[int | None, str | None]:
    """POST once to the checked address: (status, None) when answered, (status or None, error)
    otherwise. Redirects are never followed (http.client does not follow them)."""
    connection: http.client.HTTPConnection
    if target.scheme == "https":
        connection = _PinnedHTTPSConnection(target, timeout)
    else:
        connection = _PinnedHTTPConnection(target, timeout)
    try:
        connection.request("POST", target.path, body=body, headers=headers)
        response = connection.getresponse()
        response.read(64 * 1024)
        status = response.status
        if 300 <= status < 400:
            return status, f"redirect to {response.headers.get('Location', '?')} not followed"
        if not 200 <= status < 300:
            return status, f"HTTP {status}"
        return status, None
    except (OSError, http.client.HTTPException, ValueError) as exc:
        return None, f"{type(exc).__name__}: {exc}"
    finally:
        connection.close()


def deliver(delivery_id: int) -> bool:
    """Post one delivery once (the job). True when the receiver acknowledged it (2xx)."""
    with job_context():
        claimed = rowcount(
            db.session.execute(
                update(WebhookDelivery)
                .where(WebhookDelivery.id == delivery_id, WebhookDelivery.state == DeliveryState.PENDING)
                .values(
                    state=DeliveryState.SENDING, attempts=WebhookDelivery.attempts + 1, claimed_at=utcnow()
                )
                .execution_options(synchronize_session=False)
            )
        )
        # Committing on purpose: the claim must hold before the receiver is called, so a
        # second worker (or a retried job) finds it taken.
        db.session.commit()
        if claimed != 1:
            return False
        delivery = db.session.get_one(WebhookDelivery, delivery_id)
        endpoint = db.session.get_one(WebhookEndpoint, delivery.endpoint_id)
        cfg = current_app.config
        body = json.dumps(delivery.payload, separators=(",", ":"), sort_keys=True).encode()
        headers = {
            "Content-Type": "application/json",
            "User-Agent": "SatuPintu-Webhooks/1",
            EVENT_HEADER: delivery.event_type,
            DELIVERY_HEADER: str(delivery.id),
            SIGNATURE_HEADER: sign(endpoint.secret, int(time.time()), body),
        }
        started = time.monotonic()
        refused = False
        status: int | None = None
        error: str | None
        try:
            # Resolved again now: the host may point elsewhere since it was registered.
            checked = target(endpoint.url)
        except PrivateHost as exc:
            error, refused = f"not sent: {exc.addresses[0]} is a private or local address", True
        except WebhookError:  # not found now: a try like a refused connection, retried
            error = f"not sent: {urlsplit(endpoint.url).hostname} could not be resolved"
        else:
            status, error = _post(checked, body, headers, cfg.get("WEBHOOK_TIMEOUT_SECONDS", DEFAULT_TIMEOUT))
        ok = status is not None and 200 <= status < 300 and error is None
        db.session.add(
            WebhookAttempt(
                delivery_id=delivery.id,
                number=delivery.attempts,
                status_code=status,
                error=(error or "")[:MAX_LOGGED_ERROR] or None,
                duration_ms=int((time.monotonic() - started) * 1000),
            )
        )
        if ok:
            delivery.state = DeliveryState.DELIVERED
            delivery.delivered_at = utcnow()
        elif refused or delivery.attempts >= cfg.get("WEBHOOK_MAX_ATTEMPTS", DEFAULT_MAX_ATTEMPTS):
            delivery.state = DeliveryState.FAILED
        else:
            delivery.state = DeliveryState.PENDING
        # Committing on purpose: the try is logged even when the job then fails for a retry.
        db.session.commit()
        if delivery.state is DeliveryState.PENDING:
            raise DeliveryFailed(f"webhook delivery {delivery.id}: {error}")
        return ok


def requeue_pending() -> int:
    """Hand every PENDING delivery to the queue again (after a worker crash, or a web process
    that stopped before its in-process retry was due): ``flask api webhooks-requeue``."""
    # A try still SENDING after ten minutes outlived any timeout: its worker died.
    crashed = utcnow() - timedelta(minutes=10)
    db.session.execute(
        update(WebhookDelivery)
        .where(WebhookDelivery.state == DeliveryState.SENDING, WebhookDelivery.claimed_at < crashed)
        .values(state=DeliveryState.PENDING)
        .execution_options(synchronize_session=False)
    )
    stuck = list(
        db.session.scalars(select(WebhookDelivery.id).where(WebhookDelivery.state == DeliveryState.PENDING))
    )
    db.session.commit()
    for delivery_id in stuck:
        enqueue(deliver, delivery_id)
    return len(stuck)


def _dispatch_after_job(_app: object, **_: object) -> None:
    dispatch_queued()


def init_app(app: Flask) -> None:
    job_finished.connect(_dispatch_after_job)

    @app.after_request
    def _dispatch(response: Response) -> Response:
        dispatch_queued()
        return response


def payload_preview(delivery: WebhookDelivery) -> str:
    return json.dumps(delivery.payload, ensure_ascii=False, sort_keys=True)
