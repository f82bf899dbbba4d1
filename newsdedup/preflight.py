"""Checks a command makes before any work, so a mistake costs a one-line message, not a run.

``check_out_dir`` is called before reading a single input: an output folder that names a file,
or that cannot be created or written, raises ``OutputDirError`` (an ``InputError``: the CLI
prints it on one line and exits 2, nothing written).
"""
from __future__ import annotations

import os
from pathlib import Path

from newsdedup.readers import InputError


class OutputDirError(InputError):
    """The output folder cannot be used."""


def check_out_dir(out_dir: str | Path) -> Path:
    """Create ``out_dir`` if needed and prove it writable (a probe file, created and removed:
    permission bits alone say nothing for root or on a read-only mount); return it."""
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise OutputDirError(f"--out {out}: is a file, not a folder")
    if out.is_symlink() and not out.exists():
        raise OutputDirError(f"--out {out}: a symlink to {os.readlink(out)}, which does not exist")
    try:
        out.mkdir(parents=True, exist_ok=True)
        probe = out / f".newsdedup-write-test.{os.getpid()}"
        probe.touch()
        probe.unlink()
    except NotADirectoryError as err:
        raise OutputDirError(f"--out {out}: a part of the path is a file, not a folder") from err
    except OSError as err:
        raise OutputDirError(f"--out {out}: not writable ({err.strerror})") from err
    return out
