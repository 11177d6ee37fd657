"""A subject-access export (UK GDPR): everything the records hold about one person, in a new folder."""

from __future__ import annotations

import contextlib
import json
import logging
import shutil
from collections.abc import Mapping
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from holbrook_desktop import __version__
from holbrook_desktop.core.errors import UnknownStaff  # raised here; callers import it from here too
from holbrook_desktop.core.files import write_whole
from holbrook_desktop.core.hr.roles import ROLE_LABELS
from holbrook_desktop.core.hr.subject_access_summary import SUMMARY_FILE, QuestionLookup, summary_html
from holbrook_desktop.core.paths import check_output_target

if TYPE_CHECKING:
    from holbrook_desktop.core.records import Store

log = logging.getLogger(__name__)
DATA_FILE = "data.json"
README_FILE = "README.txt"


def export_subject_access(store: Store, staff_id: int, folder: Path, *,
                          questions: QuestionLookup | None = None,
                          policy_titles: Mapping[str, str] | None = None) -> Path:
    """Write `data.json` (every stored row about them), `summary.html` (the same for a person to read:
    each quiz question's text from `questions`, the answer given and the right one), their signed
    PDFs, their signature images and a README.txt into a new folder inside `folder` (made if need
    be), and return it. The folder is
    private to this account (0700, files 0600); an existing one is never overwritten (…_2). If
    anything cannot be written, the half-made folder is removed and the OSError raised; if a signed
    PDF is missing or is not the file signed, likewise, with SignedPdfUnusable naming the record.
    OutputInsideDataFolder if `folder` is in the data folder."""
    check_output_target(folder, store.data_dir, folder=True)
    found = store.subject_access.rows_about(staff_id)
    if found is None:
        raise UnknownStaff(staff_id)
    person = found.staff
    person["role_label"] = ROLE_LABELS.get(person["role"], person["role"])
    progress = found.reading_progress
    attempts = found.quiz_attempts
    for attempt in attempts:
        for key in ("questions", "answers"):
            attempt[key] = _json_or_text(attempt[key])
    acknowledgements = found.acknowledgements
    audit_rows = _audit_rows(found.audit_log, found.audit_rows_made_by)

    target = _new_folder(folder, _folder_name(person))
    try:
        files = _write_acknowledgement_files(store, target, acknowledgements)
        data = {
            "exported_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "exported_by_app": f"Holbrook Staff Handbook {__version__}",
            "erased": ({"erased_at": person["erased_at"], "note": _ERASED_NOTE} if person.get("erased_at")
                       else None),
            "staff": person,
            "reading_progress": progress,
            "quiz_attempts": attempts,
            "acknowledgements": acknowledgements,
            "audit_log": audit_rows,
            "files": sorted([DATA_FILE, README_FILE, SUMMARY_FILE, *files]),
        }
        write_whole(target / DATA_FILE, json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8"))
        summary = summary_html(data, questions or (lambda _policy, _question: None), policy_titles or {})
        write_whole(target / SUMMARY_FILE, summary.encode("utf-8"))
        write_whole(target / README_FILE, _readme(person, data).encode("utf-8"))
    except BaseException:
        shutil.rmtree(target, ignore_errors=True)  # never a half-made copy of someone's data
        raise
    log.info("subject-access export made for staff %d: %d signed PDFs", staff_id, len(acknowledgements))
    return target


_ERASED_NOTE = ("This person's personal data was erased under the school's retention rule on the date "
                "given. What remains holds no name, contact detail or signature: it is kept, under their "
                "number only, for anonymous counts.")


def _json_or_text(text: Any) -> Any:
    if not isinstance(text, str):
        return text
    try:
        return json.loads(text)
    except ValueError:
        return text


def _audit_rows(rows: list[dict[str, Any]], made_by: frozenset[int]) -> list[dict[str, Any]]:
    """The rows as a person reads them: details as JSON, which fields were erased, who made them."""
    for row in rows:
        erased = [name for name in ("os_user", "details") if row.pop(f"{name}_salt") is None]
        row["details"] = _json_or_text(row["details"])
        row["made_while_they_were_signed_in"] = row["id"] in made_by
        row["erased_fields"] = erased
        if not erased:
            row.pop("redacted_by")
    return rows


def _folder_name(person: dict[str, Any]) -> str:
    """subject-access_<surname-firstnames>_<YYYY-MM-DD>, letters and digits only (any alphabet)."""
    if person.get("erased_at"):
        who = f"erased-person-{person['id']}"
    else:
        words = ["".join(ch for ch in word if ch.isalnum()) for word in person["full_name"].split()]
        words = [w for w in words if w]
        who = "-".join([words[-1], *words[:-1]]) if words else f"staff-{person['id']}"
    return f"subject-access_{who}_{date.today().isoformat()}"


def _new_folder(parent: Path, name: str) -> Path:
    parent.mkdir(parents=True, exist_ok=True)
    number = 1
    while True:
        target = parent / (name if number == 1 else f"{name}_{number}")
        try:
            target.mkdir(mode=0o700)
        except FileExistsError:
            number += 1
            continue
        with contextlib.suppress(OSError):
            target.chmod(0o700)  # the umask may have narrowed it differently
        return target


def _write_acknowledgement_files(store: Store, target: Path, acknowledgements: list[dict]) -> list[str]:
    """Each signed PDF copied and each drawn signature as a PNG; the rows say which file is which."""
    written: list[str] = []
    for record in acknowledgements:
        png = record.pop("signature_png", None)
        record["signature_strokes"] = _json_or_text(record.get("signature_strokes"))
        record["signature_image_file"] = None
        if png:
            name = f"signature-{record['id']:06d}.png"
            write_whole(target / name, png)
            record["signature_image_file"] = name
            written.append(name)
        record["signed_pdf_file"] = None
        if record.get("erased_at"):
            record["signed_pdf_note"] = "deleted when the personal data was erased"
            continue
        kept = store.acknowledgements.get(record["id"])
        assert kept is not None
        # Checked against the SHA-256 recorded with it: a missing, swapped or altered file stops the
        # export (SignedPdfUnusable, naming the record) rather than handing out something unsigned.
        name = Path(record["pdf_file"]).name
        write_whole(target / name, store.acknowledgements.pdf_bytes(kept))
        record["signed_pdf_file"] = name
        written.append(name)
    return written


def _readme(person: dict[str, Any], data: dict[str, Any]) -> str:
    pdfs = sum(1 for a in data["acknowledgements"] if a["signed_pdf_file"])
    images = sum(1 for a in data["acknowledgements"] if a["signature_image_file"])
    lines = [
        f"Subject-access copy: everything Holbrook Staff Handbook holds about staff member number "
        f"{person['id']}",
        f"Made on {data['exported_at'][:10]} (UTC) by {data['exported_by_app']}.",
        "",
    ]
    if data["erased"]:
        lines += [f"Their personal data was erased on {person['erased_at'][:10]}.", _ERASED_NOTE, ""]
    lines += [
        "What is in this folder:",
        "",
        "summary.html The records below, to read in a web browser: their record, each quiz question",
        "             with the answer given and the right one, their acknowledgements, and the change",
        "             log in words.",
        "data.json    Every record about them, in JSON (a plain-text format any text editor opens):",
        "             - staff: their record (name, role, staff number, work email, start and leaving",
        "               dates, who added them and when);",
        f"             - reading_progress: each section of each policy version they opened and read "
        f"({len(data['reading_progress'])});",
        f"             - quiz_attempts: each quiz, its questions and their answers "
        f"({len(data['quiz_attempts'])});",
        f"             - acknowledgements: each declaration they made or that was recorded for them "
        f"({len(data['acknowledgements'])}), with the drawn signature's pen strokes; the signature",
        "               image itself is the PNG file named in signature_image_file;",
        f"             - audit_log: each entry in the records' change log about them or made while they "
        f"were signed in ({len(data['audit_log'])}); an entry whose erased_fields is not empty had",
        "               those fields erased under the school's retention rule.",
        "             Times ending in +00:00 are UTC (British summer time is one hour ahead).",
    ]
    if pdfs:
        lines.append(f"attestation-NNNNNN.pdf   The signed attestation PDFs ({pdfs}), exactly as kept.")
    if images:
        lines.append(f"signature-NNNNNN.png     The drawn signatures ({images}), one per acknowledgement "
                     "number.")
    lines += ["", "These files contain personal data: keep them safe and delete them when no longer needed.",
              ""]
    return "\n".join(lines)
