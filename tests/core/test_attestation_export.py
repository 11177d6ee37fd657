"""HR's copy of the signed PDFs: names they can file, nothing overwritten, re-runs copy nothing twice."""

import json
import sys
import time
from datetime import date
from pathlib import Path

import pytest

from holbrook_desktop.cli import main
from holbrook_desktop.core.attestation.export import (
    MAX_NAME_BYTES,
    MAX_NAME_CHARS,
    attestation_stem,
    export_attestations,
)
from holbrook_desktop.core.identity import Actor
from holbrook_desktop.core.records import NewStaffMember, Store
from holbrook_desktop.core.records.acknowledgements import NewAcknowledgement

NOON = "T12:00:00.000000+00:00"  # the same calendar day in every European time zone


@pytest.fixture
def store(tmp_path):
    opened = Store.open(tmp_path / "data", Actor("office-pc", "cli"))
    yield opened
    opened.close()


def signed(store, full_name: str, *, day: str = "2026-09-10", at: str | None = None,
           policy: str = "social-media", email: str | None = None, role: str = "teacher"):
    """An acknowledgement with a (fake, quick) PDF, by the person of that name (added if new)."""
    member = next((m for m in store.staff.list(include_inactive=True) if m.full_name == full_name), None)
    if member is None:
        member = store.staff.add(NewStaffMember(full_name, role, date(2024, 9, 1), work_email=email))
    store.db.execute("INSERT OR IGNORE INTO policy_versions (policy_id, sha256, label, title, effective, "
                     "first_seen) VALUES (?, 'v1', 'first', 'P', '2026-09-01', 'x')", (policy,))
    store.db.conn.commit()
    new = NewAcknowledgement(
        staff_id=member.id, policy_id=policy, policy_sha256="v1", version_label="2026 edition",
        quiz_attempt_id=None, declaration_text="I confirm.", declaration_sha256="d" * 64,
        typed_name=full_name, method="on-behalf", signature_png=None, signature_strokes=None,
        on_behalf_note="Signed on paper", os_user="office-pc", machine="PC-1", app_version="0.1.0",
        certificate_fingerprint="f" * 64)
    store.clock = lambda: at or day + NOON
    return store.acknowledgements.record(new, lambda stamp: f"%PDF-1.7 record {stamp.record_id}".encode())


def _snapshot(folder: Path) -> dict:
    return {p: (p.stat().st_size, p.stat().st_mtime_ns) for p in folder.rglob("*")}


def test_each_pdf_is_copied_under_a_name_hr_can_file(store, tmp_path):
    first = signed(store, "Siân O’Brien")
    again = signed(store, "Siân O’Brien")  # the same day again: numbered, not overwritten
    other = signed(store, "Mary-Jane van der Berg", day="2026-09-11")
    data_before = _snapshot(store.data_dir)
    out = tmp_path / "hr" / "attestations"  # made if missing
    calls = []

    result = export_attestations(store, out, progress=lambda done, total: calls.append((done, total)))

    names = {
        first.id: "o’brien-siân_social-media_2026-09-10.pdf",
        again.id: "o’brien-siân_social-media_2026-09-10_2.pdf",
        other.id: "van-der-berg-mary-jane_social-media_2026-09-11.pdf",
    }
    assert sorted(p.name for p in out.iterdir()) == sorted(names.values())
    for record in (first, again, other):
        assert (out / names[record.id]).read_bytes() == store.acknowledgements.pdf_bytes(record)
    assert (result.copied, result.skipped_identical, result.missing, result.cancelled) == (3, 0, [], False)
    assert [p.name for p in result.files] == list(names.values())
    assert calls == [(1, 3), (2, 3), (3, 3)]
    assert _snapshot(store.data_dir) == data_before  # nothing written in the data folder


def test_a_rerun_copies_nothing_twice_and_another_file_is_never_overwritten(store, tmp_path):
    record = signed(store, "Ann Smith")
    out = tmp_path / "out"
    out.mkdir()
    theirs = out / "smith-ann_social-media_2026-09-10.pdf"
    theirs.write_bytes(b"HR's own scan, not ours")

    first = export_attestations(store, out)
    second = export_attestations(store, out)

    assert theirs.read_bytes() == b"HR's own scan, not ours"
    ours = out / "smith-ann_social-media_2026-09-10_2.pdf"
    assert ours.read_bytes() == store.acknowledgements.pdf_bytes(record)
    assert (first.copied, first.skipped_identical, first.files) == (1, 0, [ours])
    assert (second.copied, second.skipped_identical, second.files) == (0, 1, [ours])
    assert sorted(p.name for p in out.iterdir()) == sorted([theirs.name, ours.name])  # no .part left


def test_a_missing_or_changed_pdf_is_reported_and_the_rest_are_copied(store, tmp_path):
    gone = signed(store, "Ann Smith")
    changed = signed(store, "Bob Jones")
    fine = signed(store, "Cat Brown")
    store.acknowledgements.pdf_path(gone).unlink()
    store.acknowledgements.pdf_path(changed).write_bytes(b"%PDF-1.7 edited afterwards")

    result = export_attestations(store, tmp_path / "out")

    assert [record_id for record_id, _ in result.missing] == [gone.id, changed.id]
    assert "missing" in result.missing[0][1] and "changed or damaged" in result.missing[1][1]
    assert [p.name for p in result.files] == ["brown-cat_social-media_2026-09-10.pdf"]
    assert result.copied == 1 and store.acknowledgements.pdf_path(fine).is_file()


@pytest.mark.skipif(not hasattr(time, "tzset"), reason="time zones are set per process only on POSIX")
def test_since_and_the_file_date_use_the_local_calendar(store, tmp_path, monkeypatch):
    monkeypatch.setenv("TZ", "Europe/London")
    time.tzset()
    try:
        signed(store, "Ann Smith", at="2026-06-30T12:00:00.000000+00:00")
        # 00:30 on 2 July in London (British Summer Time): the file and `since` go by that day.
        late_evening = signed(store, "Ann Smith", at="2026-07-01T23:30:00.000000+00:00")
        result = export_attestations(store, tmp_path / "out", since=date(2026, 7, 2))
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()
    assert result.total == 1 and result.missing == []
    assert [p.name for p in result.files] == ["smith-ann_social-media_2026-07-02.pdf"]
    assert result.files[0].read_bytes() == store.acknowledgements.pdf_bytes(late_evening)


def test_cancelling_keeps_what_is_done_and_says_so(store, tmp_path):
    for name in ("Ann Smith", "Bob Jones", "Cat Brown", "Dan Green"):
        signed(store, name)
    calls = []

    result = export_attestations(store, tmp_path / "out", progress=lambda done, total: calls.append(done),
                                 cancelled=lambda: len(calls) >= 2)

    assert result.cancelled and result.copied == 2 and calls == [1, 2]
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "jones-bob_social-media_2026-09-10.pdf", "smith-ann_social-media_2026-09-10.pdf"]


def test_the_data_folder_itself_is_refused(store):
    signed(store, "Ann Smith")
    with pytest.raises(ValueError, match="is inside the data folder"):
        export_attestations(store, store.data_dir / "copies")
    assert not (store.data_dir / "copies").exists()


@pytest.mark.parametrize(("name", "expected"), [
    ("Ann Smith", "smith-ann"),
    ("Madonna", "madonna"),
    ("Siân Eleri O’Brien", "o’brien-siân-eleri"),  # accents and the curly apostrophe are kept
    ("Ludwig van Beethoven", "van-beethoven-ludwig"),
    ("Jean-Luc  PICARD", "picard-jean-luc"),
    ('Evil <Name>: "a/b\\c|d?e*" f', "f-evil-name-a-b-c-d-e"),  # Windows' forbidden characters
    ("Tab\tand\nnewline\x07bell", "newline-bell-tab-and"),  # control characters
    ("Ann_Smith. Jr.", "jr-ann-smith"),  # "_" and "." are the name's own separators
    ("Con", "con"),  # a reserved device name is safe once the policy and date follow it
    ("<>:\"", "staff"),
])
def test_file_names_are_safe_everywhere(name, expected):
    stem = attestation_stem(name, "social-media", date(2026, 9, 10))
    assert stem == f"{expected}_social-media_2026-09-10"


def test_a_very_long_name_is_shortened_within_both_limits():
    for letter in ("a", "é", "李"):
        stem = attestation_stem(" ".join([letter * 40] * 8), "social-media", date(2026, 9, 10))
        file_name = f"{stem}_99.pdf"
        assert len(file_name) <= MAX_NAME_CHARS and len(file_name.encode()) <= MAX_NAME_BYTES
        assert stem.endswith("_social-media_2026-09-10") and not stem.startswith("-")


# Through the command line ------------------------------------------------------------------

def _run(capsys, *args):
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_cli_copies_prints_json_and_fails_when_a_pdf_is_missing(store, tmp_path, capsys):
    kept = signed(store, "Ann Smith")
    gone = signed(store, "Bob Jones", day="2026-10-01")
    data, out = str(store.data_dir), tmp_path / "out"

    code, stdout, err = _run(capsys, "--data-dir", data, "export", "attestations", "-o", str(out), "--json")
    assert code == 0 and "copied 2 signed PDFs" in err
    assert json.loads(stdout)["files"] == ["smith-ann_social-media_2026-09-10.pdf",
                                           "jones-bob_social-media_2026-10-01.pdf"]

    store.acknowledgements.pdf_path(gone).unlink()
    code, _, err = _run(capsys, "--data-dir", data, "export", "attestations", "-o", str(tmp_path / "again"),
                        "--since", "10/09/2026")
    assert code == 1
    assert f"record {gone.id}: not copied" in err and "copied 1 signed PDFs" in err
    assert [p.name for p in (tmp_path / "again").iterdir()] == ["smith-ann_social-media_2026-09-10.pdf"]
    assert (tmp_path / "again" / "smith-ann_social-media_2026-09-10.pdf").read_bytes() == \
        store.acknowledgements.pdf_bytes(kept)


def test_cli_refuses_a_bad_date_and_the_data_folder(store, tmp_path, capsys):
    signed(store, "Ann Smith")
    data = str(store.data_dir)
    code, _, err = _run(capsys, "--data-dir", data, "export", "attestations", "-o", str(tmp_path / "o"),
                        "--since", "31/02/2026")
    assert code == 2 and "February 2026 has 28 days" in err
    code, _, err = _run(capsys, "--data-dir", data, "export", "attestations", "-o", str(tmp_path / "o"),
                        "--since", "last term")
    assert code == 2 and "DD/MM/YYYY or YYYY-MM-DD" in err
    code, _, err = _run(capsys, "--data-dir", data, "export", "attestations", "-o", str(store.data_dir / "x"))
    assert code == 2 and "is inside the data folder" in err


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")
def test_copies_are_private_to_the_account(store, tmp_path):
    signed(store, "Ann Smith")
    result = export_attestations(store, tmp_path / "out")
    assert result.files[0].stat().st_mode & 0o077 == 0
