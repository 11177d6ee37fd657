"""The audit chain's tail is anchored for real: every acknowledgement has its row in the log, every
kept PDF carries the full hash of the row before it, and `audit verify` finds both or says not."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import replace

import pytest

from holbrook_desktop.cli import main
from holbrook_desktop.core.attestation import pdf as attestation_pdf
from holbrook_desktop.core.attestation.pdf import read_attestation_metadata, read_audit_anchor
from holbrook_desktop.core.hr.retention import apply_retention, plan_retention
from holbrook_desktop.core.identity import Actor
from holbrook_desktop.core.records import Store
from tests.core.test_attestation_pdf import page_text
from tests.core.test_retention import TODAY, acknowledge, add_person, open_records, quentin


def _run(capsys, *args):
    code = main([str(a) for a in args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _by_hand(data, sql: str) -> None:
    """Someone editing the file with another SQLite tool."""
    with sqlite3.connect(data / "holbrook.db") as connection:
        connection.execute(sql)
    connection.close()


def _school(capsys, data, people=("Ann Smith", "Ben Jones", "Cat Lee")) -> list[int]:
    """Each person added and an acknowledgement recorded for them (real signed PDFs)."""
    records = []
    for number, name in enumerate(people, start=1):
        assert _run(capsys, "--data-dir", data, "staff", "add", "--name", name, "--role", "volunteer")[0] == 0
        code, out, err = _run(capsys, "--data-dir", data, "acknowledgement", "record", "--staff", number,
                              "--policy", "social-media", "--note", "Signed the paper form")
        assert code == 0, err
        records.append(int(out))
    return records


def _record(data, record_id):
    store = Store.open(data, Actor("office-pc", "cli"))
    try:
        return store.acknowledgements.get(record_id)
    finally:
        store.close()


def test_the_pdf_carries_the_full_anchor_in_its_record_and_on_its_page(tmp_path, capsys):
    data = tmp_path / "data"
    [record_id] = _school(capsys, data, ["Ann Smith"])
    record = _record(data, record_id)
    pdf = (data / record.pdf_file).read_bytes()
    assert len(record.audit_anchor) == 64
    assert read_attestation_metadata(pdf)["audit_anchor"] == record.audit_anchor
    assert read_audit_anchor(pdf) == attestation_pdf.AnchorInFile(record.audit_anchor, True)
    assert record.audit_anchor in page_text(pdf, tmp_path)
    code, out, err = _run(capsys, "--data-dir", data, "verify", data / record.pdf_file)
    assert code == 0 and "ok   anchor: its audit anchor is the hash of row" in out, out + err
    code, out, err = _run(capsys, "--data-dir", data, "audit", "verify", "--json")
    report = json.loads(out)
    assert code == 0 and report["ok"] and report["pdfs_checked"] == 1 and report["problems"] == []


def test_deleting_the_last_rows_of_the_log_is_reported(tmp_path, capsys):
    data = tmp_path / "data"
    *_, third = _school(capsys, data)
    assert _run(capsys, "--data-dir", data, "audit", "verify")[0] == 0
    # The last acknowledgement's row and everything after it, gone: the chain that is left verifies.
    _by_hand(data, f"DELETE FROM audit_log WHERE id >= (SELECT id FROM audit_log WHERE "
                   f"action = 'acknowledgement.recorded' AND json_extract(details, '$.acknowledgement_id') "
                   f"= {third})")
    code, out, _ = _run(capsys, "--data-dir", data, "audit", "verify")
    assert code == 1
    assert f"acknowledgement {third} has no audit row" in out and "last rows were deleted" in out
    code, out, _ = _run(capsys, "--data-dir", data, "audit", "verify", "--json")
    report = json.loads(out)
    assert report["acknowledgements_without_audit_row"] == [third] and not report["ok"]
    assert report["first_bad_row"] == report["rows_verified"] + 1


def test_emptying_the_log_is_not_intact_beside_acknowledgements(tmp_path, capsys):
    data = tmp_path / "data"
    records = _school(capsys, data)
    _by_hand(data, "DELETE FROM audit_log")
    code, out, _ = _run(capsys, "--data-dir", data, "audit", "verify")
    assert code == 1
    assert ("audit log broken at row 1: the log is empty, but 3 acknowledgements are on record (1–3): "
            "its rows have been deleted") in out
    # And each PDF's anchor is gone from it (the first one's is the hash of a row now deleted too).
    for record_id in records:
        assert f"attestation-{record_id:06d}.pdf (acknowledgement {record_id}): its audit anchor" in out
    second = data / "attestations" / "attestation-000002.pdf"
    code, out, _ = _run(capsys, "--data-dir", data, "verify", second)
    assert code == 1 and "FAIL anchor: its audit anchor" in out and "in no row of the audit log" in out


def test_an_erased_persons_acknowledgements_still_count_as_audited(tmp_path):
    store = open_records(tmp_path / "data")
    try:
        quentin(store)  # two acknowledgements, then erased: their rows name nobody any more
        acknowledge(store, add_person(store, "Rhian Stays", "office"), "typed")
        apply_retention(store, plan_retention(store, years=6, today=TODAY))
        report = store.verify_audit()
        assert report.ok and report.unaudited == ()
    finally:
        store.close()


def _as_the_first_release_made_it(monkeypatch):
    """Files as made before the whole anchor was embedded: no anchor in the record, 16 characters
    of it printed, then "…"."""
    metadata, footer = attestation_pdf.attestation_metadata, attestation_pdf._Page.footer_text

    def old_metadata(content):
        values = metadata(content)
        del values["audit_anchor"]
        return values

    def old_footer(page):
        full = page.content
        page.content = replace(full, audit_anchor=full.audit_anchor[:16] + "…")
        try:
            return footer(page)
        finally:
            page.content = full

    monkeypatch.setattr(attestation_pdf, "attestation_metadata", old_metadata)
    monkeypatch.setattr(attestation_pdf._Page, "footer_text", old_footer)


def test_an_older_pdf_is_matched_by_the_prefix_it_prints_and_says_so(tmp_path, capsys, monkeypatch):
    data = tmp_path / "data"
    with monkeypatch.context() as patched:
        _as_the_first_release_made_it(patched)
        [old] = _school(capsys, data, ["Ann Smith"])
    [new] = _school(capsys, data, ["Ben Jones"])  # made by this release: the full anchor
    record = _record(data, old)
    pdf = (data / record.pdf_file).read_bytes()
    assert "audit_anchor" not in read_attestation_metadata(pdf)
    assert read_audit_anchor(pdf) == attestation_pdf.AnchorInFile(record.audit_anchor[:16], False)
    code, out, _ = _run(capsys, "--data-dir", data, "verify", data / record.pdf_file)
    assert code == 0 and "ok   anchor: an attestation made before the full anchor was embedded" in out
    assert "matched by that prefix" in out
    code, out, _ = _run(capsys, "--data-dir", data, "audit", "verify")
    assert code == 0
    assert f"note attestations/attestation-{old:06d}.pdf (acknowledgement {old}): an attestation made " \
           "before the full anchor" in out
    assert f"attestation-{new:06d}.pdf" not in out
    _by_hand(data, "DELETE FROM audit_log")
    code, out, _ = _run(capsys, "--data-dir", data, "audit", "verify")
    assert code == 1 and "no row of the audit log begins with them" in out


@pytest.mark.parametrize("damage", [
    "UPDATE audit_log SET details = CAST(X'7B2280FF223A317D' AS TEXT) WHERE id = 2",  # not UTF-8
    "UPDATE audit_log SET details = '{not json' WHERE id = 2",
    "UPDATE audit_log SET at = X'00FF' WHERE id = 2",  # a BLOB where text belongs
    "UPDATE audit_log SET staff_id = X'01' WHERE id = 2",
    "UPDATE audit_log SET hash = X'0102' WHERE id = 2",
    "UPDATE audit_log SET details_sha256 = NULL, details_salt = NULL WHERE id = 2",
    "UPDATE audit_log SET os_user = CAST(X'FF' AS TEXT) WHERE id = 2",
])
def test_a_row_that_cannot_be_decoded_is_a_broken_row_never_a_traceback(tmp_path, capsys, damage):
    data = tmp_path / "data"
    for name in ("Ann", "Ben", "Cat"):
        assert _run(capsys, "--data-dir", data, "staff", "add", "--name", name, "--role", "office")[0] == 0
    _by_hand(data, damage)
    code, out, err = _run(capsys, "--data-dir", data, "audit", "verify")
    assert code == 1, out + err
    assert "audit log broken at row 2: row 2 " in out
    code, out, _ = _run(capsys, "--data-dir", data, "audit", "verify", "--json")
    assert code == 1 and json.loads(out)["first_bad_row"] == 2


def test_an_erasing_rows_list_of_the_wrong_types_is_a_broken_row(tmp_path):
    store = open_records(tmp_path / "data")
    try:
        quentin(store)
        [person] = apply_retention(store, plan_retention(store, years=6, today=TODAY)).erased
        store.db.execute("UPDATE audit_log SET details = '{\"redacted_details\": [\"x\", null, 1.5]}' "
                         "WHERE id = ?", (person.audit_row,))
        store.db.conn.commit()
        report = store.verify_audit()
        assert not report.ok and report.first_bad_row is not None
    finally:
        store.close()


@pytest.mark.parametrize("value", ["X'00FF'", "CAST(X'61FF2E706466' AS TEXT)", "'../../etc/passwd'"])
def test_an_acknowledgement_naming_its_pdf_wrongly_is_a_problem_never_a_traceback(tmp_path, capsys, value):
    data = tmp_path / "data"
    [record_id] = _school(capsys, data, ["Ann Smith"])
    _by_hand(data, f"UPDATE acknowledgements SET pdf_file = {value} WHERE id = {record_id}")
    code, out, err = _run(capsys, "--data-dir", data, "audit", "verify")
    assert code == 1, out + err
    assert f"cknowledgement {record_id}" in out


def test_a_pdf_in_the_folder_that_no_record_keeps_is_reported(tmp_path, capsys):
    data = tmp_path / "data"
    [record_id] = _school(capsys, data, ["Ann Smith"])
    kept = data / "attestations" / f"attestation-{record_id:06d}.pdf"
    (data / "attestations" / "attestation-000099.pdf").write_bytes(kept.read_bytes())
    code, out, _ = _run(capsys, "--data-dir", data, "audit", "verify")
    assert code == 1
    assert ("FAIL attestations/attestation-000099.pdf: is not the signed PDF of any acknowledgement kept "
            "on record") in out
