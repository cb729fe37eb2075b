"""Outbound HTTP to addresses our customers choose (webhook targets), without turning the
worker into a probe of the bank's own network (SSRF, issue 17).

Pure Python (no Django): the caller passes DEBUG in.

- https only; plain http only to a loopback address, and only when DEBUG is on (a developer's
  local receiver).
- The host name is resolved when the request is sent, and every address it resolves to must be
  public: private, loopback, link-local (169.254.169.254, the cloud metadata service), multicast,
  reserved and unspecified addresses are refused, IPv4-mapped IPv6 forms included.
- The connection goes to the address that was checked, with the name kept for the Host header
  and TLS (SNI and certificate check): a second DNS answer (rebinding) is never asked for.
- Redirects are never followed (http.client does not); a bounded timeout per socket operation and
  an overall deadline; at most MAX_RESPONSE_BYTES of the answer are read.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass

MAX_RESPONSE_BYTES = 64 * 1024
TIMEOUT_SECONDS = 10.0

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str, int], list[str]]


class Refused(Exception):
    """The target is not one we send to."""


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str
    port: int
    path: str


@dataclass(frozen=True)
class Outcome:
    status: int | None
    error: str
    body: bytes = b""


def _plain(ip: Address) -> Address:
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    return ip


def is_public(ip: Address) -> bool:
    ip = _plain(ip)
    return ip.is_global and not (ip.is_multicast or ip.is_reserved or ip.is_unspecified)


def is_loopback(ip: Address) -> bool:
    return _plain(ip).is_loopback


def parse(url: str, debug: bool = False) -> Target:
    """The target's parts, or Refused for a scheme, user info or literal address we never send to."""
    parts = urllib.parse.urlsplit(url)
    host = parts.hostname or ""
    if parts.scheme not in ("https", "http") or not host:
        raise Refused("only https:// URLs with a host name are accepted")
    if parts.username is not None or parts.password is not None:
        raise Refused("user names and passwords in the URL are not accepted")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as exc:
        raise Refused("the port is not valid") from exc
    literal = _literal(host)
    if parts.scheme == "http" and not (debug and literal is not None and is_loopback(literal)):
        raise Refused("only https:// is accepted (plain http only to loopback in DEBUG)")
    if literal is not None:
        allowed(literal, debug)
    elif host.rstrip(".").lower() == "localhost" or host.rstrip(".").lower().endswith(".localhost"):
        if not debug:
            raise Refused("loopback targets are refused")
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return Target(parts.scheme, host, port, path)


def _literal(host: str) -> Address | None:
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        return None


def allowed(ip: Address, debug: bool) -> None:
    if is_public(ip) or (debug and is_loopback(ip)):
        return
    raise Refused(f"{ip} is not a public address")


def system_resolver(host: str, port: int) -> list[str]:
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [str(info[4][0]) for info in infos]


def resolve(target: Target, debug: bool, resolver: Resolver = system_resolver) -> str:
    """The one address to connect to, after every address of the name passed the check (so a
    name that also points inward is refused, not used when the public answer happens first)."""
    literal = _literal(target.host)
    if literal is not None:
        allowed(literal, debug)
        return str(literal)
    try:
        found = [ipaddress.ip_address(a.split("%")[0]) for a in resolver(target.host, target.port)]
    except (OSError, UnicodeError, ValueError) as exc:
        raise Refused(f"cannot resolve {target.host}") from exc
    if not found:
        raise Refused(f"cannot resolve {target.host}")
    for ip in found:
        allowed(ip, debug)
    return str(found[0])


class _PinnedHTTPS(http.client.HTTPSConnection):
    """TLS to a fixed address, with SNI and the certificate checked against the host name."""

    def __init__(self, host: str, address: str, port: int, timeout: float, context: ssl.SSLContext) -> None:
        super().__init__(host, port, timeout=timeout, context=context)
        self._address, self._context = address, context

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


class _PinnedHTTP(http.client.HTTPConnection):
    def __init__(self, host: str, address: str, port: int, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


def post(url: str, body: bytes, headers: dict[str, str], *, debug: bool = False,
         resolver: Resolver = system_resolver, timeout: float = TIMEOUT_SECONDS,
         context: ssl.SSLContext | None = None) -> Outcome:
    """POST once; never raises for network trouble (the outcome says what happened)."""
    try:
        target = parse(url, debug)
        address = resolve(target, debug, resolver)
    except Refused as exc:
        return Outcome(None, f"refused: {exc}")
    conn: http.client.HTTPConnection
    if target.scheme == "https":
        conn = _PinnedHTTPS(target.host, address, target.port, timeout, context or ssl.create_default_context())
    else:
        conn = _PinnedHTTP(target.host, address, target.port, timeout)
    deadline = time.monotonic() + timeout
    try:
        conn.request("POST", target.path, body=body, headers=headers)
        response = conn.getresponse()
        data = _read_bounded(response, deadline)
        return Outcome(response.status, "" if 200 <= response.status < 300 else f"HTTP {response.status}", data)
    except (OSError, http.client.HTTPException, ssl.SSLError) as exc:
        return Outcome(None, f"{type(exc).__name__}: {exc}"[:500])
    finally:
        conn.close()


def _read_bounded(response: http.client.HTTPResponse, deadline: float) -> bytes:
    """At most MAX_RESPONSE_BYTES, and no reading past the deadline (a slow-drip answer)."""
    data = b""
    while len(data) < MAX_RESPONSE_BYTES and time.monotonic() < deadline:
        chunk = response.read(min(8192, MAX_RESPONSE_BYTES - len(data)))
        if not chunk:
            break
        data += chunk
    return data
