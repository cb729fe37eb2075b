"""The log's signing keys: where they come from, and the public keys we publish.

Order of precedence for the log key: LEDGER_SIGNING_KEY (a note signer-key string),
LEDGER_SIGNING_KEY_FILE (a file holding one; it must exist), else the embedded default
var/ledger-signing.key, generated on first use with mode 600. LEDGER_EXTRA_SIGNING_KEYS
co-sign every checkpoint during a rotation overlap; LEDGER_EXTRA_VERIFIER_KEYS are public
keys (a retired log key, witnesses) published beside ours so older checkpoints still verify.

Settings are read on every call rather than cached: loading a key is cheap and anchoring
runs every few seconds, and tests switch keys with the `settings` fixture.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from ledger.note import NoteError, Signer, Verifier, generate_signer


def log_signer() -> Signer:
    """The log's own key: the first signature on every checkpoint."""
    if settings.LEDGER_SIGNING_KEY:
        return _parse_signer(settings.LEDGER_SIGNING_KEY, "LEDGER_SIGNING_KEY")
    if settings.LEDGER_SIGNING_KEY_FILE:
        path = Path(settings.LEDGER_SIGNING_KEY_FILE)
        if not path.is_file():
            # An operator named this file: generating a new key there would hide the mistake.
            raise ImproperlyConfigured(f"LEDGER_SIGNING_KEY_FILE {path} does not exist")
        return _parse_signer(path.read_text().strip(), str(path))
    path = Path(settings.LEDGER_DEFAULT_SIGNING_KEY_FILE)
    return _parse_signer(ensure_key_file(path, settings.LEDGER_ORIGIN), str(path))


def signers() -> list[Signer]:
    """Every key that signs a new checkpoint: the log key, then the rotation keys."""
    out = [log_signer()]
    for text in settings.LEDGER_EXTRA_SIGNING_KEYS:
        extra = _parse_signer(text, "LEDGER_EXTRA_SIGNING_KEYS")
        if all((s.name, s.key_id) != (extra.name, extra.key_id) for s in out):
            out.append(extra)
    return out


def verifiers() -> list[Verifier]:
    """The public keys we publish: the signing keys' public halves, then the extra ones."""
    out = [s.verifier() for s in signers()]
    for text in settings.LEDGER_EXTRA_VERIFIER_KEYS:
        try:
            verifier = Verifier.from_string(text)
        except NoteError as exc:
            raise ImproperlyConfigured(f"LEDGER_EXTRA_VERIFIER_KEYS: {exc}") from exc
        if verifier not in out:
            out.append(verifier)
    return out


def verifier_strings() -> list[str]:
    return [v.to_string() for v in verifiers()]


def ensure_key_file(path: Path, name: str) -> str:
    """Read the signer key at `path`, generating it first if there is none.

    Two processes may start at once (web, worker, beat): each writes a private temporary file
    and links it into place, which fails if the other won, so exactly one key ever exists and
    nobody reads a half-written file.
    """
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    skey, _ = generate_signer(name)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w") as fh:
            fh.write(skey + "\n")
            fh.flush()
            os.fsync(fh.fileno())
        with contextlib.suppress(FileExistsError):
            os.link(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path.read_text().strip()


def _parse_signer(text: str, source: str) -> Signer:
    try:
        return Signer.from_string(text.strip())
    except NoteError as exc:
        # Never echo the text: it is a private key.
        raise ImproperlyConfigured(f"{source} is not a valid note signer key: {exc}") from exc
