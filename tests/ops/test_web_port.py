"""`make run` keeps its web port across restarts (issue 15: it moved to 8001, then 8002, because the
previous server's connections were still in TIME_WAIT) and moves on only for a real listener."""

from __future__ import annotations

import errno
import socket
import threading
import time

import pytest

from tradechain.supervise import free_port


def listener(port: int = 0) -> socket.socket:
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", port))
    s.listen()
    return s


def leave_in_time_wait() -> int:
    """A port whose server is gone but whose last connection, closed by the server as gunicorn
    closes it, is in TIME_WAIT on the server's side."""
    server = listener()
    port = server.getsockname()[1]
    client = socket.create_connection(("127.0.0.1", port))
    conn, _ = server.accept()
    conn.close()  # the side that closes first keeps the TIME_WAIT
    time.sleep(0.05)
    client.close()
    server.close()
    return port


def test_a_port_whose_connections_are_in_time_wait_is_used_again() -> None:
    port = leave_in_time_wait()
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as naive, pytest.raises(OSError) as refused:
        naive.bind(("127.0.0.1", port))  # how the old probe saw it: "in use", so it took port + 1
    assert refused.value.errno == errno.EADDRINUSE

    assert free_port(port) == port


def test_a_port_with_a_listener_is_skipped() -> None:
    with listener() as busy:
        port = busy.getsockname()[1]

        chosen = free_port(port, settle=0.5)

    assert chosen > port


def test_a_port_held_by_a_process_on_its_way_out_is_waited_for() -> None:
    held = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    held.bind(("127.0.0.1", 0))  # bound, not listening: a server that is shutting down
    port = held.getsockname()[1]
    threading.Timer(1.0, held.close).start()

    started = time.monotonic()
    chosen = free_port(port, settle=5.0)

    assert chosen == port
    assert 0.8 < time.monotonic() - started < 5.0
