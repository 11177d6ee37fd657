"""HR's copy of the signed attestation PDFs, in a folder of their choosing, under names they can file."""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from holbrook_desktop.core.dates import school_day
from holbrook_desktop.core.files import write_whole
from holbrook_desktop.core.paths import check_output_target

log = logging.getLogger(__name__)

MAX_NAME_CHARS = 120  # the whole file name; Windows paths stay well inside 260 characters
MAX_NAME_BYTES = 240  # UTF-8, for file systems (ext4, APFS) that count bytes up to 255
# Lower-case words that belong to the surname: "Mary-Jane van der Berg" files under "van der Berg".
SURNAME_PARTICLES = frozenset({"van", "von", "der", "den", "de", "del", "della", "di", "da", "du", "le", "la",
                               "ten", "ter", "bin", "binti", "al", "el"})
# Characters Windows refuses in a file name; "_" and "." are ours (separators and the extension).
_UNSAFE = re.compile(r'[<>:"/\\|?*_.]')


@dataclass(frozen=True)
class PlannedAttestation:
    """One signed PDF to copy: where it is, what it must hash to, and the name HR will see."""

    record_id: int
    source: Path
    pdf_sha256: str
    stem: str  # surname-firstnames_policy_date
    number: int  # 1, or 2, 3… for the same person, policy and day again

    @property
    def file_name(self) -> str:
        return _numbered(self.stem, self.number) + ".pdf"


@dataclass(frozen=True)
class AttestationExportPlan:
    data_dir: Path  # the app's own folder: never a destination
    items: tuple[PlannedAttestation, ...]


@dataclass
class AttestationExportResult:
    folder: Path
    total: int  # the acknowledgements chosen (all, or those since the day given)
    copied: int = 0
    skipped_identical: int = 0  # already in the folder, byte for byte: a re-run copies nothing twice
    missing: list[tuple[int, str]] = field(default_factory=list)  # (record id, why it was not copied)
    cancelled: bool = False
    files: list[Path] = field(default_factory=list)  # in the folder now: copied or already there

    def as_dict(self) -> dict:
        return {"folder": str(self.folder), "total": self.total, "copied": self.copied,
                "skipped_identical": self.skipped_identical, "cancelled": self.cancelled,
                "missing": [{"record_id": record_id, "reason": reason} for record_id, reason in self.missing],
                "files": [path.name for path in self.files]}


def export_attestations(store, folder: Path, *, since: date | None = None,
                        progress: Callable[[int, int], None] | None = None,
                        cancelled: Callable[[], bool] | None = None) -> AttestationExportResult:
    """Every signed PDF (or those acknowledged on or after `since`, local date) copied into `folder`.

    Nothing in the folder is overwritten unless it is the same file byte for byte; nothing is
    written in the data folder. OutputInsideDataFolder (a ValueError) if `folder` is in the data
    folder; OSError if the folder cannot be written (files already copied stay, each one whole)."""
    return copy_attestations(plan_attestation_export(store, since=since), folder, progress=progress,
                             cancelled=cancelled)


def plan_attestation_export(store, *, since: date | None = None) -> AttestationExportPlan:
    """What to copy and under which names. Only this reads the records, so it runs on the thread
    that opened them (SQLite's rule); the copying may run on another."""
    names = {member.id: member.full_name for member in store.staff.list(include_inactive=True)}
    planned: list[PlannedAttestation] = []
    taken: dict[str, int] = {}
    for record in store.acknowledgements.all():  # oldest first: the first of a day gets the plain name
        day = school_day(record.acknowledged_at)
        if since is not None and day < since:
            continue
        name = names.get(record.staff_id) or f"staff-{record.staff_id}"
        stem = attestation_stem(name, record.policy_id, day)
        number = taken[stem.casefold()] = taken.get(stem.casefold(), 0) + 1
        source = store.acknowledgements.pdf_path(record)
        planned.append(PlannedAttestation(record.id, source, record.pdf_sha256, stem, number))
    return AttestationExportPlan(store.data_dir, tuple(planned))


def copy_attestations(plan: AttestationExportPlan, folder: Path, *,
                      progress: Callable[[int, int], None] | None = None,
                      cancelled: Callable[[], bool] | None = None) -> AttestationExportResult:
    """Copy the planned PDFs into `folder` (created if missing): files only, no records read."""
    folder = check_output_target(folder, plan.data_dir, folder=True)
    planned = plan.items
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    result = AttestationExportResult(folder, total=len(planned))
    # The names every planned record will use, so that a clash with someone else's file never
    # takes a name that a later record of this export needs.
    reserved = {item.file_name.casefold() for item in planned}
    for done, item in enumerate(planned, start=1):
        if cancelled is not None and cancelled():
            result.cancelled = True
            break
        _copy_one(item, folder, reserved, result)
        if progress is not None:
            progress(done, len(planned))
    log.info("signed PDFs exported: %d copied, %d already there, %d missing, of %d%s", result.copied,
             result.skipped_identical, len(result.missing), result.total,
             " (stopped)" if result.cancelled else "")
    return result


def _copy_one(item: PlannedAttestation, folder: Path, reserved: set[str],
              result: AttestationExportResult) -> None:
    from holbrook_desktop.core.records.acknowledgements import read_signed_pdf
    from holbrook_desktop.core.records.errors import SignedPdfUnusable

    try:
        pdf = read_signed_pdf(item.record_id, item.source, item.pdf_sha256)
    except SignedPdfUnusable as exc:  # the same check as every other PDF handed out
        result.missing.append((item.record_id, exc.reason))
        return
    number, name = item.number, item.file_name
    while True:
        target = folder / name
        if not target.exists():
            write_whole(target, pdf)
            result.copied += 1
            break
        if _same_bytes(target, pdf):
            result.skipped_identical += 1
            break
        # Someone else's file has this name: never overwritten; the next free number instead.
        log.info("%s is already in %s and differs; choosing another name", name, folder)
        number += 1
        while (name := _numbered(item.stem, number) + ".pdf").casefold() in reserved:
            number += 1
    result.files.append(target)


def attestation_stem(full_name: str, policy_id: str, day: date) -> str:
    """`surname-firstnames_policy_YYYY-MM-DD`, safe as a file name on Windows, macOS and Linux.

    The surname is the last word of the name, with any lower-case particles before it ("van der");
    letters with accents are kept; characters Windows forbids are dropped; spaces become hyphens."""
    words = unicodedata.normalize("NFC", full_name).split()
    start = len(words) - 1
    while start > 1 and words[start - 1] in SURNAME_PARTICLES:
        start -= 1
    person = _safe("-".join(words[start:] + words[:start]) if words else "")
    policy = (_safe(policy_id) or "policy")[:40]
    suffix = f"_{policy}_{day.isoformat()}"
    # Room for "_99" and ".pdf" after it; the person's part is shortened when a name is very long.
    budget_chars = MAX_NAME_CHARS - len(suffix) - 7
    budget_bytes = MAX_NAME_BYTES - len(suffix.encode()) - 7
    person = person[:budget_chars]
    while len(person.encode()) > budget_bytes:
        person = person[:-1]
    # Never a bare device name such as CON or NUL: Windows reserves those only as the whole name
    # before the first dot, and the policy and date always follow the person's name.
    return (person.strip("-") or "staff") + suffix


def _safe(text: str) -> str:
    kept = "".join(" " if unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp") else c for c in text)
    kept = _UNSAFE.sub(" ", kept).lower()
    return re.sub(r"-{2,}", "-", "-".join(kept.split())).strip("-")


def _numbered(stem: str, number: int) -> str:
    return stem if number == 1 else f"{stem}_{number}"


def _same_bytes(path: Path, data: bytes) -> bool:
    try:
        return path.is_file() and path.stat().st_size == len(data) and path.read_bytes() == data
    except OSError:
        return False
