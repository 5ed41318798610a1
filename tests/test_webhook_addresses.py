"""Webhook addresses against server-side request forgery (issue 19): with
WEBHOOK_ALLOW_PRIVATE_HOSTS off (the default outside the tests), an admin cannot register an
endpoint whose host is or resolves to a private, loopback, link-local, multicast, reserved or
unspecified address, in any spelling (decimal, octal, hex, IPv4-mapped IPv6, localhost), nor a
non-https address or one with a user name or password; and every delivery resolves the host
again, refuses (records, does not send) when it now points inside, and connects to the address
it checked. ``dns`` is the resolver's answer for names the tests make up (there is no DNS
here); numeric hosts and localhost go through the system resolver as in production."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from portal.api import webhooks
from portal.api.models import DeliveryState, WebhookAttempt, WebhookDelivery, WebhookEndpoint
from portal.auth.models import Role
from portal.extensions import db
from tests.conftest import login, make_user, post_form
from tests.webhook_receiver import Receiver
from tests.wizard_helpers import make_category, make_submitted

PUBLIC = "93.184.216.34"  # never connected to: every test that resolves to it only registers


class Dns(dict):
    """Names made up by the tests -> their addresses; anything else: the system resolver.
    ``asked`` lists every host looked up."""

    def __init__(self, system):
        super().__init__()
        self.system = system
        self.asked: list[str] = []

    def resolve(self, host: str, port: int) -> list[str]:
        self.asked.append(host)
        return list(self[host]) if host in self else self.system(host, port)


@pytest.fixture
def dns(monkeypatch):
    fake = Dns(webhooks.resolve)
    monkeypatch.setattr(webhooks, "resolve", fake.resolve)
    return fake


@pytest.fixture
def strict(app):
    app.config["WEBHOOK_ALLOW_PRIVATE_HOSTS"] = False
    yield app
    app.config["WEBHOOK_ALLOW_PRIVATE_HOSTS"] = True


@pytest.fixture
def receiver():
    r = Receiver().start()
    yield r
    r.stop()


INSIDE = [
    "https://127.0.0.1/hook",
    "https://127.0.0.1:8443/hook",
    "https://2130706433/hook",  # 127.0.0.1 as one decimal number
    "https://0x7f000001/hook",  # hex
    "https://0x7f.0.0.1/hook",
    "https://0177.0.0.1/hook",  # octal
    "https://017700000001/hook",
    "https://127.1/hook",
    "https://0.0.0.0/hook",
    "https://0/hook",
    "https://[::1]/hook",
    "https://[::]/hook",
    "https://[0:0:0:0:0:0:0:1]/hook",
    "https://[::ffff:127.0.0.1]/hook",  # IPv4-mapped IPv6
    "https://[::ffff:7f00:1]/hook",
    "https://[::ffff:10.0.0.1]/hook",
    "https://[::ffff:169.254.169.254]/hook",
    "https://[64:ff9b::7f00:1]/hook",  # NAT64 of 127.0.0.1
    "https://[2002:7f00:1::]/hook",  # 6to4 of 127.0.0.1
    "https://localhost/hook",
    "https://LOCALHOST:8443/hook",
    "https://localhost./hook",
    "https://api.localhost/hook",
    "https://10.0.0.5/hook",
    "https://172.16.0.1/hook",
    "https://172.31.255.254/hook",
    "https://192.168.1.1/hook",
    "https://169.254.169.254/latest/meta-data/",  # link-local: cloud metadata
    "https://100.64.0.1/hook",  # shared address space (carrier NAT)
    "https://224.0.0.1/hook",  # multicast
    "https://239.255.255.250/hook",
    "https://240.0.0.1/hook",  # reserved
    "https://255.255.255.255/hook",
    "https://[fe80::1]/hook",
    "https://[fc00::1]/hook",
    "https://[fd12:3456::1]/hook",
    "https://[ff02::1]/hook",
    "https://intranet.partner.example/hook",  # a DNS name that resolves to 127.0.0.1
    "https://mixed.partner.example/hook",  # one public and one private address
    "https://v6.partner.example/hook",  # a DNS name whose AAAA is ::1
]


@pytest.mark.parametrize("url", INSIDE)
def test_an_address_inside_is_refused(strict, dns, url):
    dns["intranet.partner.example"] = ["127.0.0.1"]
    dns["mixed.partner.example"] = [PUBLIC, "10.1.2.3"]
    dns["v6.partner.example"] = ["::1"]
    with pytest.raises(webhooks.PrivateHost) as refused:
        webhooks.register("Dinas PUPR", url, [], None)
    assert "jaringan privat atau lokal" in str(refused.value)  # Indonesian outside a request
    assert refused.value.addresses and all(a in str(refused.value) for a in refused.value.addresses)
    assert db.session.scalar(select(func.count()).select_from(WebhookEndpoint)) == 0


@pytest.mark.parametrize(
    "url",
    [
        f"http://{PUBLIC}/hook",  # plain http to the internet
        "ftp://partner.example/hook",
        "gopher://partner.example:70/_GET",
        "file:///etc/passwd",
        "javascript:alert(1)",
        "data:text/plain,hi",
        "//partner.example/hook",
        "partner.example/hook",
        "https://",
        "https://partner.example:99999/hook",
        "https://user@partner.example/hook",
        "https://user:pw@partner.example/hook",
        "https://:pw@partner.example/hook",
        "https://partner.example@127.0.0.1/hook",
        "https://unknown.partner.example/hook",  # does not resolve
    ],
)
def test_other_bad_addresses_are_refused(strict, dns, url):
    dns["partner.example"] = [PUBLIC]
    with pytest.raises(webhooks.WebhookError):
        webhooks.register("Dinas PUPR", url, [], None)
    assert db.session.scalar(select(func.count()).select_from(WebhookEndpoint)) == 0


@pytest.mark.parametrize("url", ["https://partner.example/hook", f"https://{PUBLIC}:8443/hook?k=1"])
def test_an_address_on_the_internet_is_accepted(strict, dns, url):
    dns["partner.example"] = [PUBLIC]
    endpoint = webhooks.register("Dinas PUPR", url, [], None)
    assert endpoint.url == url


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("id", ["mengarah ke jaringan privat atau lokal", "Webhook hanya dikirim ke host di internet"]),
        ("en", ["leads to a private or local network", "Webhooks are sent only to hosts on the internet"]),
    ],
)
@pytest.mark.parametrize("url", ["http://2130706433/", "https://[::ffff:127.0.0.1]/x", "https://localhost/x"])
def test_the_admin_form_says_why_and_saves_nothing(client, strict, lang, words, url):
    admin = make_user(Role.ADMIN)
    login(client, admin.email)
    client.get(f"/admin/api/webhooks?lang={lang}")
    response = post_form(client, "/admin/api/webhooks", {"name": "Dinas PUPR", "url": url})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    for word in words:
        assert word in html
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(WebhookEndpoint)) == 0


def test_a_delivery_to_a_host_that_now_resolves_inside_is_recorded_and_not_sent(strict, dns, receiver):
    """DNS rebinding: public when registered, 127.0.0.1 (the receiver) when delivered."""
    port = receiver.server.server_address[1]
    dns["partner.example"] = [PUBLIC]
    webhooks.register("Dinas PUPR", f"https://partner.example:{port}/hook", [], None)
    db.session.commit()
    dns["partner.example"] = ["127.0.0.1"]
    make_submitted(make_user(Role.APPLICANT), make_category())
    webhooks.dispatch_queued()
    db.session.expire_all()
    (delivery,) = db.session.scalars(select(WebhookDelivery))
    (attempt,) = db.session.scalars(select(WebhookAttempt))
    assert delivery.state is DeliveryState.FAILED and delivery.attempts == 1
    assert attempt.status_code is None
    assert attempt.error == "not sent: 127.0.0.1 is a private or local address"
    assert receiver.received == []
    assert webhooks.requeue_pending() == 0  # a refused delivery is not tried again


def test_a_delivery_connects_to_the_address_it_checked(app, dns, receiver):
    """With private hosts allowed: the made-up name reaches the receiver only through the
    address the check resolved (the system resolver does not know it); Host names the URL's."""
    port = receiver.server.server_address[1]
    dns["partner.example"] = ["127.0.0.1"]
    webhooks.register("Dinas PUPR", f"http://partner.example:{port}/hook?from=satupintu", [], None)
    db.session.commit()
    make_submitted(make_user(Role.APPLICANT), make_category())
    webhooks.dispatch_queued()
    db.session.expire_all()
    (delivery,) = db.session.scalars(select(WebhookDelivery))
    assert delivery.state is DeliveryState.DELIVERED
    (received,) = receiver.received
    assert received.path == "/hook?from=satupintu"
    assert received.headers["host"] == f"partner.example:{port}"
    assert dns.asked.count("partner.example") == 2  # registered, then delivered
