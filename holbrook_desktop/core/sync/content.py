"""The policy content an administrator loaded on one PC, put in use on the school's other PCs.

When content is loaded (`holbrook content install`, or the admin area) its manifest, every file's
SHA-256, becomes the shared setting "content.shared", which travels in that PC's signed bundle like
every other school setting; going back to the shipped content travels the same way. The files
themselves go to the sync folder's `school/content/<id>/`, written by any PC that has them. A PC
whose content differs from the setting copies them from there, checks each against the manifest
(a file changed in the shared folder is refused, never used), runs the same checks as a manual
install, and puts them in use. Until the files have arrived it keeps the content it has.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
from pathlib import Path

from holbrook_desktop.core.errors import Refused
from holbrook_desktop.core.files import write_new

log = logging.getLogger(__name__)

SETTING = "content.shared"
FOLDER = "content"  # in the sync folder's school/ sub-folder


def manifest(folder: Path) -> dict[str, str]:
    """{relative path (with /): SHA-256} of every file in a content folder."""
    files = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file() and not path.is_symlink():
            files[path.relative_to(folder).as_posix()] = hashlib.sha256(path.read_bytes()).hexdigest()
    return files


def manifest_id(files: dict[str, str]) -> str:
    return hashlib.sha256(json.dumps(files, sort_keys=True).encode("utf-8")).hexdigest()


def share_installed(store, folder: Path, policies: list[dict[str, str]]) -> None:
    """After an install here: the school's other PCs are to use the same content."""
    files = manifest(folder)
    store.settings.set(SETTING, {"id": manifest_id(files), "files": files, "policies": policies},
                       action="content.shared")


def share_shipped(store) -> None:
    """After going back to the shipped content here: so are the school's other PCs."""
    store.settings.set(SETTING, {"shipped": True}, action="content.shared")


def publish(store, shared: Path) -> None:
    """This PC's loaded content into the sync folder, if it is the school's and is not there yet."""
    from holbrook_desktop.core.content.install import installed_content_dir

    wanted = store.settings.get(SETTING)
    local = installed_content_dir(store.data_dir)
    if not isinstance(wanted, dict) or "id" not in wanted or local is None:
        return
    target = shared / FOLDER / str(wanted["id"])
    if (target / ".complete").exists():
        return
    files = manifest(local)
    if manifest_id(files) != wanted["id"]:
        return
    for relative in files:
        destination = target / relative
        destination.parent.mkdir(parents=True, exist_ok=True)
        if not destination.exists():
            write_new(destination, (local / relative).read_bytes())
    (target / ".complete").write_bytes(b"")


def reconcile(store, shared: Path) -> str | None:
    """Put the school's content in use here if it differs: "installed", "shipped", or None (nothing
    to do, or the files have not all arrived yet: tried again at the next sync). A file that does not
    match the manifest, or content the checker refuses, is logged and never used."""
    from holbrook_desktop.core.content.install import (
        ContentRefused,
        install,
        installed_content_dir,
        remove_installed,
    )

    wanted = store.settings.get(SETTING)
    if not isinstance(wanted, dict):
        return None
    local = installed_content_dir(store.data_dir)
    if wanted.get("shipped"):
        if local is None or not remove_installed(store.data_dir):
            return None
        with store.change("content.reset") as change:
            change.details = {"to": "the content shipped with the app", "by": "sync folder"}
        return "shipped"
    files, wanted_id = dict(wanted.get("files") or {}), str(wanted.get("id"))
    if not files or manifest_id(files) != wanted_id:
        log.warning("sync: the shared content setting is malformed; ignored")
        return None
    if local is not None and manifest_id(manifest(local)) == wanted_id:
        return None
    source = shared / FOLDER / wanted_id
    staging = store.data_dir / f".content-from-sync-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    try:
        for relative, sha in files.items():
            if not _plain_relative(relative):
                raise Refused(f"the shared content names a file outside its folder: {relative}")
            path = source / relative
            data = path.read_bytes()
            if hashlib.sha256(data).hexdigest() != sha:
                raise Refused(f"{path} does not match the content the school shared (changed or damaged)")
            (staging / relative).parent.mkdir(parents=True, exist_ok=True)
            (staging / relative).write_bytes(data)
        checked = install(staging, store.data_dir)
    except FileNotFoundError:
        log.info("sync: the school's content has not all reached %s yet", source)
        return None
    except (ContentRefused, Refused, OSError) as exc:
        log.warning("sync: the school's content was not put in use: %s", exc)
        return None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    with store.change("content.installed") as change:
        change.details = {"from": "sync folder", "id": wanted_id,
                          "policies": [{"id": p.id, "version": p.version, "sha256": p.sha256}
                                       for p in checked.policies]}
    return "installed"


def _plain_relative(relative: str) -> bool:
    """A path inside the folder on every system: parts separated by /, none empty, "." or "..", and no
    drive or backslash (which Windows would read as a way out)."""
    parts = relative.split("/")
    return all(part not in ("", ".", "..") and ":" not in part and "\\" not in part for part in parts)
