"""A sync run: this PC's new events written as a bundle into its own sub-folder of the sync folder,
then every other PC's new bundles checked and applied, each whole or not at all.

    <sync>/pcs/<pc-id>/pc.json              the PC's name and public key
    <sync>/pcs/<pc-id>/bundle-<seq>.json    its bundles, numbered from 1, rewritten only to erase a person
    <sync>/pcs/<pc-id>/files/<sha256>.pdf   the signed PDFs its bundles name
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from holbrook_desktop.core.errors import Failure, Refused
from holbrook_desktop.core.files import write_new, write_whole
from holbrook_desktop.core.records import events as records_events
from holbrook_desktop.core.sync import bundle as bundles
from holbrook_desktop.core.sync import membership, redact
from holbrook_desktop.core.sync.identity import PC_FILE, PcIdentity, load_or_make

log = logging.getLogger(__name__)

FOLDER_SETTING = "sync.folder"
PCS = "pcs"
SCHOOL = "school"  # the school's list of revoked PC certificates
FILES = "files"
_BUNDLE = re.compile(r"bundle-(\d+)\.json")


class SyncFolderMissing(Refused):
    """No sync folder is set, or it cannot be reached."""


class SyncFolderUnusable(Failure):
    """The sync folder is there but this PC cannot write its bundle into it."""


@dataclass
class Refusal:
    pc_id: str
    pc_name: str
    file: str
    reason: str


@dataclass
class SyncReport:
    folder: str
    pc_id: str
    pc_name: str
    exported: int = 0
    bundle: int | None = None
    applied: list[dict[str, Any]] = field(default_factory=list)
    refused: list[Refusal] = field(default_factory=list)
    waiting: int = 0
    content: str | None = None  # "installed" / "shipped": the school's content was put in use here

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def sync_folder(store) -> Path:
    """The folder set for this PC; SyncFolderMissing if none is set or it is not reachable now."""
    value = store.settings.get(FOLDER_SETTING)
    if not value:
        raise SyncFolderMissing("No sync folder is set for this PC: set one with `holbrook sync set-folder "
                                "PATH` (a folder every PC of the school can reach).")
    folder = Path(value)
    if not folder.is_dir():
        raise SyncFolderMissing(f"The sync folder {folder} cannot be reached (offline, or the share is not "
                                "connected). The records here are safe; sync again when it is back.")
    return folder


def set_sync_folder(store, folder: Path) -> Path:
    folder = folder.expanduser().resolve()
    if not folder.is_dir():
        raise SyncFolderMissing(f"{folder} is not a folder that can be reached from this PC.")
    store.settings.set(FOLDER_SETTING, str(folder), action="sync.folder-set")
    return folder


def identity(store) -> PcIdentity:
    """This PC in the sync folder, named as the school named it when it joined (else its host name)."""
    return load_or_make(store.data_dir, records_events.this_pc(store), _school_pc_name(store.data_dir))


def _school_pc_name(data_dir: Path) -> str | None:
    from cryptography import x509

    from holbrook_desktop.core.attestation.school_root import pc_name_of
    from holbrook_desktop.core.attestation.signing_key import SchoolSigningKey

    try:
        current = SchoolSigningKey(data_dir).current()
    except Failure:
        return None
    return pc_name_of(x509.load_der_x509_certificate(current.der)) if current is not None else None


def run(store, folder: Path | None = None, *, me: PcIdentity | None = None) -> SyncReport:
    """Export, publish, import. Safe to run at any time, as often as wanted, on every PC at once."""
    folder = folder or sync_folder(store)
    me = me or identity(store)
    report = SyncReport(str(folder), me.pc_id, me.name)
    mine = folder / PCS / me.pc_id
    try:
        (mine / FILES).mkdir(parents=True, exist_ok=True)
        pc_file = mine / PC_FILE
        published = me.published(membership.vouching(store.data_dir, me.pc_id, me.public_key))
        if not pc_file.exists() or pc_file.read_bytes() != published:
            write_whole(pc_file, published)
    except OSError as exc:
        raise SyncFolderUnusable(f"This PC cannot write in the sync folder {folder}: {exc.strerror or exc}. "
                                 "Nothing was lost; the records here are unchanged.") from exc
    records_events.remember_peer(store, me.pc_id, me.name, me.public_key)
    seq = max(records_events.next_own_seq(store), _highest_seq(mine) + 1)
    exported = records_events.export_pending(store, seq, store.clock())
    if exported:
        report.exported, report.bundle = len(exported), seq
    _write_own_bundles(store, me, mine)
    _exchange_revocations(store, folder)
    erasures = redact.erasures_in_folder(store, folder / PCS)
    store_state = {"seen": records_events.others_wrote(store)}
    for pc_dir in sorted((folder / PCS).iterdir()) if (folder / PCS).is_dir() else []:
        if pc_dir.is_dir():
            _import_pc(store, me, pc_dir, report, store_state, erasures)
    # An erasure made here or just learnt: this PC's bundles holding that person rewritten, their PDFs gone.
    if records_events.bundles_to_rewrite(store):
        _write_own_bundles(store, me, mine)
    redact.after_sync(store, mine)
    report.waiting = records_events.contents_waiting(store)
    report.content = _exchange_content(store, folder)
    return report


def _exchange_revocations(store, folder: Path) -> None:
    """The school's list of revoked PC certificates travels beside the bundles (it is signed by the
    school's key itself, so it needs no PC to vouch for it)."""
    from holbrook_desktop.core.attestation.school_root import SchoolRoot

    try:
        if SchoolRoot(store.data_dir).exchange_revocations(folder / SCHOOL):
            log.info("sync: took a newer list of revoked PC certificates from %s", folder / SCHOOL)
    except (OSError, Failure) as exc:  # the bundles matter more; the next sync tries again
        log.warning("sync: the list of revoked PC certificates was not exchanged: %s", exc)


def _exchange_content(store, folder: Path) -> str | None:
    """The policy content loaded on one PC, shared with the others (core/sync/content.py)."""
    from holbrook_desktop.core.sync import content

    try:
        content.publish(store, folder / SCHOOL)
    except OSError as exc:  # the next sync tries again
        log.warning("sync: the content loaded here was not copied to the sync folder: %s", exc)
    return content.reconcile(store, folder / SCHOOL)


def _highest_seq(pc_dir: Path) -> int:
    found = [int(m.group(1)) for p in pc_dir.glob("bundle-*.json") if (m := _BUNDLE.fullmatch(p.name))]
    return max(found, default=0)


def _write_own_bundles(store, me: PcIdentity, mine: Path) -> None:
    """Every bundle this PC recorded as exported is in its folder (again, if it went missing: a crash
    between recording and writing, or a sync folder started afresh), and one that held an erased
    person's events written again, redacted, under its number (beside it, then renamed over it)."""
    rewrite = records_events.bundles_to_rewrite(store)
    for (_pc, seq), _digest in sorted(records_events.bundles(store, me.pc_id).items()):
        path = mine / f"bundle-{seq}.json"
        if path.exists() and seq not in rewrite:
            continue
        texts = records_events.bundle_events(store, me.pc_id, seq)
        if not texts:
            continue  # a bundle of another copy of this PC's records, applied from the folder
        files: dict[str, int] = {}
        for text in texts:
            changed = json.loads(text)["changed"]
            sha = changed.get("pdf_sha256")
            if sha and changed.get("erased_at") is None:
                source = records_events.own_pdf_path(store, sha)
                if source is None or not source.exists():
                    continue  # erased since: the record travels without its PDF
                data = source.read_bytes()
                if hashlib.sha256(data).hexdigest() != sha:
                    continue  # damaged here: `holbrook audit verify` names it; not spread
                target = mine / FILES / f"{sha}.pdf"
                if not target.exists():
                    write_new(target, data)
                files[sha] = len(data)
        made_at = records_events.bundle_made_at(store, me.pc_id, seq)
        if seq in rewrite:
            write_whole(path, bundles.make(me, seq, made_at, texts, files))
            records_events.bundle_rewritten(store, seq)
            log.info("sync: rewrote %s without an erased person's details", path)
            continue
        with contextlib.suppress(FileExistsError):  # written a moment ago by this PC's other window
            write_new(path, bundles.make(me, seq, made_at, texts, files))
        log.info("sync: wrote %s (%d events)", path, len(texts))


def _import_pc(store, me: PcIdentity, pc_dir: Path, report: SyncReport,
               state: dict[str, int], erasures: dict | None = None) -> None:
    pc_id = pc_dir.name
    try:
        card = json.loads((pc_dir / PC_FILE).read_text(encoding="utf-8"))
        name, public_key = str(card["name"]), str(card["public_key"])
    except (OSError, ValueError, KeyError, TypeError) as exc:
        _refuse(store, report, pc_id, pc_id[:8], PC_FILE, f"its pc.json cannot be used ({exc})")
        return
    if card.get("pc_id") != pc_id:
        _refuse(store, report, pc_id, name, PC_FILE, "its pc.json names another PC")
        return
    if pc_id != me.pc_id and (why := membership.admit(store.data_dir, pc_id, card)) is not None:
        _refuse(store, report, pc_id, name, PC_FILE, why)
        return
    known = records_events.peer_key(store, pc_id)
    if pc_id == me.pc_id and public_key != me.public_key:
        _refuse(store, report, pc_id, name, PC_FILE, "this PC's folder holds a key that is not this PC's")
        return
    if known is not None and known[1] != public_key:
        _refuse(store, report, pc_id, name, PC_FILE, "its key is not the key it had when first seen: its "
                                                     "bundles are not applied until IT looks into it")
        return
    records_events.remember_peer(store, pc_id, name, public_key)
    applied = records_events.bundles(store, pc_id)
    if any(r["pc_id"] == pc_id and r["file"] == PC_FILE for r in records_events.refusals(store)):
        records_events.clear_refusal(store, pc_id, PC_FILE)  # e.g. the PC has joined the school since
    found = sorted((int(m.group(1)), p) for p in pc_dir.glob("bundle-*.json")
                   if (m := _BUNDLE.fullmatch(p.name)))
    refused_before = {r["file"] for r in records_events.refusals(store) if r["pc_id"] == pc_id}
    synced = False
    for seq, path in found:
        if (pc_id, seq) in applied:
            continue
        try:
            checked = bundles.read(path.read_bytes(), public_key, pc_id, seq)
            texts = records_events.redacted(store, checked.events, erasures)
            pdfs = _checked_files(pc_dir, checked, texts)
            # Nothing changed here since the export above unless another window or command wrote.
            quiet = records_events.others_wrote(store) == state["seen"]
            result = records_events.apply_bundle(store, pc_id, seq, texts, checked.digest,
                                                 pdfs.__getitem__, nothing_pending=quiet,
                                                 erased_elsewhere=erasures)
        except (Refused, OSError) as exc:
            reason = str(exc) if isinstance(exc, Refused) else f"it cannot be read ({exc.strerror or exc})"
            _refuse(store, report, pc_id, name, path.name, reason)
            continue
        synced = True
        if path.name in refused_before:
            records_events.clear_refusal(store, pc_id, path.name)
        if not result.already:
            report.applied.append({"pc_id": pc_id, "pc_name": name, "bundle": seq, "new": result.new,
                                   "duplicates": result.duplicates, "clashes": result.clashes})
    if synced or pc_id == me.pc_id:
        records_events.remember_peer(store, pc_id, name, public_key, synced_at=store.clock())


def _checked_files(pc_dir: Path, checked: bundles.Bundle, texts: list[str]) -> dict[str, bytes]:
    """The signed PDFs the bundle names, each read and matched to its hash; not those of erased
    acknowledgements (`texts`: its events as they will be kept here, redacted if need be)."""
    wanted, erased = set(checked.files), set()
    for text in texts:
        changed = json.loads(text)["changed"]
        if changed.get("pdf_sha256") and changed.get("erased_at") is None and "origin_number" in changed:
            wanted.add(changed["pdf_sha256"])
        elif changed.get("pdf_sha256") and changed.get("erased_at") is not None:
            erased.add(changed["pdf_sha256"])
    wanted -= erased
    pdfs: dict[str, bytes] = {}
    for sha in sorted(wanted):
        path = pc_dir / FILES / f"{sha}.pdf"
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise bundles.BundleRefused(f"the signed PDF {FILES}/{sha}.pdf it names is not in the "
                                        "folder (yet?)") from exc
        if hashlib.sha256(data).hexdigest() != sha:
            raise bundles.BundleRefused(f"the signed PDF {FILES}/{sha}.pdf does not match its hash "
                                        "(changed or damaged)")
        pdfs[sha] = data
    return pdfs


def _refuse(store, report: SyncReport, pc_id: str, name: str, file: str, reason: str) -> None:
    log.warning("sync: refused %s of PC %s (%s): %s", file, name, pc_id, reason)
    report.refused.append(Refusal(pc_id, name, file, reason))
    records_events.record_refusal(store, pc_id, file, reason)


def status(store) -> dict[str, Any]:
    me = records_events.this_pc(store)
    folder = store.settings.get(FOLDER_SETTING)
    return {
        "folder": folder,
        "reachable": bool(folder) and Path(folder).is_dir(),
        "pc_id": me,
        "changes_not_yet_exported": records_events.pending_count(store),
        "pcs": records_events.peers(store),
        "refused": records_events.refusals(store),
        "waiting": records_events.contents_waiting(store),
        "school": _school_status(store),
    }


def _school_status(store) -> dict[str, Any]:
    """Whether this PC is one of the school's (then only the school's PCs are synced with)."""
    from holbrook_desktop.core.attestation.school_root import SchoolRoot

    root = SchoolRoot(store.data_dir)
    try:
        return {"member": root.exists(), "school": root.school_name(),
                "school_certificate": root.fingerprint(), "holds_school_key": root.holds_key()}
    except Failure as exc:
        return {"member": None, "problem": str(exc)}
