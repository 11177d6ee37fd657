"""Files written whole or not at all: beside the target first, swapped in at the end."""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
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
        _write_private(temporary, data, os.O_TRUNC)


def write_new(path: Path, data: bytes, *, flush: bool = True) -> None:
    """`data` as a new file `path`, never over an existing one (FileExistsError, that file untouched):
    whole or not at all, 0600, flushed to disk before it appears. Written under a temporary name, then
    hard-linked as `path`, which fails if `path` exists, even if another process made it a moment ago;
    where the file system has no hard links, created exclusively under its own name instead."""
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(6)}.part")
    try:
        _write_private(temporary, data, os.O_EXCL, flush=flush)
        try:
            os.link(temporary, path)
        except FileExistsError:
            raise
        except OSError as exc:
            if exc.errno not in _NO_HARD_LINKS:
                raise
            _write_private(path, data, os.O_EXCL, flush=flush)
    finally:
        with contextlib.suppress(OSError):
            temporary.unlink()


_NO_HARD_LINKS = {errno.EPERM, errno.EOPNOTSUPP, errno.ENOTSUP, errno.EXDEV, errno.EMLINK}


def flush_to_disk(paths: list[Path]) -> None:
    """Many files written with `flush=False`, flushed to disk at once (one sync where the system
    has it, each file's own otherwise): hundreds of PDFs copied in one go are not hundreds of waits."""
    if not paths:
        return
    if hasattr(os, "sync"):
        os.sync()
        return
    for path in paths:
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0))
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)


def _write_private(path: Path, data: bytes, flag: int, *, flush: bool = True) -> None:
    """Write `data` to `path` opened with `flag` (O_TRUNC or O_EXCL), 0600; a file this call created
    and could not fill is removed (one that O_EXCL found already there is never touched)."""
    descriptor = os.open(path, os.O_CREAT | os.O_WRONLY | flag | getattr(os, "O_BINARY", 0), 0o600)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            if flush:
                os.fsync(handle.fileno())
    except BaseException:
        if flag == os.O_EXCL:
            with contextlib.suppress(OSError):
                path.unlink()
        raise
