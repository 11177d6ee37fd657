"""The shape the code keeps: SQL runs only in core/records, and no two modules import each other."""

from __future__ import annotations

import ast
import subprocess
import sys
import textwrap
from pathlib import Path

from tests.conftest import REPO

PACKAGE = REPO / "holbrook_desktop"
RECORDS = PACKAGE / "core" / "records"
# The clause search keeps its own SQLite FTS5 index in memory, built from the content: not the records.
NOT_RECORDS = {PACKAGE / "core" / "content" / "search.py"}
SQL_CALLS = {"execute", "executemany", "executescript", "query"}
CONNECTION_ATTRIBUTES = {"db", "conn"}


def sql_outside_records(source: str, filename: str = "<source>") -> list[str]:
    """Each call that runs SQL (`x.execute(…)`, `x.query(…)` …) and each reach for a database
    connection (`store.db`, `change.db`, `db.conn`), as "file:line: what"."""
    found = []
    for node in ast.walk(ast.parse(source, filename=filename)):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and node.func.attr in SQL_CALLS):
            found.append((node.lineno, f".{node.func.attr}(…)"))
        elif isinstance(node, ast.Attribute) and node.attr in CONNECTION_ATTRIBUTES:
            found.append((node.lineno, f".{node.attr}"))
    return [f"{filename}:{line}: {what}" for line, what in sorted(found)]


def test_sql_runs_only_in_the_records():
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.is_relative_to(RECORDS) or path in NOT_RECORDS:
            continue
        found += sql_outside_records(path.read_text(encoding="utf-8"), str(path.relative_to(REPO)))
    assert not found, ("SQL runs outside holbrook_desktop/core/records; give the records a method for "
                       "it instead:\n" + "\n".join(found))


def test_the_sql_check_sees_each_way_of_reaching_the_records():
    source = textwrap.dedent("""
        rows = store.db.execute("SELECT 1").fetchall()
        with store.change("x") as change:
            change.db.executemany("INSERT", [])
        connection = db.conn
        db.executescript("VACUUM")
        list(db.query("SELECT 1"))
        store.staff.count()  # through the records: fine
    """)
    assert sql_outside_records(source) == [
        "<source>:2: .db", "<source>:2: .execute(…)", "<source>:4: .db", "<source>:4: .executemany(…)",
        "<source>:5: .conn", "<source>:6: .executescript(…)", "<source>:7: .query(…)"]


def _cycles(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "tests.import_cycles", *args], capture_output=True,
                          text=True, cwd=cwd, timeout=60)


def test_no_module_imports_itself_through_others_when_loaded():
    result = _cycles()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No cycle among the imports that run when a module is loaded." in result.stdout


def test_the_cycle_check_names_a_cycle_and_only_fails_on_one_that_runs_at_load(tmp_path):
    package = tmp_path / "shop"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "till.py").write_text("from shop import basket\n")
    (package / "basket.py").write_text("from . import till\n")
    (package / "stock.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from shop.shelf import Shelf\n")
    (package / "shelf.py").write_text("def fill():\n    from shop import stock\n")

    result = _cycles("--root", str(tmp_path), "--package", "shop")

    assert result.returncode == 1, result.stdout + result.stderr
    assert "shop.basket -> shop.till -> shop.basket" in result.stdout
    information, failure = result.stdout.split("FAIL")
    assert "shop.shelf -> shop.stock -> shop.shelf" in information
    assert "shop.shelf" not in failure

    (package / "basket.py").write_text("def pay():\n    from . import till\n")
    result = _cycles("--root", str(tmp_path), "--package", "shop")
    assert result.returncode == 0, result.stdout + result.stderr
