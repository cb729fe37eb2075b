"""The broker is swappable (issue 15): a real `celery -A tradechain worker` on the machine's
RabbitMQ (127.0.0.1:5672, guest/guest) takes a task from a quorum queue and sends its result
back. Skipped, saying so, only when nothing answers on port 5672."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from celery import Celery
from kombu import Connection, Queue
from ops_processes import log_text, wait_for_text

from tradechain.settings import celery_url

ROOT = Path(__file__).resolve().parents[2]
BROKER = os.environ.get("RABBITMQ_URL", "amqp://guest:guest@127.0.0.1:5672//")


def rabbitmq_answers() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 5672), timeout=2):
            return True
    except OSError:
        return False


pytestmark = pytest.mark.skipif(not rabbitmq_answers(), reason="nothing answers on 127.0.0.1:5672 (RabbitMQ)")


def test_a_task_round_trip_through_a_real_worker_on_rabbitmq_with_a_quorum_queue(tmp_path: Path) -> None:
    from django.conf import settings

    queue = f"tc-ops-{uuid.uuid4().hex[:12]}"  # our own queue: other runs on this broker never take our task
    env = {**os.environ, "BROKER_URL": BROKER, "TRADECHAIN_VAR": str(tmp_path / "var"),
           "PYTHONPATH": os.pathsep.join([str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])])}
    log_path = tmp_path / "worker.log"
    celery_bin = Path(sys.executable).parent / "celery"
    with open(log_path, "ab") as log:
        worker = subprocess.Popen([str(celery_bin), "-A", "tradechain", "worker", "--include", "tests.ops.retry_tasks",
                                   "-Q", queue, "--loglevel", "INFO", "--concurrency", "1", "-n", f"{queue}@%h",
                                   "--without-gossip", "--without-mingle"],
                                  cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    client = Celery("ops-rabbit", broker=BROKER, backend=celery_url(settings.REDIS_URL))
    client.conf.task_create_missing_queue_type = "quorum"  # as settings.py has it for an AMQP broker
    try:
        wait_for_text(log_path, " ready.", timeout=90)
        assert "amqp://guest:**@127.0.0.1:5672//" in log_text(log_path)  # the worker is on RabbitMQ
        marker = tmp_path / "marker"
        result = client.send_task("tests.ops.retry_then_finish", args=[str(marker), 0.1], queue=queue)
        assert result.get(timeout=60) == "done"
        assert marker.read_text() == "done after 1 retry"  # the retry went through the broker too
        with Connection(BROKER) as conn:
            channel = conn.channel()
            # Declaring it again with the quorum type succeeds; as a classic queue RabbitMQ refuses
            # (PRECONDITION_FAILED, inequivalent x-queue-type): the worker made a quorum queue.
            Queue(queue, queue_arguments={"x-queue-type": "quorum"}, channel=channel).declare()
            with pytest.raises(Exception, match=r"PRECONDITION_FAILED|inequivalent"):
                Queue(queue, channel=conn.channel()).declare()
    finally:
        client.close()
        worker.terminate()
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            pass
        try:
            os.killpg(worker.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        with Connection(BROKER) as conn:
            Queue(queue, queue_arguments={"x-queue-type": "quorum"}, channel=conn.channel()).delete()
