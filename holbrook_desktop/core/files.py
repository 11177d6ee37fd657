"""Files written whole or not at all: beside the target first, swapped in at the end."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path


@contextlib.contextmanager
def replacing(path: Path) -> Iterator[Path]:
    """A temporary name beside `path` to write to; it replaces `path` only if the block succeeds, so a
    failure (a full disk, a cancel) leaves any earlier file whole and no half file behind. What
    appears is readable by this account only (0600): the app's files name people."""
    temporary = path.with_name(f".{path.name}.part")
    try:
        yield temporary
        os.chmod(temporary, 0o600)  # whatever wrote it (openpyxl, open()) and whatever the umask
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            temporary.unlink()
        raise


def write_whole(path: Path, data: bytes) -> None:
    """`data` as `path`, readable by this account only (0600), flushed to disk before it appears."""
    with replacing(path) as temporary:
        descriptor = os.open(temporary, os.O_CREAT | os.O_WRONLY | os.O_TRUNC | getattr(os, "O_BINARY", 0),
                             0o600)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
