"""A subject-access export: everything the records hold about one person, in a new private folder."""

from __future__ import annotations

import json
import sys
from datetime import date

import pytest

from holbrook_desktop.cli import main
from holbrook_desktop.core.hr.retention import apply_retention, plan_retention
from holbrook_desktop.core.hr.subject_access import UnknownStaff, export_subject_access
from tests.conftest import set_admin_password
from tests.core.test_retention import PNG, TODAY, acknowledge, add_person, open_records, quentin
from tests.core.test_retention import store as store  # a fixture


def _data(folder):
    return json.loads((folder / "data.json").read_text(encoding="utf-8"))


def test_everything_about_them_is_in_a_new_private_folder(store, tmp_path):
    staff_id = quentin(store)
    other = add_person(store, "Rhian Stays", "office")
    acknowledge(store, other, "typed")
    drawn = store.acknowledgements.for_person(staff_id)[-1]

    folder = export_subject_access(store, staff_id, tmp_path / "out")

    assert folder.parent == tmp_path / "out"
    assert folder.name == f"subject-access_Zebedee-Quentin_{date.today().isoformat()}"
    names = sorted(p.name for p in folder.iterdir())
    assert names == ["README.txt", "attestation-000001.pdf", "attestation-000002.pdf", "data.json",
                     "signature-000001.png", "summary.html"]
    assert (folder / "signature-000001.png").read_bytes() == PNG
    assert (folder / "attestation-000001.pdf").read_bytes() == store.acknowledgements.pdf_bytes(drawn)
    data = _data(folder)
    assert data["erased"] is None
    assert (data["staff"]["full_name"], data["staff"]["work_email"], data["staff"]["staff_number"]) == (
        "Quentin Zebedee", "quentin.zebedee@holbrook.example", "QZ-1971")
    assert [r["section_number"] for r in data["reading_progress"]] == ["1"]
    assert data["quiz_attempts"][0]["answers"] == [] and data["quiz_attempts"][0]["mode"] == "induction"
    first = data["acknowledgements"][0]
    assert "signature_png" not in first
    assert first["signature_image_file"] == "signature-000001.png"
    assert first["signature_strokes"] == [[[1, 2], [3, 4]]]
    assert first["signed_pdf_file"] == "attestation-000001.pdf"
    assert data["acknowledgements"][1]["on_behalf_note"] == "Quentin signed the paper form"
    # The audit rows about them, and only those: none of Rhian's.
    actions = [row["action"] for row in data["audit_log"]]
    assert actions == ["staff.add", "acknowledgement.recorded", "acknowledgement.recorded", "progress.opened"]
    assert all("Rhian" not in json.dumps(row) for row in data["audit_log"])
    assert [row["made_while_they_were_signed_in"] for row in data["audit_log"]] == [False, True, False, True]
    readme = (folder / "README.txt").read_text(encoding="utf-8")
    assert "data.json" in readme and "signature-NNNNNN.png" in readme and "personal data" in readme
    if sys.platform != "win32":
        assert folder.stat().st_mode & 0o777 == 0o700
        assert {p.stat().st_mode & 0o777 for p in folder.iterdir()} == {0o600}


def test_a_second_export_the_same_day_never_overwrites_the_first(store, tmp_path):
    staff_id = add_person(store, "Siân O’Brien")
    first = export_subject_access(store, staff_id, tmp_path)
    second = export_subject_access(store, staff_id, tmp_path)
    assert first.name.startswith("subject-access_OBrien-Siân_")
    assert second.name == first.name + "_2"
    assert _data(first)["staff"]["full_name"] == "Siân O’Brien"


def test_an_unknown_number_is_a_clear_error_and_writes_nothing(store, tmp_path):
    with pytest.raises(KeyError) as raised:
        export_subject_access(store, 99, tmp_path / "out")
    assert isinstance(raised.value, UnknownStaff)
    assert str(raised.value) == "There is no member of staff with number 99."
    assert not (tmp_path / "out").exists()


def test_an_erased_persons_export_says_so_and_holds_nothing_that_identifies_them(store, tmp_path):
    staff_id = quentin(store)
    apply_retention(store, plan_retention(store, years=6, today=TODAY))
    folder = export_subject_access(store, staff_id, tmp_path)
    assert folder.name == f"subject-access_erased-person-{staff_id}_{date.today().isoformat()}"
    assert sorted(p.name for p in folder.iterdir()) == ["README.txt", "data.json", "summary.html"]
    data = _data(folder)
    assert data["erased"]["erased_at"] == data["staff"]["erased_at"] is not None
    assert "erased" in (folder / "README.txt").read_text(encoding="utf-8")
    notes = {a["signed_pdf_note"] for a in data["acknowledgements"]}
    assert notes == {"deleted when the personal data was erased"}
    assert data["audit_log"][-1]["action"] == "retention.erased"
    text = json.dumps(data, ensure_ascii=False)
    for gone in ("Quentin", "Zebedee", "QZ-1971", "quentin-login", "paper form"):
        assert gone not in text


def test_subject_access_export_from_the_command_line(tmp_path, capsys, password_on_stdin):
    data = tmp_path / "data"
    store = open_records(data)
    staff_id = add_person(store, "Ann Smith")
    store.close()
    set_admin_password(data)
    out = str(tmp_path / "o")
    assert main(["--data-dir", str(data), "subject-access", "export", str(staff_id), "-o", out,
                 "--json", "--password-stdin"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["files"] == ["README.txt", "data.json", "summary.html"]
    assert shown["folder"].startswith(str(tmp_path / "o"))
    assert main(["--data-dir", str(data), "subject-access", "export", "7", "-o", str(tmp_path / "o"),
                 "--password-stdin"]) == 2
    assert "no member of staff with number 7" in capsys.readouterr().err
