"""The witness's key file: one cosigner key string, mode 600, created once."""

from __future__ import annotations

import os
from pathlib import Path

from ledger.witness.cosignature import Cosigner, generate_cosigner


def ensure_key(path: Path, name: str) -> Cosigner:
    """The cosigner key at `path`, created if absent (O_EXCL: two starts cannot make two keys)."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        skey, _ = generate_cosigner(name)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass  # another process won the race: use its key
        else:
            with os.fdopen(fd, "w") as fh:
                fh.write(skey + "\n")
                fh.flush()
                os.fsync(fh.fileno())
    signer = load_key(path)
    if signer.name != name:
        raise ValueError(f"{path} holds the key of {signer.name!r}, not {name!r}")
    return signer


def load_key(path: Path) -> Cosigner:
    return Cosigner.from_string(path.read_text().strip())
