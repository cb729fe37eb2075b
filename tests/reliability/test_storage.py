"""The document store under a full or read-only disk, streaming, and the orphan sweeper. The
disks are real: a small tmpfs mounted for the test (the suite runs as root, as `make test` does)."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from lc import storage
from lc.api.problems import problem_exception_handler
from lc.models import Document, Presentation
from lc.scenarios import example_documents
from ledger.models import PendingEntry

PDF = b"%PDF-1.7\n" + b"x" * 4096


@pytest.fixture
def disk(tmp_path: Path, settings: Any) -> Iterator[Path]:
    """MEDIA_ROOT on its own 64 KiB tmpfs."""
    root = tmp_path / "store"
    root.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(root)], check=True)
    settings.MEDIA_ROOT = root
    try:
        yield root
    finally:
        subprocess.run(["umount", "-l", str(root)], check=True)


def read_only(root: Path) -> None:
    subprocess.run(["mount", "-o", "remount,ro", str(root)], check=True)


class Chunks:
    """An upload that counts how much of it was read."""

    def __init__(self, parts: list[bytes]) -> None:
        self.parts, self.read = parts, 0

    def chunks(self, chunk_size: int | None = None) -> Iterator[bytes]:
        for part in self.parts:
            self.read += 1
            yield part


def test_a_read_only_store_refuses_the_presentation_cleanly_and_records_nothing(story: Any, disk: Path) -> None:
    story.issued()
    read_only(disk)
    entries = PendingEntry.objects.count()
    with pytest.raises(storage.StoreUnavailable) as caught:
        story.present()
    assert not Presentation.objects.exists() and not Document.objects.exists()
    assert PendingEntry.objects.count() == entries
    response = problem_exception_handler(caught.value, {})
    assert response is not None and response.status_code == 503
    assert response.content_type == "application/problem+json" and response["Retry-After"]


def test_a_full_store_answers_507_and_leaves_no_partial_file(story: Any, disk: Path) -> None:
    story.issued()
    docs = example_documents()
    docs[0] = storage_input(docs[0], b"%PDF-1.7\n" + os.urandom(128 * 1024))
    with pytest.raises(storage.StoreFull) as caught:
        story.present(documents=docs)
    response = problem_exception_handler(caught.value, {})
    assert response is not None and response.status_code == 507
    assert [p for p in disk.rglob("*") if p.is_file()] == []  # the temporary file went too
    assert not Presentation.objects.exists()


def storage_input(doc: Any, content: bytes) -> Any:
    from dataclasses import replace

    return replace(doc, content=content)


def test_an_upload_is_streamed_and_a_too_large_one_is_refused_before_it_is_all_read(
        tmp_path: Path, settings: Any) -> None:
    settings.MEDIA_ROOT, settings.UPLOAD_MAX_BYTES = tmp_path, 10_000
    stored = storage.store(Chunks([PDF[:100], PDF[100:]]))  # type: ignore[arg-type]
    assert storage.read_verified(stored.sha256) == PDF and stored.content_type == "application/pdf"
    big = Chunks([b"%PDF-" + b"x" * 6000, b"x" * 6000, b"x" * 6000, b"x" * 6000])
    with pytest.raises(storage.InvalidInput):
        storage.store(big)  # type: ignore[arg-type]
    assert big.read == 2
    assert list((tmp_path / storage.INCOMING).iterdir()) == []


def test_the_sweeper_removes_old_files_no_document_refers_to(tmp_path: Path, settings: Any) -> None:
    settings.MEDIA_ROOT = tmp_path
    kept, orphan, fresh = (storage.store(PDF + bytes([i])) for i in range(3))
    old = 1_000_000_000  # 2001: long past ORPHAN_AFTER
    for f in (kept, orphan):
        os.utime(storage.path_for(f.sha256), (old, old))
    removed = storage.sweep_orphans(lambda hashes: hashes & {kept.sha256})
    assert removed == 1
    assert storage.path_for(kept.sha256).exists() and storage.path_for(fresh.sha256).exists()
    assert not storage.path_for(orphan.sha256).exists()
