"""Webhook targets cannot reach the bank's own network (issue 17): the subscription input
refuses them, and each delivery resolves the name, refuses inward addresses, connects to the
address it checked, follows no redirect and reads a bounded answer in bounded time. Against
real HTTP and HTTPS servers on 127.0.0.1."""

from __future__ import annotations

import datetime as dt
import ssl
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from lc.integrations import egress

NAME = "hooks.example.test"


class Server:
    """A real HTTP(S) server on 127.0.0.1 recording each request; `behaviour` picks the answer."""

    def __init__(self, behaviour: str = "ok", tls: ssl.SSLContext | None = None) -> None:
        self.requests: list[dict[str, str]] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                self.rfile.read(int(self.headers.get("content-length", 0)))
                outer.requests.append({"path": self.path, "host": self.headers.get("host", "")})
                if behaviour == "slow":
                    time.sleep(3)
                if behaviour == "redirect":
                    self.send_response(302)
                    self.send_header("Location", "/elsewhere")
                    self.end_headers()
                    return
                self.send_response(200)
                body = b"x" * (10 * 1024 * 1024) if behaviour == "huge" else b"ok"
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                try:
                    self.wfile.write(body)
                except OSError:
                    pass  # the client stopped reading: that is the point

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        if tls is not None:
            self.server.socket = tls.wrap_socket(self.server.socket, server_side=True)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def server() -> Iterator[Server]:
    s = Server()
    yield s
    s.close()


def pinned(address: str = "127.0.0.1") -> egress.Resolver:
    """A resolver that knows NAME only (the system resolver never heard of it)."""
    return lambda host, port: [address] if host == NAME else []


@pytest.mark.parametrize("url", [
    "http://169.254.169.254/latest/meta-data/", "https://169.254.169.254/", "https://10.0.0.1/hook",
    "https://192.168.1.10/", "https://172.16.0.1/", "https://[::1]/hook", "https://127.0.0.1/hook",
    "https://[::ffff:127.0.0.1]/", "https://[fe80::1]/", "https://224.0.0.1/", "https://0.0.0.0/",
    "https://localhost/hook", "http://example.com/hook", "ftp://example.com/", "https://user:pw@example.com/",
    "file:///etc/passwd", "gopher://example.com/", "https://100.64.0.1/",
])
def test_inward_or_plain_targets_are_refused(url: str) -> None:
    with pytest.raises(egress.Refused):
        egress.parse(url, debug=False)
        egress.resolve(egress.parse(url, debug=False), debug=False)


def test_a_public_https_target_is_accepted() -> None:
    target = egress.parse("https://hooks.example.com:8443/in?x=1")
    assert (target.host, target.port, target.path) == ("hooks.example.com", 8443, "/in?x=1")
    assert egress.resolve(target, False, lambda h, p: ["93.184.216.34"]) == "93.184.216.34"


def test_a_name_with_any_inward_address_is_refused() -> None:
    """A name answering a public and a private address is refused, whichever comes first."""
    target = egress.parse(f"https://{NAME}/")
    with pytest.raises(egress.Refused):
        egress.resolve(target, False, lambda h, p: ["93.184.216.34", "10.1.2.3"])


def test_delivery_to_loopback_is_refused_without_debug(server: Server) -> None:
    outcome = egress.post(f"http://127.0.0.1:{server.port}/hook", b"{}", {}, debug=False)
    assert outcome.status is None and outcome.error.startswith("refused")
    outcome = egress.post(f"https://{NAME}:{server.port}/hook", b"{}", {}, debug=False, resolver=pinned())
    assert outcome.status is None and outcome.error.startswith("refused")
    assert server.requests == []


def test_plain_http_to_loopback_is_delivered_in_debug(server: Server) -> None:
    outcome = egress.post(f"http://127.0.0.1:{server.port}/hook", b"{}", {}, debug=True)
    assert outcome.status == 200 and server.requests == [{"path": "/hook", "host": f"127.0.0.1:{server.port}"}]


def test_redirects_are_not_followed() -> None:
    s = Server("redirect")
    try:
        outcome = egress.post(f"http://127.0.0.1:{s.port}/hook", b"{}", {}, debug=True)
    finally:
        s.close()
    assert outcome.status == 302 and outcome.error == "HTTP 302"
    assert [r["path"] for r in s.requests] == ["/hook"]


def test_the_answer_is_read_up_to_the_bound() -> None:
    s = Server("huge")
    try:
        outcome = egress.post(f"http://127.0.0.1:{s.port}/hook", b"{}", {}, debug=True)
    finally:
        s.close()
    assert outcome.status == 200 and len(outcome.body) == egress.MAX_RESPONSE_BYTES


def test_a_slow_target_times_out() -> None:
    s = Server("slow")
    started = time.monotonic()
    try:
        outcome = egress.post(f"http://127.0.0.1:{s.port}/hook", b"{}", {}, debug=True, timeout=0.5)
    finally:
        s.close()
    assert outcome.status is None and "timed out" in outcome.error.lower()
    assert time.monotonic() - started < 2.5


def _tls_pair(tmp: Path) -> tuple[ssl.SSLContext, ssl.SSLContext]:
    """A self-signed certificate for NAME: the server's context and a client trusting only it."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, NAME)])
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(minutes=5))
            .not_valid_after(now + dt.timedelta(hours=1))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName(NAME)]), critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    (tmp / "cert.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (tmp / "key.pem").write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                    serialization.NoEncryption()))
    server_ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_ctx.load_cert_chain(tmp / "cert.pem", tmp / "key.pem")
    client_ctx = ssl.create_default_context(cafile=str(tmp / "cert.pem"))
    return server_ctx, client_ctx


def test_https_connects_to_the_checked_address_with_the_name_for_tls(tmp_path: Path) -> None:
    """The name resolves (once, here to loopback in DEBUG) and the connection goes to that
    address, while TLS checks the certificate against the name and Host carries it: no second
    lookup happens that a rebinding DNS could answer differently."""
    server_ctx, client_ctx = _tls_pair(tmp_path)
    s = Server(tls=server_ctx)
    lookups: list[str] = []

    def once(host: str, port: int) -> list[str]:
        lookups.append(host)
        return ["127.0.0.1"] if len(lookups) == 1 else ["10.0.0.1"]

    try:
        outcome = egress.post(f"https://{NAME}:{s.port}/hook", b"{}", {}, debug=True, resolver=once,
                              context=client_ctx)
        wrong_name = egress.post(f"https://other.example.test:{s.port}/hook", b"{}", {}, debug=True,
                                 resolver=lambda h, p: ["127.0.0.1"], context=client_ctx)
    finally:
        s.close()
    assert outcome.status == 200, outcome.error
    assert lookups == [NAME] and s.requests == [{"path": "/hook", "host": f"{NAME}:{s.port}"}]
    assert wrong_name.status is None and "certificate" in wrong_name.error.lower()


@pytest.mark.django_db
def test_the_api_refuses_inward_subscription_urls(cast: Any) -> None:
    from lc.integrations.keys import create_api_key
    from tests.api.conftest import client_with_key

    api = client_with_key(create_api_key(user=cast.users["hhl.treasury"], name="t")[1])
    for url in ("http://169.254.169.254/", "https://10.0.0.1/", "https://[::1]/", "http://127.0.0.1:8080/"):
        response = api.post("/api/v1/webhooks/", {"url": url}, format="json")
        assert response.status_code == 400, (url, response.content)
        assert response["Content-Type"] == "application/problem+json"
    assert api.post("/api/v1/webhooks/", {"url": "https://erp.example.com/hooks"}, format="json").status_code == 201


@pytest.mark.django_db
def test_a_delivery_to_loopback_is_refused_and_logged_as_refused(cast: Any, server: Server) -> None:
    from lc.integrations import webhooks
    from lc.models import WebhookDelivery, WebhookSubscription

    sub = WebhookSubscription.objects.create(organization=cast.orgs["importer"], secret=webhooks.new_secret(),
                                             url=f"http://127.0.0.1:{server.port}/hook", events=[])
    delivery = WebhookDelivery.objects.create(subscription=sub, event_id="evt_1", event_type="credit.issued",
                                              payload={"type": "credit.issued"})
    assert webhooks.attempt(delivery) is False
    assert delivery.last_status_code is None and delivery.last_error.startswith("refused")
    assert server.requests == []
