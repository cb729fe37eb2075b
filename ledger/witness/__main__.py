"""Command line of the witness (no Django):

    python -m ledger.witness keygen --name NAME --key FILE     # prints the verifier key (vkey)
    python -m ledger.witness serve --state FILE.sqlite --key FILE --logs FILE --port N [--host H]
    python -m ledger.witness gossip --policy FILE --origin ORIGIN [--log URL]
    python -m ledger.witness refusals --state FILE.sqlite

`--logs` lists the trusted logs, one `log <vkey>` line each (the key name is the origin).
`gossip` asks every witness with a URL in a tlog-policy file what it last cosigned, and the log
(--log, else the policy's log URL: the prefix of /checkpoint and /consistency/<old>/<new>) for
its latest checkpoint; it reports a split view (exit status 1): two checkpoints of one size with
different roots, or of different sizes without a valid consistency proof from the log. Pairs of
different sizes it could not check (no log URL, log unreachable) give exit status 2.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from ledger.note import NoteError
from ledger.witness.gossip import compare, fetch_log_view, fetch_view, log_proofs
from ledger.witness.keyfile import ensure_key, load_key
from ledger.witness.policy import parse_policy
from ledger.witness.server import Witness, make_server, parse_logs
from ledger.witness.store import Store


def keygen(args: argparse.Namespace) -> int:
    print(ensure_key(Path(args.key), args.name).verifier().to_string())
    return 0


def serve(args: argparse.Namespace) -> int:
    cosigner = load_key(Path(args.key))
    logs = parse_logs(Path(args.logs).read_text())
    witness = Witness(cosigner, Store(args.state), logs)
    server = make_server(witness, args.host, args.port)
    print(f"witness {cosigner.verifier().to_string()} on http://{args.host}:{server.server_address[1]} "
          f"for {', '.join(sorted(logs)) or 'no log'}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


def gossip(args: argparse.Namespace) -> int:
    policy = parse_policy(Path(args.policy).read_text())
    entries = [entry for entry in policy.logs if entry.verifier.name == args.origin]
    logs = [entry.verifier for entry in entries]
    log_url = args.log or next((entry.url for entry in entries if entry.url), "")
    views = []
    for w in policy.witnesses.values():
        if not w.url:
            continue
        try:
            view = fetch_view(w.name, w.url, w.verifier, args.origin, logs)
        except (OSError, ValueError, NoteError) as exc:
            print(f"{w.name}: no verified view ({exc})")
            continue
        print(f"{w.name}: size {view.size} root {view.root.hex()}")
        views.append(view)
    if log_url:
        try:
            views.append(fetch_log_view(log_url, args.origin, logs))
            print(f"log: size {views[-1].size} root {views[-1].root.hex()}")
        except (OSError, ValueError, NoteError) as exc:
            print(f"log: no verified view ({exc})")
    found = compare(views, log_proofs(log_url) if log_url else None)
    for fork in found.forks:
        print(fork.describe())
        print(f"--- as seen by {fork.first.source}\n{fork.first.note}--- as seen by {fork.second.source}\n{fork.second.note}")
    for pair in found.unchecked:
        print(f"UNCHECKED: {pair.first.source} size {pair.first.size}, {pair.second.source} size {pair.second.size}: "
              f"{pair.reason}")
    if found.forks:
        print("RESULT: SPLIT VIEW")
        return 1
    print(f"RESULT: {len(views)} views, no fork" + (f"; {len(found.unchecked)} pairs UNCHECKED" if found.unchecked else ""))
    return 2 if found.unchecked else 0


def refusals(args: argparse.Namespace) -> int:
    for r in Store(args.state).refusals():
        print(f"{r.at} {r.origin} old {r.old_size} size {r.size} root {r.root.hex()} -> {r.status}: {r.reason}")
        print(r.note, end="")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ledger.witness")
    sub = parser.add_subparsers(dest="command", required=True)
    k = sub.add_parser("keygen", help="create (or show) a witness key")
    k.add_argument("--name", required=True)
    k.add_argument("--key", required=True)
    s = sub.add_parser("serve", help="run the witness")
    s.add_argument("--state", required=True)
    s.add_argument("--key", required=True)
    s.add_argument("--logs", required=True)
    s.add_argument("--port", type=int, required=True)
    s.add_argument("--host", default="127.0.0.1")
    g = sub.add_parser("gossip", help="compare what the policy's witnesses cosigned")
    g.add_argument("--policy", required=True)
    g.add_argument("--origin", required=True)
    g.add_argument("--log", default="", help="the log's URL prefix (default: the policy's log URL)")
    r = sub.add_parser("refusals", help="checkpoints refused as evidence of a fork or a bad proof")
    r.add_argument("--state", required=True)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    command = {"keygen": keygen, "serve": serve, "gossip": gossip, "refusals": refusals}[args.command]
    return command(args)


if __name__ == "__main__":
    sys.exit(main())
