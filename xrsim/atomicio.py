"""Output files that appear whole or not at all.

A run's outputs are written to a temporary file in the destination's folder and renamed
over the destination only once complete, so a full disk, a crash or Ctrl-C mid-write
never leaves a truncated trace behind (nor destroys the previous file of that name).
"""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO


@contextlib.contextmanager
def atomic_write(path: Path, *, newline: str | None = None) -> Iterator[TextIO]:
    """Open ``path`` for writing UTF-8 text; it is replaced when the block ends without an
    exception, and untouched otherwise. A symbolic link's target is replaced (the link
    stays); a device or a pipe is written directly (there is nothing to replace).

    The temporary name is short (a long destination name must not overflow it) and the
    file is created with ``open`` so that it gets the umask's permissions, as a plain write
    would. Rename within one folder is atomic on POSIX and Windows.
    """
    path = Path(os.path.realpath(path))  # through a symbolic link to its target, which is replaced
    if path.exists() and not path.is_file():  # /dev/null, a named pipe: written as it is
        with open(path, "w", encoding="utf-8", newline=newline) as direct:
            yield direct
        return
    tmp = path.parent / f".xrsim-{secrets.token_hex(6)}.tmp"
    handle = open(tmp, "x", encoding="utf-8", newline=newline)  # noqa: SIM115 - closed below
    try:
        with handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
