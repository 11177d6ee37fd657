"""After an erasure, the sync folder too: erasures in bundles not yet applied learnt before any of
them is (so nothing of the person is kept here even for a moment), this PC's PDFs of erased
acknowledgements deleted from its `files/` and from the data folder, and the records file compacted
once an erasure has come from another PC. This PC's own bundles that held an erased person's events
are written again by folder.py (records/redaction.py marks them).
"""

from __future__ import annotations

import json
import logging
import re
from pathlib import Path

from holbrook_desktop.core.records import events as records_events
from holbrook_desktop.core.records import redaction
from holbrook_desktop.core.sync import bundle as bundles
from holbrook_desktop.core.sync import membership
from holbrook_desktop.core.sync.identity import PC_FILE

log = logging.getLogger(__name__)

_BUNDLE = re.compile(r"bundle-(\d+)\.json")
# An event setting `erased_at` to a time, as it appears in a bundle file (the body is a JSON string).
_CARRIES_ERASURE = b'\\"erased_at\\":\\"'


def erasures_in_folder(store, pcs: Path) -> dict[str, redaction.Erasure]:
    """The erasures carried by bundles in the folder not yet applied here (each checked against its
    PC's key, as it will be when applied; one that fails is left for the import to refuse)."""
    found: list[dict] = []
    for pc_dir in sorted(pcs.iterdir()) if pcs.is_dir() else []:
        try:
            card = json.loads((pc_dir / PC_FILE).read_text(encoding="utf-8"))
            public_key = str(card["public_key"])
        except (OSError, ValueError, KeyError, TypeError):
            continue
        known = records_events.peer_key(store, pc_dir.name)
        if known is not None and known[1] != public_key:
            continue
        if membership.admit(store.data_dir, pc_dir.name, card, record=False) is not None:
            continue  # not one of the school's PCs: its erasures are not taken either
        applied = records_events.bundles(store, pc_dir.name)
        for path in pc_dir.glob("bundle-*.json"):
            match = _BUNDLE.fullmatch(path.name)
            if match is None or (pc_dir.name, int(match.group(1))) in applied:
                continue
            try:
                data = path.read_bytes()
                if _CARRIES_ERASURE not in data:
                    continue
                checked = bundles.read(data, public_key, pc_dir.name, int(match.group(1)))
            except (OSError, bundles.BundleRefused):
                continue
            found.extend(json.loads(text) for text in checked.events)
    return redaction.erasures_in(found)


def after_sync(store, mine: Path) -> None:
    """Once the bundles are applied: the audit rows here about anyone whose erasure came from
    another PC erased, every erased acknowledgement's PDF deleted, the file compacted if due."""
    redaction.erase_audit_rows_of_erasures_from_elsewhere(store)
    delete_erased_pdfs(store, mine)
    compact_if_due(store)


def delete_erased_pdfs(store, mine: Path) -> int:
    """The signed PDFs of erased acknowledgements, deleted from this PC's `files/` in the sync folder
    and from the data folder (a file that cannot be deleted now is tried again at the next sync)."""
    from holbrook_desktop.core.records.acknowledgements import ATTESTATIONS_FOLDER

    attestations = (store.data_dir / ATTESTATIONS_FOLDER).resolve()
    deleted = 0
    for relative, sha in records_events.erased_pdfs(store):
        paths = [mine / "files" / f"{sha}.pdf"] if sha else []
        if relative and (store.data_dir / relative).resolve().is_relative_to(attestations):
            paths.append(store.data_dir / relative)
        for path in paths:
            try:
                path.unlink()
                deleted += 1
            except FileNotFoundError:
                continue
            except OSError as exc:
                log.warning("sync: could not delete %s of an erased person (%s); tried again next sync", path,
                            exc.strerror or exc)
    return deleted


def compact_if_due(store) -> None:
    """Once an erasure has come from another PC: old copies of what it erased out of the file's free
    space and write-ahead log, as the erasure does where it is made (tried again until it can be)."""
    import sqlite3

    if not records_events.compact_pending(store):
        return
    records_events.compact_due(store, False)  # first: the last write before the file is rewritten
    try:
        emptied = store.retention.compact()
    except sqlite3.Error as exc:
        log.warning("sync: could not compact %s after an erasure: %s", store.path, exc)
        emptied = False
    if not emptied:
        records_events.compact_due(store, True)
