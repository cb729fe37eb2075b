"""`make backup` and `make restore`: the database and the document store in one archive.

    python -m tradechain.backup create [--dir DIR]        # var/backups/tradechain-<UTC time>.tar
    python -m tradechain.backup restore [ARCHIVE] [--force]   # the newest archive by default
    python -m tradechain.backup check                     # only the checks a restore ends with

An archive holds `db.dump` (pg_dump custom format), `documents/` (MEDIA_ROOT) and
`manifest.json`. The dump is taken first, from an exported snapshot whose ledger head the
manifest records; the documents are copied after it, so every file a dumped row names is in the
archive (files are content-addressed and written before their row commits).

A restore replaces the database named by DATABASE_URL (created if missing; refused while other
sessions use it unless --force) and MEDIA_ROOT, then runs `verify_ledger` and compares the
restored ledger with the latest checkpoint published under LEDGER_TLOG_DIR. That directory is
not in the archive on purpose: it is the copy the outside world saw. A restore that lost entries
a published checkpoint covers is reported by seq, and the command exits 1.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

BASE_DIR = Path(__file__).resolve().parent.parent
MAINTENANCE_DB = "postgres"


# --- PostgreSQL connection and tools ---------------------------------------------------------


def db_settings() -> dict[str, Any]:
    from django.conf import settings

    return dict(settings.DATABASES["default"])


def libpq_env(db: dict[str, Any], name: str | None = None) -> dict[str, str]:
    """The connection as libpq variables: no password on a command line."""
    env = {**os.environ, "PGDATABASE": name or db["NAME"], "PGUSER": str(db.get("USER") or "")}
    if db.get("HOST"):
        env["PGHOST"] = str(db["HOST"])
    if db.get("PORT"):
        env["PGPORT"] = str(db["PORT"])
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return env


def connect(db: dict[str, Any], name: str | None = None) -> Any:
    import psycopg

    return psycopg.connect(dbname=name or db["NAME"], user=db.get("USER") or None, password=db.get("PASSWORD") or None,
                           host=db.get("HOST") or None, port=db.get("PORT") or None, autocommit=True)


def server_major(conn: Any) -> int:
    return int(conn.execute("SHOW server_version_num").fetchone()[0]) // 10000


def pg_tool(tool: str, major: int) -> str:
    """pg_dump/pg_restore of the server's major version if there is one (pgserver's for the
    embedded server, Debian's for the machine's), else the newest one newer than the server."""
    import pgserver

    candidates = [Path(pgserver.__file__).parent / "pginstall" / "bin" / tool]
    candidates += sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{tool}"))
    if found := shutil.which(tool):
        candidates.append(Path(found))
    versions = {}
    for path in candidates:
        if path.is_file() and os.access(path, os.X_OK):
            out = subprocess.run([str(path), "--version"], capture_output=True, text=True, check=False).stdout
            if match := re.search(r"(\d+)\.\d+", out):
                versions[str(path)] = int(match.group(1))
    usable = sorted((v, p) for p, v in versions.items() if v >= major)
    if not usable:
        raise SystemExit(f"no {tool} for PostgreSQL {major} or newer (tried {', '.join(map(str, candidates))})")
    exact = [p for v, p in usable if v == major]
    return exact[0] if exact else usable[-1][1]


# --- create -------------------------------------------------------------------------------------


def create(out_dir: Path) -> Path:
    from django.conf import settings

    db = db_settings()
    out_dir.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    archive = out_dir / f"tradechain-{stamp}.tar"
    with tempfile.TemporaryDirectory(dir=out_dir, prefix=".backup-") as tmp:
        dump = Path(tmp) / "db.dump"
        manifest = dump_database(db, dump)
        media = Path(settings.MEDIA_ROOT)
        files = [p for p in media.rglob("*") if p.is_file()] if media.exists() else []
        manifest.update(created_at=stamp, documents=len(files), db_dump_sha256=sha256_file(dump))
        partial = archive.with_suffix(".tar.partial")  # never a half archive under the final name
        with tarfile.open(partial, "w") as tar:
            tar.add(dump, arcname="db.dump")
            for path in files:
                tar.add(path, arcname=f"documents/{path.relative_to(media)}")
            data = json.dumps(manifest, indent=2).encode()
            info = tarfile.TarInfo("manifest.json")
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
        partial.replace(archive)
    print(f"backup {archive}: database {db['NAME']} (ledger head {manifest['ledger_head']}), "
          f"{manifest['documents']} documents, {archive.stat().st_size:,} bytes")
    return archive


def dump_database(db: dict[str, Any], dump: Path) -> dict[str, Any]:
    """pg_dump from an exported snapshot, so the manifest's ledger head is the dump's."""
    with connect(db) as conn:  # autocommit, so that our BEGIN sets the isolation level
        major = server_major(conn)
        tool = pg_tool("pg_dump", major)
        conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        snapshot = conn.execute("SELECT pg_export_snapshot()").fetchone()[0]
        head = conn.execute("SELECT coalesce(max(seq), 0) FROM ledger_entry").fetchone()[0]
        subprocess.run([tool, "--format=custom", f"--snapshot={snapshot}", f"--file={dump}"],
                       env=libpq_env(db), check=True)
    return {"database": db["NAME"], "server_major": major, "pg_dump": tool, "ledger_head": head}


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


# --- restore ------------------------------------------------------------------------------------


def latest_archive(directory: Path) -> Path:
    archives = sorted(directory.glob("tradechain-*.tar"))
    if not archives:
        raise SystemExit(f"no backup under {directory}; run `make backup` first or pass BACKUP=path")
    return archives[-1]


def restore(archive: Path, force: bool) -> int:
    from django.conf import settings
    from django.db import connections

    db = db_settings()
    connections.close_all()  # our own session must not count as "in use"
    with tempfile.TemporaryDirectory(dir=archive.parent, prefix=".restore-") as tmp:
        staged = Path(tmp)
        with tarfile.open(archive) as tar:
            tar.extractall(staged, filter="data")
        manifest = json.loads((staged / "manifest.json").read_text())
        if sha256_file(staged / "db.dump") != manifest["db_dump_sha256"]:
            raise SystemExit(f"{archive}: db.dump does not match its manifest; not restoring")
        print(f"restoring {archive} (taken {manifest['created_at']}, ledger head {manifest['ledger_head']})")
        if (code := restore_database(db, staged / "db.dump", force)) != 0:
            return code
        count = replace_documents(staged / "documents", Path(settings.MEDIA_ROOT))
        print(f"documents: {count} files restored into {settings.MEDIA_ROOT}")
    return run_checks()


def restore_database(db: dict[str, Any], dump: Path, force: bool) -> int:
    """Drop and recreate the database, then pg_restore into it in one transaction."""
    name = db["NAME"]
    with connect(db, MAINTENANCE_DB) as conn:
        others = conn.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
                              [name]).fetchone()[0]
        if others and not force:
            print(f"{others} other session(s) use database {name} (is `make run` still running?): stop them, "
                  "or pass --force to disconnect them", file=sys.stderr)
            return 2
        quoted = '"' + name.replace('"', '""') + '"'
        conn.execute(f"DROP DATABASE IF EXISTS {quoted} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {quoted}")
        major = server_major(conn)
    tool = pg_tool("pg_restore", major)
    # --no-owner: the restoring role owns what it restores (the dump may come from another server).
    subprocess.run([tool, "--single-transaction", "--exit-on-error", "--no-owner", f"--dbname={name}", str(dump)],
                   env=libpq_env(db), check=True)
    print(f"database {name} restored with {tool}")
    return 0


def replace_documents(staged: Path, media: Path) -> int:
    """Swap the restored document store in; the old one is removed only once the new is in place."""
    aside = media.with_name(media.name + ".before-restore")
    shutil.rmtree(aside, ignore_errors=True)
    if media.exists():
        media.rename(aside)
    media.parent.mkdir(parents=True, exist_ok=True)
    if staged.exists():
        shutil.move(str(staged), str(media))
    else:
        media.mkdir()
    shutil.rmtree(aside, ignore_errors=True)
    return sum(1 for p in media.rglob("*") if p.is_file())


# --- checks after a restore ---------------------------------------------------------------------


def run_checks() -> int:
    """verify_ledger, then the published checkpoint: 0 when both agree with the database."""
    from django.conf import settings

    verified = subprocess.run([sys.executable, "manage.py", "verify_ledger", "--no-progress"], cwd=BASE_DIR,
                              check=False)
    report = check_published_checkpoint(Path(settings.LEDGER_TLOG_DIR))
    for line in report.lines():
        print(line)
    return 0 if verified.returncode == 0 and report.ok else 1


@dataclass
class CheckpointReport:
    ok: bool = True
    published_size: int | None = None
    head: int = 0
    lost: list[tuple[int, int]] = field(default_factory=list)  # seq ranges, inclusive
    diverged_after: int | None = None  # the restored entries agree with what was published up to here
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = [f"checkpoint check: {'OK' if self.ok else 'FAILED'}"]
        out += [f"  PROBLEM: {p}" for p in self.problems]
        out += [f"  {n}" for n in self.notes]
        return out


def check_published_checkpoint(tlog_dir: Path) -> CheckpointReport:
    """Compare the ledger in the database with the latest checkpoint published in `tlog_dir`.

    Every entry the checkpoint covers must be present (missing ones are listed by seq) and the
    Merkle root of entries 1..size must be the signed root. When it is not, older published
    checkpoints narrow down where the restored history starts to differ."""
    from django.db import connection

    report = CheckpointReport()
    with connection.cursor() as cur:
        cur.execute("SELECT coalesce(max(seq), 0) FROM ledger_entry")
        report.head = cur.fetchone()[0]
        published = read_published(tlog_dir / "checkpoint", tlog_dir, report)
        if published is None:
            return report
        size, root = published
        report.published_size = size
        report.lost = missing_ranges(cur, size)
        if report.lost:
            report.ok = False
            spans = ", ".join(f"{a}..{b}" if a != b else str(a) for a, b in report.lost)
            count = sum(b - a + 1 for a, b in report.lost)
            report.problems.append(f"{count} entries that published checkpoint {size} covers are missing: seq {spans}")
            return report
        leaves = leaf_hashes(cur, size)
    compare_roots(leaves, size, root, tlog_dir, report)
    if report.ok and report.head > size:
        report.notes.append(f"entries {size + 1}..{report.head} are newer than the published checkpoint {size}")
    return report


def read_published(path: Path, tlog_dir: Path, report: CheckpointReport) -> tuple[int, bytes] | None:
    from django.conf import settings

    from ledger.note import NoteError, open_note, parse_checkpoint

    if not path.exists():
        report.notes.append(f"no published checkpoint at {path}: nothing to compare")
        return None
    try:
        body, _ = open_note(path.read_text(), published_verifiers(tlog_dir))
        origin, size, root, _ = parse_checkpoint(body)
    except NoteError as exc:
        report.ok = False
        report.problems.append(f"{path} does not verify with the published keys: {exc}")
        return None
    if origin != settings.LEDGER_ORIGIN:
        report.ok = False
        report.problems.append(f"{path} is for log {origin!r}, not {settings.LEDGER_ORIGIN!r}")
        return None
    return size, root


def published_verifiers(tlog_dir: Path) -> list[Any]:
    """The keys published beside the checkpoints (what outside verifiers use), else ours."""
    from ledger.keys import verifiers
    from ledger.note import Verifier

    keys = tlog_dir / "keys"
    if keys.exists():
        return [Verifier.from_string(line) for line in keys.read_text().split() if line]
    return verifiers()


def missing_ranges(cur: Any, size: int) -> list[tuple[int, int]]:
    """Seqs 1..size absent from ledger_entry, as (first, last) runs."""
    cur.execute(
        "SELECT min(s), max(s) FROM (SELECT s, s - row_number() OVER (ORDER BY s) AS run "
        "FROM generate_series(1, %s) AS s WHERE NOT EXISTS (SELECT 1 FROM ledger_entry e WHERE e.seq = s)) AS gaps "
        "GROUP BY run ORDER BY 1",
        [size],
    )
    return [(a, b) for a, b in cur.fetchall()]


def leaf_hashes(cur: Any, size: int) -> list[bytes]:
    """The Merkle leaves of entries 1..size, as anchoring builds them (leaf_hash of each entry hash)."""
    from ledger.merkle import leaf_hashes as hash_leaves

    cur.execute("SELECT hash FROM ledger_entry WHERE seq <= %s ORDER BY seq", [size])
    return hash_leaves(bytes(row[0]) for row in cur.fetchall())


def compare_roots(leaves: list[bytes], size: int, root: bytes, tlog_dir: Path, report: CheckpointReport) -> None:
    from ledger.merkle import root_from_hashes

    if root_from_hashes(leaves[:size]) == root:
        report.notes.append(f"entries 1..{size} match published checkpoint {size}")
        return
    report.ok = False
    agreed = last_agreeing_size(leaves, tlog_dir, size)
    report.diverged_after = agreed
    report.problems.append(
        f"entries 1..{size} do not match published checkpoint {size}: the restored history agrees with "
        f"what was published up to seq {agreed} and differs somewhere in seq {agreed + 1}..{size}"
    )


def last_agreeing_size(leaves: list[bytes], tlog_dir: Path, size: int) -> int:
    """The largest published checkpoint size whose root the restored entries reproduce
    (binary search: once the history differs, every later checkpoint differs too)."""
    from ledger.merkle import root_from_hashes
    from ledger.note import NoteError, open_note, parse_checkpoint

    keys = published_verifiers(tlog_dir)
    sizes = sorted(int(p.name) for p in (tlog_dir / "checkpoints").glob("*") if p.name.isdigit() and int(p.name) < size)

    def agrees(n: int) -> bool:
        try:
            _, got, root, _ = parse_checkpoint(open_note((tlog_dir / "checkpoints" / str(n)).read_text(), keys)[0])
        except NoteError:
            return False
        return got == n and root_from_hashes(leaves[:n]) == root

    lo, hi, best = 0, len(sizes) - 1, 0
    while lo <= hi:
        mid = (lo + hi) // 2
        if agrees(sizes[mid]):
            best, lo = sizes[mid], mid + 1
        else:
            hi = mid - 1
    return best


# --- command line -------------------------------------------------------------------------------


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m tradechain.backup", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    make = sub.add_parser("create", help="write a backup archive")
    make.add_argument("--dir", type=Path, default=None, help="where to write it (default var/backups)")
    back = sub.add_parser("restore", help="restore an archive, then verify the ledger")
    back.add_argument("archive", type=Path, nargs="?", help="the archive (default: the newest in var/backups)")
    back.add_argument("--force", action="store_true", help="disconnect other sessions of the database")
    sub.add_parser("check", help="verify_ledger and the published checkpoint, on the current database")
    args = parser.parse_args(argv)
    os.chdir(BASE_DIR)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tradechain.settings")
    import django

    django.setup()
    from django.conf import settings

    backups = Path(settings.VAR_DIR) / "backups"
    if args.command == "create":
        create(args.dir or backups)
        return 0
    if args.command == "restore":
        return restore(args.archive or latest_archive(backups), args.force)
    return run_checks()


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
