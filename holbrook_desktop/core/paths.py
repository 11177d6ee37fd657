"""Where content, resources and the app's data live: one place to ask, patched in tests."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from holbrook_desktop import APP_NAME

DATA_DIR_ENV = "HOLBROOK_DATA_DIR"
CONTENT_DIR_ENV = "HOLBROOK_CONTENT_DIR"

_PACKAGE_DIR = Path(__file__).resolve().parent.parent


def _bundled(name: str) -> Path:
    """A top-level folder shipped with the app, found the same way frozen, installed or in a checkout."""
    frozen_root = getattr(sys, "_MEIPASS", None)
    candidates = []
    if frozen_root:
        candidates.append(Path(frozen_root) / name)
    candidates += [_PACKAGE_DIR / "_bundled" / name, _PACKAGE_DIR.parent / name]
    for candidate in candidates:
        if candidate.is_dir():
            return candidate
    return candidates[-1]


def resources_dir() -> Path:
    return _bundled("resources")


def resource_path(*parts: str) -> Path:
    return resources_dir().joinpath(*parts)


def content_dir(explicit: str | os.PathLike[str] | None = None) -> Path:
    """The content folder: --content, then HOLBROOK_CONTENT_DIR, then the one shipped with the app."""
    if explicit:
        return Path(explicit)
    if os.environ.get(CONTENT_DIR_ENV):
        return Path(os.environ[CONTENT_DIR_ENV])
    return _bundled("content")


def data_dir(explicit: str | os.PathLike[str] | None = None) -> Path:
    """The data folder: --data-dir, then HOLBROOK_DATA_DIR, then the per-user default.

    Nothing is created here; writers create the folder when they first need it.
    """
    if explicit:
        return Path(explicit)
    if os.environ.get(DATA_DIR_ENV):
        return Path(os.environ[DATA_DIR_ENV])
    import platformdirs  # only needed when no folder was given

    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def ensure_private_dir(path: Path) -> Path:
    """Create a folder readable only by the current user (staff data is personal data)."""
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path
