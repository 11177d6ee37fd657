"""A new content folder (a new policy version) loaded by the administrator, without reinstalling.

The folder is checked first and refused with the checker's own messages if it has any error. A
good one is copied into the data folder as `content/`, which the app then prefers to the content
it was shipped with (see `paths.content_dir`); the copy before it is kept as `content.previous`.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from holbrook_desktop.core.content.diagnostics import Diagnostic, Severity
from holbrook_desktop.core.content.folder import load_content
from holbrook_desktop.core.errors import Refused
from holbrook_desktop.core.paths import INSTALLED_CONTENT as INSTALLED

PREVIOUS = "content.previous"
# A content folder is a few Markdown and TOML files and perhaps some images. Anything far bigger is
# almost certainly the wrong folder (Documents, a whole drive) and copying it would fill the disk.
MAX_FILES = 2_000
MAX_BYTES = 50 * 1024 * 1024
# Editors' and systems' clutter that has no place in the school's data folder.
IGNORED = shutil.ignore_patterns(".*", "__pycache__", "*.pyc", "Thumbs.db", "desktop.ini", "~$*")


@dataclass(frozen=True)
class PolicyInFolder:
    id: str
    title: str
    version: str
    sha256: str


@dataclass(frozen=True)
class ContentCheck:
    folder: Path
    policies: tuple[PolicyInFolder, ...]
    diagnostics: tuple[Diagnostic, ...]

    @property
    def errors(self) -> tuple[Diagnostic, ...]:
        return tuple(d for d in self.diagnostics if d.severity is Severity.ERROR)

    @property
    def ok(self) -> bool:
        return bool(self.policies) and not self.errors

    def as_dict(self) -> dict[str, object]:
        return {
            "folder": str(self.folder),
            "ok": self.ok,
            "policies": [p.__dict__ for p in self.policies],
            "problems": [d.as_dict() for d in self.diagnostics],
        }


class ContentRefused(Refused):
    """The folder was not installed; `check.errors` (or the message) says why, file by file."""

    def __init__(self, message: str, check: ContentCheck | None = None) -> None:
        super().__init__(message)
        self.check = check


def installed_content_dir(data_dir: Path) -> Path | None:
    """The content the administrator loaded into this data folder, if any."""
    folder = data_dir / INSTALLED
    return folder if (folder / "policies").is_dir() else None


def check_folder(folder: Path) -> ContentCheck:
    """Everything `holbrook content check` checks: policies, declarations and quiz banks."""
    loaded = load_content(folder, quizzes=True)
    policies = tuple(PolicyInFolder(p.id, p.title, p.meta.version, p.sha256)
                     for p in loaded.handbook.policies)
    return ContentCheck(folder, policies, loaded.diagnostics)


def install(folder: Path, data_dir: Path) -> ContentCheck:
    """Check `folder`, copy it into the data folder and make it the content in use.

    Raises ContentRefused, leaving the content in use untouched, if the folder has errors, is too
    big to be a content folder, or could not be copied (a full disk, say)."""
    folder = folder.resolve()
    if not folder.is_dir():
        raise ContentRefused(f"{folder}: no such folder")
    target = data_dir / INSTALLED
    if folder == target.resolve():
        raise ContentRefused(f"{folder} is already the content in use")
    _refuse_links_or_bulk(_what_is_copied(folder), folder)
    check = check_folder(folder)
    if not check.ok:
        raise ContentRefused(f"{folder} has errors; nothing was changed", check)

    data_dir.mkdir(parents=True, exist_ok=True)
    incoming = data_dir / f".content-incoming-{os.getpid()}"
    shutil.rmtree(incoming, ignore_errors=True)
    try:
        # symlinks=True: a link that appeared since the check is copied as a link, never followed,
        # and refused below; nothing outside the folder is ever read into the data folder.
        shutil.copytree(folder, incoming, ignore=IGNORED, symlinks=True)
        _refuse_links_or_bulk(_what_is_copied(incoming), folder, copy=incoming)
        # Checked again where it now lies: a file being edited during the copy must not slip in.
        copied = check_folder(incoming)
        if not copied.ok or [p.sha256 for p in copied.policies] != [p.sha256 for p in check.policies]:
            raise ContentRefused(f"{folder} changed while it was being copied; nothing was changed. "
                                 "Close any editor holding its files and try again.", copied)
        previous = data_dir / PREVIOUS
        if target.exists():
            shutil.rmtree(previous, ignore_errors=True)
            target.rename(previous)
        incoming.rename(target)
    except OSError as exc:
        raise ContentRefused(f"could not copy {folder} into {data_dir}: {exc.strerror or exc}; "
                             "the content in use is unchanged") from exc
    finally:
        shutil.rmtree(incoming, ignore_errors=True)
    return ContentCheck(target, check.policies, check.diagnostics)


def remove_installed(data_dir: Path) -> bool:
    """Go back to the content shipped with the app; the removed copy is kept as `content.previous`."""
    target = data_dir / INSTALLED
    if not target.exists():
        return False
    previous = data_dir / PREVIOUS
    shutil.rmtree(previous, ignore_errors=True)
    target.rename(previous)
    return True


@dataclass(frozen=True)
class _Contents:
    """What copying a folder takes: its files (and their bytes, as stored: a link is not followed),
    and what is not a plain file or folder: links (and Windows junctions), devices, pipes."""

    files: int
    size: int
    not_plain: tuple[tuple[Path, str], ...]  # (path, what it is)


def _what_is_copied(folder: Path) -> _Contents:
    """The folder as `install` copies it: the same names left out (IGNORED), nothing followed."""
    files = size = 0
    not_plain: list[tuple[Path, str]] = []
    is_junction = getattr(os.path, "isjunction", lambda path: False)
    pending = [folder]
    while pending:
        current = pending.pop()
        try:
            entries = sorted(os.scandir(current), key=lambda e: e.name)
        except OSError as exc:
            raise ContentRefused(f"{current} cannot be read: {exc.strerror or exc}") from exc
        ignored = IGNORED(str(current), [entry.name for entry in entries])
        for entry in entries:
            if entry.name in ignored:
                continue
            path = Path(entry.path)
            if entry.is_symlink() or is_junction(path):
                not_plain.append((path, f"a link (to {_link_target(path)})"))
            elif entry.is_dir(follow_symlinks=False):
                pending.append(path)
            elif entry.is_file(follow_symlinks=False):
                files += 1
                size += entry.stat(follow_symlinks=False).st_size
            else:
                not_plain.append((path, "a device or pipe, not a file"))
            if files > MAX_FILES or size > MAX_BYTES:
                return _Contents(files, size, tuple(not_plain))
    return _Contents(files, size, tuple(not_plain))


def _link_target(path: Path) -> str:
    try:
        return os.readlink(path)
    except OSError:
        return "somewhere else"


def _refuse_links_or_bulk(contents: _Contents, folder: Path, *, copy: Path | None = None) -> None:
    """A link is refused wherever it is, each named as the checker names a problem (file:line): it
    could bring in any file this account can read. The size is what is copied, links not followed.
    `copy`: the copy just made of `folder`, whose contents these are (named by the original's path)."""
    if contents.not_plain:
        diagnostics = tuple(
            Diagnostic(path if copy is None else folder / path.relative_to(copy), 0, Severity.ERROR,
                       f"{what} is not allowed in a content folder: only the folder's own files are "
                       "installed. Put the file itself here instead")
            for path, what in contents.not_plain)
        when = " (it appeared while the folder was being copied)" if copy is not None else ""
        many = len(diagnostics) > 1
        raise ContentRefused(f"{folder} holds {len(diagnostics)} link{'s' if many else ''} or other special "
                             f"file{'s' if many else ''}{when}; nothing was changed",
                             ContentCheck(folder, (), diagnostics))
    if contents.files > MAX_FILES or contents.size > MAX_BYTES:
        raise ContentRefused(
            f"{folder} holds more than {MAX_FILES:,} files or {MAX_BYTES // (1024 * 1024)} MB: "
            "it does not look like a content folder (one with a 'policies' folder inside)")
