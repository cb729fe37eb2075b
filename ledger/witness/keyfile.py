"""The witness's key file: one cosigner key string, mode 600, created once."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from ledger.witness.cosignature import Cosigner, generate_cosigner


def ensure_key(path: Path, name: str) -> Cosigner:
    """The cosigner key at `path`, created if absent.

    Two starts at once must neither make two keys nor read a half-written file: the key is
    written and fsynced under a temporary name, then hard-linked to `path`, which fails if the
    other start got there first (its complete key is then used)."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        skey, _ = generate_cosigner(name)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")  # mode 600
        try:
            with os.fdopen(fd, "w") as fh:
                fh.write(skey + "\n")
                fh.flush()
                os.fsync(fh.fileno())
            os.link(tmp, path)
        except FileExistsError:
            pass  # another start won the race: use its key
        finally:
            os.unlink(tmp)
    signer = load_key(path)
    if signer.name != name:
        raise ValueError(f"{path} holds the key of {signer.name!r}, not {name!r}")
    return signer


def load_key(path: Path) -> Cosigner:
    return Cosigner.from_string(path.read_text().strip())
