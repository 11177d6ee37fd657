"""Acknowledgements: who declared they had read which policy version, how, and their signed PDF."""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import logging
import os
import re
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

from holbrook_desktop.core.files import write_new
from holbrook_desktop.core.records import audit
from holbrook_desktop.core.records.errors import SignedPdfUnusable, StoreWriteError

log = logging.getLogger(__name__)

ATTESTATIONS_FOLDER = "attestations"
METHODS = ("drawn", "typed", "on-behalf")
_PDF_NUMBER = re.compile(r"attestation-(\d+)\.pdf")
PENDING_SUFFIX = ".pending"
_PENDING = re.compile(r"attestation-(\d+)\.pdf\.pending")
_PARTIAL = re.compile(r"\.attestation-\d+\.pdf(\.pending)?\.[0-9a-f]+\.part")  # files.write_new's


def pdf_file_name(record_id: int) -> str:
    """The signed PDF of a record, relative to the data folder."""
    return f"{ATTESTATIONS_FOLDER}/attestation-{record_id:06d}.pdf"


def pending_path(target: Path) -> Path:
    return target.with_name(target.name + PENDING_SUFFIX)


@dataclass(frozen=True)
class NewAcknowledgement:
    """What the person (or the administrator on their behalf) gave; the store adds the rest."""

    staff_id: int
    policy_id: str
    policy_sha256: str
    version_label: str
    quiz_attempt_id: int | None
    declaration_text: str
    declaration_sha256: str
    typed_name: str
    method: str
    signature_png: bytes | None
    signature_strokes: str | None
    on_behalf_note: str | None
    os_user: str
    machine: str
    app_version: str
    certificate_fingerprint: str


@dataclass(frozen=True)
class AcknowledgementRecord(NewAcknowledgement):
    """As stored: what was given, and what the store added when it was written."""

    id: int
    acknowledged_at: str  # UTC, ISO 8601
    audit_anchor: str
    pdf_file: str  # relative to the data folder
    pdf_sha256: str


@dataclass(frozen=True)
class Stamp:
    """Known only inside the write transaction, and printed on the PDF: the record's number, its
    time, and the audit chain's last hash before it (which anchors the chain up to that point)."""

    record_id: int
    at: str  # the acknowledgement's time: now, or the date of a paper form brought in later
    audit_anchor: str
    entered_at: str | None = None  # a paper form's: when it was entered here


@dataclass(frozen=True)
class AcknowledgementSummary:
    """What the status table and HR's export need of a record: no declaration, no signature, so that
    a school's whole history (100,000 records) is read in a fraction of a second."""

    id: int
    staff_id: int
    policy_id: str
    policy_sha256: str
    version_label: str
    acknowledged_at: str  # UTC, ISO 8601
    method: str
    quiz_attempt_id: int | None
    # Where it was made, and its number there (core/records/events.py): HR's "PC-NAME/000045".
    origin_pc: str | None = None
    origin_number: int | None = None


class LatestAcknowledgements(NamedTuple):
    """One person's standing on one policy, as the records have it."""

    latest: AcknowledgementSummary | None  # the newest record, of any version
    counted: AcknowledgementSummary | None  # the newest record of a version that still counts


_COLUMNS = ", ".join(AcknowledgementRecord.__dataclass_fields__)
_SUMMARY_COLUMNS = ", ".join(f"a.{name}" for name in AcknowledgementSummary.__dataclass_fields__)
# One pass over the records: for each person and policy asked about, the newest record (by number, as
# everywhere else) and the newest of a counted version. `?` is a JSON list of [policy_id, sha256]
# pairs; a policy with no counted version is asked about as [policy_id, null].
_LATEST_SQL = f"""
    WITH wanted(policy_id, sha256) AS (
        SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]') FROM json_each(?)),
    latest(id) AS (
        SELECT max(id) FROM acknowledgements
        WHERE policy_id IN (SELECT policy_id FROM wanted) GROUP BY staff_id, policy_id),
    counted(id) AS (
        SELECT max(id) FROM acknowledgements
        WHERE (policy_id, policy_sha256) IN (SELECT policy_id, sha256 FROM wanted)
        GROUP BY staff_id, policy_id)
    SELECT {_SUMMARY_COLUMNS}, a.id IN (SELECT id FROM latest), a.id IN (SELECT id FROM counted)
    FROM acknowledgements a WHERE a.id IN (SELECT id FROM latest UNION ALL SELECT id FROM counted)
"""


_SUMMARY_NAMES = ", ".join(AcknowledgementSummary.__dataclass_fields__)
_NEWEST_SQL = f"""
    SELECT {_SUMMARY_NAMES} FROM (
        SELECT {_SUMMARY_NAMES}, row_number() OVER (
            PARTITION BY staff_id, policy_id, policy_sha256 ORDER BY acknowledged_at DESC, id DESC) AS newest
        FROM acknowledgements
        WHERE policy_id IN (SELECT value FROM json_each(?)) AND (? IS NULL OR acknowledged_at < ?))
    WHERE newest = 1 ORDER BY id
"""


# In SQLite, max() makes the other columns of an aggregate come from the row holding the maximum:
# `id, max(acknowledged_at)` is the newest record of the group (a tie to the microsecond: either one).
# Read from the index acknowledgements_by_version alone, never the rows.
_NEWEST_BY_VERSION_SQL = """
    SELECT id, staff_id, policy_id, policy_sha256, max(acknowledged_at) FROM acknowledgements
    WHERE policy_id IN (SELECT value FROM json_each(?)) AND (? IS NULL OR acknowledged_at < ?)
    GROUP BY staff_id, policy_id, policy_sha256
"""
_SUMMARIES_SQL = f"""
    SELECT {_SUMMARY_NAMES} FROM acknowledgements WHERE id IN (SELECT value FROM json_each(?)) ORDER BY id
"""


@dataclass(frozen=True)
class KeptPdf:
    """What checking a kept PDF needs of its record (an erased person's PDFs are deleted)."""

    record_id: int
    pdf_file: str  # relative to the data folder
    pdf_sha256: str
    audit_anchor: str
    # Made on another of the school's PCs (core/records/events.py): its anchor is in that PC's audit
    # log, not this one's.
    made_here: bool = True


class Acknowledgements:
    def __init__(self, store) -> None:  # store: holbrook_desktop.core.records.Store
        self._store = store

    @property
    def folder(self) -> Path:
        return self._store.path.parent / ATTESTATIONS_FOLDER

    def record(self, new: NewAcknowledgement, make_pdf: Callable[[Stamp], bytes], *,
               acknowledged_at: str | None = None) -> AcknowledgementRecord:
        """Write the record and its signed PDF together: if either fails, neither is kept.
        `acknowledged_at`: a paper form's time (UTC, as the store writes times), for an on-behalf
        record brought in later; the audit row says when it was entered, and by whom.

        `make_pdf` runs inside the write transaction, because the PDF names the record's number and
        the audit hash before it; other writers wait the fraction of a second it takes. The PDF is
        written there under a pending name (attestation-NNNNNN.pdf.pending) and given its own name
        only after the commit, so that a crash at any moment leaves either both or, once the records
        are next opened (`settle_pending`), neither: never a signed PDF that attests to nothing."""
        if new.method not in METHODS:
            raise ValueError(f"unknown method {new.method!r}")
        if acknowledged_at is not None and new.method != "on-behalf":
            raise ValueError("only an acknowledgement recorded on someone's behalf can carry an earlier date")
        written: Path | None = None
        try:
            with self._store.change("acknowledgement.recorded") as change:
                db = change.db
                record_id = self._next_number(db)
                last = db.execute("SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()
                anchor = last[0] if last else audit.GENESIS_HASH
                stamp = (Stamp(record_id, acknowledged_at, anchor, entered_at=change.at) if acknowledged_at
                         else Stamp(record_id, change.at, anchor))
                pdf = make_pdf(stamp)
                relative = pdf_file_name(record_id)
                target = self._store.path.parent / relative
                pending = pending_path(target)
                if target.exists():
                    raise StoreWriteError(_already_there(target))
                try:
                    _write_private(pending, pdf)
                except FileExistsError as exc:
                    raise StoreWriteError(_already_there(pending)) from exc
                except OSError as exc:
                    raise StoreWriteError(_file_failure(target, exc)) from exc
                written = pending
                pdf_sha256 = hashlib.sha256(pdf).hexdigest()
                values = {**new.__dict__, "id": record_id, "acknowledged_at": stamp.at,
                          "audit_anchor": stamp.audit_anchor, "pdf_file": relative, "pdf_sha256": pdf_sha256}
                names = list(values)
                db.execute(f"INSERT INTO acknowledgements ({', '.join(names)}) VALUES "
                           f"({', '.join('?' for _ in names)})", [values[n] for n in names])
                change.details = {
                    "acknowledgement_id": record_id, "staff_id": new.staff_id, "policy_id": new.policy_id,
                    "policy_sha256": new.policy_sha256, "method": new.method,
                    "quiz_attempt_id": new.quiz_attempt_id, "declaration_sha256": new.declaration_sha256,
                    "on_behalf_note": new.on_behalf_note, "pdf_sha256": pdf_sha256,
                    "certificate_fingerprint": new.certificate_fingerprint,
                }
                if acknowledged_at:
                    change.details["acknowledged_at"] = acknowledged_at  # the paper form's date
        except BaseException:
            if written is not None:
                with contextlib.suppress(OSError):
                    written.unlink()  # a PDF without its record would attest to nothing
            raise
        # Committed: the record is kept whatever happens now. Its PDF is put in place; if that fails
        # here (or the process dies first), the next open of the records does it (settle_pending).
        try:
            put_in_place(written, target, pdf_sha256)
        except OSError as exc:
            log.error("acknowledgement %d is recorded, but its signed PDF could not yet be given its name "
                      "%s (%s): it is kept as %s and put in place when the records are next opened",
                      record_id, target, exc, written)
        saved = self.get(record_id)
        assert saved is not None
        log.info("acknowledgement %d recorded and its attestation signed (staff %d, %s, %s)", record_id,
                 new.staff_id, new.policy_id, new.method)
        return saved

    def settle_pending(self) -> list[str]:
        """After a crash: each pending PDF (see `record`) whose record was committed, same number and
        SHA-256, is given its name; one with no committed record attests to nothing and is removed, as
        are half-written temporary files. Done under the write lock, so that no signature is between
        its PDF and its commit meanwhile. A PDF under its final name is never touched. Returns what
        was done, in words (each also logged)."""
        folder = self.folder
        if not folder.is_dir():
            return []
        if not any(_PENDING.fullmatch(p.name) or _PARTIAL.fullmatch(p.name) for p in folder.iterdir()):
            return []
        from holbrook_desktop.core.records.database import write_transaction  # it imports this module

        done: list[str] = []
        with write_transaction(self._store.db):
            for path in sorted(folder.iterdir()):
                if _PARTIAL.fullmatch(path.name):
                    with contextlib.suppress(OSError):
                        path.unlink()
                        done.append(f"removed the half-written file {path.name}")
                    continue
                found = _PENDING.fullmatch(path.name)
                if found:
                    done.append(self._settle_one(path, int(found.group(1))))
        for line in done:
            log.warning("attestations after an interruption: %s", line)
        return done

    def _settle_one(self, pending: Path, record_id: int) -> str:
        row = self._store.db.execute("SELECT pdf_file, pdf_sha256 FROM acknowledgements WHERE id = ?",
                                     (record_id,)).fetchone()
        if row is None:
            try:
                pending.unlink()
            except OSError as exc:
                return f"{pending.name}: no record was committed for it, but it could not be removed ({exc})"
            return (f"removed {pending.name}: the signature was interrupted before its record was "
                    "committed, so it attests to nothing")
        target = self._store.path.parent / row[0]
        try:
            if hashlib.sha256(pending.read_bytes()).hexdigest() != row[1]:
                return (f"{pending.name} is not the PDF recorded for acknowledgement {record_id} (another "
                        "SHA-256): left as it is")
            put_in_place(pending, target, row[1])
        except OSError as exc:
            return f"{pending.name}: could not be put in place as {row[0]} ({exc}); left as it is"
        return f"put {pending.name} in place as {row[0]}: its record {record_id} had been committed"

    def unrecorded_pdfs(self) -> list[Path]:
        """The signed PDFs under their final names in attestations/ that no record names (those of
        acknowledgements a restore from an older backup took away, or put there by hand)."""
        folder = self.folder
        if not folder.is_dir():
            return []
        found = [p for p in folder.iterdir() if _PDF_NUMBER.fullmatch(p.name)]
        if not found:
            return []
        named = {name for (name,) in self._store.db.execute("SELECT pdf_file FROM acknowledgements")}
        return sorted(p for p in found if f"{ATTESTATIONS_FOLDER}/{p.name}" not in named and p.is_file())

    def _next_number(self, db) -> int:
        """Above every record in the database and every signed PDF on disk (pending ones too): after a
        restore from an older backup, or a crash, a number once given out is not given out again."""
        in_records = db.execute("SELECT coalesce(max(id), 0) FROM acknowledgements").fetchone()[0]
        on_disk = 0
        if self.folder.is_dir():
            for pdf in self.folder.iterdir():
                found = _PDF_NUMBER.fullmatch(pdf.name) or _PENDING.fullmatch(pdf.name)
                if found:
                    on_disk = max(on_disk, int(found.group(1)))
        return max(in_records, on_disk) + 1

    def get(self, record_id: int) -> AcknowledgementRecord | None:
        row = self._store.db.execute(f"SELECT {_COLUMNS} FROM acknowledgements WHERE id = ?",
                                     (record_id,)).fetchone()
        return AcknowledgementRecord(*row) if row else None

    def made_elsewhere_with_pdf(self, pdf_sha256: str) -> AcknowledgementRecord | None:
        """The record another of the school's PCs made whose signed PDF has this hash (it came through
        the sync folder with the PDF, checked against that hash); None if there is none."""
        row = self._store.db.execute(
            f"SELECT {_COLUMNS} FROM acknowledgements WHERE pdf_sha256 = ? AND origin_pc IS NOT NULL AND "
            "origin_pc != (SELECT value FROM sync_meta WHERE key = 'pc_id') AND erased_at IS NULL "
            "ORDER BY id LIMIT 1", (pdf_sha256,)).fetchone()
        return AcknowledgementRecord(*row) if row else None

    def for_person(self, staff_id: int, policy_id: str | None = None) -> list[AcknowledgementRecord]:
        """Newest first."""
        where = "staff_id = ?"
        params: list[int | str] = [staff_id]
        if policy_id is not None:
            where += " AND policy_id = ?"
            params.append(policy_id)
        rows = self._store.db.execute(f"SELECT {_COLUMNS} FROM acknowledgements WHERE {where} "
                                      "ORDER BY id DESC", params).fetchall()
        return [AcknowledgementRecord(*row) for row in rows]

    def all(self, policy_id: str | None = None) -> list[AcknowledgementRecord]:
        where, params = ("WHERE policy_id = ?", [policy_id]) if policy_id else ("", [])
        rows = self._store.db.execute(f"SELECT {_COLUMNS} FROM acknowledgements {where} ORDER BY id",
                                      params).fetchall()
        return [AcknowledgementRecord(*row) for row in rows]

    def count(self) -> int:
        return self._store.db.execute("SELECT count(*) FROM acknowledgements").fetchone()[0]

    def latest_by_person(self, counted: Mapping[str, Collection[str]]
                         ) -> dict[tuple[int, str], LatestAcknowledgements]:
        """For each person with a record of a policy in `counted` (policy id → the versions whose
        acknowledgements count): their newest record and their newest counted one, by (staff_id,
        policy_id). One query, reading neither declarations nor signatures."""
        pairs = [[policy_id, sha] for policy_id, shas in counted.items() for sha in (shas or (None,))]
        latest: dict[tuple[int, str], AcknowledgementSummary] = {}
        current: dict[tuple[int, str], AcknowledgementSummary] = {}
        for row in self._store.db.execute(_LATEST_SQL, (json.dumps(pairs),)):
            summary = AcknowledgementSummary(*row[:-2])
            key = (summary.staff_id, summary.policy_id)
            if row[-2]:
                latest[key] = summary
            if row[-1]:
                current[key] = summary
        return {key: LatestAcknowledgements(record, current.get(key)) for key, record in latest.items()}

    def newest_of_each_version(self, policy_ids: Collection[str], *, before: str | None = None
                               ) -> dict[tuple[int, str], list[AcknowledgementSummary]]:
        """For each (staff_id, policy_id): the person's newest record (by the day acknowledged, then
        number) of each version they acknowledged, made `before` this UTC time if given. One query,
        reading neither declarations nor signatures: what the due rules need of the history."""
        found: dict[tuple[int, str], list[AcknowledgementSummary]] = {}
        rows = self._store.db.execute(_NEWEST_SQL, (json.dumps(list(policy_ids)), before, before))
        for row in rows:
            summary = AcknowledgementSummary(*row)
            found.setdefault((summary.staff_id, summary.policy_id), []).append(summary)
        return found

    def deciding(self, steps: Mapping[str, Mapping[str, int]], current: Mapping[str, int], *,
                 before: str | None = None) -> dict[tuple[int, str], list[AcknowledgementSummary]]:
        """What the due rules need of each person's history, and no more: for each (staff_id,
        policy_id), their newest record, their newest of the furthest version step they reached, and
        their newest of a step from `current` on. `steps`: policy id → {sha256: step number} (a
        version not listed is step -1); `current`: policy id → the step in force. Records made
        `before` this UTC time only, if given. Two queries: one on an index, one for the records
        chosen; neither reads declarations or signatures."""
        newest: dict[tuple[int, str], dict[int, tuple[str, int]]] = {}  # step → (time, id)
        for record_id, staff_id, policy_id, sha, at in self._store.db.execute(
                _NEWEST_BY_VERSION_SQL, (json.dumps(list(current)), before, before)):
            step = steps.get(policy_id, {}).get(sha, -1)
            by_step = newest.setdefault((staff_id, policy_id), {})
            if step not in by_step or (at, record_id) > by_step[step]:
                by_step[step] = (at, record_id)
        chosen: set[int] = set()
        for (_staff_id, policy_id), by_step in newest.items():
            chosen.add(max(by_step.values())[1])  # their newest record
            chosen.add(by_step[max(by_step)][1])  # their newest of the furthest step they reached
            from_current = [found for step, found in by_step.items() if step >= current[policy_id]]
            if from_current:
                chosen.add(max(from_current)[1])
        found: dict[tuple[int, str], list[AcknowledgementSummary]] = {}
        for row in self._store.db.execute(_SUMMARIES_SQL, (json.dumps(sorted(chosen)),)):
            summary = AcknowledgementSummary(*row)
            found.setdefault((summary.staff_id, summary.policy_id), []).append(summary)
        return found

    def first_acknowledged(self, policy_ids: Collection[str], *, before: str | None = None
                           ) -> dict[tuple[int, str], str]:
        """Each person's first acknowledgement time (UTC) of each policy, made `before` if given."""
        rows = self._store.db.execute(
            "SELECT staff_id, policy_id, min(acknowledged_at) FROM acknowledgements "
            "WHERE policy_id IN (SELECT value FROM json_each(?)) AND (? IS NULL OR acknowledged_at < ?) "
            "GROUP BY staff_id, policy_id", (json.dumps(list(policy_ids)), before, before))
        return {(staff_id, policy_id): first for staff_id, policy_id, first in rows}

    def kept_pdfs(self) -> list[KeptPdf]:
        """Every acknowledgement whose signed PDF is kept (all but erased people's), oldest first."""
        with audit.tolerant_text(self._store.db):  # a checker must name a damaged row, not stop at it
            rows = self._store.db.execute(
                "SELECT id, pdf_file, pdf_sha256, audit_anchor, origin_pc IS NULL OR origin_pc = "
                "(SELECT value FROM sync_meta WHERE key = 'pc_id') FROM acknowledgements "
                "WHERE erased_at IS NULL ORDER BY id").fetchall()
        return [KeptPdf(row[0], row[1], row[2], row[3], made_here=bool(row[4])) for row in rows]

    def pdf_path(self, record: AcknowledgementRecord) -> Path:
        return self._store.path.parent / record.pdf_file

    def pdf_bytes(self, record: AcknowledgementRecord) -> bytes:
        """The signed PDF as it was made, checked against the SHA-256 recorded with it: every path
        that hands a PDF out comes through here (or `read_signed_pdf`). SignedPdfUnusable, naming
        the record, if the file is gone, unreadable, or not the one signed."""
        return read_signed_pdf(record.id, self.pdf_path(record), record.pdf_sha256)

    def summary(self, record: AcknowledgementRecord) -> dict[str, Any]:
        values = dict(record.__dict__)
        values.pop("signature_png")
        values.pop("signature_strokes")
        return values


def read_signed_pdf(record_id: int, path: Path, pdf_sha256: str) -> bytes:
    """The file at `path` if it hashes to `pdf_sha256`; SignedPdfUnusable (naming the record) if
    not. Reads no records, so a copy running on another thread (HR's export) can use it."""
    try:
        pdf = path.read_bytes()
    except FileNotFoundError as exc:
        raise SignedPdfUnusable(record_id, path, f"the signed PDF is missing from the data folder "
                                                 f"({path})") from exc
    except OSError as exc:
        raise SignedPdfUnusable(record_id, path, f"the signed PDF cannot be read ({path}): "
                                                 f"{exc.strerror or exc}") from exc
    if hashlib.sha256(pdf).hexdigest() != pdf_sha256:
        raise SignedPdfUnusable(record_id, path, f"the PDF in the data folder ({path}) is not the one "
                                                 "signed for this record: it has been changed or damaged")
    return pdf


def put_in_place(pending: Path, target: Path, pdf_sha256: str) -> None:
    """The pending PDF given its final name, never over an existing file: hard-linked, then the pending
    name removed. Done twice (the writer, and the next open after a crash) it is done once; a file
    already at `target` with other bytes is left alone (OSError EEXIST), as is the pending one."""
    try:
        os.link(pending, target)
    except FileExistsError:
        if _sha256_of(target) != pdf_sha256:
            raise
    except FileNotFoundError:
        if _sha256_of(target) != pdf_sha256:  # already put in place by another process
            raise
        return
    except OSError as exc:
        if exc.errno not in _NO_HARD_LINKS:
            raise
        # No hard links here: checked, then renamed (a rename would replace a file appearing between).
        if target.exists():
            raise FileExistsError(errno.EEXIST, "a file is already there", str(target)) from exc
        os.replace(pending, target)
        return
    with contextlib.suppress(FileNotFoundError):
        pending.unlink()


_NO_HARD_LINKS = {errno.EPERM, errno.EOPNOTSUPP, errno.ENOTSUP, errno.EXDEV, errno.EMLINK}


def _sha256_of(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except FileNotFoundError:
        return None


def _already_there(path: Path) -> str:
    return (f"The signed attestation {path} already exists and is never overwritten, so nothing was "
            "recorded. The records may have been restored from an older copy: please tell whoever "
            "looks after this PC.")


def _file_failure(path: Path, exc: OSError) -> str:
    if exc.errno == errno.ENOSPC:
        why = "the disk is full. Free some space and try again"
    elif exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        why = "this account may not write in that folder"
    else:
        why = exc.strerror or str(exc)
    return f"The signed attestation could not be saved as {path}: {why}. Nothing was recorded."


def _write_private(path: Path, data: bytes, *, flush: bool = True) -> None:
    """Whole or not at all, readable by this account only (the folder is private too), and never over
    an existing file (FileExistsError): a signed PDF is evidence, written once."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    except FileExistsError as exc:  # a file where the folder should be: not the PDF already there
        raise NotADirectoryError(errno.ENOTDIR, "a file is in the folder's place", str(path.parent)) from exc
    write_new(path, data, flush=flush)
