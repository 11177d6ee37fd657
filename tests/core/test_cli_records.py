"""`holbrook staff …`, `audit verify`, `data-dir`, `backup`: the records from the command line."""

import io
import json
import sqlite3

from holbrook_desktop.cli import main
from tests.core.test_store_safety import fill_the_disk


def _run(capsys, *args):
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_staff_add_and_list(tmp_path, capsys):
    data = str(tmp_path / "data")
    code, out, _ = _run(capsys, "--data-dir", data, "staff", "add", "--name", "Siân O’Brien",
                        "--role", "teacher", "--staff-number", "T1", "--start-date", "2026-09-01")
    assert (code, out.strip()) == (0, "1")
    code, out, _ = _run(capsys, "staff", "list", "--json", "--data-dir", data)
    [member] = json.loads(out)["staff"]
    assert (member["full_name"], member["role"], member["staff_number"], member["start_date"]) == (
        "Siân O’Brien", "teacher", "T1", "2026-09-01")


def test_staff_add_refuses_bad_input_with_exit_2(tmp_path, capsys):
    data = str(tmp_path / "data")
    assert _run(capsys, "--data-dir", data, "staff", "add", "--name", "A", "--role", "teacher",
                "--staff-number", "T1")[0] == 0
    code, _, err = _run(capsys, "--data-dir", data, "staff", "add", "--name", "B", "--role", "teacher",
                        "--staff-number", "T1")
    assert code == 2 and "already belongs to someone else" in err
    code, _, err = _run(capsys, "--data-dir", data, "staff", "add", "--name", "  ", "--role", "teacher")
    assert code == 2 and "full name is needed" in err
    code, _, err = _run(capsys, "--data-dir", data, "staff", "add", "--name", "C", "--role", "teacher",
                        "--start-date", "1st Sept 2026")
    assert code == 2 and "write it as DD/MM/YYYY or YYYY-MM-DD" in err
    code, out, _ = _run(capsys, "--data-dir", data, "staff", "add", "--name", "D", "--role", "teacher",
                        "--start-date", "01/09/2026", "--json")  # day first, as every date option
    assert code == 0 and json.loads(out)["start_date"] == "2026-09-01"


def test_audit_verify_passes_then_names_a_row_edited_by_hand(tmp_path, capsys):
    data = tmp_path / "data"
    for name in ("Ann", "Ben", "Cat"):
        _run(capsys, "--data-dir", str(data), "staff", "add", "--name", name, "--role", "office")
    code, out, _ = _run(capsys, "--data-dir", str(data), "audit", "verify", "--json")
    assert code == 0 and json.loads(out)["rows_verified"] == 3
    with sqlite3.connect(data / "holbrook.db") as connection:
        connection.execute("UPDATE audit_log SET details = replace(details, 'Ben', 'Bob') WHERE id = 2")
    code, out, _ = _run(capsys, "--data-dir", str(data), "audit", "verify")
    assert code == 1
    assert "broken at row 2: row 2 was altered" in out


def test_a_damaged_database_is_refused_not_touched(tmp_path, capsys):
    data = tmp_path / "data"
    data.mkdir()
    (data / "holbrook.db").write_bytes(b"this is not a database at all")
    code, _, err = _run(capsys, "--data-dir", str(data), "staff", "list")
    assert code == 2
    assert "cannot be used: it is not an SQLite database" in err
    assert (data / "holbrook.db").read_bytes() == b"this is not a database at all"


def test_backup_list_and_restore(tmp_path, capsys):
    data = tmp_path / "data"
    _run(capsys, "--data-dir", str(data), "staff", "add", "--name", "Ann", "--role", "office")
    _run(capsys, "--data-dir", str(data), "staff", "list")  # the day's first reopen takes a backup
    code, out, _ = _run(capsys, "--data-dir", str(data), "backup", "list")
    assert code == 0 and "daily-holbrook-" in out
    (data / "holbrook.db").write_bytes(b"garbage")
    assert _run(capsys, "--data-dir", str(data), "backup", "restore")[0] == 0
    code, out, _ = _run(capsys, "--data-dir", str(data), "staff", "list", "--json")
    assert code == 0 and json.loads(out)["staff"][0]["full_name"] == "Ann"
    assert any(p.name.startswith("holbrook.db.damaged-") for p in data.iterdir())


def test_data_dir_show_names_the_rule_that_chose_it(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("HOLBROOK_DATA_DIR", str(tmp_path / "from-env"))
    code, out, _ = _run(capsys, "data-dir", "show", "--json")
    assert code == 0
    shown = json.loads(out)
    assert shown["data_dir"] == str(tmp_path / "from-env") and shown["source"] == "HOLBROOK_DATA_DIR"
    code, out, _ = _run(capsys, "--data-dir", str(tmp_path / "flag"), "data-dir", "show", "--json")
    assert json.loads(out)["source"] == "--data-dir"


class _Terminal(io.StringIO):
    """stdin as a person at a terminal would type it."""

    def isatty(self) -> bool:
        return True


def test_backup_restore_asks_before_replacing_a_sound_database(tmp_path, capsys, monkeypatch):
    data = tmp_path / "data"
    _run(capsys, "--data-dir", str(data), "staff", "add", "--name", "Ann", "--role", "office")
    _run(capsys, "--data-dir", str(data), "staff", "list")  # the day's first reopen takes a backup
    _run(capsys, "--data-dir", str(data), "staff", "add", "--name", "Ben", "--role", "office")
    sound = (data / "holbrook.db").read_bytes()

    monkeypatch.setattr("sys.stdin", io.StringIO(""))  # a script: nobody to ask
    code, _, err = _run(capsys, "--data-dir", str(data), "backup", "restore")
    assert code == 2 and "is sound" in err and "--yes" in err
    monkeypatch.setattr("sys.stdin", _Terminal("n\n"))
    code, _, err = _run(capsys, "--data-dir", str(data), "backup", "restore")
    assert code == 1 and "[y/N]" in err and "not replaced" in err
    assert (data / "holbrook.db").read_bytes() == sound

    monkeypatch.setattr("sys.stdin", _Terminal("y\n"))
    assert _run(capsys, "--data-dir", str(data), "backup", "restore")[0] == 0
    code, out, _ = _run(capsys, "--data-dir", str(data), "staff", "list", "--json")
    assert [m["full_name"] for m in json.loads(out)["staff"]] == ["Ann"]
    assert any(p.name.startswith("holbrook.db.replaced-") for p in data.iterdir())
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    assert _run(capsys, "--data-dir", str(data), "backup", "restore", "--yes")[0] == 0


def test_a_missing_database_beside_its_backups_is_refused_with_the_way_back(tmp_path, capsys):
    data = tmp_path / "data"
    _run(capsys, "--data-dir", str(data), "staff", "add", "--name", "Ann", "--role", "office")
    _run(capsys, "--data-dir", str(data), "staff", "list")  # the day's first reopen takes a backup
    (data / "holbrook.db").unlink()

    code, _, err = _run(capsys, "--data-dir", str(data), "staff", "list")

    assert code == 2
    assert "is missing, but this folder holds 1 backup in backups/" in err
    assert "'holbrook backup restore'" in err
    assert not (data / "holbrook.db").exists()
    assert _run(capsys, "--data-dir", str(data), "backup", "restore")[0] == 0
    code, out, _ = _run(capsys, "--data-dir", str(data), "staff", "list", "--json")
    assert code == 0 and json.loads(out)["staff"][0]["full_name"] == "Ann"


def test_a_full_disk_is_reported_as_full_with_nothing_offered(tmp_path, capsys, monkeypatch):
    fill_the_disk(monkeypatch)
    code, _, err = _run(capsys, "--data-dir", str(tmp_path / "data"), "staff", "list")
    assert code == 2 and "is full" in err and "Nothing was changed" in err
    assert "backup restore" not in err and "damaged" not in err.replace("not damaged", "")
