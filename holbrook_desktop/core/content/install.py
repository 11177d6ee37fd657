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
    _refuse_if_too_big(folder)
    check = check_folder(folder)
    if not check.ok:
        raise ContentRefused(f"{folder} has errors; nothing was changed", check)

    data_dir.mkdir(parents=True, exist_ok=True)
    incoming = data_dir / f".content-incoming-{os.getpid()}"
    shutil.rmtree(incoming, ignore_errors=True)
    try:
        shutil.copytree(folder, incoming, ignore=IGNORED)
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


def _refuse_if_too_big(folder: Path) -> None:
    files = size = 0
    for root, dirs, names in os.walk(folder):
        dirs[:] = [d for d in dirs if not d.startswith(".") and d != "__pycache__"]
        for name in names:
            files += 1
            try:
                size += (Path(root) / name).stat().st_size
            except OSError:
                continue
            if files > MAX_FILES or size > MAX_BYTES:
                raise ContentRefused(
                    f"{folder} holds more than {MAX_FILES:,} files or {MAX_BYTES // (1024 * 1024)} MB: "
                    "it does not look like a content folder (one with a 'policies' folder inside)")
