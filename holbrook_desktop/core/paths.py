"""Where content, resources and the app's data live: one place to ask, patched in tests."""

from __future__ import annotations

import os
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path

from holbrook_desktop import APP_NAME
from holbrook_desktop.core.errors import InputRefused

DATA_DIR_ENV = "HOLBROOK_DATA_DIR"
CONTENT_DIR_ENV = "HOLBROOK_CONTENT_DIR"
INSTALLED_CONTENT = "content"  # inside the data folder: see core/content/install.py

_PACKAGE_DIR = Path(__file__).resolve().parent.parent


def _candidates(name: str) -> list[Path]:
    """Where a top-level item shipped with the app lies: frozen (PyInstaller), installed (the wheel's
    _bundled folder) or in a checkout, in that order."""
    frozen_root = getattr(sys, "_MEIPASS", None)
    candidates = [Path(frozen_root) / name] if frozen_root else []
    return [*candidates, _PACKAGE_DIR / "_bundled" / name, _PACKAGE_DIR.parent / name]


def _bundled(name: str) -> Path:
    """A top-level folder shipped with the app, found the same way frozen, installed or in a checkout."""
    candidates = _candidates(name)
    return next((candidate for candidate in candidates if candidate.is_dir()), candidates[-1])


def bundled_file(name: str) -> Path | None:
    """A top-level file shipped with the app (the LICENSE), if it is there."""
    return next((candidate for candidate in _candidates(name) if candidate.is_file()), None)


def resources_dir() -> Path:
    return _bundled("resources")


def resource_path(*parts: str) -> Path:
    return resources_dir().joinpath(*parts)


def content_dir(explicit: str | os.PathLike[str] | None = None, *, data_dir: Path | None = None) -> Path:
    """The content folder: --content, then HOLBROOK_CONTENT_DIR, then the one an administrator loaded
    into the data folder (a new policy version, without reinstalling), then the one shipped."""
    if explicit:
        return Path(explicit)
    if os.environ.get(CONTENT_DIR_ENV):
        return Path(os.environ[CONTENT_DIR_ENV])
    if data_dir is not None and (data_dir / INSTALLED_CONTENT / "policies").is_dir():
        return data_dir / INSTALLED_CONTENT
    return _bundled("content")


def shipped_content_dir() -> Path:
    return _bundled("content")


MACHINE_CONFIG_FILE = "holbrook.toml"


@dataclass(frozen=True)
class DataDirChoice:
    path: Path
    source: str  # which rule chose it, for `holbrook data-dir show` and the README


def shared_data_dir() -> Path:
    """The per-machine folder every account on the PC shares (C:\\ProgramData\\… on Windows)."""
    import platformdirs

    if sys.platform.startswith("linux"):
        return Path("/var/lib/holbrook-staff-handbook")  # the FHS place for shared state
    return Path(platformdirs.site_data_dir(APP_NAME, appauthor=False))


def user_data_dir() -> Path:
    import platformdirs

    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def machine_config_path() -> Path:
    """Where an administrator's choice of data folder is written (outside any data folder)."""
    import platformdirs

    return Path(platformdirs.site_config_dir(APP_NAME, appauthor=False)) / MACHINE_CONFIG_FILE


def write_machine_data_dir(folder: Path, *, written_by: str) -> Path:
    """The data folder every account on this PC uses from its next start (`holbrook data-dir set`,
    the first-run set-up). Raises OSError when this account may not write the machine setting."""
    import json  # a JSON string is a valid TOML basic string, backslashes of Windows paths escaped

    config = machine_config_path()
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(f"# Written by {written_by}.\ndata_dir = {json.dumps(str(folder.resolve()))}\n",
                      encoding="utf-8")
    return config


def may_write_machine_setting() -> bool:
    """Whether this account could write the machine setting (its folder, or the nearest that exists)."""
    place = machine_config_path()
    if place.exists():
        return os.access(place, os.W_OK)
    folder = place.parent
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    return os.access(folder, os.W_OK)


def configured_data_dir(config_path: Path | None = None) -> Path | None:
    path = config_path or machine_config_path()
    try:
        with path.open("rb") as handle:
            value = tomllib.load(handle).get("data_dir")
    except (OSError, tomllib.TOMLDecodeError):
        return None
    return Path(value) if isinstance(value, str) and value.strip() else None


def choose_data_dir(explicit: str | os.PathLike[str] | None = None, *, create: bool = True) -> DataDirChoice:
    """--data-dir, then HOLBROOK_DATA_DIR, then the administrator's setting, then the shared
    per-machine folder when this account may write there, else a per-user folder.

    `create=False` only looks (for a command that reads): the shared folder counts if it exists and
    is writable, and nothing is made on disk."""
    if explicit:
        return DataDirChoice(Path(explicit), "--data-dir")
    if os.environ.get(DATA_DIR_ENV):
        return DataDirChoice(Path(os.environ[DATA_DIR_ENV]), DATA_DIR_ENV)
    configured = configured_data_dir()
    if configured is not None:
        return DataDirChoice(configured, f"administrator setting in {machine_config_path()}")
    shared = shared_data_dir()
    if is_writable_dir(shared) if create else (shared.is_dir() and os.access(shared, os.W_OK)):
        return DataDirChoice(shared, "shared per-machine folder")
    return DataDirChoice(user_data_dir(), "per-user folder (the shared folder is not writable)")


def data_dir(explicit: str | os.PathLike[str] | None = None) -> Path:
    return choose_data_dir(explicit).path


def is_writable_dir(path: Path) -> bool:
    """True if the folder exists, or can be made, and a file can be created in it."""
    try:
        path.mkdir(parents=True, exist_ok=True)
        probe = path / f".write-test-{os.getpid()}"
        probe.write_bytes(b"")
        probe.unlink()
        return True
    except OSError:
        return False


def ensure_private_dir(path: Path) -> Path:
    """Create a folder readable only by the current user (staff data is personal data)."""
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


class OutputInsideDataFolder(InputRefused):
    """A file or folder chosen for an export that lies in the data folder, where it could replace
    the records, the key or a signed PDF. Nothing is written."""

    def __init__(self, target: Path, data_dir: Path, *, folder: bool = False) -> None:
        self.target, self.data_dir, self.folder = Path(target), Path(data_dir), folder
        super().__init__(str(self))

    def __str__(self) -> str:
        where = "is" if _same_place(self.target, self.data_dir) else "is inside"
        return (f"{self.target} {where} the data folder ({_resolved(self.data_dir)}), where the records "
                f"are kept; choose a {'folder' if self.folder else 'file'} outside it. Nothing was written.")


def check_output_target(target: str | os.PathLike[str], data_dir: str | os.PathLike[str] | None, *,
                        folder: bool = False) -> Path:
    """The path to write an export to, unless it lies in the data folder: raises
    OutputInsideDataFolder when the target, once `..` and every symbolic link (the target's own
    included) are followed, is the data folder or inside it, or when its parent folder is (a link
    there pointing outside would be replaced by the new file). Returns the target unchanged.

    The one rule for every output the person chooses: the CLI's output options (cli/__init__.py),
    every save dialog (ui/save_target.py) and the copy of the signed PDFs."""
    target = Path(target)
    if data_dir is None:
        return target
    records = Path(data_dir)
    for place in (_resolved(target), _resolved(target.parent) / target.name):
        if _within(place, records):
            raise OutputInsideDataFolder(target, records, folder=folder)
    return target


def _resolved(path: Path) -> Path:
    try:
        return path.expanduser().resolve()  # follows links and `..`, as far as the path exists
    except (OSError, RuntimeError):  # a link loop: judged as written
        return Path(os.path.abspath(path.expanduser()))


def _within(place: Path, data_dir: Path) -> bool:
    """`place` is the data folder or below it: by name, and by identity for the folders that exist
    (a different spelling on a case-insensitive disk, a second mount of the same folder)."""
    records = _resolved(data_dir)
    if place == records or place.is_relative_to(records):
        return True
    if not records.is_dir():
        return False
    return any(_same_place(ancestor, records) for ancestor in (place, *place.parents))


def _same_place(one: Path, other: Path) -> bool:
    try:
        return os.path.samefile(one, other)
    except OSError:
        return _resolved(one) == _resolved(other)
