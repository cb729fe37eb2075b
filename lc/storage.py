"""Presented files, stored off-ledger by content address; only their SHA-256 is ledgered.

Uploads are streamed to disk in chunks and hashed on the way (never read whole into memory);
a full or read-only disk raises StoreFull / StoreUnavailable, which the API answers with a
clean 507 / 503 problem (lc.api.problems), with nothing half-written left in place.

The client's file name is never used as a path (it is kept for display only); the
type is sniffed from the content, not taken from the name or the Content-Type header: PDF, PNG,
JPEG and TIFF by their signatures, XML and JSON by parsing the whole file (issue 17). Anything
else is UnsupportedType (HTTP 415).
"""

from __future__ import annotations

import base64
import datetime as dt
import errno
import hashlib
import json
import os
import re
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, Protocol
from xml.parsers import expat

from django.conf import settings
from django.http import HttpResponse
from django.utils.http import content_disposition_header

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
XML, JSON = "application/xml", "application/json"
ACCEPTED: tuple[str, ...] = (*dict.fromkeys(ctype for _, ctype in SIGNATURES), XML, JSON)
HEAD = 1024  # bytes kept from the start of a file to sniff it (a text file may start with a BOM and blanks)
BOM = b"\xef\xbb\xbf"


@dataclass(frozen=True)
class StoredFile:
    sha256: str
    size: int
    content_type: str


def sniff(data: bytes) -> str | None:
    """The type the first bytes claim: a signature, or for text (UTF-8, an optional BOM and
    blanks first) an XML element or declaration, or a JSON object or array. XML and JSON are
    only candidates here: `check_text` parses them whole."""
    signed = next((ctype for magic, ctype in SIGNATURES if data.startswith(magic)), None)
    text = data.removeprefix(BOM).lstrip(b" \t\r\n")
    if signed or not text:
        return signed
    return XML if text[:1] == b"<" else JSON if text[:1] in (b"{", b"[") else None


class UnsupportedType(InvalidInput):
    """The bytes are none of the accepted types, whatever the name or Content-Type say (HTTP 415)."""


class Upload(Protocol):
    """An uploaded file as Django hands it over (in memory when small, a temporary file when not)."""

    def chunks(self, chunk_size: int | None = None) -> Iterator[bytes]: ...


class StoreUnavailable(Exception):
    """The document store cannot be written (read-only, permissions): HTTP 503, retry later."""


class StoreFull(Exception):
    """The document store is out of space: HTTP 507."""


FULL = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG})
INCOMING = ".incoming"  # temporary files, on the store's own file system so the rename is atomic
ORPHAN_AFTER = dt.timedelta(hours=1)  # far longer than any transaction that wrote a file


def _too_large(field: str) -> InvalidInput:
    return InvalidInput(f"file is larger than {settings.UPLOAD_MAX_BYTES} bytes",
                        [{"field": field, "message": "too large"}])


def check_head(head: bytes, size: int, field: str = "file") -> str:
    """The content type from the first bytes, once the whole size is known."""
    if size > settings.UPLOAD_MAX_BYTES:
        raise _too_large(field)
    if size == 0:
        raise InvalidInput("file is empty", [{"field": field, "message": "empty"}])
    ctype = sniff(head)
    if ctype is None:
        _unsupported(field, "unsupported file type")
    return ctype


def _unsupported(field: str, why: str) -> NoReturn:
    raise UnsupportedType("only PDF, PNG, JPEG, TIFF, XML or JSON files are accepted (checked from the content)"
                          f": {why}", [{"field": field, "message": "unsupported file type"}])


def check_text(path: Path, ctype: str, field: str = "file") -> None:
    """An XML or JSON candidate must parse, whole. Reads the stored file again (at most
    UPLOAD_MAX_BYTES, already checked): XML in chunks, JSON at once."""
    if ctype == XML:
        _check_xml(path, field)
    elif ctype == JSON:
        _check_json(path.read_bytes(), field)


class _NoDtd(Exception):
    pass


def _refuse_dtd(*_: Any) -> NoReturn:
    raise _NoDtd


def _check_xml(path: Path, field: str) -> None:
    """Well-formed XML without a document type declaration. With no DTD there is nothing to
    declare an entity with, so no entity is ever expanded (billion laughs) or fetched
    (external entities): the parse stops at `<!DOCTYPE`, before any declaration is read.
    Trade documents in XML (UBL, ISO 20022) are schema-validated and carry no DTD."""
    parser = expat.ParserCreate()
    parser.StartDoctypeDeclHandler = _refuse_dtd
    parser.EntityDeclHandler = _refuse_dtd
    parser.ExternalEntityRefHandler = _refuse_dtd
    try:
        with path.open("rb") as fh:
            while chunk := fh.read(1 << 16):
                parser.Parse(chunk, False)
        parser.Parse(b"", True)
    except _NoDtd:
        _unsupported(field, "XML with a document type declaration (DTD) is not accepted")
    except expat.ExpatError as exc:
        _unsupported(field, f"not well-formed XML ({expat.ErrorString(exc.code)})")


def _no_constant(name: str) -> NoReturn:
    raise ValueError(f"{name} is not JSON")


def _check_json(data: bytes, field: str) -> None:
    """Strict JSON in UTF-8 (NaN and Infinity are not JSON; a nesting too deep to parse is refused)."""
    try:
        json.loads(data.decode("utf-8-sig"), parse_constant=_no_constant)
    except (ValueError, RecursionError):
        _unsupported(field, "not JSON in UTF-8")


def path_for(sha256: str) -> Path:
    return Path(settings.MEDIA_ROOT) / sha256[:2] / sha256[2:4] / sha256


def _chunks(content: bytes | Upload) -> Iterator[bytes]:
    if isinstance(content, bytes):
        for i in range(0, len(content), 1 << 16):
            yield content[i:i + (1 << 16)]
    else:
        yield from content.chunks()


@contextmanager
def _disk_errors() -> Iterator[None]:
    """A full or read-only disk is an answer (507 / 503), not a crash."""
    try:
        yield
    except OSError as exc:
        if exc.errno in FULL:
            raise StoreFull(f"the document store is full: {exc.strerror}") from exc
        raise StoreUnavailable(f"the document store cannot be written: {exc.strerror}") from exc


def store(content: bytes | Upload, field: str = "file") -> StoredFile:
    """Stream the file to disk (never whole in memory), hashing as it goes; then rename it to
    its content address, durably (identical content is stored once). Written and fsynced
    before the business transaction commits, so no committed row refers to a missing file; a
    file whose transaction then rolled back is removed by `sweep_orphans`."""
    incoming = Path(settings.MEDIA_ROOT) / INCOMING
    with _disk_errors():
        incoming.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=incoming)
    try:
        with _disk_errors(), os.fdopen(fd, "wb") as fh:
            digest, size, head = hashlib.sha256(), 0, b""
            for chunk in _chunks(content):
                size += len(chunk)
                if size > settings.UPLOAD_MAX_BYTES:
                    raise _too_large(field)
                head = head if len(head) >= HEAD else (head + chunk)[:HEAD]
                digest.update(chunk)
                fh.write(chunk)
            fh.flush()
            os.fsync(fh.fileno())
        ctype = check_head(head, size, field)
        check_text(Path(tmp), ctype, field)
        sha = digest.hexdigest()
        with _disk_errors():
            _place(Path(tmp), path_for(sha))
    finally:
        Path(tmp).unlink(missing_ok=True)
    return StoredFile(sha256=sha, size=size, content_type=ctype)


def _place(tmp: Path, target: Path) -> None:
    if target.exists():
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    os.replace(tmp, target)
    dir_fd = os.open(target.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)  # the rename itself is durable before the row that names it commits
    finally:
        os.close(dir_fd)


def sweep_orphans(referenced: Callable[[set[str]], set[str]], now: dt.datetime | None = None) -> int:
    """Remove stored files older than ORPHAN_AFTER that no document refers to (their
    presentation rolled back after the file was written), and stale temporary files.
    `referenced(hashes)` says which of the given hashes a document row holds."""
    root = Path(settings.MEDIA_ROOT)
    cutoff = ((now or dt.datetime.now(dt.UTC)) - ORPHAN_AFTER).timestamp()
    old = [p for p in root.glob("??/??/*") if p.is_file() and p.stat().st_mtime < cutoff]
    old_tmp = [p for p in (root / INCOMING).glob("*") if p.stat().st_mtime < cutoff]
    keep = referenced({p.name for p in old})
    removed = 0
    for path in [*old_tmp, *(p for p in old if p.name not in keep)]:
        path.unlink(missing_ok=True)
        removed += 1
    return removed


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


def file_response(sha256: str, content_type: str, name: str) -> HttpResponse:
    """A stored file as a download, re-hashed first (CorruptFile rather than a changed file);
    `ETag` and `Repr-Digest` (RFC 9530) carry the SHA-256 the ledger holds."""
    return download_response(read_verified(sha256), content_type, name, sha256)


def download_response(body: bytes, content_type: str, name: str, sha256: str) -> HttpResponse:
    """`body` as an attachment named `name`, with the SHA-256 the ledger holds in `ETag` and
    `Repr-Digest` (RFC 9530), never sniffed or cached by the browser."""
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, name)
    response["ETag"] = f'"{sha256}"'
    response["Repr-Digest"] = f"sha-256=:{base64.b64encode(bytes.fromhex(sha256)).decode()}:"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
