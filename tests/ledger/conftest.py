"""Fixtures of the verifiable-log tests: a fresh log key and tlog directory per test, a real
RFC 3161 TSA (`openssl ts -reply` behind a local HTTP server), and helpers that record
entries through ledger.append and play the superuser who rewrites history."""

from __future__ import annotations

import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from ledger.note import generate_signer

LOG_KEY, LOG_VKEY = generate_signer("tradechain.test/ledger")


# --- settings --------------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def ledger_settings(settings: Any, tmp_path: Path) -> Any:
    """Every test signs with a throwaway key and publishes into its own directory."""
    settings.LEDGER_ORIGIN = "tradechain.test/ledger"
    settings.LEDGER_SIGNING_KEY = LOG_KEY
    settings.LEDGER_SIGNING_KEY_FILE = ""
    settings.LEDGER_DEFAULT_SIGNING_KEY_FILE = tmp_path / "var" / "ledger-signing.key"
    settings.LEDGER_EXTRA_SIGNING_KEYS = []
    settings.LEDGER_EXTRA_VERIFIER_KEYS = []
    settings.LEDGER_TLOG_DIR = tmp_path / "tlog"
    settings.LEDGER_PUBLISHERS = ["ledger.publishers.TlogDirectory"]
    settings.LEDGER_TSA_URL = ""
    settings.LEDGER_TSA_CA_FILE = ""
    settings.LEDGER_TSA_CERT_FILE = ""
    settings.LEDGER_PUBLISH_BACKOFF = 0.2
    settings.LEDGER_PUBLISH_BACKOFF_MAX = 1.0
    return settings


# --- recording entries -----------------------------------------------------------------------------


@pytest.fixture
def record(db: Any) -> Callable[..., list[int]]:
    """record(n, subject=...) appends n entries in one business transaction and sequences
    them; returns their seqs."""
    from django.db import transaction
    from django.utils import timezone

    import ledger
    from ledger.models import Entry
    from ledger.sequencer import drain

    def record(n: int, subject: str = "lc:test", kind: str = "lc.noted") -> list[int]:
        with transaction.atomic():
            ids = [
                ledger.append(kind=kind, subject=subject, actor="user:alice", actor_org="bank:HSBCHKHH",
                              at=timezone.now(), payload={"n": i, "amount": "125000.00", "note": "é€"}).id
                for i in range(n)
            ]
        drain()
        return list(Entry.objects.filter(intake_id__in=ids).order_by("seq").values_list("seq", flat=True))

    return record


@pytest.fixture
def rewrite_history(db: Any) -> Callable[..., None]:
    """The superuser attack: switch the triggers off, change entry `seq`'s payload, recompute
    the chain hashes after it and (optionally) the whole node table up to `nodes_up_to`."""
    from django.db import connection

    from ledger.chain import entry_hash
    from ledger.merkle import leaf_hash, new_nodes
    from ledger.sequencer import TIME_SQL

    def rewrite(seq: int, payload: bytes, nodes_up_to: int | None = None) -> None:
        with connection.cursor() as cur:
            cur.execute("ALTER TABLE ledger_entry DISABLE TRIGGER ALL")
            cur.execute("ALTER TABLE ledger_node DISABLE TRIGGER ALL")
            cur.execute("UPDATE ledger_entry SET payload = %s WHERE seq = %s", [payload, seq])
            cur.execute(f"SELECT seq, kind, subject, actor, actor_org, {TIME_SQL}, payload, prev_hash "
                        "FROM ledger_entry WHERE seq >= %s ORDER BY seq", [seq])
            rows = cur.fetchall()
            cur.execute("SELECT hash FROM ledger_entry WHERE seq = %s", [seq - 1])
            prev = bytes(cur.fetchone()[0]) if seq > 1 else bytes(32)
            for s, kind, subject, actor, org, at, body, _ in rows:
                digest = entry_hash(seq=s, kind=kind, subject=subject, actor=actor, actor_org=org, at=at,
                                    payload=bytes(body), prev_hash=prev)
                cur.execute("UPDATE ledger_entry SET prev_hash = %s, hash = %s WHERE seq = %s", [prev, digest, s])
                prev = digest
            if nodes_up_to is not None:
                cur.execute("SELECT hash FROM ledger_entry WHERE seq <= %s ORDER BY seq", [nodes_up_to])
                leaves = [leaf_hash(bytes(r[0])) for r in cur.fetchall()]
                cur.execute("DELETE FROM ledger_node")
                for level, index, h in new_nodes(0, leaves, lambda lv, ix: b""):
                    cur.execute("INSERT INTO ledger_node (level, index, hash) VALUES (%s, %s, %s)", [level, index, h])
            cur.execute("SELECT c.relname, t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                        "WHERE NOT t.tgisinternal AND c.relname IN ('ledger_entry', 'ledger_node')")
            for table, name in cur.fetchall():
                cur.execute(f'ALTER TABLE "{table}" ENABLE ALWAYS TRIGGER "{name}"')

    return rewrite


# --- a real RFC 3161 TSA -----------------------------------------------------------------------------

TSA_CONFIG = """
[ tsa ]
default_tsa = tsa1
[ tsa1 ]
dir = {dir}
serial = $dir/serial
crypto_device = builtin
signer_cert = $dir/tsa.pem
certs = $dir/ca.pem
signer_key = $dir/tsa.key
signer_digest = sha256
default_policy = 1.3.6.1.4.1.99999.1
other_policies = 1.3.6.1.4.1.99999.2
digests = sha256, sha384, sha512
accuracy = secs:1
ordering = no
tsa_name = yes
ess_cert_id_chain = no
ess_cert_id_alg = sha256
"""

EXTENSIONS = """
[req]
distinguished_name = dn
[dn]
[ca]
basicConstraints = critical, CA:true
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[tsa]
basicConstraints = critical, CA:false
keyUsage = critical, digitalSignature, nonRepudiation
extendedKeyUsage = critical, timeStamping
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
"""


@dataclass
class Tsa:
    dir: Path
    url: str = ""
    fail_next: int = 0  # answer this many requests with 503: an outage, for retry tests
    requests: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def ca(self) -> Path:
        return self.dir / "ca.pem"

    @property
    def cert(self) -> Path:
        return self.dir / "tsa.pem"

    def reply(self, query: bytes) -> bytes:
        with self.lock:  # openssl increments the serial file: one at a time
            (self.dir / "query.tsq").write_bytes(query)
            subprocess.run(["openssl", "ts", "-reply", "-config", str(self.dir / "tsa.cnf"),
                            "-queryfile", str(self.dir / "query.tsq"), "-out", str(self.dir / "reply.tsr")],
                           check=True, capture_output=True)
            return (self.dir / "reply.tsr").read_bytes()


def _openssl(*args: str, cwd: Path) -> None:
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True)


def make_tsa(directory: Path) -> Tsa:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "ext.cnf").write_text(EXTENSIONS)
    (directory / "tsa.cnf").write_text(TSA_CONFIG.format(dir=directory))
    (directory / "serial").write_text("01\n")
    _openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-days", "30",
             "-subj", "/CN=TradeChain Test TSA Root", "-config", "ext.cnf", "-extensions", "ca", cwd=directory)
    _openssl("req", "-new", "-newkey", "rsa:2048", "-nodes", "-keyout", "tsa.key", "-out", "tsa.csr",
             "-subj", "/CN=TradeChain Test TSA", "-config", "ext.cnf", cwd=directory)
    _openssl("x509", "-req", "-in", "tsa.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
             "-out", "tsa.pem", "-days", "30", "-extfile", "ext.cnf", "-extensions", "tsa", cwd=directory)
    return Tsa(directory)


@pytest.fixture(scope="session")
def tsa_server(tmp_path_factory: Any) -> Iterator[Tsa]:
    tsa = make_tsa(tmp_path_factory.mktemp("tsa"))

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            query = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            tsa.requests += 1
            if tsa.fail_next > 0:
                tsa.fail_next -= 1
                self.send_error(503, "TSA outage (test)")
                return
            if self.headers.get("Content-Type") != "application/timestamp-query":
                self.send_error(415)
                return
            body = tsa.reply(query)
            self.send_response(200)
            self.send_header("Content-Type", "application/timestamp-reply")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    tsa.url = f"http://127.0.0.1:{server.server_address[1]}/tsa"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield tsa
    server.shutdown()
    server.server_close()


@pytest.fixture
def tsa(tsa_server: Tsa, ledger_settings: Any) -> Tsa:
    """The TSA, configured as the second publisher."""
    tsa_server.fail_next = 0
    ledger_settings.LEDGER_TSA_URL = tsa_server.url
    ledger_settings.LEDGER_TSA_CA_FILE = str(tsa_server.ca)
    ledger_settings.LEDGER_TSA_CERT_FILE = str(tsa_server.cert)
    ledger_settings.LEDGER_PUBLISHERS = ["ledger.publishers.TlogDirectory", "ledger.publishers.TimestampAuthority"]
    return tsa_server


@pytest.fixture
def wait_for() -> Callable[..., Any]:
    """wait_for(check, timeout): poll until check() is truthy; return its last value."""

    def wait(check: Callable[[], Any], timeout: float, step: float = 0.05) -> Any:
        deadline = time.monotonic() + timeout
        while not (value := check()) and time.monotonic() < deadline:
            time.sleep(step)
        return value

    return wait
