"""The fault suite of issue 15 on a real stack (`make chaos`; tests/chaos/harness.py). Each test
drives load through the HTTP API, injects one fault into the real servers or processes, asserts
what the issue states and writes its row of RELIABILITY.md. Named chaos_*.py so that `make test`
does not collect it: it needs the whole stack and several minutes.

Order: the contested actions and the read-only store first (they need a quiet stack), then Redis,
PostgreSQL, and the ledger backlog last (it leaves a large ledger behind)."""

from __future__ import annotations

import json
import os
import re
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from tests.chaos.harness import Answer, Api, Row, Stack, wait_until, write_row

PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>"
       b"endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")
SEQUENCER_LOCK, ANCHOR_LOCK = 0x5443534551, 0x5443414E43  # ledger.sequencer / ledger.anchoring
BACKLOG = int(os.environ.get("CHAOS_BACKLOG", "200000"))  # the figure


# --- helpers ------------------------------------------------------------------------------------


def ledger_count(stack: Stack, kind: str, subject: str) -> int:
    """Entries of `kind` about `subject`, sequenced or still in the intake."""
    return int(stack.scalar("SELECT (SELECT count(*) FROM ledger_entry WHERE kind = %s AND subject = %s)"
                            " + (SELECT count(*) FROM ledger_intake WHERE kind = %s AND subject = %s)",
                            [kind, subject, kind, subject]))


def application(stack: Stack) -> dict[str, Any]:
    orgs = stack.facts["orgs"]
    return {"terms": stack.facts["terms"], "beneficiary": orgs["exporter"], "issuing_bank": orgs["issuing"],
            "advising_bank": orgs["advising"], "nominated_bank": orgs["advising"]}


def present(stack: Stack, credit_id: str, idem: str | None = None, late: bool = False) -> Answer:
    docs = stack.facts["late_documents" if late else "documents"]
    fields = [("presented_to", stack.facts["orgs"]["advising"]), ("amount_claimed", "125000.00")]
    fields += [("data", json.dumps(d)) for d in docs]
    # Content-addressed store: each file its own bytes (the same for a retry of the same request).
    files = [("file", f"{d['type']}.pdf", PDF + f"%{credit_id}-{i}\n".encode()) for i, d in enumerate(docs)]
    return stack.api("nef.exports").post_multipart(f"credits/{credit_id}/present/", fields, files, idem=idem)


def until_acknowledged(call: Callable[[], Answer], budget: float = 180.0) -> tuple[Answer, list[Answer]]:
    """A client that retries (same request, same Idempotency-Key) until a definitive answer:
    2xx, or a 4xx other than 409 "in progress" / 429. Returns the last answer and all of them."""
    answers: list[Answer] = []
    deadline = time.monotonic() + budget
    while True:
        answer = call()
        answers.append(answer)
        busy = answer.status in (409, 429) and "in-progress" in answer.body.decode(errors="replace")
        retry = answer.status == 0 or answer.status >= 500 or busy
        if not retry or time.monotonic() > deadline:
            return answer, answers
        time.sleep(0.3)


def wait_ledger_quiet(stack: Stack, timeout: float = 120) -> None:
    wait_until(lambda: stack.scalar("SELECT count(*) FROM ledger_intake") == 0, timeout, "the intake to drain")


def no_gap(stack: Stack) -> tuple[int, int]:
    count, top = stack.query("SELECT count(*), coalesce(max(seq), 0) FROM ledger_entry")[0]
    assert count == top, f"gap in seq: {count} entries, highest seq {top}"
    return int(count), int(top)


def verify_ledger(stack: Stack) -> float:
    started = time.monotonic()
    stack.manage("verify_ledger", timeout=600)
    return time.monotonic() - started


def lock_holders(stack: Stack, key: int) -> list[int]:
    """Backend pids holding the transaction-scoped advisory lock `key` (a bigint key shows in
    pg_locks as classid = high 32 bits, objid = low 32 bits)."""
    rows = stack.query("SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted AND classid = %s "
                       "AND objid = %s", [key >> 32, key & 0xFFFFFFFF])
    return [int(r[0]) for r in rows]


def backend_alive(stack: Stack, pid: int) -> bool:
    return bool(stack.scalar("SELECT count(*) FROM pg_stat_activity WHERE pid = %s", [pid]))


class Poller:
    """GETs a path every `every` seconds in a thread; keeps (monotonic time, status)."""

    def __init__(self, stack: Stack, path: str, every: float = 1.0, api_user: str | None = None) -> None:
        self.stack, self.path, self.every = stack, path, every
        self.api: Api | None = stack.api(api_user) if api_user else None
        self.seen: list[tuple[float, int]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            answer = self.api.get(self.path) if self.api else self.stack.http.get(self.path, timeout=15)
            self.seen.append((time.monotonic(), answer.status))
            self._stop.wait(self.every)

    def __enter__(self) -> Poller:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=30)

    def between(self, start: float, end: float) -> list[int]:
        return [status for at, status in self.seen if start <= at <= end]


# --- 4. contested actions -------------------------------------------------------------------------


CONTESTED = [  # (action, seeded kind, caller, path, body, ledger kind)
    ("approve", "pending_approval", "vhb.checker", "credits/{id}/approve/", "amount", "lc.issued"),
    ("advise", "issued", "ncb.maker", "credits/{id}/advise/", None, "lc.advised"),
    ("accept amendment", "amendment", "nef.exports", "amendments/{id}/accept/", None, "amendment.accepted"),
    ("refuse", "discrepant", "ncb.examiner", "presentations/{id}/refuse/", {"disposal": "hold_until_waiver"},
     "presentation.refused"),
    ("honour", "complying", "ncb.maker", "presentations/{id}/honour/", None, "presentation.honoured"),
    ("cancel", "draft", "hhl.treasury", "credits/{id}/cancel/", None, "lc.cancelled"),
]
CONCURRENT = 100


def test_4_contested_actions_one_success_the_rest_clean_409(stack: Stack) -> None:
    seeded = stack.django("objects", spec={kind: 1 for _, kind, *_ in CONTESTED})
    outcomes = []
    for action, kind, caller, path, body, ledger_kind in CONTESTED:
        target = seeded[kind][0]
        data = {"amount": target["amount"]} if body == "amount" else body
        api, url = stack.api(caller), path.format(id=target["id"])
        start = threading.Barrier(CONCURRENT)

        def call(_: int, api: Api = api, url: str = url, data: Any = data, start: Any = start) -> Answer:
            start.wait()
            return api.post(url, data, timeout=120)

        with ThreadPoolExecutor(CONCURRENT) as pool:
            answers = list(pool.map(call, range(CONCURRENT)))
        statuses = Counter(a.status for a in answers)
        ok = [a for a in answers if 200 <= a.status < 300]
        conflicts = [a for a in answers if a.status == 409 and a.problem and a.json().get("status") == 409]
        assert len(ok) == 1, f"{action}: {len(ok)} successes; statuses {dict(statuses)}"
        assert len(conflicts) == CONCURRENT - 1, f"{action}: statuses {dict(statuses)}; " + \
            "; ".join(a.body.decode(errors="replace")[:200] for a in answers if a.status != 409)[:2000]
        wait_ledger_quiet(stack)
        entries = ledger_count(stack, ledger_kind, target["subject"])
        assert entries == 1, f"{action}: {entries} {ledger_kind} entries"
        outcomes.append(f"{action} {len(ok)}/{len(conflicts)}")
    write_row(Row("4. Contested actions", f"{CONCURRENT} concurrent identical requests x {len(CONTESTED)} actions "
                  "(approve, advise, accept amendment, refuse, honour, cancel)", "conflicting requests",
                  len(CONTESTED), 0, 0, "n/a",
                  "each action: 1 success, 99 x 409 problem+json, 1 ledger entry (" + ", ".join(outcomes) + ")"))


# --- 5. read-only document store ----------------------------------------------------------------------


def stored_files(stack: Stack) -> set[str]:
    return {p.name for p in stack.store.rglob("*") if p.is_file()}


def test_5_read_only_document_store_clean_errors_and_no_dangling_file(stack: Stack) -> None:
    credits = stack.django("objects", spec={"advised": 12})["advised"]
    answers: dict[str, list[Answer]] = {}
    phases = [("rw", credits[:4]), ("ro", credits[4:10]), ("rw", credits[10:])]
    for phase, batch in phases:
        def one(c: dict[str, Any]) -> tuple[str, Answer]:
            return c["id"], present(stack, c["id"], idem=f"chaos-ro-{c['id']}")

        if phase == "ro":
            with stack.read_only_store(), ThreadPoolExecutor(3) as pool:
                results = list(pool.map(one, batch))
        else:
            with ThreadPoolExecutor(3) as pool:
                results = list(pool.map(one, batch))
        for cid, answer in results:
            answers.setdefault(cid, []).append(answer)
            if phase == "ro":
                assert answer.status in (503, 507) and answer.problem, \
                    f"read-only store: {answer.status} {answer.body[:300]!r}"
            else:
                assert answer.status == 201, f"writable store: {answer.status} {answer.body[:300]!r}"
    # The refused ones again, with the same key, once the store is writable: the key was not kept.
    retried = 0
    for c in credits[4:10]:
        answer = present(stack, c["id"], idem=f"chaos-ro-{c['id']}")
        assert answer.status == 201, f"retry after the store came back: {answer.status} {answer.body[:300]!r}"
        retried += 1
    wait_ledger_quiet(stack)
    files = stored_files(stack)
    ids = [c["id"] for c in credits]
    docs = stack.query("SELECT d.sha256 FROM lc_document d JOIN lc_presentation p ON p.id = d.presentation_id "
                       "WHERE p.credit_id = ANY(%s::uuid[])", [ids])
    missing = [sha for (sha,) in docs if sha not in files]
    assert docs and not missing, f"documents referring to missing files: {missing}"
    per_credit = dict(stack.query("SELECT credit_id::text, count(*) FROM lc_presentation "
                                  "WHERE credit_id = ANY(%s::uuid[]) GROUP BY 1", [ids]))
    assert all(per_credit.get(cid) == 1 for cid in ids), f"presentations per credit: {per_credit}"
    payloads = stack.query("SELECT convert_from(payload, 'UTF8') FROM ledger_entry WHERE kind = 'presentation.made' "
                           "AND subject = ANY(%s)", [[c["subject"] for c in credits]])
    hashes = {h for (p,) in payloads for h in re.findall(r'"sha256":\s*"([0-9a-f]{64})"', p)}
    assert len(payloads) == len(credits) and hashes and hashes <= files, \
        f"ledger entries naming files not in the store: {hashes - files}"
    refused = sum(1 for a in answers.values() for x in a if x.status != 201)
    write_row(Row("5. Read-only document store", f"{len(credits)} presentations (3 clients), "
                  f"{len(credits[4:10])} of them while the store was read-only, retried afterwards",
                  "tmpfs store remounted read-only", len(credits), 0, 0, "0 (first retry after remount rw)",
                  f"{refused} clean 503/507 problem+json while read-only, no presentation, document or ledger "
                  f"entry for them; {len(docs)} documents and {len(hashes)} ledgered hashes all on disk"))


# --- 1. Redis away --------------------------------------------------------------------------------------


class Receiver:
    """A webhook endpoint that fails (500) the first FAILS attempts of each event, then takes it."""

    FAILS = 2

    def __init__(self) -> None:
        self.attempts: Counter[str] = Counter()
        self.accepted: set[str] = set()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                self.rfile.read(int(self.headers.get("content-length", 0)))
                event = self.headers.get("webhook-id", "")
                outer.attempts[event] += 1
                ok = outer.attempts[event] > outer.FAILS
                if ok:
                    outer.accepted.add(event)
                self.send_response(204 if ok else 500)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture(scope="module")
def receiver(stack: Stack) -> Any:
    r = Receiver()
    for who in ("hhl.treasury", "nef.exports"):
        answer = stack.api(who).post("webhooks/", {"url": r.url})
        assert answer.status == 201, answer.body
    yield r
    r.server.shutdown()


WRITES = {"create": 300, "submit": 140, "present": 40, "examine": 20}  # 500 mixed writes
OUTAGE = 60.0


def outage_run(stack: Stack, receiver: Receiver, restart: bool) -> None:
    seeded = stack.django("objects", spec={"advised": WRITES["present"], "examined": WRITES["examine"]})
    # Retries pending at the outage: events of the seeded credits, failed once or twice, due later.
    wait_until(lambda: receiver.attempts, 60, "the first webhook attempts")
    pids, exits = stack.pids(), len(stack.exits())
    run = uuid.uuid4().hex[:8]
    importer = stack.api("hhl.treasury")
    log: list[tuple[str, str, Answer, list[Answer]]] = []  # (action, subject or key, answer, all answers)
    lock = threading.Lock()

    def record(action: str, ref: str, final: Answer, all_: list[Answer]) -> None:
        with lock:
            log.append((action, ref, final, all_))

    def creator(n: int) -> None:
        for i in range(n):
            key = f"chaos-{run}-{threading.get_ident()}-{i}"
            final, all_ = until_acknowledged(lambda k=key: importer.post("credits/", application(stack), idem=k))
            record("create", key, final, all_)
            if i % 2 == 0 and final.status == 201:
                cid = final.json()["id"]
                sub, all_s = until_acknowledged(lambda c=cid, k=key: importer.post(f"credits/{c}/submit/",
                                                                                   idem=k + "-submit"))
                record("submit", f"lc:{cid}", sub, all_s)
            time.sleep(0.15)

    def presenter() -> None:
        for c in seeded["advised"]:
            final, all_ = until_acknowledged(lambda c=c: present(stack, c["id"], idem=f"chaos-{run}-p-{c['id']}"))
            record("present", c["subject"], final, all_)
            time.sleep(1.0)
        for p in seeded["examined"]:
            final, all_ = until_acknowledged(lambda p=p: stack.api("ncb.examiner").post(
                f"presentations/{p['id']}/conclude-examination/", idem=f"chaos-{run}-e-{p['id']}"))
            record("examine", p["subject"], final, all_)
            time.sleep(1.0)

    creators = 4
    per_creator = WRITES["create"] // creators
    threads = [threading.Thread(target=creator, args=(per_creator,), daemon=True) for _ in range(creators)]
    threads.append(threading.Thread(target=presenter, daemon=True))
    with Poller(stack, "/healthz", every=2.0) as health:
        for t in threads:
            t.start()
        time.sleep(5)
        fault_at = time.monotonic()
        if restart:
            stack.embedded("stop_redis")
        else:
            paused = stack.pause_redis()
        time.sleep(OUTAGE)
        back_at = time.monotonic()
        if restart:
            stack.embedded("start_redis")
        else:
            stack.resume_redis(paused)
        for t in threads:
            t.join(timeout=600)
        # Every examination and webhook done, /healthz 200: the clock starts when Redis is back.
        wait_until(lambda: stack.scalar("SELECT count(*) FROM outbox_message WHERE done_at IS NULL") == 0
                   and stack.scalar("SELECT count(*) FROM lc_webhookdelivery WHERE status <> 'delivered'") == 0,
                   max(10.0, back_at + 60 - time.monotonic()), "every examination and webhook after Redis returned",
                   every=0.5)
        wait_until(stack.healthy, 60, "/healthz 200 after Redis returned")
        recovered = time.monotonic() - back_at
        time.sleep(2)
    during = health.between(fault_at + 3, back_at)
    assert during and set(during) == {503}, f"/healthz during the outage: {Counter(during)}"
    assert health.seen[-1][1] == 200

    assert stack.pids() == pids and len(stack.exits()) == exits, "a process of the stack was restarted:\n" + \
        "\n".join(stack.exits())
    statuses = Counter(a.status for *_, all_ in log for a in all_)
    assert not statuses.get(500), f"500 answers: {statuses}"
    unacknowledged = [(a, r, f.status, f.body[:200]) for a, r, f, _ in log if not 200 <= f.status < 300]
    assert not unacknowledged, f"writes never acknowledged: {unacknowledged[:5]}"
    assert len(log) == sum(WRITES.values()) - WRITES["submit"] + len([x for x in log if x[0] == "submit"])

    wait_ledger_quiet(stack)
    acknowledged = len(log)
    lost = duplicated = 0
    created_ids = {f.json()["id"] for a, _, f, _ in log if a == "create"}
    for action, ref, final, all_ in log:
        ids = {x.json().get("id") for x in all_ if 200 <= x.status < 300}
        duplicated += len(ids) - 1  # a replay must return the first answer's object
    rows = stack.query("SELECT id::text FROM lc_letterofcredit WHERE id = ANY(%s::uuid[])", [list(created_ids)])
    lost += len(created_ids) - len(rows)
    keys_created = stack.scalar("SELECT count(*) FROM ledger_entry WHERE kind = 'lc.application_created' "
                                "AND subject = ANY(%s)", [[f"lc:{i}" for i in created_ids]])
    duplicated += keys_created - len(created_ids)
    kinds = {"submit": ["lc.application_submitted"], "present": ["presentation.made"],
             "examine": ["presentation.complying", "presentation.discrepant"]}
    for action, ref, final, _ in log:
        if action in kinds:
            n = sum(ledger_count(stack, k, ref) for k in kinds[action])
            lost += n == 0
            duplicated += max(0, n - 1)
    presented = [c["id"] for c in seeded["advised"]]
    examined = stack.scalar("SELECT count(DISTINCT presentation_id) FROM lc_enginerun r JOIN lc_presentation p "
                            "ON p.id = r.presentation_id WHERE p.credit_id = ANY(%s::uuid[])", [presented])
    assert examined == len(presented), f"{examined} of {len(presented)} presentations examined"
    assert lost == 0 and duplicated == 0, f"lost {lost}, duplicated {duplicated}"
    pending_retries = sum(1 for n in receiver.attempts.values() if n > 1)
    fault = ("redis-server shut down (SHUTDOWN, append-only file) and started again after 60 s" if restart
             else "redis-server paused (SIGSTOP) for 60 s, then SIGCONT")
    write_row(Row(f"1{'b' if restart else 'a'}. Redis {'restarted' if restart else 'stopped'}",
                  f"{acknowledged} mixed API writes ({', '.join(f'{Counter(a for a, *_ in log)[k]} {k}' for k in WRITES)}"
                  f"), 5 clients; webhook receiver failing each event's first {Receiver.FAILS} attempts",
                  fault, acknowledged, lost, duplicated, f"{recovered:.1f}",
                  f"0 x 500; /healthz 503 throughout the outage, 200 after; all examinations and "
                  f"{len(receiver.accepted)} webhook events done; {pending_retries} events retried; "
                  f"no process restarted; answers {dict(sorted(statuses.items()))}"))


def test_1a_redis_paused_60s_during_mixed_writes(stack: Stack, receiver: Receiver) -> None:
    outage_run(stack, receiver, restart=False)


def test_1b_redis_restarted_after_60s_queued_work_survives(stack: Stack, receiver: Receiver) -> None:
    outage_run(stack, receiver, restart=True)


# --- 2. PostgreSQL restarted -------------------------------------------------------------------------


CREATIONS, CLIENTS = 2000, 8


def test_2_postgres_restarted_during_2000_creations(stack: Stack) -> None:
    pids, exits = stack.pids(), len(stack.exits())
    run = uuid.uuid4().hex[:8]
    importer = stack.api("hhl.treasury")
    done = Counter[str]()
    results: dict[str, list[Answer]] = {}
    lock = threading.Lock()

    def client(n: int) -> None:
        for i in range(CREATIONS // CLIENTS):
            key = f"chaos-pg-{run}-{n}-{i}"
            _, all_ = until_acknowledged(lambda k=key: importer.post("credits/", application(stack), idem=k),
                                         budget=240)
            with lock:
                results[key] = all_
                done["n"] += 1

    threads = [threading.Thread(target=client, args=(n,), daemon=True) for n in range(CLIENTS)]
    for t in threads:
        t.start()
    wait_until(lambda: done["n"] >= CREATIONS // 4, 600, "a quarter of the creations")
    stack.restart_postgres()
    back_at = time.monotonic()
    wait_until(stack.healthy, 60, "/healthz 200 after the restart", every=0.1)
    healthy_after = time.monotonic() - back_at
    for t in threads:
        t.join(timeout=900)
    assert healthy_after <= 10, f"healthy again only after {healthy_after:.1f} s"
    assert stack.pids() == pids and len(stack.exits()) == exits, "a process was restarted:\n" + \
        "\n".join(stack.exits())

    statuses = Counter(a.status for all_ in results.values() for a in all_)
    acked = {k: [a.json()["id"] for a in all_ if a.status == 201] for k, all_ in results.items()}
    assert len(acked) == CREATIONS and all(acked.values()), \
        f"unacknowledged: {[k for k, v in acked.items() if not v][:5]}; statuses {statuses}"
    duplicated = sum(len(set(ids)) - 1 for ids in acked.values())
    ids = [ids[0] for ids in acked.values()]
    wait_ledger_quiet(stack)
    present = stack.scalar("SELECT count(*) FROM lc_letterofcredit WHERE id = ANY(%s::uuid[])", [ids])
    entries = stack.scalar("SELECT count(*) FROM ledger_entry WHERE kind = 'lc.application_created' "
                           "AND subject = ANY(%s)", [[f"lc:{i}" for i in ids]])
    lost = len(ids) - present
    duplicated += entries - len(ids)
    assert lost == 0 and duplicated == 0 and len(set(ids)) == CREATIONS, \
        f"lost {lost}, duplicated {duplicated}, distinct {len(set(ids))}"
    verify_seconds = verify_ledger(stack)
    write_row(Row("2. PostgreSQL restarted", f"{CREATIONS} credit creations, {CLIENTS} clients retrying with the "
                  "same Idempotency-Key", "pg_ctl restart -m fast (pgserver's binaries) after a quarter",
                  CREATIONS, lost, duplicated, f"{healthy_after:.1f}",
                  f"/healthz 200 {healthy_after:.1f} s after PostgreSQL was back, no process restarted; "
                  f"verify_ledger passed ({verify_seconds:.0f} s); answers {dict(sorted(statuses.items()))}"))


# --- 3. kill -9 of the sequencer and of the worker during a ledger backlog ---------------------------------


def test_3_kill_sequencer_and_worker_during_a_backlog(stack: Stack) -> None:
    wait_ledger_quiet(stack)
    base_count, _ = no_gap(stack)
    with Poller(stack, "credits/?page_size=1", every=0.5, api_user="hhl.treasury") as api_poll, \
            Poller(stack, "/ledger/checkpoint", every=1.0) as web_poll:
        started = time.monotonic()
        stack.query(
                    "WITH x AS (INSERT INTO ledger_intake (kind, subject, actor, actor_org, at, payload) "
                    "SELECT 'chaos.backlog', 'chaos:backlog', 'chaos', '', now(), "
                    "convert_to('{\"n\":' || g || '}', 'UTF8') FROM generate_series(1, %s) g RETURNING 1) "
                    "SELECT count(*) FROM x", [BACKLOG])
        inserted = time.monotonic() - started

        # The sequencer in the middle of a batch: kill it while a backend holds the sequencer's lock,
        # and count it only if that backend went with it (the beat safety net may hold the lock too).
        mid_batch, seq_kill = False, 0.0
        for _ in range(5):
            holder = wait_until(lambda: lock_holders(stack, SEQUENCER_LOCK), 60, "a sequencing pass", every=0.02)
            old = stack.kill9("sequencer")
            seq_kill = time.monotonic()
            stack.restarted("sequencer", old)
            if wait_gone(lambda h=holder[0]: not backend_alive(stack, h), 5):
                mid_batch = True
                break
        assert mid_batch, "never caught the sequencer process in the middle of a batch"
        before = stack.scalar("SELECT coalesce(max(seq), 0) FROM ledger_entry")
        wait_until(lambda: stack.scalar("SELECT coalesce(max(seq), 0) FROM ledger_entry") > before, 30,
                   "sequencing to resume")
        seq_resumed = time.monotonic() - seq_kill
        wait_ledger_quiet(stack, timeout=600)
        head = stack.scalar("SELECT max(seq) FROM ledger_entry")

        # The worker while it anchors the backlog.
        wait_until(lambda: lock_holders(stack, ANCHOR_LOCK), 120, "an anchoring run", every=0.05)
        time.sleep(0.5)
        anchored_before = stack.scalar("SELECT coalesce(max(size), 0) FROM ledger_checkpoint")
        old = stack.kill9("worker")
        anchor_kill = time.monotonic()
        assert anchored_before < head, "the anchoring run was over before the kill"
        stack.restarted("worker", old)
        wait_until(lambda: lock_holders(stack, ANCHOR_LOCK), 30, "anchoring to resume", every=0.1)
        anchor_resumed = time.monotonic() - anchor_kill
        wait_until(lambda: stack.scalar("SELECT coalesce(max(size), 0) FROM ledger_checkpoint") >= head, 600,
                   "a checkpoint covering the backlog", every=0.5)
        anchored = time.monotonic() - anchor_kill
        end = time.monotonic()
    api_statuses = Counter(api_poll.between(started, end))
    web_statuses = Counter(web_poll.between(started, end))
    assert set(api_statuses) == {200} and set(web_statuses) == {200}, \
        f"API {dict(api_statuses)}, web {dict(web_statuses)} during the faults"
    count, _ = no_gap(stack)
    assert count >= base_count + BACKLOG
    verify_seconds = verify_ledger(stack)
    assert max(seq_resumed, anchor_resumed) <= 30
    write_row(Row("3. kill -9 sequencer and worker", f"{BACKLOG:,} ledger intake rows inserted in bulk "
                  f"({inserted:.0f} s) on top of {base_count:,} entries: the sequencer's and the anchorer's backlog",
                  "kill -9 of the sequencer mid-batch, then of the Celery worker mid-anchoring", BACKLOG, 0, 0,
                  f"sequencing {seq_resumed:.1f}, anchoring {anchor_resumed:.1f}",
                  f"no gap in seq (1..{count:,}); checkpoint covering all {anchored:.0f} s after the worker kill; "
                  f"verify_ledger passed ({verify_seconds:.0f} s); API {dict(api_statuses)} and /ledger/checkpoint "
                  f"{dict(web_statuses)} throughout" + ("" if BACKLOG >= 200_000 else
                                                         " (the issue asks for 200,000; CHAOS_BACKLOG sets it)")))


def wait_gone(check: Callable[[], bool], timeout: float) -> bool:
    try:
        wait_until(check, timeout, "", every=0.1)
    except AssertionError:
        return False
    return True
