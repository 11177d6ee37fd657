"""Checking the evidence as a whole: the audit chain, each acknowledgement's own row in it, and the
anchor each kept PDF carries found in it (so that the log cannot be cut short without notice)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from holbrook_desktop.core.attestation.pdf import AnchorInFile
    from holbrook_desktop.core.records import Store
    from holbrook_desktop.core.records.audit import ChainReport

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class AnchorFound:
    ok: bool
    message: str
    by_prefix: bool = False  # an older file: only the first characters of its anchor to go on


def find_anchor(store: Store, carried: AnchorInFile | None) -> AnchorFound:
    """Where the anchor a PDF carries is in this database's audit chain, in words."""
    if carried is None:
        return AnchorFound(False, "the file carries no audit anchor that can be read")
    rows = store.find_audit_anchor(carried.anchor)
    where = "the start of the log" if rows and rows[0] == 0 else f"row {rows[0]}" if rows else ""
    if carried.full:
        if not rows:
            return AnchorFound(False, f"its audit anchor {carried.anchor} is in no row of the audit log: "
                                      "rows were deleted, or the log was replaced")
        return AnchorFound(True, f"its audit anchor is the hash of {where} of the audit log")
    older = (f"an attestation made before the full anchor was embedded: it prints only the first "
             f"{len(carried.anchor)} characters of it ({carried.anchor}), so it was matched by that prefix")
    if not rows:
        return AnchorFound(False, f"{older}, and no row of the audit log begins with them: rows were "
                                  "deleted, or the log was replaced", True)
    also = f" (and {len(rows) - 1} more rows)" if len(rows) > 1 else ""
    return AnchorFound(True, f"{older}: {where}{also}", True)


@dataclass(frozen=True)
class EvidenceReport:
    chain: ChainReport
    pdfs_checked: int
    problems: tuple[str, ...]  # each names its file or record
    notes: tuple[str, ...]  # what was checked less strictly, and why (older PDFs)

    @property
    def ok(self) -> bool:
        return self.chain.ok and not self.problems

    def as_dict(self) -> dict[str, Any]:
        chain = self.chain
        return {"ok": self.ok, "rows_verified": chain.rows, "first_bad_row": chain.first_bad_row,
                "problem": chain.problem, "last_hash": chain.last_hash,
                "acknowledgements_without_audit_row": list(chain.unaudited),
                "pdfs_checked": self.pdfs_checked, "problems": list(self.problems), "notes": list(self.notes)}


def check_evidence(store: Store) -> EvidenceReport:
    """`holbrook audit verify`: the chain (and each acknowledgement's row in it, see audit.verify),
    then every signed PDF kept in the data folder: the file recorded for its acknowledgement, with
    its anchor found in the chain. A PDF in the folder that belongs to no record is checked too."""
    from holbrook_desktop.core.attestation.pdf import read_audit_anchor
    from holbrook_desktop.core.records import SignedPdfUnusable

    chain = store.verify_audit()
    problems: list[str] = []
    notes: list[str] = []
    data_dir = store.data_dir
    checked = 0
    seen: set[Path] = set()
    recovered = recovered_records(store)
    for kept in store.acknowledgements.kept_pdfs():
        try:
            path = data_dir / kept.pdf_file
            seen.add(path.resolve())
            pdf = _read_kept(kept, path)
        except SignedPdfUnusable as exc:
            problems.append(str(exc).removesuffix(" It was not handed out."))
            continue
        except (TypeError, ValueError, OSError):  # a file name that is no file name: edited by hand
            problems.append(f"acknowledgement {kept.record_id}: its record names its PDF as "
                            f"{kept.pdf_file!r}, which the app never writes")
            continue
        checked += 1
        if not kept.made_here:  # anchored in the audit log of the PC that made it
            continue
        carried = read_audit_anchor(pdf)
        found = find_anchor(store, carried)
        name = f"{kept.pdf_file} (acknowledgement {kept.record_id})"
        if not found.ok and recovered.get(kept.record_id) == (kept.pdf_file, kept.pdf_sha256):
            notes.append(f"{name}: {RECOVERED_NOTE}")
        elif not found.ok:
            problems.append(f"{name}: {found.message}")
        elif found.by_prefix:
            notes.append(f"{name}: {found.message}")
        if carried is not None and carried.full and carried.anchor != kept.audit_anchor:
            problems.append(f"{name}: the anchor recorded for it in the database is not the one the signed "
                            "file carries (the record was changed)")
    for path in sorted(store.acknowledgements.folder.glob("*.pdf")):
        if path.resolve() in seen:
            continue
        checked += 1
        where = f"{path.parent.name}/{path.name}"
        try:
            found = find_anchor(store, read_audit_anchor(path.read_bytes()))
        except OSError as exc:
            problems.append(f"{where}: cannot be read ({exc.strerror or exc})")
            continue
        problems.append(f"{where}: is not the signed PDF of any acknowledgement kept on record (left "
                        f"behind by an erasure, or put there by hand); {found.message}")
    return EvidenceReport(chain, checked, tuple(problems), tuple(notes))


RECOVERED_NOTE = ("recovered from this signed PDF after a restore from an older backup (audit row "
                  "\"acknowledgement.recovered\" names it): its audit anchor is in the chain the restore "
                  "rolled back, so the recovery's row is checked instead")


def recovered_records(store: Store) -> dict[int, tuple[str, str]]:
    from holbrook_desktop.core.records.recovered import recovered_records as on_record

    return on_record(store)


def _read_kept(kept, path: Path) -> bytes:
    from holbrook_desktop.core.records.acknowledgements import read_signed_pdf

    return read_signed_pdf(kept.record_id, path, kept.pdf_sha256)
