"""Presented files, stored off-ledger by content address; only their SHA-256 is ledgered.

The client's file name is never used as a path (it is kept for display only); the
type is sniffed from the content, not taken from the name or the Content-Type header.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings

if TYPE_CHECKING:
    from lc.models import Document

from lc.errors import InvalidInput

SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"II*\x00", "image/tiff"),
    (b"MM\x00*", "image/tiff"),
)


@dataclass(frozen=True)
class StoredFile:
    sha256: str
    size: int
    content_type: str


def sniff(data: bytes) -> str | None:
    return next((ctype for magic, ctype in SIGNATURES if data.startswith(magic)), None)


def check_upload(data: bytes, field: str = "file") -> str:
    if len(data) > settings.UPLOAD_MAX_BYTES:
        raise InvalidInput(f"file is larger than {settings.UPLOAD_MAX_BYTES} bytes",
                           [{"field": field, "message": "too large"}])
    if not data:
        raise InvalidInput("file is empty", [{"field": field, "message": "empty"}])
    ctype = sniff(data)
    if ctype is None:
        raise InvalidInput("only PDF, PNG, JPEG or TIFF files are accepted (checked from the content)",
                           [{"field": field, "message": "unsupported file type"}])
    return ctype


def path_for(sha256: str) -> Path:
    return Path(settings.MEDIA_ROOT) / sha256[:2] / sha256[2:4] / sha256


def store(data: bytes, field: str = "file") -> StoredFile:
    """Write atomically (temp file + rename); identical content is stored once."""
    ctype = check_upload(data, field)
    digest = hashlib.sha256(data).hexdigest()
    target = path_for(digest)
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, target)
    return StoredFile(sha256=digest, size=len(data), content_type=ctype)


def read(sha256: str) -> bytes:
    return path_for(sha256).read_bytes()


class CorruptFile(Exception):
    """A stored file no longer matches the SHA-256 it was stored (and ledgered) under."""


def read_verified(sha256: str) -> bytes:
    """The stored bytes, re-hashed: a file that changed on disk is never served as the original."""
    try:
        data = read(sha256)
    except FileNotFoundError as exc:
        raise CorruptFile(f"the file {sha256} is missing from the document store") from exc
    if hashlib.sha256(data).hexdigest() != sha256:
        raise CorruptFile(f"the stored file {sha256} no longer matches its SHA-256")
    return data


def display_name(document: Document) -> str:
    """A safe download name: the client's name reduced to its last part and plain characters,
    or doc type + hash prefix when nothing usable is left."""
    name = document.original_name.replace("\\", "/").rsplit("/", 1)[-1]
    name = re.sub(r"[^A-Za-z0-9._ -]", "_", name).strip(" .")
    return (name or f"{document.doc_type}-{document.sha256[:12]}")[:120]
